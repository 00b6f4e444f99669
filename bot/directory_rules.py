"""The rules a directory obeys (SPEC §1, memo §2–§4), the same for a file and
for an edit in Slack: areas and units exist and agree, each person can be
found (a Slack id or an e-mail, neither used twice), area roles have an area,
one IFK and one area leader per area and one BFK at a time, one acting area
leader per area and period. In the unit model (``organisation: {scope: unit}``,
UDI 2016-018) an IFK belongs to a unit of the network instead: one per unit,
several per area; units outside the network (``network: false``) have none.

``build_directory`` turns a ``DirectoryModel`` into the validated
``DirectoryFile`` or raises the first broken rule as a ``DirectoryFileError``
with a catalog key (``dir.rule.*``), so an admin in Slack reads it in their
language. Each rule is a small function; a new organisation shape adds its own.
"""

from __future__ import annotations

from datetime import date

from bot.directory_file import (
    ActingEntry,
    ActingSpec,
    AreaEntry,
    DirectoryFile,
    DirectoryFileError,
    DirectoryModel,
    OrganisationEntry,
    OrgSpec,
    PersonEntry,
    PersonSpec,
    RoleEntry,
    RoleSpec,
    TrainingEntry,
    TrainingSpec,
    rule_error,
)
from bot.domain.roles import AREA_ROLES, BFK_HOME_AREA, DEFAULT_AREAS, SINGLE_HOLDER_ROLES, Role
from bot.domain.training import LEVELS, parse_topic


def _default_areas() -> list[AreaEntry]:
    return [AreaEntry(code=c, name=f"Område {c}") for c in DEFAULT_AREAS]


def _ranges_overlap(a_from: date | None, a_to: date | None, b_from: date | None, b_to: date | None) -> bool:
    return (a_from or date.min) <= (b_to or date.max) and (b_from or date.min) <= (a_to or date.max)


def _listing(allowed: set[str]) -> str:
    return str(sorted(allowed))


def build_directory(model: DirectoryModel, file: str = "<directory>") -> DirectoryFile:
    areas = model.areas if model.areas is not None else _default_areas()
    area_codes = {a.code for a in areas}
    if len(area_codes) != len(areas):
        raise rule_error(file, "areas", "dir.rule.area_twice")
    allowed = set(DEFAULT_AREAS) if model.areas is None else area_codes

    unit_codes: dict[str, str] = {}
    for i, unit in enumerate(model.units):
        label = f"units[{i}] ({unit.code})"
        if unit.area not in allowed:
            raise rule_error(file, label, "dir.rule.area_unknown", "area", area=repr(unit.area),
                             areas=_listing(allowed))
        if unit.code in unit_codes:
            raise rule_error(file, label, "dir.rule.unit_twice", "unit")
        unit_codes[unit.code] = unit.area
    outside = {u.code for u in model.units if not u.network}
    org = organisation(file, model.organisation or OrganisationEntry(), allowed, unit_codes, outside)

    people: list[PersonSpec] = []
    seen_ids: dict[str, str] = {}
    for i, entry in enumerate(model.people):
        label = f"people[{i}] ({entry.name})"
        _check_ids(file, label, entry, seen_ids)
        spec = person_spec(file, label, entry, allowed, unit_codes, org.bfk_area)
        if org.unit_scope:
            _check_unit_ifk(file, label, spec, outside, unit_codes)
        people.append(spec)

    check_single_holders(file, people, unit_scope=org.unit_scope)
    acting = None if model.acting is None else _acting(file, model.acting, people, allowed)
    return DirectoryFile(tuple(areas), tuple(model.units), tuple(people), acting, org)


def organisation(file: str, entry: OrganisationEntry, allowed: set[str], unit_codes: dict[str, str],
                 outside: set[str]) -> OrgSpec:
    """The shape: the BFK's home is a unit of the network or an area (area A by default)."""
    home = entry.bfk_home
    if home is None:
        return OrgSpec(entry.scope, None, BFK_HOME_AREA)
    if home in unit_codes:
        if home in outside:
            raise rule_error(file, "organisation", "dir.rule.bfk_home_outside", "unit", unit=repr(home))
        return OrgSpec(entry.scope, home, unit_codes[home])
    if home in allowed:
        return OrgSpec(entry.scope, home, home)
    raise rule_error(file, "organisation", "dir.rule.bfk_home_unknown", "unit", home=repr(home))


