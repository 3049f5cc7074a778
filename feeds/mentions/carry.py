"""Whose news a sentence is: the rules that carry a sentence's events to a person named before
it, or keep them from that person.

The one or two sentences after a person's mention that name nobody else carry their events to
that person ("... was sentenced to 13 years. The closed trial lasted two days."), unless they
speak of someone else (a relative, "16 people", "another prisoner", the other gender's pronoun),
go on about a grave event the person's own sentence dates back, or a contrast parts the
sentence ("X was freed, but Y stays in the colony"). A person is freed once; the charges of a
case tried now are its backstory. The words are ``lexicon/rules.toml``'s.
"""

from __future__ import annotations

import re

from feeds.mentions import lexicon, modality, namesakes
from feeds.mentions.cues import RELATIVE_WORDS, contrast_part
from feeds.mentions.event_words import rule_pattern
from feeds.mentions.events import QUESTION, dated_events, sentence_events, timed_events
from feeds.mentions.models import FREEING, GRAVE, EventType
from feeds.mentions.scripts import alternatives, fold, scripts_of
from feeds.mentions.text import Sentences
from feeds.mentions.timing import NOW, REMEMBERING
from feeds.registry.models import Gender

FREED_NOW = frozenset({EventType.RELEASED, EventType.RELEASED_EXPELLED})


# The events a story leads with that make a later "was sentenced to ten years" its backstory: news
# leads with what is new (a release, a death, a transfer, a punishment cell, an appeal decided)
# and recalls the case after it. A story that leads with an arrest, a charge or a trial is the
# case itself, and its later sentencing is news.
CASE = frozenset({EventType.ARREST, EventType.CHARGED, EventType.TRIAL, EventType.SENTENCED})


LEAD_NEWS = frozenset(EventType) - CASE - {EventType.OTHER}


# what a story recalls about a person's case: the sentence, the charges, the arrest
RECALLED = frozenset({EventType.SENTENCED})


def drop_recalled(raw: list, origins: list[dict[EventType, int]]) -> None:
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
            here = any(i == lead and e in LEAD_NEWS for e, i in origins[k].items())
            news_at[target] = news_at.get(target, False) or here
    if not any(news_at.values()):
        return
    first = min(lead for t, lead in leads.items() if news_at[t])
    for k, (_s, _e, target, _o, _p) in enumerate(raw):
        if target in leads and not news_at[target]:
            continue
        lead = leads.get(target, first)
        for e in RECALLED & origins[k].keys():
            if origins[k][e] > lead:
                del origins[k][e]


PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*\n")


def same_paragraph(sentences: Sentences, first: int, last: int) -> bool:
    """No blank line (the paragraph break of ``html_to_text`` and of a title) between the end of
    sentence ``first`` and the start of sentence ``last``."""
    return not PARAGRAPH_BREAK.search(
        sentences.text, sentences.bounds[first][1], sentences.bounds[last][0]
    )


def one_freeing(raw: list, sentences: Sentences, mention_events: list[set[EventType]]) -> None:
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


