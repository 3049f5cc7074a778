"""The catalogs: every text exists in be, ru and en, with the same placeholders, and is HTML that
Telegram accepts."""

from __future__ import annotations

import string

import pytest

from bot.telegram.i18n import LANGS, Html, catalog, t
from testkit.botapi import parse_html


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_in_every_language() -> None:
    keys = {lang: set(catalog(lang)) for lang in LANGS}
    assert keys["be"] == keys["ru"] == keys["en"]


@pytest.mark.parametrize("lang", ["be", "ru"])
def test_same_placeholders_as_english(lang: str) -> None:
    english = catalog("en")
    for key, text in catalog(lang).items():
        assert placeholders(text) == placeholders(english[key]), key


@pytest.mark.parametrize("lang", LANGS)
def test_every_text_is_valid_telegram_html(lang: str) -> None:
    for key, text in catalog(lang).items():
        filled = text.format_map({name: "x" for name in placeholders(text)})
        parse_html(filled)  # raises on what Telegram would refuse
        assert len(filled) < 4096, key


def test_parameters_are_escaped_unless_marked_html() -> None:
    assert t("en", "subscribe.done", name="<b>&").startswith("You now follow &lt;b&gt;&amp;.")
    assert t("en", "subscribe.done", name=Html("<b>x</b>")).startswith("You now follow <b>x</b>.")


def test_unknown_language_falls_back_to_english() -> None:
    assert t("pl", "start.bad_link") == t("en", "start.bad_link")
