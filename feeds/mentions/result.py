"""The scan's result: mentions with their offsets and events, the prisoners, facilities and
ambiguous groups, who was where, and the summary.

Events are read per sentence (``events.sentence_events``) around the mentions, then carried by the
rules that stay code: "among them" takes the sentence before; the one or two sentences after a
person that name nobody else carry their events to that person (within a paragraph, or across one
with a pronoun); with no person named, events at a facility happened to nobody the item is about.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from feeds.mentions import lexicon, modality, namesakes
from feeds.mentions.cues import AMONG, NOT_AMONG, contrast_part, says
from feeds.mentions.events import dated_events, sentence_events, timed_events
from feeds.mentions.models import FREEING, GRAVE, EventType, Mention, ScanResult
from feeds.mentions.namesakes import tell_apart
from feeds.mentions.scripts import alternatives, fold
from feeds.mentions.text import Sentences, summarize
from feeds.mentions.timing import NOW
from feeds.registry.models import Gender

if TYPE_CHECKING:
    from feeds.mentions.engine import Engine

MAX_MENTIONS_PER_TARGET = 50
_FREED_NOW = frozenset({EventType.RELEASED, EventType.RELEASED_EXPELLED})
_EVENT_ORDER = tuple(EventType)  # iterating the enum itself builds its member list every time


def build_result(
    engine: Engine, doc, spans, sentences, sent_of, people, ambiguous, places
) -> ScanResult:
    """The ``ScanResult`` of resolved people, ambiguous groups and places (token spans)."""
    if ambiguous:
        people, ambiguous = _told_apart(engine, sentences, sent_of, people, ambiguous, places)
    people = [
        (first, last, group)
        for first, last, group in people
        if not namesakes.too_old_or_young(
            engine.people[group[0]].target, doc, spans[first][0], spans[last][1]
        )
    ]
    raw: list[tuple[int, int, str, tuple[str, ...], bool]] = []  # start, end, id, others, person
    for first, last, group in people:
        raw.append((spans[first][0], spans[last][1], engine.people[group[0]].target.id, (), True))
    for first, last, group in ambiguous:
        ids = [engine.people[g].target.id for g in group]
        raw.append((spans[first][0], spans[last][1], ids[0], tuple(ids[1:]), True))
    for first, last, place in places:
        raw.append((spans[first][0], spans[last][1], engine.places[place].target.id, (), False))
    raw = [(s, e - 2 if doc[e - 2 : e] in ("'s", "’s") else e, t, o, p) for s, e, t, o, p in raw]
    raw.sort()
    raw = _capped(raw)
    person_sents: dict[int, list[int]] = {}
    for k, (start, _e, _t, _o, is_person) in enumerate(raw):
        if is_person:
            person_sents.setdefault(sentences.index(start), []).append(k)
    # per mention: each event and the first sentence it came from (own, "among them" or carried)
    origins: list[dict[EventType, int]] = [{} for _ in raw]
    sent_cache: dict[int, tuple[EventType, ...]] = {}

    def events_of(index: int) -> tuple[EventType, ...]:
        if index not in sent_cache:
            evs = sentence_events(sentences.get(index))
            if GRAVE.intersection(evs) and _taken_back(sentences, index, person_sents):
                evs = tuple(e for e in evs if e not in GRAVE)
            sent_cache[index] = evs
        return sent_cache[index]

    def credit(k: int, evs: tuple[EventType, ...], index: int) -> None:
        for e in evs:
            origins[k][e] = min(origins[k].get(e, index), index)

    # per mention: the first sentence told of it that dates a pardon back ("Lukashenka had
    # pardoned them before"), which is the story's release's own pardon if it has one
    pardoned_before: list[int | None] = [None for _ in raw]

    def look_back(k: int, index: int) -> None:
        if pardoned_before[k] is None and EventType.PARDONED in dated_events(sentences.get(index)):
            pardoned_before[k] = index

    for k, (start, _e, target, _o, _p) in enumerate(raw):
        index = sentences.index(start)
        others = [raw[j][0] for j in person_sents.get(index, ()) if raw[j][2] != target]
        credit(k, _own_part(sentences, index, start, events_of(index), others), index)
        look_back(k, index)
    # "Łukašenka pamiłavaŭ 123 palitviaźniaŭ. Aleś Bialacki ŭžo ŭ Vilni, a ...": a pardon the
    # sentence before tells of nobody named is the pardon of the people freed in this one
    for index, ks in person_sents.items():
        before = index - 1
        if (
            before >= 0
            and before not in person_sents
            and _same_paragraph(sentences, before, index)
            and EventType.PARDONED in events_of(before)
        ):
            for k in ks:
                if _FREED_NOW & origins[k].keys():
                    credit(k, (EventType.PARDONED,), index)
    # "52 prisoners were pardoned. Most were taken to Lithuania. Among them were X and Y.": the
    # names take the events of the sentences before (up to three, in the same paragraph) that
    # name nobody
    for index, ks in person_sents.items():
        if not says(sentences, AMONG, index) or says(sentences, NOT_AMONG, index):
            continue  # "X was not among them": the group's news is not theirs
        before = index - 1
        while (
            before >= 0
            and index - before <= 3
            and before not in person_sents
            and _same_paragraph(sentences, before, index)
        ):
            for k in ks:
                credit(k, events_of(before), index)
            before -= 1
    own_events = [set(o) for o in origins]
    # The one or two sentences after a person's mention that name nobody else carry their
    # events to that person: "... was sentenced to 13 years. The closed trial lasted two days."
    # A sentence naming a person starts over; a paragraph break ends the carry unless the
    # sentence refers back with a pronoun ("He was moved to ...", as before) or is the lead
    # under a title that names the person.
    last_person: int | None = None
    for index in range(len(sentences)):
        if index in person_sents:
            last_person = index
            continue
        if last_person is None or index - last_person > 2:
            continue
        if not (
            _same_paragraph(sentences, last_person, index)
            or _refers_back(sentences.get(index))
            or (
                index == last_person + 1
                and _headline(sentences, last_person)
                and events_of(last_person)
            )
        ):
            continue
        evs = events_of(index)
        if evs:
            sentence, own = sentences.get(index), sentences.get(last_person)
            for k in person_sents[last_person]:
                gender = engine.genders.get(raw[k][2])
                if _grave_not_carried(evs, sentence, own, gender, origins[k]):
                    credit(k, tuple(e for e in evs if e not in GRAVE), index)
                else:
                    credit(k, evs, index)
        for k in person_sents[last_person]:
            look_back(k, index)
    for k, index in enumerate(pardoned_before):
        if index is not None and _FREED_NOW & origins[k].keys():
            credit(k, (EventType.PARDONED,), index)
    _drop_recalled(raw, origins)
    mention_events = [set(o) for o in origins]
    _one_freeing(raw, sentences, mention_events)
    if not person_sents:
        # no prisoner named: what happens at a facility ("students detained at Akrestsina")
        # happened to nobody the item is about
        for evs in mention_events:
            evs.clear()
    for evs in mention_events:
        if EventType.SENTENCED in evs or EventType.TRIAL in evs:
            # the charges of the case a person is tried or sentenced in are its backstory
            evs.discard(EventType.CHARGED)
        if EventType.SENTENCED in evs or EventType.TRIAL in evs:
            # "a year added under art. 411", "the trial under 411 began": the case the court
            # hears was opened before; its trial or verdict is the news
            evs.discard(EventType.NEW_CASE)
        if EventType.APPEAL in evs:
            # "the appeal was heard at a closed hearing": the hearing is the appeal's; "upheld
            # the eight-year sentence": the sentence is what the appeal was about
            evs.discard(EventType.TRIAL)
            evs.discard(EventType.SENTENCED)
        if EventType.PARDONED in evs and EventType.RELEASED_EXPELLED not in evs:
            evs.add(EventType.RELEASED)  # a pardon here frees the prisoner
        if _FREED_NOW & evs:
            # "freed after months without letters": being cut off ended with the release
            evs.discard(EventType.INCOMMUNICADO)
        if len(evs) > 1:
            evs.discard(EventType.OTHER)  # "other" is for news that is none of the named
    if any(EventType.RELEASED_EXPELLED in evs for evs in mention_events):
        # "freed ... and taken to Lithuania" across sentences: one released_expelled event
        for evs in mention_events:
            evs.discard(EventType.RELEASED)
    mentions: list[Mention] = []
    all_events: set[EventType] = set()
    scores: dict[int, float] = {}
    for k, (start, end, target, others, is_person) in enumerate(raw):
        evs = tuple(e for e in _EVENT_ORDER if e in mention_events[k])
        carried = tuple(e for e in evs if e not in own_events[k])
        all_events.update(evs)
        index = sentences.index(start)
        mentions.append(
            Mention(
                target=target,
                start=start,
                end=end,
                text=doc[start:end],
                events=evs,
                sentence=sentences.get(index),
                ambiguous_with=others,
                carried=carried,
            )
        )
        scores[index] = (
            scores.get(index, 0.0)
            + (2.0 if is_person else 1.0)
            + len(events_of(index))
            - index * 0.01
        )
    prisoners = tuple(dict.fromkeys(m.target for m in mentions if _is_person(m, engine)))
    groups = tuple(
        dict.fromkeys(
            group
            for m in mentions
            if m.ambiguous_with
            for group in [tuple(sorted((m.target, *m.ambiguous_with)))]
            if not set(group) & set(prisoners)
        )
    )
    facilities = tuple(
        dict.fromkeys(m.target for m in mentions if m.target not in engine.person_ids)
    )
    places_in: dict[int, dict[str, None]] = {}
    for m in mentions:
        if m.target in facilities:
            places_in.setdefault(sentences.index(m.start), {})[m.target] = None
    located: dict[str, dict[str, None]] = {}
    for m in mentions:
        here = places_in.get(sentences.index(m.start))
        if here and m.target in prisoners:
            located.setdefault(m.target, {}).update(here)
    locations = {k: tuple(v) for k, v in located.items()}
    summary, summary_spans = summarize(sentences, scores, [(m.start, m.end) for m in mentions])
    return ScanResult(
        prisoners=prisoners,
        facilities=facilities,
        ambiguous=groups,
        events=tuple(e for e in _EVENT_ORDER if e in all_events),
        mentions=tuple(mentions),
        summary=summary,
        summary_spans=summary_spans,
        locations=locations,
    )


def _told_apart(engine: Engine, sentences, sent_of, people, ambiguous, places):
    """Ambiguous groups narrowed by what the story says (``namesakes.tell_apart``): a group left
    with one person becomes that person's mention. A story means one person by one name: a
    group still open ("Францкевича А.") takes the person another of its mentions was told apart
    as ("32-летний Францкевич ... к 17 годам"), or the one the clues of all its mentions'
    sentences together leave, with the one or two sentences after each that name nobody (they
    go on about the person: "Сергей Красовский — о пятнадцати месяцах за решёткой. 7 января он
    вышел, отбыв полтора года"); never clues about other people elsewhere in the story."""
    targets = engine.person_targets
    story = {engine.places[place].target.id for _f, _l, place in places}
    by_sentence: dict[int, set[str]] = {}
    for first, _last, place in places:
        by_sentence.setdefault(sent_of[first], set()).add(engine.places[place].target.id)
    people, told, still = list(people), [], []
    said: dict[frozenset, set[int]] = {}  # a name's group -> the sentences it is mentioned in
    for first, last, group in ambiguous:
        index = sent_of[first]
        said.setdefault(frozenset(group), set()).add(index)
        left = tell_apart(group, targets, sentences.get(index), by_sentence.get(index, ()), story)
        (told if len(left) == 1 else still).append((first, last, group, left))
    known = {left[0] for _f, _l, _g, left in told}
    named_in = {sent_of[first] for first, _l, _g in (*people, *ambiguous)}
    people += [(first, last, left) for first, last, _g, left in told]
    unresolved = []
    for first, last, group, left in still:
        named = tuple(i for i in left if i in known)
        if len(named) != 1:
            where = sorted(_and_after(said[frozenset(group)], named_in, len(sentences)))
            text = " ".join(sentences.get(i) for i in where)
            here = {p for i in where for p in by_sentence.get(i, ())}
            named = tell_apart(left, targets, text, here, story)
        (people if len(named) == 1 else unresolved).append((first, last, named))
    return people, unresolved


def _and_after(where: set[int], named_in: set[int], count: int) -> set[int]:
    """The sentences ``where`` and the (up to two) after each that name nobody."""
    out = set(where)
    for index in where:
        for after in (index + 1, index + 2):
            if after >= count or after in named_in:
                break
            out.add(after)
    return out


# The events a story leads with that make a later "was sentenced to ten years" its backstory: news
# leads with what is new (a release, a death, a transfer, a punishment cell, an appeal decided)
# and recalls the case after it. A story that leads with an arrest, a charge or a trial is the
# case itself, and its later sentencing is news.
_CASE = frozenset({EventType.ARREST, EventType.CHARGED, EventType.TRIAL, EventType.SENTENCED})
_LEAD_NEWS = frozenset(EventType) - _CASE - {EventType.OTHER}
# what a story recalls about a person's case: the sentence, the charges, the arrest
_RECALLED = frozenset({EventType.SENTENCED})


def _drop_recalled(raw: list, origins: list[dict[EventType, int]]) -> None:
    """Drop what the story only recalls: per person, an arrest, charge or sentence first said in
    a sentence after the one the person's news leads with, when that lead is news of another kind
    ("X was freed today. ... He had been sentenced to ten years"). A place named without a person
    follows the earliest person's lead."""
    leads: dict[str, int] = {}
    for k, (_s, _e, target, _o, is_person) in enumerate(raw):
        if is_person and origins[k]:
            leads[target] = min(leads.get(target, 1 << 30), min(origins[k].values()))
    news_at: dict[str, bool] = {}
    for k, (_s, _e, target, _o, _p) in enumerate(raw):
        if target in leads:
            lead = leads[target]
            here = any(i == lead and e in _LEAD_NEWS for e, i in origins[k].items())
            news_at[target] = news_at.get(target, False) or here
    if not any(news_at.values()):
        return
    first = min(lead for t, lead in leads.items() if news_at[t])
    for k, (_s, _e, target, _o, _p) in enumerate(raw):
        if target in leads and not news_at[target]:
            continue
        lead = leads.get(target, first)
        for e in _RECALLED & origins[k].keys():
            if origins[k][e] > lead:
                del origins[k][e]


_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def _same_paragraph(sentences: Sentences, first: int, last: int) -> bool:
    """No blank line (the paragraph break of ``html_to_text`` and of a title) between the end of
    sentence ``first`` and the start of sentence ``last``."""
    return not _PARAGRAPH_BREAK.search(
        sentences.text, sentences.bounds[first][1], sentences.bounds[last][0]
    )


def _one_freeing(raw: list, sentences: Sentences, mention_events: list[set[EventType]]) -> None:
    """A person is freed once: when a sentence naming them dates their release, pardon or
    expulsion back ("Тихановский, которого в июне вывезли в Вильнюс, ..."), the freeing another
    sentence of the story tells of them is that one recalled ("«Мне просто сказали собрать
    вещи», — его освобождали"), unless that sentence says it is today's."""
    dated_back: set[str] = set()
    for start, _e, target, _o, is_person in raw:
        sentence = sentences.get(sentences.index(start))
        # dated by a time of its own, and no freeing of now beside it ("X was freed today;
        # his wife, who was freed last year, ...": the sentence's dates may be someone else's)
        if (
            is_person
            and FREEING & timed_events(sentence)
            and not FREEING & set(sentence_events(sentence))
        ):
            dated_back.add(target)
    if not dated_back:
        return
    for k, (start, _e, target, _o, _p) in enumerate(raw):
        if (
            target in dated_back
            and FREEING & mention_events[k]
            and not NOW.search(fold(sentences.get(sentences.index(start))))
        ):
            mention_events[k] -= FREEING


def _grave_not_carried(
    evs: tuple[EventType, ...],
    sentence: str,
    own: str,
    gender: Gender | None,
    told: dict[EventType, int],
) -> bool:
    """Whether the grave events of ``sentence``, after the person's ``own`` sentence, are not
    theirs: someone else's ("X stays in the colony. On Friday 16 people were pardoned"; but a
    group's pardon after the person's own release is theirs too: "to efekt ułaskawienia 123
    skazanych"), or the same past event the own sentence dates back, gone on about ("Five
    years ago X died in the colony. ... the truth about his death")."""
    grave = GRAVE.intersection(evs)
    if not grave:
        return False
    their_pardon = grave <= {EventType.PARDONED} and bool(_FREED_NOW & told.keys())
    return (
        (_someone_else(sentence, gender) and not their_pardon)
        or bool(grave & dated_events(own))
        or bool(grave & _family(timed_events(own)))
    )


def _family(events: frozenset[EventType]) -> frozenset[EventType]:
    """The grave events told of one freeing: a release dated back makes the expulsion or pardon
    a later sentence tells its part too ("den im Juni freigelassenen Hanada ... Hanada lebt
    inzwischen in Polen")."""
    return events | FREEING if events & FREEING else events


def _headline(sentences: Sentences, index: int) -> bool:
    """Sentence ``index`` is a title: a paragraph of its own at the top, without a full stop
    ("Alaksandr Mancevič na voli"). When it tells news, the lead after it is that news told in
    full ("Maładziečanskaha redaktara ... vyzvalili i vyvieźli ŭ Litvu")."""
    return (
        index == 0
        and not _same_paragraph(sentences, index, index + 1)
        and not sentences.get(index).rstrip().endswith(".")
    )


def _taken_back(sentences: Sentences, index: int, person_sents: dict[int, list[int]]) -> bool:
    """A report the next sentence denies: "Channels wrote that X had been freed. The team says
    this is not true." The denial names nobody and reports no grave event of its own (else it
    is about something else: "Y's release was denied")."""
    after = index + 1
    if after >= len(sentences) or after in person_sents:
        return False
    if not _same_paragraph(sentences, index, after):
        return False
    sentence = sentences.get(after)
    return modality.refutes(fold(sentence)) and not GRAVE.intersection(sentence_events(sentence))


def _refers_back(sentence: str) -> bool:
    """A pronoun among the sentence's first twelve words ("He was moved to ...")."""
    tokens = fold(sentence).split()
    return any(t.strip('.,;:!?«»"()') in lexicon.PRONOUNS for t in tokens[:12])


def _own_part(
    sentences: Sentences,
    index: int,
    offset: int,
    events: tuple[EventType, ...],
    others: list[int],
) -> tuple[EventType, ...]:
    """The events of sentence ``index`` for the mention at ``offset``: a release, pardon,
    expulsion or death only when its own part of the sentence says so, the parts cut at a
    contrast ("X was freed, but Y stays in the colony": Y is not freed; ``others``: where the
    sentence names other people)."""
    if not GRAVE.intersection(events):
        return events
    start, end = sentences.bounds[index]
    sentence = sentences.text[start:end]
    lo, hi = contrast_part(sentence.lower(), offset - start, [o - start for o in others])
    if (lo, hi) == (0, len(sentence)):
        return events
    here = sentence_events(sentence[lo:hi])
    return tuple(e for e in events if e not in GRAVE or e in here)


# a relative, a cellmate: someone else (the list events.py reads before a release cue too)
_OTHERS = re.compile(r"(?<!\w)(?:" + "|".join(lexicon.RULE_WORDS["relatives"]) + ")")
_HE = frozenset(lexicon.RULE_WORDS["pronouns_he"])
_SHE = frozenset(lexicon.RULE_WORDS["pronouns_she"])
_NUMBER = r"(?:\d+|" + "|".join(map(re.escape, namesakes.NUMBER_WORDS)) + ")"
_OWN_SUBJECT = re.compile(
    rf"(?<!\w)(?:{_NUMBER}\s+(?:\w+\s+)?(?:{alternatives(lexicon.RULE_WORDS['people_nouns'])})"
    rf"|(?:{alternatives(lexicon.RULE_WORDS['another'])})\s)"
)


_RELATIVE_OF = frozenset(lexicon.RULE_WORDS["relative_of"])
_ONE_OF = re.compile(r"(?<!\w)(?:" + alternatives(lexicon.RULE_WORDS["one_of"]) + r")(?!\w)")


def _relative_of_named(sentence: str) -> bool:
    """The sentence opens with a word and a capitalised name, "of" between them or not: "Мужа
    Светланы Тихановской ...", "Sohn von Viktar ..."."""
    words = [w.strip('.,;:!?«»"()—–-') for w in sentence.split()[:3]]
    if len(words) > 2 and words[1] in _RELATIVE_OF:
        del words[1]
    return len(words) > 1 and words[1][:1].isupper()


def _someone_else(sentence: str, gender: Gender | None) -> bool:
    """Whether a sentence after a person's own speaks of someone else: a count of people ("16
    people were pardoned"), "another" prisoner, a relative or cellmate ("her husband was freed
    in the summer"), or, for a person whose gender the registry gives,
    pronouns of the other gender only ("She was released" after "Ihar Losik's wife ..."); never
    when a pronoun of theirs is there ("Его и ещё 13 заключённых вывезли")."""
    folded = fold(sentence)
    mine, other = {Gender.MALE: (_HE, _SHE), Gender.FEMALE: (_SHE, _HE)}.get(gender, ((), ()))  # type: ignore[arg-type]
    tokens = {t.strip('.,;:!?«»"()') for t in folded.split()[:12]}
    if _OTHERS.search(" ".join(folded.split()[:3])) and not _relative_of_named(sentence):
        # "Её мужа освободили", "His wife was freed": a relative opens the sentence; their release,
        # the person's pronoun notwithstanding ("Мужа Светланы Тихановской освободили" names
        # whose husband: the person the story is about, told by his wife's name)
        return True
    if tokens & set(mine) or _ONE_OF.search(folded):
        return False  # "Его и ещё 13 заключённых вывезли", "one of the 14 freed": among them
    return bool(_OWN_SUBJECT.search(folded)) or bool(tokens & set(other))


def _capped(raw: list) -> list:
    """At most MAX_MENTIONS_PER_TARGET mentions of one target per document (the first ones): a
    page repeating a name ten thousand times says nothing more than fifty times."""
    seen: dict[str, int] = {}
    out = []
    for item in raw:
        count = seen.get(item[2], 0)
        if count < MAX_MENTIONS_PER_TARGET:
            seen[item[2]] = count + 1
            out.append(item)
    return out


def _is_person(mention: Mention, engine: Engine) -> bool:
    return mention.target in engine.person_ids and not mention.ambiguous_with
