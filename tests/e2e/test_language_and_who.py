"""Language and orientation (issue 12): ``/ifn språk`` switches the language a
user reads the bot in (help, answers, Home tab, messages); ``/ifn hvem`` shows
who serves the user today, with each one's status."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.directory_file import load_directory_file
from storage.models import AuditEvent, Person
from tests.conftest import EXAMPLE_ORG
from tests.e2e.test_directory_admin import flat, open_home
from tests.e2e.test_reachability import ask_feedback
from tests.flows import last_dm_text

CW_A, CW_C = "U0CWA10001", "U0CWC10001"  # Ahmed Ali (A1), Henrik Vik (C1)
IFK_A, IFK_C = "U0IFKA0001", "U0IFKC0001"
TORE = "U0IFR00002"


def ifn(bot, user: str, text: str) -> dict:
    resp = bot.slack.slash_command(user, text)
    assert resp.status == 200, resp.body
    return resp.json()


def test_a_user_switches_to_english_and_back_and_help_follows(org):
    assert "IFN-boten – kommandoer" in ifn(org, CW_A, "help")["text"]  # his language, not the word typed
    assert ifn(org, CW_A, "språk")["text"].startswith("Språket ditt er norsk (bokmål).")
    assert ifn(org, CW_A, "språk tysk")["text"] == (
        "Slik velger du språk: `/ifn språk nb` (norsk) eller `/ifn språk en` (engelsk)."
    )
    assert ifn(org, CW_A, "språk en")["text"] == "Fine – I will answer you in English from now on."
    assert "IFN bot – commands" in ifn(org, CW_A, "hjelp")["text"]
    assert "`/ifn language nb|en`" in ifn(org, CW_A, "hjelp")["text"]
    assert "My requests" in flat(open_home(org, CW_A)["blocks"])  # the Home tab too
    ask_feedback(org)
    assert "Sent to *Kari Nordmann*" in last_dm_text(org.fake, CW_A)  # and his status message
    with org.services.sessions() as s:
        ahmed = s.scalar(select(Person).where(Person.slack_user_id == CW_A))
        assert (ahmed.language, ahmed.language_origin) == ("en", "user")
        event = s.scalar(select(AuditEvent).where(AuditEvent.kind == "directory_language"))
        assert event.actor_id == ahmed.id and event.data["language"] == "en"

    # His own choice survives a re-import of the file (which sets no language for him) …
    org.services.directory.import_directory(load_directory_file(EXAMPLE_ORG))
    assert "IFN bot – commands" in ifn(org, CW_A, "help")["text"]
    assert ifn(org, CW_A, "language nb")["text"] == "Greit – jeg svarer deg på norsk fra nå av."
    assert "IFN-boten – kommandoer" in ifn(org, CW_A, "help")["text"]


def test_who_serves_me_today_with_each_ones_status(org):
    ifn(org, TORE, "status borte til 14:00")
    text = ifn(org, CW_A, "hvem")["text"]
    assert text.startswith("*Hvem hjelper deg i dag, onsdag 25.11")
    assert "*Område A*" in text
    assert "IFK: Kari Nordmann (ledig)" in text
    assert "BFK (barnesaker, alle områder): Maria Haugen (ledig)" in text
    assert "IFR: Ingrid Solberg (ledig), Tore Bakken (borte til 14:00)" in text

    # The IFK of area C is absent; the substitute the area leader named stands in.
    ifn(org, IFK_C, "fravær 25.11.2026 27.11.2026")
    ifn(org, "U0ALEADC01", "stedfortreder <@U0CWC10002|amina> 25.11.2026 27.11.2026")
    henrik = ifn(org, CW_C, "who")["text"]  # the English word; Henrik reads Norwegian
    assert "*Område C*" in henrik
    assert (
        "IFK: Siri Johansen (fravær til 27.11), Amina Yusuf (stedfortreder for Siri Johansen) (ledig)"
        in henrik
    )
    assert "Who helps you today" in ifn(org, "U0CWA20002", "hvem")["text"]  # Nora reads English

    # After working hours nobody is shown as available.
    org.clock.advance(timedelta(hours=8))
    later = ifn(org, CW_A, "hvem")["text"]
    assert "Kari Nordmann (utenfor arbeidstid)" in later
