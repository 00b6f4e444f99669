"""Build the message layer's pictures of a request from stored rows: the request,
its offers and everyone they name, in three queries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.language import Lang
from bot.messages.snapshots import OfferSnapshot, PersonRef, RequestSnapshot
from bot.services.directory_cache import DirectoryView
from storage.models import Person
from storage.repositories import requests as repo


def person_ref(person: Person) -> PersonRef:
    return PersonRef(person.id, person.name, person.slack_user_id, Lang.parse(person.language), person.active)


def load_person_ref(session: Session, person_id: int) -> PersonRef:
    person = session.get(Person, person_id)
    if person is None:
        raise LookupError(f"person {person_id} not found")
    return person_ref(person)


_PEOPLE = "ifn_person_refs"
_SNAPSHOTS = "ifn_snapshots"
_VIEW = "ifn_directory_view"


def use_directory(session: Session, view: DirectoryView) -> None:
    """Let ``load_people`` in this session answer from the process's copy of the
    directory (refreshed within seconds of any change, see ``DirectoryCache``):
    rendering a message then reads no person from the database. Someone the copy
    knows without a Slack id is still read from the database — they may have been
    linked by e-mail a moment ago in another process."""
    session.info[_VIEW] = view


def load_people(session: Session, ids: set[int]) -> dict[int, PersonRef]:
    """Names, Slack ids and languages, in one query for all of them (and kept on
    the session, so the messages rendered in one batch ask once)."""
    known: dict[int, PersonRef] = session.info.setdefault(_PEOPLE, {})
    missing = [pid for pid in ids if pid not in known]
    view: DirectoryView | None = session.info.get(_VIEW)
    if missing and view is not None:
        for pid in missing:
            record = view.person(pid)
            if record is not None and record.slack_user_id:
                known[pid] = PersonRef(pid, record.name, record.slack_user_id, record.lang, record.active)
        missing = [pid for pid in missing if pid not in known]
    if missing:
        rows = session.execute(select(Person.id, Person.name, Person.slack_user_id, Person.language,
                                      Person.active).where(Person.id.in_(missing)))
        for pid, name, slack_id, language, active in rows:
            known[pid] = PersonRef(pid, name, slack_id, Lang.parse(language), active)
    return {pid: known[pid] for pid in ids if pid in known}


def load_snapshot(session: Session, request_id: int) -> RequestSnapshot:
    """A request and its offers as the messages show them; within one session
    (a batch of messages rendered together) each request is read once."""
    cache: dict[int, RequestSnapshot] = session.info.setdefault(_SNAPSHOTS, {})
    if request_id not in cache:
        cache[request_id] = _load_snapshot(session, request_id)
    return cache[request_id]


def _load_snapshot(session: Session, request_id: int) -> RequestSnapshot:
    request = repo.with_offers(session, request_id)
    if request is None:
        raise LookupError(f"request {request_id} not found")
    offers = list(request.offers)
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
