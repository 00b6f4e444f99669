"""Network meetings and minutes end to end: real HTTP into the app, the fake
Slack, a manual clock (Wed 25 Nov 2026 10:00 Oslo)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from sandbox.slack_requests import state_datepicker, state_plain_text, state_static_select, state_timepicker
from storage.models import MeetingOccurrence, Minutes, OutboxMessage
from tests.flows import buttons, click, dms, dms_without_digests, open_form, person_id, submit, text_of

IFK_A, IFK_B = "U0IFKA0001", "U0IFKB0001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"
CW_B = "U0CWB10001"
NETWORK, MANAGEMENT = "CNETWORK01", "CMGMT00001"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def multi_select(values: list[str]) -> dict:
    return {"type": "multi_static_select",
            "selected_options": [{"text": {"type": "plain_text", "text": v}, "value": v} for v in values]}


def create_meeting(bot, *, freq: str = "weekly", first: str = "2026-11-30", at: str = "10:00",
                   takers: tuple[str, ...] = (IFK_A, IFK_B)):
    view = open_form(bot, IFR_1, "møte ny")
    fields = {
        "mtg_title": state_plain_text("IFN-møte"),
        "mtg_freq": state_static_select(freq),
        "mtg_first": state_datepicker(first),
        "mtg_time": state_timepicker(at),
        "mtg_location": state_plain_text("Rom 3 / https://meet.example/ifn"),
        "mtg_agenda": state_plain_text("https://wiki.example/ifn/agenda"),
        "mtg_takers": multi_select([str(person_id(bot, u)) for u in takers]),
    }
    values = {block: {block: state} for block, state in fields.items()}
    resp = submit(bot, IFR_1, view, values)
    assert resp.status == 200 and not resp.body, resp.body
    return view


def network_posts(bot) -> list[str]:
    """The meeting posts (each working morning's duty post is tested on its own)."""
    return [text_of(m) for m in bot.fake.messages(NETWORK) if not text_of(m).startswith("Hvem er på vakt")]


def occurrences(bot) -> list[MeetingOccurrence]:
    with bot.services.sessions() as s:
        return list(s.scalars(select(MeetingOccurrence).order_by(MeetingOccurrence.starts_at)))


def test_ifr_creates_a_weekly_series_with_a_rotation_eight_weeks_ahead(org):
    view = create_meeting(org)
    field_ids = [b.get("block_id") for b in view["blocks"]]
    assert field_ids[:4] == ["mtg_title", "mtg_freq", "mtg_first", "mtg_time"]
    assert "opprettet" in text_of(dms(org.fake, IFR_1)[-1])
    occ = occurrences(org)
    assert [o.starts_at for o in occ] == [utc(2026, 11, 30, 9) + timedelta(weeks=i) for i in range(8)]
    a, b = person_id(org, IFK_A), person_id(org, IFK_B)
    assert [o.minute_taker_id for o in occ] == [a, b] * 4
    listing = org.slack.slash_command(IFR_2, "møte").json()["text"]
    assert "IFN-møte" in listing and "30.11.2026" in listing


def test_caseworkers_cannot_create_meetings(org):
    resp = org.slack.slash_command(CW_B, "møte ny")
    assert "Bare intervjufaglige rådgivere" in resp.json()["text"]
    assert not org.fake.calls("views.open")


def test_reminders_go_out_at_their_times_with_agenda_and_minute_taker(org):
    create_meeting(org)
    org.clock.set(utc(2026, 11, 26, 6, 59))  # Thursday 07:59, two working days before Monday
    org.services.ticker.tick()
    assert network_posts(org) == []
    org.clock.set(utc(2026, 11, 26, 7, 0))
    org.services.ticker.tick()
    [post] = network_posts(org)
    assert "Påminnelse" in post and "mandag 30.11 kl. 10:00" in post
    assert "https://wiki.example/ifn/agenda" in post and f"<@{IFK_A}>" in post

    org.clock.set(utc(2026, 11, 27, 7, 0))  # Friday 08:00: the minute-taker's DM
    org.services.ticker.tick()
    taker_dm = text_of(dms(org.fake, IFK_A)[-1])
    assert "referent" in taker_dm
    assert "mandag 30.11 kl. 10:00" in taker_dm and "i morgen" not in taker_dm  # Friday before a Monday
    assert not dms(org.fake, IFK_B)

    org.clock.set(utc(2026, 11, 30, 8, 0))  # Monday 09:00, one hour before
    org.services.ticker.tick()
    assert "Snart: nettverksmøtet" in network_posts(org)[-1]
    assert "begynner mandag 30.11 kl. 10:00" in network_posts(org)[-1]  # the true day
    org.services.ticker.tick()
    assert len(network_posts(org)) == 2


def test_minutes_flow_posts_to_both_channels_archives_and_lists(org):
    create_meeting(org)
    org.clock.set(utc(2026, 11, 30, 10, 0))  # the meeting has ended
    org.services.ticker.tick()
    prompt = dms(org.fake, IFK_A)[-1]
    assert "minutes_write" in buttons(prompt)
    # someone else cannot write them
    before = len(org.fake.calls("views.open"))
    click(org, IFK_B, prompt, "minutes_write")
    assert len(org.fake.calls("views.open")) == before

    click(org, IFK_A, prompt, "minutes_write")
    modal = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    assert modal["callback_id"] == "minutes_submit"
    values = {"min_decisions": {"min_decisions": state_plain_text("Ny mal for tilbakemelding vedtatt.")},
              "min_actions": {"min_actions": state_plain_text(
                  "Kari: oppdatere malen\nOla: informere områdene")},
              "min_notes": {"min_notes": state_plain_text("Neste gang: barnesamtaler.")}}
    resp = submit(org, IFK_A, modal, values)
    assert resp.status == 200 and not resp.body, resp.body

    [net] = [m for m in org.fake.messages(NETWORK) if "Referat" in text_of(m)]
    [mgmt] = org.fake.messages(MANAGEMENT)
    for message in (net, mgmt):
        text = text_of(message)
        assert "Ny mal for tilbakemelding vedtatt." in text and "Kari: oppdatere malen" in text
    with org.services.sessions() as s:
        row = s.scalar(select(Minutes))
        assert (row.network_ts, row.management_ts) == (net["ts"], mgmt["ts"])
        assert row.actions[0] == {"owner": "Kari", "task": "oppdatere malen"}

    listing = org.slack.slash_command(CW_B, "referat").json()["text"]
    assert f"https://slack.com/archives/{NETWORK}/p{net['ts'].replace('.', '')}" in listing
    assert "IFN-møte 30.11.2026" in org.slack.slash_command(IFR_2, "referat søk malen").json()["text"]
    assert "Ingen referater" in org.slack.slash_command(IFR_2, "referat søk budsjett").json()["text"]

    # the same submission again (a retry, a double click) is answered like the first and
    # changes nothing; minutes from another modal are refused, saying who wrote them
    posts = len(org.fake.calls("chat.postMessage"))
    again = submit(org, IFK_A, modal, values)
    assert again.status == 200 and not again.body
    assert len(org.fake.calls("chat.postMessage")) == posts
    other = submit(org, IFK_A, modal | {"id": "V0OTHERMODAL"}, values)
    assert "allerede levert av Kari Nordmann" in other.body
    # no reminder comes for minutes that are in
    org.clock.set(utc(2026, 12, 8, 12, 0))
    org.services.ticker.tick()
    assert "Påminnelse: referatet" not in " ".join(text_of(m) for m in dms(org.fake, IFK_A))
    assert not dms_without_digests(org.fake, IFR_2)


def test_missing_minutes_remind_the_taker_then_tell_the_ifrs(org):
    create_meeting(org, freq="once")
    org.clock.set(utc(2026, 11, 30, 10, 0))
    org.services.ticker.tick()
    org.clock.set(utc(2026, 12, 2, 9, 59))
    org.services.ticker.tick()
    assert "Påminnelse: referatet" not in text_of(dms(org.fake, IFK_A)[-1])
    org.clock.set(utc(2026, 12, 2, 10, 0))  # two working days after
    org.services.ticker.tick()
    assert "Påminnelse: referatet" in text_of(dms(org.fake, IFK_A)[-1])
    assert not dms_without_digests(org.fake, IFR_2)
    org.clock.set(utc(2026, 12, 7, 10, 0))  # five working days after
    org.services.ticker.tick()
    for ifr in (IFR_1, IFR_2):
        assert "fem arbeidsdager" in text_of(dms_without_digests(org.fake, ifr)[-1])


def test_cancelling_one_occurrence_drops_its_reminders(org):
    create_meeting(org)
    first = occurrences(org)[0]
    assert "avlyst" in org.slack.slash_command(IFR_2, f"møte avlys {first.id}").json()["text"]
    assert "avlyst" in network_posts(org)[-1]
    org.clock.set(utc(2026, 11, 30, 12, 0))
    org.services.ticker.tick()
    assert len(network_posts(org)) == 1  # only the cancellation notice
    assert not dms(org.fake, IFK_A)
    series = org.slack.slash_command(IFR_2, f"møte avlys-serie {first.meeting_id}").json()["text"]
    assert "avlyst" in series
    assert "Ingen kommende" in org.slack.slash_command(IFR_2, "møte").json()["text"]


def test_monthly_series_keeps_its_weekday_and_local_time_across_dst(org):
    create_meeting(org, freq="monthly", first="2026-12-08", at="13:00")  # 2nd Tuesday
    starts = [o.starts_at for o in occurrences(org)]
    assert starts == [utc(2026, 12, 8, 12), utc(2027, 1, 12, 12)]


def test_restart_drops_reminders_for_a_meeting_that_has_ended(org, engine, fake_slack, db_url):
    from tests.harness import BotServer, make_settings

    create_meeting(org, freq="once")
    org.clock.set(utc(2026, 11, 30, 12, 0))  # everything was down across the whole meeting
    restarted = BotServer(make_settings(fake_slack, db_url), engine, org.clock).start()
    try:
        assert restarted.services.ticker.tick().other >= 4  # three reminders dropped, one prompt fired
        restarted.services.ticker.tick()
    finally:
        restarted.stop()
    assert network_posts(org) == []  # no late "in one hour" for a meeting that is over
    [prompt] = dms(org.fake, IFK_A)  # the taker DM was dropped; asking for minutes still means something
    assert "er ferdig" in text_of(prompt)


def test_restart_fires_a_missed_reminder_once_when_still_meaningful(org, engine, fake_slack, db_url):
    from tests.harness import BotServer, make_settings

    create_meeting(org, freq="once")
    org.clock.set(utc(2026, 11, 27, 12, 0))  # down since Wednesday; the meeting is on Monday
    restarted = BotServer(make_settings(fake_slack, db_url), engine, org.clock).start()
    try:
        restarted.services.ticker.tick()
        restarted.services.ticker.tick()
    finally:
        restarted.stop()
    [post] = network_posts(org)
    assert "Påminnelse" in post
    assert len(dms(org.fake, IFK_A)) == 1
    assert "mandag 30.11 kl. 10:00" in text_of(dms(org.fake, IFK_A)[0])  # caught up on Friday: the true day


def test_a_minute_taker_dm_caught_up_on_the_meeting_day_names_that_day(org, engine, fake_slack, db_url):
    from tests.harness import BotServer, make_settings

    create_meeting(org, freq="once")
    org.clock.set(utc(2026, 11, 30, 7, 30))  # down since Wednesday; Monday 08:30, the meeting at 10:00
    restarted = BotServer(make_settings(fake_slack, db_url), engine, org.clock).start()
    try:
        restarted.services.ticker.tick()
    finally:
        restarted.stop()
    [dm] = dms(org.fake, IFK_A)
    assert "nettverksmøtet *IFN-møte* mandag 30.11 kl. 10:00" in text_of(dm)
    assert "i morgen" not in text_of(dm)


def test_a_reminder_during_a_slack_outage_is_delivered_once_after(org):
    create_meeting(org)
    org.fake.set_down(True)
    org.clock.set(utc(2026, 11, 26, 7, 0))
    org.services.ticker.tick()
    org.clock.advance(timedelta(seconds=3))
    org.services.ticker.tick()  # still down, and the back-off has not passed
    org.fake.set_down(False)
    assert network_posts(org) == []
    with org.services.sessions() as s:
        pending = s.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.state == "pending", ~OutboxMessage.key.startswith("duty_post:")))
    assert pending == 1  # kept, not lost
    org.clock.advance(timedelta(seconds=1))
    org.services.ticker.tick()
    assert network_posts(org) == []  # waits for its back-off
    org.clock.advance(timedelta(minutes=1))
    org.services.ticker.tick()
    org.services.ticker.tick()
    [post] = network_posts(org)
    assert "Påminnelse" in post


