"""What watching a public Telegram channel adds to watching a feed.

A channel's preview page is read like a feed (``feeds/fetching/channels.py``,
``feeds/fetching/parsing.py``); three things differ, and they live here:

- **More than one page of news.** The page shows the latest ~20 posts. When the oldest of them is
  still newer than the newest post seen before, the posts in between are on older pages
  (``?before=ID``): up to ``PAGES_BACK`` of them are read, so a busy day is not lost.
- **A renamed channel.** Its posts come under a new name, and so with new links and guids: to the
  seen set every one of them is new. The first poll that sees the new name takes stock, as a first
  poll does (no alerts for old posts), and the feed's health says so.
- **Politeness.** Telegram throttles heavy readers of its previews. Each channel is polled at most
  every ``channel_min_interval`` seconds, and all watchers together start at most
  ``channel_host_rate`` requests a second to the preview host (``HostPacer``: a reservation in
  Redis, so several processes share one budget).
- **Edits.** A post keeps its id when edited, so the seen set already knows it and it never alerts
  twice. But an edit may add a name ("…and Maryja Kalesnikava too"): the targets each post named are
  kept (``PostMemo``), and an edit that names a tracked person or place it did not name before
  alerts once, for the new ones only. Posts taken stock of (never scanned) are not news when edited.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

from redis.asyncio import Redis
from redis.asyncio.client import Pipeline

from feeds.fetching import channels
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.items import FeedItem
from feeds.fetching.keys import FeedKeys
from feeds.fetching.parsing import parse_feed_async
from feeds.storage.keys import KeySpace

PAGES_BACK = 5  # older pages read in one poll at most (~100 posts)
PACER_WAIT_MAX = 60.0  # a request waits at most this long for its turn (then goes, and says so)
NOT_SCANNED = None  # a post taken stock of: its edits are not news


def post_number(item: FeedItem) -> int | None:
    """The post's id from its guid ``tg:NAME/ID``."""
    tail = (item.guid or "").rpartition("/")[2]
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True, slots=True)
class PageLook:
    """What a channel page says before it is parsed: whose posts, which ids, what they say."""

    owner: str
    ids: tuple[int, ...]
    signature: bytes

    @classmethod
    def of(cls, body: bytes) -> PageLook:
        owner, ids, signature = channels.look(body)
        return cls(owner, tuple(ids), signature)


async def older_posts(
    fetcher: Fetcher, pacer: HostPacer, url: str, lowest: int, newest_seen: int
) -> tuple[list[FeedItem], str]:
    """Items of the pages before post ``lowest`` down to ``newest_seen`` (newest first, as a
    page's), and why the paging stopped early ("" when it reached the posts seen before)."""
    older: list[FeedItem] = []
    base = url.split("?", 1)[0]
    for _ in range(PAGES_BACK):
        if lowest <= newest_seen + 1:
            return older, ""
        await pacer.turn(urlsplit(base).hostname or "")
        result = await fetcher.fetch(f"{base}?before={lowest}")
        if not result.ok:
            return older, f"an older page could not be read: {result.message}"
        look = PageLook.of(result.body)
        parsed = await parse_feed_async(result.body, result.headers, base)
        if not parsed.is_feed or not look.ids or min(look.ids) >= lowest:
            return older, "an older page had no older posts"
        page = [i for i in parsed.items if (post_number(i) or 0) < lowest]
        older += [i for i in page if (post_number(i) or 0) > newest_seen]
        lowest = min(look.ids)
    if lowest > newest_seen + 1:
        return older, f"more than {PAGES_BACK} pages were new; older posts were skipped"
    return older, ""


# Reserve ``n`` consecutive start times for a host: from the later of now and the stored time;
# the stored time moves n gaps on. Returns how long until the first of them, in milliseconds.
_RESERVE = """
local now = tonumber(ARGV[1])
local gap = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local at = tonumber(redis.call('GET', KEYS[1]) or '0')
if at < now then at = now end
redis.call('SET', KEYS[1], tostring(at + n * gap), 'PX', math.ceil(n * gap + (at - now)) + 1000)
return tostring(at - now)
"""


class HostPacer:
    """At most ``rate`` request starts a second to one host, for all watchers sharing Redis.

    A process reserves the starts of the next ``batch_seconds`` at once (one round trip) and
    hands them out to its own polls; a start it does not use is lost, which only errs on the
    polite side. At Telegram's pace (a few a second) that is one reservation per request."""

    def __init__(
        self, redis: Redis, keys: KeySpace, rate: float, batch_seconds: float = 0.5
    ) -> None:
        self.redis = redis
        self.keys = FeedKeys.of(keys)
        self.gap_ms = 1000.0 / rate if rate > 0 else 0.0
        self.batch = max(1, int(rate * batch_seconds)) if rate > 0 else 1
        self._reserve = redis.register_script(_RESERVE)
        self._starts: dict[str, deque[float]] = {}  # host -> reserved start times (ms epoch)
        self._refill: dict[str, asyncio.Lock] = {}  # one reservation at a time per host

    async def turn(self, host: str) -> float:
        """Wait for this request's turn; the seconds waited."""
        if not self.gap_ms:
            return 0.0
        starts = self._starts.setdefault(host, deque())
        async with self._refill.setdefault(host, asyncio.Lock()):
            now_ms = time.time() * 1000.0
            while starts and starts[0] < now_ms - self.gap_ms:
                starts.popleft()  # a start that passed unused
            if not starts:
                args = [now_ms, self.gap_ms, self.batch]
                key = self.keys.host_pace(host)
                first = now_ms + float(await self._reserve(keys=[key], args=args))
                starts.extend(first + i * self.gap_ms for i in range(self.batch))
            start = starts.popleft()
        wait = min(max(0.0, start - time.time() * 1000.0) / 1000.0, PACER_WAIT_MAX)
        if wait > 0:
            await asyncio.sleep(wait)
        return wait


class PostMemo:
    """Per channel: for each post on its page, its version (``FeedItem.version``) and the
    targets it named (None: taken stock of, never scanned)."""

    def __init__(self, redis: Redis, keys: KeySpace, feed_id: str) -> None:
        self.redis = redis
        self.key = FeedKeys.of(keys).channel_posts(feed_id)

    async def read(self) -> dict[str, tuple[str, frozenset[str] | None]]:
        raw = await self.redis.hgetall(self.key)
        out: dict[str, tuple[str, frozenset[str] | None]] = {}
        for guid, value in raw.items():
            entry = json.loads(value)
            targets = entry.get("t")
            out[guid.decode()] = (
                entry.get("h", ""),
                None if targets is None else frozenset(targets),
            )
        return out

    def write_in(
        self, pipe: Pipeline, entries: dict[str, tuple[str, frozenset[str] | None]]
    ) -> None:
        """Replace the memo by ``entries`` (the posts on the page now: a deleted post is gone)."""
        pipe.delete(self.key)
        if entries:
            pipe.hset(
                self.key,
                mapping={
                    guid: json.dumps({"h": h, "t": None if t is None else sorted(t)})
                    for guid, (h, t) in entries.items()
                },
            )


def edited(
    items: list[FeedItem], known: list[bool], memo: dict[str, tuple[str, frozenset[str] | None]]
) -> list[FeedItem]:
    """Posts seen before whose text changed since, and that were scanned then."""
    out = []
    for item, seen in zip(items, known, strict=True):
        before = memo.get(item.guid or "")
        scanned = before is not None and before[1] is not NOT_SCANNED
        if seen and scanned and before[0] != item.version:  # type: ignore[index]
            out.append(item)
    return out
