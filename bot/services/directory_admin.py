"""The directory kept in Slack (SPEC §1: admins can edit it in Slack): the
overview an admin sees (people and roles by area and unit, who Slack cannot
reach, the latest changes) and one edit at a time — add a person, change their
name, Slack account, e-mail, area, unit, language, roles and date ranges,
deactivate or reactivate them.

Every edit is checked on the server (only admins) and by the same rules as the
file import: the whole directory as it would be after the edit is built in the
import format and validated (``bot.directory_rules``), so a change that would
give an area two IFKs in the same period is refused with the reason, in the
admin's language, and nothing is written. What is written goes through
``bot.services.directory.apply_person``, exactly as an import writes it, and is
recorded in the directory's audit trail with who changed what.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.dates import ParseError
from bot.directory_commands import parse_role_lines
from bot.directory_file import DirectoryFileError, PersonEntry, validate_model
from bot.directory_rules import build_directory
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import t
from bot.services import decisions
from bot.services import directory_audit as audit
from bot.services.directory import apply_person, deactivate
from bot.services.directory_cache import DirectoryCache, bump
from bot.services.directory_export import export_model
from bot.services.handover import HandoverService
from bot.services.role_holders import holds_any
from storage.models import Person
from storage.repositories import directory as repo

#: How a person's roles are listed: the network's roles first, then leading, then the rest.
ROLE_ORDER = {
    role: i
    for i, role in enumerate(
        ("ifk", "bfk", "ifr", "fagsjef", "area_leader", "unit_leader", "management", "admin", "caseworker")
    )
}

#: Form fields a refusal can be about (the modal maps them to its inputs).
FIELDS = ("name", "slack_id", "email", "area", "unit", "language", "roles", "active")


@dataclass(frozen=True, slots=True)
class PersonEdit:
    """What the admin's form holds (``person_id`` None: a new person)."""

    person_id: int | None
    name: str
    slack_id: str | None
    email: str | None
    area: str | None
    unit: str | None
    language: str | None
    roles_text: str
    active: bool = True


@dataclass(frozen=True, slots=True)
class EditOutcome:
    ok: bool
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field -> reason
    person_id: int | None = None


@dataclass(frozen=True, slots=True)
class PersonView:
    id: int
    name: str
    slack_id: str | None
    email: str | None
    area: str | None
    unit: str | None
    language: str
    language_origin: str | None
    active: bool
    unreachable: str | None
    roles: tuple[tuple[str, str | None, date | None, date | None], ...]
    acting: tuple[tuple[str, date, date], ...] = ()


@dataclass(frozen=True, slots=True)
class Change:
    at: datetime
    action: str
    actor: str | None
    subject: str | None
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Overview:
    areas: tuple[tuple[str, str], ...]  # (code, name)
    units: tuple[tuple[str, str, str], ...]  # (code, name, area)
    people: tuple[PersonView, ...]  # active and deactivated
    changes: tuple[Change, ...]
    outside: frozenset[str] = frozenset()  # codes of units outside the network (``network: false``)
    scope: str = "area"  # coordinators per area or per unit (the directory file's ``organisation``)

    @property
    def active(self) -> list[PersonView]:
        return [p for p in self.people if p.active]

    @property
    def deactivated(self) -> list[PersonView]:
        return [p for p in self.people if not p.active]

    @property
    def unreachable(self) -> list[PersonView]:
        return [p for p in self.people if p.active and (p.unreachable or not p.slack_id)]


def _person_view(p: Person, unit_codes: dict[int, str]) -> PersonView:
    roles = tuple(
        sorted(
            ((r.role, r.area_code, r.valid_from, r.valid_to) for r in p.roles),
            key=lambda r: (ROLE_ORDER.get(r[0], 99), r[1] or "", str(r[2] or "")),
        )
    )
    acting = tuple((a.area_code, a.starts_on, a.ends_on) for a in p.acting)
    reason = p.unreachable_reason or (None if p.slack_user_id else "no_slack_user")
    return PersonView(
        p.id,
        p.name,
        p.slack_user_id,
        p.email,
        p.area_code,
        unit_codes.get(p.unit_id) if p.unit_id is not None else None,
        p.language,
        p.language_origin,
        p.active,
        reason,
        roles,
        acting,
    )


