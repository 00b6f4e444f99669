"""Read-only pictures of a request, handed from services to message builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.domain.language import Lang


@dataclass(frozen=True, slots=True)
class PersonRef:
    id: int
    name: str
    slack_user_id: str | None
    lang: Lang
    active: bool = True


@dataclass(frozen=True, slots=True)
class OfferSnapshot:
    id: int
    person: PersonRef
    state: str
    reason: str
    reason_params: dict[str, str]
    offered_at: datetime
    deadline_at: datetime
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class RequestSnapshot:
    id: int
    type: str
    state: str
    requester: PersonRef
    area: str
    child_involved: bool
    description: str
    details: dict[str, Any]
    assignee: PersonRef | None
    accepted_at: datetime | None
    widened: bool
    offers: tuple[OfferSnapshot, ...] = field(default_factory=tuple)

    @property
    def open_offers(self) -> list[OfferSnapshot]:
        return [o for o in self.offers if o.state == "open"]
