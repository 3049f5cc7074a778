"""The whole pipeline as a user meets it: the all-in-one process (``run``) against a local feed
server and the fake Bot API. A chat subscribes through the bot, a feed publishes an item naming the
prisoner, and the alert arrives in the chat, once."""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from testkit.botapi import FakeBotAPI
from testkit.feedserver import FeedServer
from testkit.roles import live_env
from testkit.rss import BIALIATSKI, Item, numbered, rss
from testkit.waiting import wait_for

USER = 501


async def test_run_delivers_an_alert_to_a_subscriber(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    async with FeedServer() as feeds, FakeBotAPI() as api:
        feeds.add("/rss", rss(numbered(3)))
        feed_list = tmp_path / "feeds.txt"
        feed_list.write_text(f"{feeds.url('/rss')} be Test outlet\n")
        env = live_env(cli_env, api, feed_list)
        log = (tmp_path / "run.log").open("wb")
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=log,
        )
        try:
            api.send_text(USER, "/subscribe Bialiatski")
            await api.wait_for_call("sendMessage", lambda c: c.chat_id == USER, timeout=60)
            await wait_for(lambda: feeds.hits["/rss"] >= 1, timeout=60, message="first poll")

            fresh = Item(
                "Бяляцкага зноў перавялі",
                BIALIATSKI,
                guid="fresh-1",
                link="https://example.org/news/1",
                date=datetime.now(UTC),
            )
            feeds.add("/rss", rss([fresh, *numbered(3)]))
            alert = await api.wait_for_call(
                "sendMessage",
                lambda c: c.chat_id == USER and "example.org/news/1" in c.params["text"],
                timeout=60,
            )
            text = alert.params["text"]
            assert "<b>Ales Bialiatski</b>" in text  # the chat's language is English
            assert "transferred" in text  # what happened, in the chat's language
            assert alert.params["parse_mode"] == "HTML"

            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 10) == 0
            alerts = [
                c
                for c in api.calls("sendMessage", USER)
                if "example.org/news/1" in c.params.get("text", "")
            ]
            assert len(alerts) == 1  # once, not once per poll
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            log.close()
