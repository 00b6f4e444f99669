"""The morning duty post (SPEC §5, issue 13 item 1) end to end: at the start of a
working day one message in the network channel says who is on duty; it is
updated in place when someone's status or absence changes; on days off there
is none — through signed HTTP, the fake Slack and fixed clocks."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sandbox.slack_requests import button
from tests.e2e.test_home_tab import open_home
from tests.flows import text_of

OSLO = ZoneInfo("Europe/Oslo")
NETWORK = "CNETWORK01"
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
LEADER_C, CW_C = "U0ALEADC01", "U0CWC10001"


def at(bot, *args: int) -> None:
    bot.clock.set(datetime(*args, tzinfo=OSLO))
    bot.services.ticker.tick()


def duty_posts(bot) -> list[dict]:
    return [m for m in bot.fake.messages(NETWORK) if text_of(m).startswith("Hvem er på vakt")]


def channel_posts(bot) -> int:
    return len([c for c in bot.fake.calls("chat.postMessage") if c.args["channel"] == NETWORK])


def ifn(bot, user: str, text: str) -> str:
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    return resp.json()["text"]


def test_one_post_at_the_working_day_start_updated_in_place_through_the_day(org):
    at(org, 2026, 11, 26, 7, 59)  # Thursday, before the working day
    assert duty_posts(org) == []
    at(org, 2026, 11, 26, 8, 0)
    [post] = duty_posts(org)
    text = text_of(post)
    assert text.startswith("Hvem er på vakt – torsdag 26.11")
    assert "*Område A* – IFK\n• Kari Nordmann: ledig" in text
    assert "*Område B* – IFK\n• Ola Hansen: ledig" in text
    assert "*Barnefaglig koordinator* – alle områder\n• Maria Haugen: ledig" in text
    assert "Ingrid Solberg: ledig" in text and "Tore Bakken: ledig" in text
    posted = channel_posts(org)

    # Ola goes into an interview until 11:00: the same message changes
    ifn(org, IFK_B, "status opptatt til 11:00")
    [post] = duty_posts(org)
    assert "Ola Hansen: opptatt i intervju til 11:00" in text_of(post)
    assert post.get("edited"), "updated in place with chat.update"
    # Siri is absent from today; her area leader designates a caseworker to stand in
    ifn(org, IFK_C, "absence 26.11.2026 27.11.2026")
    assert "Siri Johansen: fravær til og med 27.11.2026 Ingen stedfortreder er utpekt." in text_of(
        duty_posts(org)[0])
    ifn(org, LEADER_C, f"stedfortreder <@{CW_C}> 26.11.2026 27.11.2026 for <@{IFK_C}>")
    assert ("Henrik Vik: ledig – stedfortreder for Siri Johansen, som har fravær til og med 27.11.2026"
            in text_of(duty_posts(org)[0]))
    # the BFK presses a status button on the Home tab
    view = open_home(org, BFK)
    org.slack.block_actions(BFK, [button("home_status_away", "away")], view=view)
    assert "Maria Haugen: borte" in text_of(duty_posts(org)[0])
    # a caseworker is not on the roster: nothing is sent for them
    updates = len(org.fake.calls("chat.update"))
    ifn(org, "U0CWA10001", "fravær 30.11.2026 01.12.2026")
    assert len(org.fake.calls("chat.update")) == updates
    # 11:00: Ola's status lapses and the post says so without anyone doing anything
    at(org, 2026, 11, 26, 10, 59)
    assert "Ola Hansen: opptatt i intervju til 11:00" in text_of(duty_posts(org)[0])
    at(org, 2026, 11, 26, 11, 0)
    assert "Ola Hansen: ledig" in text_of(duty_posts(org)[0])
    # all the day: one message, posted once
    at(org, 2026, 11, 26, 15, 0)
    assert len(duty_posts(org)) == 1
    assert channel_posts(org) == posted == 1

    # Friday: a new post for the new day, with the absence still in it
    at(org, 2026, 11, 27, 8, 0)
    assert len(duty_posts(org)) == 2
    friday = text_of(duty_posts(org)[-1])
    assert friday.startswith("Hvem er på vakt – fredag 27.11")
    assert "stedfortreder for Siri Johansen" in friday
    assert "Ola Hansen: ledig" in friday and "Maria Haugen: ledig" in friday  # yesterday's statuses lapsed
    # a change now updates Friday's post, never Thursday's
    thursday = text_of(duty_posts(org)[0])
    ifn(org, IFK_A, "status borte")
    assert "Kari Nordmann: borte" in text_of(duty_posts(org)[-1])
    assert text_of(duty_posts(org)[0]) == thursday


def test_no_post_on_days_off_and_a_restart_does_not_post_twice(org):
    at(org, 2026, 12, 24, 8, 0)  # Thursday 24 December: a working day
    assert len(duty_posts(org)) == 1
    for day in (25, 26, 27):  # Christmas Day (a public holiday), Saturday, Sunday
        at(org, 2026, 12, day, 8, 0)
        at(org, 2026, 12, day, 12, 0)
    assert len(duty_posts(org)) == 1
    at(org, 2026, 12, 28, 9, 30)  # Monday: the bot was down until 09:30, it catches up once
    at(org, 2026, 12, 28, 9, 31)
    posts = duty_posts(org)
    assert len(posts) == 2 and text_of(posts[-1]).startswith("Hvem er på vakt – mandag 28.12")
    # a status change on a day off does not post anything
    at(org, 2027, 1, 1, 10, 0)  # New Year's Day
    ifn(org, IFK_B, "status ledig")
    assert len(duty_posts(org)) == 2
