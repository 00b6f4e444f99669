"""The request lifecycle against the real database and the fake Slack, driven
through the service layer (the HTTP path is covered in tests/e2e)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.domain.requests import RequestType
from bot.services.requests import NewRequest, Outcome
from storage.models import AuditEvent, Offer, Request
from tests.flows import buttons, dms, last_dm_text, person_id, text_of

CW_B = "U0CWB10001"  # Emil Strand, caseworker in B
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"
LEADER_B = "U0ALEADB01"


def live(area: str = "B", child: bool = False) -> NewRequest:
    return NewRequest(RequestType.LIVE, area, child, "Søkeren svarer ikke på spørsmål om reiserute.",
                      {"room": "Rom 3", "start_time": "10:30",
                       "child_kinds": ["accompanying_child"] if child else []})


def offers_of(bot, request_id: int) -> list[tuple[str, str]]:
    with bot.services.sessions() as s:
        rows = s.execute(select(Offer.person_id, Offer.state).where(Offer.request_id == request_id)
                         .order_by(Offer.id)).all()
        from storage.models import Person

        names = {p.id: p.slack_user_id for p in s.scalars(select(Person))}
    return [(names[pid], state) for pid, state in rows]


def state_of(bot, request_id: int) -> str:
    with bot.services.sessions() as s:
        return s.get(Request, request_id).state


def test_live_request_offer_decline_timeout_widen_accept(org):
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), live())
    assert offers_of(org, rid) == [(IFK_B, "open")]
    offer_dm = dms(org.fake, IFK_B)[-1]
    assert "Løpende veiledning" in text_of(offer_dm) and "Rom 3" in text_of(offer_dm)
    assert set(buttons(offer_dm)) == {"request_accept", "request_decline"}
    assert buttons(offer_dm)["request_accept"] == str(rid)
    status = dms(org.fake, CW_B)[-1]
    assert "Sendt til *Ola Hansen*" in text_of(status)
    assert "request_cancel" in buttons(status)

    assert req.decline(rid, person_id(org, IFK_B)).ok
    assert offers_of(org, rid) == [(IFK_B, "declined"), (IFK_A, "open")]
    assert "Du avslo" in last_dm_text(org.fake, IFK_B)
    # the status message is the same message, updated in place
    assert len(dms(org.fake, CW_B)) == 1
    assert "Sendt til *Kari Nordmann*" in last_dm_text(org.fake, CW_B)
    assert "Ola Hansen avslo" in last_dm_text(org.fake, CW_B)

    org.clock.advance(timedelta(seconds=179))
    assert org.services.ticker.tick().timeouts == 0
    org.clock.advance(timedelta(seconds=2))
    assert org.services.ticker.tick().timeouts == 1
    # live widens after the first timeout: everyone left at once, the BFK too (memo 8.2.1)
    assert offers_of(org, rid) == [(IFK_B, "declined"), (IFK_A, "timed_out"), (IFK_C, "open"),
                                   (BFK, "open"), (IFR_1, "open"), (IFR_2, "open")]
    assert "alle tilgjengelige" in last_dm_text(org.fake, CW_B)

    assert req.accept(rid, person_id(org, IFR_2)).ok
    assert state_of(org, rid) == "accepted"
    assert offers_of(org, rid)[2:] == [(IFK_C, "withdrawn"), (BFK, "withdrawn"), (IFR_1, "withdrawn"),
                                       (IFR_2, "accepted")]
    assert "Allerede tatt av Tore Bakken" in last_dm_text(org.fake, IFR_1)
    assert "Already taken by Tore Bakken" in last_dm_text(org.fake, IFK_C)  # Siri reads English
    assert "request_done" in buttons(dms(org.fake, IFR_2)[-1])
    assert "*Tore Bakken* har tatt forespørselen" in last_dm_text(org.fake, CW_B)
    assert len(dms(org.fake, CW_B)) == 1

    # a late click from someone whose offer was withdrawn is answered, not crashed on
    late = req.accept(rid, person_id(org, IFR_1))
    assert late.outcome is Outcome.ALREADY_TAKEN and late.params["name_person"] == person_id(org, IFR_2)
    assert req.complete(rid, person_id(org, IFR_2)).ok
    assert "Fullført av Tore Bakken" in last_dm_text(org.fake, CW_B)


def test_child_request_goes_to_the_bfk_first(org):
    rid = org.services.requests.submit(person_id(org, CW_B), live(child=True))
    assert offers_of(org, rid) == [(BFK, "open")]
    assert "BFK (barn involvert)" in last_dm_text(org.fake, BFK)


def test_exhausted_chain_tells_the_requester_and_the_area_leader(org):
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), NewRequest(
        RequestType.FEEDBACK, "B", False, "Tilbakemelding på rapport", {"case_ref": "26/01234"}))
    for slack_id in (IFK_B, IFK_A, IFK_C, IFR_1, IFR_2):
        assert req.decline(rid, person_id(org, slack_id)).ok, slack_id
    assert state_of(org, rid) == "unassigned"
    assert "Ingen i nettverket er tilgjengelig" in last_dm_text(org.fake, CW_B)
    assert "Emil Strand" in last_dm_text(org.fake, LEADER_B)
    assert "request_cancel" not in buttons(dms(org.fake, CW_B)[-1])


def test_only_the_offered_person_can_answer(org):
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), live())
    before = org.fake.calls()
    for outsider in (IFK_A, CW_B, IFR_1):
        assert req.accept(rid, person_id(org, outsider)).outcome is Outcome.NOT_OFFERED
        assert req.decline(rid, person_id(org, outsider)).outcome is Outcome.NOT_OFFERED
    assert org.fake.calls() == before
    assert offers_of(org, rid) == [(IFK_B, "open")]


def test_cancel_by_requester_withdraws_offers(org):
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), live())
    assert req.cancel(rid, person_id(org, IFK_B)).outcome is Outcome.NOT_REQUESTER
    assert req.cancel(rid, person_id(org, CW_B)).ok
    assert state_of(org, rid) == "cancelled"
    assert "trakk tilbake" in last_dm_text(org.fake, IFK_B)
    assert req.accept(rid, person_id(org, IFK_B)).outcome is Outcome.FINAL
    assert req.cancel(rid, person_id(org, CW_B)).outcome is Outcome.FINAL


def test_repeated_submit_with_the_same_key_creates_one_request(org):
    req = org.services.requests
    first = req.submit(person_id(org, CW_B), live(), idempotency_key="view-V1")
    again = req.submit(person_id(org, CW_B), live(), idempotency_key="view-V1")
    assert first == again
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 1


def test_restart_fires_an_overdue_timeout_once(org, engine, fake_slack, db_url, clock):
    """A new process (new deps on the same database) finds the overdue offer."""
    from tests.harness import BotServer, make_settings

    rid = org.services.requests.submit(person_id(org, CW_B), live())
    clock.advance(timedelta(minutes=10))  # the process was down past the deadline
    restarted = BotServer(make_settings(fake_slack, db_url), engine, clock)
    try:
        assert restarted.services.ticker.tick().timeouts == 1
        assert restarted.services.ticker.tick().timeouts == 0
        assert org.services.ticker.tick().timeouts == 0  # the old one, if it came back, fires nothing
    finally:
        restarted._server.server_close()
    with org.services.sessions() as s:
        kinds = [e.kind for e in s.scalars(select(AuditEvent).where(AuditEvent.request_id == rid))]
    assert kinds.count("timed_out") == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_simultaneous_accepts_have_one_winner(org, attempt):
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), live())
    org.clock.advance(timedelta(seconds=181))
    org.services.ticker.tick()  # widened: IFK A, IFK C, IFR 1, IFR 2 all hold an open offer
    contenders = [person_id(org, IFR_1), person_id(org, IFR_2)]
    barrier = threading.Barrier(2)
    results = {}

    def click(pid: int) -> None:
        barrier.wait()
        results[pid] = req.accept(rid, pid)

    threads = [threading.Thread(target=click, args=(pid,)) for pid in contenders]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=30)
    outcomes = sorted(r.outcome.value for r in results.values())
    assert outcomes == ["already_taken", "ok"]
    winner = next(pid for pid, r in results.items() if r.ok)
    loser = next(r for r in results.values() if not r.ok)
    with org.services.sessions() as s:
        request = s.get(Request, rid)
        assert request.assignee_id == winner
        accepted = s.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.request_id == rid, AuditEvent.kind == "accepted"))
        assert accepted == 1

        assert loser.params["name_person"] == winner


def test_feedback_outside_working_hours_goes_out_at_the_next_working_start(org):
    from datetime import UTC, datetime

    org.clock.set(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))  # Friday 19:00 in Oslo
    rid = org.services.requests.submit(person_id(org, CW_B), NewRequest(
        RequestType.FEEDBACK, "B", False, "Rapport fra fredag", {"case_ref": "26/01234"}))
    assert offers_of(org, rid) == []
    assert state_of(org, rid) == "new"
    assert "Sendes til nettverket 30.11.2026 08:00" in last_dm_text(org.fake, CW_B)
    org.clock.set(datetime(2026, 11, 30, 6, 59, tzinfo=UTC))  # Monday 07:59
    assert org.services.ticker.tick().timers == 0
    org.clock.set(datetime(2026, 11, 30, 7, 0, tzinfo=UTC))  # Monday 08:00
    assert org.services.ticker.tick().timers == 1
    assert offers_of(org, rid) == [(IFK_B, "open")]
    assert "Sendt til *Ola Hansen*" in last_dm_text(org.fake, CW_B)
    with org.services.sessions() as s:
        deadline = s.scalar(select(Offer.deadline_at).where(Offer.request_id == rid))
    # one working day (7 h 45 min of working time) later
    assert deadline == datetime(2026, 11, 30, 14, 45, tzinfo=UTC)


def test_live_outside_hours_reaches_only_those_who_said_they_are_available(org):
    from datetime import UTC, datetime

    from storage.repositories import availability

    org.clock.set(datetime(2026, 11, 25, 19, 0, tzinfo=UTC))  # Wednesday 20:00
    with org.services.sessions.begin() as s:
        availability.set_status(s, person_id(org, IFR_1), "available", None, org.clock.now())
    rid = org.services.requests.submit(person_id(org, CW_B), live())
    assert offers_of(org, rid) == [(IFR_1, "open")]


def test_a_timeout_after_working_hours_waits_for_the_morning_instead_of_ending_the_chain(org):
    """Feedback offered at 15:00: the timeout falls at 15:00 the next working day; a
    decline at 15:50 (after closing) must not skip everyone and end the chain."""
    from datetime import UTC, datetime

    org.clock.set(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))  # Wednesday 15:00 Oslo
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), NewRequest(
        RequestType.FEEDBACK, "B", False, "Rapport", {"case_ref": "26/01234"}))
    org.clock.set(datetime(2026, 11, 25, 14, 50, tzinfo=UTC))  # 15:50, after closing
    assert req.decline(rid, person_id(org, IFK_B)).ok
    assert state_of(org, rid) == "new"
    assert offers_of(org, rid) == [(IFK_B, "declined")]
    assert "Sendes til nettverket 26.11.2026 08:00" in last_dm_text(org.fake, CW_B)
    org.clock.set(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))  # Thursday 08:00
    org.services.ticker.tick()
    assert offers_of(org, rid) == [(IFK_B, "declined"), (IFK_A, "open")]
    assert state_of(org, rid) == "offered"


def test_new_proposed_times_cancel_the_reminders_of_the_old_agreed_time(org):
    from datetime import UTC, datetime

    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), NewRequest(
        RequestType.HOUR, "B", False, "Veiledningstime", {"preferred_times": "Fredag"}))
    ola = person_id(org, IFK_B)
    assert req.accept(rid, ola).ok
    friday_13 = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    assert req.propose_times(rid, ola, [friday_13]).ok
    assert req.pick_time(rid, person_id(org, CW_B), 1, 0).ok
    assert req.propose_times(rid, ola, [friday_13 + timedelta(days=7)]).ok  # re-proposed
    org.clock.set(friday_13 - timedelta(minutes=10))
    result = org.services.ticker.tick()  # the old reminders are gone: nothing fires, nothing breaks
    assert result.timers == 0
    assert not any("veiledningstime kl." in text_of(m) or "Snart: veiledningstime" in text_of(m)
                   for m in dms(org.fake, CW_B))


def test_a_broken_timer_is_set_aside_and_the_tick_goes_on(org):
    """A timer whose handler raises must not stop the other stages of the tick."""
    from storage.models import Timer
    from storage.repositories import timers as timer_repo

    rid = org.services.requests.submit(person_id(org, CW_B), NewRequest(
        RequestType.HOUR, "B", False, "Time", {"preferred_times": "Fredag"}))
    assert org.services.requests.accept(rid, person_id(org, IFK_B)).ok
    with org.services.sessions.begin() as s:
        # a request in a state the lifecycle does not know makes the timer's step raise
        s.get(Request, rid).state = "bogus"
        timer_repo.schedule(s, kind="hour_reminder_soon", key=f"hour_reminder_soon:{rid}",
                            due_at=org.clock.now(), now=org.clock.now(), request_id=rid)
    other = org.services.requests.submit(person_id(org, CW_B), live())
    org.clock.advance(timedelta(seconds=181))
    result = org.services.ticker.tick()
    assert result.timeouts == 1  # the live offer still timed out in the same tick
    assert offers_of(org, other)[0] == (IFK_B, "timed_out")
    with org.services.sessions() as s:
        assert s.scalar(select(Timer.state).where(Timer.key == f"hour_reminder_soon:{rid}")) == "failed"
    assert org.services.ticker.tick().timers == 0  # set aside, not retried forever


@pytest.mark.parametrize("attempt", range(4))
def test_accept_at_the_instant_of_the_timeout_has_one_outcome(org, attempt):
    """An Accept click racing the tick that times the same offer out: no error, no
    deadlock, and the request ends either accepted by that person or moved on."""
    req = org.services.requests
    rid = req.submit(person_id(org, CW_B), live())
    org.clock.advance(timedelta(seconds=180))  # exactly due
    ola = person_id(org, IFK_B)
    barrier = threading.Barrier(2)
    outcome: dict[str, object] = {}

    def accept() -> None:
        barrier.wait()
        outcome["accept"] = req.accept(rid, ola)

    def tick() -> None:
        barrier.wait()
        outcome["tick"] = org.services.ticker.tick()

    threads = [threading.Thread(target=accept), threading.Thread(target=tick)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert set(outcome) == {"accept", "tick"}
    offers = offers_of(org, rid)
    if outcome["accept"].ok:
        assert state_of(org, rid) == "accepted" and offers[0] == (IFK_B, "accepted")
        assert outcome["tick"].timeouts == 0
    else:
        assert offers[0] == (IFK_B, "timed_out") and outcome["tick"].timeouts == 1
        assert state_of(org, rid) == "offered"  # widened to everyone left
