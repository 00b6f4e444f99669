"""The texts of a Slack call that Slack parses for mentions and links: the
message's ``text`` (unless ``mrkdwn`` is false) and every ``mrkdwn`` text object
in its blocks or view. ``plain_text`` objects are shown as given and ping nobody."""

from __future__ import annotations

from typing import Any


def mrkdwn_objects(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == "mrkdwn" and isinstance(node.get("text"), str) else []
        return own + [text for value in node.values() for text in mrkdwn_objects(value)]
    if isinstance(node, list):
        return [text for item in node for text in mrkdwn_objects(item)]
    return []


def parsed_texts(args: dict[str, Any] | None) -> list[str]:
    args = args or {}
    top = [args["text"]] if isinstance(args.get("text"), str) and args.get("mrkdwn", True) else []
    return top + mrkdwn_objects(args.get("blocks")) + mrkdwn_objects(args.get("view"))
