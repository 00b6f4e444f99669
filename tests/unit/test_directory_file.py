"""Validation of the directory file: every refusal names the file, the entry
and the reason."""

from pathlib import Path

import pytest

from bot.directory_file import DirectoryFileError, load_directory_file, parse_directory
from bot.domain.roles import Role

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"

MINIMAL = """
units:
  - {code: B1, name: Enhet B1, area: B}
people:
  - {name: Ola, slack_id: U0OLA, unit: B1, roles: [ifk, caseworker]}
  - {name: Kari, email: kari@x.no, area: A, roles: [caseworker]}
  - {name: Maria, slack_id: U0MARIA, roles: [bfk]}
"""


def refused(text: str) -> DirectoryFileError:
    with pytest.raises(DirectoryFileError) as err:
        parse_directory(text, "org.yaml")
    assert str(err.value).startswith("org.yaml: ")
    return err.value


def test_the_shipped_example_is_a_complete_demo_organisation():
    d = load_directory_file(EXAMPLE)
    roles = [(r.role, r.area) for p in d.people for r in p.roles]
    assert sorted(a.code for a in d.areas) == ["A", "B", "C"]
    for area in "ABC":
        assert roles.count((Role.IFK, area)) == 1
        assert roles.count((Role.AREA_LEADER, area)) == 1
    assert roles.count((Role.BFK, "A")) == 1
    assert sum(r == Role.IFR for r, _ in roles) == 2
    assert sum(r == Role.FAGSJEF for r, _ in roles) == 1
    assert sum(r == Role.UNIT_LEADER for r, _ in roles) >= 3
    plain_caseworkers = [p for p in d.people if [r.role for r in p.roles] == [Role.CASEWORKER]]
    assert len(plain_caseworkers) >= 12


def test_defaults_areas_and_derives_areas_from_units_and_roles():
    d = parse_directory(MINIMAL)
    assert [a.code for a in d.areas] == ["A", "B", "C"]
    ola, kari, maria = d.people
    assert ola.area == "B"
    assert {(r.role, r.area) for r in ola.roles} == {(Role.IFK, "B"), (Role.CASEWORKER, "B")}
    assert kari.slack_id is None and kari.email == "kari@x.no"
    assert [(r.role, r.area) for r in maria.roles] == [(Role.BFK, "A")]


def test_bad_yaml_names_the_line():
    err = refused("people:\n  - {name: [unclosed\n")
    assert "not valid YAML" in err.reason
    assert err.entry.startswith("line ")


def test_unknown_role():
    err = refused("people:\n  - {name: Per, slack_id: U0PER, area: A, roles: [boss]}\n")
    assert err.entry == "people[0] (Per)"
    assert "unknown role 'boss'" in err.reason


def test_area_not_in_the_default_list():
    err = refused("people:\n  - {name: Per, slack_id: U0PER, area: D, roles: [caseworker]}\n")
    assert "area 'D' is not one of ['A', 'B', 'C']" in err.reason


def test_area_not_in_the_files_own_list():
    err = refused(
        "areas: [{code: N, name: Nord}]\n"
        "people:\n  - {name: Per, slack_id: U0PER, area: A, roles: [caseworker]}\n"
    )
    assert "area 'A' is not one of ['N']" in err.reason


def test_person_without_id_or_email():
    err = refused("people:\n  - {name: Per, area: A, roles: [caseworker]}\n")
    assert err.entry == "people[0] (Per)"
    assert err.reason == "needs a slack_id or an email"


def test_second_ifk_for_an_area_without_dates():
    err = refused(
        "people:\n"
        "  - {name: Per, slack_id: U0PER, area: A, roles: [ifk]}\n"
        "  - {name: Pål, slack_id: U0PAL, area: A, roles: [ifk]}\n"
    )
    assert err.entry == "person 'Pål'"
    assert "second ifk for area A" in err.reason


def test_second_ifk_with_overlapping_dates_is_refused_but_consecutive_is_fine():
    refused(
        "people:\n"
        "  - {name: Per, slack_id: U0PER, area: A, roles: [{role: ifk, to: 2026-12-31}]}\n"
        "  - {name: Pål, slack_id: U0PAL, area: A, roles: [{role: ifk, from: 2026-12-31}]}\n"
    )
    d = parse_directory(
        "people:\n"
        "  - {name: Per, slack_id: U0PER, area: A, roles: [{role: ifk, to: 2026-12-31}]}\n"
        "  - {name: Pål, slack_id: U0PAL, area: A, roles: [{role: ifk, from: 2027-01-01}]}\n"
    )
    assert len(d.people) == 2


def test_one_ifk_per_area_is_fine():
    d = parse_directory(
        "people:\n"
        "  - {name: Per, slack_id: U0PER, area: A, roles: [ifk]}\n"
        "  - {name: Pål, slack_id: U0PAL, area: B, roles: [ifk]}\n"
    )
    assert len(d.people) == 2


def test_second_bfk_is_refused_even_in_another_area():
    err = refused(
        "people:\n"
        "  - {name: Per, slack_id: U0PER, roles: [bfk]}\n"
        "  - {name: Pål, slack_id: U0PAL, roles: [{role: bfk, area: B}]}\n"
    )
    assert "second bfk" in err.reason


@pytest.mark.parametrize(
    ("entry", "reason"),
    [
        ("{name: Per, slack_id: bob, roles: []}", "is not a Slack user id"),
        ("{name: Per, email: not-an-email}", "is not an e-mail address"),
        ("{name: Per, slack_id: U0PER, language: de}", "must be nb or en"),
        ("{name: Per, slack_id: U0PER, shoe_size: 44}", "unknown field 'shoe_size'"),
        ("{slack_id: U0PER}", "name is required"),
        ("{name: 'Per <!channel>', slack_id: U0PER}", "may not hold < or >"),
        ("{name: \"Per\\x1b[31m\", slack_id: U0PER}", "control characters"),
        ("{name: Per, slack_id: U0PER, roles: [ifr], area: A, unit: Z9}", "unit 'Z9' is not in units"),
        ("{name: Per, slack_id: U0PER, roles: [{role: ifr, area: A}]}", "not tied to an area"),
        ("{name: Per, slack_id: U0PER, roles: [ifk]}", "role ifk needs an area"),
        ("{name: Per, slack_id: U0PER, area: A, roles: [{role: ifk, from: 2026-02-01, to: 2026-01-01}]}",
         "'to' is before 'from'"),
    ],
)
def test_bad_entries(entry, reason):
    err = refused(f"people:\n  - {entry}\n")
    assert reason in err.reason


def test_same_slack_id_twice():
    err = refused(
        "people:\n"
        "  - {name: Per, slack_id: U0PER}\n"
        "  - {name: Per Igjen, slack_id: U0PER}\n"
    )
    assert err.entry == "people[1] (Per Igjen)"
    assert "already used by Per" in err.reason


def test_unreadable_file(tmp_path):
    with pytest.raises(DirectoryFileError) as err:
        load_directory_file(tmp_path / "missing.yaml")
    assert "cannot be read" in err.value.reason
