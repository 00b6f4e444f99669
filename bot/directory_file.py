"""Reading and validating the directory YAML file (SPEC §1), without touching
the database. ``load_directory_file`` returns a validated ``DirectoryFile`` or
raises ``DirectoryFileError`` naming the file, the entry and the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.domain.roles import (
    AREA_ROLES,
    BFK_HOME_AREA,
    DEFAULT_AREAS,
    SINGLE_HOLDER_ROLES,
    Role,
)
from bot.domain.training import LEVELS, parse_topic

SLACK_ID_RE = re.compile(r"^[UW][A-Z0-9]{2,}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DirectoryFileError(Exception):
    def __init__(self, file: str, entry: str, reason: str) -> None:
        super().__init__(f"{file}: {entry}: {reason}")
        self.file, self.entry, self.reason = file, entry, reason


class AreaEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=8)
    name: str = Field(min_length=1, max_length=120)


class UnitEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    area: str


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
    language: str = "nb"
    area: str | None = None
    unit: str | None = None
    roles: list[RoleEntry | str] = Field(default_factory=list)
    training: list[TrainingEntry] = Field(default_factory=list)

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
    def _language(cls, v: str) -> str:
        if v not in ("nb", "en"):
            raise ValueError(f"language {v!r} must be nb or en")
        return v


class DirectoryModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    areas: list[AreaEntry] | None = None
    units: list[UnitEntry] = Field(default_factory=list)
    people: list[PersonEntry] = Field(default_factory=list)


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
    language: str
    area: str | None
    unit: str | None
    roles: tuple[RoleSpec, ...]
    training: tuple[TrainingSpec, ...] = ()

    @property
    def label(self) -> str:
        return f"person {self.name!r} ({self.slack_id or self.email})"


@dataclass(frozen=True, slots=True)
class DirectoryFile:
    areas: tuple[AreaEntry, ...]
    units: tuple[UnitEntry, ...]
    people: tuple[PersonSpec, ...]


def _default_areas() -> list[AreaEntry]:
    return [AreaEntry(code=c, name=f"Område {c}") for c in DEFAULT_AREAS]


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


def _ranges_overlap(a: RoleSpec, b: RoleSpec) -> bool:
    a_from, a_to = a.valid_from or date.min, a.valid_to or date.max
    b_from, b_to = b.valid_from or date.min, b.valid_to or date.max
    return a_from <= b_to and b_from <= a_to


def parse_directory(text: str, file: str = "<directory>") -> DirectoryFile:
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise DirectoryFileError(file, where, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise DirectoryFileError(file, "file", "must be a mapping with areas, units and people")
    try:
        model = DirectoryModel.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        reason = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            reason = f"{err['loc'][-1]} is required"
        elif err["type"] == "extra_forbidden":
            reason = f"unknown field {err['loc'][-1]!r}"
        raise DirectoryFileError(file, _entry_label(err["loc"], raw), reason) from None

    areas = model.areas if model.areas is not None else _default_areas()
    area_codes = {a.code for a in areas}
    if len(area_codes) != len(areas):
        raise DirectoryFileError(file, "areas", "an area code appears twice")
    if model.areas is None:
        allowed = set(DEFAULT_AREAS)
    else:
        allowed = area_codes

    unit_codes: dict[str, str] = {}
    for i, unit in enumerate(model.units):
        label = f"units[{i}] ({unit.code})"
        if unit.area not in allowed:
            raise DirectoryFileError(file, label, f"area {unit.area!r} is not one of {sorted(allowed)}")
        if unit.code in unit_codes:
            raise DirectoryFileError(file, label, "unit code appears twice")
        unit_codes[unit.code] = unit.area

    people: list[PersonSpec] = []
    seen_ids: dict[str, str] = {}
    for i, entry in enumerate(model.people):
        label = f"people[{i}] ({entry.name})"
        if not entry.slack_id and not entry.email:
            raise DirectoryFileError(file, label, "needs a slack_id or an email")
        for key in (entry.slack_id, entry.email):
            if key and key in seen_ids:
                raise DirectoryFileError(file, label, f"{key} is already used by {seen_ids[key]}")
            if key:
                seen_ids[key] = entry.name
        area = entry.area
        if entry.unit is not None:
            if entry.unit not in unit_codes:
                raise DirectoryFileError(file, label, f"unit {entry.unit!r} is not in units")
            area = area or unit_codes[entry.unit]
            if unit_codes[entry.unit] != area:
                raise DirectoryFileError(
                    file, label, f"unit {entry.unit!r} belongs to area {unit_codes[entry.unit]}, not {area}"
                )
        if area is not None and area not in allowed:
            raise DirectoryFileError(file, label, f"area {area!r} is not one of {sorted(allowed)}")
        roles: list[RoleSpec] = []
        for r in entry.roles:
            r = RoleEntry(role=r) if isinstance(r, str) else r
            try:
                role = Role(r.role)
            except ValueError:
                known = ", ".join(x.value for x in Role)
                raise DirectoryFileError(file, label, f"unknown role {r.role!r} (known: {known})") from None
            role_area = r.area
            if role in AREA_ROLES:
                role_area = role_area or area
                if role_area is None:
                    raise DirectoryFileError(file, label, f"role {role.value} needs an area")
            elif role is Role.BFK:
                role_area = role_area or BFK_HOME_AREA
            elif role_area is not None and role not in AREA_ROLES:
                raise DirectoryFileError(file, label, f"role {role.value} is not tied to an area")
            if role_area is not None and role_area not in allowed:
                raise DirectoryFileError(file, label, f"area {role_area!r} is not one of {sorted(allowed)}")
            if r.valid_from and r.valid_to and r.valid_to < r.valid_from:
                raise DirectoryFileError(file, label, f"role {role.value}: 'to' is before 'from'")
            spec = RoleSpec(role, role_area, r.valid_from, r.valid_to)
            if spec in roles:
                raise DirectoryFileError(file, label, f"role {role.value} is listed twice")
            roles.append(spec)
        people.append(
            PersonSpec(
                entry.name, entry.slack_id, entry.email, entry.language, area, entry.unit, tuple(roles),
                _training(file, label, entry.training),
            )
        )

    _check_single_holders(file, people)
    return DirectoryFile(tuple(areas), tuple(model.units), tuple(people))


def _training(file: str, label: str, entries: list[TrainingEntry]) -> tuple[TrainingSpec, ...]:
    out: list[TrainingSpec] = []
    for e in entries:
        if e.level not in LEVELS:
            raise DirectoryFileError(file, label, f"training level {e.level} must be 1, 2 or 3")
        topic = ""
        if e.level == 2:
            found = parse_topic(e.topic or "")
            if found is None:
                raise DirectoryFileError(
                    file, label, f"training level 2 needs a topic (credibility, vulnerable, culture, "
                                 f"interview_method), not {e.topic!r}")
            topic = found
        elif e.topic:
            raise DirectoryFileError(file, label, f"training level {e.level} has no topic")
        spec = TrainingSpec(e.level, topic, e.completed)
        if any((s.level, s.topic) == (spec.level, spec.topic) for s in out):
            what = f"training level {e.level} {topic}".rstrip()
            raise DirectoryFileError(file, label, f"{what} is listed twice")
        out.append(spec)
    return tuple(out)


def _check_single_holders(file: str, people: list[PersonSpec]) -> None:
    """One IFK and one area leader per area, one BFK — unless their date ranges
    do not overlap (a planned hand-over or a substitute period)."""
    held: dict[tuple[Role, str | None], list[tuple[PersonSpec, RoleSpec]]] = {}
    for person in people:
        for spec in person.roles:
            if spec.role not in SINGLE_HOLDER_ROLES:
                continue
            scope = None if spec.role is Role.BFK else spec.area
            for other_person, other in held.get((spec.role, scope), []):
                if _ranges_overlap(spec, other):
                    where = "" if scope is None else f" for area {scope}"
                    raise DirectoryFileError(
                        file,
                        f"person {person.name!r}",
                        f"a second {spec.role.value}{where} (already {other_person.name!r}) "
                        "needs a from/to date range that does not overlap",
                    )
            held.setdefault((spec.role, scope), []).append((person, spec))


def load_directory_file(path: str | Path) -> DirectoryFile:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise DirectoryFileError(str(p), "file", f"cannot be read: {exc.strerror}") from None
    return parse_directory(text, str(p))
