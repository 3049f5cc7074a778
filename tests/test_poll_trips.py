"""Polls share their Redis round trips (feeds/watching/poll_trips.py): leases and reads of the polls
that start together in one script call, the writes of polls that end together in one pipeline, and a
quiet 304 writes only its clock. Against the local feed server and real Redis."""

from __future__ import annotations

import asyncio
import math

from feeds.fetching.keys import FeedKeys
from feeds.fetching.sources import FeedStore
from feeds.storage.connection import Storage
from feeds.storage.leases import LeaseKeeper
from feeds.watching.poll_trips import BATCH
from testkit.feedserver import FeedServer
from testkit.rss import numbered, rss
from testkit.watcher import add_feed, watcher_on


async def test_polls_started_together_share_their_round_trips(storage: Storage) -> None:
    feeds = 250
    async with FeedServer() as srv:
        for n in range(feeds):
            srv.add(f"/f{n}", rss(numbered(2)), etag=f'"{n}"')
            await add_feed(storage, srv.url(f"/f{n}"))
        async with watcher_on(storage) as w:
            await w.once()  # first polls: 200s
            before = w.trips.round_trips
            stats = await w.once()  # every feed answers 304
            trips = w.trips.round_trips - before
        statuses = [o.status for o in stats.outcomes[-feeds:]]
    assert statuses == ["not_modified"] * feeds
    takes = math.ceil(feeds / BATCH)  # one script call per BATCH leases and reads
    # before: two round trips per feed (500); now the takes and the shared write pipelines
    assert takes + 1 <= trips < feeds // 2, trips
    leases = [
        k async for k in storage.redis.scan_iter(match=FeedKeys.of(storage.keys).feed_lease("*"))
    ]
    assert leases == []  # every lease freed


async def test_a_quiet_304_writes_its_clock_not_the_state(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss(numbered(3)), etag='"v1"')
        feed = await add_feed(storage, srv.url("/f"))
        store = FeedStore(storage)
        async with watcher_on(storage) as w:
            await w.poll(feed.id, force=True)
            stored = await storage.redis.hget(FeedKeys.of(storage.keys).feed_state, feed.id)
            first = await store.state(feed.id)
            await w.poll(feed.id, force=True)  # 304: nothing but the clock changed
            after = await store.state(feed.id)
            assert await storage.redis.hget(FeedKeys.of(storage.keys).feed_state, feed.id) == stored
            assert await storage.redis.hexists(FeedKeys.of(storage.keys).feed_checked, feed.id)
            assert after.polls == first.polls + 1 == 2
            assert after.last_check > first.last_check and after.last_success == after.last_check
            assert await store.due_score(feed.id) == after.next_check > after.last_check
            assert after.next_check != first.next_check  # the clock carries the new due time
            assert (await store.states())[feed.id] == after  # the list reads the same state

            srv.add("/f", status=503)  # an error is not quiet: the whole state is written
            await w.poll(feed.id, force=True)
            failed = await store.state(feed.id)
            assert (failed.errors, failed.polls) == (1, 2)
            assert failed.last_success == after.last_success < failed.last_check

            srv.add("/f", rss(numbered(3)), etag='"v1"')
            await w.poll(feed.id, force=True)  # a 304 after an error resets the count: written
            healed = await store.state(feed.id)
            assert (healed.errors, healed.polls) == (0, 3)
            assert healed.last_success == healed.last_check > failed.last_check
        assert await store.remove(feed.id)
        assert not await storage.redis.hexists(FeedKeys.of(storage.keys).feed_checked, feed.id)


async def test_held_leases_are_renewed_together_and_a_lost_one_is_told(storage: Storage) -> None:
    keeper = LeaseKeeper(storage.redis, ttl=1.0)
    keys = [FeedKeys.of(storage.keys).feed_lease(f"k{n}") for n in range(3)]
    token = keeper.token()
    for key in keys:
        await storage.redis.set(key, token, px=1000)
        keeper.hold(key, token)
    await storage.redis.set(keys[2], "another-watcher", px=1000)  # taken over
    await asyncio.sleep(0.2)
    assert await keeper.renew_all() == [keys[2]]
    assert keys[2] not in keeper.held
    ttls = [await storage.redis.pttl(k) for k in keys[:2]]
    assert all(900 < t <= 1000 for t in ttls), ttls  # renewed to the whole ttl
    assert await storage.redis.get(keys[2]) == b"another-watcher"  # not ours: untouched
    await keeper.close()


async def test_a_feed_leased_elsewhere_is_skipped_inside_a_batch(storage: Storage) -> None:
    async with FeedServer() as srv:
        feeds = []
        for n in range(5):
            srv.add(f"/f{n}", rss(numbered(1)))
            feeds.append(await add_feed(storage, srv.url(f"/f{n}")))
        busy = FeedKeys.of(storage.keys).feed_lease(feeds[2].id)
        await storage.redis.set(busy, "another-watcher", px=5000)
        async with watcher_on(storage) as w:
            outcomes = await asyncio.gather(*(w.poll(f.id) for f in feeds))
        assert [o.status for o in outcomes] == ["ok", "ok", "skipped", "ok", "ok"]
        assert await storage.redis.get(busy) == b"another-watcher"
        assert srv.hits.get(f"/f{2}", 0) == 0 and srv.hits["/f3"] == 1
