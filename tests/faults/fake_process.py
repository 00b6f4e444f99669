"""The fake Slack Web API in a process of its own, with failure injection, for
the fault suite (``python -m tests.faults.fake_process``).

The bot's processes talk to it as to Slack; the suite steers it and reads what
it received through a small JSON control server on another port:

* ``POST /users`` — a list of ``{id, name, email, locale}`` users.info knows;
* ``POST /fault`` — ``{"kind": "http500" | "ratelimit" | "slow" | "refuse",
  "seconds": N, "retry_after": S, "delay": D}``: for N seconds every Web API call
  is answered 500, answered 429 with ``Retry-After: S``, carried out but answered
  only after D seconds, or refused (the listening socket is closed, so
  connections are refused, and opened again on the same port after N s);
* ``GET /calls?since=I`` — the calls received from index I on: method, args,
  HTTP status, answer, time, path;
* ``GET /messages`` — every message as it stands now (posted, then updated).

Prints ``READY <api base url> <control url>`` and runs until stdin closes, so it
never outlives the suite that started it.
"""

from __future__ import annotations

import copy
import json
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from sandbox.fakeslack.server import Call, FakeSlack, _Answer, _error, _RequestHandler, _Server  # noqa: E402


@dataclass
class Fault:
    kind: str
    until: float
    retry_after: int = 30
    delay: float = 12.0


class FaultySlack(FakeSlack):
    """FakeSlack whose answers can be made to fail for a while."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._fault: Fault | None = None
        self._fixed_port: int | None = None

    def start(self) -> FaultySlack:
        server = _Server((self._host, self._fixed_port or 0), _RequestHandler)
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._fixed_port = int(server.server_address[1])
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="faultyslack", daemon=True)
        self._thread.start()
        return self

    def set_fault(self, fault: Fault | None) -> None:
        with self._lock:
            self._fault = fault
        if fault is not None and fault.kind == "refuse":
            self.stop()
            threading.Timer(max(0.0, fault.until - time.time()), self._reopen).start()

    def _reopen(self) -> None:
        with self._lock:
            self._fault = None
        self.start()

    def _active_fault(self) -> Fault | None:
        with self._lock:
            fault = self._fault
            if fault is not None and time.time() >= fault.until:
                self._fault = fault = None
            return fault

    def _serve(self, path: str, headers: Any, raw: bytes) -> _Answer:
        fault = self._active_fault()
        if fault is None or not path.startswith("/api/"):
            return super()._serve(path, headers, raw)
        if fault.kind == "slow":
            answer = super()._serve(path, headers, raw)
            time.sleep(fault.delay)
            return answer
        if fault.kind == "ratelimit":
            answer = _Answer(429, _error("ratelimited"), {"Retry-After": str(fault.retry_after)})
        else:
            answer = _Answer(500, _error("internal_error"))
        call = Call(method=urlsplit(path).path[len("/api/"):], args={}, headers=dict(headers.items()),
                    token=None, time=time.time(), path=path, http_status=answer.status,
                    response=copy.deepcopy(answer.body))
        with self._lock:
            self._calls.append(call)
        return answer

    def calls_since(self, index: int) -> list[dict[str, Any]]:
        with self._lock:
            found = self._calls[index:]
        return [{"method": c.method, "args": c.args, "http_status": c.http_status, "response": c.response,
                 "time": c.time, "path": c.path} for c in found]

    def all_messages(self) -> list[dict[str, Any]]:
        return self.messages()


def _control_handler(fake: FaultySlack) -> type[BaseHTTPRequestHandler]:
    class Control(BaseHTTPRequestHandler):
        def _answer(self, body: Any, status: int = 200) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self) -> None:  # noqa: N802
            url = urlsplit(self.path)
            query = parse_qs(url.query)
            if url.path == "/calls":
                self._answer(fake.calls_since(int(query.get("since", ["0"])[0])))
            elif url.path == "/messages":
                self._answer(fake.all_messages())
            else:
                self._answer({"error": "not found"}, 404)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
            url = urlsplit(self.path)
            if url.path == "/users":
                for user in body:
                    fake.add_user(user["id"], name=user["name"], email=user.get("email"),
                                  locale=user.get("locale", "nb-NO"))
                self._answer({"ok": True})
            elif url.path == "/fault":
                if body is None:
                    fake.set_fault(None)
                else:
                    fake.set_fault(Fault(body["kind"], time.time() + float(body["seconds"]),
                                         int(body.get("retry_after", 30)), float(body.get("delay", 12))))
                self._answer({"ok": True})
            else:
                self._answer({"error": "not found"}, 404)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

    return Control


def main() -> int:
    fake = FaultySlack(host="127.0.0.1").start()
    control = ThreadingHTTPServer(("127.0.0.1", 0), _control_handler(fake))
    control.daemon_threads = True
    threading.Thread(target=control.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    print(f"READY {fake.base_url} http://127.0.0.1:{control.server_address[1]}", flush=True)
    for _ in sys.stdin:
        pass
    control.shutdown()
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
