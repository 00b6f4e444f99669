"""The sit-in form ("bisitting", issue 15): a coordinator is asked to sit in on
a planned interview — the day and time, the room, what to watch for (the
description) and whether a child is involved. Pure, like ``bot.forms``."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, ClassVar

from pydantic import StringConstraints

from bot.calendar import WorkingCalendar
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.domain.roles import DEFAULT_AREAS
from bot.form_reading import FormErrors, StateValues, collect, finish, validate, value_of
from bot.forms import DEADLINE_MAX_DAYS, FormBlock, RequestForm, RoomText, _common, _field_block
from bot.i18n import t
from bot.i18n.format import fmt_date


class SitInForm(RequestForm):
    request_type: ClassVar[RequestType] = RequestType.SIT_IN

    room: RoomText
    interview_at: datetime  # aware
    #: The caseworker whose interview it is, when not the requester: a unit or
    #: area leader may ask on a caseworker's behalf (checked by the Slack edge).
    interviewer: Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,30}$")] | None = None

    def details(self) -> dict[str, Any]:
        return {**super().details(), "room": self.room,
                "interview_at": self.interview_at.astimezone(UTC).isoformat()}


def _when(values: StateValues, lang: Lang, now_local: datetime, calendar: WorkingCalendar | None,
          errors: FormErrors) -> datetime | None:
    """The interview's start: a working day and time ahead, within the limit
    the feedback deadline has (``DEADLINE_MAX_DAYS``)."""
    day_raw, time_raw = value_of(values, FormBlock.INTERVIEW_DATE), value_of(values, FormBlock.INTERVIEW_TIME)
    if day_raw is None:
        errors[FormBlock.INTERVIEW_DATE] = t(lang, "form.error.required")
    if time_raw is None:
        errors[FormBlock.INTERVIEW_TIME] = t(lang, "form.error.required")
    if day_raw is None or time_raw is None:
        return None
    try:
        day = date.fromisoformat(day_raw)
    except ValueError:
        errors[FormBlock.INTERVIEW_DATE] = t(lang, "form.error.invalid")
        return None
    try:
        clock = time.fromisoformat(time_raw)
    except ValueError:
        errors[FormBlock.INTERVIEW_TIME] = t(lang, "form.error.invalid")
        return None
    when = datetime.combine(day, clock, tzinfo=now_local.tzinfo)
    latest = now_local.date() + timedelta(days=DEADLINE_MAX_DAYS)
    if when <= now_local:
        block = FormBlock.INTERVIEW_TIME if day == now_local.date() else FormBlock.INTERVIEW_DATE
        errors[block] = t(lang, "form.error.time_past")
    elif day > latest:
        errors[FormBlock.INTERVIEW_DATE] = t(lang, "form.error.date_too_far", days=DEADLINE_MAX_DAYS,
                                             latest=fmt_date(latest))
    elif calendar is not None and not calendar.is_working_day(day):
        errors[FormBlock.INTERVIEW_DATE] = t(lang, "form.error.not_working_day",
                                             date=day.strftime("%d.%m.%Y"))
    elif calendar is not None and not calendar.is_working_time(when):
        hours = calendar.hours
        errors[FormBlock.INTERVIEW_TIME] = t(lang, "form.error.not_working_hours",
                                             start=hours.start.strftime("%H:%M"),
                                             end=hours.end.strftime("%H:%M"))
    else:
        return when
    return None


def parse_sit_in(values: StateValues, lang: Lang, now_local: datetime,
                 calendar: WorkingCalendar | None = None, *,
                 areas: Collection[str] = DEFAULT_AREAS) -> SitInForm | FormErrors:
    raw, extra = _common(values, lang, areas)
    raw |= collect(values, [FormBlock.ROOM, FormBlock.INTERVIEWER])
    when = _when(values, lang, now_local, calendar, extra)
    raw["interview_at"] = when or now_local  # a field error above is what the user sees
    model, errors = validate(SitInForm, raw, lang, _field_block)
    errors.pop("interview_at", None)
    return finish(model, errors, extra)
