"""Validation of the request forms as Slack submits them (SPEC §2, §7)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.domain.language import Lang
from bot.domain.requests import RequestType
from bot.feedback_criteria import CriteriaError, Rating, load_criteria, parse_criteria
from bot.forms import (
    ANYONE,
    ChildKind,
    FeedbackForm,
    FeedbackResponse,
    FormBlock,
    HourForm,
    LiveForm,
    case_ref_error,
    criterion_block,
    focus_block,
    parse_feedback,
    parse_feedback_response,
    parse_hour,
    parse_hour_proposal,
    parse_live,
)
from bot.i18n import t
from sandbox.slack_requests import (
    state_checkboxes,
    state_datepicker,
    state_plain_text,
    state_radio_buttons,
    state_static_select,
    state_timepicker,
    state_users_select,
    state_values,
)

OSLO = ZoneInfo("Europe/Oslo")
TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=OSLO)
PATTERN = r"^\d{2}/\d{5}(-\d{1,3})?$"
CRITERIA = load_criteria("interview")  # the interview catalog: these tests name its criteria
# A valid fødselsnummer (01.01.90, individual number 124) and a D-number.
FNR = "01019012480"
DNR = "41019012393"

PII_NB = (
    "Teksten ser ut til å inneholde et fødselsnummer eller D-nummer. Fjern det – "
    "personopplysninger skal ikke stå her. Ingenting er lagret."
)


# Element shapes test_slack_requests does not have (yet), as Slack sends them.
values = state_values


def common(**overrides: dict[str, Any] | None) -> dict[str, dict[str, Any] | None]:
    fields: dict[str, dict[str, Any] | None] = {
        FormBlock.AREA: state_static_select("B", "Område B"),
        FormBlock.CHILD: state_checkboxes([]),
        FormBlock.DESCRIPTION: state_plain_text("Søkeren svarer unnvikende om reiseruten."),
    }
    fields.update(overrides)
    return fields


def live_values(**overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    fields = common(
        **{
            FormBlock.ROOM: state_plain_text("Rom 3, 2. etasje"),
            FormBlock.START_TIME: state_timepicker("09:15"),
        }
    )
    fields.update(overrides)
    return values(fields)


def feedback_values(**overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    fields = common(
        **{
            FormBlock.CASE_REF: state_plain_text("26/01234"),
            FormBlock.REPORT_LOCATION: state_plain_text("https://sak.example/rapporter/26-01234.pdf"),
            FormBlock.DEADLINE: state_datepicker("2026-03-17"),
        }
    )
    for group in CRITERIA.groups:
        fields[focus_block(group.id)] = state_checkboxes([])
    fields.update(overrides)
    return values(fields)


def hour_values(**overrides: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    fields = common(
        **{
            FormBlock.PREFERRED_PERSON: state_static_select(ANYONE, "Første ledige"),
            FormBlock.PREFERRED_TIMES: state_plain_text("Tirsdag eller torsdag formiddag"),
        }
    )
    fields.update(overrides)
    return values(fields)


def feedback(vals: dict[str, Any], lang: Lang = Lang.NB, **kwargs: Any) -> FeedbackForm | dict[str, str]:
    return parse_feedback(vals, lang, TODAY, PATTERN, CRITERIA, **kwargs)


# ------------------------------------------------------------------- live


def test_a_valid_live_form_parses_to_the_model():
    form = parse_live(live_values(), Lang.NB)
    assert isinstance(form, LiveForm)
    assert form.request_type is RequestType.LIVE
    assert form.area == "B"
    assert form.room == "Rom 3, 2. etasje"
    assert form.start_time == time(9, 15)
    assert form.description == "Søkeren svarer unnvikende om reiseruten."
    assert not form.child_involved
    assert form.details() == {"child_kinds": [], "room": "Rom 3, 2. etasje", "start_time": "09:15"}


@pytest.mark.parametrize("kind", list(ChildKind))
def test_either_child_option_means_a_child_is_involved(kind: ChildKind):
    form = parse_live(live_values(**{FormBlock.CHILD: state_checkboxes([kind.value])}), Lang.NB)
    assert isinstance(form, LiveForm)
    assert form.child_involved
    assert form.child == {kind}
    assert form.details()["child_kinds"] == [kind.value]


def test_both_child_options():
    both = state_checkboxes([k.value for k in ChildKind])
    form = parse_live(live_values(**{FormBlock.CHILD: both}), Lang.NB)
    assert isinstance(form, LiveForm) and form.child == set(ChildKind)


def test_text_is_stripped():
    form = parse_live(live_values(**{FormBlock.ROOM: state_plain_text("  Rom 4 \n")}), Lang.NB)
    assert isinstance(form, LiveForm) and form.room == "Rom 4"


@pytest.mark.parametrize(
    "block, state",
    [
        (FormBlock.ROOM, state_plain_text(None)),
        (FormBlock.ROOM, state_plain_text("   ")),
        (FormBlock.START_TIME, state_timepicker(None)),
        (FormBlock.DESCRIPTION, state_plain_text(None)),
        (FormBlock.DESCRIPTION, state_plain_text(" \n ")),
        (FormBlock.AREA, state_static_select(None)),
    ],
)
def test_live_required_fields(block: FormBlock, state: dict[str, Any]):
    errors = parse_live(live_values(**{block: state}), Lang.NB)
    assert errors == {block: "Dette feltet må fylles ut."}


def test_a_missing_block_is_reported_as_required():
    errors = parse_live(live_values(**{FormBlock.ROOM: None}), Lang.NB)
    assert errors == {FormBlock.ROOM: "Dette feltet må fylles ut."}


def test_several_errors_land_on_their_own_blocks():
    errors = parse_live(
        live_values(
            **{FormBlock.ROOM: state_plain_text(None), FormBlock.DESCRIPTION: state_plain_text("kort")}
        ),
        Lang.NB,
    )
    assert errors == {
        FormBlock.ROOM: "Dette feltet må fylles ut.",
        FormBlock.DESCRIPTION: "Skriv minst 5 tegn.",
    }


def test_description_length_limits():
    assert isinstance(
        parse_live(live_values(**{FormBlock.DESCRIPTION: state_plain_text("12345")}), Lang.NB), LiveForm
    )
    assert isinstance(
        parse_live(live_values(**{FormBlock.DESCRIPTION: state_plain_text("x" * 1000)}), Lang.NB), LiveForm
    )
    errors = parse_live(live_values(**{FormBlock.DESCRIPTION: state_plain_text("x" * 1001)}), Lang.NB)
    assert errors == {FormBlock.DESCRIPTION: "Teksten er for lang: høyst 1000 tegn, nå 1001."}
    errors = parse_live(live_values(**{FormBlock.DESCRIPTION: state_plain_text(" 1234 ")}), Lang.EN)
    assert errors == {FormBlock.DESCRIPTION: "Write at least 5 characters."}


def test_room_length_limit():
    assert isinstance(
        parse_live(live_values(**{FormBlock.ROOM: state_plain_text("r" * 100)}), Lang.NB), LiveForm
    )
    errors = parse_live(live_values(**{FormBlock.ROOM: state_plain_text("r" * 101)}), Lang.EN)
    assert errors == {FormBlock.ROOM: "The text is too long: at most 100 characters, now 101."}


def test_an_area_outside_the_list_is_refused():
    errors = parse_live(live_values(**{FormBlock.AREA: state_static_select("Z")}), Lang.NB)
    assert set(errors) == {FormBlock.AREA}
    assert "finnes ikke lenger" in errors[FormBlock.AREA]
    form = parse_live(live_values(**{FormBlock.AREA: state_static_select("Z")}), Lang.NB, areas=("Z",))
    assert isinstance(form, LiveForm) and form.area == "Z"


def test_an_unknown_child_option_is_refused():
    errors = parse_live(live_values(**{FormBlock.CHILD: state_checkboxes(["teenager"])}), Lang.NB)
    assert set(errors) == {FormBlock.CHILD}


def test_a_bad_time_is_reported_on_its_block():
    errors = parse_live(live_values(**{FormBlock.START_TIME: state_timepicker("25:99")}), Lang.NB)
    assert errors == {FormBlock.START_TIME: "Ugyldig verdi. Prøv igjen."}


@pytest.mark.parametrize("block", [FormBlock.ROOM, FormBlock.DESCRIPTION])
@pytest.mark.parametrize("number", [FNR, DNR, "010190 12480", "010190-12480"])
def test_live_free_text_with_a_national_id_is_refused(block: FormBlock, number: str):
    errors = parse_live(live_values(**{block: state_plain_text(f"Søker {number} i rommet")}), Lang.NB)
    assert errors == {block: PII_NB}


def test_the_pii_message_is_localized_and_wins_over_length():
    long_text = f"{FNR} " + "x" * 1200
    errors = parse_live(live_values(**{FormBlock.DESCRIPTION: state_plain_text(long_text)}), Lang.EN)
    assert errors == {FormBlock.DESCRIPTION: t(Lang.EN, "form.error.pii")}
    assert "Nothing has been saved" in errors[FormBlock.DESCRIPTION]


def test_an_eleven_digit_number_that_is_no_national_id_is_accepted():
    form = parse_live(
        live_values(**{FormBlock.DESCRIPTION: state_plain_text("Arkivnr 12345678901")}), Lang.NB
    )
    assert isinstance(form, LiveForm)


def test_the_input_is_found_even_under_another_action_id():
    vals = live_values()
    vals[FormBlock.ROOM] = {"some_action": state_plain_text("Rom 9")}
    form = parse_live(vals, Lang.NB)
    assert isinstance(form, LiveForm) and form.room == "Rom 9"


def test_an_unexpected_element_type_is_a_bug_not_a_user_error():
    vals = live_values()
    vals[FormBlock.ROOM] = {FormBlock.ROOM: {"type": "rich_text_input", "rich_text_value": {}}}
    with pytest.raises(ValueError, match="rich_text_input"):
        parse_live(vals, Lang.NB)


# --------------------------------------------------------------- feedback


def test_whose_report_it_is_is_optional_and_must_be_a_slack_user():
    own = feedback(feedback_values(**{FormBlock.REPORT_AUTHOR: state_users_select(None)}))
    assert isinstance(own, FeedbackForm) and own.report_author is None
    theirs = feedback(feedback_values(**{FormBlock.REPORT_AUTHOR: state_users_select("U0CWB10001")}))
    assert isinstance(theirs, FeedbackForm) and theirs.report_author == "U0CWB10001"
    errors = feedback(feedback_values(**{FormBlock.REPORT_AUTHOR: state_users_select("not a user")}))
    assert set(errors) == {FormBlock.REPORT_AUTHOR}


def test_a_valid_feedback_form_parses_to_the_model():
    vals = feedback_values(
        **{
            focus_block("gathering"): state_checkboxes(["open_questions", "free_narrative"]),
            focus_block("preparation"): state_checkboxes(["case_prep"]),
            FormBlock.CASE_REF: state_plain_text(" 26/01234-2 "),
        }
    )
    form = feedback(vals)
    assert isinstance(form, FeedbackForm)
    assert form.request_type is RequestType.FEEDBACK
    assert form.case_ref == "26/01234-2"
    assert form.report_location == "https://sak.example/rapporter/26-01234.pdf"
    assert form.deadline == date(2026, 3, 17)
    # catalog order, whatever order Slack sends them in
    assert form.focus == ("case_prep", "free_narrative", "open_questions")
    details = form.details(CRITERIA)
    assert details["focus"] == ["case_prep", "free_narrative", "open_questions"]
    assert details["deadline"] == "2026-03-17"
    assert details["focus_labels"]["en"][2] == "Open and neutral questions"
    assert details["focus_labels"]["nb"][2] == "Åpne og nøytrale spørsmål"


def test_focus_is_optional():
    form = feedback(feedback_values())
    assert isinstance(form, FeedbackForm) and form.focus == ()


def test_a_focus_id_from_another_group_or_unknown_is_refused_on_that_group():
    block = focus_block("closing")
    errors = feedback(feedback_values(**{block: state_checkboxes(["themes"])}))
    assert set(errors) == {block}


@pytest.mark.parametrize(
    "block",
    [FormBlock.CASE_REF, FormBlock.REPORT_LOCATION, FormBlock.DESCRIPTION],
)
def test_feedback_free_text_with_a_national_id_is_refused(block: FormBlock):
    errors = feedback(feedback_values(**{block: state_plain_text(f"fnr: {FNR}")}))
    assert errors == {block: PII_NB}


def test_a_case_ref_that_is_a_national_id_gets_the_pii_message_not_the_format_one():
    errors = feedback(feedback_values(**{FormBlock.CASE_REF: state_plain_text(FNR)}))
    assert errors == {FormBlock.CASE_REF: PII_NB}


@pytest.mark.parametrize(
    "ref", ["2601234", "26/1234", "26/01234-", "x26/01234", "26/01234-2000", "saksnr 26/01234"]
)
def test_a_case_ref_not_matching_the_pattern_shows_the_expected_form(ref: str):
    errors = feedback(feedback_values(**{FormBlock.CASE_REF: state_plain_text(ref)}))
    assert errors == {FormBlock.CASE_REF: "Saksnummeret må ha formen 26/01234 eller 26/01234-2."}
    errors = feedback(feedback_values(**{FormBlock.CASE_REF: state_plain_text(ref)}), Lang.EN)
    assert errors == {FormBlock.CASE_REF: "The case reference must look like 26/01234 or 26/01234-2."}


def test_the_case_ref_example_follows_the_configured_pattern():
    assert (
        case_ref_error(Lang.NB, r"^\d{4}-\d{6}$", "2026-000123") == "Saksnummeret må ha formen 2026-000123."
    )
    assert case_ref_error(Lang.NB, r"^\d{4}-\d{6}$", "26/01234") == "Saksnummeret har ikke riktig form."
    pattern = r"^\d{4}-\d{6}$"
    vals = feedback_values(**{FormBlock.CASE_REF: state_plain_text("2026-000123")})
    form = parse_feedback(vals, Lang.NB, TODAY, pattern, CRITERIA, case_ref_example="2026-000123")
    assert isinstance(form, FeedbackForm) and form.case_ref == "2026-000123"
    vals = feedback_values(**{FormBlock.CASE_REF: state_plain_text("26/01234")})
    errors = parse_feedback(vals, Lang.NB, TODAY, pattern, CRITERIA, case_ref_example="2026-000123")
    assert errors == {FormBlock.CASE_REF: "Saksnummeret må ha formen 2026-000123."}


def test_required_feedback_fields():
    vals = feedback_values(
        **{
            FormBlock.CASE_REF: state_plain_text(None),
            FormBlock.REPORT_LOCATION: state_plain_text(""),
            FormBlock.DEADLINE: state_datepicker(None),
        }
    )
    errors = feedback(vals)
    assert set(errors) == {FormBlock.CASE_REF, FormBlock.REPORT_LOCATION, FormBlock.DEADLINE}
    assert errors[FormBlock.CASE_REF] == errors[FormBlock.DEADLINE] == "Dette feltet må fylles ut."
    # the report's place may be left out for a recording: it says so (issue 15)
    assert errors[FormBlock.REPORT_LOCATION] == \
        "Fyll inn hvor rapporten ligger, eller en referanse til lydopptaket."


def test_report_location_length_limit():
    ok = feedback(feedback_values(**{FormBlock.REPORT_LOCATION: state_plain_text("p" * 300)}))
    assert isinstance(ok, FeedbackForm)
    errors = feedback(feedback_values(**{FormBlock.REPORT_LOCATION: state_plain_text("p" * 301)}))
    assert errors == {FormBlock.REPORT_LOCATION: "Teksten er for lang: høyst 300 tegn, nå 301."}


@pytest.mark.parametrize("days", [0, 1, 90])
def test_deadlines_from_today_to_ninety_days_ahead_are_accepted(days: int):
    chosen = (TODAY + timedelta(days=days)).isoformat()
    form = feedback(feedback_values(**{FormBlock.DEADLINE: state_datepicker(chosen)}))
    assert isinstance(form, FeedbackForm)


def test_a_deadline_in_the_past_is_refused():
    errors = feedback(feedback_values(**{FormBlock.DEADLINE: state_datepicker("2026-03-09")}))
    assert errors == {FormBlock.DEADLINE: "Fristen kan ikke være før i dag."}
    errors = feedback(feedback_values(**{FormBlock.DEADLINE: state_datepicker("2026-03-09")}), Lang.EN)
    assert errors == {FormBlock.DEADLINE: "The deadline cannot be before today."}


def test_a_deadline_too_far_ahead_is_refused_with_the_last_allowed_date():
    errors = feedback(feedback_values(**{FormBlock.DEADLINE: state_datepicker("2026-06-09")}))
    assert errors == {
        FormBlock.DEADLINE: "Fristen kan være høyst 90 dager fram i tid, altså senest 08.06.2026."
    }


# ------------------------------------------------------------------- hour


def test_a_valid_hour_form_with_anyone():
    form = parse_hour(hour_values(), Lang.NB, ["12", "13"])
    assert isinstance(form, HourForm)
    assert form.request_type is RequestType.HOUR
    assert form.preferred_person is None
    assert form.preferred_times == "Tirsdag eller torsdag formiddag"
    assert form.details()["preferred_person"] is None


def test_a_preferred_person_is_kept():
    vals = hour_values(**{FormBlock.PREFERRED_PERSON: state_static_select("13", "Ola (IFR)")})
    form = parse_hour(vals, Lang.NB, ["12", "13"])
    assert isinstance(form, HourForm) and form.preferred_person == "13"


def test_no_selection_means_anyone():
    form = parse_hour(hour_values(**{FormBlock.PREFERRED_PERSON: state_static_select(None)}), Lang.NB)
    assert isinstance(form, HourForm) and form.preferred_person is None


def test_a_person_no_longer_offered_is_refused():
    vals = hour_values(**{FormBlock.PREFERRED_PERSON: state_static_select("99")})
    errors = parse_hour(vals, Lang.NB, ["12", "13"])
    assert set(errors) == {FormBlock.PREFERRED_PERSON}
    # Without the list, the caller checks.
    assert isinstance(parse_hour(vals, Lang.NB), HourForm)


def test_preferred_times_required_and_limited():
    errors = parse_hour(hour_values(**{FormBlock.PREFERRED_TIMES: state_plain_text(None)}), Lang.NB)
    assert errors == {FormBlock.PREFERRED_TIMES: "Dette feltet må fylles ut."}
    errors = parse_hour(hour_values(**{FormBlock.PREFERRED_TIMES: state_plain_text("t" * 501)}), Lang.NB)
    assert errors == {FormBlock.PREFERRED_TIMES: "Teksten er for lang: høyst 500 tegn, nå 501."}


@pytest.mark.parametrize("block", [FormBlock.PREFERRED_TIMES, FormBlock.DESCRIPTION])
def test_hour_free_text_with_a_national_id_is_refused(block: FormBlock):
    errors = parse_hour(hour_values(**{block: state_plain_text(f"Gjelder {DNR}, haster")}), Lang.NB)
    assert errors == {block: PII_NB}


# ------------------------------------------------------ feedback response


def response_values(ratings: dict[str, str | None], overall: str | None) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any] | None] = {
        criterion_block(c.id): state_radio_buttons(ratings.get(c.id)) for c in CRITERIA.criteria
    }
    fields[FormBlock.OVERALL] = state_plain_text(overall)
    return values(fields)


def test_a_feedback_response_parses_ratings_and_overall_text():
    vals = response_values(
        {"themes": "good", "open_questions": "improve", "closing_info": "not_relevant"}, "Bra!"
    )
    result = parse_feedback_response(vals, Lang.NB, CRITERIA)
    assert isinstance(result, FeedbackResponse)
    assert result.ratings == {
        "themes": Rating.GOOD,
        "open_questions": Rating.IMPROVE,
        "closing_info": Rating.NOT_RELEVANT,
    }
    assert result.overall == "Bra!"


def test_every_rating_is_optional_but_the_overall_text_is_required():
    result = parse_feedback_response(response_values({}, "Samlet sett godt."), Lang.NB, CRITERIA)
    assert isinstance(result, FeedbackResponse) and result.ratings == {}
    errors = parse_feedback_response(response_values({}, "  "), Lang.NB, CRITERIA)
    assert errors == {FormBlock.OVERALL: "Dette feltet må fylles ut."}


def test_an_unknown_rating_is_refused_on_its_criterion():
    errors = parse_feedback_response(response_values({"themes": "excellent"}, "ok"), Lang.NB, CRITERIA)
    assert set(errors) == {criterion_block("themes")}


def test_the_overall_text_is_screened_and_limited():
    errors = parse_feedback_response(response_values({}, f"Søker {FNR}"), Lang.NB, CRITERIA)
    assert errors == {FormBlock.OVERALL: PII_NB}
    errors = parse_feedback_response(response_values({}, "o" * 3001), Lang.EN, CRITERIA)
    assert errors == {FormBlock.OVERALL: "The text is too long: at most 3000 characters, now 3001."}


# ----------------------------------------------------------- hour proposal


def proposal_values(*slots: tuple[str | None, str | None]) -> dict[str, dict[str, Any]]:
    fields: dict[str, dict[str, Any] | None] = {}
    blocks = [
        (FormBlock.SLOT1_DATE, FormBlock.SLOT1_TIME),
        (FormBlock.SLOT2_DATE, FormBlock.SLOT2_TIME),
        (FormBlock.SLOT3_DATE, FormBlock.SLOT3_TIME),
    ]
    for (date_block, time_block), (day, clock) in zip(blocks, [*slots, *[(None, None)] * 3], strict=False):
        fields[date_block] = state_datepicker(day)
        fields[time_block] = state_timepicker(clock)
    return values(fields)


def test_one_proposed_time():
    result = parse_hour_proposal(proposal_values(("2026-03-12", "13:00")), Lang.NB, NOW)
    assert result == [datetime(2026, 3, 12, 13, 0, tzinfo=OSLO)]
    assert isinstance(result, list) and result[0].tzinfo is OSLO


def test_three_proposed_times_keep_their_order():
    vals = proposal_values(("2026-03-12", "13:00"), ("2026-03-11", "09:00"), ("2026-03-10", "14:00"))
    assert parse_hour_proposal(vals, Lang.NB, NOW) == [
        datetime(2026, 3, 12, 13, 0, tzinfo=OSLO),
        datetime(2026, 3, 11, 9, 0, tzinfo=OSLO),
        datetime(2026, 3, 10, 14, 0, tzinfo=OSLO),
    ]


def test_a_gap_in_the_middle_is_fine():
    vals = proposal_values(("2026-03-12", "13:00"), (None, None), ("2026-03-13", "10:00"))
    result = parse_hour_proposal(vals, Lang.NB, NOW)
    assert isinstance(result, list) and len(result) == 2


def test_the_first_proposal_is_required():
    errors = parse_hour_proposal(proposal_values(), Lang.NB, NOW)
    assert errors == {
        FormBlock.SLOT1_DATE: "Dette feltet må fylles ut.",
        FormBlock.SLOT1_TIME: "Dette feltet må fylles ut.",
    }


def test_half_a_pair_is_refused_on_the_missing_half():
    vals = proposal_values(("2026-03-12", None), (None, "10:00"))
    errors = parse_hour_proposal(vals, Lang.NB, NOW)
    assert errors == {
        FormBlock.SLOT1_TIME: "Velg også et klokkeslett.",
        FormBlock.SLOT2_DATE: "Velg også en dato.",
    }


def test_past_times_are_refused_on_the_field_that_is_wrong():
    vals = proposal_values(("2026-03-10", "10:00"), ("2026-03-09", "15:00"), ("2026-03-10", "10:30"))
    errors = parse_hour_proposal(vals, Lang.NB, NOW)
    past = "Tidspunktet har allerede vært. Velg et tidspunkt fram i tid."
    assert errors == {FormBlock.SLOT1_TIME: past, FormBlock.SLOT2_DATE: past, FormBlock.SLOT3_TIME: past}


def test_the_same_time_twice_is_refused():
    vals = proposal_values(("2026-03-12", "13:00"), ("2026-03-12", "13:00"))
    errors = parse_hour_proposal(vals, Lang.EN, NOW)
    assert errors == {FormBlock.SLOT2_DATE: "This time has already been proposed."}


def test_error_keys_are_plain_strings_ready_for_slack():
    errors = parse_live(live_values(**{FormBlock.AREA: state_static_select("Z")}), Lang.NB)
    assert isinstance(errors, dict)
    assert all(type(key) is str for key in errors)
    errors = parse_hour_proposal(proposal_values(), Lang.NB, NOW)
    assert isinstance(errors, dict)
    assert all(type(key) is str for key in errors)


def _catalog(*criteria_ids: str, group_id: str = "g") -> dict[str, Any]:
    criteria = [{"id": c, "nb": f"nb {c}", "en": f"en {c}"} for c in criteria_ids]
    return {"groups": [{"id": group_id, "nb": "Gruppe", "en": "Group", "criteria": criteria}]}


def test_a_catalog_file_can_replace_the_default(tmp_path: Path):
    path = tmp_path / "criteria.yaml"
    path.write_text(
        "groups:\n  - {id: g, nb: Gruppe, en: Group, criteria: [{id: a, nb: Ett, en: One}]}\n", "utf-8"
    )
    catalog = load_criteria(path)
    assert catalog.ids == ("a",)


@pytest.mark.parametrize(
    "data, problem",
    [
        (_catalog("a", "a"), "used twice"),
        (_catalog("g"), "used twice"),  # a criterion may not share its group's id
        (_catalog("Bad-Id"), "lower-case"),
        (_catalog(*[f"c{i}" for i in range(11)]), "at most 10"),
        (_catalog(), "at least 1"),
        ({"groups": []}, "at least 1"),
        ([], "valid dictionary"),
    ],
)
def test_a_bad_catalog_is_refused_with_a_reason(data: Any, problem: str):
    with pytest.raises(CriteriaError, match=problem):
        parse_criteria(data, "test.yaml")


def test_a_missing_or_broken_catalog_file_names_the_file(tmp_path: Path):
    with pytest.raises(CriteriaError, match="nope.yaml: cannot read"):
        load_criteria(tmp_path / "nope.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("groups: [", "utf-8")
    with pytest.raises(CriteriaError, match="broken.yaml: not valid YAML"):
        load_criteria(broken)
