"""Slack's Block Kit limits, so the fake refuses what Slack would refuse.

Real Slack answers ``invalid_blocks`` (messages) or ``invalid_arguments``
(views) with one line per problem, each ending in a JSON pointer, when a block
breaks one of the limits in Slack's Block Kit reference
(https://docs.slack.dev/reference/block-kit/blocks, …/block-elements,
…/composition-objects, …/views). The bot's messages must fit: a refused
message is a notification nobody gets (issue 18). The limits checked here are
the ones a message or view built from user text can break; others (image
sizes, rich text) the bot does not use.
"""

from __future__ import annotations

from typing import Any

#: Blocks per surface.
MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
#: Text lengths by (block or element type, field).
TEXT_MAX = {
    ("section", "text"): 3000,
    ("section", "field"): 2000,
    ("header", "text"): 150,
    ("context", "element"): 3000,
    ("input", "label"): 2000,
    ("input", "hint"): 2000,
    ("button", "text"): 75,
    ("button", "value"): 2000,
    ("option", "text"): 75,
    ("option", "value"): 150,
    ("option", "description"): 75,
    ("placeholder", "text"): 150,
    ("confirm", "title"): 100,
    ("confirm", "text"): 300,
    ("confirm", "confirm"): 30,
    ("confirm", "deny"): 30,
    ("view", "title"): 24,
    ("view", "submit"): 24,
    ("view", "close"): 24,
}
MAX_FIELDS = 10
MAX_CONTEXT_ELEMENTS = 10
MAX_ACTION_ELEMENTS = 25
MAX_OPTIONS = 100
MAX_PRIVATE_METADATA = 3000
MAX_MESSAGE_TEXT = 40000


def _text(node: Any) -> str | None:
    if isinstance(node, dict) and isinstance(node.get("text"), str):
        return node["text"]
    return node if isinstance(node, str) else None


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def length(self, value: Any, limit: int, where: str) -> None:
        text = _text(value)
        if text is not None and len(text) > limit:
            self.problems.append(f"must be less than {limit + 1} characters [json-pointer:{where}]")

    def count(self, items: Any, limit: int, where: str) -> None:
        if isinstance(items, list) and len(items) > limit:
            self.problems.append(f"must provide no more than {limit} items [json-pointer:{where}]")

    def confirm(self, node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key in ("title", "text", "confirm", "deny"):
                self.length(node.get(key), TEXT_MAX[("confirm", key)], f"{where}/{key}/text")

    def options(self, options: Any, where: str) -> None:
        self.count(options, MAX_OPTIONS, where)
        for i, option in enumerate(options if isinstance(options, list) else []):
            if isinstance(option, dict):
                for key in ("text", "value", "description"):
                    self.length(option.get(key), TEXT_MAX[("option", key)], f"{where}/{i}/{key}")

    def element(self, node: Any, where: str) -> None:
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "button":
            self.length(node.get("text"), TEXT_MAX[("button", "text")], f"{where}/text/text")
            self.length(node.get("value"), TEXT_MAX[("button", "value")], f"{where}/value")
        self.length(node.get("placeholder"), TEXT_MAX[("placeholder", "text")], f"{where}/placeholder/text")
        self.confirm(node.get("confirm"), f"{where}/confirm")
        if "options" in node:
            self.options(node["options"], f"{where}/options")
        for g, group in enumerate(node.get("option_groups") or []):
            if isinstance(group, dict):
                self.options(group.get("options"), f"{where}/option_groups/{g}/options")

    def block(self, block: Any, where: str) -> None:
        if not isinstance(block, dict):
            return
        kind = block.get("type")
        if kind == "section":
            self.length(block.get("text"), TEXT_MAX[("section", "text")], f"{where}/text/text")
            fields = block.get("fields")
            self.count(fields, MAX_FIELDS, f"{where}/fields")
            for i, field in enumerate(fields if isinstance(fields, list) else []):
                self.length(field, TEXT_MAX[("section", "field")], f"{where}/fields/{i}/text")
            self.element(block.get("accessory"), f"{where}/accessory")
        elif kind == "header":
            self.length(block.get("text"), TEXT_MAX[("header", "text")], f"{where}/text/text")
        elif kind == "context":
            elements = block.get("elements")
            self.count(elements, MAX_CONTEXT_ELEMENTS, f"{where}/elements")
            for i, element in enumerate(elements if isinstance(elements, list) else []):
                self.length(element, TEXT_MAX[("context", "element")], f"{where}/elements/{i}/text")
        elif kind == "actions":
            elements = block.get("elements")
            self.count(elements, MAX_ACTION_ELEMENTS, f"{where}/elements")
            for i, element in enumerate(elements if isinstance(elements, list) else []):
                self.element(element, f"{where}/elements/{i}")
        elif kind == "input":
            self.length(block.get("label"), TEXT_MAX[("input", "label")], f"{where}/label/text")
            self.length(block.get("hint"), TEXT_MAX[("input", "hint")], f"{where}/hint/text")
            self.element(block.get("element"), f"{where}/element")

    def blocks(self, blocks: Any, surface: str, where: str) -> None:
        self.count(blocks, MAX_BLOCKS[surface], where)
        for i, block in enumerate(blocks if isinstance(blocks, list) else []):
            self.block(block, f"{where}/{i}")


def message_problems(args: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a chat.postMessage / chat.update / chat.postEphemeral."""
    check = _Checker()
    check.blocks(args.get("blocks"), "message", "/blocks")
    return check.problems


def message_text_too_long(args: dict[str, Any]) -> bool:
    text = args.get("text")
    return isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT


def view_problems(view: dict[str, Any]) -> list[str]:
    """What Slack would refuse in a views.open / push / update / publish."""
    check = _Checker()
    surface = "home" if view.get("type") == "home" else "modal"
    check.blocks(view.get("blocks"), surface, "/view/blocks")
    if surface == "modal":
        for key in ("title", "submit", "close"):
            check.length(view.get(key), TEXT_MAX[("view", key)], f"/view/{key}/text")
    metadata = view.get("private_metadata")
    if isinstance(metadata, str) and len(metadata) > MAX_PRIVATE_METADATA:
        check.problems.append(f"must be less than {MAX_PRIVATE_METADATA + 1} characters "
                              "[json-pointer:/view/private_metadata]")
    return check.problems


_MESSAGE_METHODS = frozenset({"chat.postMessage", "chat.update", "chat.postEphemeral"})
_VIEW_METHODS = frozenset({"views.open", "views.push", "views.update", "views.publish"})


def refusal(method: str, args: dict[str, Any]) -> tuple[str, list[str]] | None:
    """Slack's error code and messages for a call that breaks a limit, else None."""
    if method in _MESSAGE_METHODS:
        if message_text_too_long(args):
            return "msg_too_long", [f"text must be less than {MAX_MESSAGE_TEXT + 1} characters"]
        problems = message_problems(args)
        return ("invalid_blocks", problems) if problems else None
    if method in _VIEW_METHODS and isinstance(args.get("view"), dict):
        problems = view_problems(args["view"])
        return ("invalid_arguments", problems) if problems else None
    return None
