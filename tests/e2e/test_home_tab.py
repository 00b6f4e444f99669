"""The Home tab per role: my requests; my queue with Godta/Avslå; my status."""

from __future__ import annotations

import time

from sqlalchemy import select

from sandbox.slack_requests import button
from storage.models import Offer, Request
from tests.e2e.test_request_flows import live_values
from tests.flows import dms, open_form, submit, text_of

CW_B, IFK_A, IFK_B = "U0CWB10001", "U0IFKA0001", "U0IFKB0001"


def open_home(bot, user: str) -> dict:
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME",
                     "event_ts": f"{time.time():.6f}"})
    return bot.fake.home_view(user)


def home_text(view: dict) -> str:
    return text_of({"blocks": view["blocks"]})


def test_caseworker_sees_own_open_request_with_its_status(org):
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    view = open_home(org, CW_B)
    text = home_text(view)
    assert "Mine forespørsler" in text
    assert "Løpende veiledning (#1)" in text and "Sendt til *Ola Hansen*" in text
    assert "Venter på svar fra deg" not in text  # caseworkers have no queue
    assert "Din status" not in text


def test_coordinator_accepts_from_the_home_tab(org):
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    view = open_home(org, IFK_B)
    text = home_text(view)
    assert "Venter på svar fra deg" in text and "Emil Strand" in text
    assert "Din status: *ledig i arbeidstiden* (standard)" in text
    resp = org.slack.block_actions(IFK_B, [button("request_accept", "1")], view=view)
    assert resp.status == 200
    with org.services.sessions() as s:
        assert s.scalar(select(Request.state)) == "accepted"
    text = home_text(org.fake.home_view(IFK_B))  # re-published after the click
    assert "Ingen forespørsler venter på deg." in text
    assert "Oppgaver du har tatt" in text and "Gå til *Rom 3*" in text
    assert "har tatt forespørselen" in text_of(dms(org.fake, CW_B)[0])


def test_refusal_on_the_home_tab_arrives_as_a_dm(org):
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    view = open_home(org, IFK_A)
    org.slack.block_actions(IFK_A, [button("request_accept", "1")], view=view)
    assert "ikke sendt til deg" in text_of(dms(org.fake, IFK_A)[-1])
    with org.services.sessions() as s:
        assert s.scalar(select(Request.state)) == "offered"


def status_buttons(view: dict) -> dict[str, tuple[str, str | None]]:
    """action_id -> (label, style) of the status toggle on a Home tab."""
    return {e["action_id"]: (e["text"]["text"], e.get("style")) for b in view["blocks"]
            if b["type"] == "actions" for e in b["elements"] if e["action_id"].startswith("home_status_")}


def test_the_status_in_force_is_marked_on_the_toggle(org):
    view = open_home(org, IFK_B)
    assert status_buttons(view) == {"home_status_available": ("✓ Ledig", "primary"),
                                    "home_status_busy": ("I intervju", None),
                                    "home_status_away": ("Borte", None)}, "no status set: available"
    org.slack.block_actions(IFK_B, [button("home_status_busy", "busy")], view=view)
    assert status_buttons(org.fake.home_view(IFK_B)) == {"home_status_available": ("Ledig", None),
                                                         "home_status_busy": ("✓ I intervju", "primary"),
                                                         "home_status_away": ("Borte", None)}


def test_status_toggle_and_routing_follow_it(org):
    view = open_home(org, IFK_B)
    org.slack.block_actions(IFK_B, [button("home_status_busy", "busy")], view=view)
    assert "Din status: *opptatt (i intervju)*" in home_text(org.fake.home_view(IFK_B))
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    with org.services.sessions() as s:
        first_offer = s.scalar(select(Offer).order_by(Offer.id))
        from storage.models import Person

        assert s.get(Person, first_offer.person_id).slack_user_id == IFK_A  # IFK B is in an interview


def test_caseworker_cannot_set_a_status(org):
    view = open_home(org, CW_B)
    org.slack.block_actions(CW_B, [button("home_status_away", "away")], view=view)
    assert "Bare koordinatorer, rådgivere og ledere har en status." in text_of(dms(org.fake, CW_B)[-1])
