"""The numbers an operator watches, read from Redis so any process can serve them.

``snapshot(storage, zone)`` gathers everything in a few round trips: the watchers' counters and last
poll cycle (``feeds/watching/watcher.py``), the sender's counters and heartbeats
(``subscriptions/``), queue lengths and the sender lag (age of the oldest delivery still waiting in
a lane). Three readers share it: ``/metrics`` (Prometheus text), ``/healthz`` (``health``) and the
admin's ``/stats``.

What "recent" means for ``/healthz``:

- the watcher: a poll cycle closes every ``cycle_every(settings)`` seconds (``POLL_INTERVAL``, at most
  60 s); stale after two cycles and 30 s of slack without one;
- the sender: each sender beats every 5 s (``SenderConfig.heartbeat_ttl_ms / 3``); stale after 30 s.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from feeds.registry.keys import RegistryKeys
from feeds.registry.sync import SourceState, shown_url
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from feeds.watching.watcher import CYCLE_COUNTS
from subscriptions.deliveries import Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.outcomes import COUNTERS, delivery_stats

SENDER_STALE = 30.0  # seconds without a sender heartbeat
CYCLE_MAX = 60.0  # a poll cycle lasts POLL_INTERVAL, at most this long
CYCLE_SLACK = 30.0
HEALTH_TIMEOUT = 3.0  # /healthz answers 503 "redis down" after this long


def cycle_every(settings) -> float:
    """Seconds per watcher poll cycle (one summary line and one heartbeat each)."""
    return float(min(settings.poll_interval, CYCLE_MAX))


def watcher_stale_after(settings) -> float:
    return 2 * cycle_every(settings) + CYCLE_SLACK


@dataclass
class Snapshot:
    at: float
    feeds: dict[str, int] = field(default_factory=dict)  # watcher totals: polled, changed, ...
    messages: dict[str, int] = field(default_factory=dict)  # sender totals by outcome
    messages_today: dict[str, int] = field(default_factory=dict)
    queues: dict[str, int] = field(default_factory=dict)  # alerts, broadcast, delayed, dead
    lag: dict[str, float] = field(default_factory=dict)  # lane -> age of its oldest delivery
    last_cycle: dict[str, float] = field(default_factory=dict)  # the last poll cycle's counts
    watcher_age: float | None = None  # seconds since the last poll cycle of any watcher
    sender_age: float | None = None  # seconds since the last heartbeat of any sender
    senders: int = 0  # senders that beat within SENDER_STALE
    # REGISTRY_URL sources whose last sync applied nothing (source shown without query) -> why
    registry_sync_problems: dict[str, str] = field(default_factory=dict)

    @property
    def sender_lag(self) -> float:
        return max(self.lag.values(), default=0.0)


async def snapshot(storage: Storage, zone: ZoneInfo, now: float | None = None) -> Snapshot:
    """Every number, from Redis (raises the Redis error when it does not answer)."""
    now = time.time() if now is None else now
    redis = storage.redis
    watch, subs = WatchKeys.of(storage.keys), SubscriptionKeys.of(storage.keys)
    stats = await delivery_stats(storage, zone, now)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hgetall(watch.watcher_counters)
        pipe.hgetall(watch.watcher_cycle)
        pipe.zrevrange(subs.sender_beats, 0, 0, withscores=True)
        pipe.zcount(subs.sender_beats, now - SENDER_STALE, "+inf")
        pipe.hgetall(RegistryKeys.of(storage.keys).registry_sync)
        for lane in Lane:
            pipe.xrange(subs.deliveries(lane), "-", "+", count=1)
        counters, cycle, beats, live, syncs, *firsts = await pipe.execute()
    snap = Snapshot(at=now)
    for url, raw in syncs.items():
        state = SourceState.model_validate_json(raw)
        if state.last_error:
            snap.registry_sync_problems[shown_url(url.decode())] = state.last_error
    counters = _ints(counters)
    snap.feeds = {name: counters.get(name, 0) for name in CYCLE_COUNTS}
    snap.messages = {name: stats[name] for name in COUNTERS}
    snap.messages_today = {name: stats[f"{name}_today"] for name in COUNTERS}
    snap.queues = {
        "alerts": stats["queued_alerts"],
        "broadcast": stats["queued_broadcast"],
        "delayed": stats["delayed"],
        "dead": stats["dead_letters"],
    }
    for lane, first in zip(Lane, firsts, strict=True):
        snap.lag[str(lane)] = _age_of_first(first, now)
    cycle = {k.decode(): float(v) for k, v in cycle.items()}
    if "at" in cycle:
        snap.watcher_age = max(0.0, now - cycle.pop("at"))
        snap.last_cycle = cycle
    if beats:
        snap.sender_age = max(0.0, now - beats[0][1])
    snap.senders = live
    return snap


def _ints(raw: dict) -> dict[str, int]:
    return {k.decode(): int(v) for k, v in raw.items()}


def _age_of_first(entries: list, now: float) -> float:
    """Age of a lane's oldest delivery: its ``created_at``, else the stream id's time."""
    if not entries:
        return 0.0
    entry_id, fields = entries[0]
    created = None
    raw = fields.get(b"d")
    if raw:
        try:
            created = float(json.loads(raw).get("created_at"))
        except (ValueError, TypeError, AttributeError):
            created = None
    if created is None:
        created = int(entry_id.split(b"-")[0]) / 1000
    return max(0.0, now - created)


# -- /healthz ---------------------------------------------------------------------------------------
@dataclass
class Health:
    ok: bool
    body: dict

    @property
    def status(self) -> int:
        return 200 if self.ok else 503


async def health(
    storage: Storage,
    settings,
    *,
    check_sender: bool = True,
    extra: dict | None = None,
    timeout: float = HEALTH_TIMEOUT,
) -> Health:
    """Redis answers, the last poll cycle and the sender heartbeat are recent. ``check_sender`` is
    False in console mode (nothing sends). The body names the stale parts."""
    body: dict = {"status": "ok", "redis": "ok"}
    try:
        snap = await asyncio.wait_for(_ping_and_snapshot(storage, settings.zone), timeout)
    except Exception as exc:
        body.update(status="unavailable", redis=f"down ({type(exc).__name__})", failing=["redis"])
        body.update(extra or {})
        return Health(False, body)
    failing: list[str] = []
    body["watcher_age"] = None if snap.watcher_age is None else round(snap.watcher_age, 1)
    if snap.watcher_age is None or snap.watcher_age > watcher_stale_after(settings):
        body["watcher"] = "stale"
        failing.append("watcher")
    else:
        body["watcher"] = "ok"
    if check_sender:
        body["sender_age"] = None if snap.sender_age is None else round(snap.sender_age, 1)
        if snap.sender_age is None or snap.sender_age > SENDER_STALE:
            body["sender"] = "stale"
            failing.append("sender")
        else:
            body["sender"] = "ok"
    else:
        body["sender"] = "not running (console mode)"
    if failing:
        body["status"] = "stale"
        body["failing"] = failing
    if snap.registry_sync_problems:  # named, not failed: the registry stays as it was, and usable
        body["registry_sync"] = snap.registry_sync_problems
    body.update(extra or {})
    return Health(not failing, body)


async def _ping_and_snapshot(storage: Storage, zone: ZoneInfo) -> Snapshot:
    await storage.redis.ping()
    return await snapshot(storage, zone)


# -- /metrics ---------------------------------------------------------------------------------------
FEED_METRICS = {  # watcher counter -> (metric name without _total, help)
    "polled": ("vestka_feeds_polled", "Feed polls completed"),
    "changed": ("vestka_feeds_changed", "Feed polls that found new items"),
    "unchanged": ("vestka_feeds_unchanged", "Feed polls without new items (304 or nothing new)"),
    "failed": ("vestka_feeds_failed", "Feed polls that failed"),
    "items": ("vestka_feed_items", "New feed items found"),
    "alerts": ("vestka_alerts", "News alerts produced"),
}


class _Collector:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap

    def collect(self):
        snap = self.snap
        for name, (metric, help_text) in FEED_METRICS.items():
            family = CounterMetricFamily(metric, help_text)
            family.add_metric([], snap.feeds.get(name, 0))
            yield family
        messages = CounterMetricFamily(
            "vestka_messages", "Deliveries by outcome (sender counters)", labels=["outcome"]
        )
        for name, value in snap.messages.items():
            messages.add_metric([name], value)
        yield messages
        flood = CounterMetricFamily("vestka_telegram_429", "429 Too Many Requests answers")
        flood.add_metric([], snap.messages.get("rate_limited", 0))
        yield flood
        queues = GaugeMetricFamily(
            "vestka_queue_length", "Deliveries waiting, by queue", labels=["queue"]
        )
        for name, value in snap.queues.items():
            queues.add_metric([name], value)
        yield queues
        lag = GaugeMetricFamily(
            "vestka_sender_lag_seconds",
            "Age of the oldest delivery waiting in a lane",
            labels=["lane"],
        )
        for lane, value in snap.lag.items():
            lag.add_metric([lane], value)
        yield lag
        for metric, help_text, value in (
            (
                "vestka_watcher_last_cycle_age_seconds",
                "Seconds since the last poll cycle of any watcher (-1: never)",
                snap.watcher_age,
            ),
            (
                "vestka_sender_heartbeat_age_seconds",
                "Seconds since the last heartbeat of any sender (-1: never)",
                snap.sender_age,
            ),
        ):
            gauge = GaugeMetricFamily(metric, help_text)
            gauge.add_metric([], -1.0 if value is None else value)
            yield gauge
        senders = GaugeMetricFamily("vestka_senders", "Senders with a recent heartbeat")
        senders.add_metric([], snap.senders)
        yield senders


def prometheus_text(snap: Snapshot) -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Collector(snap))  # type: ignore[arg-type]
    return generate_latest(registry)


def stats_fields(snap: Snapshot) -> dict[str, object]:
    """The operations lines of the admin's ``/stats`` (the same numbers as ``/metrics``)."""
    return {
        "polled": snap.feeds.get("polled", 0),
        "polls_failed": snap.feeds.get("failed", 0),
        "items": snap.feeds.get("items", 0),
        "alerts_total": snap.feeds.get("alerts", 0),
        "floods": snap.messages.get("rate_limited", 0),
        "lag": round(snap.sender_lag),
    }
