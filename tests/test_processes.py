"""The pipeline split into process roles, as a scaled-out deployment runs it: one ``serve``, two
``watch`` and two ``send`` processes sharing one Redis (the server under test) and one fake Bot API.

Chats subscribe through the bot; new items in several feeds name prisoners; each alert reaches each
subscribed chat exactly once (two watchers share the feeds by leases, two senders share one consumer
group), and nobody else; then SIGTERM stops every process with exit code 0 within 10 s.

Each process writes its stderr to a file in the test's folder; a failure prints them all.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import redis.asyncio as aioredis

from feeds.watching.keys import FANOUT_GROUP, WatchKeys
from subscriptions.deliveries import GROUP as SENDERS_GROUP
from subscriptions.deliveries import Lane
from subscriptions.keys import SubscriptionKeys
from testkit.botapi import FakeBotAPI
from testkit.feedserver import FeedServer
from testkit.roles import live_env
from testkit.rss import Item, numbered, rss
from testkit.waiting import wait_for

ROLES = ["serve", "watch", "watch", "send", "send"]
ONLY_B = 501  # follows Bialiatski
BOTH = 502  # follows Bialiatski and Kalesnikava
ONLY_K = 503  # follows Kalesnikava

B_TEXT = "Палітвязня Алеся Бяляцкага перавялі ў калонію №9 у Горках, паведамляе Вясна."
K_TEXT = "Марыю Калеснікаву зноў змясцілі ў ШІЗА ў гомельскай калоніі, паведамляюць праваабаронцы."
BOTH_TEXT = (
    "Алеся Бяляцкага і Марыю Калеснікаву ўключылі ў новы спіс; абодвух трымаюць без сувязі з "
    "роднымі, кажуць праваабаронцы."
)


class Roles:
    """The five processes, each with its stderr in a file of its own."""

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        self.env = env
        self.folder = folder
        self.procs: list[tuple[str, asyncio.subprocess.Process]] = []
        self.files: list = []

    async def start(self) -> None:
        for k, role in enumerate(ROLES, 1):
            name = f"{role}{k}"
            workdir = self.folder / name
            workdir.mkdir()
            log = (self.folder / f"{name}.stderr.log").open("wb")  # a file: a pipe could fill up
            self.files.append(log)
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                role,
                env=self.env,
                cwd=workdir,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
            self.procs.append((name, proc))

    def alive(self) -> None:
        dead = [(n, p.returncode) for n, p in self.procs if p.returncode is not None]
        assert not dead, f"processes exited early: {dead}"

    async def terminate(self) -> dict[str, tuple[int, float]]:
        """SIGTERM all at once; each one's exit code and seconds to exit (10 s at most)."""
        started = time.monotonic()
        for _, proc in self.procs:
            proc.send_signal(signal.SIGTERM)

        async def one(proc: asyncio.subprocess.Process) -> tuple[int, float]:
            code = await proc.wait()
            return code, time.monotonic() - started

        results = await asyncio.wait_for(
            asyncio.gather(*(one(p) for _, p in self.procs)), timeout=10
        )
        return {name: result for (name, _), result in zip(self.procs, results, strict=True)}

    async def close(self) -> None:
        for _, proc in self.procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        for log in self.files:
            log.close()

    def logs(self) -> str:
        out = []
        for name, _ in self.procs:
            path = self.folder / f"{name}.stderr.log"
            text = path.read_text(errors="replace") if path.exists() else "(no file)"
            out.append(f"----- {name} stderr ({path}) -----\n{text[-6000:]}")
        return "\n".join(out)


async def group_quiet(client: aioredis.Redis, stream: str, group: str) -> bool:
    """The group has read everything on the stream and acknowledged it."""
    if not await client.exists(stream):
        return True
    info = await client.xinfo_stream(stream)
    for g in await client.xinfo_groups(stream):
        if g["name"].decode() == group:
            caught_up = g.get("lag") == 0 or g["last-delivered-id"] == info["last-generated-id"]
            return caught_up and g["pending"] == 0
    return False


async def has_group(client: aioredis.Redis, stream: str, group: str) -> bool:
    try:
        groups = await client.xinfo_groups(stream)
    except aioredis.ResponseError:
        return False
    return any(g["name"] in (group, group.encode()) for g in groups)


