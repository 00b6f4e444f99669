"""Modals for the request forms (live supervision, written feedback, supervision
hour, sitting in on an interview), the assignee's feedback and time-proposal forms, and the request menu
for bare ``/ifn``.

Built with ``slack_sdk.models`` so ``to_dict()`` checks Slack's limits offline.
Input block ids (and their action ids) are ``FormBlock`` values, which the
parsers in ``bot.forms`` read and put their errors on.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.domain.language import Lang
from bot.domain.roles import DEFAULT_AREAS
from bot.feedback_criteria import CriteriaCatalog, Criterion, Rating
from bot.forms import (
    ANYONE,
    CASE_REF_MAX,
    DEADLINE_MAX_DAYS,
    DEFAULT_CASE_REF_EXAMPLE,
    DESCRIPTION_MAX,
    DESCRIPTION_MIN,
    OVERALL_MAX,
    PREFERRED_TIMES_MAX,
    PROPOSAL_SLOTS,
    RECORDING_REF_MAX,
    REPORT_LOCATION_MAX,
    ROOM_MAX,
    ChildKind,
    FormBlock,
    criterion_block,
    focus_block,
)
from bot.i18n import t
from bot.i18n.format import fmt_date
from bot.messages.text import escape
from handlers.ids import ActionId, BlockId, CallbackId

#: Slack's limit for the text of an option (select, checkbox, radio button).
OPTION_TEXT_MAX = 75
#: Slack's limit for the options of one static select.
SELECT_OPTIONS_MAX = 100
#: Slack's limit for a view's private_metadata.
PRIVATE_METADATA_MAX = 3000
#: The interview start defaults to now, rounded down to this many minutes.
START_ROUNDING_MINUTES = 5


def _short(text: str, limit: int = OPTION_TEXT_MAX) -> str:
    """Cut at a word boundary with an ellipsis so Slack accepts the option."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0].rstrip(" ,:;–-")
    return cut + "…"


def _option(value: str, text: str) -> Option:
    return Option(value=value, text=PlainTextObject(text=_short(text)))


def _notice(lang: Lang, key: str) -> ContextBlock:
    """Who will see this, and no personal data: the first thing in every form."""
    text = f"{t(lang, key)}\n:lock: {t(lang, 'form.privacy')}"
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _modal(
    lang: Lang,
    callback_id: CallbackId,
    title_key: str,
    blocks: Sequence[Block],
    private_metadata: str,
    submit_key: str = "form.submit",
) -> dict[str, Any]:
    view = View(
        type="modal",
        callback_id=callback_id.value,
        title=PlainTextObject(text=t(lang, title_key)),
        submit=PlainTextObject(text=t(lang, submit_key)),
        close=PlainTextObject(text=t(lang, "form.close")),
        blocks=list(blocks),
        private_metadata=private_metadata,
    )
    return view.to_dict()


def _text_input(
    lang: Lang,
    block: FormBlock,
    label_key: str,
    *,
    max_length: int,
    min_length: int | None = None,
    multiline: bool = False,
    placeholder: str | None = None,
    hint: str | None = None,
    focus: bool = False,
) -> InputBlock:
    return InputBlock(
        block_id=block.value,
        label=PlainTextObject(text=t(lang, label_key)),
        element=PlainTextInputElement(
            action_id=block.value,
            multiline=multiline or None,
            min_length=min_length,
            max_length=max_length,
            placeholder=PlainTextObject(text=placeholder) if placeholder else None,
            focus_on_load=focus or None,
        ),
        hint=PlainTextObject(text=hint) if hint else None,
    )


def _optional(block: InputBlock) -> InputBlock:
    block.optional = True
    return block


def _description(lang: Lang) -> InputBlock:
    return _text_input(
        lang,
        FormBlock.DESCRIPTION,
        "form.description.label",
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        multiline=True,
        placeholder=t(lang, "form.description.placeholder"),
    )


def _child(lang: Lang) -> InputBlock:
    return InputBlock(
        block_id=FormBlock.CHILD.value,
        label=PlainTextObject(text=t(lang, "form.child.label")),
        element=CheckboxesElement(
            action_id=FormBlock.CHILD.value,
            options=[_option(k.value, t(lang, f"form.child.{k.value}")) for k in ChildKind],
        ),
        hint=PlainTextObject(text=t(lang, "form.child.hint")),
        optional=True,
    )


def _area(lang: Lang, default_area: str | None, areas: Collection[str]) -> InputBlock:
    options = [_option(a, t(lang, "form.area.option", area=a)) for a in areas]
    initial = next((o for o in options if o.value == default_area), None)
    return InputBlock(
        block_id=FormBlock.AREA.value,
        label=PlainTextObject(text=t(lang, "form.area.label")),
        element=StaticSelectElement(action_id=FormBlock.AREA.value, options=options, initial_option=initial),
        hint=PlainTextObject(text=t(lang, "form.area.hint")),
    )


