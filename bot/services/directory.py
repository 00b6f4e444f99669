"""Loading the directory file into the database in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.directory_file import DirectoryFile, DirectoryFileError, PersonSpec
from bot.services.directory_cache import bump
from storage.repositories import directory as repo
from storage.repositories.training import upsert_record


@dataclass(frozen=True, slots=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    deactivated: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


class DirectoryService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    def import_directory(self, data: DirectoryFile, file: str = "<directory>") -> ImportResult:
        """Apply a validated directory file. People missing from the file are
        deactivated, not deleted: requests and audit events keep pointing at them."""
        now = self._clock.now()
        created = updated = unchanged = deactivated = 0
        with self._sessions.begin() as session:
            bump(session)  # every process rebuilds its copy of the directory
            for area in data.areas:
                repo.upsert_area(session, area.code, area.name)
            session.flush()
            unit_ids: dict[str, int] = {}
            for unit in data.units:
                unit_ids[unit.code], _ = repo.upsert_unit(session, unit.code, unit.name, unit.area)
            seen: set[int] = set()
            for spec in data.people:
                person = repo.find_person(session, spec.slack_id, spec.email)
                if person is not None and person.id in seen:
                    raise DirectoryFileError(
                        file, spec.label, "matches the same stored person as another entry"
                    )
                fields = {
                    "name": spec.name,
                    "slack_user_id": spec.slack_id,
                    "email": spec.email,
                    "language": spec.language,
                    "area_code": spec.area,
                    "unit_id": unit_ids.get(spec.unit) if spec.unit else None,
                }
                wanted_roles = {(r.role.value, r.area, r.valid_from, r.valid_to) for r in spec.roles}
                if person is None:
                    person = repo.new_person(session, now, **fields)
                    repo.replace_roles(session, person, wanted_roles)
                    session.flush()
                    _apply_training(session, person.id, spec)
                    created += 1
                else:
                    if person.slack_user_id and not spec.slack_id:
                        # The file knows them by e-mail only; keep the Slack id we learnt.
                        fields["slack_user_id"] = person.slack_user_id
                    changed = False
                    for key, value in fields.items():
                        if getattr(person, key) != value:
                            setattr(person, key, value)
                            changed = True
                    if not person.active:
                        person.active = True
                        changed = True
                    changed |= repo.replace_roles(session, person, wanted_roles)
                    changed |= _apply_training(session, person.id, spec)
                    if changed:
                        person.updated_at = now
                        updated += 1
                    else:
                        unchanged += 1
                seen.add(person.id)
            for person in repo.all_people(session):
                if person.id not in seen and person.active:
                    person.active = False
                    person.updated_at = now
                    repo.replace_roles(session, person, ())
                    deactivated += 1
        return ImportResult(created, updated, unchanged, deactivated)


def _apply_training(session: Session, person_id: int, spec: PersonSpec) -> bool:
    """Add or date the file's training records; records set in Slack and not in
    the file are kept (the file adds what it knows, it is not the whole history)."""
    changed = False
    for tr in spec.training:
        outcome = upsert_record(session, person_id, tr.level, tr.topic, tr.completed, "import")
        changed |= outcome != "unchanged"
    return changed
