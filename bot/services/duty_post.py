"""The network's day begins with one post (SPEC §5): at the start of each working
day, who is on duty — per area the IFK or the substitute, the BFK, the IFRs,
with status and absence — in the network channel. Nothing on days off.

The post is an outbox message of its own kind, keyed by the day
(``duty_post:2026-12-07``) and rendered from the state at delivery: it is posted
once, and every later queuing of the same key is a ``chat.update`` of it. So a
status set, an absence registered or deleted, or a substitute designated during
the day queues the key again (``requeue``) and the post follows; a status that
lapses ("opptatt til 11:00") does so through a durable timer at that moment.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import Lang
from bot.messages.duty_post import duty_post
from bot.services import outbox
from bot.services.directory_cache import DirectoryCache
from bot.services.on_duty import load_roster, on_roster
from bot.services.outbox import OutboxService, Rendered, ToChannel
from bot.settings import CoreSettings
from storage.models import OutboxMessage
from storage.repositories import timers as timer_repo

log = logging.getLogger("ifn_bot.duty_post")

DUTY_POST = "duty_post"
#: A status that lapses during the working day refreshes the post then.
REFRESH = "duty_refresh"


def post_key(day: date) -> str:
    return f"{DUTY_POST}:{day.isoformat()}"


class DutyPostService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 settings: CoreSettings, delivery: OutboxService, directory: DirectoryCache) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._settings = settings
        self._delivery = delivery
        self._directory = directory
        delivery.register(DUTY_POST, self._render)

    # ------------------------------------------------------------------ the post

    def queue_today(self, s: Session, now: datetime, today: date) -> list[str]:
        """The daily job (``DailyJobs`` runs it at the start of each working day only)."""
        if not self._settings.ifn_network_channel:
            return []
        return [outbox.queue(s, DUTY_POST, post_key(today), {"day": today.isoformat()}, now)]

    def _render(self, s: Session, payload: dict[str, Any]) -> Rendered | None:
        channel = self._settings.ifn_network_channel
        if not channel:
            return None
        day = date.fromisoformat(payload["day"])
        now = self._clock.now()
        roster = load_roster(s, self._directory.view(), day, now)
        text, blocks = duty_post(Lang.NB, roster, self._calendar.tz, now)
        return Rendered(ToChannel(channel), text, blocks)

    # ------------------------------------------------------------- following the day

    def requeue(self, s: Session, now: datetime, person_id: int, until: datetime | None = None) -> str | None:
        """Someone's status or absence changed: today's post, if it is out, is
        updated in place (the same key queued again). ``until``: the status
        lapses then, and the post follows at that moment."""
        today = self._calendar.local_date(now)
        if not on_roster(self._directory.view(), s, person_id, today):
            return None
        if until is not None and now < until < self._calendar.day_end(today):
            timer_repo.schedule(s, kind=REFRESH, key=f"{REFRESH}:{person_id}", due_at=until, now=now,
                                payload={"day": today.isoformat()})
        return self._requeue_day(s, now, today)

    def _requeue_day(self, s: Session, now: datetime, day: date) -> str | None:
        key = post_key(day)
        if s.get(OutboxMessage, key) is None:  # not posted (yet, or not on this day): nothing to follow
            return None
        return outbox.queue(s, DUTY_POST, key, {"day": day.isoformat()}, now)

    def fire_due(self) -> int:
        """The ticker's sweep: statuses that lapsed since the post last said them."""
        now = self._clock.now()
        with self._sessions() as s:
            due = [(tm.id, tm.payload.get("day")) for tm in timer_repo.due(s, now, kinds=[REFRESH])]
        fired = 0
        for timer_id, day in due:
            with self._delivery.unit_of_work() as (s, now, queued):
                if not timer_repo.claim(s, timer_id, now):
                    continue
                fired += 1
                if day == self._calendar.local_date(now).isoformat():
                    key = self._requeue_day(s, now, date.fromisoformat(day))
                    queued += [key] if key else []
        return fired
