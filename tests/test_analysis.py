"""The engine host: scans in worker processes give the same alerts as scans here, and a worker
follows registry changes (it is sent the targets once per build, and only when it lacks them)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor

import pytest

from feeds.analysis import EngineHost
from feeds.parsing import FeedItem
from feeds.registry.bundled import bundled_targets
from feeds.registry.models import Prisoner
from feeds.registry.store import RegistryStore
from feeds.sources import FeedSource
from feeds.storage import Storage
from testkit.rss import BIALIATSKI, NOBODY

NEW_PRISONER = "Суд у Гомелі асудзіў Зміцера Квяткоўскага-Пятроўскага на пяць гадоў калоніі."


class CountingPool(Executor):
    """A real process pool that counts the calls it is given, and those carrying targets."""

    def __init__(self, pool: ProcessPoolExecutor) -> None:
        self.pool = pool
        self.calls = 0
        self.with_targets = 0

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        self.calls += 1
        self.with_targets += args[1] is not None
        return self.pool.submit(fn, *args, **kwargs)


@pytest.fixture(scope="module")
def process_pool() -> Iterator[ProcessPoolExecutor]:
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    yield pool
    pool.shutdown(cancel_futures=True)


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


async def test_worker_scans_match_scans_here(
    storage: Storage, process_pool: ProcessPoolExecutor
) -> None:
    await RegistryStore(storage).merge(bundled_targets())
    host = EngineHost(RegistryStore(storage))
    await host.load()
    items = [item("a", BIALIATSKI), item("b", NOBODY), item("c", BIALIATSKI + " " + NOBODY)]
    texts = [i.text for i in items]
    pool = CountingPool(process_pool)
    try:
        there = await host.analyse_all(items, texts, SOURCE, pool)
        here = await host.analyse_all(items, texts, SOURCE)
    finally:
        await host.close()
    assert [_content(a) for a in there] == [_content(a) for a in here]
    assert there[0] is not None and there[0].prisoners == ["ales-bjaljackiy"]
    assert there[1] is None
    assert pool.calls >= 1 and pool.with_targets <= 1  # the targets went at most once


async def test_worker_follows_a_registry_change_once_per_build(
    storage: Storage, process_pool: ProcessPoolExecutor
) -> None:
    registry = RegistryStore(storage)
    await registry.merge(bundled_targets())
    host = EngineHost(registry)
    await host.load()
    pool = CountingPool(process_pool)
    news = [item("z", NEW_PRISONER)]
    try:
        [before] = await host.analyse_all(news, [NEW_PRISONER], SOURCE, pool)
        sent = pool.with_targets
        await host.analyse_all(news, [NEW_PRISONER], SOURCE, pool)
        assert pool.with_targets == sent  # same build: the worker keeps its engine
        await registry.merge(
            [Prisoner(id="zmicer-test", name_be="Зміцер Квяткоўскі-Пятроўскі", gender="male")]
        )
        await host.load()
        [after] = await host.analyse_all(news, [NEW_PRISONER], SOURCE, pool)
    finally:
        await host.close()
    assert before is None or "zmicer-test" not in before.prisoners
    assert after is not None and after.prisoners == ["zmicer-test"]
    assert pool.with_targets == sent + 1  # the new build went to the worker once


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
    from feeds.analysis import INLINE_SCAN

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
