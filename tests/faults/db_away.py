"""The database-away row of issue 18's table: the database goes away for 40 s
(PostgreSQL: the cluster's own server stops and starts again; SQLite: another
connection holds the write lock) while people submit forms, press Godta and log
production, and while offers fall due.

What people are told is judged by what they would read: a form's answer
(``response_action: errors`` carries the text on a field), the ephemeral answer
to a click (posted to its ``response_url``), the answer to a command.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bot.domain.language import Lang
from bot.i18n import t
from tests.faults.cluster import Cluster
from tests.faults.judges import (
    Outcome,
    all_text,
    doubles,
    live_godta_on_closed_offers,
    posted_twice,
    timeouts,
    unsent_offers,
)
from tests.faults.kills import _charge, _drain, _offer_delays, _send
from tests.faults.scenarios import CW_B, driver, new_live_request, open_offers, press, request_consistent
from tests.modals import IFK_A, fill, open_by_command, submit, wait_for

NOT_SAVED = {t(lang, key) for lang in Lang for key in ("error.not_saved", "error.not_saved_field")}
#: What must never be said of an action that was not applied.
FALSE_COMFORT = ("ikke mistet", "nothing lost", "nothing was lost", "ingenting er tapt")
#: Slack gives up on an answer after 3 s.
SLACK_PATIENCE = 3.0


def _says_not_saved(text: str) -> bool:
    return any(phrase in text for phrase in NOT_SAVED)


def _comforts(text: str) -> bool:
    return any(phrase in text.lower() for phrase in FALSE_COMFORT)


def _form_answer(resp: Any) -> str:
    try:
        body = json.loads(resp.body or "{}")
    except ValueError:
        return str(resp.body)
    return " ".join(str(v) for v in (body.get("errors") or {}).values()) if isinstance(body, dict) else ""


def _command_answer(resp: Any) -> str:
    try:
        body = json.loads(resp.body or "{}")
    except ValueError:
        return str(resp.body)
    return str(body.get("text") or "") if isinstance(body, dict) else ""


def _hooked(cluster: Cluster, url: str) -> str:
    """Everything posted to one ``response_url`` so far."""
    path = url[url.index("/hooks/"):]
    return " ".join(all_text(c.args) for c in cluster.fake.calls("response_url") if c.path == path)


#: Actions per outage (forms, clicks and commands in turn).
PER_OUTAGE = 12


def database_away(cluster: Cluster, trials: int, seconds: float = 40.0) -> Outcome:
    """The database away for ``seconds`` s, as often as it takes to try
    ``trials`` actions, at most ``PER_OUTAGE`` per outage, spread over it in
    turn: a live request form submitted, Godta pressed on an open offer, ``/ifn
    produksjon intervju``. Failure per action: not answered within Slack's 3 s
    with HTTP 200; not applied and not told "not saved — try again" (or told
    something comforting); applied and told it was not saved. Per outage
    (counted as one more trial): ``/readyz`` of a web process not 503 naming the
    database during the outage, or not ready again within 90 s after it; a
    timeout due during the outage not fired exactly once after it; a request
    made after the outage not announced; an offer's DM more than 30 s after it
    was made or the database came back. Over the row: a message posted twice, a
    second status DM, a live Godta on a closed offer, a message never sent."""
    outcome = Outcome()
    since = cluster.fake.call_count()
    made: list[int] = []
    left = trials
    while left > 0:
        actions = min(PER_OUTAGE, left)
        made += _outage(cluster, actions, seconds, outcome)
        left -= actions
    extra = unsent_offers(cluster, made) + posted_twice(cluster, since) + doubles(cluster, CW_B, since)
    extra += live_godta_on_closed_offers(cluster, made)
    _charge(outcome, extra)
    return outcome


def _outage(cluster: Cluster, trials: int, seconds: float, outcome: Outcome) -> list[int]:
    """One outage with ``trials`` actions in it; the requests it made."""
    kinds = ["form", "godta", "command"]
    plan = [kinds[i % 3] for i in range(trials)]
    forms = []
    for i in range(plan.count("form")):
        drv = driver(cluster, cluster.webs[i % 2])
        view = open_by_command(drv, CW_B, "veiledning", timeout=30)
        forms.append((drv, view, fill(view, {"description": f"Under bortfallet, skjema {view['id']}"})))
    made: list[int] = []
    offers: list[tuple[int, str]] = []
    for i in range(max(1, plan.count("godta"))):
        _, rid = new_live_request(cluster, cluster.webs[i % 2])
        assert rid is not None
        made.append(rid)
        offers.append((rid, wait_for(lambda r=rid: open_offers(cluster, r), timeout=20)[0]))
    logs_before = cluster.query("SELECT COUNT(*) FROM production_logs")[0][0]
    max_before = cluster.query("SELECT COALESCE(MAX(id), 0) FROM requests")[0][0]

    cluster.db_away()
    began = time.monotonic()
    time.sleep(1.0)
    answers: list[tuple[str, Any, float, Any]] = []
    spacing = max(0.5, (seconds - 6.0) / max(1, trials))
    for i, kind in enumerate(plan):
        web = cluster.webs[i % 2]
        if kind == "form":
            drv, view, values = forms.pop(0)
            drv = driver(cluster, web)
            resp, took = _send(lambda d=drv, v=view, x=values: submit(d, CW_B, v, x))
            answers.append((kind, resp, took, view["id"]))
        elif kind == "godta":
            rid, holder = offers[(i // 3) % len(offers)]
            slack = cluster.slack(web)
            url = slack.new_response_url()
            resp, took = _send(lambda s=slack, h=holder, r=rid, u=url: press(s, h, "request_accept", str(r),
                                                                             response_url=u))
            answers.append((kind, resp, took, (rid, holder, url)))
        else:
            resp, took = _send(lambda w=web: cluster.slack(w).slash_command(IFK_A, "produksjon intervju"))
            answers.append((kind, resp, took, None))
        time.sleep(max(0.0, began + 1.0 + (i + 1) * spacing - time.monotonic()))
    ready_during = [cluster.readyz(web) for web in cluster.webs]
    time.sleep(max(0.0, seconds - (time.monotonic() - began)))
    cluster.db_back()
    back_at, back_real = time.monotonic(), time.time()

    outage: list[str] = []
    for status, body in ready_during:
        if status != 503 or "database" not in json.dumps(body.get("failed", [])):
            outage.append(f"/readyz during the outage: {status} {body.get('failed')}")
    try:
        wait_for(lambda: all(cluster.readyz(w)[0] == 200 for w in cluster.webs), timeout=90, interval=0.5)
        outcome.measure("ready again after", time.monotonic() - back_at)
    except AssertionError:
        outage.append(f"/readyz not 200 90 s after the database came back: "
                      f"{[cluster.readyz(w) for w in cluster.webs]}")
    time.sleep(2.0)  # answers to clicks during the outage arrive after them

    stored = cluster.query(f"SELECT description, id FROM requests WHERE id > {max_before}")
    logs_after = cluster.query("SELECT COUNT(*) FROM production_logs")[0][0]
    logged_ok = 0
    for kind, resp, took, what in answers:
        problems = []
        if resp.status != 200 or took > SLACK_PATIENCE:
            problems.append(f"{kind}: answered {resp.status} after {took:.1f} s")
        if kind == "form":
            copies = sum(1 for d, _ in stored if d.endswith(what))
            applied = copies > 0
            if copies > 1:
                problems.append(f"form {what} stored {copies} times")
            said = _form_answer(resp)
            told_ok = resp.status == 200 and not resp.body.strip()
        elif kind == "godta":
            rid, holder, url = what
            applied = cluster.query("SELECT o.state FROM offers o JOIN people p ON p.id = o.person_id "
                                    f"WHERE o.request_id = {rid} AND p.slack_user_id = '{holder}'")[0][0] \
                == "accepted"
            said = _hooked(cluster, url)
            told_ok = not _says_not_saved(said)  # an applied Godta turns the offer DM into its outcome
        else:
            said = _command_answer(resp)
            applied = None  # counted below: as many logs as commands told "logged"
            told_ok = said.startswith(("Registrert", "Logged"))
            logged_ok += told_ok
        if _comforts(said):
            problems.append(f"{kind}: told {said[:80]!r}")
        if applied is False and not _says_not_saved(said):
            problems.append(f"{kind}: not applied and told {said[:80]!r}")
        if applied and not told_ok:
            problems.append(f"{kind}: applied but told {said[:80]!r}")
        if applied is None and not told_ok and not _says_not_saved(said):
            problems.append(f"{kind}: told {said[:80]!r}")
        outcome.trial(problems)
    if logs_after - logs_before != logged_ok:
        _charge(outcome, [f"{logs_after - logs_before} production logs for {logged_ok} commands told so"])

    made += [rid for _, rid in stored]
    wait_for(lambda: not any(open_offers(cluster, r) for r in made), timeout=cluster.live_timeout * 3 + 90,
             interval=0.5)
    found, late = timeouts(cluster, made, grace=2.0)
    outage += found + [p for rid in made for p in request_consistent(cluster, rid)]
    _, after = new_live_request(cluster, cluster.webs[0])
    if after is None:
        outage.append("a request after the outage was not stored")
    else:
        made.append(after)
        try:
            wait_for(lambda: open_offers(cluster, after), timeout=30)
        except AssertionError:
            outage.append(f"request {after} after the outage: no offer")
    outage += _drain(cluster)
    outage += _offer_delays(outcome, cluster, made, not_before=back_real)
    outcome.trial(outage)
    for seconds_late in late:
        outcome.measure("timeouts fired late by", seconds_late)
    return made
