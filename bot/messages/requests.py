"""Block Kit for the requester's status message and the candidate's offer
message. Both are re-rendered from the current state at every step and updated
in place, so what a user sees is never stale."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.language import Lang
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_datetime, fmt_time
from bot.messages.actions import RequestAction
from bot.messages.snapshots import OfferSnapshot, RequestSnapshot
from bot.messages.text import escape, sections

Rendered = tuple[str, list[dict[str, Any]]]


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _button(lang: Lang, key: str, action: RequestAction, value: str, style: str | None = None,
            confirm: ConfirmObject | None = None) -> ButtonElement:
    return ButtonElement(text=t(lang, key), action_id=action.value, value=value, style=style,
                         confirm=confirm)


def title(snap: RequestSnapshot, lang: Lang) -> str:
    return t(lang, "req.title", type=t(lang, f"req.type.{snap.type}"), id=snap.id)


def detail_fields(snap: RequestSnapshot, lang: Lang, tz: ZoneInfo, *, with_requester: bool) -> list[str]:
    d = snap.details
    fields: list[str] = []
    if with_requester:
        fields.append(t(lang, "req.field.requester", name=snap.requester.name))
    if snap.type == "support":
        # Confidential: no area, no case facts; only how soon and whom they picked.
        if d.get("urgency"):
            fields.append(t(lang, "support.field.urgency", value=t(lang, f"support.urgency.{d['urgency']}")))
        picked = d.get("preferred_name") or t(lang, "support.anyone")
        fields.append(t(lang, "req.field.preferred", name=picked))
        return fields
    fields.append(t(lang, "req.field.area", area=snap.area))
    child = t(lang, "req.no")
    if snap.child_involved:
        kinds = [t(lang, f"req.child.{k}") for k in d.get("child_kinds", [])]
        child = t(lang, "req.yes") + (f" ({', '.join(kinds)})" if kinds else "")
    fields.append(t(lang, "req.field.child", value=child))
    if d.get("interview_at"):
        at = datetime.fromisoformat(d["interview_at"])
        fields.append(t(lang, "req.field.interview", time=fmt_datetime(at, tz)))
    if d.get("sit_in_id"):
        fields.append(t(lang, "req.field.sit_in", id=d["sit_in_id"]))
    if d.get("room"):
        fields.append(t(lang, "req.field.room", room=escape(d["room"])))
    if d.get("start_time"):
        fields.append(t(lang, "req.field.start", time=d["start_time"]))
    if d.get("case_ref"):
        fields.append(t(lang, "req.field.case_ref", case_ref=escape(d["case_ref"])))
    if d.get("report_location"):
        fields.append(t(lang, "req.field.report", location=escape(d["report_location"])))
    if d.get("recording_ref"):
        fields.append(t(lang, "req.field.recording", recording=escape(d["recording_ref"])))
    if d.get("author_name"):
        fields.append(t(lang, "req.field.author", name=d["author_name"]))
    if d.get("interviewer_name"):
        fields.append(t(lang, "req.field.interviewer", name=d["interviewer_name"]))
    if d.get("deadline"):
        fields.append(t(lang, "req.field.deadline", date=fmt_date(datetime.fromisoformat(d["deadline"]))))
    if d.get("focus_labels"):
        fields.append(t(lang, "req.field.focus", criteria=", ".join(d["focus_labels"].get(lang.value, []))))
    if d.get("preferred_times"):
        fields.append(t(lang, "req.field.times", times=escape(d["preferred_times"])))
    if d.get("preferred_name"):
        fields.append(t(lang, "req.field.preferred", name=d["preferred_name"]))
    return fields


def _history(snap: RequestSnapshot, lang: Lang) -> str | None:
    parts = []
    for offer in snap.offers:
        if offer.state == "declined":
            parts.append(t(lang, "req.history.declined", name=offer.person.name))
        elif offer.state == "timed_out":
            parts.append(t(lang, "req.history.timed_out", name=offer.person.name))
    names = {o.person.id: o.person.name for o in snap.offers}
    for handed in snap.details.get("handovers", []):  # someone left or cannot be reached (issue 12)
        parts.append(t(lang, "req.history.handed_over", name=names.get(handed["person_id"], "–"),
                       why=t(lang, f"handover.why.{handed['why']}")))
    return " · ".join(parts) or None


def _note_block(snap: RequestSnapshot, lang: Lang, *, visible: bool) -> list[Block]:
    """The requester's words: always for ordinary requests; for support only to the
    requester and the person who took it, and gone once purged."""
    if snap.type != "support":
        return sections(escape(snap.description), quoted=True)
    if snap.details.get("note_purged_at"):
        return [ContextBlock(elements=[_md(t(lang, "support.note_purged"))])]
    if not snap.description:
        return []
    if not visible:
        return [ContextBlock(elements=[_md(t(lang, "support.note_hidden"))])]
    return sections(escape(snap.description), quoted=True)


def status_line(snap: RequestSnapshot, lang: Lang, tz: ZoneInfo, now: datetime) -> str:
    state = snap.state
    if snap.type == "support" and state == "unassigned":
        return t(lang, "support.status.unassigned")
    if state == "unassigned" and snap.details.get("expired_at"):
        return t(lang, "sit_in.status.expired")
    if state == "unassigned" and snap.details.get("exhausted_why") == "outside_hours":
        return t(lang, "req.status.unassigned_outside_hours")
    if state == "offered":
        open_offers = snap.open_offers
        names = ", ".join(o.person.name for o in open_offers) or "–"
        if snap.widened:
            return t(lang, "req.status.offered_pool", names=names)
        deadline = min((o.deadline_at for o in open_offers), default=now)
        when = fmt_time(deadline, tz) if deadline.astimezone(tz).date() == now.astimezone(tz).date() \
            else fmt_datetime(deadline, tz)
        return t(lang, "req.status.offered", names=names, deadline=when)
    if state == "accepted" and snap.assignee is not None and snap.accepted_at is not None:
        return t(lang, "req.status.accepted", name=snap.assignee.name, time=fmt_time(snap.accepted_at, tz))
    if state == "completed" and snap.assignee is not None:
        return t(lang, "req.status.completed", name=snap.assignee.name)
    if state == "new" and snap.details.get("deferred_until"):
        when = fmt_datetime(datetime.fromisoformat(snap.details["deferred_until"]), tz)
        return t(lang, "req.status.deferred", when=when)
    return t(lang, f"req.status.{state}")


def status_message(snap: RequestSnapshot, lang: Lang, tz: ZoneInfo, now: datetime) -> Rendered:
    """The requester's DM, updated in place at every step."""
    line = status_line(snap, lang, tz, now)
    blocks: list[Block] = [
        HeaderBlock(text=title(snap, lang)),
        SectionBlock(fields=[_md(f) for f in detail_fields(snap, lang, tz, with_requester=False)]),
        *_note_block(snap, lang, visible=True),
        SectionBlock(text=_md(line)),
    ]
    history = _history(snap, lang)
    if history:
        blocks.append(ContextBlock(elements=[_md(history)]))
    if snap.state in ("new", "offered", "accepted"):
        confirm = ConfirmObject(
            title=t(lang, "req.confirm.cancel.title"), text=t(lang, "req.confirm.cancel.text"),
            confirm=t(lang, "req.confirm.cancel.yes"), deny=t(lang, "req.confirm.cancel.no"),
        )
        blocks.append(ActionsBlock(elements=[
            _button(lang, "req.button.cancel", RequestAction.CANCEL, str(snap.id), "danger", confirm)
        ]))
    text = f"{title(snap, lang)}: {line}"
    return text, [b.to_dict() for b in blocks]


