import pytest

from bot.commands import ALIASES, Subcommand, parse


@pytest.mark.parametrize(
    ("text", "sub"),
    [
        ("hjelp", Subcommand.HELP),
        ("help", Subcommand.HELP),
        ("HJELP", Subcommand.HELP),
        ("veiledning", Subcommand.LIVE),
        ("live", Subcommand.LIVE),
        ("tilbakemelding", Subcommand.FEEDBACK),
        ("feedback", Subcommand.FEEDBACK),
        ("time", Subcommand.HOUR),
        ("hour", Subcommand.HOUR),
        ("støtte", Subcommand.SUPPORT),
        ("Støtte", Subcommand.SUPPORT),
        ("stotte", Subcommand.SUPPORT),
        ("support", Subcommand.SUPPORT),
        ("fravær 01.12.2026 05.12.2026", Subcommand.ABSENCE),
        ("møte", Subcommand.MEETING),
        ("opplæring", Subcommand.TRAINING),
        ("logg 12", Subcommand.LOG),
        ("bananer", Subcommand.UNKNOWN),
    ],
)
def test_subcommands_and_aliases(text, sub):
    assert parse(text).sub is sub


def test_empty_text_opens_the_menu():
    assert parse("").sub is Subcommand.MENU
    assert parse("   ").sub is Subcommand.MENU
    assert parse(None).sub is Subcommand.MENU


def test_arguments_are_kept_in_order():
    parsed = parse("  status   borte til 14:30 ")
    assert parsed.sub is Subcommand.STATUS
    assert parsed.args == ("borte", "til", "14:30")
    assert parsed.word == "status"


def test_every_spec_subcommand_has_a_norwegian_and_english_spelling():
    spec = {
        "veiledning": "live", "tilbakemelding": "feedback", "time": "hour", "gruppe": "group",
        "stotte": "support", "sak": "issue", "status": "status", "fravaer": "absence",
        "stedfortreder": "substitute", "produksjon": "production", "mote": "meeting",
        "referat": "minutes", "opplaering": "training", "hjelp": "help",
    }
    for nb, en in spec.items():
        assert ALIASES[nb] is ALIASES[en]
