"""The directory's audit trail (SPEC §1, §7): who changed whom, how and when —
an import, an admin's edit in Slack, the daily link to Slack, a DM Slack
refused. Written to the append-only audit table, without a request."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from storage.repositories import directory as repo


def record(s: Session, action: str, actor_id: int | None, person_id: int | None, now: datetime,
           data: dict[str, Any] | None = None) -> None:
    """``action``: created, changed, deactivated, reactivated, acting, linked,
    unreachable, reachable, language."""
    repo.add_directory_event(s, action, actor_id, person_id, now, dict(data or {}))
