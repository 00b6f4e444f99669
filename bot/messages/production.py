"""Messages about the weekly production goal (memo §5): the Friday reminder with
its three buttons and the exemption request to the area leader.

Button values carry only an ISO week or an exemption id; who may press them is
decided by the service from the clicking user, never from the value."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from bot.domain.language import Lang
from bot.i18n import t
from bot.messages.text import sections


class ProductionAction(StrEnum):
    LOG_INTERVIEW = "production_log_interview"
    LOG_DECISION = "production_log_decision"
    REQUEST_EXEMPTION = "production_request_exemption"
    APPROVE = "production_exemption_approve"
    REJECT = "production_exemption_reject"
    OPEN_PERIOD = "production_exemption_period"  # the Home tab's button: the period form


class ProductionCallback(StrEnum):
    EXEMPTION = "production_exemption_form"
    EXEMPTION_PERIOD = "production_exemption_period_form"


class ProductionBlock(StrEnum):
    REASON = "production_reason"
    START = "production_start"
    END = "production_end"


REASON_ACTION = "production_reason"  # equal to the block id, like every input here


def _button(text: str, action: ProductionAction, value: str, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "action_id": action.value, "value": value,
                              "text": {"type": "plain_text", "text": text}}
    if style:
        button["style"] = style
    return button


def friday_blocks(lang: Lang, text: str, week: str) -> list[dict[str, Any]]:
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": text}},
        {"type": "actions", "block_id": f"production_week_{week}", "elements": [
            _button(t(lang, "prod.button.interview"), ProductionAction.LOG_INTERVIEW, week, "primary"),
            _button(t(lang, "prod.button.decision"), ProductionAction.LOG_DECISION, week, "primary"),
            _button(t(lang, "prod.button.exemption"), ProductionAction.REQUEST_EXEMPTION, week),
        ]},
    ]


def exemption_blocks(lang: Lang, text: str, exemption_id: int) -> list[dict[str, Any]]:
    return [
        *(block.to_dict() for block in sections(text)),  # the reason may be long once escaped
        {"type": "actions", "block_id": f"production_exemption_{exemption_id}", "elements": [
            _button(t(lang, "prod.button.approve"), ProductionAction.APPROVE, str(exemption_id), "primary"),
            _button(t(lang, "prod.button.reject"), ProductionAction.REJECT, str(exemption_id), "danger"),
        ]},
    ]


def exemption_modal(lang: Lang, week: str, week_text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": ProductionCallback.EXEMPTION.value,
        "private_metadata": week,
        "title": {"type": "plain_text", "text": t(lang, "prod.modal.title")},
        "submit": {"type": "plain_text", "text": t(lang, "prod.modal.submit")},
        "close": {"type": "plain_text", "text": t(lang, "prod.modal.close")},
        "blocks": [
            {"type": "section",
             "text": {"type": "mrkdwn", "text": t(lang, "prod.modal.intro", week=week_text)}},
            {"type": "input", "block_id": ProductionBlock.REASON.value,
             "label": {"type": "plain_text", "text": t(lang, "prod.modal.reason")},
             "element": {"type": "plain_text_input", "action_id": REASON_ACTION, "multiline": True,
                         "max_length": 1000}},
        ],
    }


def period_modal(lang: Lang, today: date) -> dict[str, Any]:
    """An exemption asked in advance for the weeks from one day to another."""
    def picker(block: ProductionBlock, label: str) -> dict[str, Any]:
        return {"type": "input", "block_id": block.value,
                "label": {"type": "plain_text", "text": t(lang, label)},
                "element": {"type": "datepicker", "action_id": block.value,
                            "initial_date": today.isoformat()}}

    return {
        "type": "modal",
        "callback_id": ProductionCallback.EXEMPTION_PERIOD.value,
        "title": {"type": "plain_text", "text": t(lang, "prod.modal.title")},
        "submit": {"type": "plain_text", "text": t(lang, "prod.modal.submit")},
        "close": {"type": "plain_text", "text": t(lang, "prod.modal.close")},
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": t(lang, "prod.period.intro")}},
            picker(ProductionBlock.START, "prod.period.start"),
            picker(ProductionBlock.END, "prod.period.end"),
            {"type": "input", "block_id": ProductionBlock.REASON.value,
             "label": {"type": "plain_text", "text": t(lang, "prod.modal.reason")},
             "element": {"type": "plain_text_input", "action_id": REASON_ACTION, "multiline": True,
                         "max_length": 1000}},
        ],
    }
