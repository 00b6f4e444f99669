"""The morning's duty post (SPEC §5) in words: per area the IFK on duty (or the
substitute standing in, and why), the BFK, the IFRs, each with status and
absence — so caseworkers know whom they will reach today."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.domain.language import Lang
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_day, fmt_time
from bot.messages.text import escape
from bot.services.on_duty import OnDuty, Roster


def state_text(lang: Lang, p: OnDuty, tz: ZoneInfo) -> str:
    """"ledig", "opptatt til 11:00", "fravær til og med 04.12.2026"."""
    if p.absent_until is not None:
        return t(lang, "duty.state.absent", until=fmt_date(p.absent_until))
    if p.status is None:
        return t(lang, "duty.state.none")
    text = t(lang, f"duty.state.{p.status.value}")
    # A status set without a time lasts the rest of the day (to 23:59:59): not worth saying.
    if p.until is not None and p.until.astimezone(tz).time().hour < 23:
        text = t(lang, "duty.state.until", state=text, time=fmt_time(p.until, tz))
    return text


def person_line(lang: Lang, p: OnDuty, tz: ZoneInfo) -> str:
    """One person: their state; when absent, who stands in for them (and that
    person's own state), or that nobody does."""
    line = t(lang, "duty.person", name=escape(p.name), state=state_text(lang, p, tz))
    if p.absent_until is None:
        return line
    if p.stand_in is not None:
        return t(lang, "duty.stand_in", name=escape(p.stand_in.name), state=state_text(lang, p.stand_in, tz),
                 absent=escape(p.name), until=fmt_date(p.absent_until))
    return line + " " + t(lang, "duty.no_stand_in")


def _with_unit(lang: Lang, p: OnDuty, line: str) -> str:
    """Unit model: the IFK's line names the unit they serve."""
    return t(lang, "duty.unit", unit=escape(p.unit), line=line) if p.unit else line


def duty_post(lang: Lang, roster: Roster, tz: ZoneInfo, now: datetime) -> tuple[str, list[dict[str, Any]]]:
    title = t(lang, "duty.title", day=fmt_day(roster.day, lang))
    lines: list[str] = []
    for area in roster.areas:
        people = [f"• {_with_unit(lang, p, person_line(lang, p, tz))}" for p in area.ifks] or \
            [f"• {t(lang, 'duty.nobody')}"]
        lines.append("\n".join([t(lang, "duty.area", area=area.area), *people]))
    for key, group in (("duty.bfk", roster.bfks), ("duty.ifrs", roster.ifrs)):
        people = [f"• {person_line(lang, p, tz)}" for p in group] or [f"• {t(lang, 'duty.nobody')}"]
        lines.append("\n".join([t(lang, key), *people]))
    footer = t(lang, "duty.footer", time=fmt_time(now, tz))
    blocks = [HeaderBlock(text=title), *(SectionBlock(text=MarkdownTextObject(text=x)) for x in lines),
              ContextBlock(elements=[MarkdownTextObject(text=footer)])]
    return f"{title}\n" + "\n".join(lines), [b.to_dict() for b in blocks]
