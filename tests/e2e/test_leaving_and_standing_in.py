"""People who leave and people who stand in (issue 12): a deactivated person's
work is handed over and the requester told; an acting area leader receives and
decides what the area leader would; with no area leader the fagsjef does; an
area leader registers their IFK's absence and designates a substitute for a
time of increased need."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.directory_file import load_directory_file, parse_directory
from bot.services.directory_cache import bump
from sandbox.slack_requests import state_plain_text, state_values
from storage.models import Absence, ActingLeader, LineIssue, Offer, Request, RoleAssignment
from tests.conftest import EXAMPLE_ORG
from tests.e2e.test_directory_admin import form, open_home, pick
from tests.e2e.test_line_issue_flows import raise_issue
from tests.e2e.test_reachability import ask_feedback, timeline
from tests.flows import buttons, click, dms, last_dm_text, person_id, submit, text_of

OSLO = ZoneInfo("Europe/Oslo")
ADMIN_NB = "U0IFR00001"  # Ingrid Solberg, IFR and admin
IFK_A, IFK_B, IFK_C = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001"
CW_A, CW_B = "U0CWA10001", "U0CWB10001"
LEADER_A, LEADER_B, FAGSJEF = "U0ALEADA01", "U0ALEADB01", "U0FAGSJEF1"
TORE = "U0IFR00002"  # Tore Bakken, IFR


def ifn(bot, user: str, text: str) -> str:
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    return resp.json()["text"]


def request_row(bot, request_id: int = 1) -> Request:
    with bot.services.sessions() as s:
        return s.get(Request, request_id)


def offered_to(bot, request_id: int = 1) -> list[int]:
    with bot.services.sessions() as s:
        return [
            o.person_id
            for o in s.scalars(select(Offer).where(Offer.request_id == request_id, Offer.state == "open"))
        ]


def deactivate_in_slack(bot, slack_id: str, name: str, email: str, unit: str, roles: str) -> None:
    view = pick(bot, ADMIN_NB, open_home(bot, ADMIN_NB), person_id(bot, slack_id))
    resp = submit(
        bot, ADMIN_NB, view, form(name, roles, slack=slack_id, email=email, unit=unit, active="inactive")
    )
    assert resp.status == 200 and resp.body == "", resp.body


# --- leaving ---------------------------------------------------------------------------


def test_a_deactivated_ifks_accepted_request_is_offered_again_and_the_requester_told(org):
    """The Done-means case, through the admin's form in Slack."""
    ask_feedback(org)  # Ahmed (area A) asks; Kari, the IFK of area A, gets it
    offer = dms(org.fake, IFK_A)[-1]
    assert click(org, IFK_A, offer, "request_accept").status == 200
    assert "*Kari Nordmann* har tatt forespørselen" in last_dm_text(org.fake, CW_A)

    deactivate_in_slack(org, IFK_A, "Kari Nordmann", "kari.nordmann@ifn.example", "A1", "ifk A\ncaseworker A")
    request = request_row(org)
    assert request.state == "offered" and request.assignee_id is None
    assert offered_to(org) in ([person_id(org, IFK_B)], [person_id(org, IFK_C)])
    status = last_dm_text(org.fake, CW_A)
    assert "Sendt til *" in status
    assert "Kari Nordmann er ikke lenger i katalogen – sendt videre" in status
    assert len(dms(org.fake, CW_A)) == 1, "the requester's one status message, updated in place"
    log = timeline(org, CW_A)
    assert "tatt av Kari Nordmann" in log and "Kari Nordmann er ikke lenger i katalogen; sendt videre" in log
    # The next person can take it (the old acceptance decides nothing any more) …
    nxt = IFK_B if offered_to(org) == [person_id(org, IFK_B)] else IFK_C
    assert click(org, nxt, dms(org.fake, nxt)[-1], "request_accept").status == 200
    assert request_row(org).assignee_id == person_id(org, nxt)
    # … and Kari's roles stay for a reactivation, counting for nothing meanwhile.
    with org.services.sessions() as s:
        assert s.scalars(
            select(RoleAssignment.role).where(RoleAssignment.person_id == person_id(org, IFK_A))
        ).all()
    assert (
        ifn(org, IFK_A, "status")
        == "Du er ikke registrert i IFN-katalogen ennå. Be en administrator legge deg til."
    )

    # Reactivated: she is back with her roles.
    view = pick(org, ADMIN_NB, open_home(org, ADMIN_NB), person_id(org, IFK_A))
    assert (
        submit(
            org,
            ADMIN_NB,
            view,
            form(
                "Kari Nordmann",
                "ifk A\ncaseworker A",
                slack=IFK_A,
                email="kari.nordmann@ifn.example",
                unit="A1",
                active="active",
            ),
        ).body
        == ""
    )
    assert "Din status" in ifn(org, IFK_A, "status")


