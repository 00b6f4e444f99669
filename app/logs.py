"""Logging for the long-running commands: readable lines, or one JSON object per
line with ``IFN_LOG_FORMAT=json`` (for a log shipper).

A JSON line carries the time, level, logger, message and only the structured
fields listed in ``FIELDS`` — ids, request types, outcomes, durations, stages —
which the code passes as ``extra=``. Nothing a person typed is logged: log calls
name requests and people by id, never by name, note or case reference.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

#: The structured fields a log call may pass with ``extra=`` (all ids, codes or numbers).
FIELDS = ("request_id", "request_type", "outcome", "offer_id", "person_id", "duration_ms", "stage",
          "method", "error", "status", "holder", "attempt")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in FIELDS:
            value = getattr(record, field, None)
            if value is not None:
                out[field] = value
        if record.exc_info:
            out["exception"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def formatter(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT)


def configure(log_format: str, level: int) -> None:
    """Replace the root logger's handlers with one stderr handler in this format."""
    handler = logging.StreamHandler()
    handler.setFormatter(formatter(log_format))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # a line per tick says nothing


def gunicorn_logconfig(log_format: str) -> dict[str, Any]:
    """gunicorn's error and access logs in the same format as ours."""
    fmt = {"()": "app.logs.JsonFormatter"} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"ifn": fmt},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "ifn",
                                "stream": "ext://sys.stderr"}},
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        },
    }
