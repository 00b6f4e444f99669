"""Persisting a lifecycle step: the snapshot a step starts from, and the whole
transition it returns, written in the caller's transaction (request, offers,
timers, audit rows, decisions and the outbox's messages together)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.lifecycle.model import (
    AskHelp,
    CancelTimers,
    FeedbackLetter,
    GroupIntro,
    Notice,
    OfferView,
    SetTimer,
    Snapshot,
    SyncOffers,
    SyncProposal,
    SyncStatus,
    Transition,
)
from bot.routing_types import ChainEntry, Reason, Tier
from bot.services import outbox
from bot.services.check_in_messages import HELP_QUESTION
from bot.services.request_messages import FEEDBACK_LETTER, HOUR_PROPOSAL, NOTICE, SUPPORT_INTRO
from storage.models import Decision, Offer, Request
from storage.repositories import requests as repo
from storage.repositories import timers as timer_repo


def chain_to_json(entries: tuple[ChainEntry, ...] | list[ChainEntry]) -> list[dict[str, Any]]:
    return [{"person_id": e.person_id, "tier": e.tier.value, "reason": e.reason.value,
             "params": dict(e.params)} for e in entries]


def chain_from_json(data: list[dict[str, Any]]) -> tuple[ChainEntry, ...]:
    return tuple(ChainEntry(int(d["person_id"]), Tier(d["tier"]), Reason(d["reason"]),
                            dict(d.get("params") or {})) for d in data or [])


def snapshot(request: Request, offers: list[Offer]) -> Snapshot:
    """The stored request as the lifecycle sees it: enums, not strings."""
    return Snapshot(
        id=request.id, type=RequestType(request.type), state=RequestState(request.state),
        version=request.version, requester_id=request.requester_id, area=request.area_code,
        child_involved=request.child_involved, description=request.description or "",
        details=dict(request.details or {}), chain=chain_from_json(request.chain), cursor=request.cursor,
        widened=request.widened, assignee_id=request.assignee_id, accepted_at=request.accepted_at,
        completed_at=request.completed_at, created_at=request.created_at,
        offers=tuple(OfferView(o.id, o.person_id, Tier(o.tier), Reason(o.reason), dict(o.reason_params or {}),
                               OfferState(o.state), o.offered_at, o.deadline_at, o.answered_at)
                     for o in offers),
    )


def apply(s: Session, request: Request, offers: list[Offer], tr: Transition, now: datetime) -> None:
    """Write ``tr`` for ``request``. The request's version column makes the UPDATE
    conditional on nothing having moved since the snapshot was read."""
    rid = request.id
    for name, value in tr.change.items():
        setattr(request, name, chain_to_json(value) if name == "chain" else value)
    if tr.change:
        request.updated_at = now
    new_rows = [Offer(request_id=rid, person_id=o.person_id, tier=o.tier.value, reason=o.reason.value,
                      reason_params=dict(o.params), state=o.state.value, offered_at=now,
                      deadline_at=o.deadline_at, answered_at=None if o.state is OfferState.OPEN else now)
                for o in tr.new_offers]
    s.add_all(new_rows)
    by_state: dict[OfferState, list[int]] = {}
    for close in tr.closes:
        by_state.setdefault(close.state, []).append(close.offer_id)
    for state, ids in by_state.items():
        repo.close_offers(s, ids, state.value, now)
    for timer in tr.timers:
        if isinstance(timer, SetTimer):
            timer_repo.schedule(s, kind=timer.kind, key=f"{timer.kind}:{rid}", due_at=timer.due_at, now=now,
                                request_id=rid, stale_after=timer.stale_after)
        elif isinstance(timer, CancelTimers):
            timer_repo.cancel_for_request(s, rid, timer.kinds)
    repo.audit_many(s, [{"request_id": rid, "kind": e.kind, "actor_id": e.actor_id,
                         "subject_id": e.subject_id, "at": now, "data": dict(e.data)} for e in tr.audit])
    for decision in tr.decisions:
        s.add(Decision(key=decision.key, outcome=decision.outcome, actor_id=decision.actor_id, decided_at=now,
                       data={"request_id": rid}))
    if tr.redact:
        repo.redact_audit(s, rid, tr.redact)
    s.flush()  # the request's conditional UPDATE and the new offers' ids
    author = (request.details or {}).get("author_id")
    _queue(s, rid, [*offers, *new_rows], tr, now,
           int(author) if author and int(author) != request.requester_id else None)


def _queue(s: Session, rid: int, offers: list[Offer], tr: Transition, now: datetime,
           author_id: int | None = None) -> None:
    for message in tr.messages:
        if isinstance(message, SyncStatus):
            outbox.queue_status(s, rid, now)
        elif isinstance(message, SyncOffers):
            for offer in offers:
                if offer.person_id in message.person_ids:
                    outbox.queue_offer(s, offer.id, now, rid)
        elif isinstance(message, Notice):
            key = f"{NOTICE}:{message.once}" if message.once else f"{NOTICE}:{uuid.uuid4().hex}"
            outbox.queue(s, NOTICE, key, {"person_id": message.person_id, "key": message.key,
                                          "params": dict(message.params)}, now, "once")
        elif isinstance(message, GroupIntro):
            outbox.queue(s, SUPPORT_INTRO, f"{SUPPORT_INTRO}:{rid}", {"request_id": rid}, now, "once")
        elif isinstance(message, FeedbackLetter):
            outbox.queue(s, FEEDBACK_LETTER, f"{FEEDBACK_LETTER}:{rid}", {"request_id": rid}, now, "once")
            if author_id is not None:  # a leader asked: the caseworker who wrote the report gets it too
                outbox.queue(s, FEEDBACK_LETTER, f"{FEEDBACK_LETTER}:{rid}:author",
                             {"request_id": rid, "to": "author"}, now, "once")
        elif isinstance(message, SyncProposal):
            outbox.queue(s, HOUR_PROPOSAL, f"{HOUR_PROPOSAL}:{rid}:{message.round}",
                         {"request_id": rid, "round": message.round}, now)
        elif isinstance(message, AskHelp):
            outbox.queue(s, HELP_QUESTION, f"{HELP_QUESTION}:{rid}:{message.round}",
                         {"request_id": rid, "round": message.round}, now)
