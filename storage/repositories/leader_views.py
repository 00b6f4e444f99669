"""SQL for the leaders' Home views: an area's open requests (support never),
open line issues, pending exemptions."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Exemption, LineIssue, Request

OPEN_STATES = ("new", "offered", "accepted")


def open_requests(session: Session, area: str, limit: int = 10) -> tuple[int, list[Request]]:
    """How many requests of ``area`` are open, and the oldest ``limit`` of them.
    Support conversations are confidential: never here (SPEC §7)."""
    # One pass over the (area, state) index; sorting the few open ones here keeps a
    # planner from walking the area's whole history in created order instead.
    found = session.execute(select(Request.id, Request.created_at).where(
        Request.area_code == area, Request.state.in_(OPEN_STATES), Request.type != "support")).all()
    oldest = [row.id for row in sorted(found, key=lambda r: (r.created_at, r.id))[:limit]]
    rows = {r.id: r for r in session.scalars(select(Request).where(Request.id.in_(oldest)))} if oldest else {}
    return len(found), [rows[i] for i in oldest]


def open_issues(session: Session, area: str | None = None, limit: int = 10) -> tuple[int, list[LineIssue]]:
    """Line issues not answered yet (of ``area``, or across areas), oldest first."""
    where = [LineIssue.state != "answered"]
    if area is not None:
        where.append(LineIssue.area_code == area)
    count = session.scalar(select(func.count()).select_from(LineIssue).where(*where)) or 0
    rows = list(session.scalars(select(LineIssue).where(*where).order_by(LineIssue.created_at).limit(limit)))
    return count, rows


def pending_exemptions(session: Session, person_ids: Iterable[int]) -> list[Exemption]:
    ids = list(person_ids)
    if not ids:
        return []
    return list(session.scalars(select(Exemption).where(Exemption.person_id.in_(ids),
                                                        Exemption.state == "pending")
                                .order_by(Exemption.created_at)))
