"""Handing over the part of someone who can no longer do it (SPEC §1, issue 12):
deactivated in the directory, or unreachable in Slack.

An open offer to them is closed as skipped and the request moves on at once.
A request they had accepted is offered again down its chain, with its history
kept (the offers, the timeline) and the follow-ups of the old acceptance gone
(reminders, proposed or agreed times). A support conversation is personal: it
is not passed to someone else unasked; the requester is told and given the
other places to turn. The requester reads what happened in their status message
(``details["handovers"]``).
"""

from __future__ import annotations

from bot.domain.requests import OfferState, RequestState, RequestType
from bot.lifecycle import escalation
from bot.lifecycle.builder import Builder
from bot.lifecycle.model import HandOver, Notice, SyncProposal, Transition


def _remember(b: Builder, event: HandOver, was: str) -> None:
    handovers = [*b.details.get("handovers", []),
                 {"person_id": event.person_id, "why": event.why, "was": was, "at": b.now.isoformat()}]
    b.set_details(handovers=handovers)
    b.note("handed_over", subject_id=event.person_id, data={"why": event.why, "was": was})


def hand_over(b: Builder, event: HandOver) -> Transition:
    snap = b.snap
    if snap.state is RequestState.OFFERED:
        offer = next((o for o in snap.open_offers if o.person_id == event.person_id), None)
        if offer is None:
            return Transition()
        b.close(offer, OfferState.SKIPPED)
        _remember(b, event, "offered")
        escalation.move_on(b)
        return b.freeze()
    if snap.state is RequestState.ACCEPTED and snap.assignee_id == event.person_id:
        b.touched.add(event.person_id)  # their task message says it has left them
        b.cancel_timers()
        if snap.type is RequestType.SUPPORT:
            _remember(b, event, "accepted")
            b.move(RequestState.UNASSIGNED)
            services = "\n".join(f"• {line}" for line in b.world.external_support) or "–"
            b.send(Notice(snap.requester_id, "handover.support_gone",
                          {"name_person": event.person_id, "services": services},
                          once=f"handover:{snap.id}:{event.person_id}"))
            return b.freeze()
        b.move(RequestState.OFFERED, assignee_id=None, accepted_at=None)
        _remember(b, event, "accepted")
        round_ = int(snap.details.get("proposal_round") or 0)
        if snap.details.get("proposed_times") or snap.details.get("agreed_time"):
            # A new round: the old times can no longer be picked, by a stale button either.
            b.set_details(proposed_times=None, agreed_time=None, proposal_round=round_ + 1)
            b.send(SyncProposal(round_))
        escalation.offer_next(b)
        return b.freeze()
    return Transition()
