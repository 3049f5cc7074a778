"""The watcher's settings as plain values: ``bot/`` builds them from its settings, ``feeds/`` never
reads settings itself."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WatcherConfig:
    """Plain values from settings (``bot/`` builds this; ``feeds/`` never reads settings)."""

    poll_interval: float = 300.0
    backfill_hours: float = 0.0
    seen_ttl: float = 60 * 86400.0
    lease_ttl: float = 30.0  # renewed while held
    max_polls: int = 40  # poll tasks in flight (each may hold a Redis connection; the pool has 100)
    max_full_text: int = 4  # article pages fetched at once per feed
    registry_check: float = 2.0  # seconds between registry version checks
    parse_processes: int = 0  # >0: a process pool of this size parses large feeds and scans new
    # items; 0: automatic (one worker per core but one, at most 4, on a machine of 2 cores or more,
    # started once a poll cycle kept this process busy WORKERS_AT of the time; none on 1 core)
    idle_wait: float = 1.0  # longest sleep between schedule checks
    cycle_every: float = 60.0  # seconds per poll cycle (one summary line, counters, heartbeat)
    channel_min_interval: float = 300.0  # a public channel is polled at most this often
    channel_host_rate: float = 2.0  # request starts a second to the preview host, all watchers