class DirectoryAdminService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        calendar: WorkingCalendar,
        cache: DirectoryCache,
        handover: HandoverService,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._cache = cache
        self._handover = handover

    def _today(self) -> date:
        return self._calendar.local_date(self._clock.now())

    def is_admin(self, person_id: int) -> bool:
        with self._sessions() as s:
            return self._admin(s, person_id)

    def _admin(self, s: Session, person_id: int) -> bool:
        return holds_any(s.get(Person, person_id), (Role.ADMIN,), self._today())

    # ------------------------------------------------------------------ reading

    def overview(self, admin_id: int, changes: int = 5) -> Overview | None:
        """Everything the admin section shows; None for someone who is not an admin."""
        with self._sessions() as s:
            if not self._admin(s, admin_id):
                return None
            units = repo.all_units(s)
            unit_codes = {u.id: u.code for u in units}
            people = tuple(_person_view(p, unit_codes) for p in repo.all_people(s))
            names = {p.id: p.name for p in people}
            recent = tuple(
                Change(
                    e.at,
                    e.kind.removeprefix(repo.DIRECTORY_EVENT),
                    names.get(e.actor_id),
                    names.get(e.subject_id),
                    dict(e.data or {}),
                )
                for e in repo.directory_events(s, changes)
            )
            org = repo.organisation(s)
            return Overview(
                tuple((a.code, a.name) for a in repo.all_areas(s)),
                tuple((u.code, u.name, u.area_code) for u in units),
                people,
                recent,
                frozenset(u.code for u in units if not u.network),
                org.scope if org is not None else "area",
            )

    def person(self, admin_id: int, person_id: int) -> PersonView | None:
        with self._sessions() as s:
            if not self._admin(s, admin_id):
                return None
            person = s.get(Person, person_id)
            if person is None:
                return None
            return _person_view(person, {u.id: u.code for u in repo.all_units(s)})

    # ------------------------------------------------------------------ editing

    def save(self, admin_id: int, edit: PersonEdit, lang: Lang, view_id: str | None = None) -> EditOutcome:
        """Apply one edit, all or nothing (see the module docstring)."""
        roles = parse_role_lines(edit.roles_text)
        if isinstance(roles, ParseError):
            return EditOutcome(False, errors={"roles": t(lang, roles.key, **roles.params)})
        entry_data: dict[str, Any] = {
            "name": edit.name.strip(),
            "slack_id": edit.slack_id or None,
            "email": (edit.email or "").strip() or None,
            "area": edit.area or None,
            "unit": edit.unit or None,
            "language": edit.language or None,
            "roles": [r.entry() for r in roles],
        }
        problem = _entry_problem(entry_data, lang)
        if problem is not None:
            return problem
        with self._sessions() as s:
            s.begin()
            try:
                outcome = self._save(s, admin_id, edit, entry_data, lang, view_id)
            except BaseException:
                s.rollback()
                raise
            if outcome.ok:
                s.commit()
            else:
                s.rollback()
        self._cache.invalidate()
        if outcome.ok and not edit.active and outcome.person_id is not None:
            self._handover.run_now(outcome.person_id)  # their open work moves on now
        return outcome

    def _save(
        self,
        s: Session,
        admin_id: int,
        edit: PersonEdit,
        entry_data: dict[str, Any],
        lang: Lang,
        view_id: str | None,
    ) -> EditOutcome:
        if not self._admin(s, admin_id):
            return EditOutcome(
                False, t(lang, "dir.admin.not_admin"), {"name": t(lang, "dir.admin.not_admin")}
            )
        now = self._clock.now()
        person = s.get(Person, edit.person_id, with_for_update=True) if edit.person_id is not None else None
        if edit.person_id is not None and person is None:
            return EditOutcome(False, errors={"name": t(lang, "dir.admin.gone")})
        if view_id and decisions.decide(s, f"view:{view_id}", "submitted", admin_id, now) is not None:
            return EditOutcome(True, t(lang, "dir.admin.already_saved"), person_id=edit.person_id)
        if person is not None and person.slack_user_id and not entry_data["slack_id"]:
            entry_data["slack_id"] = person.slack_user_id  # a learnt Slack id is kept (as an import does)
        if person is not None and person.network_share is not None:
            entry_data["share"] = person.network_share  # the form does not show it; an edit keeps it
        model = export_model(s)
        keys = {k for k in ((person.slack_user_id, person.email) if person else ()) if k}
        model["people"] = [p for p in model["people"] if not keys & {p.get("slack_id"), p.get("email")}]
        new_key = entry_data["slack_id"] or entry_data["email"]
        acting = []
        for a in model["acting"]:  # they may be (or have named) an acting area leader
            if a["person"] in keys and not edit.active:
                continue
            a = {**a, "person": new_key if a["person"] in keys else a["person"]}
            if a.get("by") in keys:
                a["by"] = new_key if edit.active else None
            acting.append({k: v for k, v in a.items() if v is not None})
        model["acting"] = acting
        if edit.active:  # the directory as it would be, checked as a file would be
            model["people"].append({k: v for k, v in entry_data.items() if v not in (None, [])})
            try:
                spec = build_directory(validate_model(model, "slack"), "slack").people[-1]
            except DirectoryFileError as exc:
                return EditOutcome(False, errors={_field(exc.field): exc.text(lang)})
        else:  # switched off: only their own entry must make sense
            found = _alone(entry_data, model, lang)
            if isinstance(found, EditOutcome):
                return found
            spec = found
        clash = repo.find_person(s, spec.slack_id, spec.email)
        if clash is not None and (person is None or clash.id != person.id):
            return EditOutcome(False, errors={"email": t(lang, "dir.admin.taken", name=clash.name)})
        unit_ids = {u.code: u.id for u in repo.all_units(s)}
        was_active = person.active if person is not None else True
        old_language = person.language if person is not None else None
        diff: dict[str, Any] = {}
        person, changed = apply_person(
            s,
            person,
            spec,
            unit_ids,
            now,
            language_wins=spec.language is not None and spec.language != old_language,
            diff=diff,
        )
        if not edit.active and was_active:
            deactivate(s, person, now)
            changed.append("deactivated")
        elif not edit.active and "reactivated" in changed:  # apply_person switches on; it stays off
            person.active = False
            changed.remove("reactivated")
        if not changed:
            return EditOutcome(True, t(lang, "dir.admin.unchanged", name=person.name), person_id=person.id)
        bump(s)
        action = (
            "created"
            if "created" in changed
            else "deactivated"
            if "deactivated" in changed
            else "reactivated"
            if "reactivated" in changed
            else "changed"
        )
        audit.record(
            s, action, admin_id, person.id, now, {"source": "slack", "fields": changed, "diff": diff}
        )
        return EditOutcome(True, t(lang, f"dir.admin.saved_{action}", name=person.name), person_id=person.id)


