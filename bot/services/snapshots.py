"""Build the message layer's pictures of a request from stored rows: the request,
its offers and everyone they name, in three queries."""

from __future__ import annotations

from sqlalchemy import select
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


def load_people(session: Session, ids: set[int]) -> dict[int, PersonRef]:
    if not ids:
        return {}
    return {p.id: person_ref(p) for p in session.scalars(select(Person).where(Person.id.in_(ids)))}


def load_snapshot(session: Session, request_id: int) -> RequestSnapshot:
    request = repo.get(session, request_id)
    if request is None:
        raise LookupError(f"request {request_id} not found")
    offers = repo.offers_for(session, request_id)
    ids = {request.requester_id, *(o.person_id for o in offers)}
    if request.assignee_id:
        ids.add(request.assignee_id)
    people = load_people(session, ids)
    return RequestSnapshot(
        id=request.id,
        type=request.type,
        state=request.state,
        requester=people[request.requester_id],
        area=request.area_code,
        child_involved=request.child_involved,
        description=request.description,
        details=dict(request.details or {}),
        assignee=people[request.assignee_id] if request.assignee_id else None,
        accepted_at=request.accepted_at,
        widened=request.widened,
        offers=tuple(
            OfferSnapshot(id=o.id, person=people[o.person_id], state=o.state, reason=o.reason,
                          reason_params=dict(o.reason_params or {}), offered_at=o.offered_at,
                          deadline_at=o.deadline_at, answered_at=o.answered_at)
            for o in offers
        ),
    )
