"""Everyone reachable (issue 12): people known by e-mail are linked to Slack,
people Slack cannot reach are never offered anything, and a request offered
to someone whose DM Slack refuses for good moves on at once."""

from __future__ import annotations

from sqlalchemy import select

from bot.directory_file import parse_directory
from bot.forms import FormBlock
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_static_select,
    state_values,
)
from storage.models import Offer, OutboxMessage, Person
from tests.flows import dms, last_dm_text, open_form, submit, text_of

CW_A = "U0CWA10001"  # Ahmed Ali, caseworker in unit A1
IFK_A, IFK_B, IFK_C = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001"
ADMIN = "U0ADMIN001"


def ask_feedback(bot, user: str = CW_A, area: str = "A") -> None:
    view = open_form(bot, user, "tilbakemelding")
    fields = {
        FormBlock.AREA: state_static_select(area),
        FormBlock.CHILD: state_checkboxes([]),
        FormBlock.DESCRIPTION: state_plain_text("Ønsker tilbakemelding på fri forklaring."),
        FormBlock.CASE_REF: state_plain_text("26/01234"),
        FormBlock.REPORT_LOCATION: state_plain_text("P:/rapporter/26-01234.pdf"),
        FormBlock.DEADLINE: state_datepicker("2026-12-04"),
    }
    assert submit(bot, user, view, state_values(fields)).status == 200


def person_row(bot, name: str) -> Person:
    with bot.services.sessions() as s:
        return s.scalar(select(Person).where(Person.name == name))


def timeline(bot, user: str, request_id: int = 1) -> str:
    resp = bot.slack.slash_command(user, f"logg {request_id}")
    return resp.json()["text"]


def test_an_ifk_known_only_by_email_and_missing_in_slack_is_never_offered_anything(bot):
    """The Done-means case: the area IFK cannot be reached, the request goes
    straight to the next person, and the timeline says why."""
    bot.services.directory.import_directory(
        parse_directory("""
units: [{code: A1, name: Enhet A1, area: A}]
people:
  - {name: Kari Nordmann, email: kari.nordmann@ifn.example, unit: A1, roles: [ifk]}
  - {name: Ola Hansen, slack_id: U0IFKB0001, email: ola.hansen@ifn.example, area: B, roles: [ifk]}
  - {name: Ahmed Ali, slack_id: U0CWA10001, email: ahmed.ali@ifn.example, unit: A1, roles: [caseworker]}
  - {name: Admin Bot, slack_id: U0ADMIN001, email: drift@ifn.example, roles: [admin]}
""")
    )
    for uid, name, email in (
        (IFK_B, "Ola Hansen", "ola.hansen@ifn.example"),
        (CW_A, "Ahmed Ali", "ahmed.ali@ifn.example"),
        (ADMIN, "Admin Bot", "drift@ifn.example"),
    ):
        bot.fake.add_user(uid, name=name, email=email)
    report = bot.services.reachability.link_all()  # what the import and the morning job do
    assert report.unreachable == [("Kari Nordmann", "no_slack_account")]
    assert [c.args["email"] for c in bot.fake.calls("users.lookupByEmail")] == ["kari.nordmann@ifn.example"]
    assert person_row(bot, "Kari Nordmann").unreachable_reason == "no_slack_account"

    ask_feedback(bot)
    status = last_dm_text(bot.fake, CW_A)
    assert "Sendt til *Ola Hansen*" in status
    assert "offer" in bot.fake.messages(bot.fake.dm_channel(IFK_B))[-1]["metadata"]["event_payload"]["key"]
    # Nobody tried to reach her: no offer, and nothing in the outbox waiting for her.
    kari = person_row(bot, "Kari Nordmann").id
    with bot.services.sessions() as s:
        assert not s.scalars(select(Offer).where(Offer.person_id == kari)).all()
        assert all(m.state != "pending" for m in s.scalars(select(OutboxMessage)))
    log = timeline(bot, CW_A)
    assert (
        "Kari Nordmann hoppet over (kan ikke nås i Slack: har ingen Slack-konto med e-postadressen "
        "i katalogen)"
    ) in log

    # The admin sees her listed as unreachable, with the reason.
    resp = bot.slack.slash_command(ADMIN, "katalog")
    shown = " ".join(text_of({"blocks": resp.json()["blocks"]}).split())
    assert "Kan ikke nås i Slack (1)" in shown
    assert "Kari Nordmann: har ingen Slack-konto med e-postadressen i katalogen" in shown