def _field(name: str | None) -> str:
    if name in ("slack_id", "email", "area", "unit", "language", "roles"):
        return str(name)
    return "roles" if name == "training" else "name"


def _entry_problem(entry: dict[str, Any], lang: Lang) -> EditOutcome | None:
    """The entry's own shape (a name, a Slack id or an e-mail that look right)."""
    if not entry["name"]:
        return EditOutcome(False, errors={"name": t(lang, "form.error.required")})
    if not entry["slack_id"] and not entry["email"]:
        return EditOutcome(False, errors={"email": t(lang, "dir.rule.needs_id")})
    try:
        PersonEntry.model_validate({k: v for k, v in entry.items() if v is not None})
    except ValueError as exc:
        where = "email" if "email" in str(exc) else "slack_id" if "slack_id" in str(exc) else "name"
        return EditOutcome(False, errors={where: t(lang, f"dir.form.bad_{where}")})
    return None


def _alone(entry: dict[str, Any], model: dict[str, Any], lang: Lang):
    """A deactivated person's own entry, checked against the areas and units only."""
    solo = {**model, "people": [{k: v for k, v in entry.items() if v not in (None, [])}], "acting": []}
    try:
        return build_directory(validate_model(solo, "slack"), "slack").people[0]
    except DirectoryFileError as exc:
        return EditOutcome(False, errors={_field(exc.field): exc.text(lang)})


__all__ = ["FIELDS", "DirectoryAdminService", "EditOutcome", "Overview", "PersonEdit", "PersonView"]
