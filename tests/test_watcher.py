"""The watcher end to end against the local feed server and real Redis (both servers)."""

from __future__ import annotations

import asyncio
import time

from aiohttp import web

from feeds.fetching.keys import FeedKeys
from feeds.fetching.parsing import THREAD_THRESHOLD
from feeds.fetching.sources import FeedStore
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from testkit.feedserver import FeedServer
from testkit.rss import BIALIATSKI, Item, ago, numbered, rss
from testkit.waiting import wait_for
from testkit.watcher import add_feed, news, watcher_on


def mention(key: str, n: int = 0, hours: float = 0.1, **kw) -> Item:
    fields = {
        "title": f"Navina {key} pra Bialiatskaha {n}",
        "text": BIALIATSKI,
        "guid": key,
        "link": f"https://example.org/news/{key}",
        "date": ago(hours),
    }
    return Item(**{**fields, **kw})


async def test_first_poll_marks_existing_items_seen_without_alerting(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss([mention("old1"), mention("old2"), *numbered(3)]))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            first = await w.poll(feed.id, force=True)
            assert (first.status, first.new, first.alerts) == ("ok", 5, 0)
            srv.add("/f", rss([mention("new1"), mention("old1"), mention("old2"), *numbered(3)]))
            second = await w.poll(feed.id, force=True)
            assert (second.new, second.alerts) == (1, 1)
    [alert] = await news(storage)
    assert alert.link == "https://example.org/news/new1"
    assert alert.prisoners == ["ales-bjaljackiy"] and "ik-9-horki" in alert.facilities


async def test_backfill_hours_alerts_recent_items_on_first_poll(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss([mention("recent", hours=1), mention("older", hours=5)]))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage, backfill_hours=2) as w:
            assert (await w.poll(feed.id, force=True)).alerts == 1
    assert [a.link for a in await news(storage)] == ["https://example.org/news/recent"]


async def test_reordered_edited_and_restarted_never_resend(storage: Storage) -> None:
    items = [mention("a", 1), mention("b", 2), mention("c", 3)]
    async with FeedServer() as srv:
        srv.add("/f", rss(items[:1]))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            await w.poll(feed.id, force=True)  # baseline: a
            srv.add("/f", rss(items))
            assert (await w.poll(feed.id, force=True)).alerts == 2  # b, c
            srv.add("/f", rss(list(reversed(items))))  # reordered
            assert (await w.poll(feed.id, force=True)).alerts == 0
            edited = [Item(**{**vars(i), "text": i.text + " Абноўлена."}) for i in items]
            edited[0].title += " (updated)"
            srv.add("/f", rss(edited))  # edited text and title, same guids
            assert (await w.poll(feed.id, force=True)).new == 0
        async with watcher_on(storage, seed=False) as w2:  # a restart: fresh process state
            assert (await w2.poll(feed.id, force=True)).new == 0
    assert len(await news(storage)) == 2


async def test_duplicate_guids_inside_one_feed(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss([]))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            await w.poll(feed.id, force=True)
            same = mention("dup", 1)
            other = mention(
                "dup",
                2,
                link="https://example.org/news/other",
                title="Other story on Bialiatski case today",
            )
            srv.add("/f", rss([same, same, other]))  # a true repeat, and a guid shared by two
            outcome = await w.poll(feed.id, force=True)
            assert (outcome.new, outcome.alerts) == (2, 2)
            assert (await w.poll(feed.id, force=True)).new == 0


async def test_missing_guids_identified_by_link_or_title(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss([]))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            await w.poll(feed.id, force=True)
            no_guid = mention("x", guid=None)
            nothing = Item("Bialiatski: a story with neither guid nor link", BIALIATSKI)
            srv.add("/f", rss([no_guid, nothing]))
            assert (await w.poll(feed.id, force=True)).alerts == 2
            srv.add("/f", rss([nothing, no_guid]))
            assert (await w.poll(feed.id, force=True)).new == 0


