"""What a person who acted is told: the outcome of a step or a refusal, with the
catalog key of the sentence and its parameters.

Parameters ending in ``_person`` are person ids and ``_at`` are ISO moments;
``handlers.outcomes.result_text`` turns them into a name and a local time, so
a service never has to know the reader's language or time zone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Outcome(StrEnum):
    OK = "ok"
    NOT_FOUND = "not_found"
    NOT_OFFERED = "not_offered"
    ALREADY_TAKEN = "already_taken"
    ALREADY_DECIDED = "already_decided"
    FINAL = "final"
    NOT_REQUESTER = "not_requester"
    NOT_ASSIGNEE = "not_assignee"
    NOT_ALLOWED = "not_allowed"
    INVALID = "invalid"
    NOT_SAVED = "not_saved"  # the database was away: nothing was applied, try again


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    message_key: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.OK


OK = Result(Outcome.OK)
