"""The quality report (memo §8.4) as a pure function of plain rows.

No database, no Slack, no clock: ``bot.services.reports`` loads the rows for a
period and this module computes the figures, so they are tested against
hand-computed answers. Support conversations are confidential (SPEC §7): their
rows never reach this module — the loader passes only their count — so no
report can carry a support requester's name or area.
"""

from __future__ import annotations

import csv
import io
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain.language import Lang
from bot.i18n import t


@dataclass(frozen=True, slots=True)
class RequestRow:
    """One (non-support) request created in the period."""

    type: str
    area: str
    state: str
    created_at: datetime
    accepted_at: datetime | None
    first_tier: str | None  # the tier of the chain's first entry
    accepted_tier: str | None  # the tier of the accepted offer


@dataclass(frozen=True, slots=True)
class GoalRow:
    """One coordinator's result in one week: met | exempted | absent | pending | missed."""

    area: str
    outcome: str


@dataclass(frozen=True, slots=True)
class TrainingRow:
    """One caseworker and whether they have Trinn 1."""

    area: str
    has_trinn1: bool


@dataclass(frozen=True, slots=True)
class HelpRow:
    """One answer to "Fikk du hjelpen du trengte?" (``bot.lifecycle.check_in``)."""

    type: str
    area: str
    came: bool


@dataclass(frozen=True, slots=True)
class RatingRow:
    """One criterion's rating in one delivered feedback on an interview report
    (memo 8.2.2). Only type, area and criterion: never who gave or got it."""

    criterion: str
    labels: Mapping[str, str]  # lang -> label, as the feedback was given
    area: str
    rating: str  # good | improve | not_relevant


@dataclass(frozen=True, slots=True)
class LoadRow:
    """One coordinator or adviser: routed tasks they accepted in the period
    (support conversations are never counted) and their share of position."""

    name: str
    role: str  # ifk | bfk | ifr
    share: int | None  # percent of the position for network work; None: not stated (100)
    tasks: int


@dataclass(frozen=True, slots=True)
class LoadFigures:
    name: str
    role: str
    share: int | None
    tasks: int
    task_share: float | None  # their part of all the tasks
    capacity_share: float  # their part of the network's capacity (shares summed)


@dataclass(frozen=True, slots=True)
class RequestFigures:
    type: str
    area: str
    count: int
    median_minutes: float | None
    p90_minutes: float | None
    fallback_share: float | None  # among accepted requests
    unanswered_share: float


@dataclass(frozen=True, slots=True)
class GoalFigures:
    area: str
    met: int
    exempted: int
    missed: int  # includes exemptions never decided
    absent: int = 0  # weeks away on every working day: neither met nor missed

    @property
    def attainment(self) -> float | None:
        total = self.met + self.exempted + self.missed
        return (self.met + self.exempted) / total if total else None


@dataclass(frozen=True, slots=True)
class TrainingFigures:
    area: str
    caseworkers: int
    with_trinn1: int

    @property
    def coverage(self) -> float | None:
        return self.with_trinn1 / self.caseworkers if self.caseworkers else None


@dataclass(frozen=True, slots=True)
class HelpFigures:
    type: str
    area: str
    yes: int
    no: int


@dataclass(frozen=True, slots=True)
class RatingFigures:
    criterion: str
    labels: Mapping[str, str]
    area: str
    good: int
    improve: int
    not_relevant: int


@dataclass(frozen=True, slots=True)
class QualityReport:
    start: date
    end: date
    requests: tuple[RequestFigures, ...]
    goals: tuple[GoalFigures, ...]
    training: tuple[TrainingFigures, ...]
    support_count: int
    help_answers: tuple[HelpFigures, ...] = ()
    ratings: tuple[RatingFigures, ...] = ()
    loads: tuple[LoadFigures, ...] = ()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least ``share`` of
    the values at or below it (p90 of 10 values is the 9th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def compute(start: date, end: date, requests: Iterable[RequestRow], goals: Iterable[GoalRow],
            training: Iterable[TrainingRow], support_count: int, help_rows: Iterable[HelpRow] = (),
            ratings: Iterable[RatingRow] = (), criteria_order: Sequence[str] = (),
            loads: Iterable[LoadRow] = ()) -> QualityReport:
    by_key: dict[tuple[str, str], list[RequestRow]] = defaultdict(list)
    for row in requests:
        by_key[(row.type, row.area)].append(row)
    request_figures = []
    for (kind, area), rows in sorted(by_key.items()):
        waits = [(r.accepted_at - r.created_at).total_seconds() / 60
                 for r in rows if r.accepted_at is not None]
        accepted = [r for r in rows if r.accepted_tier is not None]
        fell_back = [r for r in accepted if r.accepted_tier != r.first_tier]
        request_figures.append(RequestFigures(
            type=kind, area=area, count=len(rows),
            median_minutes=statistics.median(waits) if waits else None,
            p90_minutes=percentile(waits, 0.9) if waits else None,
            fallback_share=len(fell_back) / len(accepted) if accepted else None,
            unanswered_share=sum(r.state == "unassigned" for r in rows) / len(rows),
        ))
    goal_counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for g in goals:
        goal_counts[g.area][g.outcome] += 1
    goal_figures = [GoalFigures(area, c["met"], c["exempted"], c["missed"] + c["pending"], c["absent"])
                    for area, c in sorted(goal_counts.items())]
    train_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for tr in training:
        train_counts[tr.area][0] += 1
        train_counts[tr.area][1] += int(tr.has_trinn1)
    training_figures = [TrainingFigures(area, n, k) for area, (n, k) in sorted(train_counts.items())]
    help_counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for h in help_rows:
        help_counts[(h.type, h.area)][0 if h.came else 1] += 1
    help_figures = [HelpFigures(kind, area, yes, no)
                    for (kind, area), (yes, no) in sorted(help_counts.items())]
    return QualityReport(start, end, tuple(request_figures), tuple(goal_figures), tuple(training_figures),
                         support_count, tuple(help_figures), _ratings(ratings, criteria_order), _loads(loads))


def _loads(rows: Iterable[LoadRow]) -> tuple[LoadFigures, ...]:
    """Load against share: each person's part of the tasks beside their part of
    the capacity (a share not stated counts as 100 %). Equal parts: the work
    follows the shares; more tasks than capacity: they carry more than their share."""
    rows = list(rows)
    total_tasks = sum(r.tasks for r in rows)
    total_share = sum(r.share or 100 for r in rows)
    return tuple(LoadFigures(r.name, r.role, r.share, r.tasks,
                             r.tasks / total_tasks if total_tasks else None, (r.share or 100) / total_share)
                 for r in sorted(rows, key=lambda r: (r.role, r.name)))


def _ratings(rows: Iterable[RatingRow], order: Sequence[str]) -> tuple[RatingFigures, ...]:
    """Per criterion and area, in the catalog's order (criteria it no longer
    has come last): how often it was rated good, can improve, not relevant."""
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, Mapping[str, str]] = {}
    for r in rows:
        counts[(r.criterion, r.area)][r.rating] += 1
        labels.setdefault(r.criterion, r.labels)
    position = {cid: i for i, cid in enumerate(order)}

    def key(item: tuple[str, str]) -> tuple[int, str, str]:
        return (position.get(item[0], len(position)), item[0], item[1])

    return tuple(RatingFigures(cid, labels[cid], area, c["good"], c["improve"], c["not_relevant"])
                 for (cid, area), c in sorted(counts.items(), key=lambda kv: key(kv[0])))


