"""The directory kept in Slack (issue 12): an admin lists people and roles by
area and unit, adds a person, changes roles and their dates, sets a language,
deactivates and reactivates — each change checked by the file's rules, recorded
with who did it, and refused with the reason when it breaks a rule."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import select

from sandbox.slack_requests import (
    state_plain_text,
    state_radio_buttons,
    state_static_select,
    state_users_select,
    state_values,
)
from storage.models import AuditEvent, Person, RoleAssignment
from tests.flows import person_id, submit, text_of

ADMIN_NB = "U0IFR00001"  # Ingrid Solberg, IFR and admin, reads Norwegian
ADMIN_EN = "U0ADMIN001"  # Admin Bot, reads English
IFK_A, IFK_B = "U0IFKA0001", "U0IFKB0001"
CW_A = "U0CWA10001"


def open_home(bot, user: str) -> dict:
    bot.slack.event(
        {
            "type": "app_home_opened",
            "user": user,
            "tab": "home",
            "channel": "D0HOME",
            "event_ts": f"{time.time():.6f}",
        }
    )
    return bot.fake.home_view(user)


def flat(blocks: list[dict]) -> str:
    return " ".join(text_of({"blocks": blocks}).split())


def pick(bot, admin: str, view: dict, who: int) -> dict:
    """Choose a person in the Home tab's "change a person" select; return the form."""
    before = len(bot.fake.calls("views.open"))
    action = {
        "type": "static_select",
        "action_id": "directory_edit_person",
        "block_id": "directory_actions",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": str(who)},
    }
    assert bot.slack.block_actions(admin, [action], view=view).status == 200
    opened = bot.fake.calls("views.open")
    assert len(opened) == before + 1, "no form opened"
    return bot.fake.view(opened[-1].response["view"]["id"])


def form(
    name: str,
    roles: str = "",
    *,
    slack: str | None = None,
    email: str | None = None,
    area: str | None = None,
    unit: str | None = None,
    language: str | None = None,
    active: str | None = None,
) -> dict[str, Any]:
    return state_values(
        {
            "dir_name": state_plain_text(name),
            "dir_slack": state_users_select(slack),
            "dir_email": state_plain_text(email),
            "dir_area": state_static_select(area),
            "dir_unit": state_static_select(unit),
            "dir_language": state_static_select(language),
            "dir_roles": state_plain_text(roles),
            "dir_active": state_radio_buttons(active) if active else None,
        }
    )


def roles_of(bot, slack_id: str) -> list[tuple]:
    with bot.services.sessions() as s:
        rows = s.scalars(select(RoleAssignment).join(Person).where(Person.slack_user_id == slack_id))
        return sorted((r.role, r.area_code, r.valid_from, r.valid_to) for r in rows)


def directory_events(bot) -> list[AuditEvent]:
    with bot.services.sessions() as s:
        return list(
            s.scalars(
                select(AuditEvent)
                .where(AuditEvent.request_id.is_(None), AuditEvent.kind != "directory_created")
                .order_by(AuditEvent.id)
            )
        )


def test_only_admins_see_or_change_the_directory(org):
    resp = org.slack.slash_command(CW_A, "katalog")
    assert resp.json()["text"] == "Bare administratorer kan se og endre katalogen."
    assert "Katalogen (administrator)" not in flat(open_home(org, CW_A)["blocks"])
    # A forged select or submission from a caseworker changes nothing.
    home = open_home(org, CW_A)
    action = {
        "type": "static_select",
        "action_id": "directory_edit_person",
        "block_id": "directory_actions",
        "selected_option": {"text": {"type": "plain_text", "text": "x"}, "value": str(person_id(org, IFK_A))},
    }
    org.slack.block_actions(CW_A, [action], view=home)
    assert not org.fake.calls("views.open")
    fake_form = {
        "id": "V0FORGED",
        "callback_id": "directory_person",
        "private_metadata": str(person_id(org, IFK_A)),
        "blocks": [{"type": "input", "block_id": "dir_name"}],
    }
    resp = submit(org, CW_A, fake_form, form("Kari Nordmann", "admin", slack=IFK_A, active="active"))
    assert resp.json()["errors"]["dir_name"] == "Bare administratorer kan se og endre katalogen."
    assert ("admin", None, None, None) not in roles_of(org, IFK_A)


def test_the_listing_shows_people_and_roles_by_area_and_unit(org):
    resp = org.slack.slash_command(ADMIN_NB, "katalog")
    text = flat(resp.json()["blocks"])
    assert "*Område A* (A)" in text
    assert (
        "_Enhet A1 – Afrika_: Kari Nordmann (IFK, saksbehandler); Lars Nilsen (enhetsleder); "
        "Ahmed Ali (saksbehandler); Sofie Andersen (saksbehandler)"
    ) in text
    assert "Uten enhet: Anne Berg (områdeleder)" in text
    assert "*Avdelingsnivå* Hanne Lie (fagsjef)" in text
    # Julie Sand is known only by e-mail and not linked yet: listed as such.
    assert "Julie Sand (saksbehandler) ⚠️ er ikke koblet til en Slack-bruker" in text
    search = flat(org.slack.slash_command(ADMIN_NB, "katalog kari").json()["blocks"])
    assert "Kari Nordmann" in search and "Ola Hansen" not in search
    english = flat(org.slack.slash_command(ADMIN_EN, "directory").json()["blocks"])
    assert "_Enhet B1 – Midtøsten_: Ola Hansen (IFK, caseworker)" in english


