"""``/ifn logg ID``: a request's audit timeline, for those who may read it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.domain.results import Outcome, Result
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_datetime
from bot.services.role_holders import holders
from storage.models import Person, Request, RoleAssignment
from storage.repositories import requests as repo


def can_see_timeline(s: Session, request: Request, person_id: int, today: date | None = None) -> bool:
    """The requester, the people it was offered to, the area's leader (as
    ``role_holders`` names them ``today``) and admins; a support conversation
    only the two people in it (never a leader, not admins)."""
    if request.type == RequestType.SUPPORT:
        return person_id in (request.requester_id, request.assignee_id)
    if person_id == request.requester_id or repo.was_offered(s, request.id, person_id):
        return True
    if today is not None and any(p.id == person_id
                                 for p in holders(s, Role.AREA_LEADER, today, request.area_code)):
        return True
    return bool(s.scalar(select(RoleAssignment.id).where(
        RoleAssignment.person_id == person_id, RoleAssignment.role == Role.ADMIN.value).limit(1)))


#: Skips the timeline does not list: the same person in a later tier, the requester.
QUIET_SKIPS = frozenset({"skip_duplicate", "skip_requester"})


def skip_reason(lang: Lang, reason: str | None, params: dict | None) -> str:
    """``route.<reason>``, with why Slack cannot reach someone when that is known."""
    if not reason:
        return ""
    why = (params or {}).get("why")
    # A reason's own params (``count``/``cap`` at capacity) fill its text.
    text = t(lang, f"route.{reason}", **{k: v for k, v in (params or {}).items() if k != "why"})
    return f"{text}: {t(lang, f'reach.why.{why}')}" if why else text


class TimelineService:
    def __init__(self, sessions: sessionmaker[Session], tz: ZoneInfo, clock: Clock | None = None) -> None:
        self._sessions = sessions
        self._tz = tz
        self._clock = clock

    def timeline(self, request_id: int, person_id: int, lang: Lang) -> Result:
        with self._sessions() as s:
            request = repo.get(s, request_id)
            if request is None:
                return Result(Outcome.NOT_FOUND, "req.notice.not_found", {"id": request_id})
            today = self._clock.now().astimezone(self._tz).date() if self._clock is not None else None
            if not can_see_timeline(s, request, person_id, today):
                return Result(Outcome.NOT_REQUESTER, "req.log.forbidden", {"id": request_id})
            names: dict[int, str] = {}

            def name(pid: int | None) -> str:
                if pid is None:
                    return "–"
                if pid not in names:
                    person = s.get(Person, pid)
                    names[pid] = person.name if person else f"#{pid}"
                return names[pid]

            lines = [f"*{t(lang, 'req.log.title', id=request_id)}*"]
            for ev in repo.timeline(s, request_id):
                when = fmt_datetime(ev.at, self._tz)
                if ev.kind == "exhausted" and request.type == RequestType.SUPPORT:
                    lines.append(t(lang, "req.log.exhausted_support", time=when))
                elif ev.kind == "routed":
                    chain = ", ".join(name(int(c["person_id"])) for c in ev.data.get("chain", [])) or "–"
                    lines.append(t(lang, "req.log.routed", time=when, chain=chain))
                    for skip in ev.data.get("skipped", []):  # left out of the chain, and why
                        if skip.get("reason") not in QUIET_SKIPS:
                            lines.append(t(lang, "req.log.skipped", time=when,
                                           subject=name(int(skip["person_id"])),
                                           reason=skip_reason(lang, skip.get("reason"), skip.get("params"))))
                elif ev.kind == "skipped":
                    lines.append(t(lang, "req.log.skipped", time=when, subject=name(ev.subject_id),
                                   reason=skip_reason(lang, ev.data.get("reason"), ev.data.get("params"))))
                elif ev.kind == "handed_over":
                    lines.append(t(lang, "req.log.handed_over", time=when, subject=name(ev.subject_id),
                                   why=t(lang, f"handover.why.{ev.data.get('why')}")))
                else:
                    lines.append(t(lang, f"req.log.{ev.kind}", time=when, actor=name(ev.actor_id),
                                   subject=name(ev.subject_id)))
        return Result(Outcome.OK, None, {"lines": lines})
