"""Parameters of a catalog sentence that are filled in by whoever renders it, in
the reader's language and time zone: a service records *what* (a person id, a
moment, a catalog key), the message says it in words.

``X_person`` → X = the person's name; ``X_key`` → X = that catalog text;
``X_at`` → X = date and time; ``X_day`` → X = weekday and date ("mandag 07.12");
``X_clock`` → X = time of day; ``X_date`` → X = the date; ``X_when`` → X = the
time of day when it is today, else date and time.

Every other text (a room, a case reference, a name) is what someone typed and is
shown as typed (mrkdwn-escaped); only the parameters in ``MRKDWN`` are already
mrkdwn (written by the department's configuration, they may hold links)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.language import Lang
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_datetime, fmt_day, fmt_time, fmt_when
from bot.messages.text import escape

#: Parameters that are mrkdwn already: the external support services from settings.
MRKDWN = frozenset({"services"})


def _moment(value: Any) -> datetime | date:
    if isinstance(value, (datetime, date)):
        return value
    text = str(value)
    return datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)


def words(params: Mapping[str, Any], lang: Lang, tz: ZoneInfo, name_of: Callable[[int], str],
          now: datetime | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in params.items():
        base, _, suffix = key.rpartition("_")
        if not base or value is None:
            out[key] = _plain(key, value)
            continue
        if suffix == "person":
            out[base] = escape(name_of(int(value)))
        elif suffix == "key":
            out[base] = t(lang, str(value))
        elif suffix == "at":
            out[base] = fmt_datetime(_moment(value), tz)  # type: ignore[arg-type]
        elif suffix == "day":
            out[base] = fmt_day(_moment(value), lang, tz)
        elif suffix == "clock":
            out[base] = fmt_time(_moment(value), tz)  # type: ignore[arg-type]
        elif suffix == "date":
            out[base] = fmt_date(_moment(value), tz)
        elif suffix == "when":
            moment = _moment(value)
            assert isinstance(moment, datetime)
            out[base] = fmt_when(moment, now, tz) if now is not None else fmt_datetime(moment, tz)
        else:
            out[key] = _plain(key, value)
    return out


def _plain(key: str, value: Any) -> Any:
    return escape(value) if isinstance(value, str) and key not in MRKDWN else value