async def test_feed_that_changes_all_guids_does_not_flood(storage: Storage) -> None:
    """New guids, same links: seen by link. New guids and links, same titles: seen by title."""
    items = [mention(f"g{i}", i) for i in range(5)]
    async with FeedServer() as srv:
        srv.add("/f", rss(items))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            await w.poll(feed.id, force=True)
            srv.add("/f", rss([Item(**{**vars(i), "guid": "new-" + i.guid}) for i in items]))
            assert (await w.poll(feed.id, force=True)).new == 0
            moved = [
                Item(**{**vars(i), "guid": "v3-" + i.guid, "link": i.link.replace("news", "n")})
                for i in items
            ]
            srv.add("/f", rss(moved))
            assert (await w.poll(feed.id, force=True)).new == 0
    assert await news(storage) == []


async def test_one_bad_feed_never_delays_or_breaks_the_others(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.trickle("/slow")
        srv.add("/500", status=500)
        srv.add("/garbage", b"\x00\xffnot a feed<<<", content_type="text/html")
        srv.add(
            "/html",
            b"<!doctype html><html><title>Challenge</title></html>",
            content_type="text/html",
        )
        srv.add("/good", rss([]))
        bad = [await add_feed(storage, srv.url(p)) for p in ("/slow", "/500", "/garbage", "/html")]
        good = await add_feed(storage, srv.url("/good"))
        async with watcher_on(storage) as w:
            await w.once()  # baseline for all
            srv.add("/good", rss([mention("fresh")]))
            store = FeedStore(storage)
            for feed in [*bad, good]:  # everything due now
                await storage.redis.zadd(
                    FeedKeys.of(storage.keys).feeds_due, {feed.id: time.time()}
                )
            stop = asyncio.Event()
            loop = asyncio.create_task(w.run(stop))
            started = time.monotonic()
            await wait_for(lambda: news(storage), timeout=10, message="the good feed's alert")
            assert time.monotonic() - started < 2.0  # the trickling feed takes 3 s to time out
            await wait_for(
                lambda: _all_errors(store, bad), timeout=10, message="bad feeds recorded"
            )
            stop.set()
            await loop
        states = await store.states()
        assert states[good.id].errors == 0 and states[good.id].polls == 2
        assert "timed out" in states[bad[0].id].last_error
        assert "500" in states[bad[1].id].last_error
        assert "not a feed" in states[bad[3].id].last_error


async def _all_errors(store: FeedStore, feeds) -> bool:
    states = await store.states()
    return all(states[f.id].errors >= 2 for f in feeds)


async def test_304_keeps_state_and_seen_items(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss(numbered(3)), etag='"v1"')
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            await w.poll(feed.id, force=True)
            outcome = await w.poll(feed.id, force=True)
        assert outcome.status == "not_modified"
        assert srv.requests["/f"][-1]["If-None-Match"] == '"v1"'
        state = await FeedStore(storage).state(feed.id)
        assert (state.etag, state.polls, state.errors, state.last_items) == ('"v1"', 2, 0, 3)
        assert await w.seen.count(feed.id) > 0


async def test_429_retry_after_lengthens_next_check_without_cap(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", status=429, headers={"Retry-After": str(3 * 86400)})
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage) as w:
            before = time.time()
            await w.poll(feed.id, force=True)
        state = await FeedStore(storage).state(feed.id)
        assert state.next_check >= before + 3 * 86400  # more than the one-day backoff cap
        assert await FeedStore(storage).due_score(feed.id) == state.next_check


async def test_cache_hints_lengthen_up_to_15_minutes(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/maxage", rss([]), headers={"Cache-Control": "max-age=7200"})
        srv.add("/ttl", rss([], ttl=5))
        a = await add_feed(storage, srv.url("/maxage"))
        b = await add_feed(storage, srv.url("/ttl"))
        async with watcher_on(storage, poll_interval=60) as w:
            now = time.time()
            await w.once()
        states = await FeedStore(storage).states()
        assert 900 - 7 <= states[a.id].next_check - now <= 900 + 8  # ±10 % of 60 s
        assert 300 - 7 <= states[b.id].next_check - now <= 300 + 8


async def test_errors_back_off_exponentially_and_flag_once_after_24h(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", status=503)
        feed = await add_feed(storage, srv.url("/f"))
        store = FeedStore(storage)
        told: list[str] = []

        async def notice(text: str) -> None:
            told.append(text)

        async with watcher_on(storage, poll_interval=60, on_notice=notice) as w:
            delays = []
            for _ in range(4):
                now = time.time()
                await w.poll(feed.id, force=True)
                delays.append((await store.state(feed.id)).next_check - now)
            for expected, got in zip([60, 120, 240, 480], delays, strict=True):
                assert expected - 7 <= got <= expected + 7
            state = await store.state(feed.id)
            assert state.flagged_at is None
            state.failing_since = time.time() - 25 * 3600
            await store.put_state(feed.id, state)
            await w.poll(feed.id, force=True)
            await w.poll(feed.id, force=True)
        state = await store.state(feed.id)
        assert state.flagged_at is not None and state.errors == 6
        notices = await storage.redis.xrange(storage.keys.admin_notices)
        assert len(notices) == 1 and feed.id.encode() in notices[0][1][b"text"]
        assert len(told) == 1 and feed.id in told[0]  # and the admins are told


async def test_a_poll_frees_its_lease_and_a_busy_feed_is_skipped(storage: Storage) -> None:
    async with FeedServer() as srv:
        srv.add("/f", rss(numbered(2)))
        feed = await add_feed(storage, srv.url("/f"))
        lease = FeedKeys.of(storage.keys).feed_lease(feed.id)
        async with watcher_on(storage) as w:
            assert (await w.poll(feed.id, force=True)).status == "ok"
            assert not await storage.redis.exists(lease)  # freed with the poll's writes
            await storage.redis.set(lease, "another-watcher", px=5000)
            busy = await w.poll(feed.id)
            assert (busy.status, busy.message) == ("skipped", "leased by another watcher")
            assert await storage.redis.get(lease) == b"another-watcher"  # not ours to free
    assert srv.hits["/f"] == 1


async def test_two_watchers_never_fetch_the_same_feed_at_once(
    storage: Storage, redis_url: str, prefix: str, tmp_path
) -> None:
    from feeds.storage.connection import connect

    current: dict[str, int] = {}
    worst: dict[str, int] = {}

    def slow(path: str):
        async def handler(request: web.Request) -> web.Response:
            current[path] = current.get(path, 0) + 1
            worst[path] = max(worst.get(path, 0), current[path])
            await asyncio.sleep(0.1)
            current[path] -= 1
            return web.Response(body=rss([]), content_type="application/rss+xml")

        return handler

    other = await connect(redis_url, tmp_path, prefix)  # a second connection, as a 2nd process
    try:
        async with FeedServer() as srv:
            paths = [f"/f{i}" for i in range(12)]
            for p in paths:
                srv.handle(p, slow(p))
                await add_feed(storage, srv.url(p))
            async with watcher_on(storage) as w1, watcher_on(other, seed=False) as w2:
                stop = asyncio.Event()
                loops = [asyncio.create_task(w.run(stop)) for w in (w1, w2)]
                await wait_for(lambda: all(srv.hits[p] for p in paths), timeout=10)
                await wait_for(lambda: not w1._inflight and not w2._inflight, timeout=10)
                stop.set()
                await asyncio.gather(*loops)
                both = await asyncio.gather(w1.once(), w2.once())  # forced: each polls all
        assert all(worst[p] == 1 for p in paths)
        assert sum(o.status != "skipped" for o in both[0].outcomes) >= 12
        assert all(srv.hits[p] == 3 for p in paths)  # once in the loop, once per once()
    finally:
        await other.close()


async def test_same_story_from_two_feeds_is_one_alert_listing_both(storage: Storage) -> None:
    printed = []
    async with FeedServer() as srv:
        srv.add("/a", rss([]))
        srv.add("/b", rss([]))
        a = await add_feed(storage, srv.url("/a"), name="Outlet A")
        b = await add_feed(storage, srv.url("/b"), name="Outlet B")
        async with watcher_on(storage, on_alert=printed.append) as w:
            await w.once()
            story = "Алеся Бяляцкага перавялі ў калонію ў Горках"
            srv.add(
                "/a",
                rss(
                    [mention("s1", title=story, link="https://outlet-a.example/s1?utm_source=rss")]
                ),
            )
            srv.add(
                "/b", rss([mention("s2", title=story + "!", link="https://outlet-b.example/x")])
            )
            stats = await w.once()
            assert stats.alerts == 1
            await w.once()  # nothing new
    [alert] = await news(storage)
    stream = [a.kind for a in printed]
    assert stream == ["news", "sources"]
    assert {s.feed_name for s in printed[-1].sources} == {"Outlet A", "Outlet B"}
    assert printed[-1].id == alert.id
    events = await w.timeline.get("ales-bjaljackiy")
    assert len(events) == 1 and len(events[0].sources) == 2
    assert {a.id, b.id} == {s.feed_id for s in printed[-1].sources}


async def test_registry_bump_rebuilds_engine_and_matches_new_prisoner(storage: Storage) -> None:
    from feeds.registry.models import Prisoner
    from feeds.registry.store import RegistryStore

    text = "Суд у Гомелі асудзіў Зміцера Квяткоўскага-Пятроўскага на пяць гадоў калоніі."
    async with FeedServer() as srv:
        srv.add("/f", rss([]))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage, registry_check=0.05) as w:
            await w.poll(feed.id, force=True)
            built = w.engine.rebuilds
            await RegistryStore(storage).merge(
                [Prisoner(id="zmicer-test", name_be="Зміцер Квяткоўскі-Пятроўскі", gender="male")]
            )
            stop = asyncio.Event()
            loop = asyncio.create_task(w.run(stop))
            await wait_for(lambda: w.engine.rebuilds > built, timeout=10, message="rebuild")
            stop.set()
            await loop
            srv.add("/f", rss([Item("Прысуд", text, guid="z1", link="https://e.org/z1")]))
            assert (await w.poll(feed.id, force=True)).alerts == 1
    [alert] = await news(storage)
    assert alert.prisoners == ["zmicer-test"]


async def test_worker_processes_parse_large_feeds_and_scan_new_items(storage: Storage) -> None:
    """With worker processes, a large feed (parsed there) and its new items (scanned there) give
    the same alerts as without."""
    filler = [*numbered(40, text="Навіны рэгіёнаў: " + "эканоміка і надвор'е. " * 30)]
    async with FeedServer() as srv:
        srv.add("/f", rss(filler))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage, parse_processes=1) as w:
            assert (await w.poll(feed.id, force=True)).new == 40  # baseline
            body = rss([mention("w1"), mention("w2"), *filler])
            assert len(body) >= THREAD_THRESHOLD  # large enough for a worker
            srv.add("/f", body)
            second = await w.poll(feed.id, force=True)
            assert w._pool is not None
    assert (second.new, second.alerts) == (2, 2)
    assert [a.prisoners for a in await news(storage)] == [["ales-bjaljackiy"]] * 2


async def test_a_registry_change_replaces_the_workers_with_ones_holding_the_new_build(
    storage: Storage,
) -> None:
    """The new prisoner is found at once, and the old pool goes: its processes exit."""
    from feeds.registry.models import Prisoner
    from feeds.registry.store import RegistryStore

    text = "Суд у Гомелі асудзіў Зміцера Квяткоўскага-Пятроўскага на пяць гадоў калоніі."
    filler = [*numbered(40, text="Навіны рэгіёнаў: " + "эканоміка і надвор'е. " * 30)]
    async with FeedServer() as srv:
        srv.add("/f", rss(filler))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage, parse_processes=1) as w:
            await w.poll(feed.id, force=True)  # baseline
            old = w._pool
            assert old is not None
            old_pids = old.pids()
            await RegistryStore(storage).merge(
                [Prisoner(id="zmicer-test", name_be="Зміцер Квяткоўскі-Пятроўскі")]
            )
            srv.add("/f", rss([Item(title="Суд", text=text, guid="z1", date=ago(0.1)), *filler]))
            await w.once()
            assert w._pool is not old and w._pool.tag == w.engine.tag
            await asyncio.to_thread(old._zygote.join, 30)
    assert [a.prisoners for a in await news(storage)] == [["zmicer-test"]]
    assert old._zygote.exitcode == 0 and old_pids[0] == old._zygote.pid


