"""The BFK as the memo describes (§4, 8.2.1; issue 13 item 4), end to end: a
fallback for live supervision after the IFKs, before the IFRs; announcing group
sessions. (Training, line issues and exemptions by the BFK are in
``test_training``, ``test_leader_views`` and ``test_production_absence``.)"""

from __future__ import annotations

from tests.e2e.test_group_session_flows import create
from tests.e2e.test_request_flows import live_values, only_request
from tests.flows import click, dms, open_form, submit, text_of

CW_B, IFK_A, IFK_B, IFK_C, BFK = "U0CWB10001", "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"


def test_live_supervision_reaches_the_bfk_when_the_ifks_cannot(org):
    for ifk in (IFK_A, IFK_C):
        assert org.slack.slash_command(ifk, "status opptatt til 14:00").status == 200
    submit(org, CW_B, open_form(org, CW_B, "veiledning"), live_values())
    # the busy IFKs are skipped; the BFK comes right after Ola, before the two IFRs
    assert [e["tier"] for e in only_request(org).chain] == ["area_ifk", "other_coordinator", "ifr", "ifr"]
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_decline")
    offer = dms(org.fake, BFK)[-1]
    assert "Hvorfor du får denne: barnefaglig koordinator, når IFK-ene ikke er tilgjengelig" in text_of(offer)
    assert not dms(org.fake, "U0IFR00001"), "the IFRs come after the BFK"
    click(org, BFK, offer, "request_accept")
    assert only_request(org).state == "accepted"
    assert "*Maria Haugen* har tatt forespørselen" in text_of(dms(org.fake, CW_B)[0])


def test_the_bfk_announces_a_group_session_for_every_area(org):
    post = create(org, BFK, title="Samtaler med medfølgende barn")
    assert "Samtaler med medfølgende barn" in text_of(post) and "Maria Haugen" in text_of(post)