async def test_serve_two_watchers_two_senders_deliver_each_alert_once(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    keys = SubscriptionKeys(cli_env["REDIS_PREFIX"])
    alerts_key = WatchKeys(cli_env["REDIS_PREFIX"]).alerts
    client = aioredis.Redis.from_url(cli_env["REDIS_URL"])
    async with FeedServer() as feeds, FakeBotAPI() as api:
        paths = ["/one", "/two", "/three"]
        for k, path in enumerate(paths):
            feeds.add(path, rss(numbered(3, prefix=f"f{k}-")))
        feed_list = tmp_path / "feeds.txt"
        feed_list.write_text(
            "".join(f"{feeds.url(p)} be Outlet {k}\n" for k, p in enumerate(paths))
        )
        env = live_env(cli_env, api, feed_list, LOG_LEVEL="INFO")
        roles = Roles(env, tmp_path)
        try:
            await roles.start()

            async def subscribe(chat: int, query: str, nth: int) -> None:
                api.send_text(chat, f"/subscribe {query}")
                await api.wait_for_call(
                    "sendMessage", lambda c: c.chat_id == chat, timeout=60, count=nth
                )

            await subscribe(ONLY_B, "Bialiatski", 1)
            await subscribe(BOTH, "Bialiatski", 1)
            await subscribe(BOTH, "Kalesnikava", 2)
            await subscribe(ONLY_K, "Kalesnikava", 1)

            async def ready() -> bool:
                roles.alive()
                return (
                    all(feeds.hits[p] >= 1 for p in paths)  # the first poll only takes stock
                    and await has_group(client, alerts_key, FANOUT_GROUP)
                    and await has_group(client, keys.deliveries(Lane.ALERTS), SENDERS_GROUP)
                    # Redis 7.0 adds a consumer only once it reads something: count heartbeats
                    and await client.zcard(keys.sender_beats) == 2
                )

            await wait_for(ready, timeout=90, interval=0.2, message="feeds polled, senders up")

            now = datetime.now(UTC)
            news = {
                "/one": Item("Бяляцкага перавялі ў Горкі", B_TEXT, guid="n1",
                             link=feeds.url("/news/1"), date=now),
                "/two": Item("Калеснікава зноў у ШІЗА", K_TEXT, guid="n2",
                             link=feeds.url("/news/2"), date=now),
                "/three": Item("Новы спіс: абодва без сувязі", BOTH_TEXT, guid="n3",
                               link=feeds.url("/news/3"), date=now),
            }  # fmt: skip
            for k, path in enumerate(paths):
                feeds.add(path, rss([news[path], *numbered(3, prefix=f"f{k}-")]))
            expected = {
                (ONLY_B, "/news/1"),
                (BOTH, "/news/1"),
                (BOTH, "/news/2"),
                (ONLY_K, "/news/2"),
                (ONLY_B, "/news/3"),
                (BOTH, "/news/3"),
                (ONLY_K, "/news/3"),
            }

            def alerts() -> Counter[tuple[int, str]]:
                got: Counter[tuple[int, str]] = Counter()
                for call in api.calls("sendMessage", ok=True):
                    for n in ("1", "2", "3"):
                        if feeds.url(f"/news/{n}") in call.params.get("text", ""):
                            got[(int(call.chat_id), f"/news/{n}")] += 1
                return got

            def all_arrived() -> bool:
                roles.alive()
                return expected <= set(alerts())

            await wait_for(all_arrived, timeout=90, interval=0.2, message="every alert")

            async def drained() -> bool:  # nothing left anywhere that could still be sent
                return (
                    await group_quiet(client, alerts_key, FANOUT_GROUP)
                    and await group_quiet(client, keys.deliveries(Lane.ALERTS), SENDERS_GROUP)
                    and await client.zcard(keys.deliveries_delayed) == 0
                )

            await wait_for(drained, timeout=30, interval=0.2, message="queues drained")

            stopped = await roles.terminate()
            assert {name: code for name, (code, _) in stopped.items()} == dict.fromkeys(
                stopped, 0
            ), stopped
            assert all(seconds < 10 for _, seconds in stopped.values()), stopped

            got = alerts()  # every process is gone: nothing more can arrive
            assert set(got) == expected  # each subscribed chat, and nobody else
            assert all(n == 1 for n in got.values()), got  # once: no duplicates
            assert api.stats()["duplicate_total"] == 0
        except BaseException:
            with contextlib.suppress(Exception):
                print(roles.logs())
            raise
        finally:
            await roles.close()
            await client.aclose()
