"""Line handling (memo §7) end to end: an IFK or IFR raises an issue; case- and
country-specific ones reach the area leader, general and cross-area ones the
fagsjef; Mottatt, the reply, the raiser's status in place, the reminder after
two working days, and refusals."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.forms import FormBlock
from sandbox.slack_requests import state_plain_text, state_radio_buttons, state_static_select, state_values
from storage.models import LineIssue
from tests.e2e.test_request_flows import valid_fnr
from tests.flows import click, dms, dms_without_digests, last_dm_text, open_form, submit, text_of

IFK_B, IFK_C, IFR_1, CW_B = "U0IFKB0001", "U0IFKC0001", "U0IFR00001", "U0CWB10001"
LEADER_A, LEADER_B, FAGSJEF = "U0ALEADA01", "U0ALEADB01", "U0FAGSJEF1"


def issue_values(kind: str = "country", area: str | None = "B", title: str = "Språkanalyse for Eritrea",
                 text: str = "Uklart hvilke spørsmål om dialekt som skal stilles.") -> dict:
    return state_values({
        FormBlock.ISSUE_KIND: state_radio_buttons(kind),
        FormBlock.AREA: state_static_select(area),
        FormBlock.ISSUE_TITLE: state_plain_text(title),
        FormBlock.ISSUE_TEXT: state_plain_text(text),
    })


def raise_issue(bot, user: str = IFK_B, **values):
    view = open_form(bot, user, "sak")
    assert view["callback_id"] == "issue_raise"
    return submit(bot, user, view, issue_values(**values))


def only_issue(bot) -> LineIssue:
    with bot.services.sessions() as s:
        return s.scalars(select(LineIssue)).one()


def test_country_issue_goes_to_the_area_leader_who_acknowledges_and_answers(org):
    resp = raise_issue(org)
    assert resp.status == 200 and not resp.body
    assert only_issue(org).state == "new"
    msg = dms(org.fake, LEADER_B)[-1]
    assert "Språkanalyse for Eritrea" in text_of(msg) and "Ola Hansen" in text_of(msg)
    assert "Sendt til Bjørn Dahl" in last_dm_text(org.fake, IFK_B)

    click(org, LEADER_B, msg, "issue_acknowledge")
    assert only_issue(org).state == "acknowledged"
    status = dms(org.fake, IFK_B)
    assert len(status) == 1, "the raiser's status is one DM, updated in place"
    assert "Mottatt av Bjørn Dahl" in text_of(status[0])
    assert "issue_acknowledge" not in json.dumps(dms(org.fake, LEADER_B)[-1])

    # Svar opens a modal; the answer reaches the raiser in the same status message
    before = len(org.fake.calls("views.open"))
    click(org, LEADER_B, dms(org.fake, LEADER_B)[-1], "issue_reply")
    assert len(org.fake.calls("views.open")) == before + 1
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    assert view["callback_id"] == "issue_reply"
    submit(org, LEADER_B, view, state_values({FormBlock.ISSUE_REPLY: state_plain_text(
        "Vi tar det opp på ledermøtet torsdag.")}))
    assert only_issue(org).state == "answered"
    status = dms(org.fake, IFK_B)
    assert len(status) == 1 and "Vi tar det opp på ledermøtet torsdag." in text_of(status[0])
    assert "Besvart av Bjørn Dahl" in text_of(status[0])
    assert [m for m in org.fake.messages() if not m["channel"].startswith("D")] == []


def test_general_and_cross_area_issues_go_to_the_fagsjef(org):
    raise_issue(org, user=IFR_1, kind="general", area=None, title="Bruk av tolk på video")
    raise_issue(org, user=IFK_C, kind="cross_area", area="C", title="Felles mal for rapporter")
    texts = [text_of(m) for m in dms(org.fake, FAGSJEF)]
    assert any("Bruk av tolk på video" in x for x in texts)
    assert any("Felles mal for rapporter" in x for x in texts)
    assert dms(org.fake, LEADER_B) == [] and dms(org.fake, "U0ALEADC01") == []


def test_an_unacknowledged_issue_reminds_the_recipient_after_two_working_days(org):
    raise_issue(org, kind="case", area="A")  # Wed 10:00
    assert len(dms(org.fake, LEADER_A)) == 1
    org.clock.advance(timedelta(days=1, hours=23))  # Fri 09:00: not yet
    org.services.ticker.tick()
    assert len(dms(org.fake, LEADER_A)) == 1
    org.clock.advance(timedelta(hours=1, minutes=1))  # Fri 10:01
    org.services.ticker.tick()
    assert "Påminnelse" in last_dm_text(org.fake, LEADER_A)
    org.clock.advance(timedelta(days=3))
    org.services.ticker.tick()
    assert len(dms_without_digests(org.fake, LEADER_A)) == 2, "one reminder only"


def test_an_acknowledged_issue_is_not_reminded(org):
    raise_issue(org)
    click(org, LEADER_B, dms(org.fake, LEADER_B)[-1], "issue_acknowledge")
    org.clock.advance(timedelta(days=5))
    org.services.ticker.tick()
    assert len(dms(org.fake, LEADER_B)) == 1


def test_wrong_role_is_refused_clearly(org):
    body = org.slack.slash_command(CW_B, "sak").json()
    assert "Bare intervjufaglige koordinatorer (IFK), barnefaglig koordinator (BFK) og rådgivere (IFR)" \
        in body["text"]
    body = org.slack.slash_command(LEADER_B, "issue").json()
    assert "IFK" in body["text"]
    assert not org.fake.calls("views.open")


def test_only_the_recipient_can_acknowledge(org):
    raise_issue(org)
    msg = dms(org.fake, LEADER_B)[-1]
    click(org, LEADER_A, msg, "issue_acknowledge")
    assert only_issue(org).state == "new"


def test_refusals_in_the_form_and_no_duplicates(org):
    view = open_form(org, IFK_B, "sak")
    resp = submit(org, IFK_B, view, issue_values(text=f"Gjelder {valid_fnr()} i saken"))
    assert FormBlock.ISSUE_TEXT in resp.json()["errors"]
    resp = submit(org, IFK_B, view, issue_values(kind="case", area=None))
    assert FormBlock.AREA in resp.json()["errors"]
    submit(org, IFK_B, view, issue_values())
    submit(org, IFK_B, view, issue_values())
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(LineIssue)) == 1
