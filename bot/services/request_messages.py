"""The request lifecycle's messages, as the outbox renders them at delivery from
the state then: the requester's status message, each offer message, one-off
notices from the catalog, the support introduction, the feedback letter and the
proposed times of a supervision hour."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.clock import Clock
from bot.i18n import t
from bot.messages.params import words
from bot.messages.requests import feedback_letter, offer_message, proposal_message, status_message
from bot.services.outbox import OFFER, STATUS, OutboxService, Rendered, ToPeople, ToPerson
from bot.services.snapshots import load_people, load_snapshot
from storage.models import Offer

NOTICE = "notice"
SUPPORT_INTRO = "support_intro"
FEEDBACK_LETTER = "feedback_letter"
HOUR_PROPOSAL = "hour_proposal"


class RequestMessages:
    def __init__(self, tz: ZoneInfo, clock: Clock) -> None:
        self._tz = tz
        self._clock = clock

    def register(self, outbox: OutboxService) -> None:
        outbox.register(STATUS, self.status)
        outbox.register(OFFER, self.offer)
        outbox.register(NOTICE, self.notice)
        outbox.register(SUPPORT_INTRO, self.support_intro)
        outbox.register(FEEDBACK_LETTER, self.feedback_letter)
        outbox.register(HOUR_PROPOSAL, self.hour_proposal)

    def status(self, s: Session, payload: dict[str, Any]) -> Rendered:
        snap = load_snapshot(s, int(payload["request_id"]))
        text, blocks = status_message(snap, snap.requester.lang, self._tz, self._clock.now())
        return Rendered(ToPerson(snap.requester.id), text, blocks)

    def offer(self, s: Session, payload: dict[str, Any]) -> Rendered:
        offer_id = int(payload["offer_id"])
        request_id = payload.get("request_id")
        if request_id is None:  # queued before offers carried their request
            offer = s.get(Offer, offer_id)
            if offer is None:
                raise LookupError(f"offer {offer_id} not found")
            request_id = offer.request_id
        snap = load_snapshot(s, int(request_id))
        mine = next(o for o in snap.offers if o.id == offer_id)
        text, blocks = offer_message(snap, mine, mine.person.lang, self._tz, self._clock.now())
        return Rendered(ToPerson(mine.person.id), text, blocks)

    def notice(self, s: Session, payload: dict[str, Any]) -> Rendered:
        params: dict[str, Any] = dict(payload.get("params") or {})
        person_ids = {int(v) for k, v in params.items() if k.endswith("_person") and v is not None}
        people = load_people(s, {int(payload["person_id"]), *person_ids})
        reader = people[int(payload["person_id"])]

        def name_of(pid: int) -> str:
            found = people.get(pid)
            return found.name if found else f"#{pid}"

        text = t(reader.lang, payload["key"], **words(params, reader.lang, self._tz, name_of))
        return Rendered(ToPerson(reader.id), text)

    def support_intro(self, s: Session, payload: dict[str, Any]) -> Rendered | None:
        """The two in a support conversation, put in touch in a group DM of just them
        (names and who-sees-what only; the note stays out of it)."""
        snap = load_snapshot(s, int(payload["request_id"]))
        if snap.assignee is None:
            return None
        langs = dict.fromkeys((snap.requester.lang, snap.assignee.lang))
        text = "\n".join(t(lang, "support.intro", requester=snap.requester.name, assignee=snap.assignee.name,
                           id=snap.id) for lang in langs)
        return Rendered(ToPeople((snap.requester.id, snap.assignee.id)), text)

    def feedback_letter(self, s: Session, payload: dict[str, Any]) -> Rendered | None:
        snap = load_snapshot(s, int(payload["request_id"]))
        if snap.assignee is None or not snap.details.get("feedback"):
            return None
        if payload.get("to") == "author":  # the caseworker whose report a leader asked about
            author = load_people(s, {int(snap.details["author_id"])})[int(snap.details["author_id"])]
            text, blocks = feedback_letter(snap, author.lang)
            return Rendered(ToPerson(author.id), text, blocks)
        text, blocks = feedback_letter(snap, snap.requester.lang)
        return Rendered(ToPerson(snap.requester.id), text, blocks)

    def hour_proposal(self, s: Session, payload: dict[str, Any]) -> Rendered | None:
        snap = load_snapshot(s, int(payload["request_id"]))
        if snap.assignee is None:
            return None
        text, blocks = proposal_message(snap, int(payload["round"]), snap.requester.lang, self._tz)
        return Rendered(ToPerson(snap.requester.id), text, blocks)

