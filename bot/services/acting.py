"""Acting area leaders (fungerende områdeleder, SPEC §1): an area leader names
someone to receive and decide what they would for a period — exemptions, line
issues, exhausted-chain notices, substitute reminders. Stored as a period on
the directory (so the directory cache, ``bot.services.role_holders`` and every
feature see it at once) and kept by an import unless the file lists its own.

Who may designate for an area: whoever leads it today (its area leader, or the
fagsjef or an admin for an area with none) and admins. One acting leader per
area and period, as in the file; only someone Slack can reach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain import absence as period_rules
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_date
from bot.services import directory_audit as audit
from bot.services import outbox
from bot.services.directory_cache import DirectoryCache, bump
from bot.services.outbox import OutboxService
from bot.services.role_holders import holdings, leads
from storage.models import ActingLeader, Person
from storage.repositories import directory as repo


@dataclass(frozen=True, slots=True)
class Answer:
    ok: bool
    text: str


def period_text(start: date, end: date) -> str:
    return fmt_date(start) if start == end else f"{fmt_date(start)}–{fmt_date(end)}"


class ActingService:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Clock,
        calendar: WorkingCalendar,
        delivery: OutboxService,
        cache: DirectoryCache,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._delivery = delivery
        self._cache = cache

    def _areas(self, s: Session, actor_id: int, today: date) -> tuple[set[str], bool]:
        """The areas the actor may designate for, and whether they are an admin."""
        admin = any(role is Role.ADMIN for role, _ in holdings(s.get(Person, actor_id), today))
        areas = set(repo.area_codes(s)) if admin else leads(s, actor_id, today)
        return areas, admin

    def may_designate(self, actor_id: int) -> bool:
        with self._sessions() as s:
            return bool(self._areas(s, actor_id, self._calendar.local_date(self._clock.now()))[0])

    def designate(
        self, actor_id: int, person_id: int, area: str | None, start: date, end: date, lang: Lang
    ) -> Answer:
        with self._delivery.unit_of_work() as (s, now, queued):
            today = self._calendar.local_date(now)
            areas, admin = self._areas(s, actor_id, today)
            if not areas:
                return Answer(False, t(lang, "acting.not_allowed"))
            if area is None:
                own = {a for r, a in holdings(s.get(Person, actor_id), today) if r is Role.AREA_LEADER and a}
                choices = own or areas
                if len(choices) != 1:
                    return Answer(False, t(lang, "acting.say_area", areas=", ".join(sorted(areas))))
                area = next(iter(choices))
            if area not in areas:
                return Answer(False, t(lang, "acting.not_your_area", area=area))
            person = s.get(Person, person_id)
            if person is None or not person.active:
                return Answer(False, t(lang, "acting.person_unknown"))
            if person.id == actor_id:
                return Answer(False, t(lang, "acting.self"))
            if not person.slack_user_id or person.unreachable_reason:
                return Answer(False, t(lang, "acting.unreachable", name=person.name))
            problem = self._period_problem(start, end, today, lang)
            if problem is not None:
                return problem
            period = period_text(start, end)
            for other in repo.acting_overlapping(s, area, start, end):
                if (other.person_id, other.starts_on, other.ends_on) == (person.id, start, end):
                    return Answer(True, t(lang, "acting.already", name=person.name, area=area, period=period))
                return Answer(
                    False,
                    t(
                        lang,
                        "acting.overlap",
                        area=area,
                        name=other.person.name,
                        period=period_text(other.starts_on, other.ends_on),
                    ),
                )
            s.add(
                ActingLeader(
                    area_code=area,
                    person_id=person.id,
                    starts_on=start,
                    ends_on=end,
                    designated_by_id=actor_id,
                    created_at=now,
                )
            )
            bump(s)
            audit.record(
                s,
                "acting",
                actor_id,
                person.id,
                now,
                {"area": area, "from": start.isoformat(), "to": end.isoformat(), "admin": admin},
            )
            actor = s.get(Person, actor_id)
            their = Lang.parse(person.language)
            queued.append(
                outbox.queue_dm(
                    s,
                    person.id,
                    t(their, "acting.dm", leader=actor.name if actor else "–", area=area, period=period),
                    None,
                    now,
                    dedupe_key=f"acting:{area}:{person.id}:{start.isoformat()}",
                )
            )
        self._cache.invalidate()
        return Answer(True, t(lang, "acting.designated", name=person.name, area=area, period=period))

    def _period_problem(self, start: date, end: date, today: date, lang: Lang) -> Answer | None:
        if end < start:
            return Answer(
                False, t(lang, "avail.period.end_before_start", start=fmt_date(start), end=fmt_date(end))
            )
        if start < today:
            return Answer(
                False, t(lang, "avail.period.in_past", start=fmt_date(start), today=fmt_date(today))
            )
        days = (end - start).days + 1
        if days > period_rules.MAX_PERIOD_DAYS:
            return Answer(
                False, t(lang, "avail.period.too_long", days=days, max=period_rules.MAX_PERIOD_DAYS)
            )
        return None

    def _listed(self, s: Session, actor_id: int, today: date) -> list[ActingLeader]:
        areas, _admin = self._areas(s, actor_id, today)
        return [
            r
            for r in repo.acting_rows(s)
            if r.ends_on >= today and (r.area_code in areas or actor_id in (r.person_id, r.designated_by_id))
        ]

    def listing(self, actor_id: int, lang: Lang) -> Answer:
        with self._sessions() as s:
            today = self._calendar.local_date(self._clock.now())
            rows = self._listed(s, actor_id, today)
            lines = [
                t(
                    lang,
                    "acting.list_line",
                    number=i,
                    name=r.person.name,
                    area=r.area_code,
                    period=period_text(r.starts_on, r.ends_on),
                )
                for i, r in enumerate(rows, start=1)
            ]
        if not lines:
            return Answer(True, t(lang, "acting.none") + "\n" + t(lang, "acting.usage"))
        return Answer(
            True, "\n".join([f"*{t(lang, 'acting.list_title')}*", *lines, t(lang, "acting.delete_hint")])
        )

    def delete(self, actor_id: int, number: int, lang: Lang) -> Answer:
        with self._delivery.unit_of_work() as (s, now, _queued):
            today = self._calendar.local_date(now)
            rows = self._listed(s, actor_id, today)
            if not 1 <= number <= len(rows):
                return Answer(False, t(lang, "acting.no_such", number=number, count=len(rows)))
            row = rows[number - 1]
            areas, _admin = self._areas(s, actor_id, today)
            if row.area_code not in areas:
                return Answer(False, t(lang, "acting.not_your_area", area=row.area_code))
            name, area, period = row.person.name, row.area_code, period_text(row.starts_on, row.ends_on)
            audit.record(
                s,
                "acting_ended",
                actor_id,
                row.person_id,
                now,
                {"area": area, "from": row.starts_on.isoformat(), "to": row.ends_on.isoformat()},
            )
            s.delete(row)
            bump(s)
        self._cache.invalidate()
        return Answer(True, t(lang, "acting.deleted", name=name, area=area, period=period))
