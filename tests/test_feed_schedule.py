"""Scheduling rules: hints up to 15 min, Retry-After without cap, jitter within ±10 %, backoff."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from feeds.fetching import schedule
from feeds.fetching.schedule import Hints

NOW = datetime(2026, 5, 1, tzinfo=UTC)


def test_hints_lengthen_up_to_15_minutes_never_shorten() -> None:
    assert schedule.hinted_delay(60, Hints(max_age=3600), NOW) == 900
    assert schedule.hinted_delay(60, Hints(ttl_minutes=5), NOW) == 300
    assert schedule.hinted_delay(60, Hints(expires=NOW + timedelta(minutes=10)), NOW) == 600
    assert schedule.hinted_delay(300, Hints(max_age=10), NOW) == 300
    assert schedule.hinted_delay(3600, Hints(max_age=7200), NOW) == 3600  # interval kept


def test_jitter_stays_within_ten_percent_and_spreads() -> None:
    rng = random.Random(1)
    delays = [schedule.next_delay_after_success(300, Hints(), NOW, rng) for _ in range(2000)]
    assert min(delays) >= 270 and max(delays) <= 330
    assert max(delays) - min(delays) > 50  # really spread, not a constant


def test_retry_after_lengthens_without_cap() -> None:
    three_days = 3 * 86400.0
    assert schedule.next_delay_after_success(60, Hints(retry_after=three_days), NOW) >= three_days
    assert schedule.next_delay_after_error(60, 1, three_days) >= three_days


def test_backoff_exponential_capped_at_a_day() -> None:
    assert [schedule.backoff(60, n) for n in range(1, 6)] == [60, 120, 240, 480, 960]
    assert schedule.backoff(60, 30) == 86400
    assert schedule.backoff(60, 10_000) == 86400
    rng = random.Random(2)
    assert all(schedule.next_delay_after_error(60, 50, None, rng) <= 86400 for _ in range(200))


def test_failing_feed_flagged_once_after_24h() -> None:
    now = 1_000_000.0
    assert not schedule.should_flag(now - 23 * 3600, None, now)
    assert schedule.should_flag(now - 24 * 3600, None, now)
    assert not schedule.should_flag(now - 48 * 3600, now - 3600, now)  # already told
    assert not schedule.should_flag(None, None, now)
