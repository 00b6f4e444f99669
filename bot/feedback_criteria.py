"""The catalog of quality criteria for written feedback (SPEC §3, memo 8.2.2).

Two catalogs ship with the package: the default grades the interview *report*
(``bot/data/report-criteria.yaml``, built from the public guideline UDI
2013-011V3 "Hvordan skrive asylintervjurapporten": memo 8.2.2 says feedback on
the report follows the report's quality standard); the alternative grades the
*interview* (``bot/data/interview-criteria.yaml``, UDI 2019-015), selected with
``IFN_FEEDBACK_CRITERIA_FILE=interview``. An admin may point the setting at a
file of the same shape instead. The file is validated when loaded, so a bad
catalog stops startup instead of breaking a modal later.
"""

from __future__ import annotations

import re
from enum import StrEnum
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.domain.language import Lang

#: Ids end up in Slack block ids and option values: keep them short and plain.
_ID_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
#: Slack allows at most 10 options in one checkbox group; the focus picker shows
#: one group per criteria group.
MAX_CRITERIA_PER_GROUP = 10

#: The packaged catalogs, by the name ``IFN_FEEDBACK_CRITERIA_FILE`` may give instead of a path.
PACKAGED = {"report": "data/report-criteria.yaml", "interview": "data/interview-criteria.yaml"}
DEFAULT_RESOURCE = PACKAGED["report"]


class Rating(StrEnum):
    """The assessment per criterion: godt / kan forbedres / ikke relevant."""

    GOOD = "good"
    IMPROVE = "improve"
    NOT_RELEVANT = "not_relevant"


class CriteriaError(Exception):
    """The criteria file is missing or invalid; the message says where and why."""


class _Labelled(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    nb: str = Field(min_length=1, max_length=300)
    en: str = Field(min_length=1, max_length=300)

    @field_validator("id")
    @classmethod
    def _plain_id(cls, v: str) -> str:
        if not _ID_RE.match(v):
            raise ValueError(f"id {v!r} must be lower-case letters, digits and _ (max 40)")
        return v

    def label(self, lang: Lang | str) -> str:
        return self.en if Lang.parse(str(lang)) is Lang.EN else self.nb


class Criterion(_Labelled):
    pass


class CriteriaGroup(_Labelled):
    criteria: tuple[Criterion, ...] = Field(min_length=1, max_length=MAX_CRITERIA_PER_GROUP)


class CriteriaCatalog(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    groups: tuple[CriteriaGroup, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> CriteriaCatalog:
        seen: set[str] = set()
        for group in self.groups:
            for item in (group, *group.criteria):
                if item.id in seen:
                    raise ValueError(f"id {item.id!r} is used twice")
                seen.add(item.id)
        return self

    @property
    def criteria(self) -> tuple[Criterion, ...]:
        """All criteria in catalog order."""
        return tuple(c for group in self.groups for c in group.criteria)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    def get(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)

    def group_of(self, criterion_id: str) -> CriteriaGroup | None:
        return next((g for g in self.groups if any(c.id == criterion_id for c in g.criteria)), None)

    def labels(self, ids: list[str] | tuple[str, ...], lang: Lang | str) -> list[str]:
        """Labels of the given criteria in catalog order; unknown ids are skipped
        (a catalog may have changed since a request was made)."""
        wanted = set(ids)
        return [c.label(lang) for c in self.criteria if c.id in wanted]


def parse_criteria(data: object, source: str = "criteria") -> CriteriaCatalog:
    try:
        return CriteriaCatalog.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "top level"
        raise CriteriaError(f"{source}: {where}: {err['msg']}") from None


def load_criteria(path: str | Path | None = None) -> CriteriaCatalog:
    """The catalog from ``path``; a packaged one by name (``report``,
    ``interview``); the packaged default (the report's) when ``path`` is None."""
    packaged = DEFAULT_RESOURCE if path is None else PACKAGED.get(str(path))
    if packaged is not None:
        text = resources.files("bot").joinpath(packaged).read_text("utf-8")
        source = f"bot/{packaged}"
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise CriteriaError(f"{source}: cannot read ({exc.strerror})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise CriteriaError(f"{source}: not valid YAML ({exc})") from None
    return parse_criteria(data, source)
