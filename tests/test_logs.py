"""Structured logs: key=value lines (or JSON), extras as fields, one line per poll cycle with its
counts, and no token or webhook secret anywhere, tracebacks and extra fields included."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import pytest

from bot.ops.logs import (
    JsonFormatter,
    KeyValueFormatter,
    RedactTokens,
    configure_logging,
    hide_secret,
)
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from testkit.feedserver import FeedServer
from testkit.rss import numbered, rss
from testkit.waiting import wait_for
from testkit.watcher import add_feed, watcher_on

TOKEN = "123456789:AAExampleExampleExampleExampleExample12"


def _record(msg: str, *args, exc: BaseException | None = None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("vestka.test", logging.INFO, __file__, 1, msg, args, None)
    if exc is not None:
        record.exc_info = (type(exc), exc, exc.__traceback__)
    record.__dict__.update(extra)
    return record


def test_key_value_line() -> None:
    line = KeyValueFormatter().format(
        _record("poll cycle", polled=3, duration=1.25, note='a "b"\nc', ok=True)
    )
    assert "\n" not in line
    assert " level=info logger=vestka.test " in line
    assert 'msg="poll cycle" polled=3 duration=1.25' in line
    assert r'note="a \"b\"\nc"' in line and "ok=true" in line
    assert line.startswith("ts=")


def test_json_line() -> None:
    fields = json.loads(JsonFormatter().format(_record("hello %s", "there", polled=3)))
    assert fields["msg"] == "hello there" and fields["polled"] == 3
    assert fields["level"] == "info" and fields["logger"] == "vestka.test"


@pytest.mark.parametrize("formatter", [KeyValueFormatter(), JsonFormatter()])
def test_no_token_or_secret_anywhere(formatter: logging.Formatter) -> None:
    hide_secret("webhook_Secret_42")
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed")
    except RuntimeError as exc:
        record = _record(
            "call %s", TOKEN, exc=exc, url=f"/bot{TOKEN}/x", header="webhook_Secret_42"
        )
    RedactTokens().filter(record)
    line = formatter.format(record)
    assert TOKEN not in line and "webhook_Secret_42" not in line
    assert "<token>" in line and "<secret>" in line and "RuntimeError" in line


def test_every_handler_keeps_the_token_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging("DEBUG", "json")
    try:
        handlers = logging.getLogger().handlers
        assert handlers and all(
            any(isinstance(f, RedactTokens) for f in h.filters) for h in handlers
        )
        logging.getLogger("telegram.ext.ExtBot").debug("calling %s", f"/bot{TOKEN}/getMe")
        assert TOKEN not in stream.getvalue() and "<token>" in stream.getvalue()
    finally:
        configure_logging("WARNING", "text")


async def test_one_line_per_poll_cycle(storage: Storage, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="feeds.watching.watcher")
    async with FeedServer() as server:
        server.add("/a", rss(numbered(3)))
        server.add("/b", "<html>not a feed</html>")
        await add_feed(storage, server.url("/a"))
        await add_feed(storage, server.url("/b"))
        stop = asyncio.Event()
        async with watcher_on(storage, cycle_every=0.3) as watcher:
            task = asyncio.create_task(watcher.run(stop))

            def cycle_with_polls():
                return [
                    r
                    for r in caplog.records
                    if r.getMessage() == "poll cycle" and getattr(r, "polled", 0)
                ]

            try:
                lines = await wait_for(cycle_with_polls, timeout=20, message="a poll cycle line")
            finally:
                stop.set()
                await asyncio.wait_for(task, 10)
    totals = {
        name: sum(getattr(r, name) for r in cycle_with_polls())
        for name in ("polled", "changed", "failed", "items", "alerts")
    }
    assert totals["polled"] == 2 and totals["failed"] == 1 and totals["changed"] == 1
    assert totals["items"] == 3 and totals["alerts"] == 0
    assert lines[0].levelno == logging.INFO and lines[0].duration >= 0
    counters = await storage.redis.hgetall(WatchKeys.of(storage.keys).watcher_counters)
    assert int(counters[b"polled"]) == 2 and int(counters[b"failed"]) == 1
    assert (
        float((await storage.redis.hget(WatchKeys.of(storage.keys).watcher_cycle, "at")) or 0) > 0
    )


@pytest.mark.parametrize(
    "token", ["123456:TEST", "TEST", "abc:def/ghi", "7:ü ß", "a" * 300, "9" * 12 + ":" + "x" * 40]
)
@pytest.mark.parametrize("level", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"])
def test_the_configured_token_is_hidden_by_value_at_every_level(
    token: str, level: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any token shape (a self-hosted Bot API accepts any), raw or URL-encoded, in the message,
    its arguments, extra fields and tracebacks, at every level."""
    from urllib.parse import quote

    from bot.ops.logs import configure_logging_for
    from bot.ops.settings import Settings

    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    settings = Settings(telegram_bot_token=token, log_level=level, webhook_secret=None)
    configure_logging_for(settings)
    try:
        logger = logging.getLogger("telegram.ext.ExtBot")
        number = logging.getLevelName(level)
        logger.log(number, "Set Bot API URL: http://127.0.0.1:1/bot%s", token)
        logger.log(number, "calling", extra={"url": f"/bot{quote(token, safe='')}/getMe"})
        try:
            raise RuntimeError(f"POST /bot{quote(token)}/sendMessage failed")
        except RuntimeError:
            logger.log(number, "failed", exc_info=True)
        out = stream.getvalue()
        assert out.count("<secret>") >= 3  # every line was written, with the token hidden
        assert token not in out and quote(token, safe="") not in out and quote(token) not in out
    finally:
        configure_logging("WARNING", "text")
