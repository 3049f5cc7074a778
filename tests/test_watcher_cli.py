"""``watch --once`` as an operator runs it: one pass, exit 0, alerts printed once in console mode."""

from __future__ import annotations

import asyncio
from pathlib import Path

from testkit.feedserver import FeedServer
from testkit.rss import BIALIATSKI, Item, ago, numbered, rss


async def test_watch_once_exits_0_and_prints_each_alert_once(cli, tmp_path: Path) -> None:
    story = "Алеся Бяляцкага перавялі ў калонію ў Горках"
    async with FeedServer() as srv:
        srv.add(
            "/a", rss([Item(story, BIALIATSKI, "a1", "https://a.example/1", ago(1)), *numbered(2)])
        )
        srv.add("/b", rss([Item(story, BIALIATSKI, "b1", "https://b.example/9", ago(1))]))
        srv.add("/broken", status=500)
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(
            f"{srv.url('/a')} be Outlet A\n{srv.url('/b')} be Outlet B\n{srv.url('/broken')} be Broken\n"
        )
        env = {"FEEDS_FILE": str(feeds), "ALLOW_PRIVATE_FEEDS": "true", "BACKFILL_HOURS": "24"}
        first = await asyncio.to_thread(cli, "watch", "--once", **env)
        assert first.returncode == 0, first.stderr
        assert first.stdout.count("ALERT news") == 1
        assert first.stdout.count("MORE SOURCES") == 1
        assert "Outlet A" in first.stdout and "Outlet B" in first.stdout
        assert "polled 3 feeds: 1 errors" in first.stderr
        second = await asyncio.to_thread(cli, "watch", "--once", **env)
        assert second.returncode == 0 and "ALERT" not in second.stdout
        assert srv.hits["/a"] == 2 and srv.hits["/broken"] == 2
        listed = await asyncio.to_thread(cli, "feeds", "list", **env)
        assert "\terror\t" in listed.stdout and "HTTP 500" in listed.stdout
