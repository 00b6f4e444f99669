"""Group supervision (memo 8.2.4) end to end: an IFK announces a session in the
network channel; sign-ups, the live count in place, the waiting list moving
up, reminders, cancellation, and the refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from bot.forms import ANYONE, FormBlock
from sandbox.slack_requests import (
    state_datepicker,
    state_plain_text,
    state_static_select,
    state_timepicker,
    state_values,
)
from storage.models import GroupSession, GroupSignup
from tests.flows import click, dms, last_dm_text, open_form, person_id, replies, submit, text_of

NETWORK = "CNETWORK01"
IFK_B, IFR_1 = "U0IFKB0001", "U0IFR00001"
CW_B, CW_B2, CW_B3, CW_A = "U0CWB10001", "U0CWB10002", "U0CWB20001", "U0CWA10001"
LEADER_B = "U0ALEADB01"


def group_values(bot, *, day: str = "2026-12-02", at: str = "13:00", capacity: str = "2",
                 co: str | None = None, title: str = "Intervju med traumatiserte søkere") -> dict:
    return state_values({
        FormBlock.GROUP_TITLE: state_plain_text(title),
        FormBlock.GROUP_DATE: state_datepicker(day),
        FormBlock.GROUP_TIME: state_timepicker(at),
        FormBlock.GROUP_PLACE: state_plain_text("Møterom Fjorden"),
        FormBlock.GROUP_CAPACITY: {"type": "number_input", "value": capacity},
        FormBlock.GROUP_CO_ORGANISER: state_static_select(co or ANYONE),
    })


def create(bot, user: str = IFK_B, **values):
    view = open_form(bot, user, "gruppe")
    assert view["callback_id"] == "group_create"
    resp = submit(bot, user, view, group_values(bot, **values))
    assert resp.status == 200 and not resp.body, resp.body
    return announcement(bot)


def announcement(bot) -> dict:
    posted = bot.fake.messages(NETWORK)
    assert len(posted) == 1, "one announcement, updated in place"
    return posted[0]


def last_reply(bot) -> str:
    return replies(bot.fake)[-1]["text"]


def test_ifk_announces_and_people_sign_up_until_full_then_the_waiting_list_moves_up(org):
    msg = create(org, co=str(person_id(org, IFR_1)))
    text = text_of(msg)
    assert "Intervju med traumatiserte søkere" in text and "Møterom Fjorden" in text
    assert "Ola Hansen og Ingrid Solberg" in text
    assert "2 av 2 plasser ledige" in text
    assert "group_sign_up" in json.dumps(msg)

    click(org, CW_B, announcement(org), "group_sign_up")
    assert "Du er påmeldt" in last_reply(org)
    assert "1 av 2 plasser ledige" in text_of(announcement(org))
    click(org, CW_B, announcement(org), "group_sign_up")
    assert "allerede påmeldt" in last_reply(org)

    click(org, CW_B2, announcement(org), "group_sign_up")
    assert "Fullt (2 plasser)" in text_of(announcement(org))
    click(org, CW_B3, announcement(org), "group_sign_up")
    assert "er full" in last_reply(org) and "ventelisten (nr. 1)" in last_reply(org)
    assert "1 på venteliste" in text_of(announcement(org))
    click(org, CW_B3, announcement(org), "group_sign_up")
    assert "allerede på ventelisten" in last_reply(org)

    click(org, CW_B, announcement(org), "group_withdraw")
    assert "meldt av" in last_reply(org)
    assert "fått plass" in last_dm_text(org.fake, CW_B3)
    assert "Fullt (2 plasser)* – 0 på venteliste" in text_of(announcement(org))
    with org.services.sessions() as s:
        states = dict(s.execute(select(GroupSignup.person_id, GroupSignup.state)).all())
    assert states == {person_id(org, CW_B): "withdrawn", person_id(org, CW_B2): "signed_up",
                      person_id(org, CW_B3): "signed_up"}
    assert org.fake.calls("chat.update"), "the count is updated in place"

    # reminders the day before and an hour before, to participants and organisers
    org.clock.set(datetime(2026, 12, 1, 12, 0, 30, tzinfo=UTC))  # 13:00:30 Oslo the day before
    org.services.ticker.tick()
    for user in (CW_B2, CW_B3, IFK_B, IFR_1):
        assert "onsdag 02.12 kl. 13:00" in last_dm_text(org.fake, user), user  # the true day
    assert not any("Påminnelse: gruppeveiledning" in text_of(m) for m in dms(org.fake, CW_B))
    org.clock.set(datetime(2026, 12, 2, 11, 0, 30, tzinfo=UTC))  # 12:00:30 Oslo
    org.services.ticker.tick()
    assert "Snart: gruppeveiledning" in last_dm_text(org.fake, CW_B2)
    assert "begynner onsdag 02.12 kl. 13:00" in last_dm_text(org.fake, CW_B2)
    org.services.ticker.tick()
    assert len([m for m in dms(org.fake, CW_B2) if "Snart: gruppeveiledning" in text_of(m)]) == 1


def test_the_organiser_cancels_and_everyone_signed_up_is_told(org):
    create(org, capacity="1")
    click(org, CW_B, announcement(org), "group_sign_up")
    click(org, CW_B2, announcement(org), "group_sign_up")  # waiting list
    stale = announcement(org)

    click(org, CW_A, stale, "group_cancel")
    assert "Bare arrangørene" in last_reply(org)
    click(org, IFK_B, stale, "group_cancel")
    assert "er avlyst" in last_reply(org)
    for user in (CW_B, CW_B2):
        assert "er avlyst av Ola Hansen" in last_dm_text(org.fake, user)
    assert "Avlyst" in text_of(announcement(org))
    assert "group_sign_up" not in json.dumps(announcement(org))
    # a click on the old message (buttons still shown in someone's client)
    click(org, CW_A, stale, "group_sign_up")
    assert "er avlyst, så du kan ikke melde deg på" in last_reply(org)
    # no reminders for a cancelled session
    org.clock.set(datetime(2026, 12, 1, 12, 30, tzinfo=UTC))
    org.services.ticker.tick()
    assert not any("I morgen" in text_of(m) for m in dms(org.fake, CW_B))


def test_signing_up_to_a_past_session_is_refused(org):
    create(org, day="2026-11-25", at="11:00")  # today, an hour from now
    org.clock.advance(timedelta(hours=2))
    click(org, CW_B, announcement(org), "group_sign_up")
    assert "har allerede vært" in last_reply(org)


def test_only_ifk_bfk_or_ifr_can_create(org):
    for user in (CW_A, LEADER_B):
        body = org.slack.slash_command(user, "gruppe").json()
        assert "Bare intervjufaglige koordinatorer (IFK), barnefaglig koordinator (BFK) og rådgivere (IFR)" \
            in body["text"]
    assert not org.fake.calls("views.open")
    assert open_form(org, IFR_1, "group")["callback_id"] == "group_create"
    assert open_form(org, "U0BFK00001", "gruppe")["callback_id"] == "group_create"  # memo §4


def test_form_refusals_and_no_duplicate_sessions(org):
    view = open_form(org, IFK_B, "gruppe")
    resp = submit(org, IFK_B, view, group_values(org, day="2026-11-24"))
    assert FormBlock.GROUP_DATE in resp.json()["errors"]
    resp = submit(org, IFK_B, view, group_values(org, capacity="0"))
    assert "mellom 1 og 100" in resp.json()["errors"][FormBlock.GROUP_CAPACITY]
    submit(org, IFK_B, view, group_values(org))
    submit(org, IFK_B, view, group_values(org))
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(GroupSession)) == 1
    assert len(org.fake.messages(NETWORK)) == 1
