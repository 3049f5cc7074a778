"""What polls tell: one poll's outcome, and the counts of a watcher's polls (``Watcher.stats``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PollOutcome:
    feed_id: str
    status: str  # "ok", "not_modified", "error", "skipped"
    new: int = 0
    alerts: int = 0
    message: str = ""


@dataclass
class Stats:
    polls: int = 0
    errors: int = 0
    items: int = 0
    scanned: int = 0
    alerts: int = 0
    outcomes: list[PollOutcome] = field(default_factory=list)