def test_a_second_ifk_for_an_area_is_refused_with_the_reason_and_nothing_changes(org):
    home = open_home(org, ADMIN_NB)
    assert "Katalogen (administrator)" in flat(home["blocks"])
    view = pick(org, ADMIN_NB, home, person_id(org, IFK_B))
    assert view["callback_id"] == "directory_person"
    before = roles_of(org, IFK_B)
    resp = submit(
        org,
        ADMIN_NB,
        view,
        form(
            "Ola Hansen",
            "ifk B\nifk A\ncaseworker B",
            slack=IFK_B,
            email="ola.hansen@ifn.example",
            unit="B1",
            active="active",
        ),
    )
    errors = resp.json()["errors"]
    assert errors == {
        "dir_roles": "det kan bare være én ifk om gangen i område A – 'Kari Nordmann' har rollen "
        "i samme periode; gi datoer som ikke overlapper"
    }
    assert roles_of(org, IFK_B) == before
    assert directory_events(org) == []

    # A planned hand-over with dates that do not overlap is fine.
    view = pick(org, ADMIN_NB, open_home(org, ADMIN_NB), person_id(org, IFK_A))
    resp = submit(
        org,
        ADMIN_NB,
        view,
        form(
            "Kari Nordmann",
            "ifk A til 31.12.2026\ncaseworker A",
            slack=IFK_A,
            email="kari.nordmann@ifn.example",
            unit="A1",
            active="active",
        ),
    )
    assert resp.status == 200 and resp.body == ""
    view = pick(org, ADMIN_NB, open_home(org, ADMIN_NB), person_id(org, IFK_B))
    resp = submit(
        org,
        ADMIN_NB,
        view,
        form(
            "Ola Hansen",
            "ifk B\nifk A fra 01.01.2027\ncaseworker B",
            slack=IFK_B,
            email="ola.hansen@ifn.example",
            unit="B1",
            active="active",
        ),
    )
    assert resp.status == 200 and resp.body == ""
    from datetime import date

    assert ("ifk", "A", date(2027, 1, 1), None) in roles_of(org, IFK_B)
    events = directory_events(org)
    assert [(e.kind, e.actor_id, e.subject_id, e.data["fields"]) for e in events] == [
        ("directory_changed", person_id(org, ADMIN_NB), person_id(org, IFK_A), ["roles"]),
        ("directory_changed", person_id(org, ADMIN_NB), person_id(org, IFK_B), ["roles"]),
    ]
    assert events[1].data["diff"]["roles"] == [["caseworker B", "ifk B"],
                                               ["caseworker B", "ifk A 2027-01-01–…", "ifk B"]]
    # The Home tab lists who changed what.
    text = flat(open_home(org, ADMIN_NB)["blocks"])
    assert "Ola Hansen endret (Ingrid Solberg)" in text


def test_an_admin_adds_a_person_and_sets_a_language(org):
    home = open_home(org, ADMIN_EN)
    before = len(org.fake.calls("views.open"))
    from sandbox.slack_requests import button

    org.slack.block_actions(ADMIN_EN, [button("directory_add_person", "new")], view=home)
    view = org.fake.view(org.fake.calls("views.open")[before].response["view"]["id"])
    assert view["private_metadata"] == ""
    bad = submit(
        org, ADMIN_EN, view, form("Nina Berg", "caseworker\nsjef", email="nina.berg@ifn.example", unit="A1")
    )
    assert bad.json()["errors"]["dir_roles"].startswith("Line 2: “sjef” is not a role.")
    no_id = submit(org, ADMIN_EN, view, form("Nina Berg", "caseworker", unit="A1"))
    assert no_id.json()["errors"] == {"dir_email": "needs a slack_id or an email"}
    taken = submit(
        org, ADMIN_EN, view, form("Nina Berg", "caseworker", email="kari.nordmann@ifn.example", unit="A1")
    )
    assert "kari.nordmann@ifn.example is already used by Kari Nordmann" in taken.json()["errors"]["dir_email"]
    ok = submit(
        org,
        ADMIN_EN,
        view,
        form("Nina Berg", "caseworker", email="Nina.Berg@ifn.example", unit="A1", language="en"),
    )
    assert ok.status == 200 and ok.body == ""
    with org.services.sessions() as s:
        nina = s.scalar(select(Person).where(Person.name == "Nina Berg"))
        assert (nina.email, nina.area_code, nina.language, nina.language_origin, nina.active) == (
            "nina.berg@ifn.example",
            "A",
            "en",
            "directory",
            True,
        )
    assert "✅ Nina Berg is added to the directory." in text_of(
        org.fake.messages(org.fake.dm_channel(ADMIN_EN))[-1]
    )
    # Linking is not done on the path of the ack: nobody asked Slack about her yet.
    assert not org.fake.calls("users.lookupByEmail")
    # She shows in the listing, marked as not linked yet.
    assert "Nina Berg (caseworker) ⚠️ is not linked to a Slack user" in flat(
        org.slack.slash_command(ADMIN_EN, "directory nina").json()["blocks"]
    )


def test_a_retried_submission_saves_once(org):
    view = pick(org, ADMIN_NB, open_home(org, ADMIN_NB), person_id(org, IFK_B))
    values = form(
        "Ola Hansen-Berg",
        "ifk B\ncaseworker B",
        slack=IFK_B,
        email="ola.hansen@ifn.example",
        unit="B1",
        active="active",
    )
    assert submit(org, ADMIN_NB, view, values).status == 200
    assert submit(org, ADMIN_NB, view, values, retry_num=1).status == 200
    assert len(directory_events(org)) == 1