def _reason(offer: OfferSnapshot, lang: Lang) -> str:
    return t(lang, f"req.reason.{offer.reason}", **offer.reason_params)


def task_blocks(snap: RequestSnapshot, lang: Lang, tz: ZoneInfo) -> list[Block]:
    """What the assignee sees after accepting, per type."""
    d = snap.details
    value = str(snap.id)
    if snap.type == "live":
        return [
            SectionBlock(text=_md(t(lang, "req.offer.live_task", room=escape(d.get("room") or "–"),
                                    time=d.get("start_time", "–")))),
            ActionsBlock(elements=[_button(lang, "req.button.done", RequestAction.DONE, value, "primary")]),
        ]
    if snap.type == "feedback":
        deadline = fmt_date(datetime.fromisoformat(d["deadline"])) if d.get("deadline") else "–"
        return [
            SectionBlock(text=_md(t(lang, "req.offer.feedback_task", deadline=deadline,
                                    name=snap.requester.name))),
            ActionsBlock(elements=[
                _button(lang, "req.button.write_feedback", RequestAction.WRITE_FEEDBACK, value, "primary")
            ]),
        ]
    if snap.type == "hour":
        agreed = d.get("agreed_time")
        if agreed:
            when = fmt_datetime(datetime.fromisoformat(agreed), tz)
            return [
                SectionBlock(text=_md(t(lang, "req.offer.hour_agreed", time=when))),
                ActionsBlock(elements=[
                    _button(lang, "req.button.done", RequestAction.DONE, value, "primary")
                ]),
            ]
        if d.get("proposed_times"):
            return [SectionBlock(text=_md(t(lang, "req.offer.hour_proposed", name=snap.requester.name)))]
        return [
            SectionBlock(text=_md(t(lang, "req.offer.hour_task", name=snap.requester.name))),
            ActionsBlock(elements=[
                _button(lang, "req.button.propose_times", RequestAction.PROPOSE_TIMES, value, "primary")
            ]),
        ]
    if snap.type == "sit_in":
        at = fmt_datetime(datetime.fromisoformat(d["interview_at"]), tz) if d.get("interview_at") else "–"
        return [
            SectionBlock(text=_md(t(lang, "req.offer.sit_in_task", time=at, room=escape(d.get("room") or "–"),
                                    name=d.get("interviewer_name") or snap.requester.name))),
            ActionsBlock(elements=[
                _button(lang, "req.button.sit_in_feedback", RequestAction.SIT_IN_FEEDBACK, value, "primary"),
                _button(lang, "req.button.sit_in_hour", RequestAction.SIT_IN_HOUR, value),
                _button(lang, "req.button.done", RequestAction.DONE, value),
            ]),
        ]
    if snap.type == "support":
        buttons = [_button(lang, "req.button.done", RequestAction.DONE, value, "primary")]
        if not d.get("referred_external"):
            buttons.append(_button(lang, "support.button.refer", RequestAction.REFER_EXTERNAL, value))
        key = "support.task_referred" if d.get("referred_external") else "support.task"
        return [SectionBlock(text=_md(t(lang, key, name=snap.requester.name))),
                ActionsBlock(elements=buttons)]
    return [ActionsBlock(elements=[_button(lang, "req.button.done", RequestAction.DONE, value, "primary")])]


