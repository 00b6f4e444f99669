"""Through real HTTP into the running app, with Slack faked on loopback."""

import json
import time
import urllib.request

from sqlalchemy import func, select

from storage.models import Person


def blocks_text(blocks) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_signed_help_is_answered_ephemerally_in_norwegian(org):
    resp = org.slack.slash_command("U0CWB10001", "hjelp")
    assert resp.status == 200
    body = resp.json()
    assert body["response_type"] == "ephemeral"
    text = blocks_text(body["blocks"])
    assert "IFN-boten – kommandoer" in text
    assert "/ifn hjelp" in text
    assert "/ifn veiledning" in text
    available, _, coming = text.partition("Kommer snart")
    assert "/ifn veiledning" in available and "/ifn logg" in available
    assert "/ifn møte" in available
    assert "/ifn opplæring" in available and "/ifn produksjon" in available
    assert "/ifn" not in coming  # every subcommand is built now; an unbuilt one would be listed here


def test_help_in_english_for_a_user_whose_language_is_english(org):
    body = org.slack.slash_command("U0CWC10002", "hjelp").json()  # Amina, language en
    assert "IFN bot – commands" in blocks_text(body["blocks"])
    assert "/ifn help" in body["text"]


def test_english_alias_from_someone_outside_the_directory_answers_in_english(bot):
    body = bot.slack.slash_command("U0NOBODY01", "help").json()
    assert "IFN bot – commands" in body["text"]
    body = bot.slack.slash_command("U0NOBODY01", "hjelp").json()
    assert "IFN-boten – kommandoer" in body["text"]


def test_unknown_text_and_bare_command_get_help_never_silence(org):
    body = org.slack.slash_command("U0CWB10001", "bananer og epler").json()
    assert body["response_type"] == "ephemeral"
    assert "Jeg forstod ikke «bananer og epler»" in body["text"]
    assert "/ifn hjelp" in body["text"]
    body = org.slack.slash_command("U0CWB10001", "").json()
    assert body["response_type"] == "ephemeral"
    assert body["text"].startswith("Hva trenger du hjelp til?")
    actions = [b for b in body["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions[0]["elements"]] == [
        "menu_live", "menu_feedback", "menu_hour", "menu_sit_in"]


def test_the_last_subcommands_to_be_built_answer(org):
    # opplæring was the example of "not available yet" until it was built
    body = org.slack.slash_command("U0CWB10001", "opplæring").json()
    assert body["text"].startswith("*Opplæring – Emil Strand*")
    body = org.slack.slash_command("U0CWB10001", "produksjon").json()
    assert body["text"].startswith("Produksjonsmålet (ett intervju eller ett vedtak i uken) gjelder")


def test_wrong_signature_is_401_and_changes_nothing(org):
    with org.services.sessions() as s:
        before = s.scalar(select(func.count()).select_from(Person).where(Person.slack_user_id.is_(None)))
    org.fake.clear()
    resp = org.slack.slash_command("U0JULIE001", "hjelp", sign_with="not-the-secret")
    assert resp.status == 401
    assert org.fake.calls() == []  # no users.info lookup, nothing posted
    with org.services.sessions() as s:
        after = s.scalar(select(func.count()).select_from(Person).where(Person.slack_user_id.is_(None)))
    assert before == after == 1  # Julie is still unlinked


def test_timestamp_older_than_five_minutes_is_401(org):
    org.fake.clear()
    resp = org.slack.slash_command("U0CWB10001", "hjelp", timestamp=int(time.time()) - 301)
    assert resp.status == 401
    assert org.fake.calls() == []
    # Four minutes old is still fine.
    assert org.slack.slash_command("U0CWB10001", "hjelp", timestamp=int(time.time()) - 240).status == 200


def test_missing_signature_headers_is_401(org):
    req = urllib.request.Request(
        org.slack.url, data=b"command=%2Fifn&text=hjelp&user_id=U0CWB10001", method="POST",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        urllib.request.urlopen(req, timeout=10)
        status = 200
    except urllib.error.HTTPError as err:
        status = err.code
    assert status == 401


def test_first_use_links_a_person_known_only_by_email(org):
    org.fake.add_user("U0JULIE001", name="Julie Sand", email="julie.sand@ifn.example")
    body = org.slack.slash_command("U0JULIE001", "hjelp").json()
    assert "IFN-boten" in body["text"]
    assert [c.args["user"] for c in org.fake.calls("users.info")] == ["U0JULIE001"]
    with org.services.sessions() as s:
        julie = s.scalar(select(Person).where(Person.email == "julie.sand@ifn.example"))
        assert julie.slack_user_id == "U0JULIE001"


def test_home_tab_shows_name_and_roles(org):
    resp = org.slack.event({"type": "app_home_opened", "user": "U0IFKB0001", "tab": "home",
                            "channel": "D0HOME0001", "event_ts": f"{time.time():.6f}"})
    assert resp.status == 200
    view = org.fake.home_view("U0IFKB0001")
    text = blocks_text(view["blocks"])
    assert "Hei, Ola Hansen!" in text
    assert "intervjufaglig koordinator (IFK) i område B" in text


def test_home_tab_for_someone_not_in_the_directory(bot):
    bot.slack.event({"type": "app_home_opened", "user": "U0NOBODY01", "tab": "home",
                     "channel": "D0HOME0002", "event_ts": f"{time.time():.6f}"})
    assert "ikke registrert i IFN-katalogen" in blocks_text(bot.fake.home_view("U0NOBODY01")["blocks"])
