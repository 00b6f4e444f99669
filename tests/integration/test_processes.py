"""The bot as an operator runs it, in real processes against the fake Slack:
``ifn-bot run`` supervising its scheduler child, and graceful stops of the web
server and the scheduler in the middle of their work (Slack answering slowly),
judged from the database and from every message Slack received."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.clock import SystemClock
from bot.directory_file import load_directory_file
from bot.services.directory import DirectoryService
from sandbox.fakeslack import FakeSlack
from sandbox.slack_requests import SignedRequests
from storage.models import Meeting, MeetingOccurrence, OutboxMessage, Person, Request
from storage.repositories import meetings as meeting_repo
from tests.conftest import EXAMPLE_ORG
from tests.e2e.test_request_flows import CW_B, live_values
from tests.integration.test_cli import _free_port, wall_clock
from tests.integration.test_scheduler_lock import _wait_for

ROOT = Path(__file__).resolve().parents[2]
SECRET = "process-secret"


def _env(db_url: str, fake: FakeSlack, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "IFN_", "DATABASE_URL",
                                                                     "PROMETHEUS_"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=db_url, SLACK_BOT_TOKEN="xoxb-test",
               SLACK_SIGNING_SECRET=SECRET, SLACK_API_URL=fake.base_url, IFN_NETWORK_CHANNEL="CNETWORK01",
               **extra)
    return env


class Proc:
    """One ``ifn-bot`` process with its output in a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log_path = log
        self._out = log.open("w")
        self.proc = subprocess.Popen([sys.executable, "-m", "app.cli", *args], env=env, cwd=log.parent,
                                     stdout=self._out, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text()

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 40) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except OSError:
        return 0, b""


def _load_directory(session_factory, fake: FakeSlack) -> None:
    data = load_directory_file(EXAMPLE_ORG)
    DirectoryService(session_factory, SystemClock()).import_directory(data)
    for person in data.people:
        if person.slack_id:
            fake.add_user(person.slack_id, name=person.name, email=person.email)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def assert_every_message_once(session_factory, fake: FakeSlack) -> int:
    """Nothing lost: every queued message was delivered. Nothing twice: every message
    in Slack is one the outbox recorded — a second post of the same outbox row would
    leave a message the database knows nothing of."""
    with session_factory() as s:
        rows = list(s.scalars(select(OutboxMessage)))
    assert [r.key for r in rows if r.state != "done"] == []
    recorded = {(r.channel, r.ts) for r in rows if r.ts}
    in_slack = {(m["channel"], m["ts"]) for m in fake.messages()}
    assert in_slack == recorded
    return len(in_slack)


