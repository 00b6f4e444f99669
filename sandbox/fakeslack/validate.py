"""Check Web API calls against Slack's published OpenAPI 2.0 spec.

The spec (``spec/slack_web_openapi_v2_without_examples.json``, provenance in
``spec/SOURCE.md``) is Slack's own description of every method and argument as of
October 2020. A call the fake accepts must be a call real Slack would accept, so
the fake refuses unknown methods, missing required arguments and unknown
arguments instead of silently answering ``ok``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("spec") / "slack_web_openapi_v2_without_examples.json"

# Arguments Slack added after the October 2020 spec that slack_sdk legitimately
# sends. Keep this minimal: every entry needs its evidence. "*" applies to all
# methods.
ALLOW_NEWER_ARGS: dict[str, frozenset[str]] = {
    # Org-wide apps (Dec 2020) take team_id on most methods. slack_sdk puts a
    # WebClient's team_id into every call's arguments (python-slack-sdk PR #882,
    # base_client.py ``default_params``), and Bolt builds each listener's client
    # with team_id=context.team_id (slack_bolt/app/app.py, App._init_context), so
    # every call a listener makes carries it.
    "*": frozenset({"team_id"}),
    # Message metadata (2022, https://docs.slack.dev/messaging/message-metadata):
    # WebClient.chat_postMessage / chat_update take ``metadata``. chat_postEphemeral
    # has no such parameter (ephemeral messages carry no metadata), so it is absent.
    "chat.postMessage": frozenset({"metadata"}),
    "chat.update": frozenset({"metadata"}),
    # conversations.history returns message metadata only when asked
    # (https://docs.slack.dev/messaging/message-metadata, "Retrieving metadata").
    "conversations.history": frozenset({"include_all_metadata"}),
}

# Arguments whose value is JSON; sent as a JSON string in form bodies, as a
# nested value in JSON bodies. Recorded calls hold the decoded value.
JSON_ARGS = frozenset({"attachments", "blocks", "metadata", "view"})

# The token travels in the Authorization header; the spec lists it as a parameter.
_TOKEN = "token"


@dataclass(frozen=True)
class MethodSpec:
    name: str
    params: frozenset[str]
    required: frozenset[str]
    #: Any one of these scopes lets a token call the method (empty: none needed).
    scopes: frozenset[str] = frozenset()


#: Scopes Slack granted since the spec was written that stand for the spec's older ones
#: (https://api.slack.com/scopes/chat:write replaced chat:write:bot and chat:write:user).
SCOPE_ALIASES: dict[str, frozenset[str]] = {
    "chat:write": frozenset({"chat:write:bot", "chat:write:user"}),
}


@cache
def load_spec(path: Path = SPEC_PATH) -> Mapping[str, MethodSpec]:
    """Parse the spec once per process; it is immutable data."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    methods: dict[str, MethodSpec] = {}
    for route, operations in raw["paths"].items():
        params: set[str] = set()
        required: set[str] = set()
        scopes: set[str] = set()
        for operation in operations.values():
            for param in operation.get("parameters", []):
                params.add(param["name"])
                if param.get("required"):
                    required.add(param["name"])
            for security in operation.get("security") or []:
                scopes.update(s for s in security.get("slackAuth", []) if s != "none")
        name = route.lstrip("/")
        methods[name] = MethodSpec(name, frozenset(params), frozenset(required), frozenset(scopes))
    return methods


def is_known_method(method: str) -> bool:
    return method in load_spec()


def check_call(method: str, args: Mapping[str, Any]) -> list[str]:
    """Return what is wrong with calling ``method`` with ``args`` (token excluded)."""
    spec = load_spec().get(method)
    if spec is None:
        return [f"{method}: not a method in Slack's Web API spec"]
    problems: list[str] = []
    for name in sorted(spec.required - {_TOKEN}):
        if args.get(name) in (None, ""):
            problems.append(f"{method}: missing required argument '{name}'")
    allowed = spec.params | ALLOW_NEWER_ARGS["*"] | ALLOW_NEWER_ARGS.get(method, frozenset())
    for name in sorted(set(args) - allowed - {_TOKEN}):
        problems.append(f"{method}: unknown argument '{name}' (not in Slack's spec)")
    return problems


def missing_scope(method: str, granted: frozenset[str]) -> str | None:
    """The scope a token with ``granted`` lacks for ``method`` (None: it may call it)."""
    spec = load_spec().get(method)
    if spec is None or not spec.scopes:
        return None
    have = set(granted)
    for scope in granted:
        have |= SCOPE_ALIASES.get(scope, frozenset())
    if have & spec.scopes:
        return None
    return ",".join(sorted(spec.scopes))
