"""Who is talking to the bot: map a Slack user to a person in the directory, from
the process's copy of the directory (``DirectoryCache``) — no query and no Slack
call on the path of an ack."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.roles import Role, in_force
from bot.services import directory_audit as audit
from bot.services.directory_cache import DirectoryCache, PersonRecord, bump
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


def actor_of(person: PersonRecord, slack_user_id: str, today: date, area: str | None = None) -> Actor | None:
    if not person.active:
        return None
    roles = tuple(dict.fromkeys(HeldRole(h.role, h.area) for h in person.roles + person.acting
                                if in_force(h.valid_from, h.valid_to, today)))
    return Actor(person_id=person.id, slack_user_id=slack_user_id, name=person.name, lang=person.lang,
                 area=person.area if area is None else area,
                 roles=tuple(sorted(roles, key=lambda r: (r.role.value, r.area or ""))))


class PeopleService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, cache: DirectoryCache,
                 tz: ZoneInfo = OSLO) -> None:
        self._sessions = sessions
        self._clock = clock
        self._cache = cache
        self._tz = tz  # role date ranges are local dates

    def today(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    def identify(self, slack_user_id: str) -> Actor | None:
        """The active person behind a Slack user id, or None."""
        person = self._cache.view().by_slack_id(slack_user_id)
        return actor_of(person, slack_user_id, self.today()) if person is not None else None

    def name_of(self, person_id: int) -> str:
        person = self._cache.view().person(person_id)
        return person.name if person is not None else f"#{person_id}"

    def link_by_email(self, slack_user_id: str, email_of: Callable[[str], str | None]) -> Actor | None:
        """A person listed by e-mail only, linked to the Slack account with that
        e-mail (``email_of`` asks Slack). Only for a Slack id we do not know."""
        if self._cache.view().by_slack_id(slack_user_id) is not None:
            return self.identify(slack_user_id)
        email = email_of(slack_user_id)
        if not email:
            return None
        with self._sessions.begin() as session:
            person = repo.person_by_email(session, email)
            if person is None or person.slack_user_id is not None:
                return None  # unknown, or that e-mail belongs to another Slack account
            now = self._clock.now()
            person.slack_user_id = slack_user_id
            person.unreachable_reason, person.unreachable_since = None, None  # they just used Slack
            person.updated_at = now
            bump(session)
            audit.record(session, "linked", None, person.id, now, {"slack_user_id": slack_user_id,
                                                                   "source": "first_use"})
        self._cache.invalidate()
        return self.identify(slack_user_id)


@dataclass(frozen=True, slots=True)
class Supervisor:
    person_id: int
    name: str
    role: Role
    area: str | None


class DirectoryReader:
    """Lists the forms need: areas and who can be picked as a supervisor."""

    def __init__(self, cache: DirectoryCache, clock: Clock, tz: ZoneInfo = OSLO) -> None:
        self._cache = cache
        self._clock = clock
        self._tz = tz  # role date ranges are local dates

    def areas(self) -> list[str]:
        """The directory's areas; A, B and C before a directory is loaded."""
        return list(self._cache.view().areas)

    def leads_people(self, person_id: int) -> bool:
        """A unit or area leader today (as the directory's holders say: acting ones
        too), who may ask for feedback on a caseworker's report (memo 8.2.2)."""
        today = self._clock.now().astimezone(self._tz).date()
        view = self._cache.view()
        return any(p.id == person_id for role in (Role.UNIT_LEADER, Role.AREA_LEADER)
                   for p in view.holders(role, today))

    def supervisors(self) -> list[Supervisor]:
        """Active IFKs, the BFK and the IFRs, for "preferred person" pickers."""
        today = self._clock.now().astimezone(self._tz).date()
        order = {Role.IFK: 0, Role.BFK: 1, Role.IFR: 2}
        out: dict[int, Supervisor] = {}
        for person in self._cache.view().with_roles(order):
            if not person.active:
                continue
            for role, area in person.roles_on(today):
                if role in order and person.id not in out:
                    out[person.id] = Supervisor(person.id, person.name, role, area)
        return sorted(out.values(), key=lambda s: (order[s.role], s.area or "", s.name))