# ------------------------------------------------------------------- rendering


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{round(share * 100)} %"


def _short(label: str, limit: int = 40) -> str:
    """A criterion's label as a table cell: cut at a word, with an ellipsis."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,:;–-")
    return cut + "…"


def _minutes(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def rows_for_table(lang: Lang, report: QualityReport,
                   people: bool = False) -> list[tuple[str, list[str], list[list[str]]]]:
    """(section title, header, rows) per section, in ``lang``. Only with ``people``
    (the leaders' version) the load against share per coordinator and adviser:
    otherwise the report names nobody."""
    sections = [
        (t(lang, "report.section.requests"),
         [t(lang, f"report.col.{c}") for c in ("type", "area", "count", "median", "p90", "fallback",
                                                 "unanswered")],
         [[t(lang, f"req.type.{f.type}"), f.area, str(f.count), _minutes(f.median_minutes),
           _minutes(f.p90_minutes), _pct(f.fallback_share), _pct(f.unanswered_share)]
          for f in report.requests]),
        (t(lang, "report.section.goals"),
         [t(lang, f"report.col.{c}") for c in ("area", "met", "exempted", "absent", "missed", "attainment")],
         [[g.area, str(g.met), str(g.exempted), str(g.absent), str(g.missed), _pct(g.attainment)]
          for g in report.goals]),
        (t(lang, "report.section.training"),
         [t(lang, f"report.col.{c}") for c in ("area", "caseworkers", "trinn1", "coverage")],
         [[tr.area, str(tr.caseworkers), str(tr.with_trinn1), _pct(tr.coverage)] for tr in report.training]),
        (t(lang, "report.section.help"),
         [t(lang, f"report.col.{c}") for c in ("type", "area", "help_yes", "help_no")],
         [[t(lang, f"req.type.{h.type}"), h.area, str(h.yes), str(h.no)] for h in report.help_answers]),
        (t(lang, "report.section.ratings"),
         [t(lang, f"report.col.{c}") for c in ("criterion", "area", "good", "improve", "not_relevant")],
         [[_short(r.labels.get(lang.value) or r.labels.get("nb") or r.criterion), r.area, str(r.good),
           str(r.improve), str(r.not_relevant)] for r in report.ratings]),
        (t(lang, "report.section.support"), [t(lang, "report.col.count")], [[str(report.support_count)]]),
    ]
    if people:
        sections.insert(-1, (
            t(lang, "report.section.load"),
            [t(lang, f"report.col.{c}")
             for c in ("name", "role", "share", "tasks", "task_share", "capacity_share")],
            [[x.name, t(lang, f"report.role.{x.role}"), _pct(x.share / 100 if x.share else None),
              str(x.tasks), _pct(x.task_share), _pct(x.capacity_share)] for x in report.loads]))
    return sections


def render_table(lang: Lang, report: QualityReport, people: bool = False) -> str:
    lines = [t(lang, "report.title", start=report.start.strftime("%d.%m.%Y"),
               end=report.end.strftime("%d.%m.%Y"))]
    for title, header, rows in rows_for_table(lang, report, people):
        lines += ["", title]
        if not rows:
            lines.append(t(lang, "report.empty"))
            continue
        widths = [max(len(cell) for cell in col) for col in zip(header, *rows, strict=False)]
        for row in [header, *rows]:
            lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)).rstrip())
    return "\n".join(lines)


def render_csv(lang: Lang, report: QualityReport, people: bool = False) -> str:
    """One CSV with a section column, so a spreadsheet can filter by it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for title, header, rows in rows_for_table(lang, report, people):
        writer.writerow([t(lang, "report.col.section"), *header])
        for row in rows:
            writer.writerow([title, *row])
    return out.getvalue()
