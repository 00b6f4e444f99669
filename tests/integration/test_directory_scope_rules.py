"""The directory's rules in both organisation shapes (issue 15): the area model
(IM 2012-012: one IFK per area) and the unit model (UDI 2016-018: one IFK per
unit of the network). A refused file says why in nb and en and changes nothing
in the database; an accepted one stores the shape."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from bot.clock import ManualClock
from bot.directory_file import DirectoryFileError, load_directory_file, parse_directory
from bot.domain.language import Lang
from bot.services.directory import DirectoryService
from bot.services.directory_export import export_model, to_yaml
from storage.models import Organisation, Person, Unit
from tests.conftest import EXAMPLE_ORG, EXAMPLE_ORG_2016

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

UNITS = """
units:
  - {code: A1, name: "A1", area: A}
  - {code: A2, name: "A2", area: A}
  - {code: A9, name: "Dublin", area: A, network: false}
"""


def directory(scope: str | None, people: str, extra: str = "") -> str:
    org = f"organisation: {{scope: {scope}{extra}}}\n" if scope else ""
    return org + UNITS + "people:\n" + people


TWO_IFKS_A = """
  - {name: "Kari", email: kari@x.no, unit: A1, roles: [ifk]}
  - {name: "Sofie", email: sofie@x.no, unit: A2, roles: [ifk]}
