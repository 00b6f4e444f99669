"""The directory as each process sees it: who is who, held in memory and rebuilt
when the directory changes.

Every change to the directory (an import, a person linked to Slack, an edit by
an admin) bumps a version number in the database (``app_state``). A process
compares its copy's version with the database at most every ``ttl`` seconds, so
the ack path of a slash command (who is asking, which areas exist) needs no
query at all most of the time, and a change made by another process is seen
within ``ttl`` seconds. While the database is away the copy is used as it is,
so people are still recognised (and told their change was not saved).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from bot.domain.language import Lang
from bot.domain.organisation import OrgShape, Scope
from bot.domain.roles import BFK_HOME_AREA, DEFAULT_AREAS, Role, in_force
from bot.routing_types import RoleHolding
from storage.models import Area, Person, Unit
from storage.repositories import app_state
from storage.repositories import directory as directory_repo

DIRECTORY_VERSION = "directory"

log = logging.getLogger("ifn_bot.directory")


@dataclass(frozen=True, slots=True)
class PersonRecord:
    id: int
    name: str
    slack_user_id: str | None
    email: str | None
    lang: Lang
    area: str | None
    unit_id: int | None
    active: bool
    roles: tuple[RoleHolding, ...]
    #: Acting area leader periods (the area leader's role for a time).
    acting: tuple[RoleHolding, ...] = ()
    #: Why Slack cannot reach them (None: it can, as far as we know).
    unreachable: str | None = None
    #: Percent of their position for network work (None: not stated).
    share: int | None = None

    @property
    def reachable(self) -> bool:
        return bool(self.slack_user_id) and self.unreachable is None

    def holds(self, role: Role, day: date, area: str | None = None, *, acting: bool = True) -> bool:
        held = self.roles + self.acting if acting else self.roles
        return any(h.role is role and in_force(h.valid_from, h.valid_to, day)
                   and (area is None or (h.area or self.area) == area) for h in held)

    def acting_on(self, day: date, area: str) -> bool:
        return any(in_force(h.valid_from, h.valid_to, day) and h.area == area for h in self.acting)

    def roles_on(self, day: date) -> list[tuple[Role, str | None]]:
        if not self.active:
            return []
        return [(h.role, h.area or self.area) for h in self.roles + self.acting
                if in_force(h.valid_from, h.valid_to, day)]


@dataclass(frozen=True, slots=True)
class DirectoryView:
    version: int
    people: dict[int, PersonRecord]
    by_slack: dict[str, int]
    areas: tuple[str, ...]
    unit_areas: dict[int, str]
    #: The organisation's shape: area or unit model, units outside the network, the BFK's home.
    org: OrgShape = OrgShape()
    #: Person id -> unit id (everyone with a unit).
    units_of: dict[int, int] = field(default_factory=dict)
    #: Answers worked out once per view (the view never changes; a directory change makes a new one).
    _memo: dict[object, object] = field(default_factory=dict, compare=False, repr=False)

    def person(self, person_id: int) -> PersonRecord | None:
        return self.people.get(person_id)

    def by_slack_id(self, slack_user_id: str) -> PersonRecord | None:
        pid = self.by_slack.get(slack_user_id)
        return self.people.get(pid) if pid is not None else None

    def holders(self, role: Role, day: date, area: str | None = None) -> list[PersonRecord]:
        """Active people holding ``role`` on ``day`` (in ``area``, if given), by name.
        Who leads an area is read as ``bot.services.role_holders`` reads it: the
        acting area leader, else the area leader, else the fagsjef, else admins."""
        if role is Role.AREA_LEADER:
            return self.area_leaders(day, area)
        return self._holding(role, day, area)

    def _holding(self, role: Role, day: date, area: str | None, *, acting: bool = True) -> list[PersonRecord]:
        found = [p for p in self.people.values() if p.active and p.holds(role, day, area, acting=acting)]
        return sorted(found, key=lambda p: (p.name, p.id))

    def area_leaders(self, day: date, area: str | None, *, fallback: bool = True) -> list[PersonRecord]:
        if area is None:
            found = {p.id: p for code in self.areas for p in self.area_leaders(day, code, fallback=False)}
            return sorted(found.values(), key=lambda p: (p.name, p.id))
        acting = [p for p in self.people.values() if p.active and p.acting_on(day, area)]
        found = sorted(acting, key=lambda p: (p.name, p.id)) or \
            self._holding(Role.AREA_LEADER, day, area, acting=False)
        if found or not fallback:
            return found
        return self._holding(Role.FAGSJEF, day, None) or self._holding(Role.ADMIN, day, None)

    def with_roles(self, roles: Iterable[Role]) -> list[PersonRecord]:
        """Everyone who holds (or once held) any of ``roles``: asked on every
        routing decision, so worked out once per view."""
        wanted = frozenset(roles)
        found = self._memo.get(wanted)
        if found is None:
            found = tuple(p for p in self.people.values() if any(h.role in wanted for h in p.roles))
            self._memo[wanted] = found
        return list(found)  # type: ignore[arg-type]

    def area_of(self, person: PersonRecord) -> str | None:
        if person.area is not None:
            return person.area
        return self.unit_areas.get(person.unit_id) if person.unit_id is not None else None


def _role(value: str) -> Role | None:
    try:
        return Role(value)
    except ValueError:
        return None


def load_view(session: Session, version: int) -> DirectoryView:
    people: dict[int, PersonRecord] = {}
    for p in session.scalars(select(Person)):
        roles = tuple(RoleHolding(role, r.area_code, r.valid_from, r.valid_to)
                      for r in p.roles if (role := _role(r.role)) is not None)
        acting = tuple(RoleHolding(Role.AREA_LEADER, a.area_code, a.starts_on, a.ends_on) for a in p.acting)
        people[p.id] = PersonRecord(p.id, p.name, p.slack_user_id, p.email, Lang.parse(p.language),
                                    p.area_code, p.unit_id, p.active, roles, acting, p.unreachable_reason,
                                    p.network_share)
    by_slack = {p.slack_user_id: p.id for p in people.values() if p.slack_user_id}
    areas = tuple(session.scalars(select(Area.code).order_by(Area.code))) or DEFAULT_AREAS
    units = list(session.scalars(select(Unit)))
    unit_areas = {u.id: u.area_code for u in units}
    units_of = {p.id: p.unit_id for p in people.values() if p.unit_id is not None}
    return DirectoryView(version, people, by_slack, areas, unit_areas, load_shape(session, units), units_of)


def load_shape(session: Session, units: list[Unit]) -> OrgShape:
    """The organisation row read as an ``OrgShape`` (no row: the 2012 shape)."""
    row = directory_repo.organisation(session)
    scope, home = (Scope(row.scope), row.bfk_home) if row is not None else (Scope.AREA, None)
    by_code = {u.code: u for u in units}
    home_unit = by_code.get(home) if home else None
    bfk_area = home_unit.area_code if home_unit is not None else (home or BFK_HOME_AREA)
    return OrgShape(scope=scope, bfk_home_unit=home_unit.id if home_unit is not None else None,
                    bfk_area=bfk_area, outside_units=frozenset(u.id for u in units if not u.network),
                    unit_codes={u.id: u.code for u in units}, unit_areas={u.id: u.area_code for u in units})


class DirectoryCache:
    def __init__(self, sessions: sessionmaker[Session], ttl: float = 2.0) -> None:
        self._sessions = sessions
        self._ttl = ttl
        self._view: DirectoryView | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def view(self) -> DirectoryView:
        now = time.monotonic()
        view = self._view
        if view is not None and now - self._checked < self._ttl:
            return view
        with self._lock:
            if self._view is not None and time.monotonic() - self._checked < self._ttl:
                return self._view
            try:
                with self._sessions() as session:
                    version = app_state.get(session, DIRECTORY_VERSION)
                    if self._view is None or self._view.version != version:
                        self._view = load_view(session, version)
            except DBAPIError as exc:
                if self._view is None:
                    raise
                # The database is away: who is who has not changed in the meantime as far as
                # anyone could have told us, so answer from the copy and look again after ttl.
                log.warning("directory: cannot check for changes (%s); using the copy of version %d",
                            type(exc).__name__, self._view.version)
            self._checked = time.monotonic()
            return self._view

    def invalidate(self) -> None:
        """Forget the copy (this process just changed the directory)."""
        with self._lock:
            self._view = None
            self._checked = 0.0


def bump(session: Session) -> None:
    """Call in the transaction that changes the directory."""
    app_state.bump(session, DIRECTORY_VERSION)
