"""Language and orientation (issue 12): ``/ifn språk`` sets the language a person
reads the bot in; ``/ifn hvem`` tells a caseworker who serves them today — their
area's IFK (or the substitute standing in), the BFK and the IFRs, each with the
status the router would see right now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.calendar import WorkingCalendar
from bot.clock import Clock
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.domain.roles import Role
from bot.i18n import t
from bot.i18n.format import fmt_day
from bot.routing import unavailability
from bot.routing_types import Reason, World
from bot.services import directory_audit as audit
from bot.services.directory_cache import DirectoryCache, PersonRecord, bump
from bot.services.world import load_routing_world
from storage.models import Person


class OrientationService:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Clock, calendar: WorkingCalendar, cache: DirectoryCache
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._cache = cache

    # ---------------------------------------------------------------- language

    def set_language(self, person_id: int, lang: Lang) -> bool:
        """The person's own choice: it wins over the file's and Slack's. True when it changed."""
        with self._sessions.begin() as s:
            person = s.get(Person, person_id)
            if person is None:
                return False
            changed = (person.language, person.language_origin) != (lang.value, "user")
            if changed:
                now = self._clock.now()
                audit.record(
                    s,
                    "language",
                    person_id,
                    person_id,
                    now,
                    {"language": lang.value, "was": person.language, "source": "user"},
                )
                person.language, person.language_origin, person.updated_at = lang.value, "user", now
                bump(s)
        self._cache.invalidate()  # the next answer is already in the new language
        return changed

    # -------------------------------------------------------------------- who

    def who(self, person_id: int, lang: Lang) -> str:
        now = self._clock.now()
        view = self._cache.view()
        today = self._calendar.local_date(now)
        me = view.person(person_id)
        area = view.area_of(me) if me is not None else None
        with self._sessions() as s:
            world = load_routing_world(s, view, now, self._calendar)
        lines = [f"*{t(lang, 'who.title', day=fmt_day(today, lang))}*"]
        if area is None:
            lines.append(t(lang, "who.no_area"))
        else:
            lines.append(f"*{t(lang, 'who.area', area=area)}*")
            ifks = view.holders(Role.IFK, today, area)
            unit = me.unit_id if me is not None and view.org.unit_scope and view.org.in_network(me.unit_id) \
                else None
            if unit is not None:  # the unit model: your unit's coordinator first, then the area's others
                code = view.org.unit_codes.get(unit, "")
                own = [self._ifk(lang, p, world, now) for p in ifks if p.unit_id == unit]
                if view.org.bfk_home_unit == unit:
                    own += [self._person(lang, p, world, now) for p in view.holders(Role.BFK, today)]
                lines.append(t(lang, "who.unit", unit=code, who=", ".join(own)) if own
                             else t(lang, "who.unit_none", unit=code))
                ifks = [p for p in ifks if p.unit_id != unit]
            shown = [self._ifk(lang, p, world, now) for p in ifks]
            lines.append(
                t(lang, "who.ifk", who=", ".join(shown)) if shown else t(lang, "who.ifk_none", area=area)
            )
        bfks = [self._person(lang, p, world, now) for p in view.holders(Role.BFK, today)]
        lines.append(t(lang, "who.bfk", who=", ".join(bfks)) if bfks else t(lang, "who.bfk_none"))
        ifrs = [self._person(lang, p, world, now) for p in view.holders(Role.IFR, today)]
        lines.append(t(lang, "who.ifr", who=", ".join(ifrs)) if ifrs else t(lang, "who.ifr_none"))
        lines.append(f"_{t(lang, 'who.footer')}_")
        return "\n".join(lines)

    def _ifk(self, lang: Lang, ifk: PersonRecord, world: World, now: datetime) -> str:
        """The IFK, and whoever stands in for them today (absence or increased need)."""
        today = self._calendar.local_date(now)
        parts = [self._person(lang, ifk, world, now)]
        view = self._cache.view()
        for sub in world.substitutes:
            found = view.person(sub.substitute_person_id)
            if sub.absent_person_id == ifk.id and sub.starts_on <= today <= sub.ends_on and found is not None:
                status = self._status(lang, found.id, world, now)
                name = t(lang, "who.substitute", name=found.name, absent=ifk.name)
                parts.append(t(lang, "who.person", name=name, status=status))
        return ", ".join(parts)

    def _person(self, lang: Lang, p: PersonRecord, world: World, now: datetime) -> str:
        return t(lang, "who.person", name=p.name, status=self._status(lang, p.id, world, now))

    @staticmethod
    def _status(lang: Lang, person_id: int, world: World, now: datetime) -> str:
        found = unavailability(person_id, world, now, RequestType.FEEDBACK)
        if found is None:
            return t(lang, "who.status.available")
        reason, params = found
        until = params.get("until") or ""
        if reason is Reason.SKIP_ABSENT:
            return t(lang, "who.status.absent", until=until)
        if reason is Reason.SKIP_AWAY:
            return t(lang, "who.status.away_until", until=until) if until else t(lang, "who.status.away")
        if reason is Reason.SKIP_BUSY:
            return t(lang, "who.status.busy_until", until=until) if until else t(lang, "who.status.busy")
        if reason is Reason.SKIP_UNREACHABLE:
            return t(lang, "who.status.unreachable")
        return t(lang, "who.status.outside_hours")
