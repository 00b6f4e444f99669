"""The safety net in front of Slack: whatever a builder hands it, a message or
view that goes out fits every Block Kit limit — judged by the fake Slack's own
reading of Slack's limits (``sandbox.fakeslack.block_limits``), a separate
implementation — and nothing is cut that fitted."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages.limits import ELLIPSIS, cut, fit_message, fit_view
from sandbox.fakeslack.block_limits import message_problems, view_problems


def md(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def test_cut_keeps_short_text_and_marks_a_cut():
    assert cut("kort", 10) == "kort"
    assert cut("a" * 20, 10) == "a" * 9 + ELLIPSIS


def test_cut_never_leaves_half_an_entity_or_half_a_mention():
    assert cut("abc &amp; def", 8) == "abc " + ELLIPSIS
    assert cut("se <@U0IFKB0001> nå", 10) == "se " + ELLIPSIS
    assert cut("se <@U0IFKB0001> nå", 17) == "se <@U0IFKB0001>" + ELLIPSIS


def test_a_message_that_fits_is_sent_as_built():
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "Tittel"}},
              {"type": "section", "text": md("x" * 3000), "fields": [md("f")] * 10}]
    assert fit_message("tekst", blocks) == ("tekst", blocks)


def test_too_many_blocks_end_in_one_line_saying_more():
    blocks = [{"type": "section", "text": md(f"linje {i}")} for i in range(70)]
    text, fitted = fit_message("tekst", blocks, more="Resten står i appen")
    assert fitted is not None and len(fitted) == 50
    assert fitted[:49] == blocks[:49]
    assert fitted[-1] == {"type": "context", "elements": [md("Resten står i appen")]}
    assert message_problems({"blocks": fitted}) == []


_long = st.integers(min_value=0, max_value=9000).flatmap(
    lambda n: st.sampled_from(["x", "&amp;", "<@U0IFKB0001>", "æ<&>"]).map(lambda unit: (unit * n)[:n]))
_block = st.one_of(
    _long.map(lambda t: {"type": "section", "text": md(t or "-")}),
    st.lists(_long.map(lambda t: md(t or "-")), min_size=1, max_size=14).map(
        lambda fields: {"type": "section", "fields": fields}),
    _long.map(lambda t: {"type": "header", "text": {"type": "plain_text", "text": (t or "-")[:400]}}),
    st.lists(_long.map(lambda t: md(t or "-")), min_size=1, max_size=14).map(
        lambda els: {"type": "context", "elements": els}),
    _long.map(lambda t: {"type": "actions", "elements": [{
        "type": "button", "action_id": "a", "value": "1",
        "text": {"type": "plain_text", "text": (t or "-")[:200]}}]}),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_block, max_size=120), _long)
def test_whatever_is_built_goes_out_within_slacks_limits(blocks, text):
    sent_text, fitted = fit_message(text, blocks)
    assert message_problems({"text": sent_text, "blocks": fitted}) == []
    view = fit_view({"type": "home", "blocks": blocks})
    assert view_problems(view) == []
