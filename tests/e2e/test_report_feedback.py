"""Feedback on the interview report (memo 8.2.2, issue 13 item 6) end to end: the
form grades the *report* after UDI 2013-011V3, asks whose report it is, a
leader's request reaches the caseworker who wrote it as well, and the quality
report sums the ratings per criterion and area, never per person."""

from __future__ import annotations

from datetime import date

from bot.domain.language import Lang
from bot.forms import FormBlock, criterion_block, focus_block
from bot.reports import render_table
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_radio_buttons,
    state_users_select,
    state_values,
)
from storage.models import Request
from tests.e2e.test_request_flows import common
from tests.flows import click, dms, last_dm_text, open_form, submit, text_of

CW_B, CW_B2, CW_A = "U0CWB10001", "U0CWB10002", "U0CWA10001"
UNIT_LEADER_B1, IFK_A, IFK_B = "U0ULB10001", "U0IFKA0001", "U0IFKB0001"


def feedback_fields(bot, author: str | None, area: str = "B", focus: tuple[str, ...] = ()) -> dict:
    fields = {**common("Tilbakemelding på rapporten, særlig gjengivelsen.", area=area),
              FormBlock.CASE_REF: state_plain_text("26/01234"),
              FormBlock.REPORT_LOCATION: state_plain_text("P:/rapporter/26-01234.pdf"),
              FormBlock.DEADLINE: state_datepicker("2026-12-04"),
              FormBlock.REPORT_AUTHOR: state_users_select(author)}
    for group in bot.services.criteria.groups:
        fields[focus_block(group.id)] = state_checkboxes([c.id for c in group.criteria if c.id in focus])
    return state_values(fields)


def deliver(bot, user: str, ratings: dict[str, str], overall: str = "Ryddig rapport.") -> None:
    before = len(bot.fake.calls("views.open"))
    click(bot, user, dms(bot.fake, user)[-1], "request_write_feedback")
    modal = bot.fake.view(bot.fake.calls("views.open")[before].response["view"]["id"])
    values = {criterion_block(c): state_radio_buttons(r) for c, r in ratings.items()}
    values[FormBlock.OVERALL] = state_plain_text(overall)
    resp = submit(bot, user, modal, state_values(values))
    assert resp.status == 200 and resp.body == "", resp.body


def test_a_leader_asks_for_feedback_on_a_caseworkers_report_and_both_get_it(org):
    view = open_form(org, UNIT_LEADER_B1, "tilbakemelding")
    labels = " ".join(text_of({"blocks": view["blocks"]}).split())
    assert "Hvem skrev rapporten?" in labels
    assert "Søkerens svar er gjengitt så nært søkerens egen måte" in labels  # (options are cut at 75)
    assert "Bruk av tolk" not in labels  # an interview criterion: not in the report's catalog
    resp = submit(org, UNIT_LEADER_B1, view, feedback_fields(org, CW_B, focus=("applicant_wording",)))
    assert resp.status == 200 and not resp.body, resp.body
    # the caseworker who wrote the report is involved at once
    told = last_dm_text(org.fake, CW_B)
    assert "Nils Pedersen har bedt nettverket om skriftlig tilbakemelding på asylintervjurapporten" in told
    assert "26/01234 (#1), med frist fredag 04.12" in told
    offer = dms(org.fake, IFK_B)[-1]
    assert "*Rapporten er skrevet av:* Emil Strand" in text_of(offer)
    click(org, IFK_B, offer, "request_accept")
    deliver(org, IFK_B, {"applicant_wording": "improve", "headings": "good", "relevant_information": "good"})
    for user in (UNIT_LEADER_B1, CW_B):
        letter = last_dm_text(org.fake, user)
        assert "Tilbakemelding på intervjurapporten" in letter, user
        assert "Bestilt av Nils Pedersen på rapporten til Emil Strand" in letter
        assert "Overskrifter som gjør rapporten oversiktlig og lett å finne fram i: _godt_" in letter
    # nobody else: the feedback goes to the two of them only
    assert not [m for m in dms(org.fake, CW_B2) if "Tilbakemelding på intervjurapporten" in text_of(m)]


def test_whose_report_it_is_is_checked_and_bad_input_changes_nothing(org):
    view = open_form(org, CW_B, "tilbakemelding")
    resp = submit(org, CW_B, view, feedback_fields(org, CW_B2))  # a colleague's report: not for a caseworker
    assert "Bare enhetsledere og områdeledere" in resp.json()["errors"][FormBlock.REPORT_AUTHOR]
    resp = submit(org, CW_B, view, feedback_fields(org, "U0NOBODY01"))
    assert "ikke i IFN-katalogen" in resp.json()["errors"][FormBlock.REPORT_AUTHOR]
    with org.services.sessions() as s:
        assert s.query(Request).count() == 0
    assert submit(org, CW_B, view, feedback_fields(org, CW_B)).status == 200  # one's own: fine
    with org.services.sessions() as s:
        [request] = s.query(Request).all()
        assert "author_id" not in request.details


def test_the_quality_report_sums_ratings_per_criterion_and_area_never_per_person(org):
    for requester, area, ifk, ratings in (
            (CW_B, "B", IFK_B, {"applicant_wording": "improve", "headings": "good"}),
            (CW_B2, "B", IFK_B, {"applicant_wording": "good", "steering_questions": "not_relevant"}),
            (CW_A, "A", IFK_A, {"applicant_wording": "improve"})):
        submit(org, requester, open_form(org, requester, "tilbakemelding"),
               feedback_fields(org, None, area=area))
        click(org, ifk, dms(org.fake, ifk)[-1], "request_accept")
        deliver(org, ifk, ratings)
    report = org.services.reports.report(date(2026, 11, 1), date(2026, 11, 30))
    rows = [(r.criterion, r.area, r.good, r.improve, r.not_relevant) for r in report.ratings]
    assert rows == [  # in the catalog's order, then by area
        ("steering_questions", "B", 0, 0, 1),
        ("applicant_wording", "A", 0, 1, 0),
        ("applicant_wording", "B", 1, 1, 0),
        ("headings", "B", 1, 0, 0),
    ]
    table = render_table(Lang.NB, report)
    assert "Tilbakemeldinger på rapporten per kriterium og område" in table
    assert "Søkerens svar er gjengitt så nært…" in table
    for name in ("Emil", "Ida", "Ahmed", "Ola", "Kari"):
        assert name not in table
