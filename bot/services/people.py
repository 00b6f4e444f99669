"""Who is talking to the bot: map a Slack user to a person in the directory."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.roles import DEFAULT_AREAS, Role, in_force
from storage.repositories import directory as repo

OSLO = ZoneInfo("Europe/Oslo")


@dataclass(frozen=True, slots=True)
class HeldRole:
    role: Role
    area: str | None


@dataclass(frozen=True, slots=True)
class Actor:
    """A known person, as services and handlers need them."""

    person_id: int
    slack_user_id: str
    name: str
    lang: Lang
    area: str | None
    roles: tuple[HeldRole, ...]

    def has(self, role: Role, area: str | None = None) -> bool:
        return any(r.role is role and (area is None or r.area == area) for r in self.roles)


class PeopleService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock,
                 tz: ZoneInfo = OSLO) -> None:
        self._sessions = sessions
        self._clock = clock
        self._tz = tz  # role date ranges are local dates

    def identify(self, slack_user_id: str, email_of: Callable[[str], str | None]) -> Actor | None:
        """The active person behind a Slack user id, or None.

        A person listed in the directory by e-mail only is linked to their Slack
        id the first time they use the bot (``email_of`` asks Slack; it is only
        called when the id is unknown).
        """
        today = self._clock.now().astimezone(self._tz).date()
        with self._sessions() as session:
            person = repo.person_by_slack_id(session, slack_user_id)
            if person is not None:
                return _actor(person, slack_user_id, today)
        if not self._link_by_email(slack_user_id, email_of):
            return None
        with self._sessions() as session:
            return _actor(repo.person_by_slack_id(session, slack_user_id), slack_user_id, today)

    def _link_by_email(self, slack_user_id: str, email_of: Callable[[str], str | None]) -> bool:
        """Only for a Slack id we have never seen: one Slack lookup, and one write
        when the e-mail matches a directory entry without a Slack id."""
        email = email_of(slack_user_id)
        if not email:
            return False
        with self._sessions.begin() as session:
            person = repo.person_by_email(session, email)
            if person is None or person.slack_user_id is not None:
                return False  # unknown, or that e-mail belongs to another Slack account
            person.slack_user_id = slack_user_id
            person.updated_at = self._clock.now()
            return True


@dataclass(frozen=True, slots=True)
class Supervisor:
    person_id: int
    name: str
    role: Role
    area: str | None


def _actor(person, slack_user_id: str, today: date) -> Actor | None:
    if person is None or not person.active:
        return None
    roles = tuple(
        HeldRole(Role(r.role), r.area_code)
        for r in person.roles
        if in_force(r.valid_from, r.valid_to, today)
    )
    return Actor(
        person_id=person.id,
        slack_user_id=slack_user_id,
        name=person.name,
        lang=Lang.parse(person.language),
        area=person.area_code,
        roles=tuple(sorted(roles, key=lambda r: (r.role.value, r.area or ""))),
    )



class DirectoryReader:
    """Lists the forms need: areas and who can be picked as a supervisor."""

    def __init__(self, sessions: sessionmaker[Session], clock: Clock,
                 tz: ZoneInfo = OSLO) -> None:
        self._sessions = sessions
        self._clock = clock
        self._tz = tz  # role date ranges are local dates

    def areas(self) -> list[str]:
        """The directory's areas; A, B and C before a directory is loaded."""
        with self._sessions() as session:
            return repo.area_codes(session) or list(DEFAULT_AREAS)

    def supervisors(self) -> list[Supervisor]:
        """Active IFKs, the BFK and the IFRs, for "preferred person" pickers."""
        today = self._clock.now().astimezone(self._tz).date()
        wanted = (Role.IFK, Role.BFK, Role.IFR)
        out: dict[int, Supervisor] = {}
        with self._sessions() as session:
            for person, role in repo.people_with_roles(session, [r.value for r in wanted]):
                if person.id in out or not person.active:
                    continue
                if in_force(role.valid_from, role.valid_to, today):
                    out[person.id] = Supervisor(person.id, person.name, Role(role.role), role.area_code)
        order = {Role.IFK: 0, Role.BFK: 1, Role.IFR: 2}
        return sorted(out.values(), key=lambda s: (order[s.role], s.area or "", s.name))
