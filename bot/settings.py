"""Runtime configuration from the environment and ``.env``.

Built once by the composition root (``app/``) and passed down; never read at
import time. A missing or invalid setting is turned into one line naming the
setting (see ``load_settings``), so an operator sees what to fix without a
traceback.
"""

from __future__ import annotations

import re
from datetime import time
from typing import Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

S = TypeVar("S", bound="CoreSettings")


class SettingsError(Exception):
    """A setting is missing or invalid; the message names it."""


class CoreSettings(BaseSettings):
    """What every command needs, including the ones that never talk to Slack
    (``db upgrade``, ``directory import``). Field names are the environment
    variable names in lower case."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    # Storage and time
    database_url: str = Field(default="sqlite:///ifn-bot.db")
    ifn_timezone: str = Field(default="Europe/Oslo")
    ifn_working_hours_start: time = Field(default=time(8, 0))
    ifn_working_hours_end: time = Field(default=time(15, 45))

    # Channels
    ifn_network_channel: str | None = Field(default=None, description="IFN network channel id")
    ifn_management_channel: str | None = Field(
        default=None, description="Department management channel id"
    )

    # Offer timeouts per request type, in seconds
    ifn_timeout_live: int = Field(default=180, gt=0)
    ifn_timeout_feedback: int = Field(default=27900, gt=0)  # one working day (7 h 45 min)
    ifn_timeout_hour: int = Field(default=27900, gt=0)
    ifn_timeout_support: int = Field(default=2 * 3600, gt=0)

    # Follow-up of accepted work not marked done (SPEC §5): when the assignee is
    # reminded, and how long after that the requester is asked whether help came
    ifn_followup_live_minutes: int = Field(default=120, gt=0)  # after the interview started
    ifn_followup_hour_propose_seconds: int = Field(default=27900, gt=0)  # working time to propose times
    ifn_followup_hour_done_minutes: int = Field(default=60, gt=0)  # after the agreed hour began
    ifn_followup_ask_seconds: int = Field(default=27900, gt=0)  # working time, reminder → question
    # Capacity (issue 15): the most routed tasks (live, feedback, hour; never support)
    # someone with 100 % of their position in the network accepts in a week; a
    # person's cap is this times their directory ``share`` (at least 1). 0: no cap.
    ifn_weekly_max_tasks: int = Field(default=0, ge=0)

    # Support conversations (memo 8.3, SPEC §7): days before a note is purged, and the
    # external services a requester is sent when the assignee refers them (a literal \\n separates lines)
    ifn_support_retention_days: int = Field(default=90, gt=0)
    ifn_external_support: str = Field(
        default="Bedriftshelsetjenesten (BHT) – via personalavdelingen\\nArbeidsmiljøtjenesten"
    )

    # Case references (SPEC §7)
    ifn_case_ref_pattern: str = Field(default=r"^\d{2}/\d{5}(-\d{1,3})?$")
    ifn_case_ref_example: str = Field(default="26/01234")

    # Quality-standard criteria for written feedback; empty = the packaged default catalog
    ifn_feedback_criteria_file: str | None = Field(default=None)

    # HTTP server
    port: int = Field(default=3000, gt=0, lt=65536)

    # Performance: how often a process checks whether the directory changed (its
    # in-memory copy is rebuilt when it did), and how many threads per process send
    # the outbox's messages to Slack
    ifn_directory_cache_seconds: float = Field(default=2.0, ge=0)
    ifn_outbox_workers: int = Field(default=4, gt=0, le=64)
    # Operations: Prometheus metrics and the log format
    ifn_metrics: bool = Field(default=False, description="serve /metrics on the HTTP server")
    ifn_metrics_port: int | None = Field(default=None, gt=0, lt=65536,
                                         description="port of /metrics in the scheduler and Socket Mode")
    ifn_log_format: Literal["text", "json"] = Field(default="text")

    @field_validator("database_url")
    @classmethod
    def _db_url(cls, v: str) -> str:
        if not (v.startswith("sqlite") or v.startswith("postgres")):
            raise ValueError("must be a sqlite:/// or postgresql+psycopg:// URL")
        if v.startswith("postgresql://") or v.startswith("postgres://"):
            # Use psycopg 3, the driver we install.
            v = "postgresql+psycopg://" + v.split("://", 1)[1]
        return v

    @field_validator("ifn_network_channel", "ifn_management_channel", "ifn_feedback_criteria_file",
                     "ifn_metrics_port", mode="before")
    @classmethod
    def _empty_channel(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @field_validator("ifn_timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {v!r}") from exc
        return v

    @field_validator("ifn_case_ref_pattern")
    @classmethod
    def _pattern(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.ifn_timezone)

    @property
    def external_support_lines(self) -> list[str]:
        """IFN_EXTERNAL_SUPPORT as lines (a literal ``\\n`` or a real newline separates them)."""
        text = self.ifn_external_support.replace("\\n", "\n")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def offer_timeout(self, request_type: str) -> int:
        return int(getattr(self, f"ifn_timeout_{request_type}"))


class Settings(CoreSettings):
    """Everything, for the commands that talk to Slack."""

    slack_bot_token: SecretStr = Field(description="Bot token (xoxb-…)")
    slack_signing_secret: SecretStr = Field(description="Signing secret of the Slack app")
    slack_app_token: SecretStr | None = Field(
        default=None, description="App-level token (xapp-…); set it to use Socket Mode"
    )
    slack_api_url: str = Field(default=DEFAULT_SLACK_API_URL, description="Web API base URL")

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token_shape(cls, v: SecretStr) -> SecretStr:
        if not v.get_secret_value().startswith("xoxb-"):
            raise ValueError("must start with xoxb-")
        return v

    @field_validator("slack_app_token")
    @classmethod
    def _app_token_shape(cls, v: SecretStr | None) -> SecretStr | None:
        if v is not None and v.get_secret_value() == "":
            return None
        if v is not None and not v.get_secret_value().startswith("xapp-"):
            raise ValueError("must start with xapp-")
        return v

    @field_validator("slack_signing_secret")
    @classmethod
    def _secret_not_empty(cls, v: SecretStr) -> SecretStr:
        if not v.get_secret_value().strip():
            raise ValueError("must not be empty")
        return v

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, v: str) -> str:
        if not re.match(r"^https?://", v):
            raise ValueError("must be an http(s) URL")
        return v if v.endswith("/") else v + "/"

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

def load_settings(cls: type[S] = Settings, **overrides: object) -> S:
    """Build settings from env/.env (and explicit overrides, for tests).

    Raises ``SettingsError`` with one line: ``SETTING_NAME: what is wrong``.
    """
    try:
        return cls(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        if err["type"] == "missing":
            problem = "is required but not set"
        else:
            problem = err["msg"].removeprefix("Value error, ")
        more = len(exc.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise SettingsError(f"{name}: {problem}{suffix}") from None
