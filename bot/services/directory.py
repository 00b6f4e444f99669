"""Loading the directory file into the database in one transaction, and the
one function (``apply_person``) that both an import and an admin's edit in
Slack use to write a person.

Without ``prune`` an import deactivates nobody: people missing from the file
are listed and kept, so a partial file never switches off everyone else. With
``dry_run`` the same import runs and is rolled back: what it prints is exactly
what would change. Deactivated people keep their roles (reactivating them
restores them; an inactive person never counts as holding anything) and their
open work is handed over by ``bot.services.handover``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.directory_file import ActingSpec, DirectoryFile, PersonSpec, rule_error
from bot.services import directory_audit as audit
from bot.services.directory_cache import bump
from bot.services.directory_export import export_model, to_yaml
from bot.services.handover import queue_handover
from storage.models import ActingLeader, Person
from storage.repositories import directory as repo
from storage.repositories.training import upsert_record

#: Fields of a person an import or an edit compares, in the order changes are listed.
PERSON_FIELDS = ("name", "slack_user_id", "email", "language", "area_code", "unit_id", "network_share")


@dataclass(frozen=True, slots=True)
class PersonChange:
    name: str
    fields: tuple[str, ...]  # what changed: name, slack_user_id, …, roles, training, reactivated


@dataclass(frozen=True, slots=True)
class ImportResult:
    created_names: tuple[str, ...] = ()
    changes: tuple[PersonChange, ...] = ()
    unchanged: int = 0
    deactivated_names: tuple[str, ...] = ()
    missing_names: tuple[str, ...] = ()  # not in the file, kept (no --prune)
    acting_changed: bool = False
    dry_run: bool = False
    shape_changed: bool = False  # scope, the BFK's home or a unit's place in the network
    created_ids: tuple[int, ...] = field(default=(), compare=False)

    @property
    def created(self) -> int:
        return len(self.created_names)

    @property
    def updated(self) -> int:
        return len(self.changes)

    @property
    def deactivated(self) -> int:
        return len(self.deactivated_names)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.acting_changed
                    or self.shape_changed)


def person_fields(spec: PersonSpec, unit_ids: dict[str, int]) -> dict[str, Any]:
    return {"name": spec.name, "slack_user_id": spec.slack_id, "email": spec.email, "language": spec.language,
            "area_code": spec.area, "unit_id": unit_ids.get(spec.unit) if spec.unit else None,
            "network_share": spec.share}


def _roles_text(person: Person) -> list[str]:
    """The roles as the audit trail shows them: ``ifk A 2026-12-01–…``."""
    def one(r: Any) -> str:
        dates = f" {r.valid_from or '…'}–{r.valid_to or '…'}" if r.valid_from or r.valid_to else ""
        return f"{r.role}{' ' + r.area_code if r.area_code else ''}{dates}"

    return sorted(one(r) for r in person.roles)


def apply_person(s: Session, person: Person | None, spec: PersonSpec, unit_ids: dict[str, int],
                 now: datetime, *, language_wins: bool = False,
                 diff: dict[str, Any] | None = None) -> tuple[Person, list[str]]:
    """Write ``spec`` to ``person`` (a new row when None); returns it and what
    changed (``diff``, when given, gets each change as ``[before, after]`` for
    the audit trail). A language chosen by the person themself (``/ifn språk``)
    is kept unless ``language_wins`` (an admin changed it on purpose); a Slack
    id we learnt is kept when the directory knows the person by e-mail only."""
    fields = person_fields(spec, unit_ids)
    wanted_roles = {(r.role.value, r.area, r.valid_from, r.valid_to) for r in spec.roles}
    if person is None:
        language = fields.pop("language")
        person = repo.new_person(s, now, **fields, language=language or "nb",
                                 language_origin="directory" if language else None)
        repo.replace_roles(s, person, wanted_roles)
        s.flush()
        _apply_training(s, person.id, spec)
        return person, ["created"]
    if person.slack_user_id and not spec.slack_id:
        fields["slack_user_id"] = person.slack_user_id
    if spec.language is None or (person.language_origin == "user" and not language_wins):
        fields["language"] = person.language
    changed = [key for key in PERSON_FIELDS if getattr(person, key) != fields[key]]
    roles_before = _roles_text(person)
    for key in changed:
        if diff is not None:
            diff[key] = [getattr(person, key), fields[key]]
        setattr(person, key, fields[key])
    if "language" in changed:
        person.language_origin = "directory"
    if "slack_user_id" in changed:  # a new account: whether it can be reached is checked anew
        person.unreachable_reason, person.unreachable_since = None, None
    if not person.active:
        person.active = True
        changed.append("reactivated")
    if repo.replace_roles(s, person, wanted_roles):
        changed.append("roles")
        if diff is not None:
            s.flush()
            diff["roles"] = [roles_before, _roles_text(person)]
    if _apply_training(s, person.id, spec):
        changed.append("training")
    if changed:
        person.updated_at = now
    return person, changed


def deactivate(s: Session, person: Person, now: datetime) -> None:
    """Switch a person off (their roles stay, for a reactivation) and hand over their work."""
    person.active = False
    person.updated_at = now
    queue_handover(s, person.id, "deactivated", now)


class DirectoryService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def export(self) -> str:
        """The directory in the import format (see ``bot.services.directory_export``)."""
        with self._sessions() as session:
            return to_yaml(export_model(session))

    def import_directory(self, data: DirectoryFile, file: str = "<directory>", *, prune: bool = False,
                         dry_run: bool = False, actor_id: int | None = None) -> ImportResult:
        """Apply a validated directory file, all or nothing."""
        with self._sessions() as session:
            session.begin()
            try:
                result = self._import(session, data, file, prune, actor_id)
            except BaseException:
                session.rollback()
                raise
            if dry_run:
                session.rollback()
                return ImportResult(result.created_names, result.changes, result.unchanged,
                                    result.deactivated_names, result.missing_names, result.acting_changed,
                                    dry_run=True, shape_changed=result.shape_changed)
            session.commit()
            return result

    def _import(self, s: Session, data: DirectoryFile, file: str, prune: bool,
                actor_id: int | None) -> ImportResult:
        now = self._clock.now()
        bump(s)  # every process rebuilds its copy of the directory
        for area in data.areas:
            repo.upsert_area(s, area.code, area.name)
        s.flush()
        shape_changed = repo.set_organisation(s, data.organisation.scope, data.organisation.bfk_home)
        unit_ids: dict[str, int] = {}
        for unit in data.units:
            unit_ids[unit.code], unit_changed = repo.upsert_unit(s, unit.code, unit.name, unit.area,
                                                                 unit.network)
            shape_changed |= unit_changed
        seen: dict[int, Person] = {}
        created: list[Person] = []
        changes: list[PersonChange] = []
        unchanged = 0
        source = {"source": "import", "file": file}
        for spec in data.people:
            found = repo.find_person(s, spec.slack_id, spec.email)
            if found is not None and found.id in seen:
                raise rule_error(file, spec.label, "dir.rule.same_person")
            diff: dict[str, Any] = {}
            person, what = apply_person(s, found, spec, unit_ids, now, diff=diff)
            seen[person.id] = person
            if found is None:
                created.append(person)
                audit.record(s, "created", actor_id, person.id, now, source)
            elif what:
                changes.append(PersonChange(person.name, tuple(what)))
                audit.record(s, "changed", actor_id, person.id, now, {**source, "fields": what, "diff": diff})
            else:
                unchanged += 1
        deactivated: list[str] = []
        missing: list[str] = []
        for person in repo.all_people(s):
            if person.id in seen or not person.active:
                continue
            if prune:
                deactivate(s, person, now)
                audit.record(s, "deactivated", actor_id, person.id, now, source)
                deactivated.append(person.name)
            else:
                missing.append(person.name)
        acting_changed = False
        if data.acting is not None:
            acting_changed = replace_acting(s, data.acting, seen.values(), now)
        return ImportResult(tuple(p.name for p in created), tuple(changes), unchanged, tuple(deactivated),
                            tuple(missing), acting_changed, created_ids=tuple(p.id for p in created),
                            shape_changed=shape_changed)


def replace_acting(s: Session, wanted: tuple[ActingSpec, ...], people: Any, now: datetime) -> bool:
    """Make the acting area leaders exactly the file's (people are found by Slack id or e-mail)."""
    by_key: dict[str, Person] = {}
    for person in people:
        for key in (person.slack_user_id, person.email):
            if key:
                by_key[key] = person
    want = set()
    for a in wanted:
        by = by_key.get(a.by) if a.by else None
        want.add((a.area, by_key[a.person].id, a.valid_from, a.valid_to, by.id if by else None))
    rows = repo.acting_rows(s)
    have = {(r.area_code, r.person_id, r.starts_on, r.ends_on, r.designated_by_id): r for r in rows}
    for key, row in have.items():
        if key not in want:
            s.delete(row)
    for area, person_id, start, end, by_id in want - have.keys():
        s.add(ActingLeader(area_code=area, person_id=person_id, starts_on=start, ends_on=end,
                           designated_by_id=by_id, created_at=now))
    return want != set(have)


def _apply_training(session: Session, person_id: int, spec: PersonSpec) -> bool:
    """Add or date the file's training records; records set in Slack and not in
    the file are kept (the file adds what it knows, it is not the whole history)."""
    changed = False
    for tr in spec.training:
        outcome = upsert_record(session, person_id, tr.level, tr.topic, tr.completed, "import")
        changed |= outcome != "unchanged"
    return changed