def _rounded(now_local_time: time | datetime) -> str:
    moment = now_local_time.time() if isinstance(now_local_time, datetime) else now_local_time
    minute = moment.minute - moment.minute % START_ROUNDING_MINUTES
    return f"{moment.hour:02d}:{minute:02d}"


# ------------------------------------------------------------ request forms


def live_modal(
    lang: Lang,
    default_area: str | None,
    now_local_time: time | datetime,
    private_metadata: str = "",
    *,
    areas: Collection[str] = DEFAULT_AREAS,
) -> dict[str, Any]:
    """Løpende veiledning: room and start time first — the interview is running.

    The most used form, opened while an interview runs: it is built and checked
    (``to_dict``) once per language and area list, and each opening copies that
    and fills in the start time and the metadata."""
    if len(private_metadata) > PRIVATE_METADATA_MAX:
        raise ValueError(f"private_metadata is longer than Slack's {PRIVATE_METADATA_MAX} characters")
    view = json.loads(_live_frame(lang, default_area, tuple(areas)))
    view["private_metadata"] = private_metadata
    for block in view["blocks"]:
        if block.get("block_id") == FormBlock.START_TIME.value:
            block["element"]["initial_time"] = _rounded(now_local_time)
    return view


@lru_cache(maxsize=64)
def _live_frame(lang: Lang, default_area: str | None, areas: tuple[str, ...]) -> str:
    blocks: list[Block] = [
        _notice(lang, "form.live.audience"),
        _text_input(
            lang,
            FormBlock.ROOM,
            "form.live.room.label",
            max_length=ROOM_MAX,
            placeholder=t(lang, "form.live.room.placeholder"),
            focus=True,
        ),
        InputBlock(
            block_id=FormBlock.START_TIME.value,
            label=PlainTextObject(text=t(lang, "form.live.start.label")),
            element=TimePickerElement(action_id=FormBlock.START_TIME.value, initial_time="00:00"),
        ),
        _description(lang),
        _child(lang),
        _area(lang, default_area, areas),
    ]
    return json.dumps(_modal(lang, CallbackId.LIVE_REQUEST, "form.live.title", blocks, ""))


def _focus_blocks(lang: Lang, criteria: CriteriaCatalog) -> list[Block]:
    """One optional checkbox group per criteria group: Slack allows at most ten
    checkboxes in one group, and the group labels read as headings."""
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=t(lang, "form.feedback.focus.intro"))),
    ]
    for group in criteria.groups:
        block = focus_block(group.id)
        blocks.append(
            InputBlock(
                block_id=block,
                label=PlainTextObject(text=group.label(lang)),
                element=CheckboxesElement(
                    action_id=block,
                    options=[_option(c.id, c.label(lang)) for c in group.criteria],
                ),
                optional=True,
            )
        )
    return blocks


def feedback_modal(
    lang: Lang,
    default_area: str | None,
    criteria: CriteriaCatalog,
    today: date,
    private_metadata: str = "",
    *,
    case_ref_example: str = DEFAULT_CASE_REF_EXAMPLE,
    areas: Collection[str] = DEFAULT_AREAS,
) -> dict[str, Any]:
    """Skriftlig tilbakemelding på asylintervjurapporten."""
    latest = today + timedelta(days=DEADLINE_MAX_DAYS)
    blocks: list[Block] = [
        _notice(lang, "form.feedback.audience"),
        _text_input(
            lang,
            FormBlock.CASE_REF,
            "form.feedback.case_ref.label",
            max_length=CASE_REF_MAX,
            placeholder=t(lang, "form.feedback.case_ref.placeholder", example=case_ref_example),
            focus=True,
        ),
        _optional(_text_input(
            lang,
            FormBlock.REPORT_LOCATION,
            "form.feedback.report.label",
            max_length=REPORT_LOCATION_MAX,
            placeholder=t(lang, "form.feedback.report.placeholder"),
            hint=t(lang, "form.feedback.report.hint"),
        )),
        _optional(_text_input(
            lang,
            FormBlock.RECORDING_REF,
            "form.feedback.recording.label",
            max_length=RECORDING_REF_MAX,
            placeholder=t(lang, "form.feedback.recording.placeholder"),
            hint=t(lang, "form.feedback.recording.hint"),
        )),
        InputBlock(
            block_id=FormBlock.DEADLINE.value,
            label=PlainTextObject(text=t(lang, "form.feedback.deadline.label")),
            element=DatePickerElement(action_id=FormBlock.DEADLINE.value),
            hint=PlainTextObject(text=t(lang, "form.feedback.deadline.hint", latest=fmt_date(latest))),
        ),
        InputBlock(
            block_id=FormBlock.REPORT_AUTHOR.value,
            label=PlainTextObject(text=t(lang, "form.feedback.author.label")),
            element=UserSelectElement(
                action_id=FormBlock.REPORT_AUTHOR.value,
                placeholder=PlainTextObject(text=t(lang, "form.feedback.author.placeholder"))),
            hint=PlainTextObject(text=t(lang, "form.feedback.author.hint")),
            optional=True,
        ),
        _description(lang),
        _child(lang),
        _area(lang, default_area, areas),
        *_focus_blocks(lang, criteria),
    ]
    return _modal(lang, CallbackId.FEEDBACK_REQUEST, "form.feedback.title", blocks, private_metadata)


