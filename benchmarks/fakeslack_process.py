"""``sandbox.fakeslack.FakeSlack`` in a process of its own, for the benchmarks.

Why a separate process: the fake answers the bot's post-ack ``views.open`` calls
while the load generator is timing requests; in the load generator's process its
request handling would compete for the GIL with the timing threads and inflate
the bot's numbers (the bare app makes no such calls).

Protocol on stdin/stdout, one line each: it prints ``READY <base_url>`` once,
then answers ``stats`` with a JSON object ``{"calls": {method: [total, ok]},
"violations": [...]}``, ``org PATH`` by making the directory file's people its
users, ``clear`` with ``OK`` (forgets recorded calls), and
exits on ``quit`` or end of input. Its listen backlog is raised from 5 to 128
(see ``LISTEN_BACKLOG``).
"""

from __future__ import annotations

import json
import sys
from http.server import ThreadingHTTPServer
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from bot.directory_file import load_directory_file  # noqa: E402
from sandbox.fakeslack import FakeSlack  # noqa: E402

#: socketserver's default listen() backlog is 5: under the bot's concurrent post-ack
#: calls the kernel drops SYNs and the client retries after 1 s, a stall real Slack
#: would not cause. Set before the fake binds; tests/ is left unchanged.
LISTEN_BACKLOG = 128


def main() -> int:
    ThreadingHTTPServer.request_queue_size = LISTEN_BACKLOG
    fake = FakeSlack(host="127.0.0.1").start()
    try:
        print(f"READY {fake.base_url}", flush=True)
        for line in sys.stdin:
            cmd = line.strip()
            if cmd == "stats":
                calls: dict[str, list[int]] = {}
                for call in fake.calls():
                    entry = calls.setdefault(call.method, [0, 0])
                    entry[0] += 1
                    entry[1] += int(call.ok)
                print(json.dumps({"calls": calls, "violations": fake.violations[:20]}), flush=True)
            elif cmd.startswith("org "):  # the directory's people become Slack users
                people = load_directory_file(Path(cmd[4:])).people
                for person in people:
                    if person.slack_id:
                        fake.add_user(person.slack_id, name=person.name, email=person.email)
                print(f"OK {len(people)}", flush=True)
            elif cmd == "clear":
                fake.clear()
                print("OK", flush=True)
            elif cmd == "quit":
                break
    finally:
        fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
