"""Block Kit for the directory kept in Slack: the admin section of the Home tab,
the directory listing (``/ifn katalog`` and the Home tab's "show" button) and
the person form (add, change, deactivate, reactivate)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.directory_commands import role_line_text
from bot.domain.language import Lang
from bot.i18n import t
from bot.i18n.format import fmt_datetime
from bot.services.directory_admin import Overview, PersonView


class DirectoryAction(StrEnum):
    EDIT = "directory_edit_person"  # a static select: the value is the person id
    ADD = "directory_add_person"
    SHOW = "directory_show"


class DirectoryCallback(StrEnum):
    PERSON = "directory_person"
    LISTING = "directory_listing"


class PersonBlock(StrEnum):
    """Input block ids of the person form; each input's action id is the same string."""

    NAME = "dir_name"
    SLACK = "dir_slack"
    EMAIL = "dir_email"
    AREA = "dir_area"
    UNIT = "dir_unit"
    LANGUAGE = "dir_language"
    ROLES = "dir_roles"
    ACTIVE = "dir_active"


#: Which input a refusal about a field goes on.
FIELD_BLOCKS = {
    "name": PersonBlock.NAME,
    "slack_id": PersonBlock.SLACK,
    "email": PersonBlock.EMAIL,
    "area": PersonBlock.AREA,
    "unit": PersonBlock.UNIT,
    "language": PersonBlock.LANGUAGE,
    "roles": PersonBlock.ROLES,
    "active": PersonBlock.ACTIVE,
}

MAX_SECTION = 2900  # Slack allows 3000 characters in a section's text
MAX_OPTIONS = 100


def _md(text: str) -> MarkdownTextObject:
    return MarkdownTextObject(text=text)


