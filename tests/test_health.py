"""``/healthz`` and ``/metrics`` on PORT: numbers read from Redis, so any process judges the others.

In process: a ``WebServer`` on the storage under test, with watcher cycles, sender heartbeats,
counters and queued deliveries written the way the watcher and the sender write them. As a
subprocess: ``run`` in console mode answers both, and ``/stats`` in Telegram shows the same numbers.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.ops.metrics import SENDER_STALE, snapshot, stats_fields, watcher_stale_after
from bot.ops.settings import load_settings
from bot.ops.web import WebServer
from feeds.registry.keys import RegistryKeys
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from subscriptions.deliveries import Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.outcomes import count
from testkit.roles import Role, get, roles
from testkit.waiting import wait_for


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.chdir(tmp_path)
    for name in ("WEBHOOK_URL", "WEBHOOK_SECRET", "PORT", "POLL_INTERVAL"):
        monkeypatch.delenv(name, raising=False)
    return load_settings(
        port=0,
        listen_host="127.0.0.1",
        poll_interval=30,
        telegram_bot_token="123456789:AAExampleExampleExampleExampleExample12",
    )


async def _beat_watcher(storage: Storage, at: float, **counts: int) -> None:
    await storage.redis.hset(WatchKeys.of(storage.keys).watcher_cycle, mapping={"at": at, **counts})
    if counts:
        await storage.redis.hset(WatchKeys.of(storage.keys).watcher_counters, mapping=counts)


async def _beat_sender(storage: Storage, at: float, consumer: str = "s1") -> None:
    await storage.redis.zadd(SubscriptionKeys.of(storage.keys).sender_beats, {consumer: at})


async def test_healthz_names_the_stale_parts(storage: Storage, settings) -> None:
    server = WebServer(storage, settings)
    port = await server.start()
    url = f"http://127.0.0.1:{port}/healthz"
    try:
        status, body = await get(url)
        assert status == 503
        answer = json.loads(body)
        assert answer["redis"] == "ok"
        assert answer["failing"] == ["watcher", "sender"]

        now = time.time()
        await _beat_watcher(storage, now - 1)
        status, body = await get(url)
        assert status == 503 and json.loads(body)["failing"] == ["sender"]

        await _beat_sender(storage, now - 1)
        server.status["bot"] = "polling"
        status, body = await get(url)
        answer = json.loads(body)
        assert status == 200, answer
        assert answer["status"] == "ok" and answer["bot"] == "polling"
        assert "failing" not in answer

        # an old poll cycle, an old heartbeat: stale again
        await _beat_watcher(storage, now - watcher_stale_after(settings) - 5)
        await _beat_sender(storage, now - SENDER_STALE - 5)
        status, body = await get(url)
        assert status == 503 and json.loads(body)["failing"] == ["watcher", "sender"]
    finally:
        await server.stop()


async def test_console_mode_does_not_wait_for_a_sender(storage: Storage, settings) -> None:
    console = settings.model_copy(update={"telegram_bot_token": None})
    server = WebServer(storage, console)
    port = await server.start()
    try:
        await _beat_watcher(storage, time.time())
        status, body = await get(f"http://127.0.0.1:{port}/healthz")
        assert status == 200, body
        assert "console" in json.loads(body)["sender"]
    finally:
        await server.stop()


async def test_metrics_read_the_counters_of_every_process(storage: Storage, settings) -> None:
    now = time.time()
    await _beat_watcher(
        storage, now, polled=12, changed=3, unchanged=8, failed=1, items=5, alerts=2
    )
    await _beat_sender(storage, now)
    async with storage.redis.pipeline(transaction=False) as pipe:
        count(pipe, SubscriptionKeys.of(storage.keys), "2030-01-01", "sent", 40)
        count(pipe, SubscriptionKeys.of(storage.keys), "2030-01-01", "rate_limited", 3)
        count(pipe, SubscriptionKeys.of(storage.keys), "2030-01-01", "blocked", 2)
        await pipe.execute()
    queue = DeliveryQueue(storage)
    await queue.ensure_groups()
    old = Delivery(id="a:x:1", chat_id=1, params={"text": "x"}, created_at=now - 42)
    await queue.enqueue([old, Delivery(id="a:x:2", chat_id=2, params={"text": "y"})])
    await queue.enqueue([Delivery(id="b:x:3", chat_id=3, lane=Lane.BROADCAST, kind="broadcast")])

    server = WebServer(storage, settings)
    port = await server.start()
    try:
        status, text = await get(f"http://127.0.0.1:{port}/metrics")
    finally:
        await server.stop()
    assert status == 200
    samples = _samples(text)
    assert samples["vestka_feeds_polled_total"] == 12
    assert samples["vestka_feeds_unchanged_total"] == 8
    assert samples["vestka_feeds_failed_total"] == 1
    assert samples["vestka_feed_items_total"] == 5
    assert samples["vestka_alerts_total"] == 2
    assert samples['vestka_messages_total{outcome="sent"}'] == 40
    assert samples['vestka_messages_total{outcome="blocked"}'] == 2
    assert samples["vestka_telegram_429_total"] == 3
    assert samples['vestka_queue_length{queue="alerts"}'] == 2
    assert samples['vestka_queue_length{queue="broadcast"}'] == 1
    assert 41 <= samples['vestka_sender_lag_seconds{lane="alerts"}'] < 60
    assert samples["vestka_senders"] == 1

    # /stats reads the same function
    fields = stats_fields(await snapshot(storage, settings.zone))
    assert (fields["polled"], fields["items"], fields["floods"]) == (12, 5, 3)
    assert fields["lag"] >= 42


def _samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            out[name] = float(value)
    return out


async def test_run_serves_healthz_and_metrics(cli_env: dict[str, str], tmp_path: Path) -> None:
    from testkit.roles import free_port

    port = free_port()
    env = {**cli_env, "PORT": str(port), "POLL_INTERVAL": "10", "LOG_LEVEL": "INFO"}
    async with roles(Role("run", env, tmp_path)) as (run,):
        url = f"http://127.0.0.1:{port}"
        answer = await wait_for(
            lambda: _ok(get(f"{url}/healthz")), timeout=60, message="/healthz 200"
        )
        body = json.loads(answer[1])
        assert body["redis"] == body["watcher"] == "ok"
        status, text = await get(f"{url}/metrics")
        assert status == 200 and "vestka_feeds_polled_total" in text
        code, took = await run.terminate()
        assert code == 0 and took < 10
        assert "http listening" in run.log()


async def _ok(probe):
    answer = await probe
    return answer if answer is not None and answer[0] == 200 else None


async def test_healthz_names_a_registry_sync_that_applied_nothing(
    storage: Storage, settings
) -> None:
    from feeds.registry.sync import SourceState

    state = SourceState(last_error="it shrank from 3000 to 12 records")
    url = "https://registry.example/export.json?key=s3cret"
    await storage.redis.hset(
        RegistryKeys.of(storage.keys).registry_sync, url, state.model_dump_json()
    )
    now = time.time()
    await _beat_watcher(storage, now - 1)
    await _beat_sender(storage, now - 1)
    server = WebServer(storage, settings)
    port = await server.start()
    try:
        status, body = await get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await server.stop()
    answer = json.loads(body)
    assert status == 200, answer  # the registry is as it was, and usable: named, not failed
    assert answer["registry_sync"] == {
        "https://registry.example/export.json": "it shrank from 3000 to 12 records"
    }
    assert "s3cret" not in body
