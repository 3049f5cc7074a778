"""Facilities in a document: a kind word ("калонія", "SIZO", "Straflager") becomes a place with a
number ("ИК-9"), a town before or after it in any case ("Горецкая колония", "w kolonii karnej w
Witebsku"), a town adjective, or a strong qualifier ("women's"); a nickname needs prison context.
Compound kind phrases are one kind ("pre-trial detention center" is a SIZO); a number we do not
track, or one placed in Russia or another foreign town, names none of ours.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from feeds.mentions import lexicon
from feeds.mentions.compiled import KIND, MEMO_LIMIT, NICK, QUAL, TOWN, Hit, Place
from feeds.mentions.cues import RUSSIA, in_prison_context, says
from feeds.mentions.forms import matches, splits
from feeds.mentions.kind_words import compound_kinds, modifier_kind
from feeds.mentions.lexicon.common_words import is_common
from feeds.mentions.names import devowel
from feeds.mentions.scripts import fold
from feeds.registry.models import FacilityKind

_CLAUSE = re.compile(r"[,;:()\n.!?]")
_LOCATIVE_PREPOSITIONS = frozenset({"в", "у", "ў", "in", "w", "we", "im"})
_BEFORE_A_PLACE = _LOCATIVE_PREPOSITIONS | frozenset(
    [
        "во",
        "на",
        "из",
        "із",
        "з",
        "са",
        "со",
        "до",
        "от",
        "ад",
        "від",
        "к",
        "ко",
        "да",
        "into",
        "from",
        "to",
        "at",
        "of",
        "ze",
        "z",
        "do",
        "na",
        "aus",
        "nach",
        "zum",
        "zur",
        "ins",
        "vom",
    ]
)
_NAMING = re.compile("|".join(lexicon.RULE_WORDS["naming"]))
_QUOTES = frozenset("«\"'„“”‘’")
_BELARUS_PLACES = tuple(fold(p) for p in lexicon.BELARUS_PLACES)

# folded too: "kolonię karną nr 4" has the filler "karna" with its ogonek
_NUMBER_FILLERS = lexicon.NUMBER_FILLERS | frozenset(map(fold, lexicon.NUMBER_FILLERS))


class PlacesResolver:
    """The facility rules of ``Engine`` (a mixin over ``CompiledRegistry``'s data)."""

    places: list[Place]
    by_kind_number: dict[tuple[FacilityKind, int], tuple[int, ...]]
    by_kind_adjective: dict[tuple[FacilityKind, str], tuple[int, ...]]
    adjective_stems: frozenset[str]
    by_kind_strong: dict[tuple[FacilityKind, str], tuple[int, ...]]
    _first_lexicon: dict[str, frozenset[str]]
    _stem_memo: dict[str, frozenset[str]]  # see _stems (the engine owns the memo)

    def resolve_facilities(self, doc, toks, keys, spans, hits, sentences, sent_of):
        out: list[tuple[int, int, int]] = []  # (first tok, last tok, place)
        town_hits: list[Hit] = []
        quals: list[tuple[int, str]] = []
        kinds: list[tuple[int, int, FacilityKind]] = []
        for hit in hits:
            kind = hit.pattern.kind
            if kind == NICK:
                # Американка / Akrestsina Street / Віцьба the river: a nickname needs prison context
                if in_prison_context(
                    sentences, sent_of[hit.first], 0 if hit.pattern.risky else 1
                ) and self._nickname_placed(doc, toks, spans, hit.first):
                    out.append((hit.first, hit.last, hit.pattern.ref))
            elif kind == TOWN:
                town_hits.append(hit)
            elif kind == QUAL:
                quals.append((hit.first, hit.pattern.ref))
            elif kind == KIND:
                kinds.append((hit.first, hit.last, hit.pattern.ref))
        if not kinds:
            return self._dedupe(out)  # a town is only ever read next to a kind word
        towns: dict[int, _Towns] = {}  # sentence -> its town hits (first, last, place)
        starts = sorted(first for first, _last, _kind in kinds)
        for hit in town_hits:
            if not within_reach(starts, hit.first, hit.last):
                continue  # a town far from every kind word qualifies none ("В Гомеле прошло ...")
            sent = sent_of[hit.first]
            here = towns.get(sent)
            if here is None:
                here = towns[sent] = _Towns(self.places)
            here.hits.extend((hit.first, hit.last, place) for place in hit.pattern.ref)
        kinds = [self._modified(hit, toks) for hit in compound_kinds(sorted(kinds))]
        foreign: set[tuple[FacilityKind, int]] = set()  # numbers this document placed abroad
        used_until = -1
        for first, last, kind in kinds:
            if first <= used_until:
                continue
            sent = sent_of[first]
            number, num_tok = self._number_after(toks, keys, spans, doc, last)
            qual_here = (
                {q for qi, q in quals if abs(qi - first) <= 3 and sent_of[qi] == sent}
                if quals
                else set()
            )
            if number is None and not qual_here and self._bare(keys, towns.get(sent), first, last):
                continue  # no number, qualifier, town or town adjective near: it names no place
            near_towns = self._near_towns(
                doc, toks, keys, spans, towns.get(sent), kind, first, num_tok or last
            )
            if not near_towns and number is None:
                # "the Grodno remand prison" is Hrodna's prison, which holds its remand prisoners
                for other in lexicon.KIND_FAMILIES.get(kind, ()):
                    near_towns = self._near_towns(
                        doc, toks, keys, spans, towns.get(sent), other, first, last
                    )
                    if near_towns:
                        break
            cands: list[int] = []
            if number is not None and (kind, number) not in self.by_kind_number:
                family = self._same_number_elsewhere(
                    doc, toks, keys, spans, towns.get(sent), kind, number, first, num_tok
                )
                if family is not None:
                    # the number of a place of another name in the town named: that place, or
                    # (another town, or none) a place that is not ours
                    if len(family) != 1:
                        continue
                    near_towns, number, cands = [], None, family
                elif not near_towns or kind is FacilityKind.DETENTION_CENTRE:
                    # a number we do not track (or a date: "kałoniji 21 maja"): the town may still
                    # say, except for a detention centre, which has no number here
                    continue
                else:
                    number = None
            if number is not None:
                cands = list(self.by_kind_number.get((kind, number), ()))
                by_town = [c for c in cands if any(t[2] == c for t in near_towns)]
                if by_town:
                    cands = by_town
                elif (
                    (kind, number) in foreign
                    or any(
                        says(sentences, RUSSIA, i)
                        for i in range(max(0, sent - 1), min(len(sentences), sent + 2))
                    )
                    or self._foreign_place_after(doc, toks, keys, spans, num_tok, cands)
                ):
                    foreign.add((kind, number))  # "ИК-9" later in the story is the same one
                    continue
            elif not near_towns and cands:
                pass  # found by the same number under another name
            else:
                cands = sorted({t[2] for t in near_towns})
                if not cands:  # places of this kind named by a strong qualifier here
                    by_kind = self.by_kind_strong
                    cands = sorted({i for q in qual_here for i in by_kind.get((kind, q), ())})
            cands = self._by_qualifier(cands, qual_here) if cands else cands
            if len(cands) != 1:
                continue
            place = cands[0]
            end_tok = max(last, num_tok or last)
            start_tok = first
            for t in near_towns:
                if t[2] == place:
                    start_tok, end_tok = min(start_tok, t[0]), max(end_tok, t[1])
            used_until = end_tok
            out.append((start_tok, end_tok, place))
        return self._dedupe(out)

    def _bare(self, keys, towns: _Towns | None, first: int, last: int) -> bool:
        """A kind word with nothing near that could make it a place: no town of the sentence
        within the reach of ``_near_towns`` (three tokens before, five after), and no word
        before it that is a town adjective of any kind. Most kind words in a long text are
        such ("калонія", "установа" said in passing); this saves resolving each."""
        if towns is not None and towns.any_near(first, last):
            return False
        stems = self.adjective_stems
        return not any(self._stems(keys[pos]) & stems for pos in range(max(0, first - 3), first))

    @staticmethod
    def _nickname_placed(doc, toks, spans, first: int) -> bool:
        """A nickname that is also a frequent word ("Амерыканцы" is "in Amerikanka" and
        "Americans") counts only as a place: after a preposition, after a word that names it
        ("known as the Amerikanka", "zwanym Amerykanką") or in quotes."""
        if not is_common(toks[first]):
            return True
        if first > 0 and toks[first - 1].lower() in _BEFORE_A_PLACE:
            return True
        if any(_NAMING.fullmatch(fold(toks[i])) for i in range(max(0, first - 2), first)):
            return True
        return doc[max(0, spans[first][0] - 1) : spans[first][0]] in _QUOTES

    def _near_towns(self, doc, toks, keys, spans, towns, kind, first: int, last: int):
        """Town forms that qualify the kind word: right before it ("Горецкая колония", "the Horki
        colony", "шкловской исправительной колонии"), or after it and its number with only
        prepositions between ("колония №9 в Горках", "penal colony No. 9 in Horki")."""
        ends, starts = towns.of_kind(kind) if towns is not None else ({}, {})
        before: list[tuple[int, int, int]] = []
        pos = first - 1
        for _step in range(3):
            if pos < 0 or _CLAUSE.search(doc[spans[pos][1] : spans[pos + 1][0]]):
                break
            before = ends.get(pos, [])
            if before or not lexicon.is_town_filler(fold(toks[pos])):
                break
            pos -= 1
        if before:
            return before
        if pos >= 0 and pos < first and not toks[pos][:1].isdigit():
            # a town adjective the registry does not spell out: Горацкай / Гарадзенскай / Škłoŭskaj
            stems = self._stems(keys[pos])
            by_stem = self.by_kind_adjective
            places = sorted({i for stem in stems for i in by_stem.get((kind, stem), ())})
            if places:
                return [(pos, pos, i) for i in places]
        if not starts:  # nothing after the kind word can name a town of this kind
            return []
        pos = last + 1
        for _step in range(5):  # "kolonia karna dla kobiet w Homlu"
            if pos >= len(toks) or _CLAUSE.search(doc[spans[pos - 1][1] : spans[pos][0]]):
                break
            after = starts.get(pos)
            if after:
                return after
            if not lexicon.is_town_filler(fold(toks[pos])):
                break
            pos += 1
        return []

    @staticmethod
    def _modified(
        hit: tuple[int, int, FacilityKind], toks: list[str]
    ) -> tuple[int, int, FacilityKind]:
        """The kind an adjective next to the kind word makes of it ("więzienie śledcze" is a
        remand prison, "offene Besserungsanstalt" an open facility; the hit then spans it), else
        the hit as it is."""
        first, last, _kind = hit
        for pos in (first - 1, last + 1):
            if 0 <= pos < len(toks):
                made = modifier_kind(fold(toks[pos]))
                if made is not None:
                    return min(first, pos), max(last, pos), made
        return hit

    def _same_number_elsewhere(
        self, doc, toks, keys, spans, towns, kind, number: int, first: int, num_tok: int | None
    ) -> list[int] | None:
        """For a kind and number we do not track: the places that go by that number under a kind
        of the same family (``lexicon.KIND_FAMILIES``) in the town named next to it. None when no
        kind of the family has that number."""
        found: list[int] = []
        known = False
        for other in lexicon.KIND_FAMILIES.get(kind, ()):
            cands = self.by_kind_number.get((other, number))
            if not cands:
                continue
            known = True
            near = self._near_towns(doc, toks, keys, spans, towns, other, first, num_tok or first)
            found.extend(c for c in cands if any(t[2] == c for t in near))
        return sorted(set(found)) if known else None

    def _stems(self, key: str) -> frozenset[str]:
        """The vowel-less stems a key may split into (memoised: kind words recur in a document)."""
        stems = self._stem_memo.get(key)
        if stems is None:
            if len(self._stem_memo) > MEMO_LIMIT:
                self._stem_memo.clear()
            stems = self._stem_memo[key] = frozenset(devowel(s) for s, _e in splits(key))
        return stems

    def _foreign_place_after(self, doc, toks, keys, spans, last: int, cands) -> bool:
        """ "ИК-9 в Кемеровской области", "SIZO-1 in St Petersburg": a place right after the number
        that is none of ours (our towns matched already; Belarusian regions are fine)."""
        pos = last + 1
        for _step in range(2):
            if pos >= len(toks) or _CLAUSE.search(doc[spans[pos - 1][1] : spans[pos][0]]):
                return False
            tok = toks[pos]
            if tok.lower() in _LOCATIVE_PREPOSITIONS:
                pos += 1
                continue
            if not tok[:1].isupper() or fold(tok).startswith(_BELARUS_PLACES):
                return False
            if pos == last + 1 and matches(keys[pos], self._first_lexicon):
                return False  # "в ИК-15 Павел ..." names a person, not a town
            stems = self._stems(keys[pos])
            return not any(self.places[c].town_consonants & stems for c in cands)
        return False

    def _by_qualifier(self, cands: list[int], present: set[str]) -> list[int]:
        if len(cands) <= 1 and not any(self.places[c].qualifiers for c in cands):
            return cands
        exact = [c for c in cands if self.places[c].qualifiers & present]
        if exact:
            return exact
        return [c for c in cands if not self.places[c].qualifiers]

    def _number_after(self, toks, keys, spans, doc, last: int) -> tuple[int | None, int | None]:
        j = last + 1
        skipped = 0
        while j < len(toks) and skipped <= 2:
            gap = doc[spans[j - 1][1] : spans[j][0]]
            if len(gap) > 4 or "\n" in gap or any(c in gap for c in ",;:()"):
                return None, None
            tok = toks[j]
            if tok.isdigit():
                return (int(tok), j) if len(tok) <= 3 else (None, None)
            if tok.lower() in _NUMBER_FILLERS or fold(tok) in _NUMBER_FILLERS:  # "karną", "karna"
                skipped += 1
                j += 1
                continue
            return None, None
        return None, None

    @staticmethod
    def _dedupe(out: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
        out.sort()
        result: list[tuple[int, int, int]] = []
        for item in out:
            if result and item[0] <= result[-1][1] and item[2] == result[-1][2]:
                continue
            result.append(item)
        return result


# How far from a kind word a town may stand and still qualify it: three tokens before
# (``_near_towns``), and after it its number ("№ 9", "nr 4") and five tokens more
_TOWN_BEFORE, _TOWN_AFTER = 4, 16


def within_reach(kind_starts: list[int], first: int, last: int) -> bool:
    """Whether a town hit at tokens ``first``..``last`` is near enough to some kind word (whose
    first tokens are ``kind_starts``, sorted) to qualify it; a kind word spans a few tokens, so the
    reach after it counts from its start, generously."""
    at = bisect_left(kind_starts, first - _TOWN_AFTER)
    return at < len(kind_starts) and kind_starts[at] <= last + _TOWN_BEFORE


class _Towns:
    """The town hits (first token, last token, place) of one sentence, indexed per kind by the
    token they end and start at: a long sentence with many kind words looks each up at once."""

    def __init__(self, places) -> None:
        self.places = places
        self.hits: list[tuple[int, int, int]] = []
        self._by_kind: dict[FacilityKind, tuple[dict, dict]] = {}
        self._ends: list[int] | None = None  # sorted last tokens, then first tokens (any_near)
        self._starts: list[int] = []

    def any_near(self, first: int, last: int) -> bool:
        """A town hit ending in the three tokens before ``first`` or starting in the five after
        ``last`` (the reach of ``_near_towns``)."""
        if self._ends is None:
            self._ends = sorted(hit[1] for hit in self.hits)
            self._starts = sorted(hit[0] for hit in self.hits)
        ends, starts = self._ends, self._starts
        at = bisect_left(ends, first - 3)
        if at < len(ends) and ends[at] < first:
            return True
        at = bisect_left(starts, last + 1)
        return at < len(starts) and starts[at] <= last + 5

    def of_kind(self, kind: FacilityKind) -> tuple[dict, dict]:
        found = self._by_kind.get(kind)
        if found is None:
            ends: dict[int, list[tuple[int, int, int]]] = {}
            starts: dict[int, list[tuple[int, int, int]]] = {}
            for hit in self.hits:
                if self.places[hit[2]].target.kind == kind:
                    ends.setdefault(hit[1], []).append(hit)
                    starts.setdefault(hit[0], []).append(hit)
            found = self._by_kind[kind] = (ends, starts)
        return found