async def test_a_dead_worker_loses_nothing_and_the_pool_is_replaced(storage: Storage) -> None:
    """A worker killed (out of memory, say): the feed is still parsed and scanned, here, with the
    engine compiled again (the watcher lent its own to the workers), and the next schedule step
    starts a new pool."""
    import os
    import signal

    filler = [*numbered(40, text="Навіны рэгіёнаў: " + "эканоміка і надвор'е. " * 30)]
    async with FeedServer() as srv:
        srv.add("/f", rss(filler))
        feed = await add_feed(storage, srv.url("/f"))
        async with watcher_on(storage, parse_processes=1) as w:
            await w.poll(feed.id, force=True)  # baseline, through the worker
            broken = w._pool
            assert broken is not None
            assert w.engine.engine is None  # lent: the worker holds the engine
            [worker] = broken.pids()  # the zygote, the only worker
            os.kill(worker, signal.SIGKILL)
            await wait_for(lambda: broken._zygote.exitcode is not None, 30)  # dead and reaped
            await asyncio.to_thread(broken.submit(int, "1").exception, 30)  # the pool notices
            assert broken.broken
            srv.add("/f", rss([mention("d1"), mention("d2"), *filler]))
            second = await w.poll(feed.id, force=True)
            assert w.engine.engine is not None  # compiled again here to scan these items
            w._renew_pool()
            assert w.engine.engine is None  # lent to the new workers
            assert w._pool is not broken and not w._pool.broken
    assert (second.status, second.new, second.alerts) == ("ok", 2, 2)
    assert [a.prisoners for a in await news(storage)] == [["ales-bjaljackiy"]] * 2


