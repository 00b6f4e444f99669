"""Minutes of network meetings and work/strategy plans (memo §2: available to
department management). Submitted minutes are archived (``Minutes``) and posted
to the network channel and the management channel through the outbox (with no
management channel set, each member of management gets them by DM); the posts'
timestamps are stored on the row when Slack has them, so the archive links to
the posted messages."""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_day, fmt_time
from bot.messages.text import escape
from bot.notifier import MessageRef
from bot.services import decisions as one_decision
from bot.services import outbox
from bot.services.meetings import may_organise, minutes_key
from bot.services.outbox import OutboxService, Rendered, ToChannel, ToPerson
from bot.services.role_holders import holders
from bot.settings import Settings
from storage.models import MeetingOccurrence, Minutes, Person
from storage.repositories import meetings as repo

POST_MINUTES = "minutes_post"


@dataclass(frozen=True, slots=True)
class Reply:
    ok: bool
    text: str


@dataclass(frozen=True, slots=True)
class MinutesForm:
    """What the modal shows: the meeting the minutes are for."""

    occurrence_id: int
    title: str


def archive_link(channel: str, ts: str) -> str:
    """Slack's archive link to a message (it redirects to the workspace)."""
    return f"https://slack.com/archives/{channel}/p{ts.replace('.', '')}"


def parse_actions(text: str) -> list[dict[str, str]]:
    """One action per line, ``owner: task`` (the owner may be a mention); a line
    without a colon is a task without a named owner."""
    out: list[dict[str, str]] = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•* ").strip()
        if not line:
            continue
        owner, sep, task = line.partition(":")
        out.append({"owner": owner.strip(), "task": task.strip()} if sep and task.strip()
                   else {"owner": "", "task": line})
    return out