def hour_modal(
    lang: Lang,
    default_area: str | None,
    people_options: Sequence[tuple[str, str]],
    private_metadata: str = "",
    *,
    areas: Collection[str] = DEFAULT_AREAS,
) -> dict[str, Any]:
    """Veiledningstime. ``people_options``: (person id, label) of the IFKs, the
    BFK and the IFRs the requester may pick; "anyone" comes first and is chosen."""
    anyone = _option(ANYONE, t(lang, "form.hour.person.anyone"))
    people = [_option(str(pid), label) for pid, label in people_options][: SELECT_OPTIONS_MAX - 1]
    blocks: list[Block] = [
        _notice(lang, "form.hour.audience"),
        InputBlock(
            block_id=FormBlock.PREFERRED_PERSON.value,
            label=PlainTextObject(text=t(lang, "form.hour.person.label")),
            element=StaticSelectElement(
                action_id=FormBlock.PREFERRED_PERSON.value, options=[anyone, *people], initial_option=anyone
            ),
            hint=PlainTextObject(text=t(lang, "form.hour.person.hint")),
            optional=True,
        ),
        _text_input(
            lang,
            FormBlock.PREFERRED_TIMES,
            "form.hour.times.label",
            max_length=PREFERRED_TIMES_MAX,
            multiline=True,
            placeholder=t(lang, "form.hour.times.placeholder"),
        ),
        _description(lang),
        _child(lang),
        _area(lang, default_area, areas),
    ]
    return _modal(lang, CallbackId.HOUR_REQUEST, "form.hour.title", blocks, private_metadata)


def sit_in_modal(
    lang: Lang,
    default_area: str | None,
    today: date,
    private_metadata: str = "",
    *,
    areas: Collection[str] = DEFAULT_AREAS,
) -> dict[str, Any]:
    """Bisitting: the planned interview (day, time, room), what to watch for,
    whether a child is involved, and the area."""
    latest = today + timedelta(days=DEADLINE_MAX_DAYS)
    blocks: list[Block] = [
        _notice(lang, "form.sit_in.audience"),
        InputBlock(
            block_id=FormBlock.INTERVIEW_DATE.value,
            label=PlainTextObject(text=t(lang, "form.sit_in.date.label")),
            element=DatePickerElement(action_id=FormBlock.INTERVIEW_DATE.value),
            hint=PlainTextObject(text=t(lang, "form.sit_in.date.hint", latest=fmt_date(latest))),
        ),
        InputBlock(
            block_id=FormBlock.INTERVIEW_TIME.value,
            label=PlainTextObject(text=t(lang, "form.sit_in.time.label")),
            element=TimePickerElement(action_id=FormBlock.INTERVIEW_TIME.value),
        ),
        _text_input(
            lang,
            FormBlock.ROOM,
            "form.sit_in.room.label",
            max_length=ROOM_MAX,
            placeholder=t(lang, "form.live.room.placeholder"),
        ),
        _text_input(
            lang,
            FormBlock.DESCRIPTION,
            "form.sit_in.watch.label",
            min_length=DESCRIPTION_MIN,
            max_length=DESCRIPTION_MAX,
            multiline=True,
            placeholder=t(lang, "form.sit_in.watch.placeholder"),
        ),
        InputBlock(
            block_id=FormBlock.INTERVIEWER.value,
            label=PlainTextObject(text=t(lang, "form.sit_in.interviewer.label")),
            element=UserSelectElement(
                action_id=FormBlock.INTERVIEWER.value,
                placeholder=PlainTextObject(text=t(lang, "form.feedback.author.placeholder"))),
            hint=PlainTextObject(text=t(lang, "form.sit_in.interviewer.hint")),
            optional=True,
        ),
        _child(lang),
        _area(lang, default_area, areas),
    ]
    return _modal(lang, CallbackId.SIT_IN_REQUEST, "form.sit_in.title", blocks, private_metadata)


