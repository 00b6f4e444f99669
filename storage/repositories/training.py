"""SQL for training records (Trinn 1–3)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import TrainingRecord


def upsert_record(s: Session, person_id: int, level: int, topic: str, on: date | None, source: str) -> str:
    """created | updated | unchanged"""
    row = s.scalar(select(TrainingRecord).where(TrainingRecord.person_id == person_id,
                                                TrainingRecord.level == level, TrainingRecord.topic == topic))
    if row is None:
        s.add(TrainingRecord(person_id=person_id, level=level, topic=topic, completed_on=on, source=source))
        return "created"
    if on is not None and row.completed_on != on:
        row.completed_on = on
        return "updated"
    return "unchanged"


def all_records(s: Session) -> list[TrainingRecord]:
    return list(s.scalars(select(TrainingRecord).order_by(TrainingRecord.person_id, TrainingRecord.level,
                                                          TrainingRecord.topic)))
