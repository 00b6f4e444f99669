"""Text a person types is shown as text (issue 18, item 4): ``<!channel>``, a
mention, a disguised link, ``&``, ``<`` and ``>`` typed into any field of any
modal reach Slack escaped in every message, update, Home tab and reminder the
bot later builds from it — nobody is pinged, no link is disguised. A control
character, a text over the field's length, or a choice the form did not offer
is refused on its field and stores nothing. The longest text a field accepts
fits its database column (PostgreSQL enforces the column widths; SQLite not)."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.i18n import t
from storage.models import (
    AuditEvent,
    Exemption,
    GroupSession,
    LineIssue,
    Meeting,
    Minutes,
    OutboxMessage,
    Request,
)
from tests.db_scan import places_storing
from tests.e2e.test_national_ids_everywhere import InProcess
from tests.flows import buttons, click, dms
from tests.modals import MARKUP_REFUSED, MODALS, SHAPED, Modal, fill, refused_on, submit, text_blocks
from tests.mrkdwn import mrkdwn_objects, parsed_texts

#: A person typed this; every token in it would ping, link or break mrkdwn if sent raw.
HOSTILE = "Hei <!channel> & <!here> <@U0HOSTILE1> <http://evil.example/login|Godta her> 1<2>0"
#: Shorter ones for narrow fields, longest first.
SHORT = ("<!channel> & <!here>", "<!channel>", "<!here>")
PING = re.compile(r"<!(channel|here|everyone)(\|[^>]*)?>|<@U0HOSTILE1(\|[^>]*)?>|<https?://evil[^>]*>")
TABLES = (Request, AuditEvent, OutboxMessage, Exemption, GroupSession, LineIssue, Meeting, Minutes)
PEOPLE = ("U0CWB10001", "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0IFR00001", "U0IFR00002",
          "U0ALEADB01", "U0BFK00001", "U0FAGSJEF1")


def _element(view: dict[str, Any], block: str) -> dict[str, Any]:
    return next(b["element"] for b in view["blocks"] if b.get("block_id") == block)


def _hostile_for(view: dict[str, Any], block: str) -> str:
    limit = int(_element(view, block).get("max_length") or 3000)
    return next(text for text in (HOSTILE, *SHORT) if len(text) <= limit)


def _pings(bot: Any, since: int) -> list[str]:
    found = []
    for call in bot.fake.calls()[since:]:
        for text in parsed_texts(call.args):
            found += [f"{call.method}: {m.group(0)!r}" for m in PING.finditer(text)]
    return found


def _counts(bot: Any) -> tuple[int, ...]:
    with bot.services.sessions() as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in TABLES)


def _follow_up(bot: Any) -> None:
    """What happens to a submission later: the coordinator accepts, people open
    their Home tab, days pass with their reminders."""
    for user in PEOPLE:
        for message in dms(bot.fake, user):
            if "request_accept" in buttons(message):
                click(bot, user, message, "request_accept")
    for user in PEOPLE:
        bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME",
                         "event_ts": f"{time.time():.6f}"})
    for _ in range(10 * 4):
        bot.clock.advance(timedelta(hours=6))
        bot.services.ticker.tick()


@pytest.mark.parametrize("form", MODALS, ids=lambda m: m.name)
def test_hostile_text_in_every_field_reaches_slack_escaped(org, form: Modal, caplog):
    driver = InProcess(org)
    view = form.open(driver)
    blocks = [b for b in text_blocks(view) if b not in SHAPED]
    assert blocks, f"{form.name}: no free-text field"
    since = len(org.fake.calls())
    texts = {block: _hostile_for(view, block) for block in blocks}
    for block in (b for b in blocks if b in MARKUP_REFUSED):  # refused there, accepted elsewhere
        resp = submit(driver, form.user, view, fill(view, texts, form.choices))
        assert refused_on(resp, block), (form.name, block, resp.body)
        texts[block] = "Vanlig & grei tekst"
    resp = submit(driver, form.user, view, fill(view, texts, form.choices))
    assert resp.status == 200 and not resp.body.strip(), (form.name, resp.body)
    _follow_up(org)
    assert _pings(org, since) == [], form.name
    refused = [c.method for c in org.fake.calls()[since:]
               if c.method.startswith(("chat.", "views.")) and not (c.response or {}).get("ok")]
    assert refused == [], form.name
    cuts = [r.getMessage() for r in caplog.records if r.name == "ifn_bot.limits"]
    assert cuts == [], f"{form.name}: a builder left the cutting to the safety net"


def test_the_description_is_shown_escaped_to_the_coordinator(org):
    driver = InProcess(org)
    form = next(m for m in MODALS if m.name == "live")
    view = form.open(driver)
    submit(driver, form.user, view, fill(view, {"description": HOSTILE}, form.choices))
    offer = dms(org.fake, "U0IFKB0001")[-1]
    shown = " ".join(mrkdwn_objects(offer.get("blocks")))
    assert "Hei &lt;!channel&gt; &amp; &lt;!here&gt; &lt;@U0HOSTILE1&gt;" in shown
    assert "&lt;http://evil.example/login|Godta her&gt; 1&lt;2&gt;0" in shown
    assert places_storing(org.services.engine, HOSTILE)  # stored as typed; escaped only when shown


@pytest.mark.parametrize("form", MODALS, ids=lambda m: m.name)
def test_control_characters_and_overlong_text_are_refused_on_their_field(org, form: Modal):
    driver = InProcess(org)
    view = form.open(driver)
    before = _counts(org)
    for block in (b for b in text_blocks(view) if b not in SHAPED):
        for text in ("Tekst med \x00 null", "Farge \x1b[31m rød", "Bjelle \x07"):
            resp = submit(driver, form.user, view, fill(view, {block: text}, form.choices))
            assert refused_on(resp, block), (form.name, block, resp.body)
            assert resp.json()["errors"][block] == t(None, "form.error.control_characters")
        limit = _element(view, block).get("max_length")
        assert limit, f"{form.name}.{block} has no max_length"
        resp = submit(driver, form.user, view, fill(view, {block: "x" * (int(limit) + 1)}, form.choices))
        assert refused_on(resp, block), (form.name, block, resp.body)
        assert str(limit) in resp.json()["errors"][block]
    assert _counts(org) == before, form.name


@pytest.mark.parametrize("form", MODALS, ids=lambda m: m.name)
def test_the_longest_text_each_field_accepts_is_stored_whole_and_every_message_fits(org, form: Modal, caplog):
    driver = InProcess(org)
    view = form.open(driver)
    blocks = [b for b in text_blocks(view) if b not in SHAPED]
    texts = {}
    for index, block in enumerate(blocks):
        limit = int(_element(view, block)["max_length"])
        # Exactly the limit; multi-byte; five times as long once escaped for mrkdwn.
        unit = "&æ" if block in MARKUP_REFUSED else "<&>æ"
        texts[block] = (f"F{index}ø" + unit * limit)[:limit]
    since = len(org.fake.calls())
    resp = submit(driver, form.user, view, fill(view, texts, form.choices))
    assert resp.status == 200 and not resp.body.strip(), (form.name, resp.body)
    for block, text in texts.items():
        assert places_storing(org.services.engine, text), f"{form.name}.{block}: not stored whole"
    _follow_up(org)  # every message built from it since fits Slack's limits: none refused
    refused = [(c.method, (c.response or {}).get("errors")) for c in org.fake.calls()[since:]
               if c.method.startswith(("chat.", "views.")) and not (c.response or {}).get("ok", True)]
    assert refused == [], form.name
    cuts = [r.getMessage() for r in caplog.records if r.name == "ifn_bot.limits"]
    assert cuts == [], f"{form.name}: a builder left the cutting to the safety net"


@pytest.mark.parametrize("form", [m for m in MODALS if m.name in ("live", "issue", "group session")],
                         ids=lambda m: m.name)
def test_a_choice_the_form_did_not_offer_is_refused(org, form: Modal):
    driver = InProcess(org)
    view = form.open(driver)
    selects = [b["block_id"] for b in view["blocks"] if b.get("type") == "input"
               and b["element"].get("type") in ("static_select", "radio_buttons")]
    assert selects, form.name
    before = _counts(org)
    for block in selects:
        resp = submit(driver, form.user, view, fill(view, {}, {**(form.choices or {}), block: "FORGED"}))
        assert refused_on(resp, block), (form.name, block, resp.body)
        assert resp.json()["errors"][block] == t(None, "form.error.bad_choice")
    assert _counts(org) == before


def test_a_command_with_control_characters_is_refused(org):
    before = _counts(org)
    resp = org.slack.slash_command("U0IFKA0001", "fravær i morgen \x1b[31m")
    assert resp.json()["text"] == t(None, "form.error.control_characters")
    assert _counts(org) == before
