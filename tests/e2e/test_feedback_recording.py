"""Written feedback on the audio recording of an interview instead of on the
report (issue 15; mandate UDI 2016-018 §3.3): the form takes exactly one of
the two, and the offer, the coordinator's form and the letter say which."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.forms import FormBlock
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_static_select,
    state_values,
)
from storage.models import AuditEvent, Request
from tests.e2e.test_request_flows import valid_fnr
from tests.flows import buttons, click, dms, last_dm_text, open_form, submit, text_of

CW_B = "U0CWB10001"  # Emil Strand, caseworker in area B (Norwegian)
IFK_B = "U0IFKB0001"  # Ola Hansen
IFK_C = "U0IFKC0001"  # Siri Johansen (English)
RECORDING = "Lydopptak i arkivet, dok. 7 i sak 26/01234"
REPORT = "P:/rapporter/26-01234.pdf"


def feedback_values(*, report: str | None = None, recording: str | None = None, area: str = "B") -> dict:
    fields = {
        FormBlock.AREA: state_static_select(area),
        FormBlock.CHILD: state_checkboxes([]),
        FormBlock.DESCRIPTION: state_plain_text("Hvordan var spørsmålsstillingen i fri fortelling?"),
        FormBlock.CASE_REF: state_plain_text("26/01234"),
        FormBlock.DEADLINE: state_datepicker("2026-12-04"),
        FormBlock.REPORT_LOCATION: state_plain_text(report),
        FormBlock.RECORDING_REF: state_plain_text(recording),
    }
    return state_values(fields)


def stored(bot) -> tuple[int, int]:
    with bot.services.sessions() as s:
        return (s.scalar(select(func.count()).select_from(Request)),
                s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.request_id.is_not(None))))


def test_feedback_on_a_recording_says_so_in_the_offer_the_form_and_the_letter(org):
    view = open_form(org, CW_B, "tilbakemelding")
    resp = submit(org, CW_B, view, feedback_values(recording=RECORDING))
    assert resp.status == 200 and resp.body == "", resp.body
    with org.services.sessions() as s:
        request = s.scalars(select(Request)).one()
    assert request.details["recording_ref"] == RECORDING and "report_location" not in request.details

    offer = dms(org.fake, IFK_B)[-1]
    assert f"*Lydopptak:* {RECORDING}" in text_of(offer) and "*Rapport:*" not in text_of(offer)
    assert click(org, IFK_B, offer, "request_accept").status == 200
    before = len(org.fake.calls("views.open"))
    assert click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_write_feedback").status == 200
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    assert f"*Tilbakemeldingen gjelder lydopptaket:* {RECORDING}" in str(modal["blocks"])
    resp = submit(org, IFK_B, modal, state_values({
        FormBlock.OVERALL: state_plain_text("Gode åpne spørsmål; oppsummer oftere underveis."),
    }))
    assert resp.status == 200 and resp.body == "", resp.body
    letter = last_dm_text(org.fake, CW_B)
    assert letter.startswith("*Tilbakemelding på lydopptaket av intervjuet (#1)*")
    assert f"Gjelder lydopptaket: {RECORDING}" in letter and "oppsummer oftere" in letter


def test_feedback_on_the_report_says_where_the_report_is(org):
    view = open_form(org, CW_B, "tilbakemelding")
    assert submit(org, CW_B, view, feedback_values(report=REPORT)).body == ""
    offer = dms(org.fake, IFK_B)[-1]
    assert f"*Rapport:* {REPORT}" in text_of(offer) and "Lydopptak" not in text_of(offer)
    click(org, IFK_B, offer, "request_accept")
    before = len(org.fake.calls("views.open"))
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_write_feedback")
    modal = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    assert f"*Tilbakemeldingen gjelder rapporten:* {REPORT}" in str(modal["blocks"])
    submit(org, IFK_B, modal, state_values({FormBlock.OVERALL: state_plain_text("Ryddig rapport.")}))
    letter = last_dm_text(org.fake, CW_B)
    assert letter.startswith("*Tilbakemelding på intervjurapporten (#1)*")
    assert f"Gjelder rapporten: {REPORT}" in letter


def test_both_or_neither_is_refused_on_its_field_in_the_users_language(org):
    view = open_form(org, CW_B, "tilbakemelding")
    both = submit(org, CW_B, view, feedback_values(report=REPORT, recording=RECORDING)).json()
    assert both == {"response_action": "errors", "errors": {
        "recording_ref": "Fyll inn bare én: enten rapporten eller lydopptaket, ikke begge."}}
    neither = submit(org, CW_B, view, feedback_values()).json()
    assert neither["errors"] == {
        "report_location": "Fyll inn hvor rapporten ligger, eller en referanse til lydopptaket."}
    view = open_form(org, IFK_C, "feedback")
    english = submit(org, IFK_C, view, feedback_values(area="C")).json()
    assert english["errors"] == {
        "report_location": "Give where the report is, or a reference to the recording."}
    english = submit(org, IFK_C, view, feedback_values(report=REPORT, recording=RECORDING, area="C")).json()
    assert english["errors"] == {"recording_ref": "Give only one: the report or the recording, not both."}
    assert stored(org) == (0, 0)
    assert not org.fake.calls("chat.postMessage")


def test_a_national_id_in_the_recording_reference_is_refused(org):
    view = open_form(org, CW_B, "tilbakemelding")
    resp = submit(org, CW_B, view, feedback_values(recording=f"Opptak for {valid_fnr()}")).json()
    assert "fødselsnummer eller D-nummer" in resp["errors"]["recording_ref"]
    assert stored(org) == (0, 0)
    assert "request_accept" not in str([buttons(m) for m in dms(org.fake, IFK_B)])
