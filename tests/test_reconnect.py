"""Redis drops and comes back under a running ``run``: the process stays up, ``/healthz`` says
"redis down" meanwhile, every loop carries on afterwards (fresh poll cycles and sender heartbeats,
the bot answers), and an item published while Redis was away still reaches the subscriber, once.

The Redis server is the test's own (``redis-server`` on a free port, append-only file on), stopped
and started again on the same port and folder.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import redis.asyncio as aioredis

from feeds.fetching.sources import FeedStore
from feeds.storage.connection import Storage
from feeds.storage.keys import StorageKeys
from testkit.botapi import FakeBotAPI
from testkit.feedserver import FeedServer
from testkit.roles import RedisServer, Role, free_port, get, live_env, roles
from testkit.rss import BIALIATSKI, Item, numbered, rss
from testkit.waiting import wait_for

USER = 901


async def _health(port: int) -> tuple[int, dict] | None:
    answer = await get(f"http://127.0.0.1:{port}/healthz")
    return (answer[0], json.loads(answer[1])) if answer else None


async def test_run_survives_a_redis_restart(cli_env: dict[str, str], tmp_path: Path) -> None:
    with RedisServer(tmp_path / "redis") as server:
        async with FeedServer() as feeds, FakeBotAPI() as api:
            feeds.add("/rss", rss(numbered(3)))
            feed_list = tmp_path / "feeds.txt"
            feed_list.write_text(f"{feeds.url('/rss')} be Test outlet\n")
            port = free_port()
            env = live_env(
                cli_env, api, feed_list, REDIS_URL=server.url, PORT=str(port), LOG_LEVEL="INFO"
            )
            async with roles(Role("run", env, tmp_path)) as (run,):

                async def healthy():
                    answer = await _health(port)
                    return answer if answer and answer[0] == 200 else None

                await wait_for(healthy, timeout=60, message="/healthz 200 at start")
                api.send_text(USER, "/subscribe Bialiatski")
                await api.wait_for_call("sendMessage", lambda c: c.chat_id == USER, timeout=60)
                await wait_for(lambda: feeds.hits["/rss"] >= 1, timeout=60, message="first poll")
                # ... and its state written (the poll took stock of the feed's items): an item
                # published while Redis is away is news only to a watcher that knew the others
                await wait_for(
                    lambda: _first_poll_recorded(server.url, env["REDIS_PREFIX"]),
                    timeout=30,
                    message="the first poll's state in Redis",
                )

                server.stop()
                down = await wait_for(
                    lambda: _redis_down(port), timeout=30, message="/healthz 503 redis down"
                )
                assert down["failing"] == ["redis"]
                fresh = Item(
                    "Бяляцкага зноў перавялі",
                    BIALIATSKI,
                    guid="fresh-1",
                    link="https://example.org/news/1",
                    date=datetime.now(UTC),
                )
                feeds.add("/rss", rss([fresh, *numbered(3)]))  # published while Redis is away
                hits = feeds.hits["/rss"]
                # down for longer than redis-py's own retries: the loops see the errors
                await wait_for(
                    lambda: "storage unavailable" in run.log(),
                    timeout=30,
                    message="the loops to notice the outage",
                )
                assert run.alive

                server.start()
                back = time.time()
                _status, body = await wait_for(healthy, timeout=60, message="/healthz 200 again")
                assert body["redis"] == "ok" and body["bot"] == "polling"

                async def fresh_cycle():
                    answer = await _health(port)
                    if answer and answer[0] == 200 and answer[1]["watcher_age"] is not None:
                        return time.time() - answer[1]["watcher_age"] > back
                    return False

                await wait_for(fresh_cycle, timeout=60, message="a poll cycle after the restart")
                alert = await api.wait_for_call(
                    "sendMessage",
                    lambda c: c.chat_id == USER and "example.org/news/1" in c.params["text"],
                    timeout=60,
                )
                assert alert.params["parse_mode"] == "HTML"
                assert feeds.hits["/rss"] > hits
                api.send_text(USER + 1, "/help")
                await api.wait_for_call("sendMessage", lambda c: c.chat_id == USER + 1, timeout=30)

                code, took = await run.terminate()
                assert code == 0 and took < 10
                alerts = [
                    c
                    for c in api.calls("sendMessage", USER)
                    if "example.org/news/1" in c.params.get("text", "")
                ]
                assert len(alerts) == 1
                logged = run.log()
                assert "crashed" not in logged and "Traceback" not in logged


async def _first_poll_recorded(url: str, prefix: str) -> bool:
    client = aioredis.from_url(url)
    try:
        store = FeedStore(Storage(client, StorageKeys(prefix)))
        return any(state.polls >= 1 for state in (await store.states()).values())
    finally:
        await client.aclose()


async def _redis_down(port: int) -> dict | None:
    answer = await _health(port)
    if answer and answer[0] == 503 and answer[1].get("failing") == ["redis"]:
        return answer[1]
    return None
