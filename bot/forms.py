"""The request forms (SPEC §2, §7): Slack's submitted ``view.state.values`` in,
a validated model or field errors out.

Each ``parse_*`` function is pure: no Slack, no database, no clock (``today`` /
``now_local`` are passed in). On bad input it returns ``{block_id: message}``
in the user's language, ready for ``{"response_action": "errors", "errors": …}``,
so the message lands under the field that caused it. Every free-text field is
screened for national identity numbers; such input is refused and nothing is
stored.

Block ids live here, not in ``handlers/``, because the parsers need them and
``bot/`` never imports the Slack edge; ``handlers.ids`` re-exports them. Every
input element's ``action_id`` equals its block id.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    Field,
    StringConstraints,
)

from bot.calendar import WorkingCalendar
from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.domain.roles import DEFAULT_AREAS
from bot.feedback_criteria import CriteriaCatalog, Rating
from bot.form_reading import (
    Form,
    FormErrors,
    NoNationalId,
    StateValues,
    collect,
    finish,
    limits,
    validate,
    value_of,
)
from bot.i18n import t
from bot.i18n.format import fmt_date


class FormBlock(StrEnum):
    """Block ids (and input action ids) of the form fields."""

    # every request form
    AREA = "area"
    CHILD = "child"
    DESCRIPTION = "description"
    # live
    ROOM = "room"
    START_TIME = "start_time"
    # feedback
    CASE_REF = "case_ref"
    REPORT_LOCATION = "report_location"
    RECORDING_REF = "recording_ref"  # the audio recording of the interview, instead of the report
    DEADLINE = "deadline"
    REPORT_AUTHOR = "report_author"  # whose report it is (a Slack user); empty: the requester's own
    FOCUS = "focus"  # prefix: one checkbox group per criteria group, see focus_block()
    # sit-in ("bisitting"): the planned interview (room is ROOM, what to watch for DESCRIPTION)
    INTERVIEW_DATE = "interview_date"
    INTERVIEW_TIME = "interview_time"
    INTERVIEWER = "interviewer"  # whose interview it is (a Slack user); empty: the requester's own
    # hour
    PREFERRED_PERSON = "preferred_person"
    PREFERRED_TIMES = "preferred_times"
    # support (the person is PREFERRED_PERSON)
    URGENCY = "urgency"
    NOTE = "note"
    # line-handling issue
    ISSUE_KIND = "issue_kind"
    ISSUE_TITLE = "issue_title"
    ISSUE_TEXT = "issue_text"
    ISSUE_REPLY = "issue_reply"
    # group supervision session
    GROUP_TITLE = "group_title"
    GROUP_DATE = "group_date"
    GROUP_TIME = "group_time"
    GROUP_PLACE = "group_place"
    GROUP_CAPACITY = "group_capacity"
    GROUP_CO_ORGANISER = "group_co_organiser"
    # feedback response (the assignee's structured feedback)
    CRITERION = "criterion"  # prefix: one radio group per criterion, see criterion_block()
    OVERALL = "overall"
    # hour proposal: up to three date + time pairs
    SLOT1_DATE = "slot1_date"
    SLOT1_TIME = "slot1_time"
    SLOT2_DATE = "slot2_date"
    SLOT2_TIME = "slot2_time"
    SLOT3_DATE = "slot3_date"
    SLOT3_TIME = "slot3_time"


#: The (date, time) block pairs of the hour proposal; the first one is required.
PROPOSAL_SLOTS: tuple[tuple[FormBlock, FormBlock], ...] = (
    (FormBlock.SLOT1_DATE, FormBlock.SLOT1_TIME),
    (FormBlock.SLOT2_DATE, FormBlock.SLOT2_TIME),
    (FormBlock.SLOT3_DATE, FormBlock.SLOT3_TIME),
)


def focus_block(group_id: str) -> str:
    """Block id of the focus checkboxes of one criteria group."""
    return f"{FormBlock.FOCUS.value}.{group_id}"


def criterion_block(criterion_id: str) -> str:
    """Block id of the rating of one criterion in the feedback response."""
    return f"{FormBlock.CRITERION.value}.{criterion_id}"


class ChildKind(StrEnum):
    """The two ways a child is involved (memo §4); either routes to the BFK."""

    UNACCOMPANIED_MINOR = "unaccompanied_minor"
    ACCOMPANYING_CHILD = "accompanying_child"


_CHILD_VALUES = frozenset(k.value for k in ChildKind)
_RATING_VALUES = frozenset(r.value for r in Rating)

#: Value of the "anyone" option in the preferred-person select.
ANYONE = "anyone"
DEFAULT_CASE_REF_EXAMPLE = "26/01234"

DESCRIPTION_MIN = 5
DESCRIPTION_MAX = 1000
ROOM_MAX = 100
CASE_REF_MAX = 50
REPORT_LOCATION_MAX = 300
RECORDING_REF_MAX = 300
PREFERRED_TIMES_MAX = 500
OVERALL_MAX = 3000
DEADLINE_MAX_DAYS = 90



# ------------------------------------------------------------------ models


Description = Annotated[str, limits(DESCRIPTION_MAX, DESCRIPTION_MIN), NoNationalId]
RoomText = Annotated[str, limits(ROOM_MAX), NoNationalId]
CaseRefText = Annotated[str, limits(CASE_REF_MAX), NoNationalId]
ReportLocationText = Annotated[str, limits(REPORT_LOCATION_MAX), NoNationalId]
RecordingRefText = Annotated[str, limits(RECORDING_REF_MAX), NoNationalId]
PreferredTimesText = Annotated[str, limits(PREFERRED_TIMES_MAX), NoNationalId]
OverallText = Annotated[str, limits(OVERALL_MAX), NoNationalId]


class RequestForm(Form):
    """What every request captures besides the requester (SPEC §2)."""

    request_type: ClassVar[RequestType]

    area: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=8)]
    child: frozenset[ChildKind] = frozenset()
    description: Description

    @property
    def child_involved(self) -> bool:
        return bool(self.child)

    def details(self) -> dict[str, Any]:
        """The type-specific fields as JSON for ``Request.details``."""
        return {"child_kinds": sorted(k.value for k in self.child)}


class LiveForm(RequestForm):
    request_type: ClassVar[RequestType] = RequestType.LIVE

    room: RoomText
    start_time: time

    def details(self) -> dict[str, Any]:
        return {**super().details(), "room": self.room, "start_time": self.start_time.strftime("%H:%M")}


class FeedbackForm(RequestForm):
    request_type: ClassVar[RequestType] = RequestType.FEEDBACK

    case_ref: CaseRefText
    #: Exactly one of the two (mandate 2016-018 §3.3: feedback on the report *or*
    #: on the audio recording of the interview); ``parse_feedback`` checks it.
    report_location: ReportLocationText | None = None
    recording_ref: RecordingRefText | None = None
    deadline: date
    focus: tuple[str, ...] = ()
    #: The Slack user who wrote the report, when it is not the requester (memo 8.2.2:
    #: a unit or area leader may ask for feedback on a caseworker's report).
    report_author: Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{2,30}$")] | None = None

    def details(self, criteria: CriteriaCatalog | None = None) -> dict[str, Any]:
        out = {
            **super().details(),
            "case_ref": self.case_ref,
            **({"recording_ref": self.recording_ref} if self.recording_ref is not None
               else {"report_location": self.report_location}),
            "deadline": self.deadline.isoformat(),
            "focus": list(self.focus),
        }
        if criteria is not None:
            out["focus_labels"] = {lang.value: criteria.labels(self.focus, lang) for lang in Lang}
        return out


class HourForm(RequestForm):
    request_type: ClassVar[RequestType] = RequestType.HOUR

    preferred_person: str | None = None  # a person id from the offered options; None: anyone
    preferred_times: PreferredTimesText

    def details(self) -> dict[str, Any]:
        return {
            **super().details(),
            "preferred_person": self.preferred_person,
            "preferred_times": self.preferred_times,
        }


class Urgency(StrEnum):
    """How soon a support conversation is wanted."""

    TODAY = "today"
    WEEK = "week"
    NO_RUSH = "no_rush"


SUPPORT_NOTE_MAX = 500
SupportNoteText = Annotated[str, limits(SUPPORT_NOTE_MAX, 0), NoNationalId]


class SupportForm(Form):
    """Støttesamtale (memo 8.3): whom, how soon, and an optional short note."""

    preferred_person: str | None = None  # a person id from the offered options; None: anyone
    urgency: Urgency
    note: SupportNoteText = ""

    def details(self) -> dict[str, Any]:
        return {"urgency": self.urgency.value}


ISSUE_KINDS = ("case", "country", "general", "cross_area")
ISSUE_TITLE_MAX = 150
ISSUE_TEXT_MAX = 3000
IssueTitleText = Annotated[str, limits(ISSUE_TITLE_MAX, 3), NoNationalId]
IssueText = Annotated[str, limits(ISSUE_TEXT_MAX, DESCRIPTION_MIN), NoNationalId]


class IssueForm(Form):
    """Faglig problemstilling (memo §7): which kind, the area it concerns, title, text."""

    issue_kind: str
    area: str | None = None
    issue_title: IssueTitleText
    issue_text: IssueText


GROUP_TITLE_MAX = 150
GROUP_PLACE_MAX = 200
GROUP_CAPACITY_MAX = 100
GroupTitleText = Annotated[str, limits(GROUP_TITLE_MAX, 3), NoNationalId]
GroupPlaceText = Annotated[str, limits(GROUP_PLACE_MAX), NoNationalId]


class GroupForm(Form):
    """Veiledning i grupper (memo 8.2.4): a session people sign up for."""

    group_title: GroupTitleText
    starts_at: datetime
    group_place: GroupPlaceText
    group_capacity: Annotated[int, Field(ge=1, le=GROUP_CAPACITY_MAX)]
    group_co_organiser: str | None = None


class IssueReply(Form):
    issue_reply: IssueText


class FeedbackResponse(Form):
    """The assignee's structured feedback: a rating per criterion (each optional)
    and an overall text."""

    ratings: dict[str, Rating] = {}
    overall: OverallText


def _field_block(loc: tuple[int | str, ...]) -> str:
    return str(loc[0]) if loc else FormBlock.DESCRIPTION.value


def _common(values: StateValues, lang: Lang, areas: Collection[str]) -> tuple[dict[str, Any], FormErrors]:
    raw = collect(values, [FormBlock.AREA, FormBlock.DESCRIPTION])
    raw["child"] = value_of(values, FormBlock.CHILD) or []
    extra: FormErrors = {}
    if "area" in raw and raw["area"] not in areas:
        extra[FormBlock.AREA] = t(lang, "form.error.invalid_choice")
    if any(v not in _CHILD_VALUES for v in raw["child"]):
        extra[FormBlock.CHILD] = t(lang, "form.error.invalid_choice")
        raw["child"] = []
    return raw, extra


# ------------------------------------------------------------ the parsers


def parse_live(
    values: StateValues, lang: Lang, *, areas: Collection[str] = DEFAULT_AREAS
) -> LiveForm | FormErrors:
    raw, extra = _common(values, lang, areas)
    raw |= collect(values, [FormBlock.ROOM, FormBlock.START_TIME])
    model, errors = validate(LiveForm, raw, lang, _field_block)
    return finish(model, errors, extra)


def case_ref_error(lang: Lang, pattern: str, example: str = DEFAULT_CASE_REF_EXAMPLE) -> str:
    """ "Saksnummeret må ha formen 26/01234 eller 26/01234-2": the examples are
    shown only when the configured pattern accepts them, so the hint never lies."""
    if not re.fullmatch(pattern, example):
        return t(lang, "form.error.case_ref_generic")
    with_suffix = f"{example}-2"
    if re.fullmatch(pattern, with_suffix):
        return t(lang, "form.error.case_ref_either", example=example, example_suffix=with_suffix)
    return t(lang, "form.error.case_ref", example=example)


def _deadline_error(lang: Lang, raw: object, today: date) -> str | None:
    try:
        chosen = date.fromisoformat(str(raw))
    except ValueError:
        return None  # the model reports it
    if chosen < today:
        return t(lang, "form.error.date_past")
    latest = today + timedelta(days=DEADLINE_MAX_DAYS)
    if chosen > latest:
        return t(lang, "form.error.date_too_far", days=DEADLINE_MAX_DAYS, latest=fmt_date(latest))
    return None


def parse_feedback(
    values: StateValues,
    lang: Lang,
    today: date,
    case_ref_pattern: str,
    criteria: CriteriaCatalog,
    *,
    case_ref_example: str = DEFAULT_CASE_REF_EXAMPLE,
    areas: Collection[str] = DEFAULT_AREAS,
) -> FeedbackForm | FormErrors:
    raw, extra = _common(values, lang, areas)
    raw |= collect(values, [FormBlock.CASE_REF, FormBlock.REPORT_LOCATION, FormBlock.RECORDING_REF,
                             FormBlock.DEADLINE, FormBlock.REPORT_AUTHOR])
    if "report_location" in raw and "recording_ref" in raw:
        extra[FormBlock.RECORDING_REF] = t(lang, "form.error.report_and_recording")
    elif "report_location" not in raw and "recording_ref" not in raw:
        extra[FormBlock.REPORT_LOCATION] = t(lang, "form.error.report_or_recording")

    chosen: set[str] = set()
    for group in criteria.groups:
        block = focus_block(group.id)
        picked = value_of(values, block) or []
        allowed = {c.id for c in group.criteria}
        if any(v not in allowed for v in picked):
            extra[block] = t(lang, "form.error.invalid_choice")
        chosen |= set(picked) & allowed
    raw["focus"] = tuple(c for c in criteria.ids if c in chosen)

    if "case_ref" in raw and not re.fullmatch(case_ref_pattern, raw["case_ref"]):
        extra[FormBlock.CASE_REF] = case_ref_error(lang, case_ref_pattern, case_ref_example)
    if "deadline" in raw and (problem := _deadline_error(lang, raw["deadline"], today)):
        extra[FormBlock.DEADLINE] = problem

    first_focus = focus_block(criteria.groups[0].id)

    def block_of(loc: tuple[int | str, ...]) -> str:
        return first_focus if loc and loc[0] == "focus" else _field_block(loc)

    model, errors = validate(FeedbackForm, raw, lang, block_of)
    return finish(model, errors, extra)


def parse_hour(
    values: StateValues,
    lang: Lang,
    people_ids: Collection[str] | None = None,
    *,
    areas: Collection[str] = DEFAULT_AREAS,
) -> HourForm | FormErrors:
    """``people_ids``: who may be picked (the options the modal offered); None
    leaves that check to the caller."""
    raw, extra = _common(values, lang, areas)
    raw |= collect(values, [FormBlock.PREFERRED_PERSON, FormBlock.PREFERRED_TIMES])
    person = raw.pop("preferred_person", None)
    if person is not None and person != ANYONE:
        if people_ids is not None and person not in people_ids:
            extra[FormBlock.PREFERRED_PERSON] = t(lang, "form.error.person_unavailable")
        raw["preferred_person"] = person
    model, errors = validate(HourForm, raw, lang, _field_block)
    return finish(model, errors, extra)


def parse_support(
    values: StateValues, lang: Lang, people_ids: Collection[str] | None = None
) -> SupportForm | FormErrors:
    raw = collect(values, [FormBlock.PREFERRED_PERSON, FormBlock.URGENCY, FormBlock.NOTE])
    extra: FormErrors = {}
    person = raw.pop("preferred_person", None)
    if person is not None and person != ANYONE:
        if people_ids is not None and person not in people_ids:
            extra[FormBlock.PREFERRED_PERSON] = t(lang, "form.error.person_unavailable")
        raw["preferred_person"] = person
    if raw.get("urgency") is not None and raw["urgency"] not in {u.value for u in Urgency}:
        extra[FormBlock.URGENCY] = t(lang, "form.error.invalid_choice")
        raw.pop("urgency")
    model, errors = validate(SupportForm, raw, lang, _field_block)
    return finish(model, errors, extra)


def parse_issue(values: StateValues, lang: Lang, areas: Collection[str]) -> IssueForm | FormErrors:
    raw = collect(values, [FormBlock.ISSUE_KIND, FormBlock.AREA, FormBlock.ISSUE_TITLE,
                            FormBlock.ISSUE_TEXT])
    extra: FormErrors = {}
    if raw.get("issue_kind") is not None and raw["issue_kind"] not in ISSUE_KINDS:
        extra[FormBlock.ISSUE_KIND] = t(lang, "form.error.invalid_choice")
    if raw.get("area") is not None and raw["area"] not in areas:
        extra[FormBlock.AREA] = t(lang, "form.error.invalid_choice")
    if raw.get("issue_kind") in ("case", "country") and raw.get("area") is None:
        extra[FormBlock.AREA] = t(lang, "form.error.required")
    model, errors = validate(IssueForm, raw, lang, _field_block)
    return finish(model, errors, extra)


def parse_group(values: StateValues, lang: Lang, now_local: datetime,
                people_ids: Collection[str] | None = None) -> GroupForm | FormErrors:
    """The start must lie in the future (in the zone of ``now_local``); the
    co-organiser, if any, must be one of the offered people."""
    raw = collect(values, [FormBlock.GROUP_TITLE, FormBlock.GROUP_PLACE, FormBlock.GROUP_CAPACITY,
                            FormBlock.GROUP_CO_ORGANISER])
    extra: FormErrors = {}
    co = raw.get("group_co_organiser")
    if co is not None and (co == ANYONE or (people_ids is not None and co not in people_ids)):
        if co != ANYONE:
            extra[FormBlock.GROUP_CO_ORGANISER] = t(lang, "form.error.person_unavailable")
        raw.pop("group_co_organiser")
    day_raw, time_raw = value_of(values, FormBlock.GROUP_DATE), value_of(values, FormBlock.GROUP_TIME)
    if day_raw is None:
        extra[FormBlock.GROUP_DATE] = t(lang, "form.error.required")
    if time_raw is None:
        extra[FormBlock.GROUP_TIME] = t(lang, "form.error.required")
    if day_raw is not None and time_raw is not None:
        try:
            when = datetime.combine(date.fromisoformat(day_raw), time.fromisoformat(time_raw),
                                    tzinfo=now_local.tzinfo)
        except ValueError:
            extra[FormBlock.GROUP_DATE] = t(lang, "form.error.invalid")
        else:
            if when <= now_local:
                extra[FormBlock.GROUP_DATE] = t(lang, "form.error.time_past")
            raw["starts_at"] = when
    if "starts_at" not in raw:
        raw["starts_at"] = now_local  # the field error above is what the user sees
    if isinstance(raw.get("group_capacity"), str) and not raw["group_capacity"].isdigit():
        extra[FormBlock.GROUP_CAPACITY] = t(lang, "form.error.invalid")
        raw["group_capacity"] = 1
    model, errors = validate(GroupForm, raw, lang, _field_block)
    if errors.pop("starts_at", None):
        extra.setdefault(FormBlock.GROUP_DATE, t(lang, "form.error.invalid"))
    if "group_capacity" in errors:
        errors["group_capacity"] = t(lang, "group.error.capacity", max=GROUP_CAPACITY_MAX)
    return finish(model, errors, extra)


def parse_issue_reply(values: StateValues, lang: Lang) -> IssueReply | FormErrors:
    model, errors = validate(IssueReply, collect(values, [FormBlock.ISSUE_REPLY]), lang, _field_block)
    return finish(model, errors, {})


def parse_feedback_response(
    values: StateValues, lang: Lang, criteria: CriteriaCatalog
) -> FeedbackResponse | FormErrors:
    ratings: dict[str, str] = {}
    extra: FormErrors = {}
    for criterion in criteria.criteria:
        block = criterion_block(criterion.id)
        picked = value_of(values, block)
        if picked is None:
            continue
        if picked not in _RATING_VALUES:
            extra[block] = t(lang, "form.error.invalid_choice")
            continue
        ratings[criterion.id] = picked
    raw: dict[str, Any] = {"ratings": ratings, **collect(values, [FormBlock.OVERALL])}

    def block_of(loc: tuple[int | str, ...]) -> str:
        if len(loc) >= 2 and loc[0] == "ratings":
            return criterion_block(str(loc[1]))
        return _field_block(loc)

    model, errors = validate(FeedbackResponse, raw, lang, block_of)
    return finish(model, errors, extra)


def parse_hour_proposal(values: StateValues, lang: Lang, now_local: datetime,
                        calendar: WorkingCalendar | None = None) -> list[datetime] | FormErrors:
    """Up to three proposed times, in the order given, as datetimes in the zone
    of ``now_local``. The first pair is required; each must lie in the future,
    in working time (a working day, within working hours, when ``calendar`` is
    given) and no time may be proposed twice."""
    errors: FormErrors = {}
    proposed: list[datetime] = []
    for index, (date_block, time_block) in enumerate(PROPOSAL_SLOTS):
        day_raw, time_raw = value_of(values, date_block), value_of(values, time_block)
        if day_raw is None and time_raw is None:
            if index == 0:
                errors[date_block] = errors[time_block] = t(lang, "form.error.required")
            continue
        if day_raw is None:
            errors[date_block] = t(lang, "form.error.need_date")
            continue
        if time_raw is None:
            errors[time_block] = t(lang, "form.error.need_time")
            continue
        try:
            day = date.fromisoformat(day_raw)
        except ValueError:
            errors[date_block] = t(lang, "form.error.invalid")
            continue
        try:
            clock = time.fromisoformat(time_raw)
        except ValueError:
            errors[time_block] = t(lang, "form.error.invalid")
            continue
        when = datetime.combine(day, clock, tzinfo=now_local.tzinfo)
        if when <= now_local:
            # Today with an hour gone by: the time is wrong; an earlier day: the date.
            errors[time_block if day == now_local.date() else date_block] = t(lang, "form.error.time_past")
            continue
        if calendar is not None and not calendar.is_working_day(day):
            errors[date_block] = t(lang, "form.error.not_working_day", date=day.strftime("%d.%m.%Y"))
            continue
        if calendar is not None and not calendar.is_working_time(when):
            hours = calendar.hours
            errors[time_block] = t(lang, "form.error.not_working_hours", start=hours.start.strftime("%H:%M"),
                                   end=hours.end.strftime("%H:%M"))
            continue
        if when in proposed:
            errors[date_block] = t(lang, "form.error.time_duplicate")
            continue
        proposed.append(when)
    if errors:
        return {str(block): message for block, message in errors.items()}
    return proposed
