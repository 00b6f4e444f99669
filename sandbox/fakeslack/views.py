"""The fake's views.* methods: modals, pushes, updates and Home tabs.

A mixin of ``FakeSlack`` (``server.py``), which owns the lock and the state;
each method runs under that lock and answers as Slack answers.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from sandbox.fakeslack.answers import error as _error
from sandbox.fakeslack.identity import Workspace


class ViewMethods:
    """views.open / push / update / publish over ``self._views`` and ``self._home_views``."""

    workspace: Workspace
    _views: dict[str, dict[str, Any]]
    _home_views: dict[str, str]
    _view_counter: int

    def _store_view(
        self,
        view: Any,
        *,
        view_id: str | None = None,
        previous_view_id: str | None = None,
        root_view_id: str | None = None,
    ) -> dict[str, Any]:
        if view_id is None:
            self._view_counter += 1
            view_id = f"V0FAKE{self._view_counter:04d}"
        ws = self.workspace
        stored: dict[str, Any] = {
            "id": view_id,
            "team_id": ws.team_id,
            "type": view["type"],
            "blocks": view.get("blocks", []),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "previous_view_id": previous_view_id,
            "root_view_id": root_view_id or view_id,
            "app_id": ws.api_app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot_id,
        }
        for key in ("title", "close", "submit"):
            if key in view:
                stored[key] = view[key]
        self._views[view_id] = stored
        return stored

    @staticmethod
    def _view_problem(view: Any, types: tuple[str, ...]) -> dict[str, Any] | None:
        if not isinstance(view, dict) or view.get("type") not in types:
            return _error("invalid_arguments", f"view must be a JSON object of type {types}")
        return None

    def _views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"]
        problem = self._view_problem(view, ("modal",))
        if problem:
            return problem
        return {"ok": True, "view": self._store_view(view)}

    def _views_push(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"]
        problem = self._view_problem(view, ("modal",))
        if problem:
            return problem
        return {"ok": True, "view": self._store_view(view)}

    def _views_update(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args.get("view")
        problem = self._view_problem(view, ("modal", "home"))
        if problem:
            return problem
        current: dict[str, Any] | None = None
        if args.get("view_id"):
            current = self._views.get(str(args["view_id"]))
        elif args.get("external_id"):
            current = next(
                (v for v in self._views.values() if v["external_id"] == args["external_id"]),
                None,
            )
        else:
            return _error("invalid_arguments", "views.update needs view_id or external_id")
        if current is None:
            return _error("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            return _error("hash_conflict")
        stored = self._store_view(
            view,
            view_id=current["id"],
            previous_view_id=current["previous_view_id"],
            root_view_id=current["root_view_id"],
        )
        return {"ok": True, "view": stored}

    def _views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        view = args["view"]
        problem = self._view_problem(view, ("home",))
        if problem:
            return problem
        user_id = str(args["user_id"])
        current_id = self._home_views.get(user_id)
        if current_id and args.get("hash") and args["hash"] != self._views[current_id]["hash"]:
            return _error("hash_conflict")
        stored = self._store_view(view, view_id=current_id)
        self._home_views[user_id] = stored["id"]
        return {"ok": True, "view": stored}