async def test_a_starting_watcher_opens_the_fanout_group(storage: Storage) -> None:
    """So alerts it makes before the first sender starts are delivered, not skipped."""
    from feeds.watching.keys import FANOUT_GROUP

    async with watcher_on(storage):
        groups = await storage.redis.xinfo_groups(WatchKeys.of(storage.keys).alerts)
    assert [g["name"] for g in groups] == [FANOUT_GROUP.encode()]


async def test_automatic_workers_start_only_when_a_cycle_kept_the_watcher_busy(
    storage: Storage,
) -> None:
    """Workers cost memory: in automatic mode none start until the watcher spent at least
    WORKERS_AT of a cycle's wall time on the CPU."""
    from feeds.watching.watcher import WORKERS_AT

    async with watcher_on(storage) as w:
        if w._pool_size == 0:
            return  # one core: never any workers (covered by _auto_processes)
        w._cpu_mark = time.process_time()
        w._workers_if_busy(duration=100.0)  # an idle cycle
        assert w._pool is None
        started = time.process_time()
        while time.process_time() - started < 0.3:  # a busy cycle: burn CPU for real
            sum(range(1000))
        w._workers_if_busy(duration=0.3 / WORKERS_AT * 0.9)
        assert w._pool is not None


def test_automatic_workers_leave_the_watcher_its_core(monkeypatch) -> None:
    """One worker per core but the watcher's own, at most four; none on one core (a worker
    there would only take turns with the event loop, and cost an interpreter's memory)."""
    import os

    from feeds.watching import watcher

    sizes = {}
    for cores in (1, 2, 3, 8):
        monkeypatch.setattr(os, "sched_getaffinity", lambda _pid, n=cores: set(range(n)))
        sizes[cores] = watcher._auto_processes()
    assert sizes == {1: 0, 2: 1, 3: 2, 8: 4}