# ------------------------------------------------------ after acceptance


def _rating_input(lang: Lang, criterion: Criterion, focus: bool) -> InputBlock:
    label = criterion.label(lang)
    if focus:
        label = f"★ {label} {t(lang, 'form.response.focus_mark')}"
    block = criterion_block(criterion.id)
    return InputBlock(
        block_id=block,
        label=PlainTextObject(text=label),
        element=RadioButtonsElement(
            action_id=block,
            options=[_option(r.value, t(lang, f"form.rating.{r.value}")) for r in Rating],
        ),
        optional=True,
    )


def feedback_response_modal(
    lang: Lang, request_id: int | str, criteria: CriteriaCatalog, focus_ids: Collection[str],
    on: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The assignee's structured feedback: what it is on (the report, the audio
    recording, or the interview sat in on: ``on`` holds the request's
    ``report_location``/``recording_ref``/``sit_in_id``), the criteria the
    requester asked about first (marked), then the rest by group, then the
    overall text."""
    focus = [c for c in criteria.criteria if c.id in set(focus_ids)]
    focus_set = {c.id for c in focus}
    blocks: list[Block] = [_notice(lang, "form.response.intro")]
    if on:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=_response_on(lang, on))))
    if focus:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=t(lang, "form.response.focus_heading"))))
        blocks += [_rating_input(lang, c, focus=True) for c in focus]
    for group in criteria.groups:
        rest = [c for c in group.criteria if c.id not in focus_set]
        if not rest:
            continue
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{group.label(lang)}*")))
        blocks += [_rating_input(lang, c, focus=False) for c in rest]
    blocks += [
        DividerBlock(),
        _text_input(
            lang,
            FormBlock.OVERALL,
            "form.response.overall.label",
            max_length=OVERALL_MAX,
            multiline=True,
            placeholder=t(lang, "form.response.overall.placeholder"),
        ),
    ]
    return _modal(
        lang,
        CallbackId.FEEDBACK_RESPONSE,
        "form.response.title",
        blocks,
        str(request_id),
        submit_key="form.response.submit",
    )


def _response_on(lang: Lang, on: Mapping[str, Any]) -> str:
    if on.get("recording_ref"):
        return t(lang, "form.response.on_recording", recording=escape(str(on["recording_ref"])))
    if on.get("sit_in_id"):
        return t(lang, "form.response.on_sit_in", id=on["sit_in_id"])
    return t(lang, "form.response.on_report", location=escape(str(on.get("report_location") or "–")))


def hour_proposal_modal(lang: Lang, request_id: int | str) -> dict[str, Any]:
    """Up to three date + time pairs; the first is required."""
    blocks: list[Block] = [_notice(lang, "form.proposal.intro")]
    for n, (date_block, time_block) in enumerate(PROPOSAL_SLOTS, start=1):
        optional = n > 1 or None
        blocks += [
            InputBlock(
                block_id=date_block.value,
                label=PlainTextObject(text=t(lang, "form.proposal.date.label", n=n)),
                element=DatePickerElement(action_id=date_block.value),
                optional=optional,
            ),
            InputBlock(
                block_id=time_block.value,
                label=PlainTextObject(text=t(lang, "form.proposal.time.label", n=n)),
                element=TimePickerElement(action_id=time_block.value),
                optional=optional,
            ),
        ]
    return _modal(
        lang,
        CallbackId.HOUR_PROPOSAL,
        "form.proposal.title",
        blocks,
        str(request_id),
        submit_key="form.proposal.submit",
    )


# --------------------------------------------------------------- the menu

_MENU: tuple[tuple[ActionId, str], ...] = (
    (ActionId.MENU_LIVE, "live"),
    (ActionId.MENU_FEEDBACK, "feedback"),
    (ActionId.MENU_HOUR, "hour"),
    (ActionId.MENU_SIT_IN, "sit_in"),
)


def request_menu_text(lang: Lang) -> str:
    """Plain-text fallback of the menu (notifications, screen readers)."""
    names = ", ".join(t(lang, f"form.menu.{name}") for _, name in _MENU)
    return f"{t(lang, 'form.menu.intro')} {names}"


def request_menu_blocks(lang: Lang) -> list[dict[str, Any]]:
    """Ephemeral answer to bare ``/ifn``: one button per request form."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{t(lang, 'form.menu.intro')}*")),
        ActionsBlock(
            block_id=BlockId.REQUEST_MENU.value,
            elements=[
                ButtonElement(action_id=action.value, text=t(lang, f"form.menu.{name}"), value=name)
                for action, name in _MENU
            ],
        ),
        ContextBlock(elements=[MarkdownTextObject(text=t(lang, "form.menu.hint"))]),
    ]
    return [b.to_dict() for b in blocks]
