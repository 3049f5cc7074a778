"""The cross-script "skeleton" key of a name word, the spellings presses give one Cyrillic word,
and tokens.

``skeleton(token)`` folds one word, in any script and romanization, into a lossy Latin key in which the
press's spellings of one Belarusian or Russian name meet::

    Бяляцкі, Bialiatski, Białacki, Bialacki, Bjaljacki  -> "balacki"
    Беляцкий, Belyatsky, Bielacki                       -> "belacki"
    Калеснікава, Kalesnikava, Kalesnikawa               -> "kalesnikava"

The steps, in order (see ``shared/reference/matching.md``):

1. lower case, NFC; Latin letters lose their diacritics except the three that carry a sound
   (č, š, ž become the class letters ``C``, ``S``, ``Z``; ż counts as ž), ł -> l;
2. Latin digraphs fold into those classes: ch, cz, tsch, tch -> C; sh, sz, sch, shch, szcz -> S;
   zh, rz -> Z; kh -> h; ts, tz -> c; w -> v; y, j -> i; g -> h; x -> ks;
3. Cyrillic letters map letter by letter (г, х -> h; ц -> c; ч -> C; ш, щ, шч -> S; ж -> Z; я -> ia;
   ю -> iu; ё -> e (as often written); і, и, ы, й -> i; ў -> u; ь, ъ and apostrophes vanish);
4. i before a vowel vanishes (it only marks softness: ia/ya/ja/я all become a), "SC" -> "S";
   v after a vowel and before a consonant or the end becomes u (Ціханоўскі, Tsikhanovsky, Cichanowski);
   doubled letters become one.

Lossy on purpose: precision comes from the evidence rules, not from spelling. The digraph "ch" is
English for ч and Polish/Czech/German for х; the key reads it as ч, and the registry side generates the
х-as-ch spelling as a separate variant (``cyrillic_variants``). Results are cached: words repeat.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# -- Latin -------------------------------------------------------------------------------------------


def _latin_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if base and base != char and base.isascii():
            table[code] = base.lower()
    table.update(
        {
            ord("č"): "C",
            ord("š"): "S",
            ord("ž"): "Z",
            ord("ż"): "Z",
            ord("ł"): "l",
            ord("ø"): "o",
            ord("ß"): "ss",
            ord("æ"): "ae",
            ord("œ"): "oe",
            ord("đ"): "d",
            ord("ı"): "i",
            ord("ŭ"): "u",
            ord("ǔ"): "u",
        }
    )
    return table


_CYRILLIC = {
    "а": "a",
    "б": "b",
    "в": "v",
    "г": "h",
    "ґ": "h",
    "д": "d",
    "е": "e",
    "ё": "e",  # often written е; cyrillic_variants adds the "io" reading for Latin texts
    "є": "ie",
    "ж": "Z",
    "з": "z",
    "и": "i",
    "і": "i",
    "ї": "ii",
    "й": "i",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ў": "u",
    "ф": "f",
    "х": "h",
    "ц": "c",
    "ч": "C",
    "ш": "S",
    "щ": "S",
    "ъ": "",
    "ы": "i",
    "ь": "",
    "э": "e",
    "ю": "iu",
    "я": "ia",
}

_LATIN: dict[int, str] = _latin_table()
for _mark in "'’ʼ`´ʹ‘":
    _LATIN[ord(_mark)] = ""
_CYR: dict[int, str] = {ord(k): v for k, v in _CYRILLIC.items()}

# Latin digraphs, longest first; applied before the Cyrillic letters are mapped, so Cyrillic с+х
# never turns into "sh".
_DIGRAPHS = (
    ("shch", "S"),
    ("szcz", "S"),
    ("tsch", "C"),
    ("sch", "S"),
    ("tch", "C"),
    ("ch", "C"),
    ("cz", "C"),
    ("sh", "S"),
    ("sz", "S"),
    ("zh", "Z"),
    ("rz", "Z"),
    ("kh", "h"),
    ("ts", "c"),
    ("tz", "c"),
    ("ph", "f"),
    ("x", "ks"),
    ("w", "v"),
    ("q", "k"),
    ("y", "i"),
    ("j", "i"),
    ("g", "h"),
)

# A word with a Polish or Łacinka letter or digraph reads "ch" as х, not ч (English "ch")
_CH_IS_H = re.compile(r"[łżźśćńąęóčšžŭ]|cz|sz")  # not "rz" nor "sch": German has them
_I_BEFORE_VOWEL = re.compile(r"i+(?=[aeou])")
_V_TO_U = re.compile(r"(?<=[aeiou])v(?![aeiou])")
_DOUBLE = re.compile(r"(.)\1+")
_NON_KEY = re.compile(r"[^a-zCSZ0-9]")
_COMBINING = re.compile(r"[\u0300-\u036f]")


@lru_cache(maxsize=1 << 17)
def skeleton(token: str) -> str:
    """The cross-script key of one word (see the module docstring). Pure; cached."""
    text = token.lower()
    if text.endswith(("'s", "’s")):  # English possessive: Bialiatski's
        text = text[:-2]
    ascii_only = text.isascii()
    if "ch" in text and "sch" not in text and _CH_IS_H.search(text):
        text = text.replace("ch", "h")  # Polish and Łacinka "ch" is х: Autuchowicz, Chadanovič
    if not ascii_only:
        text = unicodedata.normalize("NFC", text).translate(_LATIN)
        if _COMBINING.search(text):  # a mark NFC could not compose: drop it
            text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    for old, new in _DIGRAPHS:
        if old in text:
            text = text.replace(old, new)
    if not ascii_only:
        # Cyrillic after the Latin digraphs, so that Cyrillic с+х never reads as "sh"
        text = text.replace("шч", "щ").translate(_CYR)
    text = _NON_KEY.sub("", text)
    text = text.replace("SC", "S")
    # the substitutions only where their letter is: a cheap test saves most of the regex calls
    if "i" in text:
        text = _I_BEFORE_VOWEL.sub("", text)
    if "v" in text:
        text = _V_TO_U.sub("u", text)
    # sub with a template costs microseconds even when nothing matches; most words have no double
    return _DOUBLE.sub(r"\1", text) if _DOUBLE.search(text) else text


# -- Cyrillic-side variants ---------------------------------------------------------------------------

_VARIANT_MAPS = (
    {},  # English / Łacinka / national: х -> h (kh), ц -> c (ts)
    {"х": "ch"},  # Polish, Czech, Łacinka: х -> ch (the key reads ch as ч)
    {"х": "ch", "з": "s", "ц": "z", "ж": "sch"},  # German: Bjaljazki, Stefanowitsch, Snak
    # Łacinka typed without its diacritics: Puskin, Sklouskaj, Stermer (š, č, ž lost)
    {"х": "ch", "ш": "s", "щ": "sc", "ч": "c", "ж": "z"},
)
_PLAIN_LATIN = str.maketrans({"č": "c", "š": "s", "ž": "z", "ż": "z", "Č": "C", "Š": "S", "Ž": "Z"})


@lru_cache(maxsize=1 << 16)
def cyrillic_variants(word: str) -> frozenset[str]:
    """Skeletons of the spellings different presses give one Cyrillic (or Latin) word."""
    low = word.lower()
    out = {skeleton(low)}
    if "ё" in low:
        out |= cyrillic_variants(low.replace("ё", "ьо"))
    if any("а" <= c <= "я" or c in "іўёєї" for c in low):
        for mapping in _VARIANT_MAPS[1:]:
            text = low
            for old, new in mapping.items():
                text = text.replace(old, new)
            out.add(skeleton(text))
    else:
        if any(c in low for c in "čšžż"):  # the same spelling typed without its diacritics
            out.add(skeleton(low.translate(_PLAIN_LATIN)))
        # a Latin-only entry: its "ch" may be х in a Polish or Czech source, its "ts" a German "z"
        if "ch" in low:
            out.add(skeleton(low.replace("ch", "kh")))
        if "ts" in low:
            out.add(skeleton(low.replace("ts", "z")))
        # ... and a Belarusian name as Łacinka typed without diacritics writes it: х is "ch"
        # (Cichanouski, Autuchovic), ч, ш, ж lose their marks (Statkievic, Puskin, Mazejka)
        if any(d in low for d in _ENGLISH_DIGRAPHS):
            out.add(skeleton(_plain_lacinka(low)))
        # an export name that is itself Łacinka without diacritics: "Stefanovic" is Stefanovič
        if low.endswith("ic") and not _real_final_c(low):
            out.add(skeleton(low + "h"))
    out.discard("")
    return frozenset(out)


_ENGLISH_DIGRAPHS = ("kh", "ch", "sh", "zh")


def _plain_lacinka(word: str) -> str:
    """An English transliteration as Łacinka without its diacritics: kh -> ch, ch -> c, sh -> s,
    zh -> z (Tsikhanouski -> Tsichanouski, whose key meets Cichanouski)."""
    return (
        word.replace("kh", "\0")
        .replace("shch", "sc")
        .replace("ch", "c")
        .replace("sh", "s")
        .replace("zh", "z")
        .replace("\0", "ch")
    )


def _real_final_c(word: str) -> bool:
    """A final "-ic" that is a real ц: "-ic" after t or s is English "tsic"/"sic" (none in
    Belarusian surnames), so only a bare "-vic/-ic" reads as -ič."""
    return word.endswith(("tic", "sic", "zic"))


# A patronymic's ending, in skeleton space: Віктаравіч, Викторович, Александровна, Wiktarauna.
# in skeleton space; "ч" is "c" from Cyrillic and "C" from a Latin "ch" (Valeryevich)
PATRONYMIC = re.compile(
    r"(?:ovi[cC]|evi[cC]|avi[cC]|i[cC]|ovna|evna|avna|ouna|euna|aune|auna|i[cC]na|ovi)$"
)


def is_patronymic(word: str) -> bool:
    """A word shaped like a patronymic (a capitalised name word with a patronymic ending)."""
    return len(word) >= 6 and word[:1].isupper() and PATRONYMIC.search(skeleton(word)) is not None


_VOWELS_TO_A = str.maketrans("oe", "aa")


def vowel_fold(key: str) -> str:
    """A skeleton with o and e read as a: akanye and е/я differences vanish (Колесникова ~
    Калеснікава). Name search compares these."""
    return key.translate(_VOWELS_TO_A)


# -- Tokens -------------------------------------------------------------------------------------------

# A word: letters/digits (with combining marks), apostrophes inside; digits separately.
TOKEN_RE = re.compile(r"\w+(?:['’ʼ]\w+)*")  # plain \w: the regex engine's fast path
MAX_TOKEN = 40


def is_upper_initial(token: str) -> bool:
    return token[:1].isupper()