def test_a_partial_file_without_prune_deactivates_nobody_and_with_prune_hands_work_over(org):
    ask_feedback(org)
    partial = parse_directory("""
units: [{code: B1, name: "Enhet B1 – Midtøsten", area: B}]
people:
  - {name: Ola Hansen, slack_id: U0IFKB0001, email: ola.hansen@ifn.example, unit: B1,
     roles: [ifk, caseworker]}
""")
    dry = org.services.directory.import_directory(partial, dry_run=True, prune=True)
    assert dry.deactivated == 29 and request_row(org).state == "offered"
    kept = org.services.directory.import_directory(partial)
    assert kept.deactivated == 0 and len(kept.missing_names) == 29
    assert offered_to(org) == [person_id(org, IFK_A)]
    assert "Din status" in ifn(org, IFK_A, "status")

    full = load_directory_file(EXAMPLE_ORG)
    without_kari = type(full)(full.areas, full.units, tuple(p for p in full.people if p.slack_id != IFK_A))
    pruned = org.services.directory.import_directory(without_kari, prune=True)
    assert pruned.deactivated_names == ("Kari Nordmann",)
    org.services.ticker.tick()  # the running bot hands the work over (a durable timer)
    assert person_id(org, IFK_A) not in offered_to(org)
    assert "Kari Nordmann er ikke lenger i katalogen – sendt videre" in last_dm_text(org.fake, CW_A)


def test_a_deactivated_area_leaders_line_issue_goes_to_the_acting_leader(org):
    raise_issue(org)  # a country issue for area B: Bjørn Dahl, area leader B
    assert "Språkanalyse for Eritrea" in last_dm_text(org.fake, LEADER_B)
    answer = ifn(org, LEADER_B, "fungerende <@U0IFR00002|tore> 25.11.2026 31.12.2026")
    assert answer.startswith("✅ Tore Bakken er fungerende områdeleder for område B 25.11.2026–31.12.2026")
    assert "har utpekt deg til fungerende områdeleder for område B" in last_dm_text(org.fake, TORE)

    deactivate_in_slack(org, LEADER_B, "Bjørn Dahl", "bjorn.dahl@ifn.example", None, "area_leader B")
    with org.services.sessions() as s:
        issue = s.scalars(select(LineIssue)).one()
        assert issue.recipient_id == person_id(org, TORE)
    msg = dms(org.fake, TORE)[-1]
    assert "Språkanalyse for Eritrea" in text_of(msg)
    assert "issue_acknowledge" in buttons(msg)
    assert "Tore Bakken" in last_dm_text(org.fake, IFK_B)  # the raiser's status follows
    assert click(org, TORE, msg, "issue_acknowledge").status == 200


# --- standing in --------------------------------------------------------------------------


def test_the_acting_area_leader_receives_and_decides_what_the_area_leader_would(org):
    assert (
        ifn(org, CW_B, "fungerende <@U0IFR00002|tore> 25.11.2026 31.12.2026")
        == "Bare områdeledere (og administratorer) kan utpeke fungerende områdeleder."
    )
    assert (
        ifn(org, LEADER_A, "fungerende <@U0ALEADA01|anne> 25.11.2026 26.11.2026")
        == "Du kan ikke utpeke deg selv."
    )
    assert ifn(org, LEADER_B, "fungerende <@U0IFR00002|tore> 30.11.2026 25.11.2026").startswith(
        "Sluttdatoen 25.11.2026 er før startdatoen 30.11.2026"
    )
    ifn(org, LEADER_B, "fungerende <@U0IFR00002|tore> 25.11.2026 31.12.2026")
    assert ifn(org, LEADER_B, "fungerende <@U0CWB10001|emil> 01.12.2026 02.12.2026").startswith(
        "Område B har allerede Tore Bakken som fungerende områdeleder 25.11.2026–31.12.2026"
    )
    assert "1. Tore Bakken – område B, 25.11.2026–31.12.2026" in ifn(org, LEADER_B, "fungerende")

    # An issue for area B now reaches Tore, not Bjørn.
    raise_issue(org)
    assert "Språkanalyse for Eritrea" in last_dm_text(org.fake, TORE)
    assert not [m for m in dms(org.fake, LEADER_B) if "Språkanalyse" in text_of(m)]

    # Friday: IFK B asks for an exemption; the acting leader gets it and may approve it.
    org.clock.set(datetime(2026, 11, 27, 12, 0, tzinfo=OSLO))
    org.services.production.fire_due()
    org.services.production.fire_due()
    reminder = [m for m in dms(org.fake, IFK_B) if "production_request_exemption" in str(m.get("blocks"))][0]
    click(org, IFK_B, reminder, "production_request_exemption")
    view = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    submit(org, IFK_B, view, state_values({"production_reason": state_plain_text("Kurs hele uken")}))
    ask = [m for m in dms(org.fake, TORE) if "production_exemption_approve" in buttons(m)][0]
    assert not [m for m in dms(org.fake, LEADER_B) if "production_exemption_approve" in buttons(m)]
    click(org, TORE, ask, "production_exemption_approve")
    assert "Tore Bakken" in last_dm_text(org.fake, IFK_B) and "godkjent" in last_dm_text(org.fake, IFK_B)

    # After the period, Bjørn leads area B again.
    assert ifn(org, LEADER_B, "fungerende slett 1").startswith("Utpekingen av Tore Bakken")
    with org.services.sessions() as s:
        assert s.scalars(select(ActingLeader)).all() == []
    raise_issue(org, title="Annen sak")
    assert "Annen sak" in last_dm_text(org.fake, LEADER_B)


