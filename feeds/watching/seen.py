"""Which items of a feed were already handled: identity keys in Redis with a time to live.

Per feed, one sorted set: member = identity key (``feeds.fetching.identity``: ``g:`` guid, ``u:``
canonical link, ``t:`` title + date, plus our ``n:`` title-only key below), score = when it was last
seen in the feed. An item is **seen** when *any* of its keys is in the set; when a poll is handled
*all* the keys of *every* item still in the feed are (re)written with the current time, so:

* reordering changes nothing (membership, not position);
* an edited item keeps its guid/link, so it is seen and never re-sent;
* a restart changes nothing (the set is in Redis);
* a feed that changes all its guids is still recognised by link, by title + date, or by title;
* an item that stays in a feed for months is refreshed at every poll and never expires; keys of
  items gone from the feed for longer than the TTL are trimmed, and the whole set expires when a
  feed is not polled for a TTL (the watcher also never alerts an item dated older than the TTL).

The ``n:`` key (normalised title alone, for titles of at least :data:`TITLE_KEY_MIN_WORDS` words)
catches a feed whose CMS changed both guids and links. Its cost: a *new* item that repeats an
earlier item's long title word for word, in the same feed within the TTL, is taken as seen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from feeds.fetching.identity import normalise_title
from feeds.fetching.items import FeedItem
from feeds.fetching.keys import FeedKeys
from feeds.storage.keys import KeySpace

TITLE_KEY_MIN_WORDS = 5
DEFAULT_TTL = 60 * 86400.0


def item_keys(item: FeedItem) -> tuple[str, ...]:
    keys = tuple(item.keys) or (item.fingerprint,)
    title = normalise_title(item.title)
    if len(title.split()) >= TITLE_KEY_MIN_WORDS:
        digest = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        keys += (f"n:{digest}",)
    return keys


class SeenStore:
    def __init__(self, redis: Redis, keys: KeySpace, ttl: float = DEFAULT_TTL) -> None:
        self.redis = redis
        self.keys = FeedKeys.of(keys)
        self.ttl = ttl

    async def known(self, feed_id: str, items: Sequence[FeedItem]) -> list[bool]:
        """For each item, whether any of its identity keys was seen in this feed."""
        per_item = [item_keys(i) for i in items]
        flat = list(dict.fromkeys(k for keys in per_item for k in keys))
        if not flat:
            return []
        scores = await self.redis.zmscore(self.keys.feed_seen(feed_id), flat)
        present = {k for k, s in zip(flat, scores, strict=True) if s is not None}
        return [any(k in present for k in keys) for keys in per_item]

    def mark_in(self, pipe: Pipeline, feed_id: str, items: Sequence[FeedItem], now: float) -> None:
        """Queue on the caller's pipeline (the poll's closing one): write every key of ``items``
        with time ``now``; trim keys older than the TTL."""
        key = self.keys.feed_seen(feed_id)
        mapping = {k: now for item in items for k in item_keys(item)}
        if mapping:
            pipe.zadd(key, mapping)
        pipe.zremrangebyscore(key, "-inf", now - self.ttl)
        pipe.expire(key, int(self.ttl))

    async def count(self, feed_id: str) -> int:
        return await self.redis.zcard(self.keys.feed_seen(feed_id))
