"""What the mention engine returns: who was found where, and what happened to them.

Plain frozen dataclasses, not pydantic: the engine builds thousands of these per second and they never
need validating. ``ScanResult.to_json()`` is the ``scan --jsonl`` line format, which other parts (alerts,
the bot) reuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EventType(StrEnum):
    ARREST = "arrest"
    CHARGED = "charged"
    TRIAL = "trial"
    SENTENCED = "sentenced"
    APPEAL = "appeal"
    TRANSFER = "transfer"
    PUNISHMENT_CELL = "punishment_cell"
    INCOMMUNICADO = "incommunicado"
    HEALTH = "health"
    HUNGER_STRIKE = "hunger_strike"
    NEW_CASE = "new_case"
    RELEASED = "released"
    RELEASED_EXPELLED = "released_expelled"
    PARDONED = "pardoned"
    DIED = "died"
    LISTED_EXTREMIST = "listed_extremist"
    LISTED_TERRORIST = "listed_terrorist"
    RECOGNIZED_POLITICAL_PRISONER = "recognized_political_prisoner"
    OTHER = "other"


# The events a false alert is worst about: a release, expulsion, pardon or death that did not happen.
GRAVE = frozenset(
    {EventType.RELEASED, EventType.RELEASED_EXPELLED, EventType.PARDONED, EventType.DIED}
)
# the grave events of one freeing: a release, an expulsion, a pardon
FREEING = frozenset({EventType.RELEASED, EventType.RELEASED_EXPELLED, EventType.PARDONED})


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in the text where a target is named.

    ``start``/``end`` are Python string indices into the scanned text (end exclusive). ``events`` are
    the events the mention's sentence (or the one after it that refers back) reports about it.
    ``ambiguous_with`` lists the other ids this span could equally mean (same surname, no first name).
    """

    target: str
    start: int
    end: int
    text: str
    events: tuple[EventType, ...] = ()
    sentence: str = ""
    ambiguous_with: tuple[str, ...] = ()
    # the ones of ``events`` that only the next sentences report ("... He was moved to ...")
    carried: tuple[EventType, ...] = ()


@dataclass(frozen=True, slots=True)
class ScanResult:
    prisoners: tuple[str, ...] = ()
    facilities: tuple[str, ...] = ()
    ambiguous: tuple[tuple[str, ...], ...] = ()
    events: tuple[EventType, ...] = ()
    mentions: tuple[Mention, ...] = ()
    summary: str = ""
    summary_spans: tuple[tuple[int, int], ...] = ()
    # prisoner id -> facility ids the text places them in (or moves them to)
    locations: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.prisoners or self.facilities or self.ambiguous)

    def to_json(self) -> dict:
        """The ``scan --jsonl`` output fields (without ``id``)."""
        return {
            "prisoners": list(self.prisoners),
            "facilities": list(self.facilities),
            "ambiguous": [list(group) for group in self.ambiguous],
            "events": [str(e) for e in self.events],
            "mentions": [
                {
                    "target": m.target,
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "events": [str(e) for e in m.events],
                    "carried": [str(e) for e in m.carried],
                    "ambiguous_with": list(m.ambiguous_with),
                    "sentence": m.sentence,
                }
                for m in self.mentions
            ],
            "summary": self.summary,
            "summary_spans": [list(span) for span in self.summary_spans],
        }
