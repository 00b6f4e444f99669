"""The help message listing the subcommands, in the user's language."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.commands import Subcommand
from bot.domain.language import Lang
from bot.i18n import t

#: Display order of the help list; the key suffix in the catalogs is the value.
HELP_ORDER: tuple[Subcommand, ...] = (
    Subcommand.HELP,
    Subcommand.LIVE,
    Subcommand.FEEDBACK,
    Subcommand.HOUR,
    Subcommand.SIT_IN,
    Subcommand.GROUP,
    Subcommand.SUPPORT,
    Subcommand.ISSUE,
    Subcommand.STATUS,
    Subcommand.ABSENCE,
    Subcommand.SUBSTITUTE,
    Subcommand.PRODUCTION,
    Subcommand.MEETING,
    Subcommand.MINUTES,
    Subcommand.TRAINING,
    Subcommand.LOG,
    Subcommand.WHO,
    Subcommand.LANGUAGE,
    Subcommand.ACTING,
    Subcommand.DIRECTORY,
)


def help_text(lang: Lang, available: frozenset[Subcommand]) -> str:
    """Plain-text fallback (notifications, screen readers)."""
    lines = [t(lang, "help.title")]
    lines += [t(lang, f"help.cmd.{s.value}") for s in HELP_ORDER if s in available]
    return "\n".join(lines)


def help_blocks(
    lang: Lang, available: frozenset[Subcommand], lead: str | None = None
) -> list[dict[str, Any]]:
    """Blocks for the help answer. Commands not built yet are listed apart, so a
    user never tries one and meets silence."""
    now = [s for s in HELP_ORDER if s in available]
    later = [s for s in HELP_ORDER if s not in available]
    blocks: list[Any] = []
    if lead:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=lead)))
    blocks += [
        HeaderBlock(text=t(lang, "help.title")),
        SectionBlock(text=MarkdownTextObject(text=t(lang, "help.intro"))),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{t(lang, 'help.available_now')}*\n"
                + "\n".join(f"• {t(lang, f'help.cmd.{s.value}')}" for s in now)
            )
        ),
    ]
    if later:
        blocks += [
            DividerBlock(),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"*{t(lang, 'help.coming')}:* "
                        + ", ".join(t(lang, f"help.cmd.{s.value}").split(" – ")[0] for s in later)
                    )
                ]
            ),
        ]
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=t(lang, "help.footer"))]))
    return [b.to_dict() for b in blocks]
