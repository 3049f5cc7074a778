"""The engine host: scans in the worker processes give the same alerts as scans here, and after a
registry change the host scans here until the pool holding the new build replaces the old one."""

from __future__ import annotations

from feeds.fetching.items import FeedItem
from feeds.fetching.sources import FeedSource
from feeds.registry.bundled import bundled_targets
from feeds.registry.models import Prisoner
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.analysis import EngineHost
from testkit.rss import BIALIATSKI, NOBODY

NEW_PRISONER = "Суд у Гомелі асудзіў Зміцера Квяткоўскага-Пятроўскага на пяць гадоў калоніі."


def item(key: str, text: str) -> FeedItem:
    return FeedItem(
        guid=key,
        link=f"https://example.org/{key}",
        title=f"Навіна {key}",
        text=text,
        published=None,
        fingerprint=f"g:{key}",
        keys=(f"g:{key}",),
    )


def _content(alert) -> dict | None:
    return alert.model_dump(exclude={"created_at"}) if alert is not None else None


SOURCE = FeedSource(id="f1", url="https://example.org/rss", name="Outlet", lang="be")


async def test_worker_scans_match_scans_here(storage: Storage) -> None:
    await RegistryStore(storage).merge(bundled_targets())
    host = EngineHost(RegistryStore(storage))
    await host.load()
    items = [item("a", BIALIATSKI), item("b", NOBODY), item("c", BIALIATSKI + " " + NOBODY)]
    texts = [i.text for i in items]
    pool = host.pool(1)
    answered: list = []
    submit = pool.submit

    def watched(fn, /, *args):  # the real pool; only its answers are kept
        future = submit(fn, *args)
        future.add_done_callback(lambda f: answered.append(f.result()))
        return future

    pool.submit = watched
    try:
        there = await host.analyse_all(items, texts, SOURCE, pool)
        here = await host.analyse_all(items, texts, SOURCE)
    finally:
        pool.shutdown()
        await host.close()
    assert [_content(a) for a in there] == [_content(a) for a in here]
    assert there[0] is not None and there[0].prisoners == ["ales-bjaljackiy"]
    assert there[1] is None
    assert len(answered) == 1 and len(answered[0]) == 3  # the worker scanned all three


async def test_a_pool_of_the_previous_build_is_not_asked_to_scan(storage: Storage) -> None:
    """The registry changed and the pool still holds the old engine: the host scans here, so
    the new prisoner is found at once and the pool is never asked (its scans would be stale)."""
    registry = RegistryStore(storage)
    await registry.merge(bundled_targets())
    host = EngineHost(registry)
    await host.load()
    pool = host.pool(1)
    news = [item("z", NEW_PRISONER)]
    try:
        [before] = await host.analyse_all(news, [NEW_PRISONER], SOURCE, pool)
        await registry.merge(
            [Prisoner(id="zmicer-test", name_be="Зміцер Квяткоўскі-Пятроўскі", gender="male")]
        )
        await host.load()
        assert pool.tag != host.tag
        pool.shutdown()  # a pool that is asked anything now would raise
        [after] = await host.analyse_all(news, [NEW_PRISONER], SOURCE, pool)
    finally:
        pool.shutdown()
        await host.close()
    assert before is None or "zmicer-test" not in before.prisoners
    assert after is not None and after.prisoners == ["zmicer-test"]


async def test_a_story_about_one_of_two_namesakes_reaches_both(storage: Storage) -> None:
    """Two records share a full name: the alert is not dropped; it names both as namesakes."""
    await RegistryStore(storage).merge(
        [
            Prisoner(id="frantskevich-1", name_en="Aliaksandr Frantskevich"),
            Prisoner(id="frantskevich-2", name_en="Aliaksandr Frantskevich"),
        ]
    )
    host = EngineHost(RegistryStore(storage))
    await host.load()
    text = "Aliaksandr Frantskevich was moved to a colony, his lawyer said."
    try:
        [alert] = await host.analyse_all([item("n", text)], [text], SOURCE)
    finally:
        await host.close()
    assert alert is not None and alert.prisoners == []
    assert alert.namesakes == [["frantskevich-1", "frantskevich-2"]]
    assert set(alert.targets) == {"frantskevich-1", "frantskevich-2"}
    assert alert.namesake_of("frantskevich-2")


async def test_a_large_batch_is_scanned_in_the_thread_with_the_same_alerts(
    storage: Storage,
) -> None:
    """A feed's few new items are scanned on the event loop; a batch over INLINE_SCAN in the scan
    thread: the alerts are the same."""
    from feeds.watching.analysis import INLINE_SCAN

    await RegistryStore(storage).merge(bundled_targets())
    host = EngineHost(RegistryStore(storage))
    await host.load()
    small = [item("a", BIALIATSKI), item("b", NOBODY)]
    filler = " " + NOBODY * (INLINE_SCAN // len(NOBODY) + 1)
    large = [item("a", BIALIATSKI + filler), item("b", NOBODY + filler)]
    seen_threads: list[str] = []
    original = host._thread.submit

    def counting(fn, /, *args, **kwargs):
        seen_threads.append(fn.__name__)
        return original(fn, *args, **kwargs)

    host._thread.submit = counting  # type: ignore[method-assign]
    try:
        inline = await host.analyse_all(small, [i.text for i in small], SOURCE)
        assert seen_threads == []
        threaded = await host.analyse_all(large, [i.text for i in large], SOURCE)
        assert seen_threads == ["scan_all"]
    finally:
        await host.close()
    assert [a.prisoners if a else None for a in inline] == [["ales-bjaljackiy"], None]
    assert [a.prisoners if a else None for a in threaded] == [["ales-bjaljackiy"], None]


async def test_a_lent_engine_is_compiled_again_once_when_needed(storage: Storage) -> None:
    """The watcher lent its engine to the workers; three feeds that must be scanned here at
    once (the workers died) wait for one compile, and get the same engine, which finds people."""
    import asyncio

    await RegistryStore(storage).merge(bundled_targets())
    host = EngineHost(RegistryStore(storage))
    await host.load()
    try:
        host.lend()
        assert host.engine is None
        engines = await asyncio.gather(*(host.current_engine() for _ in range(3)))
        [alert] = await host.analyse_all([item("a", BIALIATSKI)], [BIALIATSKI], SOURCE)
    finally:
        await host.close()
    assert engines[0] is engines[1] is engines[2] is host.engine
    assert alert is not None and alert.prisoners == ["ales-bjaljackiy"]


def test_a_text_the_engine_fails_on_is_logged_and_names_nobody_the_rest_is_read(caplog) -> None:
    """A malformed document (here bytes, not text) fails inside the engine: its scan reads as
    naming nobody, with an error log saying which item, and the batch's other texts are read."""
    import logging

    from feeds.mentions import compile_registry
    from feeds.watching import workers

    engine = compile_registry(bundled_targets())
    docs = [(b"Ales Bialiatski", None), ("Ales Bialiatski was moved to another colony.", None)]
    logger = logging.getLogger("feeds.watching.workers")
    logger.addHandler(caplog.handler)  # the process's log set-up may not propagate to the root
    try:
        results = workers.scan_all(engine, docs, "en")  # type: ignore[arg-type]
    finally:
        logger.removeHandler(caplog.handler)
    assert not (results[0].prisoners or results[0].facilities)
    assert results[1].prisoners == ("ales-bjaljackiy",)
    assert "mention engine failed" in caplog.text and "bytes" in caplog.text
