"""A typed query as words: at most ``MAX_QUERY_WORDS`` keyed tokens of the first ``MAX_QUERY_CHARS``
characters, letters and digits apart, fillers dropped, with the prefix keys of a word cut short."""

from __future__ import annotations

import re
from dataclasses import dataclass

from feeds.mentions.scripts import MAX_TOKEN, PATRONYMIC, skeleton, vowel_fold
from feeds.registry.search.vocabulary import _stop_keys

MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 6


@dataclass(frozen=True, slots=True)
class _Token:
    raw: str  # skeleton
    key: str  # folded skeleton
    letters: int
    number: bool
    # Prefix keys for a word cut short where the key's context rules would read the rest: a final
    # "i" that a following vowel would swallow ("Michalki" for Michalkieŭski, "Дзі" for Дзіяка), a
    # final в/v/w that the key turns into u at the end ("Ков" for Кавадлевіч, "Bialiev"), a Latin
    # word cut inside a digraph ("Minc" for Minczou).
    alternatives: tuple[tuple[str, bool], ...] = ()  # (folded key, must a vowel follow)


# A Latin word cut inside a digraph: "Minc" may be Minczou, "Shys" Shyshewski, "Tsik" Tsikhanouski.
_DIGRAPH_STARTS = {"c": "C", "s": "S", "z": "Z", "k": "h", "t": "cC", "r": "Z"}


def _alternatives(word: str, raw: str) -> tuple[tuple[str, bool], ...]:
    out = []
    last = word[-1:].lower()
    if len(raw) >= 3 and raw.endswith("i"):
        out.append((vowel_fold(raw[:-1]), True))
    if len(raw) >= 2 and raw.endswith("u") and last in "вvw":
        out.append((vowel_fold(raw[:-1] + "v"), False))
    if len(raw) >= 2 and last in _DIGRAPH_STARTS and word.isascii():
        out += [(vowel_fold(raw[:-1] + cls), False) for cls in _DIGRAPH_STARTS[last]]
    return tuple(out)


# Letters and digits apart, so "IK9" and "ИК-9" both read as a kind word and a number (the
# engine's text tokenizer keeps \w runs whole, which suits prose, not typed queries).
QUERY_TOKEN_RE = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*|\d+")


def _droppable(token: _Token) -> bool:
    """A query word that may be left out: one letter (a preposition) or a patronymic's ending."""
    return not token.number and (
        token.letters <= 1 or (token.letters >= 6 and PATRONYMIC.search(token.raw) is not None)
    )


def _tokens(query: str) -> list[_Token]:
    """At most MAX_QUERY_WORDS keyed words of the first MAX_QUERY_CHARS characters; fillers dropped
    when something else is left."""
    if not isinstance(query, str):
        return []
    out: list[_Token] = []
    for word in QUERY_TOKEN_RE.findall(query[:MAX_QUERY_CHARS]):
        word = word[:MAX_TOKEN]
        if word.isdigit():
            number = str(int(word[:9]))
            out.append(_Token(number, number, len(number), True))
        else:
            raw = skeleton(word)
            if raw:
                letters = sum(1 for c in word if c.isalpha())
                out.append(_Token(raw, vowel_fold(raw), letters, False, _alternatives(word, raw)))
        if len(out) >= MAX_QUERY_WORDS:
            break
    stops = _stop_keys()
    kept = [t for t in out if t.number or t.raw not in stops]
    return kept if any(not t.number for t in kept) else (kept or out)
