"""The append-only audit timeline (SPEC §3: every step is written down).

Why a guard: the timeline is evidence of who was offered what and when (and the
basis of the quality report), so a row, once written, must never change. The
ORM refuses to flush an UPDATE or DELETE of an ``AuditEvent`` and refuses
ORM-enabled bulk ``update()``/``delete()`` statements against the table, which
catches the accidental cases (a stray attribute assignment, a cascade, a
careless bulk statement). It is deliberately not a database trigger: test
fixtures empty every table between tests, and a retention purge (support
conversation details, SPEC §7) must be able to redact old rows on purpose. Such
deliberate maintenance goes through Core on a connection
(``session.connection().execute(...)``), which this guard does not see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from storage.models.base import Base
from storage.types import JSONDocument, UTCDateTime, utcnow


class AuditImmutableError(RuntimeError):
    """Raised when code tries to change or remove an audit event through the ORM."""


class AuditEvent(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_request_at", "request_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("requests.id"))
    kind: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


@event.listens_for(AuditEvent, "before_update")
def _refuse_update(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditImmutableError(f"audit event {target.id} is append-only and cannot be updated")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_delete(_mapper, _connection, target: AuditEvent) -> None:
    raise AuditImmutableError(f"audit event {target.id} is append-only and cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    table = getattr(state.statement, "table", None)
    if (mapper is not None and mapper.class_ is AuditEvent) or table is AuditEvent.__table__:
        raise AuditImmutableError("audit events are append-only; bulk UPDATE/DELETE refused")
