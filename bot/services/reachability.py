"""Whether Slack can reach each person (SPEC §1: a person nobody can reach is
never offered anything), stored on the person with the reason.

Set by linking (at import and every working morning: people known only by
e-mail are looked up with ``users.lookupByEmail``; people Slack could not reach
before, and people whose language nobody chose yet, with ``users.info``) and by
the outbox when Slack refuses a message to someone for good. Cleared when Slack
knows them again. Someone who becomes unreachable has their open work handed
over at once (``bot.services.handover``). Slack is never asked on the path of
an ack: the router reads the stored fact from the directory cache.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.notifier import FailureKind, SlackFailure
from bot.services import directory_audit as audit
from bot.services.directory_cache import DirectoryCache, bump
from bot.services.handover import HandoverService, queue_handover
from bot.slack_directory import SlackDirectory, SlackUser, language_from_slack
from storage.models import Person
from storage.repositories import directory as repo
from storage.repositories import timers as timer_repo

log = logging.getLogger("ifn_bot.reachability")

#: The durable "link the directory to Slack now" job (queued every working morning).
LINK_JOB = "link_directory"

#: Slack's refusals, as the reasons the directory stores (one word for one situation).
SLACK_ERRORS = {"user_disabled": "deactivated_in_slack", "account_inactive": "deactivated_in_slack",
                "users_not_found": "user_not_found"}


@dataclass(frozen=True, slots=True)
class Unreachable:
    person_id: int
    name: str
    email: str | None
    reason: str
    since: datetime | None


@dataclass(slots=True)
class LinkReport:
    linked: list[str] = field(default_factory=list)
    unreachable: list[tuple[str, str]] = field(default_factory=list)  # (name, reason) newly so
    reachable_again: list[str] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)  # (name, lang) seeded from Slack
    checked: int = 0
    left: int = 0  # not checked: Slack was busy or down (the next run does them)
    problem: str | None = None  # why linking stopped (e.g. missing_scope)
    handed_over: list[int] = field(default_factory=list)  # ids of the newly unreachable


@dataclass(frozen=True, slots=True)
class _Found:
    user: SlackUser | None
    reason: str | None


class ReachabilityService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, cache: DirectoryCache,
                 handover: HandoverService | None = None, slack: SlackDirectory | None = None) -> None:
        self._sessions = sessions
        self._clock = clock
        self._cache = cache
        self._handover = handover
        self._slack = slack

    # --------------------------------------------------------------- reading

    def unreachable(self) -> list[Unreachable]:
        with self._sessions() as s:
            return [Unreachable(p.id, p.name, p.email, p.unreachable_reason or "", p.unreachable_since)
                    for p in repo.unreachable_people(s)]

    # ------------------------------------------------------------ the outbox

    def on_outbox_unreachable(self, s: Session, person_id: int, why: str, now: datetime) -> None:
        """The outbox's hook (in its recording transaction): Slack refused a message
        to ``person_id`` for good. Stored, and their work handed over right after
        the commit (and by the scheduler, should this process stop first)."""
        person = s.get(Person, person_id)
        if person is None or not person.active:
            return  # a deactivated person's own messages: nothing more to hand over
        why = SLACK_ERRORS.get(why, why)
        if not self._mark(s, person, why, now, {"source": "outbox"}):
            return
        if self._handover is not None:
            handover = self._handover
            event.listen(s, "after_commit", lambda _s: handover.run_now(person_id), once=True)

    def _mark(self, s: Session, person: Person, reason: str | None, now: datetime, data: dict) -> bool:
        """Store whether Slack can reach ``person``; True when that changed."""
        if person.unreachable_reason == reason:
            return False
        was = person.unreachable_reason
        person.unreachable_reason, person.unreachable_since = reason, (now if reason else None)
        person.updated_at = now
        bump(s)
        if reason is None:
            audit.record(s, "reachable", None, person.id, now, {**data, "was": was})
            return True
        audit.record(s, "unreachable", None, person.id, now, {**data, "reason": reason})
        queue_handover(s, person.id, "unreachable", now)
        return True

    # ------------------------------------------------------------- linking

    def queue_link_job(self, s: Session, now: datetime, _today: date) -> list[str]:
        """The daily job (in the morning's transaction): ask for a linking run.
        Slack is called by ``fire_due``, outside any transaction."""
        timer_repo.schedule(s, kind=LINK_JOB, key=LINK_JOB, due_at=now, now=now)
        return []

    def fire_due(self) -> int:
        if self._slack is None:
            return 0
        now = self._clock.now()
        with self._sessions.begin() as s:
            row = timer_repo.pending(s, LINK_JOB)
            if row is None or row.due_at > now or not timer_repo.claim(s, row.id, now):
                return 0
        report = self.link_all()
        return len(report.linked) + len(report.unreachable) + len(report.reachable_again)

    def link_all(self) -> LinkReport:
        """Look up everyone who needs it (see the module docstring); one short
        transaction per person, no transaction while Slack is asked."""
        report = LinkReport()
        if self._slack is None:
            report.problem = "no Slack client"
            return report
        with self._sessions() as s:
            todo = [(p.id, p.slack_user_id, p.email) for p in repo.active_people(s)
                    if not p.slack_user_id or p.unreachable_reason or p.language_origin is None]
        for i, (person_id, slack_id, email) in enumerate(todo):
            try:
                found = self._ask(slack_id, email)
            except SlackFailure as exc:
                report.left = len(todo) - i
                if exc.kind is FailureKind.PERMANENT:
                    report.problem = exc.error
                log.warning("linking stopped: %s (%d people left for the next run)", exc, report.left)
                break
            report.checked += 1
            self._record(person_id, found, report)
        self._cache.invalidate()
        if self._handover is not None:
            for person_id in report.handed_over:
                self._handover.run_now(person_id)
        return report

    def _ask(self, slack_id: str | None, email: str | None) -> _Found:
        assert self._slack is not None
        if not slack_id:
            if not email:
                return _Found(None, "no_slack_user")
            user = self._slack.lookup_by_email(email)
            if user is None:
                return _Found(None, "no_slack_account")
            if not user.deleted and not user.is_bot:
                user = self._slack.user(user.id) or user  # the locale and time zone
        else:
            user = self._slack.user(slack_id)
            if user is None:
                return _Found(None, "user_not_found")
        if user.deleted:
            return _Found(user, "deactivated_in_slack")
        if user.is_bot:
            return _Found(user, "cannot_dm_bot")
        return _Found(user, None)

    def _record(self, person_id: int, found: _Found, report: LinkReport) -> None:
        try:
            with self._sessions.begin() as s:
                person = s.get(Person, person_id, with_for_update=True)
                if person is None or not person.active:
                    return
                now = self._clock.now()
                user = found.user
                if user is not None and not person.slack_user_id and found.reason is None:
                    person.slack_user_id = user.id
                    person.updated_at = now
                    bump(s)
                    audit.record(s, "linked", None, person.id, now, {"slack_user_id": user.id})
                    report.linked.append(person.name)
                    s.flush()
                if user is not None and found.reason is None and person.language_origin is None:
                    lang = language_from_slack(user.locale, user.tz)
                    if lang is not None:
                        person.language, person.language_origin = lang.value, "slack"
                        bump(s)
                        audit.record(s, "language", None, person.id, now,
                                     {"language": lang.value, "source": "slack"})
                        report.languages.append((person.name, lang.value))
                if self._mark(s, person, found.reason, now, {"source": "link"}):
                    if found.reason is None:
                        report.reachable_again.append(person.name)
                    else:
                        report.unreachable.append((person.name, found.reason))
                        report.handed_over.append(person.id)
        except IntegrityError:  # that Slack account is already another person's
            log.warning("person %s: Slack account %s belongs to someone else in the directory", person_id,
                        found.user.id if found.user else "?")
