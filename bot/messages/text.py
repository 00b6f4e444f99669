"""User text in mrkdwn: escaped so it shows as typed, and split over several
sections when long — a section's text may hold at most 3,000 characters — at
line breaks where possible, never inside an entity or a mention, instead of
being cut or failing to build."""

from __future__ import annotations

from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

SECTION_LIMIT = 3000


def escape(text: str) -> str:
    """Text a person typed, as mrkdwn shows it: ``&``, ``<`` and ``>`` become
    entities, so a typed ``<!channel>``, mention or ``<url|label>`` link stays
    text — nobody is pinged and no link is disguised. Only for mrkdwn:
    plain_text is shown as given."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


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
            cut = _clean_cut(rest, limit)
        out.append(rest[:cut])
        rest = rest[cut:].lstrip("\n")
    out.append(rest)
    return out


def _clean_cut(text: str, limit: int) -> int:
    """Where to cut ``text`` at or before ``limit``: not inside an ``&amp;``
    entity nor inside a ``<…>`` mention or link."""
    cut = limit
    amp = text.rfind("&", max(cut - 8, 0), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    lt = text.rfind("<", max(cut - 500, 0), cut)
    if lt > 0 and ">" not in text[lt:cut]:
        cut = lt
    return cut


def sections(text: str, *, quoted: bool = False) -> list[SectionBlock]:
    if quoted:  # every piece a quote, also one that starts mid-line
        pieces = [p if p.startswith(">") else ">" + p for p in chunks(quote(text), SECTION_LIMIT - 1)]
    else:
        pieces = chunks(text)
    return [SectionBlock(text=MarkdownTextObject(text=piece)) for piece in pieces]
