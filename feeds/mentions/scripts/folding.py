"""Folding word lists and sentences the same way: lower case, no diacritics, ё/й/ў/ł as е/и/у/l,
so one stem covers its spellings; a Belarusian Cyrillic cue also reads as Łacinka ("памёр" ->
"pamior"); and which scripts a folded text holds (a cue list per script is searched only where
its letters are)."""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from feeds.mentions.dispatch import at_word_start, dispatched

# -- Folding for word lists ----------------------------------------------------------------------
# Cue lists (events, modality, context) are matched on folded text: lower case, no diacritics,
# ё/й/ў/ł read as е/и/у/l; a Belarusian Cyrillic cue also matches its Łacinka reading.

# letters folded before the decomposition; each a str.replace (str.translate with a table of
# non-ASCII keys costs a dictionary lookup per character, ten times as much)
_FOLD = (("ł", "l"), ("ё", "е"), ("й", "и"), ("ў", "у"), ("’", "'"), ("ʼ", "'"), ("ß", "ss"))


# The characters ``unicodedata.combining`` calls marks (canonical combining class not 0), as
# inclusive code point runs of Unicode 14.0.0; another Unicode version recomputes them at import (a
# scan of every code point, ~0.1 s). tests/test_mentions_events.py checks the table.
_MARKS_UNICODE = "14.0.0"
_MARK_RUNS = (
    (0x300, 0x34E), (0x350, 0x36F), (0x483, 0x487), (0x591, 0x5BD), (0x5BF, 0x5BF), (0x5C1, 0x5C2),
    (0x5C4, 0x5C5), (0x5C7, 0x5C7), (0x610, 0x61A), (0x64B, 0x65F), (0x670, 0x670), (0x6D6, 0x6DC),
    (0x6DF, 0x6E4), (0x6E7, 0x6E8), (0x6EA, 0x6ED), (0x711, 0x711), (0x730, 0x74A), (0x7EB, 0x7F3),
    (0x7FD, 0x7FD), (0x816, 0x819), (0x81B, 0x823), (0x825, 0x827), (0x829, 0x82D), (0x859, 0x85B),
    (0x898, 0x89F), (0x8CA, 0x8E1), (0x8E3, 0x8FF), (0x93C, 0x93C), (0x94D, 0x94D), (0x951, 0x954),
    (0x9BC, 0x9BC), (0x9CD, 0x9CD), (0x9FE, 0x9FE), (0xA3C, 0xA3C), (0xA4D, 0xA4D), (0xABC, 0xABC),
    (0xACD, 0xACD), (0xB3C, 0xB3C), (0xB4D, 0xB4D), (0xBCD, 0xBCD), (0xC3C, 0xC3C), (0xC4D, 0xC4D),
    (0xC55, 0xC56), (0xCBC, 0xCBC), (0xCCD, 0xCCD), (0xD3B, 0xD3C), (0xD4D, 0xD4D), (0xDCA, 0xDCA),
    (0xE38, 0xE3A), (0xE48, 0xE4B), (0xEB8, 0xEBA), (0xEC8, 0xECB), (0xF18, 0xF19), (0xF35, 0xF35),
    (0xF37, 0xF37), (0xF39, 0xF39), (0xF71, 0xF72), (0xF74, 0xF74), (0xF7A, 0xF7D), (0xF80, 0xF80),
    (0xF82, 0xF84), (0xF86, 0xF87), (0xFC6, 0xFC6), (0x1037, 0x1037), (0x1039, 0x103A),
    (0x108D, 0x108D), (0x135D, 0x135F), (0x1714, 0x1715), (0x1734, 0x1734), (0x17D2, 0x17D2),
    (0x17DD, 0x17DD), (0x18A9, 0x18A9), (0x1939, 0x193B), (0x1A17, 0x1A18), (0x1A60, 0x1A60),
    (0x1A75, 0x1A7C), (0x1A7F, 0x1A7F), (0x1AB0, 0x1ABD), (0x1ABF, 0x1ACE), (0x1B34, 0x1B34),
    (0x1B44, 0x1B44), (0x1B6B, 0x1B73), (0x1BAA, 0x1BAB), (0x1BE6, 0x1BE6), (0x1BF2, 0x1BF3),
    (0x1C37, 0x1C37), (0x1CD0, 0x1CD2), (0x1CD4, 0x1CE0), (0x1CE2, 0x1CE8), (0x1CED, 0x1CED),
    (0x1CF4, 0x1CF4), (0x1CF8, 0x1CF9), (0x1DC0, 0x1DFF), (0x20D0, 0x20DC), (0x20E1, 0x20E1),
    (0x20E5, 0x20F0), (0x2CEF, 0x2CF1), (0x2D7F, 0x2D7F), (0x2DE0, 0x2DFF), (0x302A, 0x302F),
    (0x3099, 0x309A), (0xA66F, 0xA66F), (0xA674, 0xA67D), (0xA69E, 0xA69F), (0xA6F0, 0xA6F1),
    (0xA806, 0xA806), (0xA82C, 0xA82C), (0xA8C4, 0xA8C4), (0xA8E0, 0xA8F1), (0xA92B, 0xA92D),
    (0xA953, 0xA953), (0xA9B3, 0xA9B3), (0xA9C0, 0xA9C0), (0xAAB0, 0xAAB0), (0xAAB2, 0xAAB4),
    (0xAAB7, 0xAAB8), (0xAABE, 0xAABF), (0xAAC1, 0xAAC1), (0xAAF6, 0xAAF6), (0xABED, 0xABED),
    (0xFB1E, 0xFB1E), (0xFE20, 0xFE2F), (0x101FD, 0x101FD), (0x102E0, 0x102E0), (0x10376, 0x1037A),
    (0x10A0D, 0x10A0D), (0x10A0F, 0x10A0F), (0x10A38, 0x10A3A), (0x10A3F, 0x10A3F),
    (0x10AE5, 0x10AE6), (0x10D24, 0x10D27), (0x10EAB, 0x10EAC), (0x10F46, 0x10F50),
    (0x10F82, 0x10F85), (0x11046, 0x11046), (0x11070, 0x11070), (0x1107F, 0x1107F),
    (0x110B9, 0x110BA), (0x11100, 0x11102), (0x11133, 0x11134), (0x11173, 0x11173),
    (0x111C0, 0x111C0), (0x111CA, 0x111CA), (0x11235, 0x11236), (0x112E9, 0x112EA),
    (0x1133B, 0x1133C), (0x1134D, 0x1134D), (0x11366, 0x1136C), (0x11370, 0x11374),
    (0x11442, 0x11442), (0x11446, 0x11446), (0x1145E, 0x1145E), (0x114C2, 0x114C3),
    (0x115BF, 0x115C0), (0x1163F, 0x1163F), (0x116B6, 0x116B7), (0x1172B, 0x1172B),
    (0x11839, 0x1183A), (0x1193D, 0x1193E), (0x11943, 0x11943), (0x119E0, 0x119E0),
    (0x11A34, 0x11A34), (0x11A47, 0x11A47), (0x11A99, 0x11A99), (0x11C3F, 0x11C3F),
    (0x11D42, 0x11D42), (0x11D44, 0x11D45), (0x11D97, 0x11D97), (0x16AF0, 0x16AF4),
    (0x16B30, 0x16B36), (0x16FF0, 0x16FF1), (0x1BC9E, 0x1BC9E), (0x1D165, 0x1D169),
    (0x1D16D, 0x1D172), (0x1D17B, 0x1D182), (0x1D185, 0x1D18B), (0x1D1AA, 0x1D1AD),
    (0x1D242, 0x1D244), (0x1E000, 0x1E006), (0x1E008, 0x1E018), (0x1E01B, 0x1E021),
    (0x1E023, 0x1E024), (0x1E026, 0x1E02A), (0x1E130, 0x1E136), (0x1E2AE, 0x1E2AE),
    (0x1E2EC, 0x1E2EF), (0x1E8D0, 0x1E8D6), (0x1E944, 0x1E94A),
)  # fmt: skip


