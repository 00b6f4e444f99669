"""Message catalogs (nb default, en) and the one lookup function.

Catalogs are YAML files beside this module, flat ``key: text`` maps with
``{placeholders}`` filled by ``str.format``. They are read once per process: they
are immutable data shipped with the package.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from bot.domain.language import DEFAULT_LANG, Lang


@cache
def catalog(lang: Lang) -> dict[str, str]:
    text = resources.files("bot.i18n").joinpath(f"{lang.value}.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RuntimeError(f"catalog {lang.value}.yaml is not a mapping")
    return {str(k): str(v) for k, v in data.items()}


def t(lang: Lang | str | None, key: str, **params: object) -> str:
    """The text for ``key`` in ``lang``; falls back to nb, then to the key itself
    (a missing key is a bug the catalog test catches, not something users see)."""
    chosen = lang if isinstance(lang, Lang) else Lang.parse(lang)
    text = catalog(chosen).get(key)
    if text is None:
        text = catalog(DEFAULT_LANG).get(key, key)
    return text.format(**params) if params else text