def _check_unit_ifk(file: str, label: str, spec: PersonSpec, outside: set[str],
                    unit_codes: dict[str, str]) -> None:
    """Unit model: an IFK serves their own unit, which must be in the network,
    and the role's area is that unit's."""
    ifk = [r for r in spec.roles if r.role is Role.IFK]
    if not ifk:
        return
    if spec.unit is None:
        raise rule_error(file, label, "dir.rule.ifk_needs_unit", "unit")
    if spec.unit in outside:
        raise rule_error(file, label, "dir.rule.ifk_unit_outside", "unit", unit=repr(spec.unit))
    for r in ifk:
        if r.area != unit_codes[spec.unit]:
            raise rule_error(file, label, "dir.rule.ifk_other_area", "roles", unit=repr(spec.unit),
                             unit_area=unit_codes[spec.unit], area=r.area)


def _check_ids(file: str, label: str, entry: PersonEntry, seen_ids: dict[str, str]) -> None:
    if not entry.slack_id and not entry.email:
        raise rule_error(file, label, "dir.rule.needs_id", "email")
    for key, field in ((entry.slack_id, "slack_id"), (entry.email, "email")):
        if key and key in seen_ids:
            raise rule_error(file, label, "dir.rule.id_taken", field, taken=key, name=seen_ids[key])
        if key:
            seen_ids[key] = entry.name


def person_spec(file: str, label: str, entry: PersonEntry, allowed: set[str],
                unit_codes: dict[str, str], bfk_area: str = BFK_HOME_AREA) -> PersonSpec:
    area = entry.area
    if entry.unit is not None:
        if entry.unit not in unit_codes:
            raise rule_error(file, label, "dir.rule.unit_unknown", "unit", unit=repr(entry.unit))
        area = area or unit_codes[entry.unit]
        if unit_codes[entry.unit] != area:
            raise rule_error(file, label, "dir.rule.unit_other_area", "unit", unit=repr(entry.unit),
                             unit_area=unit_codes[entry.unit], area=area)
    if area is not None and area not in allowed:
        raise rule_error(file, label, "dir.rule.area_unknown", "area", area=repr(area),
                         areas=_listing(allowed))
    roles: list[RoleSpec] = []
    for r in entry.roles:
        entry_role = RoleEntry(role=r) if isinstance(r, str) else r
        spec = _role_spec(file, label, entry_role, area, allowed, bfk_area)
        if spec in roles:
            raise rule_error(file, label, "dir.rule.role_twice", "roles", role=spec.role.value)
        roles.append(spec)
    return PersonSpec(entry.name, entry.slack_id, entry.email, entry.language, area, entry.unit, tuple(roles),
                      _training(file, label, entry.training), entry.share)


def _role_spec(file: str, label: str, r: RoleEntry, area: str | None, allowed: set[str],
               bfk_area: str = BFK_HOME_AREA) -> RoleSpec:
    try:
        role = Role(r.role)
    except ValueError:
        known = ", ".join(x.value for x in Role)
        raise rule_error(file, label, "dir.rule.role_unknown", "roles", role=repr(r.role),
                         known=known) from None
    role_area = r.area
    if role in AREA_ROLES:
        role_area = role_area or area
        if role_area is None:
            raise rule_error(file, label, "dir.rule.role_needs_area", "roles", role=role.value)
    elif role is Role.BFK:
        role_area = role_area or bfk_area
    elif role_area is not None:
        raise rule_error(file, label, "dir.rule.role_no_area", "roles", role=role.value)
    if role_area is not None and role_area not in allowed:
        raise rule_error(file, label, "dir.rule.area_unknown", "roles", area=repr(role_area),
                         areas=_listing(allowed))
    if r.valid_from and r.valid_to and r.valid_to < r.valid_from:
        raise rule_error(file, label, "dir.rule.role_to_before_from", "roles", role=role.value)
    return RoleSpec(role, role_area, r.valid_from, r.valid_to)


