"""Confidential support conversations (memo 8.3, SPEC §7) end to end: the form,
routing that never reaches the requester's own leaders, DMs only, the group DM
after acceptance, "henvist eksternt", the timeline for the two only, and the
retention purge that removes the note and keeps the count."""

from __future__ import annotations

import json
import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.forms import ANYONE, FormBlock
from sandbox.slack_requests import state_plain_text, state_radio_buttons, state_static_select, state_values
from storage.models import AuditEvent, Base, Request
from tests.e2e.test_request_flows import valid_fnr
from tests.flows import click, dms, last_dm_text, open_form, person_id, submit, text_of

CW_B = "U0CWB10001"  # Emil Strand, caseworker in unit B1 (area B)
IFK_A, IFK_B, IFK_C, BFK = "U0IFKA0001", "U0IFKB0001", "U0IFKC0001", "U0BFK00001"
IFR_1, IFR_2 = "U0IFR00001", "U0IFR00002"  # Ingrid Solberg is also an admin
LEADER_B, UNIT_LEADER_B1, ADMIN = "U0ALEADB01", "U0ULB10001", "U0ADMIN001"
NOTE = "Tungt intervju i dag, trenger å prate litt."


def support_values(person: str = ANYONE, urgency: str = "today", note: str | None = NOTE) -> dict:
    return state_values({
        FormBlock.PREFERRED_PERSON: state_static_select(person),
        FormBlock.URGENCY: state_radio_buttons(urgency),
        FormBlock.NOTE: state_plain_text(note),
    })


def ask_for_support(bot, user: str = CW_B, **values) -> Request:
    view = open_form(bot, user, "støtte")
    assert view["callback_id"] == "support_request"
    resp = submit(bot, user, view, support_values(**values))
    assert resp.status == 200 and not resp.body, resp.body
    with bot.services.sessions() as s:
        return s.scalars(select(Request).order_by(Request.id.desc())).first()


def channel_posts(bot) -> list[dict]:
    """Every message in a non-DM conversation (DMs are D…, group DMs G…), but the
    morning duty posts the days passing bring."""
    return [m for m in bot.fake.messages() if not m["channel"].startswith(("D", "G"))
            and not text_of(m).startswith("Hvem er på vakt")]


def open_home(bot, user: str) -> str:
    bot.slack.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0HOME",
                     "event_ts": f"{time.time():.6f}"})
    return text_of({"blocks": bot.fake.home_view(user)["blocks"]})


def test_the_form_says_who_sees_what_and_offers_only_coordinators_not_own_leaders(org):
    view = open_form(org, CW_B, "stotte")
    text = json.dumps(view, ensure_ascii=False)
    assert "Hvem ser hva" in text and "områdeleder og enhetsleder får den aldri" in text
    assert "slettes etter 90 dager" in text
    options = next(b for b in view["blocks"] if b.get("block_id") == FormBlock.PREFERRED_PERSON)
    labels = [o["text"]["text"] for o in options["element"]["options"]]
    assert labels[0] == "Første ledige"
    assert any("Ola Hansen" in x for x in labels) and any("Maria Haugen" in x for x in labels)
    assert not any("Bjørn Dahl" in x or "Nils Pedersen" in x for x in labels)
    assert open_form(org, CW_B, "support")["callback_id"] == "support_request"


def test_support_is_routed_in_dms_only_and_never_to_own_leaders(org):
    request = ask_for_support(org, person=str(person_id(org, IFR_2)))
    assert request.type == "support" and request.description == NOTE
    chain = [int(c["person_id"]) for c in request.chain]
    assert chain[0] == person_id(org, IFR_2), "the chosen person first"
    leaders = {person_id(org, LEADER_B), person_id(org, UNIT_LEADER_B1)}
    assert not leaders & set(chain)
    coordinators = {person_id(org, u) for u in (IFK_A, IFK_B, IFK_C, BFK, IFR_1, IFR_2)}
    assert set(chain) == coordinators

    # the offer: the requester's name and how soon, but not the note
    offer = dms(org.fake, IFR_2)[-1]
    assert "Støttesamtale" in text_of(offer) and "Emil Strand" in text_of(offer)
    assert "I dag" in text_of(offer)
    assert NOTE not in json.dumps(offer, ensure_ascii=False)
    assert "Notatet vises bare" in text_of(offer)
    # the requester's status DM has the note (it is theirs)
    assert NOTE in text_of(dms(org.fake, CW_B)[-1])

    click(org, IFR_2, offer, "request_decline")
    nxt = [u for u in (IFK_A, IFK_B, IFK_C, BFK, IFR_1) if dms(org.fake, u)]
    assert len(nxt) == 1
    taker = nxt[0]
    click(org, taker, dms(org.fake, taker)[-1], "request_accept")
    accepted = dms(org.fake, taker)[-1]
    assert NOTE in text_of(accepted), "the person who took it sees the note"
    assert "request_refer_external" in json.dumps(accepted)

    # put in touch: a group DM of exactly the two
    group = org.fake.messages(org.fake.dm_channel(CW_B, taker))
    assert len(group) == 1 and "bare dere to" in text_of(group[0])
    assert NOTE not in text_of(group[0])
    # the one who declined never learns who took it
    names = {IFK_A: "Kari", IFK_B: "Ola", IFK_C: "Siri", BFK: "Maria", IFR_1: "Ingrid"}
    assert "Du avslo" in last_dm_text(org.fake, IFR_2)
    assert names[taker] not in last_dm_text(org.fake, IFR_2)

    assert channel_posts(org) == [], "nothing about a support request is posted in a channel"
    for leader in (LEADER_B, UNIT_LEADER_B1):
        assert dms(org.fake, leader) == []
        home = open_home(org, leader)
        assert "Støttesamtale" not in home and "Emil" not in home and NOTE not in home

    # henvist eksternt: the requester gets the configured list of external services
    click(org, taker, accepted, "request_refer_external")
    assert "Bedriftshelsetjenesten" in last_dm_text(org.fake, CW_B)
    assert "request_refer_external" not in json.dumps(dms(org.fake, taker)[-1])
    click(org, taker, dms(org.fake, taker)[-1], "request_done")
    with org.services.sessions() as s:
        assert s.get(Request, request.id).state == "completed"
    assert channel_posts(org) == []


