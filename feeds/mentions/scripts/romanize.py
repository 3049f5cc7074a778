"""Romanization of Belarusian Cyrillic names, as the national standard, the press and the Polish
press write them (search offers these spellings; namegen writes test names in them)."""

from __future__ import annotations

from feeds.mentions.scripts.folding import IOTATED

# -- Romanization ----------------------------------------------------------------------------------
# Belarusian Cyrillic written the ways the press writes it in Latin letters: the national system
# (2007, Łacinka-like), English press spellings, Polish press spellings. The benches generate test
# names with them; the skeleton above is what makes all of them meet.


def _is_cyr_consonant(ch: str) -> bool:
    return ch.lower() in "бвгджзйклмнпрстфхцчшўщ"


_NAT_SIMPLE = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "ж": "ž", "з": "z", "і": "i",
    "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "ŭ", "ф": "f", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "ы": "y",
    "э": "e", "и": "i", "щ": "šč", "ъ": "",
}  # fmt: skip
_NAT_SOFT = {"з": "ź", "н": "ń", "с": "ś", "ц": "ć", "л": "ĺ"}

_PRESS_SIMPLE = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "ж": "zh", "з": "z", "і": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "ы": "y",
    "э": "e", "и": "i", "щ": "shch", "ъ": "", "ь": "",
}  # fmt: skip

_PL_SIMPLE = {
    "а": "a", "б": "b", "в": "w", "г": "h", "ґ": "g", "д": "d", "ж": "ż", "з": "z", "і": "i",
    "й": "j", "к": "k", "л": "ł", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "ch", "ц": "c", "ч": "cz", "ш": "sz", "ы": "y",
    "э": "e", "и": "i", "щ": "szcz", "ъ": "",
}  # fmt: skip


def _case_like(src: str, out: str) -> str:
    if src.isupper() and out:
        return out[0].upper() + out[1:]
    return out


def romanize_national(text: str) -> str:
    """Belarusian Cyrillic -> the national romanization (2007): Алесь Бяляцкі -> Aleś Bialiacki."""
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        prev = text[i - 1].lower() if i else ""
        nxt = text[i + 1].lower() if i + 1 < len(text) else ""
        if low in IOTATED:
            after_consonant = bool(prev) and _is_cyr_consonant(prev) and prev != "ў"
            lat = ("i" if after_consonant else "j") + IOTATED[low]
            if low == "ё" and after_consonant:
                lat = "io"
        elif low == "ь":
            continue
        elif low in _NAT_SOFT and nxt == "ь":
            lat = _NAT_SOFT[low]
            if low == "з" and prev == "д":
                lat = "ź"
        elif low in _NAT_SIMPLE:
            lat = _NAT_SIMPLE[low]
        elif low == "'":
            continue
        else:
            lat = ch
        out.append(_case_like(ch, lat))
    return "".join(out)


def romanize_press(text: str) -> str:
    """Belarusian Cyrillic -> an English-press spelling: Алесь Бяляцкі -> Ales Bialiatski."""
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        prev = text[i - 1].lower() if i else ""
        if low in IOTATED:
            after_consonant = bool(prev) and _is_cyr_consonant(prev) and prev not in "ўй"
            lat = ("i" if after_consonant or prev == "ы" else "y") + IOTATED[low]
            if low == "е" and after_consonant:
                lat = "e"  # the press writes Siarhei, Kalesnikava
        elif low in _PRESS_SIMPLE:
            lat = _PRESS_SIMPLE[low]
        elif low == "'":
            continue
        else:
            lat = ch
        out.append(_case_like(ch, lat))
    return "".join(out)


def romanize_polish(text: str) -> str:
    """Belarusian Cyrillic -> a Polish-press spelling: Бяляцкі -> Bialacki, Калеснікава -> Kalesnikawa."""
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        prev = text[i - 1].lower() if i else ""
        nxt = text[i + 1].lower() if i + 1 < len(text) else ""
        if low in IOTATED:
            if prev == "л":
                lat = IOTATED[low]  # ля -> la (the l was written soft)
            elif prev and _is_cyr_consonant(prev) and prev != "ў":
                lat = "i" + IOTATED[low]
            else:
                lat = "j" + IOTATED[low]
        elif low == "ь":
            continue
        elif low == "л":
            nxt2 = text[i + 2].lower() if i + 2 < len(text) else ""
            soft = nxt in "яеёюіь" or (nxt == "л" and nxt2 in "яеёюіь")
            lat = "l" if soft else "ł"
        elif low in "знсц" and nxt == "ь":
            lat = {"з": "ź", "н": "ń", "с": "ś", "ц": "ć"}[low]
        elif low in _PL_SIMPLE:
            lat = _PL_SIMPLE[low]
        elif low == "'":
            continue
        else:
            lat = ch
        out.append(_case_like(ch, lat))
    return "".join(out)
