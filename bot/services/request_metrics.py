"""What a stored lifecycle step means for the operator's metrics: counted after
the step's transaction has committed, from the transition itself, so a step that
was rolled back is never counted and no step has to remember to record."""

from __future__ import annotations

from datetime import datetime

from bot import metrics
from bot.domain.requests import OfferState, RequestState
from bot.lifecycle.model import Snapshot, Transition

_OFFER_OUTCOMES = {OfferState.DECLINED: "declined", OfferState.TIMED_OUT: "timed_out",
                   OfferState.WITHDRAWN: "withdrawn"}


def observe(before: Snapshot, tr: Transition, now: datetime, *, created: bool = False) -> None:
    kind = before.type.value
    if created:
        metrics.request_outcome(kind, "created", before.id)
    if tr.new_offers:
        metrics.offer_outcome(kind, "made", len(tr.new_offers))
        if not before.offers:
            metrics.first_offer(kind, before.created_at, now)
    for close in tr.closes:
        outcome = _OFFER_OUTCOMES.get(close.state)
        if outcome:
            metrics.offer_outcome(kind, outcome)
    state = tr.change.get("state")
    if state is None or state is before.state:
        return
    if state is RequestState.ACCEPTED:
        metrics.accepted(kind, before.created_at, now, before.id)
    elif state is RequestState.UNASSIGNED:
        metrics.exhausted(kind, before.id)
    elif state is RequestState.CANCELLED:
        metrics.request_outcome(kind, "cancelled", before.id)
    elif state is RequestState.COMPLETED:
        metrics.request_outcome(kind, "completed", before.id)
