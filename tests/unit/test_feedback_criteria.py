"""The packaged feedback-criteria catalogs: the default one grades the interview
*report* (UDI 2013-011V3), the interview catalog (UDI 2019-015) stays available
by name."""

from __future__ import annotations

from bot.domain.language import Lang
from bot.feedback_criteria import load_criteria

CRITERIA = load_criteria("interview")


def test_the_default_catalog_grades_the_report_after_udi_2013_011():
    report = load_criteria()
    assert report == load_criteria("report")
    assert [g.id for g in report.groups] == ["readers", "content", "language", "structure"]
    assert len(report.ids) == len(set(report.ids)) == 11
    wording = report.get("applicant_wording")
    assert wording is not None and "så nært søkerens egen måte å formulere seg på" in wording.label(Lang.NB)
    assert report.group_of("headings").label(Lang.EN) == "A clear text"
    assert report.get("interpreter") is None  # an interview criterion, not the report's


def test_the_interview_catalog_stays_available_by_name():
    assert [g.id for g in CRITERIA.groups] == ["preparation", "opening", "gathering", "recording", "closing"]
    assert len(CRITERIA.ids) == len(set(CRITERIA.ids)) == 11
    interpreter = CRITERIA.get("interpreter")
    assert interpreter is not None
    assert (interpreter.label(Lang.NB), interpreter.label(Lang.EN)) == (
        "Bruk av tolk",
        "Use of the interpreter",
    )
    assert interpreter.label("en-GB") == "Use of the interpreter"
    group = CRITERIA.group_of("interpreter")
    assert group is not None and group.label(Lang.NB) == "Kontaktetablering og innledende prosedyrer"
    assert CRITERIA.get("nope") is None
    assert CRITERIA.labels(["themes", "nope", "interpreter"], Lang.EN) == [
        "Use of the interpreter",
        "Mapping and probing of relevant themes",
    ]
