"""Request types, states and the transitions between them (SPEC §2–§3)."""

from __future__ import annotations

from enum import StrEnum


class RequestType(StrEnum):
    LIVE = "live"
    FEEDBACK = "feedback"
    HOUR = "hour"
    GROUP = "group"
    SUPPORT = "support"
    ISSUE = "issue"
    SIT_IN = "sit_in"  # "bisitting": a coordinator sits in on a planned interview (mandate 2016-018 §3.2)


#: Types routed through an offer chain by the router.
ROUTED_TYPES = frozenset({RequestType.LIVE, RequestType.FEEDBACK, RequestType.HOUR, RequestType.SUPPORT})


class RequestState(StrEnum):
    NEW = "new"
    OFFERED = "offered"
    ACCEPTED = "accepted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    UNASSIGNED = "unassigned"


#: States from which nothing moves any more.
FINAL_STATES = frozenset({RequestState.COMPLETED, RequestState.CANCELLED, RequestState.UNASSIGNED})
#: States a requester may cancel from.
CANCELLABLE = frozenset({RequestState.NEW, RequestState.OFFERED, RequestState.ACCEPTED})


class OfferState(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    TIMED_OUT = "timed_out"
    WITHDRAWN = "withdrawn"  # the request was cancelled or taken by someone else
    SKIPPED = "skipped"  # not offered after all: became unavailable before their turn


class AvailabilityStatus(StrEnum):
    AVAILABLE = "available"  # "ledig"
    BUSY = "busy"  # "opptatt": in an interview
    AWAY = "away"  # "borte"
