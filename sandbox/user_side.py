"""What only one user of the sandbox sees, and where the bot's answers to that
user's gestures land: their stack of modals, their ephemeral messages, and the
``response_url`` and ``trigger_id`` values handed out for their gestures."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sandbox.fakeslack import RESPONSE_URL, FakeSlack
from sandbox.slack_requests import SignedRequests


@dataclass
class UserSide:
    modals: list[str] = field(default_factory=list)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)


class UserSides:
    def __init__(self, fake: FakeSlack, slack: SignedRequests) -> None:
        self._fake = fake
        self._slack = slack
        self._lock = threading.RLock()
        self._users: dict[str, UserSide] = {}
        self._trigger_user: dict[str, str] = {}
        self._hook_source: dict[str, tuple[str, dict[str, Any] | None]] = {}
        self._hooks_seen = 0
        for method in ("views.open", "views.push"):
            fake.set_handler(method, self._view_opener(method))

    def side(self, user: str) -> UserSide:
        with self._lock:
            return self._users.setdefault(user, UserSide())

    # ------------------------------------------------ what a gesture hands out

    def trigger(self, user: str) -> str:
        trigger = self._slack.new_trigger_id()
        with self._lock:
            self._trigger_user[trigger] = user
        return trigger

    def response_url(self, user: str, source: dict[str, Any] | None = None) -> str:
        """A response_url for a gesture of ``user`` on ``source`` (a message:
        channel and ts, ``ephemeral`` if it is one of the user's own)."""
        url = self._slack.new_response_url()
        with self._lock:
            self._hook_source[urlsplit(url).path] = (user, source)
        return url

    def _view_opener(self, method: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """Answer views.open / views.push as the fake does, and put the modal on
        the screen of the user whose trigger_id it carries."""
        builtin = "_views_open" if method == "views.open" else "_views_push"

        def handler(args: dict[str, Any]) -> dict[str, Any]:
            answer = getattr(self._fake, builtin)(args)
            with self._lock:
                user = self._trigger_user.get(str(args.get("trigger_id", "")))
                if answer.get("ok") and user:
                    side = self.side(user)
                    if method == "views.open":
                        side.modals.clear()
                    side.modals.append(answer["view"]["id"])
            return answer

        return handler

    # --------------------------------------------------------- what they see

    def ephemeral(self, user: str, body: dict[str, Any], channel: str | None = None,
                  *, typed: bool = False) -> dict[str, Any] | None:
        """Show ``body`` (text and/or blocks) to ``user`` only, in ``channel``."""
        if not (body.get("text") or body.get("blocks")):
            return None
        entry = {"ts": self._fake.new_ts(), "channel": channel, "text": body.get("text", ""),
                 "blocks": body.get("blocks"), "ephemeral": True}
        if typed:
            entry["typed"] = True
        with self._lock:
            self.side(user).ephemerals.append(entry)
        return entry

    def ephemerals(self, user: str) -> list[dict[str, Any]]:
        """The user's ephemeral messages: answers to their gestures and chat.postEphemeral."""
        self.collect_hooks()
        with self._lock:
            own = [dict(e) for e in self.side(user).ephemerals]
        own += [{**e, "ephemeral": True} for e in self._fake.ephemerals() if e.get("user") == user]
        return sorted(own, key=lambda e: e["ts"])

    def find_ephemeral(self, user: str, ts: str) -> dict[str, Any] | None:
        return next((e for e in self.ephemerals(user) if e["ts"] == ts), None)

    def modals(self, user: str) -> list[dict[str, Any]]:
        with self._lock:
            ids = list(self.side(user).modals)
        return [v for v in (self._fake.view(vid) for vid in ids) if v is not None]

    # ------------------------------------------------ the bot's answers

    def collect_hooks(self) -> None:
        """Route what the bot sent to response_urls: replace or delete the
        original message, or show an ephemeral message to the user who acted."""
        with self._lock:
            hooks = self._fake.calls(RESPONSE_URL)
            fresh, self._hooks_seen = hooks[self._hooks_seen:], len(hooks)
            for call in fresh:
                user, source = self._hook_source.get(call.path, (None, None))
                body = call.args
                replacing = body.get("replace_original") or body.get("delete_original")
                if source is not None and replacing and source.get("ts"):
                    if source.get("ephemeral"):
                        if user:
                            self._replace_ephemeral(user, source["ts"], body)
                    elif body.get("delete_original"):
                        self._fake.delete_message(source["channel"], source["ts"])
                    else:
                        self._fake.replace_message(source["channel"], source["ts"], body)
                    continue
                if user:
                    self.ephemeral(user, body, source["channel"] if source else None)

    def _replace_ephemeral(self, user: str, ts: str, body: dict[str, Any]) -> None:
        entries = self.side(user).ephemerals
        for i, entry in enumerate(entries):
            if entry["ts"] == ts:
                if body.get("delete_original"):
                    del entries[i]
                else:
                    entry.update({k: body[k] for k in ("text", "blocks") if k in body})
                return

    def after_submission(self, user: str, view: dict[str, Any], body: dict[str, Any]) -> None:
        """The modal stack after the bot answered a view_submission with ``body``."""
        answer = body.get("response_action")
        view_id = view["id"]
        with self._lock:
            side = self.side(user)
            if answer == "clear":
                side.modals.clear()
            elif answer == "update":
                # Same view id: the page keeps what was typed in inputs whose
                # block_id and action_id are unchanged, as Slack does.
                self._fake.store_view(body["view"], view_id=view_id,
                                      previous_view_id=view.get("previous_view_id"),
                                      root_view_id=view.get("root_view_id"))
            elif answer == "push":
                side.modals.append(self._fake.store_view(body["view"], root_view_id=view_id)["id"])
            elif view_id in side.modals:
                side.modals.remove(view_id)

    def close(self, user: str, view_id: str) -> None:
        with self._lock:
            side = self.side(user)
            if view_id in side.modals:
                side.modals.remove(view_id)
