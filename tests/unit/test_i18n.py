import re
import string

from bot.commands import Subcommand
from bot.domain.language import Lang
from bot.domain.roles import Role
from bot.i18n import catalog, t
from handlers.views.help import HELP_ORDER


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_catalogs_have_the_same_keys_and_placeholders():
    nb, en = catalog(Lang.NB), catalog(Lang.EN)
    assert nb.keys() == en.keys()
    for key in nb:
        assert _fields(nb[key]) == _fields(en[key]), key


def test_every_help_line_and_role_has_text():
    for lang in Lang:
        for sub in HELP_ORDER:
            assert f"help.cmd.{sub.value}" in catalog(lang)
        for role in Role:
            assert f"role.{role.value}" in catalog(lang)
    assert set(HELP_ORDER) == set(Subcommand) - {Subcommand.MENU, Subcommand.UNKNOWN}


def test_lookup_fills_placeholders_and_follows_the_language():
    assert t(Lang.NB, "home.welcome", name="Kari").startswith("Hei, Kari!")
    assert t(Lang.EN, "home.welcome", name="Kari").startswith("Hi, Kari!")
    assert t("en-GB", "help.title") == "IFN bot – commands"
    assert t(None, "help.title") == "IFN-boten – kommandoer"


def test_norwegian_help_uses_norwegian_command_words():
    nb = catalog(Lang.NB)
    assert re.search(r"/ifn veiledning", nb["help.cmd.veiledning"])
    assert re.search(r"/ifn live", catalog(Lang.EN)["help.cmd.veiledning"])