class MinutesService:
    def __init__(self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar,
                 settings: Settings, delivery: OutboxService) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._settings = settings
        self._delivery = delivery
        delivery.register(POST_MINUTES, self._render, self._posted)

    def _step(self) -> AbstractContextManager[tuple[Session, datetime, list[str]]]:
        return self._delivery.unit_of_work()

    # ------------------------------------------------------------------ minutes

    def _may_write(self, s: Session, person_id: int, occ: MeetingOccurrence, now: datetime) -> bool:
        return occ.minute_taker_id == person_id or may_organise(s.get(Person, person_id),
                                                                  self._calendar.local_date(now))

    def form(self, person_id: int, occurrence_id: int, lang: Lang) -> MinutesForm | Reply:
        now = self._clock.now()
        with self._sessions() as s:
            occ = s.get(MeetingOccurrence, occurrence_id)
            if occ is None:
                return Reply(False, t(lang, "mtg.not_found", id=occurrence_id))
            if not self._may_write(s, person_id, occ, now):
                return Reply(False, t(lang, "min.not_taker"))
            before = one_decision.earlier(s, minutes_key(occ.id))
            if before is not None:
                return Reply(False, self._written_by(s, lang, before))
            if repo.minutes_for(s, occ.id) is not None:
                return Reply(False, t(lang, "min.already"))
            tz = self._settings.tz
            return MinutesForm(occ.id, f"{occ.meeting.title} {fmt_date(occ.starts_at, tz)}")

    def submit(self, person_id: int, occurrence_id: int, decisions: str, actions: str, notes: str,
               lang: Lang, idempotency_key: str | None = None) -> Reply:
        with self._step() as (s, now, queued):
            occ = s.get(MeetingOccurrence, occurrence_id)
            if occ is None:
                return Reply(False, t(lang, "mtg.not_found", id=occurrence_id))
            if not self._may_write(s, person_id, occ, now):
                return Reply(False, t(lang, "min.not_taker"))
            if idempotency_key and one_decision.decide(s, idempotency_key, "submitted", person_id, now):
                return Reply(True, "")  # the same submission again: it is in already
            before = one_decision.decide(s, minutes_key(occ.id), "written", person_id, now)
            if before is not None:  # a second submit, a double click, two writers at once
                return Reply(False, self._written_by(s, lang, before))
            if repo.minutes_for(s, occ.id) is not None:
                return Reply(False, t(lang, "min.already"))
            tz = self._settings.tz
            author = s.get(Person, person_id)

            def outcome(row: Any) -> tuple[str, None]:
                reader = s.get(Person, int(row.payload.get("person_id", 0)))
                r_lang = Lang.parse(reader.language if reader else None)
                return t(r_lang, "min.written", name=author.name if author else "–",
                         when=fmt_day(now, r_lang, tz) + " " + fmt_time(now, tz)), None

            one_decision.replace_messages(s, minutes_key(occ.id), now, outcome)
            row = Minutes(occurrence_id=occ.id, kind="minutes",
                          title=f"{occ.meeting.title} {fmt_date(occ.starts_at, tz)}",
                          decisions=decisions.strip(), actions=parse_actions(actions), notes=notes.strip(),
                          author_id=person_id, submitted_at=now)
            s.add(row)
            s.flush()
            queued += self._queue_posts(s, row, now)
            return Reply(True, self._posted_where(lang, network=True))

    def _written_by(self, s: Session, lang: Lang, before: one_decision.Decided) -> str:
        who = s.get(Person, before.actor_id) if before.actor_id else None
        tz = self._settings.tz
        when = fmt_day(before.decided_at, lang, tz) + " " + fmt_time(before.decided_at, tz)
        return t(lang, "min.already_by", name=who.name if who else "–", when=when)

    def submit_plan(self, person_id: int, title: str, body: str, lang: Lang,
                    idempotency_key: str | None = None) -> Reply:
        """A work/strategy plan (text or link), archived and posted to management;
        the same ``idempotency_key`` again stores and posts nothing more."""
        with self._step() as (s, now, queued):
            if not may_organise(s.get(Person, person_id), self._calendar.local_date(now)):
                return Reply(False, t(lang, "mtg.not_allowed"))
            if idempotency_key and one_decision.decide(s, idempotency_key, "submitted", person_id, now):
                return Reply(True, "")
            row = Minutes(occurrence_id=None, kind="plan", title=title.strip(), decisions="", actions=[],
                          notes=body.strip(), author_id=person_id, submitted_at=now)
            s.add(row)
            s.flush()
            queued += self._queue_posts(s, row, now, network=False)
            return Reply(True, self._posted_where(lang, network=False))

    def _posted_where(self, lang: Lang, network: bool) -> str:
        """The confirmation says only what happened: a channel that is not set up
        got nothing (issue 12), and the admin is the one to ask."""
        net, mgmt = self._settings.ifn_network_channel, self._settings.ifn_management_channel
        if not network:
            return t(lang, "min.plan_submitted" if mgmt else "min.plan_submitted_nowhere")
        if net and mgmt:
            return t(lang, "min.submitted")
        if net or mgmt:
            posted = t(lang, "channel.network" if net else "channel.management")
            missing = t(lang, "channel.management" if net else "channel.network")
            return t(lang, "min.submitted_only", posted=posted, missing=missing[:1].upper() + missing[1:])
        return t(lang, "min.submitted_nowhere")

    def _queue_posts(self, s: Session, row: Minutes, now: datetime, network: bool = True) -> list[str]:
        targets = [("network", self._settings.ifn_network_channel)] if network else []
        targets.append(("management", self._settings.ifn_management_channel))
        keys = [outbox.queue(s, POST_MINUTES, f"minutes:{row.id}:{target}",
                             {"minutes_id": row.id, "target": target, "channel": ch}, now, "once")
                for target, ch in targets if ch]
        if not self._settings.ifn_management_channel:  # memo §2: available to management all the same
            today = self._calendar.local_date(now)
            keys += [outbox.queue(s, POST_MINUTES, f"minutes:{row.id}:management:{p.id}",
                                  {"minutes_id": row.id, "target": "management_dm", "person_id": p.id}, now,
                                  "once")
                     for p in holders(s, Role.MANAGEMENT, today)]
        return keys

    def render(self, row: Minutes, lang: Lang = Lang.NB) -> str:
        if row.kind == "plan":
            return "\n".join([t(lang, "min.plan_head", title=escape(row.title)), escape(row.notes)])
        lines = [t(lang, "min.head", title=escape(row.title))]
        lines += [f"*{t(lang, 'min.decisions')}*", escape(row.decisions or "–")]
        lines.append(f"*{t(lang, 'min.actions')}*")
        lines += [escape(f"• {a['owner']}: {a['task']}" if a.get("owner") else f"• {a['task']}")
                  for a in row.actions] or ["–"]
        if row.notes:
            lines += [f"*{t(lang, 'min.notes')}*", escape(row.notes)]
        return "\n".join(lines)

    def _render(self, s: Session, payload: dict[str, Any]) -> Rendered:
        row = s.get(Minutes, int(payload["minutes_id"]))
        if row is None:
            raise LookupError(f"minutes {payload['minutes_id']} not found")
        if payload.get("person_id"):
            return Rendered(ToPerson(int(payload["person_id"])), self.render(row))
        return Rendered(ToChannel(payload["channel"]), self.render(row))

    @staticmethod
    def _posted(s: Session, payload: dict[str, Any], ref: MessageRef) -> None:
        row = s.get(Minutes, int(payload["minutes_id"]))
        if row is None:
            return
        if payload["target"] == "network":
            row.network_ts = ref.ts
        elif payload["target"] == "management":
            row.management_ts = ref.ts

    # ------------------------------------------------------------------ the archive

    def listing(self, lang: Lang, word: str | None = None) -> str:
        tz = self._settings.tz
        with self._sessions() as s:
            rows = repo.recent_minutes(s, word=word)
            lines = []
            for row in rows:
                link = ""
                if row.network_ts and self._settings.ifn_network_channel:
                    link = archive_link(self._settings.ifn_network_channel, row.network_ts)
                elif row.management_ts and self._settings.ifn_management_channel:
                    link = archive_link(self._settings.ifn_management_channel, row.management_ts)
                kind = t(lang, "min.kind_plan") if row.kind == "plan" else t(lang, "min.kind_minutes")
                title = f"<{link}|{escape(row.title)}>" if link else escape(row.title)
                lines.append(f"• {kind}: {title} ({fmt_date(row.submitted_at, tz)} "
                             f"{fmt_time(row.submitted_at, tz)})")
        if not lines:
            return t(lang, "min.search_none", word=word) if word else t(lang, "min.none")
        head = t(lang, "min.search_title", word=word) if word else t(lang, "min.list_title")
        return "\n".join([f"*{head}*", *lines])
