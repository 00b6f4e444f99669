"""Look for a number anywhere in the database, however it was stored.

Black-box: the tables and columns are read from the live schema, not from the
models, and every value is compared by its digits (any script), so a national
id stored with spaces, dots or full-width digits is found too.
"""

from __future__ import annotations

import json
import unicodedata

from sqlalchemy import Engine, inspect, text


def digits_of(value: object) -> str:
    out = []
    for char in str(value):
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1 and unicodedata.decimal(folded, None) is not None:
            out.append(str(unicodedata.decimal(folded)))
    return "".join(out)


def places_holding(engine: Engine, number: str) -> list[str]:
    """``table.column`` of every stored value whose digits contain ``number``."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if table == "alembic_version":
                continue
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            for row in result:
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, str | dict | list) and number in digits_of(value):
                        found.append(f"{table}.{column}")
    return found


def places_storing(engine: Engine, wanted: str) -> list[str]:
    """``table.column`` of every stored text that contains ``wanted`` exactly."""
    found: list[str] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            result = conn.execute(text(f'SELECT * FROM "{table}"'))
            columns = list(result.keys())
            for row in result:
                found += [f"{table}.{column}" for column, value in zip(columns, row, strict=True)
                          if wanted in _texts(value)]
    return found


def _texts(value: object) -> str:
    """Every text in a stored value, JSON documents read as JSON (SQLite hands
    them back as text with escaped non-ASCII characters)."""
    if isinstance(value, str) and value[:1] in "{[":
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if isinstance(value, dict):
        return "\n".join(_texts(v) for v in [*value.keys(), *value.values()])
    if isinstance(value, list):
        return "\n".join(_texts(v) for v in value)
    return value if isinstance(value, str) else ""
