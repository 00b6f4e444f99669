"""Long user text in Block Kit: a section's text may hold at most 3,000
characters, so longer text is split over several sections (at line breaks
where possible) instead of being cut or failing to build."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

SECTION_LIMIT = 3000


def quote(text: str) -> str:
    return "\n".join(f">{line}" for line in text.splitlines() or [""])


def chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` characters, breaking after a newline when one
    is close enough, else hard."""
    out: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = limit
        out.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    out.append(rest)
    return out


def sections(text: str, *, quoted: bool = False) -> list[SectionBlock]:
    body = quote(text) if quoted else text
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in chunks(body)]
