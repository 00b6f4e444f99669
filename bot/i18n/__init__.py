"""Message catalogs (nb default, en) and the one lookup function.

Catalogs are YAML files in ``nb/`` and ``en/`` beside this module, one file per
feature, each a flat ``key: text`` map with ``{placeholders}`` filled by
``str.format``. A key defined in two files is an error. They are read once per
process: they are immutable data shipped with the package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from bot.domain.language import DEFAULT_LANG, Lang


@cache
def catalog(lang: Lang) -> dict[str, str]:
    merged: dict[str, str] = {}
    folder = resources.files("bot.i18n").joinpath(lang.value)
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        data = yaml.safe_load(entry.read_text("utf-8")) or {}
        if not isinstance(data, dict):
            raise RuntimeError(f"catalog {lang.value}/{entry.name} is not a mapping")
        for key, value in data.items():
            if key in merged:
                raise RuntimeError(f"catalog {lang.value}: key {key!r} defined twice ({entry.name})")
            merged[str(key)] = str(value)
    return merged


def t(lang: Lang | str | None, key: str, **params: object) -> str:
    """The text for ``key`` in ``lang``; falls back to nb, then to the key itself
    (a missing key is a bug the catalog test catches, not something users see)."""
    chosen = lang if isinstance(lang, Lang) else Lang.parse(lang)
    text = catalog(chosen).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    return text.format(**params) if params else text


def plural(lang: Lang | str | None, key: str, count: int, **params: object) -> str:
    """``key.one`` for one, ``key.other`` otherwise ("1 møte", "3 møter"), with
    ``{count}`` filled in."""
    return t(lang, f"{key}.one" if count == 1 else f"{key}.other", count=count, **params)