def test_the_timeline_is_for_the_requester_and_the_accepter_only(org):
    request = ask_for_support(org, person=str(person_id(org, IFK_A)))
    click(org, IFK_A, dms(org.fake, IFK_A)[-1], "request_decline")
    taker = next(u for u in (IFK_B, IFK_C, BFK, IFR_1, IFR_2) if dms(org.fake, u))
    click(org, taker, dms(org.fake, taker)[-1], "request_accept")

    def log(user: str) -> str:
        return org.slack.slash_command(user, f"logg {request.id}").json()["text"]

    assert "Tidslinje for" in log(CW_B) and "Tidslinje for" in log(taker)
    for outsider in (ADMIN, IFR_1 if taker != IFR_1 else IFR_2, IFK_A, LEADER_B, UNIT_LEADER_B1):
        assert "Du har ikke tilgang" in log(outsider) or "You do not have access" in log(outsider), outsider


def test_exhausted_support_tells_the_requester_honestly_and_no_leader(org):
    request = ask_for_support(org)
    # The support timeout counts working time, and nobody is offered anything at night:
    # step through the working days until everyone in the pool has let it pass.
    for _ in range(40):
        with org.services.sessions() as s:
            if s.get(Request, request.id).state == "unassigned":
                break
        org.clock.advance(timedelta(hours=3))
        org.services.ticker.tick()
    with org.services.sessions() as s:
        assert s.get(Request, request.id).state == "unassigned"
    texts = [text_of(m) for m in dms(org.fake, CW_B)]
    assert any("Ingen andre er varslet" in x for x in texts)
    assert any("Bedriftshelsetjenesten" in x for x in texts)
    for leader in (LEADER_B, UNIT_LEADER_B1, "U0ALEADA01", "U0ALEADC01", "U0FAGSJEF1"):
        # (the days that pass bring other scheduled DMs, e.g. the weekly production report)
        about_it = [text_of(m) for m in dms(org.fake, leader)
                    if "Emil Strand" in text_of(m) or "tøtte" in text_of(m) or f"#{request.id}" in text_of(m)]
        assert about_it == [], leader
    assert channel_posts(org) == []


def test_a_national_id_in_the_note_is_refused_and_nothing_is_stored(org):
    view = open_form(org, CW_B, "støtte")
    resp = submit(org, CW_B, view, support_values(note=f"Søkeren {valid_fnr()} var vanskelig"))
    assert resp.json()["response_action"] == "errors"
    assert FormBlock.NOTE in resp.json()["errors"]
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 0


def test_a_double_submit_creates_one_request(org):
    view = open_form(org, CW_B, "støtte")
    submit(org, CW_B, view, support_values())
    submit(org, CW_B, view, support_values())
    with org.services.sessions() as s:
        assert s.scalar(select(func.count()).select_from(Request)) == 1


def _database_text(bot) -> str:
    out = []
    with bot.services.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            for row in conn.execute(table.select()):
                out.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(out)


def test_the_retention_purge_removes_the_note_and_keeps_the_count(org):
    old = ask_for_support(org, person=str(person_id(org, IFK_B)))
    click(org, IFK_B, dms(org.fake, IFK_B)[-1], "request_accept")
    # an audit row that (say, from an older version) held the note is redacted too
    with org.services.engine.begin() as conn:
        conn.execute(AuditEvent.__table__.insert().values(
            request_id=old.id, kind="note_recorded", data={"note": NOTE, "urgency": "today"},
            at=org.clock.now()))
    org.clock.advance(timedelta(days=60))
    fresh = ask_for_support(org, note="En ny og fersk samtale, takk.")
    assert NOTE in _database_text(org)

    org.clock.advance(timedelta(days=31))  # the first is now 91 days old, the second 31
    org.services.ticker.tick()
    with org.services.sessions() as s:
        purged, kept = s.get(Request, old.id), s.get(Request, fresh.id)
        assert purged.description == "" and purged.details.get("note_purged_at")
        assert kept.description == "En ny og fersk samtale, takk."
        count = s.scalar(select(func.count()).select_from(Request).where(Request.type == "support"))
        assert count == 2, "the request rows stay, so the monthly count is unchanged"
        redacted = s.scalars(select(AuditEvent).where(AuditEvent.kind == "note_recorded")).one()
        assert redacted.data == {"urgency": "today"}
    assert NOTE not in _database_text(org), "the note is nowhere in the database any more"
    # the messages in Slack are re-rendered without it
    assert NOTE not in text_of(dms(org.fake, CW_B)[0])
    assert "Notatet er slettet" in text_of(dms(org.fake, CW_B)[0])
    assert NOTE not in text_of(dms(org.fake, IFK_B)[0])
    # a second run finds nothing more to do
    org.clock.advance(timedelta(days=1))
    org.services.ticker.tick()
    with org.services.sessions() as s:
        purges = s.scalars(select(AuditEvent.request_id).where(AuditEvent.kind == "note_purged")).all()
    assert purges == [old.id]