def test_an_area_without_a_leader_has_the_fagsjef_hear_of_an_exhausted_chain_and_issues(org):
    with org.services.sessions.begin() as s:
        row = s.scalar(
            select(RoleAssignment).where(
                RoleAssignment.person_id == person_id(org, LEADER_B), RoleAssignment.role == "area_leader"
            )
        )
        row.valid_to = date(2026, 11, 24)  # Bjørn left area B yesterday
        bump(s)
    raise_issue(org)
    assert "Språkanalyse for Eritrea" in last_dm_text(org.fake, FAGSJEF)
    # Everyone busy: the exhausted chain's notice goes to the fagsjef too.
    for user in (IFK_A, IFK_B, IFK_C, ADMIN_NB, TORE):
        ifn(org, user, "status borte")
    ask_feedback(org, user=CW_B, area="B")
    assert request_row(org).state == "unassigned"
    assert last_dm_text(org.fake, FAGSJEF).startswith(
        "❗ Ingen i nettverket kunne ta en forespørsel om *Skriftlig tilbakemelding* fra Emil Strand "
        "(område B, #1)"
    )


def test_an_area_leader_registers_the_absence_of_their_ifk(org):
    text = ifn(org, LEADER_A, "fravær 26.11.2026 27.11.2026 for <@U0IFKA0001|kari>")
    assert text.startswith("Registrert for Kari Nordmann, som får beskjed:")
    assert "Anne Berg har registrert fravær for deg 26.11.2026–27.11.2026" in last_dm_text(org.fake, IFK_A)
    with org.services.sessions() as s:
        assert [(a.starts_on, a.ends_on) for a in s.scalars(select(Absence))] == [
            (date(2026, 11, 26), date(2026, 11, 27))
        ]
    # Not for another area's IFK, and not by a caseworker.
    assert (
        ifn(org, LEADER_A, "fravær 26.11.2026 for <@U0IFKB0001|ola>")
        == "Du kan bare registrere fravær for koordinatoren i et område du leder (ikke for Ola Hansen)."
    )
    assert (
        ifn(org, CW_A, "fravær 26.11.2026 for <@U0IFKA0001|kari>")
        == "Du kan bare registrere fravær for koordinatoren i et område du leder (ikke for Kari Nordmann)."
    )
    with org.services.sessions() as s:
        assert len(s.scalars(select(Absence)).all()) == 1


def test_a_substitute_for_increased_need_shares_the_ifks_requests_without_any_absence(org):
    text = ifn(org, LEADER_A, "stedfortreder <@U0CWA10002|sofie> 25.11.2026 04.12.2026")
    assert "økt behov" in text
    ask_feedback(org)  # Kari and Sofie share area A's tier; both have no open work: Kari first
    assert offered_to(org) == [person_id(org, IFK_A)]
    click(org, IFK_A, dms(org.fake, IFK_A)[-1], "request_accept")
    ask_feedback(org, user="U0CWA20001")  # Kari now has one open request: Sofie gets the next
    assert offered_to(org, 2) == [person_id(org, "U0CWA10002")]
    assert "Sofie Andersen (stedfortreder for Kari Nordmann" in ifn(org, CW_A, "hvem")
