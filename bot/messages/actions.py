"""action_ids of the buttons in messages the core builds. Handlers listen for
these; a button's value carries only the request id (never trusted for who may
do what: the service checks the clicking user)."""

from __future__ import annotations

from enum import StrEnum


class RequestAction(StrEnum):
    ACCEPT = "request_accept"
    DECLINE = "request_decline"
    CANCEL = "request_cancel"
    DONE = "request_done"
    WRITE_FEEDBACK = "request_write_feedback"
    PROPOSE_TIMES = "request_propose_times"
    PICK_TIME = "request_pick_time"  # value: "<request id>:<slot index>"
    REFER_EXTERNAL = "request_refer_external"  # support: "henvist eksternt"
    HELP_CAME_YES = "request_help_came_yes"
    HELP_CAME_NO = "request_help_came_no"
    SIT_IN_FEEDBACK = "request_sit_in_feedback"  # follow a sit-in up with written feedback
    SIT_IN_HOUR = "request_sit_in_hour"  # … or with a supervision hour