def _short(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def roles_text(lang: Lang, p: PersonView) -> str:
    """ "IFK, saksbehandler; områdeleder fra 01.12.2026" for the listing."""
    parts = []
    for role, _area, start, end in p.roles:
        label = t(lang, f"dir.role.{role}")
        if start or end:
            label += " " + t(
                lang,
                "dir.admin.period",
                start=_short(start) if start else "…",
                end=_short(end) if end else "…",
            )
        parts.append(label)
    for area, start, end in p.acting:
        parts.append(t(lang, "dir.admin.acting", area=area, start=_short(start), end=_short(end)))
    return ", ".join(parts)


def person_line(lang: Lang, p: PersonView) -> str:
    roles = roles_text(lang, p)
    line = p.name + (f" ({roles})" if roles else "")
    if p.unreachable:
        line += " ⚠️ " + t(lang, f"reach.why.{p.unreachable}")
    return line


def _chunks(lines: list[str]) -> list[str]:
    out: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > MAX_SECTION:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        out.append(current)
    return out


def listing_blocks(lang: Lang, ov: Overview, search: str | None = None) -> list[Block]:
    """People and roles by area and unit (the units' people under each unit)."""
    wanted = [p for p in ov.active if not search or search.lower() in p.name.lower()]
    blocks: list[Block] = []
    unit_area = {code: area for code, _name, area in ov.units}
    for code, name in ov.areas:
        lines = [f"*{name}* ({code})"]
        in_area = [p for p in wanted if (p.area or unit_area.get(p.unit or "")) == code]
        for unit_code, unit_name, area in ov.units:
            if area != code:
                continue
            members = [p for p in in_area if p.unit == unit_code]
            outside = f" ({t(lang, 'dir.admin.outside_network')})" if unit_code in ov.outside else ""
            if members:
                lines.append(f"_{unit_name}_{outside}: " + "; ".join(person_line(lang, p) for p in members))
        loose = [p for p in in_area if not p.unit]
        if loose:
            lines.append(t(lang, "dir.admin.no_unit") + ": " + "; ".join(person_line(lang, p) for p in loose))
        if len(lines) > 1:
            blocks += [SectionBlock(text=_md(chunk)) for chunk in _chunks(lines)]
    codes = {code for code, _ in ov.areas}
    rest = [p for p in wanted if (p.area or unit_area.get(p.unit or "")) not in codes]
    if rest:
        lines = [f"*{t(lang, 'dir.admin.department')}*", *[person_line(lang, p) for p in rest]]
        blocks += [SectionBlock(text=_md(chunk)) for chunk in _chunks(lines)]
    if not blocks:
        blocks.append(SectionBlock(text=_md(t(lang, "dir.admin.nobody", search=search or ""))))
    elif not search:
        blocks.insert(0, ContextBlock(elements=[_md(t(lang, f"dir.admin.scope.{ov.scope}"))]))
    if ov.deactivated and not search:
        names = ", ".join(p.name for p in ov.deactivated)
        blocks.append(ContextBlock(elements=[_md(t(lang, "dir.admin.deactivated", names=names))]))
    return blocks


def _option(text: str, value: str) -> Option:
    return Option(text=PlainTextObject(text=text[:75]), value=value)


def person_picker(lang: Lang, ov: Overview, search: str | None = None) -> StaticSelectElement:
    """Pick someone to change: grouped by area, the deactivated last (to reactivate)."""
    unit_area = {code: area for code, _name, area in ov.units}
    groups: list[OptionGroup] = []
    wanted = [p for p in ov.people if not search or search.lower() in p.name.lower()]
    buckets: dict[str, list[PersonView]] = {}
    for p in wanted:
        key = "~off" if not p.active else (p.area or unit_area.get(p.unit or "") or "~dept")
        buckets.setdefault(key, []).append(p)
    for key in sorted(buckets):
        label = (
            t(lang, "dir.admin.group_off")
            if key == "~off"
            else t(lang, "dir.admin.department")
            if key == "~dept"
            else t(lang, "dir.admin.group_area", area=key)
        )
        people = sorted(buckets[key], key=lambda p: p.name)[:MAX_OPTIONS]
        groups.append(
            OptionGroup(
                label=PlainTextObject(text=label[:75]), options=[_option(p.name, str(p.id)) for p in people]
            )
        )
    return StaticSelectElement(
        action_id=DirectoryAction.EDIT.value,
        option_groups=groups[:MAX_OPTIONS],
        placeholder=PlainTextObject(text=t(lang, "dir.admin.pick")),
    )


def _actions(lang: Lang, ov: Overview, search: str | None, listing: bool) -> ActionsBlock:
    elements: list[Any] = []
    if ov.people:
        elements.append(person_picker(lang, ov, search))
    elements.append(
        ButtonElement(
            text=t(lang, "dir.admin.add"), action_id=DirectoryAction.ADD.value, value="new", style="primary"
        )
    )
    if listing:
        elements.append(
            ButtonElement(text=t(lang, "dir.admin.show"), action_id=DirectoryAction.SHOW.value, value="show")
        )
    return ActionsBlock(block_id="directory_actions", elements=elements)


def _changes(lang: Lang, ov: Overview, tz: ZoneInfo) -> list[Block]:
    if not ov.changes:
        return []
    lines = [t(lang, "dir.admin.changes_title")]
    for c in ov.changes:
        lines.append(
            t(
                lang,
                f"dir.change.{c.action}",
                time=fmt_datetime(c.at, tz),
                actor=c.actor or t(lang, f"dir.source.{c.data.get('source', 'system')}"),
                subject=c.subject or "–",
            )
        )
    return [ContextBlock(elements=[_md("\n".join(lines))])]


def _unreachable(lang: Lang, ov: Overview) -> list[Block]:
    people = ov.unreachable
    if not people:
        return []
    lines = [t(lang, "dir.admin.unreachable_title", count=len(people))]
    lines += [f"• {p.name}: {t(lang, f'reach.why.{p.unreachable}')}" for p in people[:15]]
    if len(people) > 15:
        lines.append(t(lang, "dir.admin.more", count=len(people) - 15))
    return [SectionBlock(text=_md("\n".join(lines)))]


def admin_section(lang: Lang, ov: Overview, tz: ZoneInfo) -> list[Block]:
    """The Home tab's admin part: counts, who Slack cannot reach, the actions, the latest changes."""
    summary = t(
        lang,
        "dir.admin.summary",
        active=len(ov.active),
        unreachable=len(ov.unreachable),
        deactivated=len(ov.deactivated),
    )
    return [
        DividerBlock(),
        HeaderBlock(text=t(lang, "dir.admin.title")),
        SectionBlock(text=_md(summary)),
        *_unreachable(lang, ov),
        _actions(lang, ov, None, listing=True),
        *_changes(lang, ov, tz),
    ]


def directory_message(lang: Lang, ov: Overview, tz: ZoneInfo, search: str | None = None) -> list[dict]:
    """``/ifn katalog [søk]``: the listing, who Slack cannot reach, the actions."""
    head = t(lang, "dir.admin.search_title", search=search) if search else t(lang, "dir.admin.title")
    blocks = [HeaderBlock(text=head[:150]), *listing_blocks(lang, ov, search)][:40]
    blocks += [*_unreachable(lang, ov), _actions(lang, ov, search, listing=False), *_changes(lang, ov, tz)]
    return [b.to_dict() for b in blocks]


def listing_modal(lang: Lang, ov: Overview) -> dict[str, Any]:
    blocks = listing_blocks(lang, ov)[:99]
    return View(
        type="modal",
        callback_id=DirectoryCallback.LISTING.value,
        title=PlainTextObject(text=t(lang, "dir.admin.modal_list_title")),
        close=PlainTextObject(text=t(lang, "form.close")),
        blocks=blocks,
    ).to_dict()


def person_modal(lang: Lang, ov: Overview, person: PersonView | None) -> dict[str, Any]:
    """The form; ``private_metadata`` is the person's id ("" for someone new) and
    nothing else: the server checks who may and what is allowed again."""
    area_opts = [_option(f"{code} – {name}", code) for code, name in ov.areas]
    unit_groups = [
        OptionGroup(
            label=PlainTextObject(text=t(lang, "dir.admin.group_area", area=code)[:75]),
            options=[_option(f"{u} – {n}", u) for u, n, a in ov.units if a == code],
        )
        for code, _name in ov.areas
        if any(a == code for _u, _n, a in ov.units)
    ]
    lang_opts = [_option(t(lang, "dir.lang.nb"), "nb"), _option(t(lang, "dir.lang.en"), "en")]

    def initial(options: list[Option], value: str | None) -> Option | None:
        return next((o for o in options if o.value == value), None)

    unit_options = [o for g in unit_groups for o in g.options]
    roles = "\n".join(role_line_text(r, a, f, e, lang) for r, a, f, e in person.roles) if person else ""
    blocks: list[Block] = [
        InputBlock(
            block_id=PersonBlock.NAME.value,
            label=t(lang, "dir.form.name"),
            element=PlainTextInputElement(
                action_id=PersonBlock.NAME.value,
                max_length=200,
                initial_value=person.name if person else None,
            ),
        ),
        InputBlock(
            block_id=PersonBlock.SLACK.value,
            label=t(lang, "dir.form.slack"),
            optional=True,
            hint=t(lang, "dir.form.slack_hint"),
            element=UserSelectElement(
                action_id=PersonBlock.SLACK.value,
                initial_user=person.slack_id if person and person.slack_id else None,
            ),
        ),
        InputBlock(
            block_id=PersonBlock.EMAIL.value,
            label=t(lang, "dir.form.email"),
            optional=True,
            element=PlainTextInputElement(
                action_id=PersonBlock.EMAIL.value,
                max_length=254,
                initial_value=person.email if person and person.email else None,
            ),
        ),
        InputBlock(
            block_id=PersonBlock.AREA.value,
            label=t(lang, "dir.form.area"),
            optional=True,
            hint=t(lang, "dir.form.area_hint"),
            element=StaticSelectElement(
                action_id=PersonBlock.AREA.value,
                options=area_opts,
                initial_option=initial(area_opts, person.area if person else None),
            ),
        ),
    ]
    if unit_groups:
        blocks.append(
            InputBlock(
                block_id=PersonBlock.UNIT.value,
                label=t(lang, "dir.form.unit"),
                optional=True,
                element=StaticSelectElement(
                    action_id=PersonBlock.UNIT.value,
                    option_groups=unit_groups,
                    initial_option=initial(unit_options, person.unit if person else None),
                ),
            )
        )
    language_hint = (
        t(lang, f"dir.form.language_origin.{person.language_origin or 'none'}")
        if person
        else t(lang, "dir.form.language_hint")
    )
    blocks += [
        InputBlock(
            block_id=PersonBlock.LANGUAGE.value,
            label=t(lang, "dir.form.language"),
            optional=True,
            hint=language_hint,
            element=StaticSelectElement(
                action_id=PersonBlock.LANGUAGE.value,
                options=lang_opts,
                initial_option=initial(lang_opts, person.language if person else None),
            ),
        ),
        InputBlock(
            block_id=PersonBlock.ROLES.value,
            label=t(lang, "dir.form.roles"),
            optional=True,
            hint=t(lang, "dir.form.roles_hint"),
            element=PlainTextInputElement(
                action_id=PersonBlock.ROLES.value,
                multiline=True,
                max_length=2000,
                initial_value=roles or None,
            ),
        ),
    ]
    if person is not None:
        states = [
            _option(t(lang, "dir.form.active"), "active"),
            _option(t(lang, "dir.form.inactive"), "inactive"),
        ]
        blocks.append(
            InputBlock(
                block_id=PersonBlock.ACTIVE.value,
                label=t(lang, "dir.form.status"),
                hint=t(lang, "dir.form.status_hint"),
                element=RadioButtonsElement(
                    action_id=PersonBlock.ACTIVE.value,
                    options=states,
                    initial_option=states[0] if person.active else states[1],
                ),
            )
        )
        if person.unreachable:
            blocks.append(ContextBlock(elements=[_md("⚠️ " + t(lang, f"reach.why.{person.unreachable}"))]))
    title = t(lang, "dir.form.title_edit") if person else t(lang, "dir.form.title_new")
    return View(
        type="modal",
        callback_id=DirectoryCallback.PERSON.value,
        title=PlainTextObject(text=title),
        submit=PlainTextObject(text=t(lang, "dir.form.submit")),
        close=PlainTextObject(text=t(lang, "form.close")),
        blocks=blocks,
        private_metadata=str(person.id) if person else "",
    ).to_dict()


def form_values(values: dict[str, Any]) -> dict[PersonBlock, str | None]:
    """What the person form holds, from ``view.state.values``."""

    def element(block: PersonBlock) -> dict[str, Any]:
        return (values.get(block.value) or {}).get(block.value) or {}

    def text(block: PersonBlock) -> str | None:
        value = element(block).get("value")
        return value.strip() if isinstance(value, str) and value.strip() else None

    def chosen(block: PersonBlock) -> str | None:
        option = element(block).get("selected_option") or {}
        return option.get("value") or None

    return {
        PersonBlock.NAME: text(PersonBlock.NAME),
        PersonBlock.SLACK: element(PersonBlock.SLACK).get("selected_user") or None,
        PersonBlock.EMAIL: text(PersonBlock.EMAIL),
        PersonBlock.AREA: chosen(PersonBlock.AREA),
        PersonBlock.UNIT: chosen(PersonBlock.UNIT),
        PersonBlock.LANGUAGE: chosen(PersonBlock.LANGUAGE),
        PersonBlock.ROLES: element(PersonBlock.ROLES).get("value") or "",
        PersonBlock.ACTIVE: chosen(PersonBlock.ACTIVE),
    }