def test_run_supervises_its_scheduler_child_and_stops_both(engine, db_url, fake_slack, tmp_path):
    port, metrics_port = _free_port(), _free_port()
    env = _env(db_url, fake_slack, IFN_LOG_FORMAT="json", IFN_METRICS="true",
               IFN_METRICS_PORT=str(metrics_port))
    bot = Proc(["run", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"], env,
               tmp_path / "run.log")
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(lambda: _get(base + "/readyz")[0] == 200, 40, "ready: database, schema, a tick")
        ready = json.loads(_get(base + "/readyz")[1])
        first_holder = ready["checks"]["scheduler"]["holder"]
        events = [json.loads(line) for line in bot.log().splitlines()]  # every line is JSON
        start = next(e for e in events if e["logger"] == "ifn_bot.supervisor")
        scheduler_pid = int(start["message"].split("scheduler (pid ")[1].rstrip(")"))

        os.kill(scheduler_pid, signal.SIGKILL)
        _wait_for(lambda: "scheduler restarted" in bot.log(), 20, "the supervisor to restart the scheduler")
        restarted = [json.loads(line) for line in bot.log().splitlines() if "scheduler restarted" in line]
        new_pid = int(restarted[0]["message"].split("pid ")[1].rstrip(")"))
        assert new_pid != scheduler_pid and _alive(new_pid)
        # the new scheduler takes the lock once the dead one's lease ran out, and ticks
        _wait_for(lambda: json.loads(_get(base + "/readyz")[1])["checks"]["scheduler"].get("holder")
                  not in (None, first_holder), 30, "a tick by the restarted scheduler")

        status, body = _get(base + "/metrics")  # gunicorn's two workers, added up
        assert status == 200
        names = {f.name for f in text_string_to_metric_families(body.decode())}
        assert {"ifn_outbox_backlog", "ifn_scheduler_lock_holder", "ifn_slack_api_calls"} <= names
        status, body = _get(f"http://127.0.0.1:{metrics_port}/metrics")  # the scheduler's own
        ticks = [s.value for f in text_string_to_metric_families(body.decode()) for s in f.samples
                 if s.name == "ifn_scheduler_ticks_total"]
        assert status == 200 and ticks and ticks[0] >= 1
    finally:
        code = bot.stop()
    assert code == 0
    assert not _alive(new_pid)
    log = bot.log()
    assert "scheduler lock released" in log and "scheduler stopped" in log


def test_stopping_web_and_scheduler_mid_flight_loses_nothing_and_sends_nothing_twice(
        engine, session_factory, db_url, fake_slack, tmp_path):
    _load_directory(session_factory, fake_slack)
    env = _env(db_url, fake_slack)
    port = _free_port()
    web = Proc(["run", "--no-scheduler", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
               env, tmp_path / "web.log")
    base = f"http://127.0.0.1:{port}"
    procs = [web]
    try:
        _wait_for(lambda: _get(base + "/healthz")[0] == 200, 40, "the web server")
        slack = SignedRequests(base, SECRET, clock=wall_clock, response_url_base=fake_slack.hooks_url)
        views = []
        for n in range(1, 5):
            assert slack.slash_command(CW_B, "veiledning").status == 200
            # the modal opens right after the ack, on Bolt's listener thread
            _wait_for(lambda n=n: len(fake_slack.calls("views.open")) == n, 10, "the modal")
            views.append(fake_slack.view(fake_slack.calls("views.open")[-1].response["view"]["id"]))

        # Slack turns slow; four submissions are acked, their messages still on the way
        fake_slack.set_delay("chat.postMessage", 0.4)
        fake_slack.set_delay("conversations.open", 0.2)
        statuses: list[int] = []

        def send(view) -> None:
            statuses.append(slack.view_submission(CW_B, view["callback_id"], live_values(),
                                                  view.get("private_metadata"), view["id"], view=view).status)

        senders = [threading.Thread(target=send, args=(v,)) for v in views]
        for t in senders:
            t.start()
        for t in senders:
            t.join(timeout=30)
        assert statuses == [200, 200, 200, 200]
        posted_at_stop = len(fake_slack.calls("chat.postMessage"))
        assert web.stop() == 0  # SIGTERM in the middle of the deliveries
        assert len(fake_slack.calls("chat.postMessage")) > posted_at_stop, "nothing was in flight"
        with session_factory() as s:
            requests = list(s.scalars(select(Request)))
            rows = s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "status"))
            status = {r.key: r.ts for r in rows}
        assert len(requests) == 4
        assert all(status.get(f"status:{r.id}") for r in requests) and len(set(status.values())) == 4
        delivered_by_web = assert_every_message_once(session_factory, fake_slack)
        assert delivered_by_web >= 8  # a status message and at least one offer or notice each

        # the scheduler: stopped in the middle of a tick that posts six reminders
        sched_env = env
        a = Proc(["scheduler", "--interval", "1"], sched_env, tmp_path / "a.log")
        procs.append(a)
        _wait_for(lambda: "scheduler active" in a.log(), 30, "scheduler A to become active")
        b = Proc(["scheduler", "--interval", "1"], sched_env, tmp_path / "b.log")
        procs.append(b)
        _wait_for(lambda: "scheduler standby" in b.log(), 30, "scheduler B to wait as standby")
        titles = [f"Møte {n}" for n in range(1, 7)]

        def posted(title: str) -> int:
            return sum(1 for m in fake_slack.messages("CNETWORK01") if title in m.get("text", ""))

        fake_slack.set_delay("chat.postMessage", 0.5)
        _add_reminders(session_factory, titles)
        _wait_for(lambda: any(posted(t) for t in titles), 20, "the first reminder")
        assert a.stop() == 0  # SIGTERM mid-tick: the tick finishes, the lock is released
        assert "scheduler lock released" in a.log()
        _wait_for(lambda: "scheduler active" in b.log(), 10, "scheduler B to take over")
        _wait_for(lambda: all(posted(t) for t in titles), 30, "every reminder")
        time.sleep(2.5)  # more ticks of B: nothing goes out again
        assert [posted(t) for t in titles] == [1] * 6
        assert_every_message_once(session_factory, fake_slack)
    finally:
        fake_slack.set_delay("chat.postMessage", 0)
        fake_slack.set_delay("conversations.open", 0)
        for p in procs:
            if p.proc.poll() is None:
                p.stop()


