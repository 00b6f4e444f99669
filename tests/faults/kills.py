"""The kill -9 rows of issue 18's table: the active scheduler killed while
offers time out (a standby takes over), and a web process killed while forms
and clicks are in flight to it. Judged, as every row, from the database and
from every call the fake Slack received (``tests.faults.judges``).
"""

from __future__ import annotations

import random
import time
from types import SimpleNamespace
from typing import Any

from tests.faults.cluster import Cluster, Proc
from tests.faults.judges import (
    Outcome,
    doubles,
    late_offers,
    live_godta_on_closed_offers,
    offer_post_delays,
    outbox_pending,
    posted_twice,
    settle,
    status_posts,
    timeouts,
    together,
    unsent_offers,
)
from tests.faults.scenarios import CW_B, driver, new_live_request, open_offers, press, request_consistent
from tests.modals import fill, open_by_command, submit, wait_for

#: The issue's bar for a standby to take over from a killed scheduler.
TAKEOVER_LIMIT = 10.0
#: How long the suite waits for the messages a killed process had claimed (its
#: claims must run out before another process sends them).
DRAIN_PATIENCE = 240.0
#: An offer's DM must reach Slack within this many seconds of the offer being
#: made, even when the process that was sending it died (its claim runs out).
MESSAGE_PATIENCE = 30.0


def _drain(cluster: Cluster) -> list[str]:
    """Wait until the outbox has sent everything; what is still waiting after
    ``DRAIN_PATIENCE`` is a failure (late is judged by the measures)."""
    try:
        wait_for(lambda: outbox_pending(cluster) == 0, timeout=DRAIN_PATIENCE, interval=0.5)
    except AssertionError:
        return [f"{outbox_pending(cluster)} messages still not sent {DRAIN_PATIENCE:.0f} s later"]
    settle(cluster, quiet=1.5)
    return []


def _next_deadline(cluster: Cluster, rids: list[int]) -> Any:
    ids = ", ".join(str(r) for r in rids)
    return cluster.query("SELECT MIN(deadline_at) FROM offers "
                         f"WHERE state = 'open' AND request_id IN ({ids})")[0][0]


def _wait_standby(proc: Proc) -> None:
    wait_for(lambda: "standby" in proc.output() or "scheduler active" in proc.output(), timeout=60,
             interval=0.1)


def scheduler_kill(cluster: Cluster, trials: int) -> Outcome:
    """kill -9 of the active scheduler (another one waits as a standby) within
    ±0.5 s of the moment offers time out; a new standby is started after each
    kill. Failure per kill: no tick by another scheduler within 10 s (the
    takeover), a timeout of that round not fired exactly once (an offer still
    open after its deadline, or two ``timed_out`` audit rows), an inconsistent
    request; over the row, any message posted twice, a live Godta on a closed
    offer, a message never sent, an offer's DM more than 30 s late. Measures
    the takeover (kill → the new holder's first tick), how late timeouts fired,
    and how long offers waited for their DM."""
    assert len(cluster.scheds) >= 2, "the row needs a standby scheduler"
    outcome = Outcome()
    since = cluster.fake.call_count()
    made: list[int] = []
    for i in range(trials):
        batch = [rid for k in range(3)
                 if (rid := new_live_request(cluster, cluster.webs[(i + k) % 2])[1])]
        made += batch
        deadline = wait_for(lambda b=batch: _next_deadline(cluster, b), timeout=20)
        aim = cluster.real_time_of(deadline) + ((i % 5) - 2) * 0.25
        time.sleep(max(0.0, aim - time.time()))
        active = cluster.active_scheduler()
        old_holder = cluster.tick_holder()[0]  # type: ignore[index]
        killed_at = time.time()
        active.kill()
        cluster.scheds.remove(active)
        problems: list[str] = []
        try:
            holder = wait_for(lambda old=old_holder: (h := cluster.tick_holder()) and h[0] != old and h,
                              timeout=60, interval=0.05)
            takeover = cluster.real_time_of(holder[1]) - killed_at
            outcome.measure("takeover", takeover)
            if takeover > TAKEOVER_LIMIT:
                problems.append(f"the standby took over {takeover:.1f} s after the kill")
        except AssertionError:
            problems.append("no other scheduler ticked within 60 s of the kill")
        _wait_standby(cluster.add_standby())
        wait_for(lambda b=batch: not any(open_offers(cluster, r) for r in b),
                 timeout=cluster.live_timeout * 3 + 60, interval=0.2)
        found, late = timeouts(cluster, batch, grace=2.0)
        for seconds in late:
            outcome.measure("timeouts fired late by", seconds)
        outcome.trial(problems + found + [p for r in batch for p in request_consistent(cluster, r)])
    extra = _drain(cluster) + unsent_offers(cluster, made)
    extra += posted_twice(cluster, since) + doubles(cluster, CW_B, since)
    extra += live_godta_on_closed_offers(cluster, made)
    _charge(outcome, extra + _offer_delays(outcome, cluster, made))
    return outcome


