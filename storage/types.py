"""Column types shared by all models.

SQLite has no time zone support: it stores whatever string it is given and returns
naive datetimes. ``UTCDateTime`` makes both databases behave the same way: values
are normalised to UTC on the way in and come back as aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """Default for timestamp columns when the caller does not pass its clock's time.

    Services should pass ``clock.now()`` explicitly so tests control time; this
    only keeps a forgotten timestamp from becoming NULL.
    """
    return datetime.now(UTC)


# JSON documents: JSONB on PostgreSQL (comparable, so DISTINCT and equality work and
# it can be indexed later), plain JSON text elsewhere. The ORM does not notice
# in-place changes to a loaded list/dict: assign a new value to persist a change.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")