def offer_outcome(snap: RequestSnapshot, offer: OfferSnapshot, lang: Lang) -> str | None:
    """The line replacing the buttons once an offer is no longer open."""
    if offer.state == "accepted":
        return None  # the task blocks say it
    if offer.state == "declined":
        return t(lang, "req.offer.declined")
    if offer.state == "timed_out":
        return t(lang, "req.offer.timed_out")
    if snap.state == "cancelled":
        return t(lang, "req.offer.cancelled")
    if snap.assignee is not None and snap.assignee.id != offer.person.id:
        if snap.type == "support":
            return t(lang, "support.offer.taken")  # who took it is between the two of them
        return t(lang, "req.offer.taken_by", name=snap.assignee.name)
    return t(lang, "req.offer.withdrawn")


def offer_message(snap: RequestSnapshot, offer: OfferSnapshot, lang: Lang, tz: ZoneInfo,
                  now: datetime) -> Rendered:
    """The candidate's DM: the request and Godta/Avslå while open; afterwards the
    outcome, or the task itself for the person who accepted."""
    header = t(lang, "req.offer.header", type=t(lang, f"req.type.{snap.type}"))
    if snap.type == "support" and offer.state not in ("open", "accepted"):
        # Confidential: once it is not theirs, nothing says who asked, how soon or why.
        outcome = offer_outcome(snap, offer, lang) or ""
        blocks_min: list[Block] = [HeaderBlock(text=f"{header} (#{snap.id})"),
                                   SectionBlock(text=_md(outcome))]
        return f"{header} (#{snap.id}): {outcome}", [b.to_dict() for b in blocks_min]
    blocks: list[Block] = [
        HeaderBlock(text=f"{header} (#{snap.id})"),
        SectionBlock(fields=[_md(f) for f in detail_fields(snap, lang, tz, with_requester=True)]),
        *_note_block(snap, lang, visible=offer.state == "accepted"),
        ContextBlock(elements=[_md(t(lang, "req.offer.why_sit_in", id=snap.details["sit_in_id"])
                                   if snap.details.get("sit_in_id")
                                   else t(lang, "req.offer.why", reason=_reason(offer, lang)))]),
    ]
    value = str(snap.id)
    if offer.state == "open" and snap.state == "offered":
        when = fmt_time(offer.deadline_at, tz) if offer.deadline_at.astimezone(tz).date() == \
            now.astimezone(tz).date() else fmt_datetime(offer.deadline_at, tz)
        blocks.append(SectionBlock(text=_md(t(lang, "req.offer.deadline", deadline=when))))
        blocks.append(ActionsBlock(elements=[
            _button(lang, "req.button.accept", RequestAction.ACCEPT, value, "primary"),
            _button(lang, "req.button.decline", RequestAction.DECLINE, value),
        ]))
        text = f"{header} (#{snap.id}) – {snap.requester.name}"
    elif offer.state == "accepted" and (snap.assignee is None or snap.assignee.id != offer.person.id):
        # Taken, then offered again after the requester said the help did not come.
        outcome = t(lang, "checkin.offer.moved_on", name=snap.requester.name)
        blocks.append(SectionBlock(text=_md(outcome)))
        text = f"{header} (#{snap.id}): {outcome}"
    elif offer.state == "accepted":
        followed = snap.details.get("followed_by") or {}
        if snap.state == "completed" and followed:
            kind = t(lang, f"req.type.{followed['kind']}")
            blocks.append(SectionBlock(text=_md(t(lang, "req.offer.sit_in_followed",
                                                  id=followed["request_id"], type=kind))))
        elif snap.state == "completed":
            blocks.append(SectionBlock(text=_md(t(lang, "req.offer.completed"))))
        elif snap.state == "cancelled":
            blocks.append(SectionBlock(text=_md(t(lang, "req.offer.cancelled"))))
        else:
            blocks.append(SectionBlock(text=_md(t(lang, "req.offer.accepted_by_you"))))
            blocks.extend(task_blocks(snap, lang, tz))
        text = f"{header} (#{snap.id}): {t(lang, 'req.offer.accepted_by_you')}"
    else:
        outcome = offer_outcome(snap, offer, lang) or ""
        blocks.append(SectionBlock(text=_md(outcome)))
        text = f"{header} (#{snap.id}): {outcome}"
    return text, [b.to_dict() for b in blocks]