def _training(file: str, label: str, entries: list[TrainingEntry]) -> tuple[TrainingSpec, ...]:
    out: list[TrainingSpec] = []
    for e in entries:
        if e.level not in LEVELS:
            raise rule_error(file, label, "dir.rule.training_level", "training", level=e.level)
        topic = ""
        if e.level == 2:
            found = parse_topic(e.topic or "")
            if found is None:
                raise rule_error(file, label, "dir.rule.training_topic", "training", topic=repr(e.topic))
            topic = found
        elif e.topic:
            raise rule_error(file, label, "dir.rule.training_no_topic", "training", level=e.level)
        spec = TrainingSpec(e.level, topic, e.completed)
        if any((s.level, s.topic) == (spec.level, spec.topic) for s in out):
            what = f"training level {e.level} {topic}".rstrip()
            raise rule_error(file, label, "dir.rule.training_twice", "training", what=what)
        out.append(spec)
    return tuple(out)


def check_single_holders(file: str, people: list[PersonSpec], *, unit_scope: bool = False) -> None:
    """One IFK and one area leader per area, one BFK — unless their date ranges
    do not overlap (a planned hand-over or a substitute period). In the unit
    model the IFK is one per unit instead."""
    held: dict[tuple[Role, str | None], list[tuple[PersonSpec, RoleSpec]]] = {}
    for person in people:
        for spec in person.roles:
            if spec.role not in SINGLE_HOLDER_ROLES:
                continue
            per_unit = unit_scope and spec.role is Role.IFK
            scope = None if spec.role is Role.BFK else (person.unit if per_unit else spec.area)
            for other_person, other in held.get((spec.role, scope), []):
                if _ranges_overlap(spec.valid_from, spec.valid_to, other.valid_from, other.valid_to):
                    key = "dir.rule.second_holder" if scope is None else \
                        "dir.rule.second_holder_unit" if per_unit else "dir.rule.second_holder_area"
                    params = {} if scope is None else {"unit": scope} if per_unit else {"area": scope}
                    raise rule_error(file, f"person {person.name!r}", key, "roles", role=spec.role.value,
                                     other=repr(other_person.name), **params)
            held.setdefault((spec.role, scope), []).append((person, spec))


def _acting(file: str, entries: list[ActingEntry], people: list[PersonSpec],
            allowed: set[str]) -> tuple[ActingSpec, ...]:
    known = {key: p for p in people for key in p.keys}
    out: list[ActingSpec] = []
    for i, e in enumerate(entries):
        label = f"acting[{i}] ({e.area})"
        if e.area not in allowed:
            raise rule_error(file, label, "dir.rule.area_unknown", "area", area=repr(e.area),
                             areas=_listing(allowed))
        person_key = e.person.strip().lower() if "@" in e.person else e.person.strip()
        by_key = None if e.by is None else (e.by.strip().lower() if "@" in e.by else e.by.strip())
        for key in (person_key, by_key):
            if key is not None and key not in known:
                raise rule_error(file, label, "dir.rule.acting_unknown_person", "person", person=repr(key))
        if e.valid_to < e.valid_from:
            raise rule_error(file, label, "dir.rule.acting_to_before_from", "end")
        spec = ActingSpec(e.area, person_key, e.valid_from, e.valid_to, by_key)
        for other in out:
            if other.area == spec.area and _ranges_overlap(spec.valid_from, spec.valid_to, other.valid_from,
                                                          other.valid_to):
                raise rule_error(file, label, "dir.rule.acting_overlap", "start", area=spec.area,
                                 other=repr(known[other.person].name))
        out.append(spec)
    return tuple(out)


__all__ = ["DirectoryFileError", "build_directory", "check_single_holders", "organisation", "person_spec"]
