"""Dates and times as users read them: local time zone, Norwegian style."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo


def local(dt: datetime, tz: ZoneInfo) -> datetime:
    return dt.astimezone(tz)


def fmt_time(dt: datetime, tz: ZoneInfo) -> str:
    return local(dt, tz).strftime("%H:%M")


def fmt_date(d: date | datetime, tz: ZoneInfo | None = None) -> str:
    if isinstance(d, datetime):
        d = local(d, tz) if tz else d
    return d.strftime("%d.%m.%Y")


def fmt_datetime(dt: datetime, tz: ZoneInfo) -> str:
    return local(dt, tz).strftime("%d.%m.%Y %H:%M")


def fmt_when(dt: datetime, now: datetime, tz: ZoneInfo) -> str:
    """HH:MM when on the same local day as ``now``, else dd.mm.yyyy HH:MM."""
    if local(dt, tz).date() == local(now, tz).date():
        return fmt_time(dt, tz)
    return fmt_datetime(dt, tz)


def fmt_day(d: date | datetime, lang: object, tz: ZoneInfo | None = None) -> str:
    """The weekday and date, e.g. "mandag 07.12" / "Monday 07.12": reminders name
    the true day instead of "tomorrow", wherever and whenever they fire."""
    from bot.i18n import t

    if isinstance(d, datetime):
        d = local(d, tz) if tz else d
        d = d.date()
    return f"{t(lang, f'day.{d.weekday()}')} {d.strftime('%d.%m')}"
