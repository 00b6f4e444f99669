"""The outbox: Slack messages written in the same transaction as the state change
they announce, delivered right after commit by the outbox's own workers and
retried until Slack has them (SPEC §7: nothing is lost, nothing is sent twice).

A message is queued under a key naming what it is (``status:42``). Queuing the
key again re-renders the same message: status, offer and feature messages are
rendered at delivery from the current state and updated in place, so a retry
never shows something stale and two quick steps never post two messages.

Delivery of a claimed batch costs one read transaction (render), the Slack
calls, and one write transaction (record). See ``storage.models.OutboxMessage``
for the claim, the lease and how a post whose answer was lost is found again.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notifier import FailureKind, MessageRef, Notifier, SlackFailure
from bot.services.directory_cache import DirectoryCache
from bot.services.outage import is_outage
from bot.services.snapshots import load_people, use_directory
from storage.models import OutboxMessage
from storage.repositories import outbox as repo
from storage.repositories.outbox import Mode, Queued

log = logging.getLogger("ifn_bot.outbox")

STATUS = "status"
OFFER = "offer"
DM = "dm"
GROUP_DM = "group_dm"
POST = "post"

#: How long a claim holds unless renewed. The process delivering renews the
#: claims it is working on every ``KEEP_EVERY`` seconds (``keep_claims``, from the
#: dispatcher's keeper thread), so a slow Slack never lets one run out; a process
#: that dies stops renewing, and the sweep of another sends its messages within
#: a lease of its death (not minutes later).
LEASE = timedelta(seconds=20)
KEEP_EVERY = 4.0
#: A delivery starts only while its claim holds at least this long: one Slack call
#: gives up after 10 s. (When renewals fail — the database is away — the claim
#: runs out; what was not started by then is left to the sweep.)
SEND_MARGIN = timedelta(seconds=12)
MAX_ATTEMPTS = 60
#: Slack's answers that mean this person cannot get messages at all.
RECIPIENT_ERRORS = frozenset({"user_not_found", "account_inactive", "cannot_dm_bot", "user_disabled",
                              "users_not_found"})
#: Record the results so far once a batch has taken this long (slow Slack).
RECORD_AFTER = 30.0

_instances = itertools.count(1)


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at 15 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


# --------------------------------------------------------------------- targets


@dataclass(frozen=True, slots=True)
class ToPerson:
    person_id: int


@dataclass(frozen=True, slots=True)
class ToPeople:
    person_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ToChannel:
    channel: str


Target = ToPerson | ToPeople | ToChannel


@dataclass(frozen=True, slots=True)
class Rendered:
    to: Target
    text: str
    blocks: list[dict[str, Any]] | None = None


Renderer = Callable[[Session, dict[str, Any]], Rendered | None]
OnPosted = Callable[[Session, dict[str, Any], MessageRef], None]


@dataclass(frozen=True, slots=True)
class _Kind:
    render: Renderer
    on_posted: OnPosted | None = None


# ----------------------------------------------------------------- queuing API


def queue(session: Session, kind: str, key: str, payload: dict[str, Any], now: datetime,
          mode: Mode = "sync", decision_key: str | None = None) -> str:
    """Queue the message ``key`` (see ``storage.repositories.outbox.Mode``)."""
    return repo.enqueue(session, Queued(key, kind, payload, now, mode, decision_key))


def queue_status(session: Session, request_id: int, now: datetime) -> str:
    return queue(session, STATUS, f"status:{request_id}", {"request_id": request_id}, now)


def queue_offer(session: Session, offer_id: int, now: datetime, request_id: int | None = None) -> str:
    payload: dict[str, Any] = {"offer_id": offer_id}
    if request_id is not None:  # the renderer reads the request and all its offers at once
        payload["request_id"] = request_id
    return queue(session, OFFER, f"offer:{offer_id}", payload, now)


def _static_key(prefix: str, dedupe_key: str | None) -> tuple[str, Mode]:
    return (f"{prefix}:{dedupe_key}", "once") if dedupe_key else (f"{prefix}:{uuid.uuid4().hex}", "once")


def queue_dm(session: Session, person_id: int, text: str, blocks: list[dict[str, Any]] | None,
             now: datetime, dedupe_key: str | None = None, decision_key: str | None = None) -> str:
    """A direct message to one person. With ``dedupe_key`` it is sent once however
    often it is queued; ``decision_key`` marks its buttons as deciding that
    (``replace`` puts the outcome in their place)."""
    key, mode = _static_key(DM, dedupe_key)
    return queue(session, DM, key, {"person_id": person_id, "text": text, "blocks": blocks}, now, mode,
                 decision_key)


def queue_group_dm(session: Session, person_ids: list[int], text: str, blocks: list[dict[str, Any]] | None,
                   now: datetime, dedupe_key: str | None = None) -> str:
    """A message to the group DM of exactly these people (e.g. the two in a support conversation)."""
    key, mode = _static_key(GROUP_DM, dedupe_key)
    return queue(session, GROUP_DM, key, {"person_ids": list(person_ids), "text": text, "blocks": blocks},
                 now, mode)


def queue_post(session: Session, channel: str, text: str, blocks: list[dict[str, Any]] | None,
               now: datetime, dedupe_key: str | None = None, decision_key: str | None = None) -> str:
    key, mode = _static_key(POST, dedupe_key)
    return queue(session, POST, key, {"channel": channel, "text": text, "blocks": blocks}, now, mode,
                 decision_key)


def replace(session: Session, row: OutboxMessage, text: str, blocks: list[dict[str, Any]] | None,
            now: datetime) -> str:
    """Replace a static message (DM or post) in place, e.g. its buttons by the
    outcome of the decision they asked for. Not posted yet: the final text goes
    out instead, whenever it does."""
    payload = {**row.payload, "text": text, "blocks": blocks}
    return queue(session, row.kind, row.key, payload, now, "replace", row.decision_key)


# --------------------------------------------------------------------- service


@dataclass(slots=True)
class _Job:
    row_key: str
    rev: int
    rendered: Rendered | None
    user_ids: list[str] | None
    channel: str | None
    ts: str | None
    doubt: bool
    created_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)
    kind: str = ""
    error: str | None = None
    attempts: int = 0


class OutboxService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, notifier: Notifier, tz: ZoneInfo,
                 *, owner: str | None = None, directory: DirectoryCache | None = None) -> None:
        self._sessions = sessions
        #: The process's directory copy: renderers read people from it, not from the database.
        self._directory = directory
        self._clock = clock
        self._notifier = notifier
        self._tz = tz
        self.owner = owner or f"{socket.gethostname()[:40]}:{os.getpid()}:{next(_instances)}"
        self._kinds: dict[str, _Kind] = {}
        self._inflight: set[str] = set()
        self._held: dict[str, datetime] = {}  # how long this process's claims hold, as last known
        self._redo: set[str] = set()
        self._lock = threading.Lock()
        self._dispatch: Callable[[list[str]], None] = self.deliver
        self._unreachable: list[Callable[[Session, int, str, datetime], None]] = []
        self.register(DM, self._render_dm)
        self.register(GROUP_DM, self._render_group_dm)
        self.register(POST, self._render_post)

    # ---------------------------------------------------------------- wiring

    def register(self, kind: str, render: Renderer, on_posted: OnPosted | None = None) -> None:
        """Let a feature deliver its own kind of message: ``render`` builds it
        from the current state (None: nothing to send any more); ``on_posted``
        runs in the transaction that records where it was posted."""
        if kind in self._kinds:
            raise ValueError(f"outbox kind {kind!r} registered twice")
        self._kinds[kind] = _Kind(render, on_posted)

    def on_unreachable(self, hook: Callable[[Session, int, str, datetime], None]) -> None:
        """Called (in the recording transaction) when a person cannot get a message:
        no Slack account, deactivated, or refusing DMs."""
        self._unreachable.append(hook)

    def set_dispatcher(self, dispatch: Callable[[list[str]], None]) -> None:
        """Who delivers claimed keys after a commit: the outbox's worker threads in
        a server, ``deliver`` itself (inline) in tests and one-shot commands."""
        self._dispatch = dispatch

    @property
    def notifier(self) -> Notifier:
        return self._notifier

    # -------------------------------------------------------------- queueing

    @contextmanager
    def unit_of_work(self) -> Iterator[tuple[Session, datetime, list[str]]]:
        """A write transaction for a service step: yields the session, the clock
        reading and a list for the keys of the messages it queues. Every message
        queued in it is claimed for this process when written (with the commit)
        and handed to the dispatcher after the commit: never before, never lost."""
        queued: list[str] = []
        with self._sessions.begin() as session:
            repo.set_claim(session, self.owner, LEASE)
            yield session, self._clock.now(), queued
            keys = repo.queued_keys(session)
        self.dispatch([*dict.fromkeys([*queued, *keys])])

    def send_dm(self, person_id: int, text: str) -> None:
        """A one-off DM (a confirmation), through the outbox: it arrives even if
        Slack is slow or down right now."""
        with self.unit_of_work() as (s, now, queued):
            queued.append(queue_dm(s, person_id, text, None, now))

    def dispatch(self, keys: list[str]) -> None:
        if keys:
            self._dispatch(keys)

    # ------------------------------------------------------------ delivering

    def deliver_due(self, limit: int = 50) -> int:
        """The sweep: claim what is due and held by nobody (first tries after a
        failure, rows whose claimer died) and hand it to the dispatcher."""
        now = self._clock.now()
        with self._sessions.begin() as session:
            keys = repo.claim_due(session, now, self.owner, LEASE, limit)
        self.dispatch(keys)
        return len(keys)

    def deliver(self, keys: list[str]) -> int:
        """Deliver the rows among ``keys`` that this process holds; rows another
        thread of this process is sending now are left to it."""
        with self._lock:
            mine = [k for k in dict.fromkeys(keys) if k not in self._inflight]
            # Queued again while being sent here (e.g. by a hook of this very delivery):
            # whoever is sending it sends it once more before letting go.
            self._redo.update(k for k in keys if k in self._inflight)
            self._inflight.update(mine)
        delivered = 0
        try:
            todo = mine
            for _round in range(5):
                if not todo:
                    break
                done, again = self._deliver_batch(todo)
                delivered += done
                with self._lock:
                    redo = [k for k in mine if k in self._redo]
                    self._redo.difference_update(redo)
                todo = [*dict.fromkeys([*again, *redo])]
        finally:
            with self._lock:
                self._inflight.difference_update(mine)
                for key in mine:
                    self._held.pop(key, None)
        return delivered

    def keep_claims(self) -> int:
        """Renew the claims of the messages this process is delivering now (the
        dispatcher's keeper calls it every ``KEEP_EVERY`` s). Returns how many."""
        with self._lock:
            keys = list(self._inflight)
        if not keys:
            return 0
        until = self._clock.now() + LEASE
        with self._sessions.begin() as session:
            kept = repo.renew(session, keys, self.owner, until)
        with self._lock:
            for key in kept:
                if key in self._inflight:
                    self._held[key] = until
        return len(kept)

    def _holds(self, key: str, now: datetime) -> bool:
        with self._lock:
            until = self._held.get(key)
        return until is not None and until - now >= SEND_MARGIN

    def _deliver_batch(self, keys: list[str]) -> tuple[int, list[str]]:
        jobs = self._render(keys)
        by_key = {job.row_key: job for job in jobs}
        started = time.monotonic()
        results: list[repo.Result] = []
        again: list[str] = []
        delivered = 0
        for job in jobs:
            if not self._holds(job.row_key, self._clock.now()):
                log.warning("outbox %s: the claim runs out before it could be sent; left to the sweep",
                            job.row_key)
                continue
            results.append(self._send(job))
            if time.monotonic() - started > RECORD_AFTER:  # slow Slack: do not sit on finished rows
                again += self._record(results, by_key)
                delivered += sum(1 for r in results if r.ok)
                results, started = [], time.monotonic()
        again += self._record(results, by_key)
        delivered += sum(1 for r in results if r.ok)
        return delivered, again

    def _render(self, keys: list[str]) -> list[_Job]:
        jobs: list[_Job] = []
        with self._sessions() as session:
            if self._directory is not None:
                use_directory(session, self._directory.view())
            rows = repo.owned(session, keys, self.owner)
            with self._lock:
                for row in rows:
                    known = self._held.get(row.key)
                    self._held[row.key] = max(known, row.lease_until) if known and row.lease_until \
                        else (row.lease_until or self._clock.now())
            people: dict[int, str | None] = {}
            for row in rows:
                job = _Job(row.key, row.rev, None, None, row.channel, row.ts, row.doubt, row.created_at,
                           dict(row.payload), row.kind, attempts=row.attempts)
                kind = self._kinds.get(row.kind)
                try:
                    if kind is None:
                        raise LookupError(f"unknown outbox kind {row.kind!r}")
                    job.rendered = kind.render(session, job.payload)
                    if job.rendered is not None and not isinstance(job.rendered.to, ToChannel):
                        ids = [job.rendered.to.person_id] if isinstance(job.rendered.to, ToPerson) \
                            else list(job.rendered.to.person_ids)
                        job.user_ids = [self._slack_id(session, pid, people) or "" for pid in ids]
                except Exception as exc:  # noqa: BLE001 - recorded on the row and retried
                    if is_outage(exc):  # not the row's fault: the claims run out, the sweep tries again
                        raise
                    log.exception("outbox %s: rendering failed", row.key)
                    job.error = f"render: {type(exc).__name__}"
                jobs.append(job)
        return jobs

    @staticmethod
    def _slack_id(session: Session, person_id: int, cache: dict[int, str | None]) -> str | None:
        if person_id not in cache:
            ref = load_people(session, {person_id}).get(person_id)  # usually known from rendering
            cache[person_id] = ref.slack_user_id if ref is not None and ref.active else None
        return cache[person_id]

    def _send(self, job: _Job) -> repo.Result:
        now = self._clock.now()
        if job.error:
            return repo.Result(job.row_key, job.rev, False, error=job.error, retry_at=now + backoff(3))
        rendered = job.rendered
        if rendered is None:  # nothing to say any more (e.g. the thing it was about is gone)
            return repo.Result(job.row_key, job.rev, True, channel=job.channel, ts=job.ts)
        if job.user_ids is not None and not all(job.user_ids):
            missing = [pid for pid, uid in zip(self._person_ids(rendered.to), job.user_ids, strict=True)
                       if not uid]
            return repo.Result(job.row_key, job.rev, False, error="unreachable: no Slack user", skipped=True,
                               extra={"unreachable": missing, "why": "no_slack_user"})
        try:
            ref = self._post_or_update(job, rendered)
        except SlackFailure as exc:
            return self._failed(job, exc, now)
        return repo.Result(job.row_key, job.rev, True, channel=ref.channel, ts=ref.ts)

    @staticmethod
    def _person_ids(to: Target) -> list[int]:
        if isinstance(to, ToPerson):
            return [to.person_id]
        if isinstance(to, ToPeople):
            return list(to.person_ids)
        return []

    def _post_or_update(self, job: _Job, rendered: Rendered) -> MessageRef:
        if job.channel and job.ts:
            ref = MessageRef(job.channel, job.ts)
            self._notifier.update(ref, rendered.text, rendered.blocks)
            return ref
        channel = rendered.to.channel if isinstance(rendered.to, ToChannel) else \
            self._notifier.open_dm(job.user_ids or [])
        if job.doubt:  # an earlier attempt may have posted it: find it instead of posting again
            found = self._notifier.find_posted(channel, job.row_key, job.created_at.timestamp() - 60)
            if found is not None:
                log.info("outbox %s: found the message an earlier attempt posted", job.row_key)
                self._notifier.update(found, rendered.text, rendered.blocks)
                return found
        return self._notifier.post(channel, rendered.text, rendered.blocks, key=job.row_key)

    def _failed(self, job: _Job, exc: SlackFailure, now: datetime) -> repo.Result:
        if exc.kind is FailureKind.PERMANENT:
            log.warning("outbox %s: Slack refused it for good (%s)", job.row_key, exc.error)
            recipient = exc.error in RECIPIENT_ERRORS
            unreachable = self._person_ids(job.rendered.to) if recipient and job.rendered else []
            return repo.Result(job.row_key, job.rev, False, error=exc.error, give_up=True,
                               skipped=recipient, extra={"unreachable": unreachable, "why": exc.error})
        log.warning("outbox %s: %s; retried later", job.row_key, exc)
        return repo.Result(job.row_key, job.rev, False, error=f"{exc.kind.value}: {exc.error}",
                           doubt=exc.kind is FailureKind.UNKNOWN,
                           retry_at=now + timedelta(seconds=exc.retry_after) if exc.retry_after else None)

    def _record(self, results: list[repo.Result], jobs: dict[str, _Job]) -> list[str]:
        """One write transaction: where each message now lives, or when to try
        again; the feature hooks run in it too."""
        if not results:
            return []
        now = self._clock.now()
        for result in results:
            job = jobs[result.key]
            if not result.ok and not result.give_up and not result.skipped:
                if job.attempts + 1 >= MAX_ATTEMPTS:
                    result.give_up = True
                elif result.retry_at is None:  # Slack's Retry-After, when it gave one, is kept
                    result.retry_at = now + backoff(job.attempts + 1)
        with self._sessions.begin() as session:
            for result in results:
                job = jobs[result.key]
                if result.ok and result.ts and not (job.ts == result.ts and job.channel == result.channel):
                    kind = self._kinds.get(job.kind)
                    if kind is not None and kind.on_posted is not None:
                        ref = MessageRef(result.channel or "", result.ts)
                        kind.on_posted(session, dict(job.payload), ref)
                for person_id in result.extra.get("unreachable", []):
                    for hook in self._unreachable:
                        hook(session, person_id, str(result.extra.get("why")), now)
            return repo.record(session, results, self.owner, now)

    # ------------------------------------------------------------ renderers

    @staticmethod
    def _render_dm(_s: Session, payload: dict[str, Any]) -> Rendered:
        return Rendered(ToPerson(int(payload["person_id"])), payload["text"], payload.get("blocks"))

    @staticmethod
    def _render_group_dm(_s: Session, payload: dict[str, Any]) -> Rendered:
        return Rendered(ToPeople(tuple(int(p) for p in payload["person_ids"])), payload["text"],
                        payload.get("blocks"))

    @staticmethod
    def _render_post(_s: Session, payload: dict[str, Any]) -> Rendered:
        return Rendered(ToChannel(payload["channel"]), payload["text"], payload.get("blocks"))

    def release(self, keys: list[str]) -> None:
        """Give claims back without sending (shutdown): another process's sweep takes them."""
        with self._sessions.begin() as session:
            repo.release(session, keys, self.owner)

    def message_ref(self, key: str) -> MessageRef | None:
        with self._sessions() as session:
            found = repo.message_ref(session, key)
        return MessageRef(*found) if found else None


class InlineDispatcher:
    """Deliver in the calling thread (tests, the sandbox, one-shot commands)."""

    def __init__(self, outbox: OutboxService) -> None:
        self._outbox = outbox

    def __call__(self, keys: list[str]) -> None:
        self._outbox.deliver(keys)
