"""A national id in any free-text field of any modal, written any way, is
refused on that field and stored nowhere (issue 18, item 3); so is one in the
/ifn command text. Real HTTP into the app, the fake Slack, SQLite or PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from bot.i18n import t
from tests.db_scan import places_holding
from tests.modals import MODALS, Modal, fill, refused_on, submit, text_blocks
from tests.national_ids import DNR, FNR, other_writings


class InProcess:
    """The ``Driver`` of ``tests.modals`` for the bot in this process."""

    def __init__(self, bot: Any) -> None:
        self.bot = bot
        self.slack = bot.slack
        self.fake = bot.fake

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with self.bot.services.engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]


WRITINGS = {**other_writings(FNR), "D-number, plain": DNR, "plain": FNR}


def _with_number(block: str, written: str) -> str:
    if block == "case_ref":
        return written
    if block == "mtg_agenda":
        return f"https://wiki.example/sak/{written}"
    return f"Gjelder søker {written} i saken"


@pytest.mark.parametrize("form", MODALS, ids=lambda m: m.name)
def test_every_text_field_refuses_a_national_id_written_any_way(org, form: Modal):
    driver = InProcess(org)
    view = form.open(driver)
    blocks = text_blocks(view)
    assert blocks, f"{form.name}: no text field found"
    pii = t(None, "form.error.pii")
    for block in blocks:
        for name, written in WRITINGS.items():
            values = fill(view, {block: _with_number(block, written)}, form.choices)
            resp = submit(driver, form.user, view, values)
            assert refused_on(resp, block), (form.name, block, name, resp.status, resp.body)
            assert resp.json()["errors"][block] == pii, (form.name, block, name)
    for number in (FNR, DNR):
        assert places_holding(org.services.engine, number) == []
    # The same form with ordinary text is accepted: the refusals above were for the number.
    resp = submit(driver, form.user, view, fill(view, {}, form.choices))
    assert resp.status == 200 and not resp.body.strip(), (form.name, resp.body)


@pytest.mark.parametrize("command", [
    "fravær {n}", "status borte til {n}", "referat søk {n}", "stedfortreder <@U0IFKB0001> {n}",
    "opplæring <@U0CWB10001> trinn2 {n}", "produksjon intervju {n}", "finnes-ikke {n}",
])
@pytest.mark.parametrize("written", [FNR, other_writings(FNR)["DD MM YY NNNNN"],
                                     other_writings(FNR)["full-width digits"]])
def test_a_command_with_a_national_id_is_refused_and_not_echoed(org, command: str, written: str):
    resp = org.slack.slash_command("U0IFKA0001", command.format(n=written))
    assert resp.status == 200
    answer = resp.json()["text"]
    assert answer == t(None, "command.pii")
    assert written not in answer
    assert places_holding(org.services.engine, FNR) == []
