"""The values the request lifecycle works on: what a request looks like when a
step begins (:class:`Snapshot`), what happens to it (the events), what the step
decides (:class:`Transition`) and what it may look at (:class:`StepWorld`).

No I/O and no clock: the executor (``bot.services.requests``) loads a snapshot,
calls ``bot.lifecycle.step`` and persists the transition in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.calendar import WorkingCalendar
from bot.domain.requests import OfferState, RequestState, RequestType
from bot.domain.results import OK, Outcome, Result
from bot.routing_types import ChainEntry, Reason, RequestFacts, Tier, World

# ----------------------------------------------------------------------- state


@dataclass(frozen=True, slots=True)
class OfferView:
    id: int
    person_id: int
    tier: Tier
    reason: Reason
    params: Mapping[str, str]
    state: OfferState
    offered_at: datetime
    deadline_at: datetime
    answered_at: datetime | None = None

    @property
    def open(self) -> bool:
        return self.state is OfferState.OPEN


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A request as stored, when the step begins."""

    id: int
    type: RequestType
    state: RequestState
    version: int
    requester_id: int
    area: str
    child_involved: bool
    description: str
    details: Mapping[str, Any]
    chain: tuple[ChainEntry, ...]
    cursor: int
    widened: bool
    assignee_id: int | None
    accepted_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    offers: tuple[OfferView, ...] = ()

    def offer_to(self, person_id: int) -> OfferView | None:
        return next((o for o in self.offers if o.person_id == person_id), None)

    @property
    def open_offers(self) -> tuple[OfferView, ...]:
        return tuple(o for o in self.offers if o.open)

    def was_offered(self, person_id: int) -> bool:
        return any(o.person_id == person_id for o in self.offers)


# ------------------------------------------------------------------------ world


@dataclass(frozen=True, slots=True)
class Timeout:
    seconds: float
    working_time: bool  # counted in working time (one working day) or on the wall clock (live)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """When accepted work that is not marked done is followed up (settings
    ``IFN_FOLLOWUP_*``): the assignee is reminded, then the requester is asked."""

    live_minutes: float = 120  # live: the interview is expected over this long after it started
    hour_propose_seconds: float = 27900  # hour: working time to propose times in
    hour_done_minutes: float = 60  # hour: after the agreed start, when it is expected done
    ask_seconds: float = 27900  # working time from the assignee's reminder to the requester's question


@dataclass(frozen=True, slots=True)
class StepWorld:
    """What a step may look at besides the request: who can be offered it now
    (the router's world), who is told when nobody could take it, the working
    calendar and the settings that shape the steps."""

    routing: World
    calendar: WorkingCalendar
    timeouts: Mapping[RequestType, Timeout]
    #: Who hears of an exhausted chain per area (area leaders, acting ones, else the fagsjef, else admins).
    leaders_by_area: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    fallback_leaders: tuple[int, ...] = ()
    external_support: tuple[str, ...] = ()
    followup: FollowUp = FollowUp()

    def leaders_for(self, area: str) -> tuple[int, ...]:
        return self.leaders_by_area.get(area) or self.fallback_leaders


# ----------------------------------------------------------------------- events


@dataclass(frozen=True, slots=True)
class Submit:
    facts: RequestFacts
    description: str
    details: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class StartOffering:
    """The first offer of a request made outside working hours, at the next working start."""


@dataclass(frozen=True, slots=True)
class Accept:
    person_id: int


@dataclass(frozen=True, slots=True)
class Decline:
    person_id: int


@dataclass(frozen=True, slots=True)
class TimeOut:
    offer_id: int


@dataclass(frozen=True, slots=True)
class Cancel:
    person_id: int


@dataclass(frozen=True, slots=True)
class Complete:
    person_id: int


@dataclass(frozen=True, slots=True)
class DeliverFeedback:
    person_id: int
    ratings: Mapping[str, str]
    overall: str
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # criterion -> lang -> label


@dataclass(frozen=True, slots=True)
class ProposeTimes:
    person_id: int
    times: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class PickTime:
    person_id: int
    round: int
    index: int


@dataclass(frozen=True, slots=True)
class ReferExternal:
    person_id: int


@dataclass(frozen=True, slots=True)
class FireTimer:
    kind: str


@dataclass(frozen=True, slots=True)
class PurgeNote:
    pass


@dataclass(frozen=True, slots=True)
class HandOver:
    """``person_id`` can no longer do their part (deactivated, or Slack cannot
    reach them): ``why`` is ``deactivated`` or ``unreachable``."""

    person_id: int
    why: str


@dataclass(frozen=True, slots=True)
class AnswerHelp:
    """The requester's answer to "Fikk du hjelpen du trengte?" (round ``round``)."""

    person_id: int
    round: int
    came: bool


@dataclass(frozen=True, slots=True)
class FollowSitIn:
    """The coordinator who sat in follows the interview up with ``kind`` (written
    feedback or a supervision hour), a new request ``follow_up_id`` (0 while the
    executor only asks whether it may)."""

    person_id: int
    kind: RequestType
    follow_up_id: int = 0


@dataclass(frozen=True, slots=True)
class OpenFollowUp:
    """A request just stored as the follow-up of sit-in ``sit_in_id``: it is the
    coordinator's from the start (no chain, no offers to others)."""

    sit_in_id: int
    assignee_id: int


Event = (Submit | StartOffering | Accept | Decline | TimeOut | Cancel | Complete | DeliverFeedback
         | ProposeTimes | PickTime | ReferExternal | FireTimer | PurgeNote | HandOver | AnswerHelp
         | FollowSitIn | OpenFollowUp)


# ------------------------------------------------------------------- transition


@dataclass(frozen=True, slots=True)
class NewOffer:
    person_id: int
    tier: Tier
    reason: Reason
    params: Mapping[str, str]
    deadline_at: datetime
    #: ``accepted``: the offer is made to the one who takes it at once (a sit-in's follow-up).
    state: OfferState = OfferState.OPEN


@dataclass(frozen=True, slots=True)
class CloseOffer:
    offer_id: int
    state: OfferState


@dataclass(frozen=True, slots=True)
class SetTimer:
    kind: str
    due_at: datetime
    stale_after: datetime | None = None


@dataclass(frozen=True, slots=True)
class CancelTimers:
    """Cancel the request's pending timers (all, or only these kinds)."""

    kinds: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Audit:
    kind: str
    actor_id: int | None = None
    subject_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)


