"""Which name words are also frequent words of a language, from word-frequency data.

A surname that is a frequent word or a frequent name in the press (Знак "sign", Жук "beetle", Иванов,
Попов, Mickiewicz) names half the people who carry it and a thousand things besides; in a registry
of thousands, "Алексей Иванов" in a football report is not the prisoner. Such a surname counts only
with prison context in the story, even beside its given name (the engine's "risky" names).

The list is ``common_words.txt``: the skeleton keys (``scripts.skeleton``, vowels folded) of every
word of three letters or more with a Zipf frequency of at least ``ZIPF`` in Russian, Ukrainian,
Polish, English and German, from the ``wordfreq`` package's data (Robyn Speer, CC BY-SA 4.0;
Belarusian is not among its languages: its surnames meet the list through their Russian and
Łacinka skeletons). It is built once by ``python -m feeds.mentions.lexicon.common_words`` (needs
``pip install wordfreq``, in the ``dev`` extra) and read at run time without it.

In memory the keys are kept as a sorted array of 64-bit digests (half a megabyte), not as strings
(seven): the engine only asks "is this key in the list?".
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from bisect import bisect_left
from functools import lru_cache
from pathlib import Path

from feeds.mentions.scripts import skeleton, vowel_fold

PATH = Path(__file__).with_name("common_words.txt")
LANGUAGES = ("ru", "uk", "pl", "en", "de")
ZIPF = 3.5  # about three uses per million words
MIN_LETTERS = 3
BUILT_BY = "python -m feeds.mentions.lexicon.common_words"


def key(word: str) -> str:
    """The form a word is listed under: its skeleton with o/e folded to a (Попов ~ Papou)."""
    return vowel_fold(skeleton(word))


def _digest(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


@lru_cache(maxsize=1)
def _digests() -> array:
    with PATH.open(encoding="utf-8") as lines:  # streamed: no list of 70,000 strings at once
        return array("Q", sorted(_digest(k) for k in map(str.strip, lines) if k[:1] != "#"))


@lru_cache(maxsize=1 << 14)
def is_common(word: str) -> bool:
    """Whether ``word`` (any script, any of its spellings' skeleton) is a frequent word."""
    listed = _digests()
    wanted = _digest(key(word))
    at = bisect_left(listed, wanted)
    return at < len(listed) and listed[at] == wanted


def build() -> list[str]:  # pragma: no cover - a maintainer's tool, needs wordfreq
    from wordfreq import top_n_list, zipf_frequency

    keys: set[str] = set()
    for lang in LANGUAGES:
        for word in top_n_list(lang, 200_000):
            if zipf_frequency(word, lang) < ZIPF:
                break
            if len(word) >= MIN_LETTERS and word.isalpha():
                keys.add(key(word))
    return sorted(k for k in keys if len(k) >= MIN_LETTERS)


if __name__ == "__main__":  # pragma: no cover
    found = build()
    header = f"# wordfreq Zipf >= {ZIPF}, {', '.join(LANGUAGES)}; built by {BUILT_BY}\n"
    PATH.write_text(header + "\n".join(found) + "\n", encoding="utf-8")
    print(f"{len(found)} keys -> {PATH}", file=sys.stderr)
