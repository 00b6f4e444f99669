"""The directory as it is now, in the import format (``ifn-bot directory export``),
so that export → import changes nothing; and the same picture as the starting
point of an admin's edit in Slack, which is validated as a whole file would be.

What is written: every area and unit; every active person with their Slack id,
e-mail, area, unit, roles (with their date ranges) and training; ``language``
only where the directory chose it (a language the person chose themself, or
that Slack suggested, is theirs and an import keeps it); the acting area
leaders. Deactivated people are left out: importing the export without
``--prune`` keeps them deactivated, with it they stay so.
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy.orm import Session

from bot.domain.roles import AREA_ROLES, BFK_HOME_AREA, Role
from storage.models import Person, RoleAssignment
from storage.repositories import directory as repo
from storage.repositories import training as training_repo

HEADER = ("# ifn-bot directory, exported by `ifn-bot directory export`.\n"
          "# Import it again with `ifn-bot directory import FILE`\n"
          "# (add --dry-run to see what would change first).\n")


def _role(r: RoleAssignment, person: Person, bfk_area: str = BFK_HOME_AREA) -> dict[str, Any] | str:
    """The shortest entry that imports back to the same row."""
    try:
        role: Role | None = Role(r.role)
    except ValueError:
        role = None
    implied = person.area_code if role in AREA_ROLES else (bfk_area if role is Role.BFK else None)
    entry: dict[str, Any] = {"role": r.role}
    if r.area_code is not None and r.area_code != implied:
        entry["area"] = r.area_code
    if r.valid_from is not None:
        entry["from"] = r.valid_from
    if r.valid_to is not None:
        entry["to"] = r.valid_to
    return r.role if len(entry) == 1 else entry


def _key(person: Person) -> str:
    return person.slack_user_id or person.email or ""


def person_entry(person: Person, unit_codes: dict[int, str], unit_areas: dict[int, str],
                 training_records: list[Any], bfk_area: str = BFK_HOME_AREA) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": person.name}
    if person.slack_user_id:
        entry["slack_id"] = person.slack_user_id
    if person.email:
        entry["email"] = person.email
    if person.language_origin == "directory":
        entry["language"] = person.language
    unit = unit_codes.get(person.unit_id) if person.unit_id is not None else None
    # The area is implied by the unit; written only when there is no unit.
    if person.area_code is not None and (unit is None or unit_areas.get(person.unit_id) != person.area_code):
        entry["area"] = person.area_code
    if unit is not None:
        entry["unit"] = unit
    roles = sorted(person.roles, key=lambda r: (r.role, r.area_code or "", str(r.valid_from or ""), r.id))
    if roles:
        entry["roles"] = [_role(r, person, bfk_area) for r in roles]
    if person.network_share is not None:
        entry["share"] = person.network_share
    training = []
    for rec in training_records:
        item: dict[str, Any] = {"level": rec.level}
        if rec.topic:
            item["topic"] = rec.topic
        if rec.completed_on is not None:
            item["completed"] = rec.completed_on
        training.append(item)
    if training:
        entry["training"] = training
    return entry


def export_model(s: Session) -> dict[str, Any]:
    """The directory as the import format's data (dates as ``date`` objects)."""
    units = repo.all_units(s)
    unit_codes = {u.id: u.code for u in units}
    unit_areas = {u.id: u.area_code for u in units}
    people = repo.active_people(s)
    active = {p.id: p for p in people}
    training: dict[int, list[Any]] = {}
    for rec in training_repo.all_records(s):  # one query, not one a person
        training.setdefault(rec.person_id, []).append(rec)
    org = repo.organisation(s)
    scope, home = (org.scope, org.bfk_home) if org is not None else ("area", None)
    bfk_area = unit_areas_by_code(units).get(home or "", home or BFK_HOME_AREA)
    data: dict[str, Any] = {
        "organisation": {"scope": scope, **({"bfk_home": home} if home else {})},
        "areas": [{"code": a.code, "name": a.name} for a in repo.all_areas(s)],
        "units": [{"code": u.code, "name": u.name, "area": u.area_code,
                   **({} if u.network else {"network": False})} for u in units],
        "people": [person_entry(p, unit_codes, unit_areas, training.get(p.id, []), bfk_area) for p in people],
    }
    acting = []
    for row in repo.acting_rows(s):
        if row.person_id not in active:
            continue
        item: dict[str, Any] = {"area": row.area_code, "person": _key(active[row.person_id]),
                                "from": row.starts_on, "to": row.ends_on}
        by = active.get(row.designated_by_id) if row.designated_by_id is not None else None
        if by is not None:
            item["by"] = _key(by)
        acting.append(item)
    data["acting"] = acting
    return data


def unit_areas_by_code(units: list[Any]) -> dict[str, str]:
    return {u.code: u.area_code for u in units}


def to_yaml(data: dict[str, Any]) -> str:
    """Block style for the sections, one line per area, unit, person and acting period."""
    out = [HEADER.rstrip("\n")]
    if data.get("organisation"):
        line = yaml.safe_dump(data["organisation"], default_flow_style=True, sort_keys=False).strip()
        out.append(f"organisation: {line}")
    for section in ("areas", "units", "people", "acting"):
        items = data.get(section)
        if items is None:
            continue
        if not items:
            out.append(f"{section}: []")
            continue
        out.append(f"{section}:")
        for item in items:
            line = yaml.safe_dump(item, default_flow_style=True, allow_unicode=True, sort_keys=False,
                                  width=10_000).strip()
            out.append(f"  - {line}")
    return "\n".join(out) + "\n"
