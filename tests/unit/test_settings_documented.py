"""Every setting is documented where an operator looks: .env.example and README."""

from pathlib import Path

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _names() -> list[str]:
    return [name.upper() for name in Settings.model_fields]


def test_every_setting_is_in_env_example():
    text = (ROOT / ".env.example").read_text()
    missing = [n for n in _names() if f"\n{n}=" not in "\n" + text]
    assert missing == []


def test_every_setting_is_in_the_readme_table():
    text = (ROOT / "README.md").read_text()
    missing = [n for n in _names()
               if f"`{n}`" not in text
               and not (n.startswith("IFN_WORKING_HOURS") and "`IFN_WORKING_HOURS_START` / `_END`" in text)]
    assert missing == []
