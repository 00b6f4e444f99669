"""The ids Slack sends back to us: modal callback ids, button action ids, block
ids. One place, as ``StrEnum``s, so a listener and the builder of the view it
listens to cannot drift apart.

Form block ids are defined in ``bot.forms`` (the pure parsers need them and
``bot/`` does not import ``handlers/``) and re-exported here, as are the action
ids of the buttons in the messages the core builds (``bot.messages.actions``).
"""

from __future__ import annotations

from enum import StrEnum

from bot.domain.requests import RequestType
from bot.forms import PROPOSAL_SLOTS, FormBlock, criterion_block, focus_block
from bot.messages.actions import RequestAction

__all__ = [
    "MENU_REQUEST_TYPES",
    "PROPOSAL_SLOTS",
    "REQUEST_CALLBACKS",
    "ActionId",
    "BlockId",
    "CallbackId",
    "FormBlock",
    "RequestAction",
    "criterion_block",
    "focus_block",
]


class CallbackId(StrEnum):
    """``callback_id`` of each modal; ``view_submission`` listeners match on it."""

    LIVE_REQUEST = "live_request"
    FEEDBACK_REQUEST = "feedback_request"
    HOUR_REQUEST = "hour_request"
    SIT_IN_REQUEST = "sit_in_request"
    FEEDBACK_RESPONSE = "feedback_response"
    HOUR_PROPOSAL = "hour_proposal"


class ActionId(StrEnum):
    """Buttons the Slack edge builds itself (the request menu for bare ``/ifn``).
    Buttons in request/offer messages are ``RequestAction`` (accept, decline,
    cancel, done, write feedback, propose/pick times)."""

    MENU_LIVE = "menu_live"
    MENU_FEEDBACK = "menu_feedback"
    MENU_HOUR = "menu_hour"
    MENU_SIT_IN = "menu_sit_in"  # also on the Home tab


class BlockId(StrEnum):
    """Block ids of message blocks the Slack edge builds."""

    REQUEST_MENU = "request_menu"


#: Which modal a request type's form is.
REQUEST_CALLBACKS: dict[RequestType, CallbackId] = {
    RequestType.LIVE: CallbackId.LIVE_REQUEST,
    RequestType.FEEDBACK: CallbackId.FEEDBACK_REQUEST,
    RequestType.HOUR: CallbackId.HOUR_REQUEST,
    RequestType.SIT_IN: CallbackId.SIT_IN_REQUEST,
}

#: Which form each menu button opens.
MENU_REQUEST_TYPES: dict[ActionId, RequestType] = {
    ActionId.MENU_LIVE: RequestType.LIVE,
    ActionId.MENU_FEEDBACK: RequestType.FEEDBACK,
    ActionId.MENU_HOUR: RequestType.HOUR,
}
