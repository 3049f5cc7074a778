"""Feed sources and their state, kept in Redis so every watcher (and the bot's admin commands) sees
the same list.

A feed's **id** is derived from its canonical URL when it is added (10 hex digits of SHA-256) and
never changes afterwards, even when a permanent redirect moves the feed: the seen set and the state
hang off the id. Look a feed up by id or by URL (:meth:`FeedStore.find`).

Seeding works like the registry's: the first process that opens an empty storage seeds the list
once, from ``FEEDS_FILE`` when set, else from the bundled ``feeds/fetching/data/feeds.txt``; a set
``FEEDS_FILE`` is also merged by URL at every start of ``run``/``watch``.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from feeds.fetching.channels import channel_name, preview_url
from feeds.fetching.identity import canonical_url
from feeds.fetching.keys import FeedKeys
from feeds.fetching.ssrf import AddressPolicy, URLRefused, check_url
from feeds.storage.connection import Storage

FullText = Literal["auto", "yes", "no"]
MAX_FEED_URL = 2048


class FeedSource(BaseModel):
    """One feed as an operator configured it."""

    id: str
    url: str
    name: str = ""
    lang: str = ""
    full_text: FullText = "auto"
    paused: bool = False
    blocks_robots: bool = False  # known to answer bots with 403 or a challenge page
    added_at: float = Field(default_factory=time.time)

    @property
    def label(self) -> str:
        return self.name or self.url


class FeedState(BaseModel):
    """What the watchers learned about a feed. Times are epoch seconds (UTC)."""

    etag: str | None = None
    last_modified: str | None = None
    polls: int = 0  # successful polls (200 or 304); 0 means the next one is the first
    last_check: float | None = None
    last_success: float | None = None
    last_error: str | None = None
    last_error_at: float | None = None
    errors: int = 0  # consecutive failures
    failing_since: float | None = None
    flagged_at: float | None = None  # failing for 24 h; admins were told at this time
    next_check: float | None = None
    last_items: int = 0
    last_new: int = 0
    title: str = ""
    url: str | None = None  # where a permanent redirect moved the feed, if it did
    baseline: bool = False  # the next poll marks items seen without alerting (resume)
    seen_refreshed: float | None = None  # when this feed's items' seen keys were last rewritten
    # public Telegram channels (feeds/watching/channel_watch.py): whose posts the page showed last,
    # its newest post id, and what the last poll noticed (renamed, older pages skipped)
    channel: str = ""
    newest_post: int | None = None
    note: str = ""


def feed_id_for(url: str) -> str:
    return hashlib.sha256(canonical_url(url).encode()).hexdigest()[:10]


def validate_feed_url(url: str, allow_private: bool = False) -> str:
    """The URL stripped (a public Telegram channel, however named, as its preview page's URL), or
    :class:`URLRefused` saying why it cannot be a feed."""
    url = url.strip()
    name = channel_name(url)
    if name is not None:  # "@name", "t.me/name", "https://t.me/s/name": one channel, one source
        url = preview_url(name)
    if len(url) > MAX_FEED_URL:
        raise URLRefused("bad_url", f"URL is {len(url)} characters long; the limit is 2048")
    check_url(url, AddressPolicy(allow_private), max_length=MAX_FEED_URL)
    return url


@dataclass(slots=True)
class FeedMerge:
    added: list[FeedSource] = field(default_factory=list)
    updated: list[FeedSource] = field(default_factory=list)
    unchanged: int = 0

    def line(self) -> str:
        return f"{len(self.added)} added, {len(self.updated)} updated, {self.unchanged} unchanged"


class FeedStore:
    def __init__(self, storage: Storage) -> None:
        self.redis = storage.redis
        self.keys = FeedKeys.of(storage.keys)

    # -- sources ----------------------------------------------------------------------------------
    async def all(self) -> list[FeedSource]:
        raw = await self.redis.hvals(self.keys.feed_sources)
        return sorted((FeedSource.model_validate_json(r) for r in raw), key=lambda f: f.url)

    async def get(self, feed_id: str) -> FeedSource | None:
        return _source(await self.redis.hget(self.keys.feed_sources, feed_id))

    async def find(self, url_or_id: str) -> FeedSource | None:
        """By id, by URL (canonical comparison), or by the URL a redirect moved it to."""
        text = url_or_id.strip()
        found = await self.get(text) or await self.get(feed_id_for(text))
        if found is not None:
            return found
        canon = canonical_url(text)
        for feed in await self.all():
            if canonical_url(feed.url) == canon:
                return feed
        states = await self.states()
        for feed_id, state in states.items():
            if state.url and canonical_url(state.url) == canon:
                return await self.get(feed_id)
        return None

    async def merge(self, sources: Iterable[FeedSource]) -> FeedMerge:
        """Add new feeds and update name/lang/full-text of known ones (by URL); never unpauses."""
        report = FeedMerge()
        for source in sources:
            old = await self.get(source.id)
            if old is None:
                await self.put(source)
                report.added.append(source)
                continue
            new = old.model_copy(
                update={
                    "name": source.name or old.name,
                    "lang": source.lang or old.lang,
                    "full_text": source.full_text if source.full_text != "auto" else old.full_text,
                    "blocks_robots": source.blocks_robots or old.blocks_robots,
                }
            )
            if new == old:
                report.unchanged += 1
            else:
                await self.put(new)
                report.updated.append(new)
        return report

    async def put(self, source: FeedSource) -> None:
        """Store a feed; an unpaused one without a schedule becomes due now."""
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.feed_sources, source.id, source.model_dump_json())
            if source.paused:
                pipe.zrem(self.keys.feeds_due, source.id)
            else:
                pipe.zadd(self.keys.feeds_due, {source.id: time.time()}, nx=True)
            await pipe.execute()

    async def remove(self, feed_id: str) -> bool:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hdel(self.keys.feed_sources, feed_id)
            pipe.hdel(self.keys.feed_state, feed_id)
            pipe.hdel(self.keys.feed_checked, feed_id)
            pipe.zrem(self.keys.feeds_due, feed_id)
            pipe.delete(self.keys.feed_seen(feed_id), self.keys.channel_posts(feed_id))
            removed, *_ = await pipe.execute()
        return bool(removed)

    async def set_paused(self, feed_id: str, paused: bool) -> FeedSource | None:
        source = await self.get(feed_id)
        if source is None:
            return None
        source = source.model_copy(update={"paused": paused})
        if not paused:
            # Items published while paused are not news to anyone who paused it: mark them seen.
            state = await self.state(feed_id)
            state.baseline = True
            await self.put_state(feed_id, state)
        await self.put(source)
        return source

    async def ensure_seeded(self, load_default) -> FeedMerge | None:
        """Seed once per storage with ``load_default()`` (a list of sources)."""
        if await self.redis.exists(self.keys.feeds_seeded):
            return None
        report = await self.merge(load_default())
        await self.redis.set(self.keys.feeds_seeded, "1", nx=True)
        return report

    # -- state and schedule -----------------------------------------------------------------------
    async def state(self, feed_id: str) -> FeedState:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hget(self.keys.feed_state, feed_id)
            pipe.hget(self.keys.feed_checked, feed_id)
            raw, checked = await pipe.execute()
        return _state(raw, checked)

    async def states(self) -> dict[str, FeedState]:
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self.keys.feed_state)
            pipe.hgetall(self.keys.feed_checked)
            raw, checked = await pipe.execute()
        return {k.decode(): _state(v, checked.get(k)) for k, v in raw.items()}

    async def put_state(self, feed_id: str, state: FeedState) -> None:
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hset(self.keys.feed_state, feed_id, state.model_dump_json())
            if state.next_check is not None:
                # XX: a feed removed (or paused) meanwhile is not put back on the schedule.
                pipe.zadd(self.keys.feeds_due, {feed_id: state.next_check}, xx=True)
            await pipe.execute()

    @staticmethod
    def parse_read(answers: list) -> tuple[FeedSource | None, FeedState, float | None]:
        """A poll's reads (``feeds.watching.poll_trips``): source, state, checked clock, due
        time."""
        source, state, checked, due = answers
        return _source(source), _state(state, checked), _score(due)

    @staticmethod
    def checked_value(state: FeedState) -> str:
        """The clock of a quiet poll (a 304 that changed nothing else): when it ran, the count
        of successful polls and the next check, for ``FeedKeys.feed_checked``."""
        return f"{state.last_check!r} {state.polls} {state.next_check!r}"

    async def due(self, now: float, limit: int = 500) -> list[str]:
        raw = await self.redis.zrangebyscore(self.keys.feeds_due, "-inf", now, start=0, num=limit)
        return [r.decode() for r in raw]

    async def next_due_at(self) -> float | None:
        first = await self.redis.zrange(self.keys.feeds_due, 0, 0, withscores=True)
        return float(first[0][1]) if first else None

    async def due_score(self, feed_id: str) -> float | None:
        return _score(await self.redis.zscore(self.keys.feeds_due, feed_id))

    async def unpaused_ids(self) -> list[str]:
        """Every feed on the schedule (a paused feed is taken off it), soonest due first."""
        return [r.decode() for r in await self.redis.zrange(self.keys.feeds_due, 0, -1)]


def _source(raw: bytes | None) -> FeedSource | None:
    return FeedSource.model_validate_json(raw) if raw else None


def _state(raw: bytes | None, checked: bytes | None = None) -> FeedState:
    """The stored state, with the clock of the quiet polls since it was written: a quiet poll
    succeeded, so its time is the last check and the last success."""
    state = FeedState.model_validate_json(raw) if raw else FeedState()
    if checked:
        at, polls, next_check = checked.split()
        when = float(at)
        if when > (state.last_check or 0.0):
            state.last_check = state.last_success = when
            state.polls = int(polls)
            state.next_check = float(next_check)
    return state


def _score(raw: float | None) -> float | None:
    return None if raw is None else float(raw)
