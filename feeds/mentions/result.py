"""The scan's result: mentions with their offsets and events, the prisoners, facilities and
ambiguous groups, who was where, and the summary.

Events are read per sentence (``events.sentence_events``) around the mentions, then carried by the
rules that stay code: "among them" takes the sentence before; the one or two sentences after a
person that name nobody else carry their events to that person (within a paragraph, or across one
with a pronoun); with no person named, events at a facility happened to nobody the item is about.
Whose news a carried sentence is, and what a story only recalls, are ``carry``'s rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from feeds.mentions import namesakes
from feeds.mentions.agreement import of_the_other_gender
from feeds.mentions.carry import (
    FREED_NOW,
    drop_recalled,
    expelled,
    grave_not_carried,
    headline,
    one_freeing,
    own_part,
    refers_back,
    same_paragraph,
    taken_back,
)
from feeds.mentions.cues import AMONG, NOT_AMONG, says
from feeds.mentions.events import dated_events, sentence_events
from feeds.mentions.models import GRAVE, EventType, Mention, ScanResult
from feeds.mentions.namesakes import HELD_EVENTS, tell_apart
from feeds.mentions.text import summarize

if TYPE_CHECKING:
    from feeds.mentions.engine import Engine


MAX_MENTIONS_PER_TARGET = 50
_EVENT_ORDER = tuple(EventType)  # iterating the enum itself builds its member list every time
_EVENT_RANK = {event: rank for rank, event in enumerate(_EVENT_ORDER)}


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
            if GRAVE.intersection(evs) and taken_back(sentences, index, person_sents):
                evs = _not_grave(evs)
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
        evs = own_part(sentences, index, start, events_of(index), others)
        gender = engine.genders.get(target)
        sentence = sentences.get(index)
        # "На волю выйшла Ірына Злобіна — нявеста Андрэя Аляксандрава": hers, not his
        credit(k, tuple(e for e in evs if not of_the_other_gender(sentence, e, gender)), index)
        look_back(k, index)
    # "Łukašenka pamiłavaŭ 123 palitviaźniaŭ. Aleś Bialacki ŭžo ŭ Vilni, a ...": a pardon the
    # sentence before tells of nobody named is the pardon of the people freed in this one
    for index, ks in person_sents.items():
        before = index - 1
        if (
            before >= 0
            and before not in person_sents
            and same_paragraph(sentences, before, index)
            and EventType.PARDONED in events_of(before)
        ):
            for k in ks:
                if FREED_NOW & origins[k].keys():
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
            and same_paragraph(sentences, before, index)
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
            same_paragraph(sentences, last_person, index)
            or refers_back(sentences.get(index))
            or (
                index == last_person + 1
                and headline(sentences, last_person)
                and events_of(last_person)
            )
        ):
            continue
        evs = events_of(index)
        if evs:
            sentence, own = sentences.get(index), sentences.get(last_person)
            for k in person_sents[last_person]:
                gender = engine.genders.get(raw[k][2])
                if grave_not_carried(evs, sentence, own, gender, origins[k]):
                    credit(k, _not_grave(evs), index)
                else:
                    credit(k, evs, index)
        for k in person_sents[last_person]:
            look_back(k, index)
    for k, index in enumerate(pardoned_before):
        if index is not None and FREED_NOW & origins[k].keys():
            credit(k, (EventType.PARDONED,), index)
    drop_recalled(raw, origins)
    mention_events = [set(o) for o in origins]
    one_freeing(raw, sentences, mention_events)
    expelled(raw, sentences, person_sents, mention_events)
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
        if FREED_NOW & evs:
            # "freed after months without letters": being cut off ended with the release
            evs.discard(EventType.INCOMMUNICADO)
        if len(evs) > 1:
            evs.discard(EventType.OTHER)  # "other" is for news that is none of the named
    if any(EventType.RELEASED_EXPELLED in evs for evs in mention_events):
        # "freed ... and taken to Lithuania" across sentences: one released_expelled event
        for evs in mention_events:
            evs.discard(EventType.RELEASED)
    mentions: list[Mention] = []
    # a release or a death told of a place is of someone the story does not name (a pensioner
    # who left the colony): the colony's news for its followers, not the story's, when it names
    # people; what else is told of the place (a transfer, a punishment cell) is theirs too
    all_events: set[EventType] = set()
    any_person = any(is_person for *_rest, is_person in raw)
    scores: dict[int, float] = {}
    for k, (start, end, target, others, is_person) in enumerate(raw):
        evs = tuple(sorted(mention_events[k], key=_EVENT_RANK.__getitem__))
        carried = tuple(e for e in evs if e not in own_events[k]) if evs else ()
        all_events.update(evs if is_person or not any_person else _not_grave(evs))
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
        sentence = sentences.get(index)
        left = tell_apart(
            group, targets, sentence, by_sentence.get(index, ()), story, _held_now(sentence)
        )
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
            held = any(_held_now(sentences.get(i)) for i in where)
            named = tell_apart(left, targets, text, here, story, held)
        (people if len(named) == 1 else unresolved).append((first, last, named))
    return people, unresolved


def _not_grave(evs: tuple[EventType, ...]) -> tuple[EventType, ...]:
    """The events but a release, a pardon or a death."""
    return tuple(e for e in evs if e not in GRAVE)


def _held_now(sentence: str) -> bool:
    """The sentence tells what happens to someone held now (``namesakes.HELD_EVENTS``)."""
    return not HELD_EVENTS.isdisjoint(sentence_events(sentence))


def _and_after(where: set[int], named_in: set[int], count: int) -> set[int]:
    """The sentences ``where`` and the (up to two) after each that name nobody."""
    out = set(where)
    for index in where:
        for after in (index + 1, index + 2):
            if after >= count or after in named_in:
                break
            out.add(after)
    return out


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