"""


@pytest.fixture
def service(session_factory):
    return DirectoryService(session_factory, ManualClock(T0))


def refusal(text: str) -> DirectoryFileError:
    with pytest.raises(DirectoryFileError) as err:
        parse_directory(text, "org.yaml")
    return err.value


@pytest.mark.parametrize("scope", [None, "area"])
def test_area_model_refuses_a_second_ifk_in_an_area(scope):
    err = refusal(directory(scope, TWO_IFKS_A))
    assert err.text(Lang.NB).startswith("det kan bare være én ifk om gangen i område A – 'Kari'")
    assert err.text(Lang.EN).startswith("a second ifk for area A (already 'Kari')")


def test_unit_model_takes_an_ifk_per_unit_and_stores_the_shape(service, session_factory):
    result = service.import_directory(parse_directory(directory("unit", TWO_IFKS_A, ", bfk_home: A2")))
    assert result.created == 2 and result.shape_changed
    with session_factory() as s:
        row = s.get(Organisation, 1)
        assert (row.scope, row.bfk_home) == ("unit", "A2")
        assert [(u.code, u.network) for u in s.scalars(select(Unit).order_by(Unit.code))] == [
            ("A1", True), ("A2", True), ("A9", False)]


def test_unit_model_refuses_a_second_ifk_in_a_unit_in_both_languages():
    err = refusal(directory("unit", TWO_IFKS_A.replace("unit: A2", "unit: A1")))
    assert err.text(Lang.NB) == ("det kan bare være én ifk om gangen i enhet A1 – 'Kari' har rollen i samme "
                                 "periode; gi datoer som ikke overlapper")
    assert err.text(Lang.EN) == ("a second ifk for unit A1 (already 'Kari') needs a from/to date range "
                                 "that does not overlap")
    assert err.field == "roles"


def test_unit_model_refuses_an_ifk_without_a_unit():
    err = refusal(directory("unit", '  - {name: "Kari", email: kari@x.no, area: A, roles: [ifk]}\n'))
    assert err.text(Lang.NB) == "med koordinatorer per enhet (scope: unit) må en IFK høre til en enhet"
    assert err.text(Lang.EN) == "with coordinators per unit (scope: unit) an IFK must belong to a unit"


def test_unit_model_refuses_an_ifk_for_another_area_than_their_units():
    kari = '  - {name: "Kari", email: kari@x.no, unit: A1, roles: [{role: ifk, area: B}]}\n'
    assert parse_directory(directory("area", kari)).people[0].roles[0].area == "B"  # the area model allows it
    err = refusal(directory("unit", kari))
    assert err.text(Lang.NB) == ("med koordinatorer per enhet er IFK-en IFK for sin egen enhet 'A1' i "
                                 "område A, ikke for område B")
    assert err.text(Lang.EN) == ("with coordinators per unit an IFK is the IFK of their own unit 'A1' in "
                                 "area A, not of area B")


def test_unit_model_refuses_an_ifk_in_a_unit_outside_the_network():
    err = refusal(directory("unit", '  - {name: "Kari", email: kari@x.no, unit: A9, roles: [ifk]}\n'))
    assert err.text(Lang.NB) == "enhet 'A9' står utenfor nettverket (network: false) og har ingen IFK"
    assert err.text(Lang.EN) == "unit 'A9' is outside the network (network: false) and has no IFK"
    assert err.entry == "people[0] (Kari)"


@pytest.mark.parametrize(("home", "nb", "en"), [
    ("X7", "BFK-ens tilhørighet 'X7' er verken et område eller en enhet i katalogen",
     "the BFK's home 'X7' is neither an area nor a unit in the directory"),
    ("A9", "BFK-en kan ikke høre til enhet 'A9', som står utenfor nettverket",
     "the BFK cannot belong to unit 'A9', which is outside the network"),
])
@pytest.mark.parametrize("scope", ["area", "unit"])
def test_the_bfks_home_must_be_an_area_or_a_unit_of_the_network(scope, home, nb, en):
    err = refusal(directory(scope, '  - {name: "Maria", email: m@x.no, unit: A2, roles: [bfk]}\n',
                            f", bfk_home: {home}"))
    assert (err.text(Lang.NB), err.text(Lang.EN)) == (nb, en)


def test_unknown_scope_and_share_out_of_range_are_refused():
    assert "scope 'team' must be area or unit" in str(refusal(directory("team", TWO_IFKS_A)))
    too_much = '  - {name: "Kari", email: kari@x.no, unit: A1, share: 130, roles: [ifk]}\n'
    err = refusal(directory("unit", too_much))
    assert err.entry == "people[0] (Kari)" and "100" in err.reason


def stored(session_factory) -> tuple:
    with session_factory() as s:
        row = s.get(Organisation, 1)
        return ((row.scope, row.bfk_home) if row else None,
                [(p.id, p.unit_id, p.network_share) for p in s.scalars(select(Person).order_by(Person.id))])


def test_a_refused_file_changes_nothing(service, session_factory):
    service.import_directory(load_directory_file(EXAMPLE_ORG))
    before = stored(session_factory)
    # Sofie made a second IFK of unit A1 instead of the IFK of A3
    bad = EXAMPLE_ORG_2016.read_text().replace("unit: A3, share: 30, roles: [ifk",
                                                "unit: A1, share: 30, roles: [ifk")
    with pytest.raises(DirectoryFileError) as err:
        service.import_directory(parse_directory(bad, "org-2016.yaml"))
    assert "enhet A1" in err.value.text(Lang.NB)
    assert stored(session_factory) == before
    assert before[0] is None  # org.yaml: the 2012 shape, no row needed


def test_bfk_role_area_follows_the_bfks_home_unit():
    data = parse_directory("organisation: {scope: unit, bfk_home: B1}\n" + """
units:
  - {code: A1, name: "A1", area: A}
  - {code: B1, name: "B1", area: B}
people:
  - {name: "Maria", email: m@x.no, unit: B1, roles: [bfk]}
""")
    assert data.organisation.bfk_area == "B"
    assert data.people[0].roles[0].area == "B"


@pytest.mark.parametrize("example", [EXAMPLE_ORG, EXAMPLE_ORG_2016], ids=["org-2012", "org-2016"])
def test_export_then_import_keeps_the_shape(service, session_factory, example):
    service.import_directory(load_directory_file(example))
    with session_factory() as s:
        text = to_yaml(export_model(s))
    again = service.import_directory(parse_directory(text, "export.yaml"))
    assert not again.changed
    assert parse_directory(text).organisation == load_directory_file(example).organisation
