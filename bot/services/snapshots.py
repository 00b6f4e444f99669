"""Build message snapshots from stored rows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.domain.language import Lang
from bot.messages.snapshots import OfferSnapshot, PersonRef, RequestSnapshot
from storage.models import Person
from storage.repositories import requests as repo


def person_ref(person: Person) -> PersonRef:
    return PersonRef(person.id, person.name, person.slack_user_id, Lang.parse(person.language))


def load_person_ref(session: Session, person_id: int) -> PersonRef:
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"person {person_id} not found")
    return person_ref(person)


def load_snapshot(session: Session, request_id: int) -> RequestSnapshot:
    request = repo.get(session, request_id)
    if request is None:
        raise LookupError(f"request {request_id} not found")
    cache: dict[int, PersonRef] = {}

    def ref(pid: int) -> PersonRef:
        if pid not in cache:
            cache[pid] = load_person_ref(session, pid)
        return cache[pid]

    offers = tuple(
        OfferSnapshot(
            id=o.id, person=ref(o.person_id), state=o.state, reason=o.reason,
            reason_params=dict(o.reason_params or {}), offered_at=o.offered_at, deadline_at=o.deadline_at,
            answered_at=o.answered_at,
        )
        for o in repo.offers_for(session, request_id)
    )
    return RequestSnapshot(
        id=request.id,
        type=request.type,
        state=request.state,
        requester=ref(request.requester_id),
        area=request.area_code,
        child_involved=request.child_involved,
        description=request.description,
        details=dict(request.details or {}),
        assignee=ref(request.assignee_id) if request.assignee_id else None,
        accepted_at=request.accepted_at,
        widened=request.widened,
        offers=offers,
    )
