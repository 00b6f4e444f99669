"""Delivering the outbox: Slack messages written in the same transaction as the
state change they announce, sent right after commit and retried with back-off
by the scheduler's tick until Slack has them (SPEC §7: nothing is lost).

Status and offer messages are queued as "sync" entries and rendered at delivery
time from the current state, so a retry never shows something stale and two
quick steps never overwrite each other out of order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.messages.requests import offer_message, status_message
from bot.notifier import MessageRef, Notifier
from bot.services.snapshots import load_snapshot
from storage.models import Offer, Person, Request
from storage.repositories import outbox as repo

log = logging.getLogger("ifn_bot.outbox")

SYNC_STATUS = "sync_request_status"
SYNC_OFFER = "sync_offer"
DM = "dm"
GROUP_DM = "group_dm"
POST = "post"

LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 60


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at 15 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


def queue_status(session: Session, request_id: int, now) -> int:
    return repo.enqueue(session, SYNC_STATUS, {"request_id": request_id}, now)


def queue_offer(session: Session, offer_id: int, now) -> int:
    return repo.enqueue(session, SYNC_OFFER, {"offer_id": offer_id}, now)


def queue_dm(session: Session, person_id: int, text: str, blocks: list[dict[str, Any]] | None,
             now, dedupe_key: str | None = None) -> int:
    return repo.enqueue(session, DM, {"person_id": person_id, "text": text, "blocks": blocks}, now,
                        dedupe_key)


def queue_group_dm(session: Session, person_ids: list[int], text: str, blocks: list[dict[str, Any]] | None,
                   now, dedupe_key: str | None = None) -> int:
    """A message to a group DM of exactly these people (e.g. the two in a support conversation)."""
    return repo.enqueue(session, GROUP_DM, {"person_ids": list(person_ids), "text": text, "blocks": blocks},
                        now, dedupe_key)


def queue_post(session: Session, channel: str, text: str, blocks: list[dict[str, Any]] | None,
               now, dedupe_key: str | None = None) -> int:
    return repo.enqueue(session, POST, {"channel": channel, "text": text, "blocks": blocks}, now, dedupe_key)


class OutboxService:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, notifier: Notifier, tz: ZoneInfo
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._notifier = notifier
        self._tz = tz
        self._renderers: dict[str, Callable[[dict[str, Any]], dict[str, Any] | None]] = {}

    def register(self, method: str, send: Callable[[dict[str, Any]], dict[str, Any] | None]) -> None:
        """Let a feature deliver its own outbox method (e.g. a message re-rendered
        from current state and updated in place); ``send`` raises to be retried."""
        if method in self._renderers or method in (SYNC_STATUS, SYNC_OFFER, DM, GROUP_DM, POST):
            raise ValueError(f"outbox method {method!r} registered twice")
        self._renderers[method] = send

    @property
    def notifier(self) -> Notifier:
        return self._notifier

    @contextmanager
    def unit_of_work(self) -> Iterator[tuple[Session, datetime, list[int]]]:
        """A write transaction for a service step: yields the session, the clock
        reading and a list for the ids of the messages it queues, which are
        delivered once the transaction has committed (never before, never lost)."""
        queued: list[int] = []
        with self._sessions.begin() as session:
            yield session, self._clock.now(), queued
        self.deliver(queued)

    def deliver(self, ids: list[int]) -> int:
        """Deliver these messages now (right after the transaction that queued them)."""
        return sum(1 for message_id in ids if self._deliver_one(message_id))

    def deliver_due(self, limit: int = 100) -> int:
        with self._sessions() as session:
            ids = repo.due_ids(session, self._clock.now(), limit)
        return self.deliver(ids)

    def _deliver_one(self, message_id: int) -> bool:
        now = self._clock.now()
        with self._sessions.begin() as session:
            row = repo.claim(session, message_id, now, LEASE)
            if row is None:
                return False
            method, payload, attempts = row.method, dict(row.payload), row.attempts
        try:
            result = self._send(method, payload)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded and retried
            give_up = attempts >= MAX_ATTEMPTS
            log.warning("outbox %s (%s) attempt %d failed: %s", message_id, method, attempts, exc)
            with self._sessions.begin() as session:
                repo.retry_later(session, message_id, self._clock.now() + backoff(attempts),
                                 f"{type(exc).__name__}: {exc}", give_up)
            return False
        with self._sessions.begin() as session:
            repo.delivered(session, message_id, self._clock.now(), result)
        return True

    # ------------------------------------------------------------------ sending

    def _send(self, method: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        if method == SYNC_STATUS:
            return self._sync_status(int(payload["request_id"]))
        if method == SYNC_OFFER:
            return self._sync_offer(int(payload["offer_id"]))
        if method == DM:
            with self._sessions() as session:
                person = session.get(Person, int(payload["person_id"]))
                user = person.slack_user_id if person else None
            if not user:
                raise LookupError(f"person {payload['person_id']} has no Slack user id")
            ref = self._notifier.dm(user, payload["text"], payload.get("blocks"))
            return {"channel": ref.channel, "ts": ref.ts}
        if method == GROUP_DM:
            with self._sessions() as session:
                users = [getattr(session.get(Person, int(pid)), "slack_user_id", None)
                         for pid in payload["person_ids"]]
            if not all(users):
                raise LookupError(f"people {payload['person_ids']} lack a Slack user id")
            ref = self._notifier.dm_group(users, payload["text"], payload.get("blocks"))
            return {"channel": ref.channel, "ts": ref.ts}
        if method in self._renderers:
            return self._renderers[method](payload)
        if method == POST:
            ref = self._notifier.post(payload["channel"], payload["text"], payload.get("blocks"))
            return {"channel": ref.channel, "ts": ref.ts}
        raise ValueError(f"unknown outbox method {method!r}")

    def _sync_status(self, request_id: int) -> dict[str, Any]:
        now = self._clock.now()
        with self._sessions() as session:
            snap = load_snapshot(session, request_id)
            request = session.get(Request, request_id)
            existing = (request.status_channel, request.status_ts)
        text, blocks = status_message(snap, snap.requester.lang, self._tz, now)
        return self._upsert(existing, snap.requester.slack_user_id, text, blocks,
                            lambda ref: self._store_status_ref(request_id, ref))

    def _sync_offer(self, offer_id: int) -> dict[str, Any]:
        now = self._clock.now()
        with self._sessions() as session:
            offer = session.get(Offer, offer_id)
            if offer is None:
                raise LookupError(f"offer {offer_id} not found")
            snap = load_snapshot(session, offer.request_id)
            existing = (offer.message_channel, offer.message_ts)
        offer_snap = next(o for o in snap.offers if o.id == offer_id)
        text, blocks = offer_message(snap, offer_snap, offer_snap.person.lang, self._tz, now)
        return self._upsert(existing, offer_snap.person.slack_user_id, text, blocks,
                            lambda ref: self._store_offer_ref(offer_id, ref))

    def _upsert(self, existing: tuple[str | None, str | None], user: str | None, text: str,
                blocks: list[dict[str, Any]], store) -> dict[str, Any]:
        channel, ts = existing
        if channel and ts:
            self._notifier.update(MessageRef(channel, ts), text, blocks)
            return {"channel": channel, "ts": ts, "updated": True}
        if not user:
            raise LookupError("recipient has no Slack user id")
        ref = self._notifier.dm(user, text, blocks)
        store(ref)
        return {"channel": ref.channel, "ts": ref.ts, "updated": False}

    def _store_status_ref(self, request_id: int, ref: MessageRef) -> None:
        with self._sessions.begin() as session:
            request = session.get(Request, request_id)
            request.status_channel, request.status_ts = ref.channel, ref.ts

    def _store_offer_ref(self, offer_id: int, ref: MessageRef) -> None:
        with self._sessions.begin() as session:
            offer = session.get(Offer, offer_id)
            offer.message_channel, offer.message_ts = ref.channel, ref.ts
