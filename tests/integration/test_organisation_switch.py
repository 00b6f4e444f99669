"""A department reorganises from the 2012 memo's shape (examples/org.yaml) to the
2016 mandate's (examples/org-2016.yaml) with ``ifn-bot directory import`` while
the bot runs: no code changes, no open request is lost, and the next request is
routed in the new shape."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain.requests import RequestType
from bot.services.requests import NewRequest
from storage.models import Offer, Organisation, Request, Unit
from tests.conftest import EXAMPLE_ORG, EXAMPLE_ORG_2016
from tests.flows import last_dm_text, person_id
from tests.integration.test_cli import clean_env, run_cli  # noqa: F401 - the fixture

CW_B, CW_B2, CW_A1, CW_A2 = "U0CWB10001", "U0CWB20002", "U0CWA10001", "U0CWA20001"  # Emil, Thea, Ahmed, Jonas
SOFIE = "U0CWA10002"  # caseworker in A1 (2012); IFK of the new unit A3 (2016)
IFK_A, IFK_B, BFK = "U0IFKA0001", "U0IFKB0001", "U0BFK00001"


def feedback(area: str) -> NewRequest:
    return NewRequest(RequestType.FEEDBACK, area, False, "Ønsker tilbakemelding på rapporten.",
                      {"case_ref": "26/01234", "report_location": "P:/r.pdf", "deadline": "2026-12-04"})


def live(area: str) -> NewRequest:
    return NewRequest(RequestType.LIVE, area, False, "Søkeren svarer unnvikende.",
                      {"room": "Rom 3", "start_time": "10:30", "child_kinds": []})


@pytest.fixture
def env(clean_env, db_url):  # noqa: F811 - the fixture imported above
    return {**clean_env, "DATABASE_URL": db_url}


def open_work(bot) -> list[tuple]:
    """Every request with its state, assignee and chain, and every offer."""
    with bot.services.sessions() as s:
        requests = [(r.id, r.state, r.assignee_id, r.area_code, [e["person_id"] for e in r.chain])
                    for r in s.scalars(select(Request).order_by(Request.id))]
        offers = s.execute(select(Offer.request_id, Offer.person_id, Offer.state).order_by(Offer.id)).all()
    return [requests, [tuple(o) for o in offers]]


def first_offer(bot, request_id: int) -> tuple[int, dict]:
    with bot.services.sessions() as s:
        r = s.get(Request, request_id)
        return r.chain[0]["person_id"], r.chain[0]


def test_switch_2012_to_2016_by_import_keeps_open_requests_and_routes_by_unit(org, env, tmp_path):
    req = org.services.requests
    pid = {k: person_id(org, k) for k in (CW_B, CW_B2, CW_A1, CW_A2, SOFIE, IFK_A, IFK_B, BFK)}
    offered = req.submit(pid[CW_B], live("B"))  # offered to Ola, open
    taken = req.submit(pid[CW_B2], live("B"))  # Thea's, taken by Ola
    assert req.accept(taken, pid[IFK_B]).ok
    sofies = req.submit(pid[SOFIE], feedback("A"))  # Sofie's own request, offered to Kari
    before = open_work(org)
    assert first_offer(org, sofies)[0] == pid[IFK_A]

    result = run_cli("directory", "import", str(EXAMPLE_ORG_2016), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "organisation (scope, the BFK's home, units in the network): now as in the file" in result.stdout
    assert "~ Sofie Andersen: unit, share, roles" in result.stdout
    with org.services.sessions() as s:
        assert (s.get(Organisation, 1).scope, s.get(Organisation, 1).bfk_home) == ("unit", "A2")
        assert not s.scalar(select(Unit).where(Unit.code == "B2")).network

    # Nothing open moved: the same states, assignees, chains and offers.
    assert open_work(org) == before
    # ... and each can still be finished by the people on it, in the new shape.
    assert req.accept(offered, pid[IFK_B]).ok
    assert req.accept(sofies, pid[IFK_A]).ok  # Sofie, now an IFK herself, still hears of her request
    assert "*Kari Nordmann* har tatt forespørselen" in last_dm_text(org.fake, SOFIE)
    assert req.complete(taken, pid[IFK_B]).ok
    assert "Fullført av Ola Hansen" in last_dm_text(org.fake, CW_B2)

    # New requests are routed by unit: Ahmed (A1) -> Kari (A1's IFK), then Sofie (A3) in area A.
    ahmed = req.submit(pid[CW_A1], feedback("A"))
    with org.services.sessions() as s:
        chain = s.get(Request, ahmed).chain
    assert [(e["person_id"], e["tier"], e["reason"]) for e in chain[:2]] == [
        (pid[IFK_A], "unit_ifk", "unit_ifk"), (pid[SOFIE], "area_ifk", "area_ifk")]
    # Thea's unit B2 is now outside the network: she gets area B's IFK, no unit tier.
    thea = req.submit(pid[CW_B2], feedback("B"))
    person, entry = first_offer(org, thea)
    assert (person, entry["tier"]) == (pid[IFK_B], "area_ifk")
    # Jonas in the children's unit: the BFK is his unit's coordinator.
    jonas = req.submit(pid[CW_A2], feedback("A"))
    person, entry = first_offer(org, jonas)
    assert (person, entry["reason"], entry["params"]) == (pid[BFK], "unit_bfk", {"unit": "A2"})


def test_switching_back_to_2012_by_import_restores_the_area_chain(org, env, tmp_path):
    assert run_cli("directory", "import", str(EXAMPLE_ORG_2016), env=env, cwd=tmp_path).returncode == 0
    back = run_cli("directory", "import", str(EXAMPLE_ORG), env=env, cwd=tmp_path)
    assert back.returncode == 0, back.stderr
    with org.services.sessions() as s:
        assert s.get(Organisation, 1).scope == "area"
        assert s.scalar(select(Unit).where(Unit.code == "B2")).network
    pid = {k: person_id(org, k) for k in (CW_A1, IFK_A)}
    ahmed = org.services.requests.submit(pid[CW_A1], feedback("A"))
    person, entry = first_offer(org, ahmed)
    assert (person, entry["tier"], entry["reason"]) == (pid[IFK_A], "area_ifk", "area_ifk")
