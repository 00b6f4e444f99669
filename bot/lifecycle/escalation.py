"""Moving a request down its frozen chain (SPEC §3): the next offer, widening
for live supervision, waiting for the working day, and the end of the chain."""

from __future__ import annotations

from bot.domain.requests import RequestState, RequestType
from bot.lifecycle.builder import Builder
from bot.lifecycle.model import Notice
from bot.routing import is_available, unavailability
from bot.routing_types import Reason

#: Timer kinds the lifecycle sets.
FIRST_OFFER = "first_offer"


def why_not(b: Builder, person_id: int) -> Reason | None:
    """Why ``person_id`` cannot be offered the request now (None: they can)."""
    return is_available(person_id, b.world.routing, b.now, b.snap.type)


def _skip_data(b: Builder, person_id: int, reason: Reason) -> dict:
    found = unavailability(person_id, b.world.routing, b.now, b.snap.type)
    params = found[1] if found is not None else {}
    return {"reason": reason.value, **({"params": params} if params else {})}


def offer_next(b: Builder) -> None:
    """Offer to the next chain entry who is available now, re-checking the frozen
    chain against the current world (people change status between routing and
    their turn); none left ends the chain."""
    if b.snap.type is not RequestType.LIVE and not b.world.calendar.is_working_time(b.now):
        defer(b)
        return
    entries = b.chain
    i = b.cursor
    while i < len(entries):
        entry = entries[i]
        i += 1
        if b.offered(entry.person_id):
            continue
        reason = why_not(b, entry.person_id)
        if reason is not None:
            b.note("skipped", subject_id=entry.person_id, data=_skip_data(b, entry.person_id, reason))
            continue
        b.move(RequestState.OFFERED, cursor=i)
        b.offer(entry)
        return
    b.change["cursor"] = i
    exhaust(b)


def defer(b: Builder) -> None:
    """Outside working hours only live supervision goes out (everyone else would
    be skipped and the chain end for no reason): wait for the next working start,
    when a durable timer makes the offer."""
    when = b.world.calendar.next_working_start(b.now)
    b.move(RequestState.NEW)
    b.set_details(deferred_until=when.isoformat())
    b.timer(FIRST_OFFER, when)
    b.note("deferred", data={"until": when.isoformat()})


def widen(b: Builder) -> None:
    """Live supervision after the first timeout: everyone left, at once."""
    entries = b.chain
    made = 0
    for entry in entries[b.cursor:]:
        if b.offered(entry.person_id) or why_not(b, entry.person_id) is not None:
            continue
        b.offer(entry)
        made += 1
    b.change.update(cursor=len(entries), widened=True)
    b.note("widened", data={"offers": made})
    if not made:
        exhaust(b)


def move_on(b: Builder) -> None:
    """After a decline or a timeout: the next offer, or (once widened) the end
    when the last open offer is gone."""
    if b.state is not RequestState.OFFERED:
        return
    if b.widened:
        if b.open_offers_left() == 0:
            exhaust(b)
        return
    offer_next(b)


def exhaust(b: Builder) -> None:
    """Nobody could take it: the requester is told honestly (their status
    message), and the area's leaders — except for support, which is confidential:
    its requester gets the list of external services and nobody else hears."""
    if b.state not in (RequestState.NEW, RequestState.OFFERED):
        return
    b.move(RequestState.UNASSIGNED)
    outside_hours = not b.world.calendar.is_working_time(b.now)
    if outside_hours:
        b.set_details(exhausted_why="outside_hours")
    b.note("exhausted", data={"outside_hours": outside_hours})
    snap = b.snap
    if snap.type is RequestType.SUPPORT:
        services = "\n".join(f"• {line}" for line in b.world.external_support) or "–"
        b.send(Notice(snap.requester_id, "support.exhausted", {"services": services},
                      once=f"exhausted:{snap.id}"))
        return
    for leader in b.world.leaders_for(snap.area):
        if leader == snap.requester_id:
            continue
        b.send(Notice(leader, "req.leader.unassigned",
                      {"type_key": f"req.type.{snap.type.value}", "name_person": snap.requester_id,
                       "area": snap.area, "id": snap.id},
                      once=f"exhausted:{snap.id}:{leader}"))
