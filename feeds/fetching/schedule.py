"""When to check a feed next: pure functions, so the rules are easy to test.

* Success (200 or 304): the feed's interval (``POLL_INTERVAL`` by default), lengthened by the feed's
  own hints — RSS ``<ttl>``, ``Cache-Control: max-age``, ``Expires`` — but hints never push the
  delay past :data:`HINT_CAP` (15 minutes); an interval already longer than that is kept.
* ``Retry-After`` (on a 429/503, or any answer) lengthens the delay without a cap.
* Errors back off exponentially: ``interval * 2**(errors-1)``, capped at :data:`BACKOFF_CAP` (a day).
* Jitter: a uniform random offset within ±10 % of the interval, so feeds polled together drift
  apart; it never shortens a Retry-After and never takes a backoff past the cap.
* A feed failing for :data:`FAILING_FLAG_AFTER` (24 h) is flagged once.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

HINT_CAP = 15 * 60.0
BACKOFF_CAP = 24 * 3600.0
FAILING_FLAG_AFTER = 24 * 3600.0
JITTER = 0.10


@dataclass(frozen=True, slots=True)
class Hints:
    """What the last answer said about caching (seconds; None when absent)."""

    ttl_minutes: int | None = None
    max_age: float | None = None
    expires: datetime | None = None
    retry_after: float | None = None


def hinted_delay(interval: float, hints: Hints, now: datetime) -> float:
    """The interval lengthened by the cache hints, at most to 15 minutes (never shortened)."""
    candidates = []
    if hints.ttl_minutes:
        candidates.append(hints.ttl_minutes * 60.0)
    if hints.max_age:
        candidates.append(hints.max_age)
    if hints.expires is not None:
        candidates.append((hints.expires - now).total_seconds())
    hint = max(candidates, default=0.0)
    return max(interval, min(hint, HINT_CAP))


def jitter(delay: float, interval: float, rng: random.Random | None = None) -> float:
    spread = JITTER * interval
    return max(1.0, delay + (rng or random).uniform(-spread, spread))


def next_delay_after_success(
    interval: float, hints: Hints, now: datetime, rng: random.Random | None = None
) -> float:
    delay = jitter(hinted_delay(interval, hints, now), interval, rng)
    if hints.retry_after is not None:
        delay = max(delay, hints.retry_after)
    return delay


def backoff(interval: float, errors: int) -> float:
    """Exponential in consecutive errors (1 error = one interval), capped at a day."""
    if errors <= 1:
        return min(interval, BACKOFF_CAP)
    return min(interval * 2.0 ** min(errors - 1, 40), BACKOFF_CAP)


def next_delay_after_error(
    interval: float, errors: int, retry_after: float | None, rng: random.Random | None = None
) -> float:
    delay = min(jitter(backoff(interval, errors), interval, rng), BACKOFF_CAP)
    if retry_after is not None:
        delay = max(delay, retry_after)  # the server asked: no cap
    return delay


def should_flag(failing_since: float | None, flagged_at: float | None, now: float) -> bool:
    """True once: the feed has failed for 24 h and nobody was told yet."""
    return (
        failing_since is not None
        and flagged_at is None
        and now - failing_since >= FAILING_FLAG_AFTER
    )
