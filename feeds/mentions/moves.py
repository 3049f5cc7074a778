"""Where a prisoner is taken, and when a move is no transfer: to the border or abroad (an
expulsion), to a hospital or a medical unit (health news, unless it is another institution's
hospital), to a hearing under convoy, into a punishment cell ("переведён в ШИЗО"), or being held
somewhere now. Folded Łacinka "siza" is ŠIZA (the cell) only when the sentence writes the Š.
"""

from __future__ import annotations

import re

from feeds.mentions.event_words import (
    CELL,
    CLAUSE_END,
    W,
    any_of,
    clause_around,
    rule_pattern,
)

CONVOY = re.compile(any_of(W["convoy"]))
REGIME = re.compile(any_of(W["regime"]))
HELD = rule_pattern("held", r"(?!\w)")
NOT_A_TRANSFER_TO = rule_pattern("not_a_transfer_to")


def where_to_before(places: str, then: str) -> re.Pattern[str]:
    """A place of rule ``places`` with the preposition of where to, then the words ``then`` up
    to the cue: the verb last ("nach Litauen gebracht", "ŭ balnicu jaho pieraviali")."""
    return re.compile(
        r"(?<!\w)(?:"
        + any_of(W["where_to"])
        + r")\s+(?:\w+\s+)?(?:"
        + any_of(W[places])
        + ")"
        + then
    )


# "в Литву вывезли" (but "с границы вернули" is from the border: a transfer back)
ABROAD_BEFORE = where_to_before("not_a_transfer_to", r"\w*\s+(?:\w+\s+)?$")
HOSPITAL = rule_pattern("hospital")

# "do szpitala go przewieziono"
HOSPITAL_BEFORE = where_to_before("hospital", r"\w*\s+(?:[\w'-]+\s+){0,2}$")
WORD_BEFORE = re.compile(r"[\w'-]+\s+$")
PRISON_HOSPITAL = rule_pattern("prison_hospital")
NUMBERED = re.compile(r"(?:№|\bno\.?|\bnr\.?|\bnumber)\s*\d", re.I)
FROM = rule_pattern("from_a_place", r"\s")
FROM_A_PLACE = rule_pattern(
    "from_a_place", r"\s+(?:\w+\s+){0,2}?(?:" + any_of(W["prison_hospital"]) + ")"
)
HOSPITAL_WHITHER = re.compile(
    r"(?:"
    + any_of(W["hospital"])
    + r")\w*,?\s+(?:[\w'.-]+,?\s+){0,4}?(?:"
    + any_of(W["whither"])
    + r")\s+(?:[\w'-]+\s+){0,3}$"
)
COURT_OR_BORDER = rule_pattern("court_or_border")

# "soon to be moved": not a transfer yet
FUTURE_BEFORE = re.compile(r"(?:" + any_of(W["soon"]) + r")\s+(?:\w+\s+)?$")

# "ŠIZA", "ŠIZO" fold to "siza", "sizo" like SIZA, SIZO (the remand prison, in Łacinka and
# English): check the unfolded text
SIZA = re.compile(r"(?<![\w])(?:šiza|šyza|šizo|šyzo|шіза|шiза|шиза|шізо|шизо)", re.I)


def not_a_transfer(text: str, start: int, end: int) -> bool:
    """A transport to the border or abroad (an expulsion), or to a hospital or a medical unit
    (health news), said after the cue in its clause (or right before it with a where-to
    preposition, or as the hospital "where" it went: "в больнице, куда его перевели"). A move to
    another unit of the same prison ("в другой отряд") is no transfer either; one to a prison
    hospital that is another institution (its number, or where from) is."""
    lo, stop = clause_around(text, start, end, 40)
    if NOT_A_TRANSFER_TO.search(text, end, stop):
        return True
    if ABROAD_BEFORE.search(text, max(lo, start - 40), start):
        return True  # the verb last, as German puts it: "nach Litauen gebracht"
    hospital = (
        HOSPITAL_BEFORE.search(text, max(lo, start - 50), start)
        or HOSPITAL_WHITHER.search(text, max(0, start - 90), start)  # "w szpitalu, dokąd ..."
        or HOSPITAL.search(text, start, stop)  # in the cue too: "ins Gefängniskrankenhaus"
    )
    return hospital is not None and not another_institution(text, hospital, 0, stop)


def another_institution(text: str, hospital: re.Match[str], lo: int, stop: int) -> bool:
    """The hospital is the prison system's ("в тюремную больницу", "szpitala więziennego", "при
    колонии") and another institution than the one the prisoner left: numbered ("при колонии №
    12") or moved to from a named place ("z kolonii w Szkłowie do szpitala więziennego")."""
    phrase_end = CLAUSE_END.search(text, hospital.end()).start()
    origin = FROM.search(text, hospital.end(), phrase_end)  # "ў рэанімацыю з турмы": not its
    if origin is not None:
        phrase_end = origin.start()
    if not PRISON_HOSPITAL.search(text, hospital.start(), phrase_end):
        return False
    numbered = NUMBERED.search(text, hospital.end(), hospital.end() + 40)  # "No." ends no clause
    if numbered and not FROM.search(text, hospital.end(), numbered.start()):
        return True  # the hospital's own number, not that of the prison it came from
    return FROM_A_PLACE.search(text, lo, stop) is not None


def cell_starts(text: str, scripts: tuple[str, ...], sentence: str) -> list[int]:
    """Where punishment-cell words start; folded Łacinka "siza" is ŠIZA only when the sentence
    writes the Š (else it is SIZA, the remand prison: "z kałonii ŭ babrujski SIZA")."""
    cells = [m.start() for s in scripts if s in CELL for m in CELL[s].finditer(text)]
    if cells and not SIZA.search(sentence):
        cells = [c for c in cells if not text.startswith(FOLDED_SIZA, c)]
    return cells


FOLDED_SIZA = ("siza", "sizo", "syza", "syzo")
FOLDED_SIZA_WORD = re.compile(r"(?<!\w)s[iy]z[ao]\b")
