"""Sentences and summaries: only computed for documents that mention something."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

# A sentence ends at . ! ? … (closing quotes/brackets may follow) before a space and a capital, a
# digit, an opening quote or a dialogue dash ("... obserwowana. — Wierzę, że ..."); at a line break;
# or, as channel posts write, at an emoji before a space and a capital ("... Лабковіч 🙏 А вось
# Стэфановіча ў спісе няма").
_EMOJI = "\U0001f300-\U0001faff\u2600-\u27bf"
_END = re.compile(
    r"(?<=[.!?…])[\"'»”)\]]*\s+(?=[«\"“„'(\[]*[^\W\d_a-zа-яёіўєї]|[«\"“„'(\[]*\d|[—–]\s)|\s*\n\s*"
    rf"|(?<=[{_EMOJI}])\ufe0f?\s+(?=[«\"“„'(\[]*[^\W\d_a-zа-яёіўєї])"
)
# Words whose dot does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "no",
        "nr",
        "n",
        "nos",
        "art",
        "ст",
        "арт",
        "стр",
        "г",
        "гг",
        "вул",
        "ул",
        "пр",
        "im",
        "św",
        "dr",
        "mr",
        "mrs",
        "ms",
        "st",
        "prof",
        "vs",
        "p",
        "pp",
        "т",
        "е",
        "etc",
        "inc",
        "jr",
        "sr",
        "ul",
        "al",
        "ok",
        "tzw",
        "in",  # Polish "m.in." (among others)
        "itd",
        "itp",
        "np",
        "см",
        "напр",
        "тыс",
        "млн",
        "руб",
        "др",
        "проф",
        "и",
        "о",
    ]
)
_LONGEST_SHORT = max(map(len, _ABBREVIATIONS))
_LAST_WORD = re.compile(r"([^\W\d_]+)\.[\"'»”)\]]*\s*$")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, stripped of surrounding white space."""
    bounds: list[tuple[int, int]] = []
    start = 0
    for match in _ends(text):
        if _after_initial(text, start, match):
            continue  # an initial ("A. Bialiatski") or an abbreviation ("No. 9")
        _add(text, start, match.start(), bounds)
        start = match.end()
    _add(text, start, len(text), bounds)
    if any(e - s > SENTENCE_MAX for s, e in bounds):
        bounds = [piece for s, e in bounds for piece in _chunks(text, s, e)]
    return bounds


SENTENCE_MAX = 600

# Where a match of _END can begin: right after . ! ? … (the first branch) or an emoji (the third),
# or in the white space run of a line break (the second).
_CUE = re.compile(rf"[.!?…\n{_EMOJI}]")


def _ends(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_END.finditer(text)``, found by trying ``_END`` only where one can begin.

    ``finditer`` tries the lookbehind pattern at every character, which is most of the time of a
    sentence split; here a fast character search finds the candidates: the position after a
    sentence mark, or the start (not before the previous match's end) of the white space run that
    holds the next line break. Same matches, same order."""
    pos = 0  # where finditer would go on searching
    scan = 0  # candidates before this were tried and failed
    while True:
        cue = _CUE.search(text, scan)
        if cue is None:
            return
        at = cue.start()
        if text[at] == "\n":
            while at > pos and text[at - 1].isspace():
                at -= 1
            match = _END.match(text, at)  # the line-break branch matches here if nothing else does
        else:
            match = _END.match(text, at + 1)
            if match is None:
                scan = at + 1
                continue
        yield match
        pos = scan = match.end()


def _after_initial(text: str, start: int, match: re.Match[str]) -> bool:
    """Whether the boundary ``match`` follows an initial or an abbreviation, so is none. Cheap
    tests first: only a full stop without a line break can be one."""
    at = match.start()
    if "\n" in match.group() or text[at - 1] != ".":
        return False
    if at - _LONGEST_SHORT - 2 >= start and text[at - _LONGEST_SHORT - 2 : at - 1].isalpha():
        return False  # a word longer than any abbreviation (most sentences end so)
    word = _LAST_WORD.search(text[max(start, at - 12) : at])
    return bool(word) and (len(word.group(1)) == 1 or word.group(1).lower() in _ABBREVIATIONS)


def _chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A "sentence" longer than SENTENCE_MAX (a page without full stops, HTML soup) in pieces cut
    at white space where there is some, so that every later step stays bounded."""
    out: list[tuple[int, int]] = []
    while end - start > SENTENCE_MAX:
        cut = text.rfind(" ", start + SENTENCE_MAX // 2, start + SENTENCE_MAX)
        if cut <= start:
            cut = start + SENTENCE_MAX
        _add(text, start, cut, out)
        start = cut
    _add(text, start, end, out)
    return out


def _add(text: str, start: int, end: int, bounds: list[tuple[int, int]]) -> None:
    if text[start : start + 1].isspace() or text[end - 1 : end].isspace():
        piece = text[start:end]
        stripped = piece.lstrip()
        start += len(piece) - len(stripped)
        end -= len(stripped) - len(stripped.rstrip())
    if end > start:
        bounds.append((start, end))


class Sentences:
    """Sentence lookup by character offset."""

    __slots__ = ("bounds", "memo", "starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.bounds = sentence_bounds(text)
        self.starts = [b[0] for b in self.bounds]
        self.memo: dict = {}  # the caller's per-document facts about sentences (cues.says)

    def index(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def get(self, index: int) -> str:
        start, end = self.bounds[index]
        return self.text[start:end]

    def __len__(self) -> int:
        return len(self.bounds)


SUMMARY_MAX = 600


_CLOSED = frozenset(".!?…:;\"'»”)]")  # a sentence ending in one of these needs no full stop


def summarize(
    sentences: Sentences, scores: dict[int, float], spans: list[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The 1-3 best sentences (in text order, at most 600 characters) and the spans inside them."""
    if not scores:
        return "", ()
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    total = 0
    for index in ranked[:3]:
        start, end = sentences.bounds[index]
        length = end - start + (2 if chosen else 0)  # room for the separator
        if chosen and total + length > SUMMARY_MAX:
            continue
        chosen.append(index)
        total += length
    chosen.sort()
    parts: list[str] = []
    out_spans: list[tuple[int, int]] = []
    offset = 0
    for index in chosen:
        start, end = sentences.bounds[index]
        if offset:  # a sentence without a closing mark (a title) gets a full stop
            sep = " " if parts[-1][-1] in _CLOSED else ". "
            parts.append(sep)
            offset += len(sep)
        piece = sentences.text[start:end]
        if len(piece) > SUMMARY_MAX - offset:
            cut = piece.rfind(" ", 0, SUMMARY_MAX - offset - 1)
            piece = piece[: cut if cut > 0 else SUMMARY_MAX - offset - 1] + "…"
        for s, e in spans:
            if start <= s and e <= start + len(piece) and e <= end:
                out_spans.append((s - start + offset, e - start + offset))
        parts.append(piece)
        offset += len(piece)
    return "".join(parts), tuple(sorted(set(out_spans)))
