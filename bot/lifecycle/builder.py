"""A scratch pad for one step: the step's functions add to it, ``freeze`` turns
it into the immutable :class:`~bot.lifecycle.model.Transition`. Local to one
call of ``step``, so the step stays a pure function."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.lifecycle.model import (
    OK,
    Audit,
    CancelTimers,
    CloseOffer,
    Decide,
    Message,
    NewOffer,
    OfferView,
    Result,
    SetTimer,
    Snapshot,
    StepWorld,
    SyncOffers,
    SyncStatus,
    Transition,
)
from bot.routing_types import ChainEntry


@dataclass
class Builder:
    snap: Snapshot
    world: StepWorld
    now: datetime
    result: Result = OK
    change: dict[str, Any] = field(default_factory=dict)
    new_offers: list[NewOffer] = field(default_factory=list)
    closes: list[CloseOffer] = field(default_factory=list)
    timers: list[SetTimer | CancelTimers] = field(default_factory=list)
    audit: list[Audit] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    decisions: list[Decide] = field(default_factory=list)
    redact: set[str] = field(default_factory=set)
    touched: set[int] = field(default_factory=set)  # people whose offer message changes

    # --------------------------------------------------------- the request now

    @property
    def state(self) -> RequestState:
        return self.change.get("state", self.snap.state)

    @property
    def cursor(self) -> int:
        return self.change.get("cursor", self.snap.cursor)

    @property
    def chain(self) -> tuple[ChainEntry, ...]:
        return self.change.get("chain", self.snap.chain)

    @property
    def widened(self) -> bool:
        return self.change.get("widened", self.snap.widened)

    @property
    def details(self) -> dict[str, Any]:
        return dict(self.change.get("details", self.snap.details))

    def set_details(self, **values: Any) -> None:
        self.change["details"] = {**self.details, **values}

    def offered(self, person_id: int) -> bool:
        return self.snap.was_offered(person_id) or any(o.person_id == person_id for o in self.new_offers)

    def open_offers_left(self) -> int:
        closed = {c.offer_id for c in self.closes}
        return sum(1 for o in self.snap.open_offers if o.id not in closed) + len(self.new_offers)

    # ------------------------------------------------------------------ changes

    def move(self, state: RequestState, **fields: Any) -> None:
        self.change["state"] = state
        self.change.update(fields)

    def close(self, offer: OfferView, state: OfferState) -> None:
        self.closes.append(CloseOffer(offer.id, state))
        self.touched.add(offer.person_id)

    def close_open(self, state: OfferState, *, except_person: int | None = None) -> None:
        for offer in self.snap.open_offers:
            if offer.person_id != except_person:
                self.close(offer, state)

    def offer(self, entry: ChainEntry) -> None:
        self.new_offers.append(NewOffer(entry.person_id, entry.tier, entry.reason, dict(entry.params),
                                        self.deadline()))
        self.touched.add(entry.person_id)
        self.note("offered", subject_id=entry.person_id,
                  data={"tier": entry.tier.value, "reason": entry.reason.value, "params": dict(entry.params)})

    def deadline(self) -> datetime:
        timeout = self.world.timeouts[self.snap.type]
        if timeout.working_time:
            return self.world.calendar.add_working_time(self.now, timeout.seconds)
        return self.now + timedelta(seconds=timeout.seconds)

    def note(self, kind: str, *, actor_id: int | None = None, subject_id: int | None = None,
             data: dict[str, Any] | None = None) -> None:
        self.audit.append(Audit(kind, actor_id, subject_id, data or {}))

    def send(self, message: Message) -> None:
        self.messages.append(message)

    def timer(self, kind: str, due_at: datetime, stale_after: datetime | None = None) -> None:
        if due_at > self.now:
            self.timers.append(SetTimer(kind, due_at, stale_after))

    def cancel_timers(self, *kinds: str) -> None:
        self.timers.append(CancelTimers(frozenset(kinds) if kinds else None))

    def decide(self, key: str, outcome: str, actor_id: int | None = None) -> None:
        self.decisions.append(Decide(key, outcome, actor_id))

    @property
    def is_live(self) -> bool:
        return self.snap.type is RequestType.LIVE

    def freeze(self, *, sync: bool = True) -> Transition:
        """The transition; ``sync`` adds the status message and the offer messages
        of everyone whose offer changed (what nearly every step needs)."""
        messages = list(self.messages)
        if sync:
            messages.insert(0, SyncStatus())
            if self.touched:
                messages.insert(1, SyncOffers(frozenset(self.touched)))
        return Transition(
            result=self.result, change=dict(self.change), new_offers=tuple(self.new_offers),
            closes=tuple(self.closes), timers=tuple(self.timers), audit=tuple(self.audit),
            messages=tuple(messages), decisions=tuple(self.decisions), redact=frozenset(self.redact),
        )