def _offer_delays(outcome: Outcome, cluster: Cluster, made: list[int], not_before: float = 0.0) -> list[str]:
    delays = offer_post_delays(cluster, made, not_before)
    for seconds in delays.values():
        outcome.measure("offer DM after", seconds)
    return late_offers(delays, MESSAGE_PATIENCE)


def _charge(outcome: Outcome, problems: list[str]) -> None:
    """Row-wide problems count against the row's trials (at most all of them)."""
    if problems:
        outcome.failures = min(outcome.trials, outcome.failures + len(problems))
        outcome.notes.extend(problems[:8])


def _send(action: Any) -> tuple[Any, float]:
    start = time.monotonic()
    try:
        resp = action()
    except OSError as exc:  # the process died under the request
        resp = SimpleNamespace(status=0, body=f"{type(exc).__name__}: {exc}")
    return resp, time.monotonic() - start


def web_kill(cluster: Cluster, rounds: int, forms: int = 4, clicks: int = 2) -> Outcome:
    """``rounds`` times: kill -9 of a web process 0–0.4 s after ``forms`` live request forms were
    submitted to it and ``clicks`` coordinators pressed Godta on it, all at once;
    the process is started again, and a form whose answer was lost is submitted
    again to the other web process (as a person presses the button again).
    Failure per form: answered 200 but not stored (lost), or stored twice; per
    click: answered 200 but not applied (the offer not accepted). Over the row:
    a stored request without its status DM, any message posted twice, a second
    status DM, a live Godta on a closed offer, a message never sent, an offer's
    DM more than 30 s late."""
    outcome = Outcome()
    since = cluster.fake.call_count()
    rng = random.Random(18)
    made: list[int] = []
    for i in range(rounds):
        index = i % 2
        victim, other = cluster.webs[index], cluster.webs[1 - index]
        drv = driver(cluster, victim)
        opened = []
        for _ in range(forms):
            view = open_by_command(drv, CW_B, "veiledning", timeout=30)
            opened.append((view, fill(view, {"description": f"Trenger hjelp, skjema {view['id']}"})))
        offered = []
        for _ in range(clicks):
            _, rid = new_live_request(cluster, other)
            assert rid is not None
            holder = wait_for(lambda r=rid: open_offers(cluster, r), timeout=20)[0]
            offered.append((rid, holder))
            made.append(rid)
        before = cluster.query("SELECT COALESCE(MAX(id), 0) FROM requests")[0][0]
        delay = rng.uniform(0.0, 0.4)

        def kill(victim: Proc = victim, delay: float = delay) -> None:
            time.sleep(delay)
            victim.kill()

        actions = [lambda d=drv, v=v, x=x: _send(lambda: submit(d, CW_B, v, x)) for v, x in opened]
        actions += [lambda d=drv, r=r, h=h: _send(lambda: press(d.slack, h, "request_accept", str(r)))
                    for r, h in offered]
        answers = together([*actions, kill])[:-1]
        cluster.replace_web(index)
        again = driver(cluster, cluster.webs[1 - index])
        resent = {}
        for (view, values), (resp, _took) in zip(opened, answers[:forms], strict=True):
            if resp.status != 200:
                resent[view["id"]] = _send(lambda d=again, v=view, x=values: submit(d, CW_B, v, x))[0]
        time.sleep(0.5)
        stored = cluster.query(f"SELECT description, id FROM requests WHERE id > {before}")
        counts = {view["id"]: sum(1 for d, _ in stored if d.endswith(view["id"])) for view, _ in opened}
        results: list[list[str]] = []
        for (view, _values), (resp, _took) in zip(opened, answers[:forms], strict=True):
            problems = []
            if counts[view["id"]] == 0:
                if resp.status == 200 and not resp.body.strip():
                    problems.append(f"form {view['id']} answered 200 but not stored")
                elif view["id"] in resent:
                    problems.append(f"form {view['id']} sent again (answered {resent[view['id']].status}) "
                                    "but not stored")
            if counts[view["id"]] > 1:
                problems.append(f"form {view['id']} stored {counts[view['id']]} times")
            results.append(problems)
        for (rid, holder), (resp, _took) in zip(offered, answers[forms:], strict=True):
            state = cluster.query("SELECT o.state FROM offers o JOIN people p ON p.id = o.person_id "
                                  f"WHERE o.request_id = {rid} AND p.slack_user_id = '{holder}'")[0][0]
            results.append([f"Godta on request {rid} answered 200 but the offer is {state}"]
                           if resp.status == 200 and state != "accepted" else [])
        made += [rid for _, rid in stored]
        for problems in results:
            outcome.trial(problems)
    extra = _drain(cluster)
    told = status_posts(cluster, CW_B, since)
    extra += [f"request {rid} stored but no status DM" for rid in made if told[str(rid)] < 1]
    extra += unsent_offers(cluster, made)
    extra += [p for rid in made for p in request_consistent(cluster, rid)]
    extra += posted_twice(cluster, since) + doubles(cluster, CW_B, since)
    extra += live_godta_on_closed_offers(cluster, made)
    _charge(outcome, extra + _offer_delays(outcome, cluster, made))
    return outcome
