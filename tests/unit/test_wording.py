"""The wording a Norwegian speaker flagged (issue 13 item 7) stays fixed, in nb
and in the same places in en: no sentence says "tomorrow" (reminders name the
true day), nothing reads "1 møter", no nested parentheses around weeks, no
jargon ("kjede", "ledd")."""

from __future__ import annotations

import re

import pytest

from bot.domain.language import Lang
from bot.i18n import catalog, plural, t
from bot.services.production_weeks import week_text


@pytest.mark.parametrize("lang", list(Lang))
def test_no_reminder_says_tomorrow_or_in_an_hour(lang: Lang):
    words = re.compile(r"\b(i morgen|tomorrow|om en time|in an hour|in one hour|om 15 minutter"
                       r"|in 15 minutes)\b", re.IGNORECASE)
    assert [k for k, v in catalog(lang).items() if words.search(v)] == []


def test_the_flagged_norwegian_phrases_are_gone():
    nb = catalog(Lang.NB)
    flagged = ["Du får denne som", "Hvem som helst", "hvem som helst", "Det du har tatt",
               "Hva har du gjort denne uken", "du har ikke registrert Trinn 1", "skal stå for",
               "Henvist eksternt", "Forbi første ledd", "kjede:", "i kjeden", "er tilgjengelige akkurat"]
    found = {phrase: [k for k, v in nb.items() if phrase in v] for phrase in flagged}
    assert {p: keys for p, keys in found.items() if keys} == {}
    assert nb["req.reason.other_ifk"] == "IFK i annet område"  # not "IFK område A" on an area-B request
    assert nb["support.button.refer"] == "Henvis eksternt"
    assert nb["form.hour.person.anyone"] == nb["support.form.anyone"] == "Første ledige"
    assert nb["home.my_tasks"] == "Oppgaver du har tatt"
    assert "Har du intervjuet eller fattet vedtak denne uken?" in nb["prod.friday.text"]
    assert "Du er ikke registrert med Trinn 1" in nb["train.reminder"]
    assert "tre inn for" in nb["avail.substitute.say_for_whom"]


@pytest.mark.parametrize("lang", list(Lang))
def test_labels_of_optional_inputs_do_not_say_optional_themselves(lang: Lang):
    # Slack adds "(valgfritt)"/"(optional)" to an optional input's label.
    assert t(lang, "support.form.note.label") in ("Kort notat", "Short note")


def test_counts_agree_with_their_nouns():
    assert plural(Lang.NB, "mtg.count", 1) == "ett møte"
    assert plural(Lang.NB, "mtg.count", 3) == "3 møter"
    assert plural(Lang.EN, "mtg.count", 1) == "one meeting"
    assert plural(Lang.NB, "avail.absence.periods", 1) == "én fraværsperiode"
    assert plural(Lang.NB, "avail.absence.periods", 2) == "2 fraværsperioder"


@pytest.mark.parametrize("lang", list(Lang))
def test_a_week_is_never_in_parentheses_inside_parentheses(lang: Lang):
    week = week_text("2026-W49")
    assert week == "49 (30.11.2026–06.12.2026)"
    for key in ("prod.logged", "prod.friday.answered", "prod.exemption.sent", "prod.monday.title"):
        text = t(lang, key, kind="x", date="d", week=week, when="w", answer="a", leaders="l")
        assert "((" not in text.replace(" ", "") and "))" not in text.replace(" ", ""), (key, text)
