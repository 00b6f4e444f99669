"""The leaders' part of the Home tab (``bot.services.home_leader``): per area led,
the exemptions waiting (Godkjenn / Avslå), the coordinators' status and
production, the open requests (each with its timeline) and line issues; the
fagsjef's open issues across areas; management's report and minutes."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.domain.language import Lang
from bot.i18n import t
from bot.i18n.format import fmt_date, fmt_datetime
from bot.messages.duty_post import person_line
from bot.messages.production import ProductionAction
from bot.messages.text import escape
from bot.services.home_leader import AreaPanel, IssueItem, LeaderHome, ManagementPanel, RequestItem

TIMELINE_ACTION = "leader_timeline"


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def leader_blocks(lang: Lang, data: LeaderHome, tz: ZoneInfo, now: datetime) -> list[Block]:
    blocks: list[Block] = []
    for panel in data.areas:
        blocks += _area(lang, panel, tz)
    if data.fagsjef is not None:
        blocks += [DividerBlock(), HeaderBlock(text=t(lang, "leader.fagsjef.title")),
                   SectionBlock(text=_md(_issues(lang, data.fagsjef.count, data.fagsjef.issues, tz,
                                                 "leader.fagsjef.issues")))]
    if data.management is not None:
        blocks += _management(lang, data.management, tz)
    return blocks


def _area(lang: Lang, panel: AreaPanel, tz: ZoneInfo) -> list[Block]:
    blocks: list[Block] = [DividerBlock(), HeaderBlock(text=t(lang, "leader.area.title", area=panel.area))]
    blocks.append(SectionBlock(text=_md(f"*{t(lang, 'leader.exemptions')}*")))
    if not panel.exemptions:
        blocks.append(ContextBlock(elements=[_md(t(lang, "leader.exemptions.none"))]))
    for ex in panel.exemptions:
        blocks.append(SectionBlock(text=_md(t(lang, "leader.exemption", name=escape(ex.name), week=ex.weeks,
                                              reason=escape(ex.reason)))))
        blocks.append(ActionsBlock(block_id=f"leader_exemption_{ex.id}", elements=[
            ButtonElement(text=t(lang, "prod.button.approve"), action_id=ProductionAction.APPROVE.value,
                          value=str(ex.id), style="primary"),
            ButtonElement(text=t(lang, "prod.button.reject"), action_id=ProductionAction.REJECT.value,
                          value=str(ex.id), style="danger"),
        ]))
    lines = [f"*{t(lang, 'leader.coordinators')}*"]
    for c in panel.coordinators:
        role = t(lang, f"leader.role.{c.role.value}")
        production = t(lang, f"leader.production.{c.production.outcome}")
        lines.append(f"• {person_line(lang, c.duty, tz)} ({role}) · {production}")
    if not panel.coordinators:
        lines.append(t(lang, "leader.coordinators.none"))
    blocks.append(SectionBlock(text=_md("\n".join(lines))))
    blocks.append(SectionBlock(text=_md(f"*{t(lang, 'leader.requests', count=panel.open_requests)}*")))
    if not panel.requests:
        blocks.append(ContextBlock(elements=[_md(t(lang, "leader.requests.none"))]))
    for r in panel.requests:
        blocks.append(SectionBlock(text=_md(_request(lang, r, tz)), accessory=ButtonElement(
            text=t(lang, "leader.button.timeline"), action_id=TIMELINE_ACTION, value=str(r.id))))
    if panel.open_requests > len(panel.requests):
        blocks.append(ContextBlock(elements=[_md(t(lang, "leader.more", count=panel.open_requests
                                                   - len(panel.requests)))]))
    blocks.append(SectionBlock(text=_md(_issues(lang, panel.open_issues, panel.issues, tz, "leader.issues"))))
    return blocks


def _request(lang: Lang, r: RequestItem, tz: ZoneInfo) -> str:
    who = t(lang, "leader.request.taken_by", name=escape(r.assignee)) if r.assignee \
        else t(lang, f"req.state.{r.state}")
    return t(lang, "leader.request", id=r.id, type=t(lang, f"req.type.{r.type}"),
             requester=escape(r.requester), since=fmt_datetime(r.created_at, tz), state=who)


def _issues(lang: Lang, count: int, issues: tuple[IssueItem, ...], tz: ZoneInfo, title_key: str) -> str:
    lines = [f"*{t(lang, title_key, count=count)}*"]
    for i in issues:
        lines.append(t(lang, "leader.issue", id=i.id, title=escape(i.title),
                       kind=t(lang, f"issue.kind.{i.kind}"),
                       raiser=escape(i.raiser), recipient=escape(i.recipient),
                       state=t(lang, f"leader.issue_state.{i.state}"), since=fmt_date(i.created_at, tz)))
    if not issues:
        lines.append(t(lang, "leader.issues.none"))
    elif count > len(issues):
        lines.append(t(lang, "leader.more", count=count - len(issues)))
    return "\n".join(lines)


def _management(lang: Lang, panel: ManagementPanel, tz: ZoneInfo) -> list[Block]:
    report = "leader.management.report_dm" if panel.report_by_dm else "leader.management.report_channel"
    lines = [t(lang, report)]
    lines.append(f"*{t(lang, 'leader.management.minutes')}*")
    for kind, title, at in panel.minutes:
        label = t(lang, "min.kind_plan") if kind == "plan" else t(lang, "min.kind_minutes")
        lines.append(f"• {label}: {escape(title)} ({fmt_date(at, tz)})")
    if not panel.minutes:
        lines.append(t(lang, "min.none"))
    lines.append(t(lang, "leader.management.hint"))
    return [DividerBlock(), HeaderBlock(text=t(lang, "leader.management.title")),
            SectionBlock(text=_md("\n".join(lines)))]