def test_ifr_posts_a_work_plan_to_management_and_it_is_archived(org):
    assert "Bare intervjufaglige rådgivere" in org.slack.slash_command(CW_B, "referat plan").json()["text"]
    view = open_form(org, IFR_2, "referat plan")
    values = {"plan_title": {"plan_title": state_plain_text("Strategiplan 2027")},
              "plan_body": {"plan_body": state_plain_text("https://wiki.example/ifn/strategi-2027")}}
    resp = submit(org, IFR_2, view, values)
    assert resp.status == 200 and not resp.body, resp.body
    [post] = org.fake.messages(MANAGEMENT)
    assert "Strategiplan 2027" in text_of(post) and "strategi-2027" in text_of(post)
    assert network_posts(org) == []
    listing = org.slack.slash_command(CW_B, "referat søk strategi").json()["text"]
    assert "Plan" in listing and f"archives/{MANAGEMENT}/p" in listing


def test_minutes_with_a_national_id_number_are_refused(org):
    create_meeting(org, freq="once")
    org.clock.set(utc(2026, 11, 30, 10, 0))
    org.services.ticker.tick()
    click(org, IFK_A, dms(org.fake, IFK_A)[-1], "minutes_write")
    modal = org.fake.view(org.fake.calls("views.open")[-1].response["view"]["id"])
    resp = submit(org, IFK_A, modal,
                  {"min_decisions": {"min_decisions": state_plain_text("Sak 01010012356")}})
    assert "min_decisions" in resp.body
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Minutes)) == 0


