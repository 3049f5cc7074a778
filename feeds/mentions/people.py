"""People in a document: a surname hit becomes a mention when the evidence holds.

A first name or initial right before it ("Алесь Бяляцкі", "А. Бяляцкі"), a patronymic between
("Алесь Віктаравіч Бяляцкі"), the given name or initials after it (court style: "Бяляцкі Алесь",
"Колесниковой М. А."), or, for a bare surname, prison context nearby and no rival first name. A
risky surname (a common word) needs a title or the document's prison context even with its first
name; a surname that alone names nobody (``needs_given``) needs its given name or an earlier full
mention. A surname with the other language's vowels counts only after the person's own first name
(``_fuzzy``).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from feeds.mentions import lexicon
from feeds.mentions.compiled import FUZZY, MEMO_LIMIT, SURNAME, Hit, Person
from feeds.mentions.cues import (
    ABROAD,
    BELARUS,
    BELARUS_TOWNS,
    EMIGRATED,
    EMIGRE_PLACES,
    FINED,
    NAMESAKE_HINTS,
    OFFICIAL,
    RUSSIA,
    RUSSIA_PLACES,
    TITLE,
    in_prison_context,
    ordinary_crime_only,
    says,
    speaks_of_freeing,
    speaks_of_prison,
)
from feeds.mentions.forms import matches, splits
from feeds.mentions.lexicon.foreign_towns import home_in, towns_in
from feeds.mentions.names import fuzzy_key
from feeds.mentions.namesakes import charged_so, held_now, named_in_latin_only
from feeds.mentions.scripts import PATRONYMIC, fold, skeleton
from feeds.mentions.text import Sentences

_AND = frozenset(lexicon.RULE_WORDS["and"])
_WORD = re.compile(r"[^\W\d_]+")

# A surname alone that fits more people than this is not told to anyone (two namesakes are told,
# each family marked "possibly about your person"; "Караткевіча" fits four records and, most
# often, the writer whose street it is)
MAX_BARE_GROUP = 2


class PeopleResolver:
    """The name rules of ``Engine`` (a mixin over ``CompiledRegistry``'s data)."""

    people: list[Person]
    needs_given: set[int]
    devowel_index: dict[str, set[int]]
    _first_lexicon: dict[str, frozenset[str]]
    _fuzzy_patterns: list
    _fuzzy_memo: dict[str, frozenset[int]]  # key -> people with its consonants (engine-owned)
    _fuzzy_first_memo: dict[tuple[str, str], frozenset[int]]  # (key, given name) -> people
    _fits: Callable[[str, dict[str, frozenset[str]]], bool]  # matches(), memoised (engine-owned)

    def _adjacent(self, doc, spans, i: int, j: int) -> bool:
        """Tokens i < j touch: only spaces (no punctuation, no line break) between."""
        gap = doc[spans[i][1] : spans[j][0]]
        return 0 < len(gap) <= 3 and gap.isspace() and "\n" not in gap

    def _initial(self, doc, toks, spans, i: int) -> str | None:
        tok = toks[i]
        if len(tok) <= 2 and tok[:1].isupper() and doc[spans[i][1] : spans[i][1] + 1] == ".":
            return skeleton(tok)
        return None

    def resolve_names(self, doc, toks, keys, spans, hits, sentences, sent_of):
        by_span: dict[tuple[int, int], set[int]] = {}
        safe_spans: set[tuple[int, int]] = set()  # matched by at least one non-risky spelling
        for hit in hits:
            if hit.pattern.kind in (SURNAME, FUZZY):
                by_span.setdefault((hit.first, hit.last), set()).add(hit.pattern.ref)
                if not hit.pattern.risky:
                    safe_spans.add((hit.first, hit.last))
        fuzzy_spans = {(h.first, h.last) for h in hits if h.pattern.kind == FUZZY}
        # tokens a listed surname takes; not a risky one ("Глеб" is Artsiom Hleb's surname, and
        # before "Тарасенков" it is a given name that is not Maryia Tarasenka's)
        surname_tokens = {
            i
            for h in hits
            if h.pattern.kind == SURNAME and not h.pattern.risky
            for i in range(h.first, h.last + 1)
        }
        # (first tok, last tok, people, risky)
        confirmed: list[tuple[int, int, tuple[int, ...], bool]] = []
        pending: list[tuple[int, int, frozenset[int], bool]] = []
        rivals: set[int] = set()
        n = len(toks)
        spans_sorted = sorted(by_span, key=lambda s: (s[0], -(s[1] - s[0])))
        covered_until = -1
        for first, last in spans_sorted:
            if first <= covered_until:
                continue  # a longer surname hit (Шарэнда-Панасюк) hides shorter ones inside it
            covered_until = last
            cands = by_span[(first, last)]
            risky = (first, last) not in safe_spans
            start_tok, end_tok = first, last
            chosen: set[int] = set()
            rejected = False
            # a first name (or initial) right before: "Алесь Бяляцкі", "А. Бяляцкі"
            p = first - 1
            if p >= 0:
                initial = self._initial(doc, toks, spans, p)
                if (
                    initial is not None
                    and p > 0
                    and doc[spans[p - 1][1] : spans[p][0]].strip() == "."
                    and self._initial(doc, toks, spans, p - 1) is not None
                ):
                    p -= 1  # "С. Н. Захаренко": the given name's initial is the first of two
                    initial = self._initial(doc, toks, spans, p)
                if (
                    initial is not None
                    and doc[spans[first - 1][1] : spans[first][0]].strip() == "."
                ):
                    chosen = {c for c in cands if self._initial_fits(c, initial)}
                    rejected = not chosen
                    if chosen:
                        start_tok = p
                elif self._adjacent(doc, spans, p, first) and toks[p][:1].isupper():
                    chosen = {c for c in cands if self._fits(keys[p], self.people[c].first)}
                    if chosen:
                        start_tok = p
                        # "Денис и Иван Воробей", "Andrei and Maryia Zhuk": the surname is the
                        # first given name's too
                        shared = self._sharing(doc, toks, keys, spans, p, cands)
                        if shared:
                            confirmed.append((p - 2, p - 2, tuple(sorted(shared)), risky))
                    elif (
                        p > 0
                        and PATRONYMIC.search(keys[p])
                        and self._adjacent(doc, spans, p - 1, p)
                        and toks[p - 1][:1].isupper()
                    ):
                        # "Алесь Віктаравіч Бяляцкі": the given name before the patronymic
                        chosen = {c for c in cands if self._fits(keys[p - 1], self.people[c].first)}
                        if chosen:
                            start_tok = p - 1
                    elif matches(keys[p], self._first_lexicon) and p not in surname_tokens:
                        rejected = True
            # surname first: "Бабарико Виктор", "Бяляцкі Алесь"
            q = last + 1
            if (
                not chosen
                and not rejected
                and q < n
                and self._adjacent(doc, spans, last, q)
                and toks[q][:1].isupper()
            ):
                chosen = {c for c in cands if self._fits(keys[q], self.people[c].first)}
                if chosen:
                    end_tok = q
                elif (
                    q + 1 < n
                    and PATRONYMIC.search(keys[q + 1])
                    and self._adjacent(doc, spans, q, q + 1)
                    and matches(keys[q], self._first_lexicon)
                ):
                    # court style with another given name and a patronymic: "Мороз Анну
                    # Викторовну" is nobody called Ivan Marozau
                    rejected = True
            # court style: "Колесниковой М. А.", "Знака М. В."
            if not chosen and not rejected and q < n:
                initial = self._initial(doc, toks, spans, q)
                if initial is not None and not doc[spans[last][1] : spans[q][0]].strip():
                    chosen = {c for c in cands if self._initial_fits(c, initial)}
                    if chosen:
                        end_tok = q
            if rejected:
                rivals |= cands
                continue
            if chosen:
                confirmed.append((start_tok, end_tok, tuple(sorted(chosen)), risky))
            elif (first, last) not in fuzzy_spans:
                pending.append((first, last, frozenset(cands), risky))
        # the judge, the prosecutor: "судья Ольга Дубовик" is the official, never the prisoner
        confirmed = [c for c in confirmed if not self._official(doc, spans, c[0])]
        pending = [c for c in pending if not self._official(doc, spans, c[0])]
        # a name that needs the story to speak of prison (its words, or a cue of any event, told
        # or only asked for): a surname that is a frequent word (Grandmaster Andrei Aleksandrov,
        # singer Katerina Andreyeva), a name set in Russia (the biologist Maria Kolesnikova of
        # Novosibirsk), and any name of a record the registry gives in Latin letters only (an
        # import of thousands, found in other scripts by forms the engine made): a teacher of the
        # year, a collective farm's chairman, a chief doctor who share it are namesakes
        in_russia = [c for c in confirmed if says(sentences, RUSSIA, sent_of[c[0]])]
        doubtful = [
            c
            for c in confirmed
            if c[3]
            or c in in_russia
            or all(named_in_latin_only(self.people[p].target) for p in c[2])
        ]
        if doubtful and not speaks_of_prison(sentences):
            confirmed = [c for c in confirmed if c not in doubtful]
        # ... and so is one whom the record holds in custody and the story sets abroad, moved
        # and living there, or fined as the penalty, freed by nobody ("Ганна Кавалёва пераехала
        # ў Вільню ... і выкладае", "суд оштрафовал Ольгу Ковалёву на 3200 рублей")
        hinted = {
            i
            for c in confirmed
            for i in (sent_of[c[0]], sent_of[c[0]] + 1)
            if i < len(sentences) and says(sentences, NAMESAKE_HINTS, i)
        }
        confirmed = [
            c
            for c in confirmed
            if sent_of[c[0]] not in hinted
            or not (
                self._emigrated(doc, spans, sentences, sent_of[c[0]], c)
                or says(sentences, FINED, sent_of[c[0]])
            )
            or not all(held_now(self.people[p].target) for p in c[2])
            or speaks_of_freeing(sentences)
        ]
        in_russia = [c for c in in_russia if c in confirmed]
        # ... and one charged with an ordinary crime in a story that never speaks of politics
        confirmed = [
            c
            for c in confirmed
            if not hinted & {sent_of[c[0]], sent_of[c[0]] + 1}
            or not ordinary_crime_only(sentences, sent_of[c[0]])
            or any(charged_so(self.people[p].target) for p in c[2])
        ]
        # ... and one set in a Russian city or region by a story that names no place in Belarus
        # at all is a namesake there, prison or not (a man of Voronezh sentenced to a colony there)
        placed = [c for c in in_russia if says(sentences, RUSSIA_PLACES, sent_of[c[0]])]
        if placed and not any(says(sentences, BELARUS, i) for i in range(len(sentences))):
            confirmed = [c for c in confirmed if c not in placed]
        # ... and so is one set in a town of Ukraine, Poland or Lithuania by a story that names no
        # town of Belarus ("засудженого в Харкові", "Sąd w Białymstoku skazał Białorusina ...")
        abroad = [c for c in confirmed if says(sentences, ABROAD, sent_of[c[0]])]
        if abroad and not any(says(sentences, BELARUS_TOWNS, i) for i in range(len(sentences))):
            confirmed = [c for c in confirmed if c not in abroad]
        # ... and one set in a town abroad that the gazetteer knows (Karaganda, Gelsenkirchen)
        # by a story that never speaks of Belarus at all
        confirmed = self._not_far_abroad(doc, spans, sentences, sent_of, confirmed)
        full: dict[int, list[int]] = {}
        for first, _last, people, _r in confirmed:
            if len(people) == 1:
                full.setdefault(people[0], []).append(first)
        out = [c[:3] for c in confirmed if len(c[2]) == 1]
        ambiguous = [c[:3] for c in confirmed if len(c[2]) > 1]
        for first, last, cands, risky in pending:
            known = [c for c in cands if c in full]
            cands = cands - self.needs_given
            if not cands and not known:
                continue
            if known:
                best = min(
                    known,
                    key=lambda c: min(
                        (first - f if f <= first else 10_000 + f - first) for f in full[c]
                    ),
                )
                out.append((first, last, (best,)))
                continue
            if cands <= rivals:
                continue
            if risky and not self._titled(doc, toks, spans, first):
                continue
            if not self._context(sentences, sent_of[first]):
                continue
            group = tuple(sorted(cands))
            if len(group) > MAX_BARE_GROUP:
                continue  # a bare surname shared by many records tells nobody's family anything
            (out if len(group) == 1 else ambiguous).append((first, last, group))
        return out, ambiguous

    def _sharing(self, doc, toks, keys, spans, given: int, cands) -> set[int]:
        """The people of ``cands`` named by a given name joined to ``given`` by "and" ("Денис и
        Иван Воробей"): ``given - 2`` capitalised, ``given - 1`` a conjunction."""
        before, conj = given - 2, given - 1
        if before < 0 or toks[conj].lower() not in _AND or not toks[before][:1].isupper():
            return set()
        if not (
            self._adjacent(doc, spans, before, conj) and self._adjacent(doc, spans, conj, given)
        ):
            return set()
        return {c for c in cands if self._fits(keys[before], self.people[c].first)}

    def _fuzzy(self, doc, toks, keys, spans, i: int, given: int, exact_patterns=()) -> list[Hit]:
        """A surname spelt with the other language's vowels beside the person's own given name
        ("Andrej Aleksandrau", "Maryja Kalesnikova", court style "Недбайло Павел"): the
        consonants of the surname must agree, the given name exactly. ``given`` is a first name
        of the lexicon (the caller read it so from the token's memoised info)."""
        if not self._adjacent(doc, spans, min(i, given), max(i, given)):
            return []
        people = self._fuzzy_people(keys[i])
        if not people:
            return []
        exact = {pattern.ref for pattern in exact_patterns}  # found by their own spelling
        firsts = [keys[given]]
        conj, before = given - 1, given - 2
        if (
            given == i - 1
            and before >= 0
            and toks[conj].lower() in _AND
            and toks[before][:1].isupper()
            and self._adjacent(doc, spans, before, conj)
            and self._adjacent(doc, spans, conj, given)
        ):
            firsts.append(keys[before])  # "Денис и Иван Воробей": Денис's surname too
        if any(matches(f, self.people[p].first) for p in exact for f in firsts):
            return []  # "Сергея Саковца" is Siarhei Sakavets by his own spelling, not Siarhei Skok
        named: set[int] = set()
        for first in firsts:
            named |= self._fuzzy_named(keys[i], first, people)
        return [Hit(self._fuzzy_patterns[p], i, i) for p in named - exact]

    def _fuzzy_people(self, key: str) -> frozenset[int]:
        """The people whose surname's consonants a token's key has; memoised per key: a long
        story names its people again and again."""
        people = self._fuzzy_memo.get(key)
        if people is None:
            found: set[int] = set()
            for stem, _ending in splits(key):
                found |= self.devowel_index.get(fuzzy_key(stem), set())
            if len(self._fuzzy_memo) > MEMO_LIMIT:
                self._fuzzy_memo.clear()
            people = self._fuzzy_memo[key] = frozenset(found)
        return people

    def _fuzzy_initials(
        self, doc, toks, keys, spans, i: int, at: int, exact_patterns=()
    ) -> list[Hit]:
        """A surname spelt the other language's way beside two initials, court style
        ("Захаренко С. Н.", "С. Н. Захаренко"): the consonants of the surname must agree, the
        first initial the person's given name. Two initials, not one: a lone capital and a stop
        end sentences too."""
        first, second = self._initial(doc, toks, spans, at), self._initial(doc, toks, spans, at + 1)
        if first is None or second is None:
            return []
        if at > i:  # "Захаренко С. Н.": only spaces between the surname and the initials
            touching = self._adjacent(doc, spans, i, at)
        else:  # "С. Н. Захаренко": the second initial's stop, then the surname
            touching = doc[spans[at + 1][1] : spans[i][0]].strip() == "."
        if not touching:
            return []
        people = self._fuzzy_people(keys[i])
        exact = {pattern.ref for pattern in exact_patterns}
        named = {p for p in people if self._initial_fits(p, first)}
        return [Hit(self._fuzzy_patterns[p], i, i) for p in named - exact]

    def _fuzzy_named(self, key: str, first: str, people: frozenset[int]) -> frozenset[int]:
        """Of the people whose surname ``key`` may spell, those whose given name ``first`` is;
        memoised, as the people are (the same name pair recurs through a story and a feed)."""
        memo_key = (key, first)
        named = self._fuzzy_first_memo.get(memo_key)
        if named is None:
            if len(self._fuzzy_first_memo) > MEMO_LIMIT:
                self._fuzzy_first_memo.clear()
            named = self._fuzzy_first_memo[memo_key] = frozenset(
                p for p in people if matches(first, self.people[p].first)
            )
        return named

    def _titled(self, doc, toks, spans, first: int) -> bool:
        """ "political prisoner Znak", "палітвязень Знак": a title right before the surname."""
        return bool(TITLE.search(fold(_before(doc, spans, first))))

    def _not_far_abroad(self, doc, spans, sentences: Sentences, sent_of, confirmed: list) -> list:
        """The confirmed names less those whose sentence names a town abroad (``foreign_towns``),
        when the story names neither Belarus nor a place in it (``context.toml``'s
        ``belarus_places``, the gazetteer's towns of Belarus). The names' own words are no
        towns ("Ales Pushkin" is not the town of Pushkin; "Иванова" is not Ivanava)."""
        seen = {sent_of[c[0]]: towns_in(sentences.get(sent_of[c[0]])) for c in confirmed}
        if not any(seen.values()):
            return confirmed  # most stories: no town abroad where the names are
        names = {word for c in confirmed for word in _name_words(doc, spans, c)}
        far = {i for i, towns in seen.items() if set(towns) - names}
        if not far or any(
            says(sentences, BELARUS, i) or home_in(sentences.get(i), names)
            for i in range(len(sentences))
        ):
            return confirmed
        return [c for c in confirmed if sent_of[c[0]] not in far]

    def _emigrated(self, doc, spans, sentences: Sentences, index: int, found) -> bool:
        """The name's sentence says someone moved or lives abroad: a verb of settling there and
        a place abroad (an émigrés' capital or country, ``abroad_places``, the gazetteer)."""
        if not says(sentences, EMIGRATED, index):
            return False
        name = _name_words(doc, spans, found)
        return (
            says(sentences, EMIGRE_PLACES, index)
            or says(sentences, ABROAD, index)
            or bool(towns_in(sentences.get(index), name))
        )

    def _official(self, doc, spans, first: int) -> bool:
        """ "судья Ольга Дубовик", "prosecutor Ivanou": a court or prosecution role right before
        the name."""
        return bool(OFFICIAL.search(_before(doc, spans, first).lower()))

    def _initial_fits(self, person: int, initial: str) -> bool:
        return any(k.startswith(initial) for k in self.people[person].first_keys)

    def _context(self, sentences: Sentences, index: int, reach: int = 1) -> bool:
        return in_prison_context(sentences, index, reach)


def _before(doc: str, spans, first: int) -> str:
    """The three tokens' text before a name, where a title or a role stands."""
    return doc[spans[max(0, first - 3)][0] : spans[first][0]]


def _name_words(doc: str, spans, found) -> list[str]:
    """The folded words of a name found (its first to its last token): never read as a town."""
    return _WORD.findall(fold(doc[spans[found[0]][0] : spans[found[1]][1]]))