def mark_runs() -> tuple[tuple[int, int], ...]:
    """``(first, last)`` code point runs of the combining marks of the running Unicode version."""
    if unicodedata.unidata_version == _MARKS_UNICODE:
        return _MARK_RUNS
    runs: list[tuple[int, int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.combining(chr(code)):
            if runs and runs[-1][1] == code - 1:
                runs[-1] = (runs[-1][0], code)
            else:
                runs.append((code, code))
    return tuple(runs)


def _char_class(runs: Iterable[tuple[int, int]]) -> re.Pattern[str]:
    return re.compile(
        "[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in runs) + "]"
    )


# Two classes: one of code points below U+10000 compiles to a lookup table (one step per character);
# with the astral runs in it, every character would be tried against each of the ~190 runs.
_RUNS = mark_runs()
_MARKS_BMP = _char_class(r for r in _RUNS if r[1] < 0x10000)
_MARKS_ASTRAL = _char_class(r for r in _RUNS if r[1] >= 0x10000)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


_ESCAPE_OR_LETTERS = re.compile(r"\\.|[^\W\d_]+")


def fold_pattern(pattern: str) -> str:
    """A regex written in plain spelling ("сёння", "ещё", "раней"), folded as :func:`fold` folds
    the text it will search ("сення", "еще", "ранеи"); its escapes (``\\b``, ``\\W``) kept."""
    return _ESCAPE_OR_LETTERS.sub(
        lambda m: m.group() if m.group().startswith("\\") else fold(m.group()), pattern
    )


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case without diacritics; same length as ``text`` is not promised."""
    text = text.lower()
    if text.isascii():
        return text  # _FOLD, NFKD and the marks leave ASCII alone
    for old, new in _FOLD:
        text = text.replace(old, new)
    text = _MARKS_BMP.sub("", unicodedata.normalize("NFKD", text))
    if _ASTRAL.search(text):
        text = _MARKS_ASTRAL.sub("", text)
    return text


_LACINKA = {
    "а": "a", "б": "b", "в": "v", "г": "h", "д": "d", "ж": "z", "з": "z", "і": "i", "и": "i",
    "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
    "т": "t", "у": "u", "ў": "u", "ф": "f", "х": "ch", "ц": "c", "ч": "c", "ш": "s", "щ": "sc",
    "ы": "y", "ь": "", "ъ": "", "э": "e", "'": "j", "’": "j",
}  # fmt: skip
IOTATED = {"е": "e", "ё": "o", "ю": "u", "я": "a"}
_CYR_LETTER = re.compile(r"[а-яёіўє]")


def lacinka(cue: str) -> str:
    """A Cyrillic cue (regex fragment) as folded Łacinka reads it: "памёр" -> "pamior",
    "перавялі" -> "pieraviali", "галадоўк" -> "haladouk". Regex syntax passes through."""
    out: list[str] = []
    prev = ""
    in_class = escaped = False
    for char in cue.lower():
        if escaped or char == "\\":
            escaped = not escaped and char == "\\"
            out.append(char)
            prev = ""
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        if char in IOTATED:
            soft = prev and (_CYR_LETTER.match(prev) and prev not in "аеёіоуўыэюяь'’")
            # Łacinka writes л+я as "la" (ł+a is ла): no i after l
            vowel = IOTATED[char]
            if char == "е" and not in_class:
                vowel = "(?:e|o)"  # a folded cue's е may have been ё ("памер" is памёр, pamior)
            out.append(("" if prev == "л" else "i" if soft else "j") + vowel)
        elif char == "и" and not in_class:
            if prev and _CYR_LETTER.match(prev) and prev not in "аеёіоуўыэюяьи'’":
                # after a consonant it was never й: a Russian spelling in Belarusian text
                # ("шизо"), read as Belarusian writes it (шыза, šyza; not "sizo", the remand
                # prison): ы after the hard consonants, і after the rest
                out.append("y" if prev in "жшчрц" else "i")
            else:
                out.append("(?:i|j)")  # a folded й (выидзе is выйдзе, vyjdzie)
        else:
            out.append(_LACINKA.get(char, char))
        prev = char
    return "".join(out)


def alternatives(cues) -> str:
    """One regex alternation of the cues, folded, plus their Łacinka readings."""
    return "|".join(_folded_forms(cues))


def word_start_alternatives(cues, patterns: Iterable[str] = ()) -> str:
    """``(?<!\\w)(?:`` + ``alternatives(cues)`` (and ``patterns``, regexes over folded text
    taken as they are) + ``)``, arranged to search fast (``dispatch.at_word_start``): lists of
    hundreds of places are asked of every sentence that names someone."""
    return at_word_start([*_folded_forms(cues), *patterns])


def _folded_forms(cues) -> list[str]:
    forms: dict[str, None] = {}
    for cue in cues:
        forms[fold(cue)] = None
        if _CYR_LETTER.search(cue.lower()):
            forms[lacinka(cue)] = None
    return list(forms)


def script_alternations(
    by_lang: dict[str, tuple[str, ...]], cyrillic: tuple[str, ...], lacinka_from: str
) -> dict[str, str]:
    """One language's words per script, as two regex alternations of folded fragments: ``cyr``
    (the Cyrillic languages' words) and ``lat`` (the others', plus the Łacinka reading of
    ``lacinka_from``'s). A sentence is only searched with the alternation of its script(s), and a
    Russian word never gets a Łacinka reading nobody writes."""
    cyr: dict[str, None] = {}
    lat: dict[str, None] = {}
    for lang, words in by_lang.items():
        for word in words:
            # folded as a pattern: its escapes keep their case ("\\W" is not "\\w")
            (cyr if lang in cyrillic else lat)[fold_pattern(word)] = None
            if lang == lacinka_from:
                lat[lacinka(word)] = None
    return {"cyr": dispatched(list(cyr)), "lat": dispatched(list(lat))}


_LATIN_LETTER = re.compile(r"[a-z]")


def scripts_of(folded: str) -> tuple[str, ...]:
    """Which alternations a folded sentence needs: ``cyr``, ``lat`` or both."""
    has_cyr = _CYR_LETTER.search(folded) is not None
    has_lat = _LATIN_LETTER.search(folded) is not None
    if has_cyr and has_lat:
        return ("cyr", "lat")
    return ("cyr",) if has_cyr else ("lat",)