def grave_not_carried(
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
    years ago X died in the colony. ... the truth about his death"), or what the person's own
    sentence remembers ("X still remembers the moment the bus stopped at the border. 'A guard
    said: out, you are free'")."""
    grave = GRAVE.intersection(evs)
    if not grave:
        return False
    their_pardon = grave <= {EventType.PARDONED} and bool(FREED_NOW & told.keys())
    return (
        (someone_else(sentence, gender) and not their_pardon)
        or bool(grave & dated_events(own))
        or bool(grave & family(timed_events(own)))
        or REMEMBERING.search(fold(own)) is not None
    )


def family(events: frozenset[EventType]) -> frozenset[EventType]:
    """The grave events told of one freeing: a release dated back makes the expulsion or pardon
    a later sentence tells its part too ("den im Juni freigelassenen Hanada ... Hanada lebt
    inzwischen in Polen")."""
    return events | FREEING if events & FREEING else events


def headline(sentences: Sentences, index: int) -> bool:
    """Sentence ``index`` is a title: a paragraph of its own at the top, without a full stop
    ("Alaksandr Mancevič na voli"). When it tells news, the lead after it is that news told in
    full ("Maładziečanskaha redaktara ... vyzvalili i vyvieźli ŭ Litvu")."""
    return (
        index == 0
        and not same_paragraph(sentences, index, index + 1)
        and not sentences.get(index).rstrip().endswith(".")
    )


def taken_back(sentences: Sentences, index: int, person_sents: dict[int, list[int]]) -> bool:
    """A report the next sentence denies: "Channels wrote that X had been freed. The team says
    this is not true." The denial names nobody and reports no grave event of its own (else it
    is about something else: "Y's release was denied")."""
    after = index + 1
    if after >= len(sentences) or after in person_sents:
        return False
    if not same_paragraph(sentences, index, after):
        return False
    sentence = sentences.get(after)
    return modality.refutes(fold(sentence)) and not GRAVE.intersection(sentence_events(sentence))


def refers_back(sentence: str) -> bool:
    """A pronoun among the sentence's first twelve words ("He was moved to ...")."""
    tokens = fold(sentence).split()
    return any(t.strip('.,;:!?«»"()') in lexicon.PRONOUNS for t in tokens[:12])


def own_part(
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


# a relative, a cellmate: someone else (the list events.py reads before a release cue too), or a
# parent or the teller of the story as a whole word
OTHERS = re.compile(
    r"(?<!\w)(?:"
    + "|".join(lexicon.RULE_WORDS["relatives"])
    + r"|(?:"
    + "|".join(
        lexicon.RULE_WORDS["parents"]
        + lexicon.RULE_WORDS["tellers"]
        + lexicon.RULE_WORDS["the_rest"]
    )
    + r")(?!\w))"
)


HE = frozenset(lexicon.RULE_WORDS["pronouns_he"])


SHE = frozenset(lexicon.RULE_WORDS["pronouns_she"])


NUMBER = r"(?:\d+|" + "|".join(map(re.escape, namesakes.NUMBER_WORDS)) + ")"


OWN_SUBJECT = re.compile(
    rf"(?<!\w)(?:{NUMBER}\s+(?:\w+\s+)?(?:{alternatives(lexicon.RULE_WORDS['people_nouns'])})"
    rf"|(?:{alternatives(lexicon.RULE_WORDS['another'])})\s)"
)


RELATIVE_OF = frozenset(lexicon.RULE_WORDS["relative_of"])


# "людзі, якія ...", "byłyja viaźni Babrujskaj kałonii № 2, jakija niadaŭna vyjšli na volu"
GROUP_DESCRIBED = re.compile(
    rf"(?<!\w)(?:{alternatives(lexicon.RULE_WORDS['group_nouns'] + lexicon.RULE_WORDS['people_nouns'])})"
    r"(?:,?\s+|(?:\s+[^\s,;:.!?]+){1,4},\s+)"
    rf"(?:{RELATIVE_WORDS}|{alternatives(lexicon.RULE_WORDS['group_relatives'])})(?!\w)"
)


ONE_OF = re.compile(r"(?<!\w)(?:" + alternatives(lexicon.RULE_WORDS["one_of"]) + r")(?!\w)")


def relative_of_named(sentence: str) -> bool:
    """The sentence opens with a word and a capitalised name, "of" between them or not: "Мужа
    Светланы Тихановской ...", "Sohn von Viktar ..."."""
    words = [w.strip('.,;:!?«»"()—–-') for w in sentence.split()[:3]]
    if len(words) > 2 and words[1] in RELATIVE_OF:
        del words[1]
    return len(words) > 1 and words[1][:1].isupper()


# the opener, a locative preposition and a capitalised place, at the sentence's start
ELSEWHERE = re.compile(
    r"\W*(?:"
    + "|".join(lexicon.RULE_WORDS["elsewhere_openers"])
    + r")\s+(?:ў|у|в|во|in|im|w|we)\s+[A-ZА-ЯЁІЎЄŁŚŻ]",
    re.IGNORECASE,
)


def someone_else(sentence: str, gender: Gender | None) -> bool:
    """Whether a sentence after a person's own speaks of someone else: a count of people ("16
    people were pardoned"), "another" prisoner, a group a relative clause describes ("людзі, якія
    нядаўна вызваліліся"), a relative or cellmate ("her husband was freed
    in the summer"), or, for a person whose gender the registry gives,
    pronouns of the other gender only ("She was released" after "Ihar Losik's wife ..."); never
    when a pronoun of theirs is there ("Его и ещё 13 заключённых вывезли")."""
    if ELSEWHERE.match(sentence):
        return True  # "А ў Рэчыцы на волю выйшла пенсіянерка": a round-up's next town
    folded = fold(sentence)
    mine, other = {Gender.MALE: (HE, SHE), Gender.FEMALE: (SHE, HE)}.get(gender, ((), ()))  # type: ignore[arg-type]
    tokens = {t.strip('.,;:!?«»"()') for t in folded.split()[:12]}
    if OTHERS.search(" ".join(folded.split()[:3])) and not relative_of_named(sentence):
        # "Её мужа освободили", "His wife was freed": a relative opens the sentence; their release,
        # the person's pronoun notwithstanding ("Мужа Светланы Тихановской освободили" names
        # whose husband: the person the story is about, told by his wife's name)
        return True
    if tokens & set(mine) or ONE_OF.search(folded):
        return False  # "Его и ещё 13 заключённых вывезли", "one of the 14 freed": among them
    return (
        bool(OWN_SUBJECT.search(folded))
        or GROUP_DESCRIBED.search(folded) is not None
        or bool(tokens & set(other))
    )


EXPELLED_TO = rule_pattern("expelled_to")


def expelled(
    raw: list,
    sentences: Sentences,
    person_sents: dict[int, list[int]],
    mention_events: list[set[EventType]],
) -> None:
    """A person freed in this story whose release sentence, or one of the one or two after it
    that name nobody else (in its paragraph), has them abroad, was freed and expelled: the press
    tells an expulsion by where the freed arrive as often as by the word ("Uwolniony opozycjonista
    przyjechał w sobotę do Wilna", "ist nun in Litauen"). A place said as a plan, hope or
    question is no arrival (``modality.unreal``)."""
    for k, evs in enumerate(mention_events):
        if EventType.RELEASED not in evs or EventType.RELEASED_EXPELLED in evs or not raw[k][4]:
            continue
        index = sentences.index(raw[k][0])
        window = [index]
        for after in (index + 1, index + 2):
            if (
                after >= len(sentences)
                or after in person_sents
                or not same_paragraph(sentences, index, after)
            ):
                break
            window.append(after)
        if any(_abroad(sentences.get(i)) for i in window):
            evs.discard(EventType.RELEASED)
            evs.add(EventType.RELEASED_EXPELLED)


def _abroad(sentence: str) -> bool:
    folded = fold(sentence)
    scripts = scripts_of(folded)
    asked = QUESTION.search(sentence) is not None
    return any(
        not modality.unreal(
            folded, m.start(), m.end(), EventType.RELEASED_EXPELLED.value, asked, scripts
        )
        for m in EXPELLED_TO.finditer(folded)
    )