# --- two scheduler processes (not in test_scheduler_lock.py: that module runs again at
# every hard date, and these take the subprocesses' real clock anyway) -------------


def _add_reminders(session_factory, titles: list[str]) -> None:
    """A one-off meeting per title, starting in two hours, with its one-hour
    reminder due now: the first scheduler to tick posts it. "Now" is the machine's
    real time, the scheduler processes' clock, even when this session is travelled."""
    now = datetime.fromtimestamp(wall_clock(), UTC)
    with session_factory.begin() as s:
        author = s.scalar(select(Person.id).limit(1))
        for title in titles:
            start = now + timedelta(hours=2)
            meeting = Meeting(title=title, kind="one_off", recurrence=None, starts_at=start,
                              local_time="10:00",
                              duration_minutes=60, minute_takers=[], rotation_index=0, cancelled=False,
                              created_by_id=author, created_at=now)
            s.add(meeting)
            s.flush()
            occ = MeetingOccurrence(meeting_id=meeting.id, starts_at=start, cancelled=False)
            s.add(occ)
            s.flush()
            meeting_repo.schedule_timer(s, kind="mtg_remind_1h", occurrence_id=occ.id, due_at=now, now=now)


@pytest.mark.parametrize("stop", ["kill", "term"])
def test_two_scheduler_processes_fire_each_job_once_and_the_standby_takes_over(
        engine, session_factory, db_url, fake_slack, tmp_path, stop):
    """kill -9 of the active one: the standby takes over within 10 s (PostgreSQL frees
    the advisory lock at once, SQLite's 6 s lease runs out). SIGTERM: the active one
    finishes its tick and releases the lock, and the standby takes over within its
    1 s poll."""
    DirectoryService(session_factory, SystemClock()).import_directory(load_directory_file(EXAMPLE_ORG))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "IFN_", "DATABASE_URL"))}
    env.update(PYTHONPATH=str(ROOT), DATABASE_URL=db_url, SLACK_BOT_TOKEN="xoxb-test",
               SLACK_SIGNING_SECRET="s", SLACK_API_URL=fake_slack.base_url, IFN_NETWORK_CHANNEL="CNETWORK01")
    logs = {name: tmp_path / f"{name}.log" for name in ("a", "b")}
    procs: dict[str, subprocess.Popen] = {}

    def start(name: str) -> None:
        out = logs[name].open("w")
        procs[name] = subprocess.Popen([sys.executable, "-m", "app.cli", "scheduler", "--interval", "1"],
                                       env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT)

    def log(name: str) -> str:
        return logs[name].read_text()

    def posts() -> list[str]:
        return [m.get("text", "") for m in fake_slack.messages("CNETWORK01")]

    def posted(title: str) -> int:
        return sum(1 for text in posts() if title in text)

    try:
        start("a")
        _wait_for(lambda: "scheduler active" in log("a"), 30, "the first scheduler to become active")
        start("b")
        _wait_for(lambda: "scheduler standby" in log("b"), 30, "the second scheduler to wait as standby")

        first = ["Møte A1", "Møte A2", "Møte A3"]
        _add_reminders(session_factory, first)
        _wait_for(lambda: all(posted(t) for t in first), 20, "the first reminders")
        time.sleep(2.5)  # more ticks of both processes: nothing fires twice
        assert [posted(t) for t in first] == [1, 1, 1]
        assert "scheduler active" not in log("b") and "tick:" not in log("b")
        assert "tick:" in log("a")

        procs["a"].send_signal(signal.SIGKILL if stop == "kill" else signal.SIGTERM)
        t0 = time.monotonic()
        _wait_for(lambda: "scheduler active" in log("b"), 20, "the standby to take over")
        took = time.monotonic() - t0
        print(f"{engine.dialect.name}, {stop}: the standby took over after {took:.1f} s")
        assert took < (10 if stop == "kill" else 3), f"the standby took over after {took:.1f} s"
        procs["a"].wait(timeout=30)
        if stop == "term":
            assert procs["a"].returncode == 0
            assert "scheduler lock released" in log("a") and "scheduler stopped" in log("a")

        second = ["Møte B1", "Møte B2"]
        _add_reminders(session_factory, second)
        _wait_for(lambda: all(posted(t) for t in second), 20, "the reminders after the takeover")
        time.sleep(1.5)
        assert [posted(t) for t in first + second] == [1, 1, 1, 1, 1]
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    assert procs["b"].returncode == 0, log("b")