# Messages: what to (re)send once the step is stored. Rendered at delivery from
# the state then, in each recipient's language.


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """The requester's one status message."""


@dataclass(frozen=True, slots=True)
class SyncOffers:
    """The offer messages of these people (new offers are always included)."""

    person_ids: frozenset[int]


@dataclass(frozen=True, slots=True)
class Notice:
    """A one-off direct message from the catalog: ``key`` with ``params`` (see
    :class:`Result` for ``_person``/``_key`` parameters). ``once`` names it so it
    is sent at most once."""

    person_id: int
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    once: str | None = None


@dataclass(frozen=True, slots=True)
class GroupIntro:
    """Support: the requester and the person who took it, put in touch."""


@dataclass(frozen=True, slots=True)
class FeedbackLetter:
    """The structured feedback, to the requester only."""


@dataclass(frozen=True, slots=True)
class SyncProposal:
    """The message with the proposed times of round ``round`` (buttons while they
    can be picked, then the outcome)."""

    round: int


@dataclass(frozen=True, slots=True)
class AskHelp:
    """The requester's question "Fikk du hjelpen du trengte?" of round ``round``
    (Ja/Nei while it can be answered, then what became of it)."""

    round: int


Message = SyncStatus | SyncOffers | Notice | GroupIntro | FeedbackLetter | SyncProposal | AskHelp


@dataclass(frozen=True, slots=True)
class Decide:
    """A decision made once (``bot.services.decisions``): ``key`` names what was decided."""

    key: str
    outcome: str
    actor_id: int | None = None


@dataclass(frozen=True, slots=True)
class Transition:
    result: Result = OK
    #: Request fields to set (``state``, ``cursor``, ``widened``, ``assignee_id``,
    #: ``accepted_at``, ``completed_at``, ``details``, ``description``).
    change: Mapping[str, Any] = field(default_factory=dict)
    new_offers: tuple[NewOffer, ...] = ()
    closes: tuple[CloseOffer, ...] = ()
    timers: tuple[SetTimer | CancelTimers, ...] = ()
    audit: tuple[Audit, ...] = ()
    messages: tuple[Message, ...] = ()
    decisions: tuple[Decide, ...] = ()
    #: Keys to remove from the data of the request's audit events (retention purge).
    redact: frozenset[str] = frozenset()

    @property
    def changes_anything(self) -> bool:
        return bool(self.change or self.new_offers or self.closes or self.timers or self.audit
                    or self.messages or self.decisions or self.redact)


__all__ = ["OK", "Outcome", "Result"]


def refused(outcome: Outcome, key: str | None = None, **params: Any) -> Transition:
    return Transition(result=Result(outcome, key, params))
