"""SQL for capacity (issue 15): how many routed tasks each person has taken
this week. Support conversations are never counted (SPEC §7)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Request

#: Request types that are not counted against anyone's capacity.
UNCOUNTED_TYPES = ("support",)


def accepted_since(session: Session, person_ids: Iterable[int], since: datetime) -> dict[int, int]:
    """Person id -> requests they accepted at or after ``since`` (any state since)."""
    ids = list(person_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Request.assignee_id, func.count(Request.id))
        .where(Request.assignee_id.in_(ids), Request.accepted_at >= since,
               Request.type.not_in(UNCOUNTED_TYPES))
        .group_by(Request.assignee_id)
    )
    return {pid: n for pid, n in rows if pid is not None}


def accepted_between(session: Session, since: datetime, until: datetime) -> dict[int, int]:
    """Person id -> requests they accepted in [since, until), support left out."""
    rows = session.execute(
        select(Request.assignee_id, func.count(Request.id))
        .where(Request.assignee_id.is_not(None), Request.accepted_at >= since, Request.accepted_at < until,
               Request.type.not_in(UNCOUNTED_TYPES))
        .group_by(Request.assignee_id)
    )
    return {pid: n for pid, n in rows if pid is not None}
