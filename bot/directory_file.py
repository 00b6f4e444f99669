"""Reading and validating the directory YAML file (SPEC §1), without touching
the database. ``load_directory_file`` returns a validated ``DirectoryFile`` or
raises ``DirectoryFileError`` naming the file, the entry and the reason.

The file's shape is the pydantic models below (``DirectoryModel``); the rules
that tie entries together (areas and units exist, one IFK per area and period,
…) live in ``bot.directory_rules`` and are the same for a file and for an edit
an admin makes in Slack, which builds a ``DirectoryModel`` of the whole
directory with the edit applied and validates it the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import t

SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DirectoryFileError(Exception):
    """A refused directory (file or edit). ``reason`` is English (the CLI's
    language); ``key``/``params`` say the same through the catalogs, for an
    admin in Slack, and ``field`` names what the refusal is about (``roles``,
    ``unit``, ``email``, …) so a form can put it on the right input."""

    def __init__(self, file: str, entry: str, reason: str, *, key: str | None = None,
                 params: dict[str, Any] | None = None, field: str | None = None) -> None:
        super().__init__(f"{file}: {entry}: {reason}")
        self.file, self.entry, self.reason = file, entry, reason
        self.key, self.params, self.field = key, dict(params or {}), field

    def text(self, lang: Lang) -> str:
        """The reason in ``lang`` (the English reason when it has no catalog key)."""
        return t(lang, self.key, **self.params) if self.key else self.reason


def rule_error(file: str, entry: str, key: str, field: str | None = None,
               **params: Any) -> DirectoryFileError:
    """A refusal whose reason comes from the catalog (``dir.rule.*``)."""
    return DirectoryFileError(file, entry, t(Lang.EN, key, **params), key=key, params=params, field=field)


class AreaEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=8)
    name: str = Field(min_length=1, max_length=120)


class UnitEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    area: str
    #: False: outside the interview network (a Dublin unit, the coordination unit).
    network: bool = True


class OrganisationEntry(BaseModel):
    """``scope``: coordinators serve an ``area`` (IM 2012-012) or a ``unit``
    (UDI 2016-018). ``bfk_home``: the area or unit code the BFK belongs to."""

    model_config = ConfigDict(extra="forbid")
    scope: str = "area"
    bfk_home: str | None = None

    @field_validator("scope")
    @classmethod
    def _scope(cls, v: str) -> str:
        if v not in ("area", "unit"):
            raise ValueError(f"scope {v!r} must be area or unit")
        return v


class RoleEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    role: str
    area: str | None = None
    valid_from: date | None = Field(default=None, alias="from")
    valid_to: date | None = Field(default=None, alias="to")


class TrainingEntry(BaseModel):
    """A completed training level: ``{level: 2, topic: credibility, completed: 2025-03-01}``."""

    model_config = ConfigDict(extra="forbid")
    level: int
    topic: str | None = None
    completed: date | None = None


class PersonEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    slack_id: str | None = None
    email: str | None = None
    #: Absent: the person keeps the language they have (chosen by themselves, or
    #: seeded from their Slack locale); nb for someone new until Slack says otherwise.
    language: str | None = None
    area: str | None = None
    unit: str | None = None
    roles: list[RoleEntry | str] = Field(default_factory=list)
    training: list[TrainingEntry] = Field(default_factory=list)
    #: Percent of the position for network work (1–100); IFK, BFK and IFR only.
    share: int | None = Field(default=None, ge=1, le=100)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        # A name is put into messages as it is: < and > would make a mention or a link of it.
        if any(ch in "<>" or unicodedata.category(ch) == "Cc" for ch in v):
            raise ValueError(f"name {v!r} may not hold < or > or control characters")
        return v

    @field_validator("slack_id")
    @classmethod
    def _slack_id(cls, v: str | None) -> str | None:
        if v is not None and not SLACK_ID_RE.match(v):
            raise ValueError(f"slack_id {v!r} is not a Slack user id (U… or W…)")
        return v

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is None:
            return None
        v = v.strip().lower()
        if not EMAIL_RE.match(v):
            raise ValueError(f"email {v!r} is not an e-mail address")
        return v

    @field_validator("language")
    @classmethod
    def _language(cls, v: str | None) -> str | None:
        if v is not None and v not in ("nb", "en"):
            raise ValueError(f"language {v!r} must be nb or en")
        return v


class ActingEntry(BaseModel):
    """An acting area leader (fungerende områdeleder) for a period: ``person`` and
    ``by`` are the Slack id or e-mail of people in the file."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    area: str
    person: str
    valid_from: date = Field(alias="from")
    valid_to: date = Field(alias="to")
    by: str | None = None


class DirectoryModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    #: Absent: the 2012 shape (coordinators per area, the BFK in area A).
    organisation: OrganisationEntry | None = None
    areas: list[AreaEntry] | None = None
    units: list[UnitEntry] = Field(default_factory=list)
    people: list[PersonEntry] = Field(default_factory=list)
    #: Absent: acting leaders designated in Slack are kept as they are; a list
    #: (also an empty one) is the whole set.
    acting: list[ActingEntry] | None = None


@dataclass(frozen=True, slots=True)
class RoleSpec:
    role: Role
    area: str | None
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True, slots=True)
class TrainingSpec:
    level: int
    topic: str  # "" for levels without a topic
    completed: date | None


@dataclass(frozen=True, slots=True)
class PersonSpec:
    name: str
    slack_id: str | None
    email: str | None
    language: str | None  # None: not set by the directory
    area: str | None
    unit: str | None
    roles: tuple[RoleSpec, ...]
    training: tuple[TrainingSpec, ...] = ()
    share: int | None = None

    @property
    def label(self) -> str:
        return f"person {self.name!r} ({self.slack_id or self.email})"

    @property
    def keys(self) -> tuple[str, ...]:
        """How other entries refer to this person: Slack id and e-mail."""
        return tuple(k for k in (self.slack_id, self.email) if k)


@dataclass(frozen=True, slots=True)
class ActingSpec:
    area: str
    person: str  # a key of a PersonSpec
    valid_from: date
    valid_to: date
    by: str | None = None


@dataclass(frozen=True, slots=True)
class OrgSpec:
    """The organisation's shape, validated: ``bfk_home`` is an area code or a
    unit code; ``bfk_area`` the area it is in."""

    scope: str = "area"
    bfk_home: str | None = None
    bfk_area: str = "A"

    @property
    def unit_scope(self) -> bool:
        return self.scope == "unit"


@dataclass(frozen=True, slots=True)
class DirectoryFile:
    areas: tuple[AreaEntry, ...]
    units: tuple[UnitEntry, ...]
    people: tuple[PersonSpec, ...]
    acting: tuple[ActingSpec, ...] | None = None  # None: the file says nothing about acting leaders
    organisation: OrgSpec = OrgSpec()


def _entry_label(loc: tuple, raw: dict) -> str:
    """'people[3] (Kari Nordmann)' from a pydantic error location."""
    if len(loc) >= 2 and isinstance(loc[1], int):
        section, index = str(loc[0]), loc[1]
        items = raw.get(section) or []
        name = ""
        if index < len(items) and isinstance(items[index], dict):
            name = str(items[index].get("name") or items[index].get("code") or "")
        return f"{section}[{index}]" + (f" ({name})" if name else "")
    return ".".join(str(p) for p in loc) or "file"


def validate_model(raw: Any, file: str = "<directory>") -> DirectoryModel:
    """The file's shape, or the first problem with it."""
    if not isinstance(raw, dict):
        raise rule_error(file, "file", "dir.rule.not_a_mapping")
    try:
        return DirectoryModel.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        reason = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            reason = f"{err['loc'][-1]} is required"
        elif err["type"] == "extra_forbidden":
            reason = f"unknown field {err['loc'][-1]!r}"
        raise DirectoryFileError(file, _entry_label(err["loc"], raw), reason) from None


def parse_directory(text: str, file: str = "<directory>") -> DirectoryFile:
    from bot.directory_rules import build_directory

    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise rule_error(file, where, "dir.rule.yaml", detail=str(exc)) from None
    return build_directory(validate_model(raw, file), file)


def load_directory_file(path: str | Path) -> DirectoryFile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DirectoryFileError(str(p), "file", f"cannot be read: {exc.strerror}") from None
    return parse_directory(text, str(p))