def test_the_daily_job_extends_a_series_and_the_rotation_goes_on(org):
    create_meeting(org)
    org.clock.set(utc(2026, 12, 2, 7, 0))  # a week later
    with org.services.sessions.begin() as s:
        org.services.meetings.materialize_all(s, org.clock.now(), org.clock.now().date())
    with org.services.sessions.begin() as s:  # a second run adds nothing
        org.services.meetings.materialize_all(s, org.clock.now(), org.clock.now().date())
    occ = occurrences(org)
    assert len(occ) == 9 and occ[-1].starts_at == utc(2027, 1, 25, 9)
    assert occ[-1].minute_taker_id == person_id(org, IFK_A)


def test_editing_a_series_moves_its_upcoming_meetings_and_keeps_the_rotation_going(org):
    create_meeting(org)
    org.clock.set(utc(2026, 12, 1, 9, 0))  # after the first meeting (IFK A took the minutes)
    meeting_id = occurrences(org)[0].meeting_id
    view = open_form(org, IFR_1, f"møte endre {meeting_id}")
    assert view["private_metadata"] == str(meeting_id)
    state = {b["block_id"]: b["element"] for b in view["blocks"] if b.get("type") == "input"}
    assert state["mtg_title"]["initial_value"] == "IFN-møte"
    assert state["mtg_first"]["initial_date"] == "2026-12-07"
    fields = {
        "mtg_title": state_plain_text("IFN-møte (ny tid)"),
        "mtg_freq": state_static_select("biweekly"),
        "mtg_first": state_datepicker("2026-12-08"),  # Tuesdays now
        "mtg_time": state_timepicker("13:00"),
        "mtg_location": state_plain_text("Rom 4"),
        "mtg_agenda": state_plain_text(""),
        "mtg_takers": multi_select([str(person_id(org, u)) for u in (IFK_A, IFK_B)]),
    }
    resp = submit(org, IFR_1, view, {block: {block: st} for block, st in fields.items()})
    assert resp.status == 200 and not resp.body, resp.body
    assert "endret" in text_of(dms(org.fake, IFR_1)[-1])
    occ = occurrences(org)
    assert occ[0].starts_at == utc(2026, 11, 30, 9)  # the past one stays
    assert [o.starts_at for o in occ[1:4]] == [
        utc(2026, 12, 8, 12), utc(2026, 12, 22, 12), utc(2027, 1, 5, 12)]
    assert [o.minute_taker_id for o in occ[1:3]] == [person_id(org, IFK_B), person_id(org, IFK_A)]
    org.clock.set(utc(2026, 12, 7, 10, 0))  # nothing for the old Monday
    org.services.ticker.tick()
    assert not [p for p in network_posts(org) if "7.12.2026" in p or "07.12.2026" in p]
    org.clock.set(utc(2026, 12, 8, 11, 0))
    org.services.ticker.tick()
    assert "begynner tirsdag 08.12 kl. 13:00" in network_posts(org)[-1]
    assert "Bare intervjufaglige" in org.slack.slash_command(CW_B, f"møte endre {meeting_id}").json()["text"]
