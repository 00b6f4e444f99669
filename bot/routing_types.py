"""Plain data the router takes and returns. No Slack, no database.

The router is ``bot.routing.route(facts, world, now) -> Chain``; a service loads
``World`` from storage, calls it, and freezes the chain on the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum

from bot.domain.organisation import OrgShape
from bot.domain.requests import AvailabilityStatus, RequestType
from bot.domain.roles import Role


class Tier(StrEnum):
    PREFERRED = "preferred"  # the person the requester picked (hour, support)
    BFK = "bfk"  # child involved: the BFK first
    UNIT_IFK = "unit_ifk"  # unit model: the coordinator of the requester's unit
    AREA_IFK = "area_ifk"  # the IFK of the request's area
    OTHER_IFK = "other_ifk"  # the other areas' IFKs
    OTHER_COORDINATOR = "other_coordinator"  # live, no child: the BFK after the IFKs (memo 8.2.1)
    IFR = "ifr"  # the advisers, last line
    POOL = "pool"  # support: any other IFK/BFK/IFR


class Reason(StrEnum):
    """Why someone is in the chain or was left out. Rendered through the
    catalogs as ``route.<value>`` with ``params``."""

    AREA_IFK = "area_ifk"  # params: area
    UNIT_IFK = "unit_ifk"  # params: unit (unit model)
    UNIT_BFK = "unit_bfk"  # params: unit (unit model: the BFK of the requester's unit, no child)
    BFK_CHILD = "bfk_child"
    OTHER_IFK = "other_ifk"  # params: area
    BFK_FALLBACK = "bfk_fallback"  # live without a child: "andre koordinatorer" (memo 8.2.1)
    IFR = "ifr"
    PREFERRED = "preferred"
    POOL = "pool"
    SUBSTITUTE_FOR = "substitute_for"  # params: name (of the absent person), area
    # skipped
    SKIP_REQUESTER = "skip_requester"
    SKIP_ABSENT = "skip_absent"  # params: until (date, dd.mm)
    SKIP_AWAY = "skip_away"  # params: until (HH:MM or "")
    SKIP_BUSY = "skip_busy"  # params: until
    SKIP_OUTSIDE_HOURS = "skip_outside_hours"
    SKIP_DUPLICATE = "skip_duplicate"
    SKIP_INACTIVE = "skip_inactive"
    SKIP_EXCLUDED = "skip_excluded"  # support: requester's own leaders
    SKIP_UNREACHABLE = "skip_unreachable"  # params: why (no_slack_account, deactivated_in_slack, …)
    SKIP_AT_CAPACITY = "skip_at_capacity"  # params: count, cap (routed tasks this week)


@dataclass(frozen=True, slots=True)
class RoleHolding:
    role: Role
    area: str | None
    valid_from: date | None = None
    valid_to: date | None = None


@dataclass(frozen=True, slots=True)
class PersonInfo:
    id: int
    name: str
    area: str | None
    unit_id: int | None
    roles: tuple[RoleHolding, ...]
    active: bool = True
    reachable: bool = True  # a message can reach them in Slack (SPEC §1)
    unreachable_why: str = ""  # why not: no_slack_account, deactivated_in_slack, cannot_dm_bot, …
    share: int | None = None  # percent of the position for network work; None: 100


@dataclass(frozen=True, slots=True)
class StatusInfo:
    status: AvailabilityStatus
    until: datetime | None = None  # aware UTC; None = until changed


@dataclass(frozen=True, slots=True)
class AbsenceInfo:
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True, slots=True)
class SubstituteInfo:
    absent_person_id: int
    substitute_person_id: int
    starts_on: date
    ends_on: date  # inclusive


@dataclass(frozen=True, slots=True)
class WorkingHours:
    start: time
    end: time
    tz: str = "Europe/Oslo"


@dataclass(frozen=True, slots=True)
class World:
    """Everything the router may look at, loaded by the service in one go."""

    people: dict[int, PersonInfo]
    statuses: dict[int, StatusInfo] = field(default_factory=dict)
    absences: dict[int, tuple[AbsenceInfo, ...]] = field(default_factory=dict)
    substitutes: tuple[SubstituteInfo, ...] = ()
    open_assignments: dict[int, int] = field(default_factory=dict)  # person id -> count
    last_assigned: dict[int, datetime] = field(default_factory=dict)  # round-robin memory
    hours: WorkingHours = WorkingHours(time(8, 0), time(15, 45))
    org: OrgShape = OrgShape()
    #: Person id -> unit id, for everyone with a unit (the requester's unit, in the unit model).
    units_of: dict[int, int] = field(default_factory=dict)
    #: Routed tasks (not support) each person accepted this week, and the cap for a 100 % share.
    week_counts: dict[int, int] = field(default_factory=dict)
    weekly_max: int = 0


@dataclass(frozen=True, slots=True)
class RequestFacts:
    type: RequestType
    area: str
    child_involved: bool
    requester_id: int
    preferred_person_id: int | None = None  # hour/support: the person picked, if any
    excluded_person_ids: frozenset[int] = frozenset()  # support: requester's own leaders


@dataclass(frozen=True, slots=True)
class ChainEntry:
    person_id: int
    tier: Tier
    reason: Reason
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Skipped:
    person_id: int
    tier: Tier
    reason: Reason
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Chain:
    entries: tuple[ChainEntry, ...]
    skipped: tuple[Skipped, ...]

    @property
    def person_ids(self) -> list[int]:
        return [e.person_id for e in self.entries]
