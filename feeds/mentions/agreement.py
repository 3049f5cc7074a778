"""Whose freeing or death a sentence tells, by the verb's gender.

Belarusian, Russian, Ukrainian and Polish past tenses and participles agree with their subject:
"Ірына Злобіна выйшла на волю — нявеста Андрэя Аляксандрава" frees a woman, so not the man named
beside her; "Яго маці памерла" is no death of his. A freeing or death that the sentence tells only
in the other gender's form (and never in the person's own) is somebody else's. Only verbs whose
subject is the freed or the dead agree so (intransitive "выйшла", reflexive "вызвалілася",
passive "вызвалена"); an active "Лукашенко помиловал Колесникову" agrees with who pardoned, and
is not read. The words are ``lexicon/rules.toml``'s (folded), the rule is here.
"""

from __future__ import annotations

import re

from feeds.mentions.event_words import W, any_of
from feeds.mentions.models import EventType as E
from feeds.mentions.scripts import fold
from feeds.registry.models import Gender

_KINDS = {
    E.RELEASED: "freed",
    E.RELEASED_EXPELLED: "freed",
    E.PARDONED: "pardoned",
    E.DIED: "died",
}


# "Кто вышел на этой неделе: Полина ...": "who" takes the masculine whoever it is
_WHO = "".join(rf"(?<!{word}\s)" for word in W["who"])


def _words(kind: str, gender: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + _WHO + "(?:" + any_of(W[f"{kind}_{gender}"]) + r")(?!\w)")


_FORMS = {
    (kind, gender): _words(kind, name)
    for kind in set(_KINDS.values())
    for gender, name in ((Gender.FEMALE, "feminine"), (Gender.MALE, "masculine"))
}
_OTHER = {Gender.FEMALE: Gender.MALE, Gender.MALE: Gender.FEMALE}


def of_the_other_gender(sentence: str, event: E, gender: Gender | None) -> bool:
    """Whether ``sentence`` tells ``event`` only in the verb forms of the other gender than the
    person's (whose ``gender`` the registry gives)."""
    kind = _KINDS.get(event)
    other = _OTHER.get(gender) if gender is not None else None
    if kind is None or other is None:
        return False
    folded = fold(sentence)
    return (
        _FORMS[kind, other].search(folded) is not None
        and _FORMS[kind, gender].search(folded) is None
    )
