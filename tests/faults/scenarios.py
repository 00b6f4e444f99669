"""The rows of issue 18's table as scenarios over a running ``Cluster``.

Each scenario takes the cluster and a number of trials and returns an
``Outcome``: how many trials, how many failed, and what failed (the failure
definitions are in each docstring). The same functions run with small counts in
``tests/faults`` (CI) and with full counts in ``benchmarks/fault_table.py``.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

from sandbox.slack_requests import SignedRequests, button
from tests.db_scan import places_holding
from tests.faults.cluster import Cluster, Proc
from tests.faults.judges import (
    Outcome,
    buttons,
    doubles,
    live_godta_on_closed_offers,
    offer_posts,
    ping_tokens,
    posts,
    refused_calls,
    settle,
    status_posts,
    together,
)
from tests.modals import (
    CW_B,
    IFK_A,
    IFK_B,
    MODALS,
    fill,
    open_by_command,
    refused_on,
    submit,
    text_blocks,
    wait_for,
)
from tests.national_ids import DNR, FNR, other_writings
from tests.slack_junk import JUNK

IFR_1, IFR_2, BFK, IFK_C = "U0IFR00001", "U0IFR00002", "U0BFK00001", "U0IFKC0001"
CW_A = "U0CWA10001"
COORDINATORS = (IFK_A, IFK_B, IFK_C, BFK, IFR_1, IFR_2)
MESSAGE = {"type": "message", "ts": "1700000000.000100", "text": "", "blocks": []}


def driver(cluster: Cluster, web: Proc | None = None) -> Any:
    assert cluster.fake is not None
    return SimpleNamespace(slack=cluster.slack(web), fake=cluster.fake, query=cluster.query)


def press(slack: SignedRequests, user: str, action: str, value: str, **options: Any):
    return slack.block_actions(user, [button(action, value)], message=MESSAGE, channel="D" + user, **options)


def new_live_request(cluster: Cluster, web: Proc | None = None, user: str = CW_B) -> tuple[Any, int | None]:
    """Submit a live request through ``web``; (the HTTP answer, the new request id or None)."""
    drv = driver(cluster, web)
    before = cluster.query("SELECT COALESCE(MAX(id), 0) FROM requests")[0][0]
    view = open_by_command(drv, user, "veiledning", timeout=30)
    resp = submit(drv, user, view, fill(view))
    rows = cluster.query(f"SELECT MIN(id) FROM requests WHERE id > {before}")
    return resp, rows[0][0]


def open_offers(cluster: Cluster, rid: int) -> list[str]:
    return [sid for (sid,) in cluster.query(
        "SELECT p.slack_user_id FROM offers o JOIN people p ON p.id = o.person_id "
        f"WHERE o.request_id = {rid} AND o.state = 'open'")]


def request_consistent(cluster: Cluster, rid: int) -> list[str]:
    state, assignee = cluster.query(f"SELECT state, assignee_id FROM requests WHERE id = {rid}")[0]
    offers = cluster.query(f"SELECT person_id, state FROM offers WHERE request_id = {rid}")
    accepted = [pid for pid, s in offers
                if s == "accepted"]
    problems = []
    if state == "accepted" and accepted != [assignee]:
        problems.append(f"request {rid} accepted by {assignee} but accepted offers {accepted}")
    if state != "accepted" and accepted:
        problems.append(f"request {rid} is {state} with accepted offers {accepted}")
    if state == "accepted" and open_offers(cluster, rid):
        problems.append(f"request {rid} accepted but offers still open")
    return problems


# ------------------------------------------------------------------- rows


def accept_race(cluster: Cluster, trials: int) -> Outcome:
    """Two or three coordinators press Godta at the same instant on a live
    request widened to several. Failure: an HTTP answer other than 200, not
    exactly one accepted offer (the assignee's), an offer left open, a live
    Godta left on a closed offer, an offer or status message posted twice."""
    outcome = Outcome()
    since = cluster.fake.call_count()
    made = [new_live_request(cluster, cluster.webs[i % 2])[1] for i in range(trials)]
    for rid in made:
        if rid is None:
            outcome.trial(["request not stored"])
            continue
        holders = wait_for(lambda rid=rid: len(open_offers(cluster, rid)) >= 2 and open_offers(cluster, rid),
                           timeout=cluster.live_timeout * 4 + 20)
        clickers = holders[:3]
        answers = together([lambda u=u, i=i: press(cluster.slack(cluster.webs[i % 2]), u, "request_accept",
                                                   str(rid)) for i, u in enumerate(clickers)])  # noqa: B023
        problems = [f"Godta answered {getattr(a, 'status', a)}" for a in answers
                    if getattr(a, "status", 0) != 200]
        wait_for(lambda rid=rid: not open_offers(cluster, rid), timeout=30)
        outcome.trial(problems + request_consistent(cluster, rid))
    settle(cluster)
    extra = live_godta_on_closed_offers(cluster, made) + doubles(cluster, CW_B, since)
    if extra:
        outcome.failures = min(outcome.trials, outcome.failures + len(extra))
        outcome.notes.extend(extra[:5])
    return outcome


def godta_at_timeout(cluster: Cluster, trials: int) -> Outcome:
    """The offered coordinator presses Godta within ±0.3 s of the offer's
    deadline. Failure: an inconsistent request (accepted without the accepted
    offer, or with offers still open), a live Godta on a closed offer, an HTTP
    answer other than 200."""
    outcome = Outcome()
    for i in range(trials):
        resp, rid = new_live_request(cluster, cluster.webs[i % 2])
        if rid is None:
            outcome.trial(["request not stored"])
            continue
        deadline = wait_for(lambda rid=rid: cluster.query(
            f"SELECT MIN(deadline_at) FROM offers WHERE request_id = {rid}")[0][0], timeout=20)
        real = cluster.real_time_of(deadline) + ((i % 7) - 3) * 0.1
        time.sleep(max(0.0, real - time.time()))
        answer = press(cluster.slack(cluster.webs[(i + 1) % 2]), IFK_B, "request_accept", str(rid))
        problems = [] if answer.status == 200 else [f"Godta answered {answer.status}"]
        time.sleep(0.5)
        settle(cluster, quiet=1.5)
        problems += request_consistent(cluster, rid) + live_godta_on_closed_offers(cluster, [rid])
        outcome.trial(problems)
    return outcome


def signatures(cluster: Cluster, trials: int) -> Outcome:
    """Forged, stale, future and missing signatures on Godta; Godta by someone
    not offered; a tampered value (another request's id, junk); an unknown user.
    Failure: a signature case not answered 401, any answer 500, or any change to
    the requests, offers or audit rows of the requests involved."""
    outcome = Outcome()
    for i in range(max(1, trials // 11)):
        _, rid = new_live_request(cluster, cluster.webs[i % 2])
        _, other = new_live_request(cluster, cluster.webs[i % 2], user=CW_A)
        assert rid and other
        wait_for(lambda: open_offers(cluster, rid) and open_offers(cluster, other), timeout=20)  # noqa: B023
        settle(cluster, quiet=1.0)
        snapshot = _rows(cluster, rid, other)
        slack = cluster.slack(cluster.webs[i % 2])
        now = int(time.time())
        cases: list[tuple[str, Any, int]] = [
            ("forged", press(slack, IFK_B, "request_accept", str(rid), sign_with="wrong"), 401),
            ("stale", press(slack, IFK_B, "request_accept", str(rid), timestamp=now - 600), 401),
            ("future", press(slack, IFK_B, "request_accept", str(rid), timestamp=now + 600), 401),
            ("missing", press(slack, IFK_B, "request_accept", str(rid), unsigned=True), 401),
            ("wrong person", press(slack, IFR_2, "request_accept", str(rid)), 200),
            ("tampered id", press(slack, IFK_B, "request_accept", str(other)), 200),
            ("tampered junk", press(slack, IFK_B, "request_accept", "1; DROP TABLE requests"), 200),
            ("tampered negative", press(slack, IFK_B, "request_accept", "-1"), 200),
            ("unknown user", press(slack, "U0NOBODY01", "request_accept", str(rid)), 200),
            ("decline by wrong person", press(slack, IFR_2, "request_decline", str(rid)), 200),
            ("cancel by wrong person", press(slack, IFK_B, "request_cancel", str(rid)), 200),
        ]
        time.sleep(0.5)
        settle(cluster, quiet=1.0)
        changed = _rows(cluster, rid, other) != snapshot
        for name, answer, expected in cases:
            problems = [] if answer.status == expected else [f"{name}: HTTP {answer.status}"]
            outcome.trial(problems + ([f"{name}: rows changed"] if changed else []))
        for r in (rid, other):  # leave nothing open for later rows
            press(slack, CW_B if r == rid else CW_A, "request_cancel", str(r))
    return outcome


def _rows(cluster: Cluster, *rids: int) -> tuple[Any, ...]:
    ids = ", ".join(str(r) for r in rids)
    return (cluster.query(f"SELECT id, state, assignee_id FROM requests WHERE id IN ({ids}) ORDER BY id"),
            cluster.query(f"SELECT id, state FROM offers WHERE request_id IN ({ids}) ORDER BY id"),
            cluster.query(f"SELECT COUNT(*) FROM audit_events WHERE request_id IN ({ids})"))


def _with_number(block: str, written: str) -> str:
    if block == "case_ref":
        return written
    if block == "mtg_agenda":
        return f"https://wiki.example/sak/{written}"
    return f"Gjelder søker {written} i saken"


def national_ids(cluster: Cluster, trials: int, writings: dict[str, str] | None = None) -> Outcome:
    """A national id (plain, D-number, or written other ways) in each free-text
    field of each modal. Failure: not refused on that field, or the number found
    anywhere in the database afterwards."""
    writings = writings or {"plain": FNR, "D-number": DNR, **other_writings(FNR)}
    outcome = Outcome()
    per_field = max(1, trials // 25)
    names = list(writings)
    for index, form in enumerate(MODALS):
        drv = driver(cluster, cluster.webs[index % 2])
        view = form.open(drv)
        for block in text_blocks(view):
            for k in range(per_field):
                name = names[(index + k) % len(names)]
                values = fill(view, {block: _with_number(block, writings[name])}, form.choices)
                resp = submit(drv, form.user, view, values)
                ok = refused_on(resp, block)
                outcome.trial([] if ok else [f"{form.name}.{block} ({name}): {resp.status} {resp.body[:80]}"])
    settle(cluster, quiet=1.0)
    for number in (FNR, DNR):
        stored = places_holding(cluster.engine, number)
        if stored:
            outcome.failures = min(outcome.trials, outcome.failures + len(stored))
            outcome.notes.append(f"stored in {stored[:3]}")
    return outcome


def other_writings_row(cluster: Cluster, trials: int) -> Outcome:
    """The issue's row of numbers written other ways, only those writings."""
    return national_ids(cluster, trials, other_writings(FNR))


def malformed(cluster: Cluster, trials: int) -> Outcome:
    """Junk bodies, signed and unsigned, to both web processes. Failure: an
    answer other than 400 (signed) / 401 (unsigned), or a traceback logged."""
    outcome = Outcome()
    rounds = max(1, trials // (2 * len(JUNK)))
    before = cluster.tracebacks()
    for r in range(rounds):
        for i, junk in enumerate(JUNK):
            slack = cluster.slack(cluster.webs[(i + r) % 2])
            body = junk.body(slack)
            signed = slack.post(body, junk.content_type)
            outcome.trial([] if signed.status == 400 else [f"{junk.name} signed: {signed.status}"])
            unsigned = slack.post(body, junk.content_type, unsigned=True)
            outcome.trial([] if unsigned.status == 401 else [f"{junk.name} unsigned: {unsigned.status}"])
    logged = cluster.tracebacks() - before
    if logged:
        outcome.failures = min(outcome.trials, outcome.failures + logged)
        outcome.notes.append(f"{logged} tracebacks logged")
    return outcome


HOSTILE = {
    "channel": "Hei <!channel> se her",
    "here": "Obs <!here>!",
    "everyone": "Til <!everyone>",
    "mention": "Spør <@U0HOSTILE1> om dette",
    "disguised link": "Les <http://evil.example/login|Godta her>",
    "NUL": "Tekst med \x00 null",
    "control": "Tekst med \x1b[31m farge",
    "long": "Lang tekst " + "x" * 2990,
}


def hostile_text(cluster: Cluster, trials: int, forms: tuple[str, ...] | None = None) -> Outcome:
    """Hostile text in every free-text field of every modal. Failure: HTTP 500;
    a ping or disguised link from the text reaching Slack unescaped; a message
    Slack refused after the form was accepted."""
    outcome = Outcome()
    names = list(HOSTILE)
    per_field = max(1, trials // 25)
    for index, form in enumerate(m for m in MODALS if forms is None or m.name in forms):
        drv = driver(cluster, cluster.webs[index % 2])
        view = form.open(drv)
        for block in text_blocks(view):
            for k in range(per_field):
                name = names[(index + k + len(outcome.notes)) % len(names)]
                if block in ("case_ref", "mtg_agenda"):
                    continue
                since = cluster.fake.call_count()
                view = form.open(drv)
                resp = submit(drv, form.user, view, fill(view, {block: HOSTILE[name]}, form.choices))
                problems = [f"{form.name}.{block} ({name}): HTTP {resp.status}"] if resp.status >= 500 else []
                time.sleep(0.2)
                settle(cluster, quiet=0.6)
                problems += ping_tokens(cluster, since, [HOSTILE[name]])
                problems += refused_calls(cluster, since)
                outcome.trial(problems)
    return outcome


def double_submits(cluster: Cluster, trials: int, forms: tuple[str, ...] | None = None,
                   ways: tuple[str, ...] = ("sequential", "concurrent", "retry")) -> Outcome:
    """Each form that creates something submitted twice (the same view):
    sequentially, concurrently, and as Slack's redelivery. Failure: more than
    one new row, or an answer of 500."""
    tables = {"live": "requests", "feedback": "requests", "hour": "requests", "support": "requests",
              "issue": "line_issues", "group session": "group_sessions", "training session": "group_sessions",
              "meeting": "meetings", "work plan": "minutes", "exemption": "exemptions"}
    outcome = Outcome()
    rounds = max(1, trials // (3 * len(tables)))
    for r in range(rounds):
        for form in (m for m in MODALS if m.name in tables and (forms is None or m.name in forms)):
            table = tables[form.name]
            for how in ways:
                if form.name == "exemption" and (r or how != "sequential"):
                    continue  # one exemption per week and person
                a, b = driver(cluster, cluster.webs[0]), driver(cluster, cluster.webs[1])
                view = form.open(a)
                values = fill(view, {}, form.choices)
                before = cluster.query(f"SELECT COUNT(*) FROM {table}")[0][0]
                if how == "concurrent":
                    answers = together([lambda d=d: submit(d, form.user, view, values)  # noqa: B023
                                        for d in (a, b)])
                else:
                    answers = [submit(a, form.user, view, values)]
                    extra = {"retry_num": 1, "retry_reason": "http_timeout"} if how == "retry" else {}
                    answers.append(submit(b, form.user, view, values, **extra))
                time.sleep(0.3)
                created = cluster.query(f"SELECT COUNT(*) FROM {table}")[0][0] - before
                problems = [f"{form.name} {how}: HTTP {getattr(x, 'status', x)}" for x in answers
                            if getattr(x, "status", 500) >= 500]
                if created > 1:
                    problems.append(f"{form.name} {how}: {created} rows")
                outcome.trial(problems)
    return outcome


def slack_trouble(cluster: Cluster, trials: int, kind: str, seconds: float, **options: Any) -> Outcome:
    """Live request forms (opened before) submitted all at once while Slack
    answers 500 / 429 / refuses / is slow, then left to settle. Failure per
    request: stored but not answered within Slack's 3 s, not stored although
    answered 200, more than one status DM, an offer posted twice, a live Godta
    left on a closed offer."""
    outcome = Outcome()
    since = cluster.fake.call_count()
    opened = []
    for i in range(trials):
        drv = driver(cluster, cluster.webs[i % 2])
        view = open_by_command(drv, CW_B, "veiledning", timeout=30)
        opened.append((drv, view, fill(view, {"description": f"Trenger hjelp, skjema {view['id']}"})))
    before = cluster.query("SELECT COALESCE(MAX(id), 0) FROM requests")[0][0]
    cluster.fake.fault(kind, seconds, **options)
    began = time.monotonic()

    def send(drv: Any, view: dict[str, Any], values: dict[str, Any]) -> tuple[Any, float]:
        start = time.monotonic()
        try:
            resp = submit(drv, CW_B, view, values)
        except OSError as exc:
            resp = SimpleNamespace(status=0, body=str(exc))
        return resp, time.monotonic() - start

    answers = together([lambda o=o: send(*o) for o in opened])
    time.sleep(max(0.0, seconds - (time.monotonic() - began)))
    cluster.fake.fault(None)
    rows = cluster.query(f"SELECT id, description FROM requests WHERE id > {before}")
    patience = 60.0 + 4 * float(options.get("retry_after", 0)) + 2 * float(options.get("delay", 0))
    try:
        wait_for(lambda: all(_told(cluster, rid, since) for rid, _ in rows), timeout=patience, interval=0.5)
    except AssertionError:
        pass  # judged below, request by request
    settle(cluster, quiet=3.0, timeout=240)
    stored = {view["id"]: rid for rid, text in rows for _, view, _ in opened if text.endswith(view["id"])}
    for (_, view, _), answer in zip(opened, answers, strict=True):
        resp, took = answer if isinstance(answer, tuple) else (SimpleNamespace(status=0, body=str(answer)), 0)
        rid = stored.get(view["id"])
        problems = []
        if rid is not None and (resp.status != 200 or took > 3.0):
            problems.append(f"request {rid} stored but answered {resp.status} after {took:.1f} s")
        if rid is None and resp.status == 200 and not resp.body.strip():
            problems.append("answered 200 but not stored")
        if rid is not None and not _told(cluster, rid, since):
            problems.append(f"request {rid}: no status DM or no offer posted")
        outcome.trial(problems)
    total = cluster.query(f"SELECT COUNT(*) FROM requests WHERE id > {before}")[0][0]
    if total > len(opened):
        outcome.notes.append(f"{total} requests stored for {len(opened)} forms")
    extra = doubles(cluster, CW_B, since) + live_godta_on_closed_offers(cluster)
    if extra:
        outcome.failures = min(outcome.trials, outcome.failures + len(extra))
        outcome.notes.extend(extra[:5])
    return outcome


def _told(cluster: Cluster, rid: int, since: int) -> bool:
    """The requester has a status DM for ``rid`` and every open offer of it was posted."""
    if status_posts(cluster, CW_B, since)[str(rid)] < 1:
        return False
    posted = {channel for (channel, value) in offer_posts(cluster, since) if value == str(rid)}
    return all("D" + holder in posted for holder in open_offers(cluster, rid))


def support_confidentiality(cluster: Cluster, trials: int) -> Outcome:
    """A support request to "anyone"; the first offered coordinator declines.
    Failure: the offer DM left with them still names the requester or shows the
    urgency or the note."""
    outcome = Outcome()
    for i in range(trials):
        drv = driver(cluster, cluster.webs[i % 2])
        before = cluster.query("SELECT COALESCE(MAX(id), 0) FROM requests")[0][0]
        view = open_by_command(drv, CW_B, "støtte")
        submit(drv, CW_B, view, fill(view, {"note": "Tungt intervju i dag"}, {"urgency": "today"}))
        newest = f"SELECT MIN(id) FROM requests WHERE id > {before}"
        rid = wait_for(lambda: cluster.query(newest)[0][0])  # noqa: B023
        holder = wait_for(lambda: open_offers(cluster, rid), timeout=20)[0]  # noqa: B023
        press(cluster.slack(cluster.webs[i % 2]), holder, "request_decline", str(rid))
        time.sleep(0.3)
        settle(cluster, quiet=1.0)
        offered = {c.response["ts"] for c in posts(cluster) if c.response.get("channel") == "D" + holder
                   and ("request_accept", str(rid)) in buttons(c.args)}
        left = [m for m in cluster.fake.messages() if m["channel"] == "D" + holder and m["ts"] in offered]
        if not left:
            outcome.trial([f"no offer DM for request {rid} found"])
            continue
        problems = []
        for message in left:
            text = str(message.get("text", "")) + str(message.get("blocks", ""))
            for secret in ("Emil Strand", "Tungt intervju", "i dag", "today"):
                if secret in text:
                    problems.append(f"declined offer of request {rid} still shows {secret!r}")
        outcome.trial(problems)
        press(cluster.slack(), CW_B, "request_cancel", str(rid))
    return outcome