def test_linking_finds_the_account_by_email_and_takes_the_language_from_slack(bot):
    bot.services.directory.import_directory(
        parse_directory("""
people:
  - {name: Julie Sand, email: julie.sand@ifn.example, area: C, roles: [caseworker]}
  - {name: Per Aas, email: per.aas@ifn.example, language: nb, roles: [management]}
""")
    )
    bot.fake.add_user("U0JULIE001", name="Julie Sand", email="julie.sand@ifn.example", locale="en-GB")
    bot.fake.add_user("U0PERAAS01", name="Per Aas", email="per.aas@ifn.example", locale="en-US")
    report = bot.services.reachability.link_all()
    assert sorted(report.linked) == ["Julie Sand", "Per Aas"]
    julie, per = person_row(bot, "Julie Sand"), person_row(bot, "Per Aas")
    assert (julie.slack_user_id, julie.language, julie.language_origin) == ("U0JULIE001", "en", "slack")
    # The file set Per's language: Slack's locale does not override it.
    assert (per.slack_user_id, per.language, per.language_origin) == ("U0PERAAS01", "nb", "directory")
    assert bot.fake.calls("users.info")[0].args["include_locale"] in (True, "true", "1", 1)
    # Known now: /ifn hjelp answers her at once, in English.
    assert "IFN bot – commands" in bot.slack.slash_command("U0JULIE001", "hjelp").json()["text"]
    # A second run asks Slack nothing more about people already settled.
    before = len(bot.fake.calls())
    assert bot.services.reachability.link_all().checked == 0
    assert len(bot.fake.calls()) == before


def test_a_refused_dm_moves_the_offer_on_at_once_and_marks_the_person(org):
    """Slack refuses the DM to the area IFK for good (deactivated in Slack): the
    request is offered to the next person in the same HTTP round trip, the outbox
    does not retry, and she is stored as unreachable for the next requests."""
    org.fake.add_user(IFK_A, name="Kari Nordmann", email="kari.nordmann@ifn.example", deleted=True)
    ask_feedback(org)
    status = last_dm_text(org.fake, CW_A)
    assert "Sendt til *Ola Hansen*" in status or "Sendt til *Siri Johansen*" in status
    assert "Kari Nordmann kan ikke nås i Slack – sendt videre" in status
    refused = [c for c in org.fake.calls("conversations.open") if c.args.get("users") == IFK_A]
    assert len(refused) == 1 and refused[0].response["error"] == "user_disabled"
    kari = person_row(org, "Kari Nordmann")
    assert kari.unreachable_reason == "deactivated_in_slack"
    assert "Kari Nordmann kan ikke nås i Slack; sendt videre" in timeline(org, CW_A)
    org.services.ticker.tick()
    assert len([c for c in org.fake.calls("conversations.open") if c.args.get("users") == IFK_A]) == 1

    # The next request skips her from the start (the router reads the stored fact).
    ask_feedback(org, user="U0CWA10002")
    assert len([c for c in org.fake.calls("conversations.open") if c.args.get("users") == IFK_A]) == 1
    assert "Kari Nordmann hoppet over (kan ikke nås i Slack: er deaktivert i Slack)" in timeline(
        org, "U0CWA10002", 2
    )

    # Back in Slack: the morning's link run finds her again.
    org.fake.add_user(IFK_A, name="Kari Nordmann", email="kari.nordmann@ifn.example")
    report = org.services.reachability.link_all()
    assert "Kari Nordmann" in report.reachable_again
    assert person_row(org, "Kari Nordmann").unreachable_reason is None
    assert dms(org.fake, IFK_A) == []  # she was never sent anything meanwhile


def test_the_morning_job_links_people_known_by_email(org):
    """Julie Sand is in the example directory by e-mail only; she has joined Slack."""
    org.fake.add_user("U0JULIE001", name="Julie Sand", email="julie.sand@ifn.example")
    assert person_row(org, "Julie Sand").slack_user_id is None
    org.services.ticker.tick()  # 10:00 on a working day: the morning's jobs run (late)
    julie = person_row(org, "Julie Sand")
    assert (julie.slack_user_id, julie.unreachable_reason) == ("U0JULIE001", None)
    assert "*Område C*" in org.slack.slash_command("U0JULIE001", "hvem").json()["text"]  # she is known now
    looked_up = [c.args["email"] for c in org.fake.calls("users.lookupByEmail")]
    assert looked_up == ["julie.sand@ifn.example"]
    org.services.ticker.tick()
    assert len(org.fake.calls("users.lookupByEmail")) == 1  # once a morning
