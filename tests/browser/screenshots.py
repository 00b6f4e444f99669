"""The moments the README shows, one entry each: where the sandbox starts, how
the page gets there (the same steps as the browser stories), and whether the
moment exists yet. ``scripts/screenshots.sh`` turns each into
``docs/screenshots/<name>.png``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.browser.steps import CW_B, IFK_A, IFK_B, IFR_1, IFR_2, LEADER_B, Slack

OSLO = ZoneInfo("Europe/Oslo")
#: Wednesday 2 December 2026, 07:55: a plain working day.
WEDNESDAY = datetime(2026, 12, 2, 7, 55, tzinfo=OSLO)
#: Tuesday 1 December 2026, 07:55: the first working day of a month (monthly report).
FIRST_OF_MONTH = datetime(2026, 12, 1, 7, 55, tzinfo=OSLO)


@dataclass(frozen=True)
class Moment:
    name: str
    caption: str
    reach: Callable[[Slack], None]
    start: datetime = WEDNESDAY
    #: Why the moment cannot be shown yet (the feature is being built), or None.
    pending: str | None = None


def _live_form(slack: Slack) -> Any:
    slack.clock("next-working-day")
    modal = slack.command("veiledning", "live_request")
    slack.field(modal, "room").fill("Rom 3")
    slack.field(modal, "start_time").fill("08:30")
    slack.field(modal, "description", "textarea").fill("Søkeren svarer unnvikende om reiseruten.")
    return modal


def request_form(slack: Slack) -> None:
    _live_form(slack)


def offer(slack: Slack) -> None:
    slack.submit(_live_form(slack))
    slack.be(IFK_B)
    slack.message("Løpende veiledning").locator("[data-action-id='request_accept']").wait_for()


def status_message(slack: Slack) -> None:
    offer(slack)
    slack.press(slack.message("Løpende veiledning"), "request_decline")
    slack.clock("+3m")
    slack.be(IFR_1)
    slack.press(slack.with_button("request_accept"), "request_accept")
    slack.be(CW_B)
    slack.page.locator("#conversation").get_by_text("har tatt forespørselen").first.wait_for()


def home_coordinator(slack: Slack) -> None:
    slack.submit(_live_form(slack))
    slack.be(IFK_B)
    slack.home().locator("[data-action-id='request_accept']").wait_for()


def home_leader(slack: Slack) -> None:
    slack.submit(_live_form(slack))  # an open request of the area, with its timeline button
    slack.be(LEADER_B)
    slack.home().get_by_text("som områdeleder").first.wait_for()


def duty_post(slack: Slack) -> None:
    slack.clock("next-working-day")
    slack.go("network")
    slack.message("Hvem er på vakt")


def support_group_dm(slack: Slack) -> None:
    slack.clock("next-working-day")
    slack.command("støtte")
    modal = slack.modal("support_request")
    modal.locator("[data-block-id='preferred_person'] select").select_option(label="Tore Bakken (IFR)")
    modal.locator("[data-block-id='urgency'] input[type=radio]").first.check()
    slack.submit(modal)
    slack.be(IFR_2)
    slack.press(slack.message("Støttesamtale"), "request_accept")
    slack.go_to_group_with("Emil Strand")
    slack.type("Hei Emil! Passer det å ringe kl. 10?")
    slack.message("Passer det")


def _minutes(slack: Slack) -> None:
    slack.clock("next-working-day")
    slack.be(IFR_1)
    slack.command("møte ny")
    modal = slack.modal("meeting_create")
    slack.field(modal, "mtg_title").fill("IFN-møte")
    slack.field(modal, "mtg_first").fill("2026-12-02")
    slack.field(modal, "mtg_time").fill("09:00")
    slack.field(modal, "mtg_location").fill("Teams")
    modal.locator("[data-block-id='mtg_takers'] select").select_option(label=["Kari Nordmann", "Ola Hansen"])
    slack.submit(modal)
    slack.clock("+1h")
    slack.clock("+1h")
    slack.be(IFK_A)
    slack.press(slack.message("skriv referatet her"), "minutes_write")
    minutes = slack.modal("minutes_submit")
    slack.field(minutes, "min_decisions", "textarea").fill("Ny mal for skriftlig tilbakemelding vedtatt.")
    slack.field(minutes, "min_actions", "textarea").fill("Kari: oppdatere malen\nOla: informere områdene")
    slack.field(minutes, "min_notes", "textarea").fill("Neste gang: barnesamtaler.")
    slack.submit(minutes)


def minutes_network(slack: Slack) -> None:
    _minutes(slack)
    slack.go("network")
    slack.message("Referat: IFN-møte")


def minutes_management(slack: Slack) -> None:
    _minutes(slack)
    slack.be(IFR_1, "management")
    slack.message("Referat: IFN-møte")


def quality_report(slack: Slack) -> None:
    slack.be(IFR_1)
    slack.clock("next-working-day")
    slack.go("management")
    slack.message("Kvalitetsrapport")


MOMENTS = [
    Moment("request-form", "The form for live supervision (`/ifn veiledning`)", request_form),
    Moment("offer", "The offer in the IFK's DM, with Godta / Avslå", offer),
    Moment("status-message", "The requester's status message, updated in place", status_message),
    Moment("home-coordinator", "A coordinator's Home tab", home_coordinator),
    Moment("home-leader", "An area leader's Home tab", home_leader),
    Moment("duty-post", "The morning duty post in the network channel", duty_post),
    Moment("support-group-dm", "A support conversation in the group DM the two are given", support_group_dm),
    Moment("minutes-network", "Minutes in the network channel", minutes_network),
    Moment("minutes-management", "… and the same minutes in the management channel", minutes_management),
    Moment("quality-report", "The monthly quality report in the management channel", quality_report,
           start=FIRST_OF_MONTH),
]