def feedback_letter(snap: RequestSnapshot, lang: Lang) -> Rendered:
    """The structured feedback, to the requester only."""
    feedback = snap.details.get("feedback") or {}
    labels = feedback.get("labels") or {}
    header = t(lang, feedback_header_key(snap.details), id=snap.id)
    lines = [f"*{header}*",
             t(lang, "req.feedback.from", name=snap.assignee.name if snap.assignee else "–")]
    if snap.details.get("author_name"):
        lines.append(t(lang, "req.feedback.asked_by", name=snap.requester.name,
                       author=snap.details["author_name"]))
    lines.append(_feedback_on(snap, lang))
    for cid, rating in (feedback.get("ratings") or {}).items():
        label = (labels.get(cid) or {}).get(lang.value, cid)
        lines.append(f"• {label}: _{t(lang, f'req.feedback.rating.{rating}')}_")
    lines += [t(lang, "req.feedback.overall"), escape(feedback.get("overall") or "")]
    blocks = [b.to_dict() for b in sections("\n".join(lines))]
    return header, blocks


def feedback_header_key(details: dict[str, Any]) -> str:
    if details.get("recording_ref"):
        return "req.feedback.delivered_header_recording"
    if details.get("sit_in_id"):
        return "req.feedback.delivered_header_sit_in"
    return "req.feedback.delivered_header"


def _feedback_on(snap: RequestSnapshot, lang: Lang) -> str:
    """What the feedback is on: the report, the audio recording, or the interview sat in on."""
    d = snap.details
    if d.get("recording_ref"):
        return t(lang, "req.feedback.on_recording", recording=escape(d["recording_ref"]))
    if d.get("sit_in_id"):
        return t(lang, "req.feedback.on_sit_in", id=d["sit_in_id"])
    return t(lang, "req.feedback.on_report", location=escape(d.get("report_location") or "–"))


def proposal_message(snap: RequestSnapshot, round_: int, lang: Lang, tz: ZoneInfo) -> Rendered:
    """The times the assignee proposed in round ``round_``: buttons while they can
    be picked; once one is picked, a newer round exists or the request ended, the
    outcome in their place."""
    d = snap.details
    name = snap.assignee.name if snap.assignee else "–"
    intro = t(lang, "req.hour.proposed", name=name, id=snap.id)
    current = int(d.get("proposal_round") or 0)
    blocks: list[Block] = [SectionBlock(text=_md(intro))]
    if round_ != current:
        outcome = t(lang, "req.hour.proposal_replaced")
    elif d.get("agreed_time"):
        agreed = datetime.fromisoformat(d["agreed_time"])
        outcome = t(lang, "req.hour.proposal_picked", time=fmt_datetime(agreed, tz))
    elif snap.state != "accepted":
        outcome = t(lang, "req.hour.proposal_closed")
    else:
        buttons = [ButtonElement(text=fmt_datetime(datetime.fromisoformat(x), tz),
                                 action_id=f"{RequestAction.PICK_TIME.value}_{i}",
                                 value=f"{snap.id}:{round_}:{i}")
                   for i, x in enumerate(d.get("proposed_times") or [])]
        blocks.append(ActionsBlock(block_id=f"pick_time_{snap.id}_{round_}", elements=buttons))
        return intro, [b.to_dict() for b in blocks]
    blocks.append(SectionBlock(text=_md(outcome)))
    return f"{intro} {outcome}", [b.to_dict() for b in blocks]
