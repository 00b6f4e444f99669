"""What the fault suite may look at, and how it judges: every call the fake
Slack received and the messages as they stand, and the rows of ``requests``,
``offers`` and ``audit_events`` (plus the feature tables a form writes to).
Nothing here knows the bot's code: a message is read by its buttons and texts
as a person would read it — and by the key the bot puts in its metadata (one
key per logical message, ``offer:<id>``, ``status:<request id>``), which Slack
stores with the message. The outbox's table is only read to wait until the bot
has nothing left to send.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.fakeslack import iter_blocks_text
from tests.faults.cluster import Cluster
from tests.modals import wait_for
from tests.mrkdwn import parsed_texts

#: Tokens that ping or disguise a link when they reach Slack unescaped.
PING = re.compile(r"<!(channel|here|everyone)(\|[^>]*)?>|<@[UW][A-Z0-9]+(\|[^>]*)?>|<https?://[^>|]+\|[^>]*>")


@dataclass
class Outcome:
    """One row of the table: trials, failures, and what each failure was."""

    trials: int = 0
    failures: int = 0
    notes: list[str] = field(default_factory=list)
    #: What a row measures besides failures (a takeover time, how late timeouts fired), in seconds.
    measures: dict[str, list[float]] = field(default_factory=dict)

    def trial(self, problems: Iterable[str]) -> None:
        found = list(problems)
        self.trials += 1
        if found:
            self.failures += 1
            self.notes.extend(found[:3])

    def measure(self, name: str, seconds: float) -> None:
        self.measures.setdefault(name, []).append(seconds)

    def figures(self) -> str:
        """``takeover 0.3–5.6 s`` for each measure."""
        return "; ".join(f"{name} {min(v):.1f}–{max(v):.1f} s" for name, v in self.measures.items() if v)

    def __iadd__(self, other: Outcome) -> Outcome:
        self.trials += other.trials
        self.failures += other.failures
        self.notes.extend(other.notes)
        for name, values in other.measures.items():
            self.measures.setdefault(name, []).extend(values)
        return self


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(action_id, value) of every button in a message or call's blocks."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button" and "action_id" in node:
                found.append((node["action_id"], str(node.get("value", ""))))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks"))
    return found


def all_text(args: dict[str, Any]) -> str:
    return " ".join([str(args.get("text") or ""), *iter_blocks_text(args.get("blocks"))])


def posts(cluster: Cluster, since: int = 0) -> list[Any]:
    """Successful chat.postMessage calls."""
    assert cluster.fake is not None
    return [c for c in cluster.fake.calls("chat.postMessage", since) if c.http_status == 200
            and (c.response or {}).get("ok")]


def slack_id_of(cluster: Cluster) -> dict[int, str]:
    return {pid: sid for pid, sid in cluster.query("SELECT id, slack_user_id FROM people") if sid}


def dm(user: str) -> str:
    return "D" + user


def offer_posts(cluster: Cluster, since: int = 0) -> Counter[tuple[str, str]]:
    """How many times an offer (a message with Godta for request R) was posted to each DM."""
    counted: Counter[tuple[str, str]] = Counter()
    for call in posts(cluster, since):
        channel = call.response.get("channel", "")
        for action, value in buttons(call.args):
            if action == "request_accept":
                counted[(channel, value)] += 1
    return counted


def status_posts(cluster: Cluster, requester: str, since: int = 0) -> Counter[str]:
    """How many status messages were posted to ``requester`` per request id."""
    counted: Counter[str] = Counter()
    for call in posts(cluster, since):
        if call.response.get("channel") != dm(requester):
            continue
        if any(action == "request_accept" for action, _ in buttons(call.args)):
            continue
        for rid in re.findall(r"#(\d+)\b", str(call.args.get("text") or "")[:80]):
            counted[rid] += 1
    return counted


def doubles(cluster: Cluster, requester: str, since: int = 0) -> list[str]:
    problems = [f"offer for request {rid} posted {n} times to {channel}"
                for (channel, rid), n in offer_posts(cluster, since).items() if n > 1]
    problems += [f"{n} status DMs for request {rid}"
                 for rid, n in status_posts(cluster, requester, since).items() if n > 1]
    return problems


def message_key(args: dict[str, Any]) -> str | None:
    """The key a message carries in its metadata: the bot's name for one logical
    message (Slack shows metadata to apps; a person never sees it)."""
    meta = args.get("metadata")
    if isinstance(meta, str):
        try:
            meta = json.loads(meta)
        except ValueError:
            return None
    payload = (meta or {}).get("event_payload") if isinstance(meta, dict) else None
    return str(payload["key"]) if isinstance(payload, dict) and payload.get("key") else None


def posted_twice(cluster: Cluster, since: int = 0) -> list[str]:
    """Any message (status, offer, notice, post) posted more than once: two
    successful chat.postMessage calls carrying the same message key."""
    counted = Counter(message_key(call.args) for call in posts(cluster, since))
    return [f"message {key} posted {n} times" for key, n in counted.items() if key and n > 1]


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def timeouts(cluster: Cluster, request_ids: Iterable[int], grace: float) -> tuple[list[str], list[float]]:
    """Every offer of these requests whose deadline passed more than ``grace``
    seconds ago has been closed, and each timed-out offer has exactly one
    ``timed_out`` audit row. Returns the problems and, per timed-out offer, how
    late it was closed (seconds after its deadline)."""
    ids = ", ".join(str(r) for r in request_ids) or "NULL"
    now = cluster.bot_now()
    offers = cluster.query("SELECT request_id, person_id, state, deadline_at, answered_at FROM offers "
                           f"WHERE request_id IN ({ids})")
    audits = Counter((rid, pid) for rid, pid in cluster.query(
        "SELECT request_id, subject_id FROM audit_events "
        f"WHERE kind = 'timed_out' AND request_id IN ({ids})"))
    problems: list[str] = []
    late: list[float] = []
    for rid, pid, state, deadline, answered in offers:
        overdue = (now - _moment(deadline)).total_seconds()
        if state == "open" and overdue > grace:
            problems.append(f"offer of request {rid} to person {pid} still open {overdue:.0f} s "
                            "after its deadline")
        if state == "timed_out":
            late.append((_moment(answered) - _moment(deadline)).total_seconds())
            if audits[(rid, pid)] != 1:
                problems.append(f"offer of request {rid} to person {pid} timed out "
                                f"{audits[(rid, pid)]} times in the audit")
        elif audits[(rid, pid)]:
            problems.append(f"offer of request {rid} to person {pid} is {state} "
                            "but has a timed_out audit row")
    return problems, late


def offer_post_delays(cluster: Cluster, request_ids: Iterable[int],
                      not_before: float = 0.0) -> dict[int, float]:
    """Per offer of these requests that was posted (live or already in its final
    state): seconds from the offer being made — or from ``not_before`` (a Unix
    time, e.g. when the database came back) if later — to its DM first reaching Slack."""
    ids = ", ".join(str(r) for r in request_ids) or "NULL"
    first: dict[str, float] = {}
    for call in posts(cluster):
        key = message_key(call.args)
        if key and key not in first:
            first[key] = call.time
    delays = {}
    for oid, offered in cluster.query(f"SELECT id, offered_at FROM offers WHERE request_id IN ({ids})"):
        posted = first.get(f"offer:{oid}")
        if posted is not None:
            delays[oid] = max(0.0, posted - max(cluster.real_time_of(offered), not_before))
    return delays


def late_offers(delays: dict[int, float], patience: float) -> list[str]:
    return [f"offer {oid} posted {late:.0f} s after it was made" for oid, late in delays.items()
            if late > patience]


def unsent_offers(cluster: Cluster, request_ids: Iterable[int]) -> list[str]:
    """Offers of these requests whose DM never reached Slack, in any state (an
    offer that timed out before it went out is posted in its final state)."""
    ids = ", ".join(str(r) for r in request_ids) or "NULL"
    sent = {message_key(call.args) for call in posts(cluster)}
    return [f"offer {oid} of request {rid} never posted" for oid, rid in
            cluster.query(f"SELECT id, request_id FROM offers WHERE request_id IN ({ids})")
            if f"offer:{oid}" not in sent]


def outbox_pending(cluster: Cluster) -> int:
    """Messages the bot has not yet got to Slack (the rows waiting in its outbox)."""
    return int(cluster.query("SELECT COUNT(*) FROM outbox_messages WHERE state = 'pending'")[0][0])


def live_godta_on_closed_offers(cluster: Cluster, request_ids: Iterable[int] | None = None) -> list[str]:
    """A Godta button still showing in a DM whose offer is no longer open."""
    assert cluster.fake is not None
    wanted = None if request_ids is None else {str(r) for r in request_ids}
    sid = slack_id_of(cluster)
    state = {(dm(sid[pid]), str(rid)): s for rid, pid, s in
             cluster.query("SELECT request_id, person_id, state FROM offers") if pid in sid}
    problems = []
    for message in cluster.fake.messages():
        for action, value in buttons(message):
            if action != "request_accept" or (wanted is not None and value not in wanted):
                continue
            offer_state = state.get((message["channel"], value))
            if offer_state != "open":
                problems.append(f"live Godta for request {value} in {message['channel']} "
                                f"(offer {offer_state})")
    return problems


def ping_tokens(cluster: Cluster, since: int, markers: Iterable[str]) -> list[str]:
    """Unescaped ping/link tokens the suite put into user text, found in what the bot sent."""
    assert cluster.fake is not None
    wanted = [m for m in markers if m]
    problems = []
    for call in cluster.fake.calls(None, since):
        if call.method not in ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url"):
            continue
        text = " ".join(parsed_texts(call.args))  # plain_text pings nobody
        for token in (m.group(0) for m in PING.finditer(text)):
            if any(token in marker for marker in wanted):
                problems.append(f"{call.method} carried {token!r}")
    return problems


def refused_calls(cluster: Cluster, since: int) -> list[str]:
    """Messages Slack refused (an answer with ok: false) other than for rate limits and outages."""
    assert cluster.fake is not None
    return [f"{c.method} refused: {(c.response or {}).get('error')}" for c in cluster.fake.calls(None, since)
            if c.method.startswith(("chat.", "views.")) and c.http_status == 200
            and not (c.response or {}).get("ok")]


def request_rows(cluster: Cluster, requester: str) -> list[tuple[int, str]]:
    return [(rid, state) for rid, state in cluster.query(
        "SELECT r.id, r.state FROM requests r JOIN people p ON p.id = r.requester_id "
        f"WHERE p.slack_user_id = '{requester}' ORDER BY r.id")]


def settle(cluster: Cluster, quiet: float = 2.0, timeout: float = 60.0) -> None:
    """Wait until the fake has received no call for ``quiet`` seconds."""
    assert cluster.fake is not None
    last = [cluster.fake.call_count(), time.monotonic()]

    def still() -> bool:
        count = cluster.fake.call_count()
        if count != last[0]:
            last[:] = [count, time.monotonic()]
        return time.monotonic() - last[1] >= quiet

    wait_for(still, timeout=timeout, interval=0.2)


def together(actions: list[Callable[[], Any]]) -> list[Any]:
    """Run ``actions`` at the same instant (a barrier), each in a thread; their results."""
    barrier = threading.Barrier(len(actions))
    results: list[Any] = [None] * len(actions)

    def run(index: int, action: Callable[[], Any]) -> None:
        barrier.wait()
        try:
            results[index] = action()
        except Exception as exc:  # noqa: BLE001 - a failed request is a result to judge
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
