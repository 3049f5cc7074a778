"""Texts in Belarusian, Russian and English, from the TOML catalogs in ``bot/telegram/texts``.

Handlers never hold strings: they ask ``t(lang, "section.key", **params)``. Parameters are escaped for
Telegram HTML unless wrapped in ``Html`` (already-rendered markup), so user and feed text can never
inject tags. A key missing in one language falls back to English, and a test keeps the three in step.
"""

from __future__ import annotations

import html
import tomllib
from functools import cache
from importlib import resources

LANGS = ("be", "ru", "en")
FALLBACK = "en"


class Html(str):
    """A string that is already safe Telegram HTML; ``t`` inserts it as it is."""


@cache
def catalog(lang: str) -> dict[str, str]:
    text = (resources.files("bot.telegram") / "texts" / f"{lang}.toml").read_text(encoding="utf-8")
    return dict(_flatten(tomllib.loads(text)))


def _flatten(tree: dict, prefix: str = ""):
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def t(lang: str, key: str, **params: object) -> str:
    """The text ``key`` in ``lang`` with escaped ``params``."""
    template = catalog(lang if lang in LANGS else FALLBACK).get(key) or catalog(FALLBACK)[key]
    if not params:
        return template
    return template.format_map(
        {
            k: v if isinstance(v, Html) else html.escape(str(v), quote=False)
            for k, v in params.items()
        }
    )


def has(lang: str, key: str) -> bool:
    return key in catalog(lang)
