"""The alert stream (model, trimming) and the console printer (each alert once, fixed layout)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.ops.console import ConsolePrinter, format_alert
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert, AlertSource, AlertStream
from feeds.watching.keys import WatchKeys

SOURCE_A = AlertSource(feed_id="a", feed_name="Outlet A", link="https://a.example/1")
SOURCE_B = AlertSource(feed_id="b", feed_name="Outlet B", link="https://b.example/2")


def sample(**kw) -> Alert:
    fields = {
        "id": "f" * 32,
        "kind": "news",
        "created_at": datetime(2026, 5, 12, 11, 3, tzinfo=UTC),
        "title": "Бяляцкага перавялі\nў калонію <b>",
        "sources": [SOURCE_A],
        "prisoners": ["ales-bjaljackiy"],
        "facilities": ["ik-9-horki"],
        "events": ["transfer"],
        "summary": "Алеся Бяляцкага перавялі ў калонію №9.",
        "names": {"ales-bjaljackiy": "Алесь Бяляцкі", "ik-9-horki": "Калонія №9, Горкі"},
    }
    return Alert(**{**fields, **kw})


async def test_stream_round_trip_and_trim(storage: Storage) -> None:
    stream = AlertStream(storage.redis, storage.keys, maxlen=50)
    for i in range(200):
        await stream.append(sample(id=f"{i:032x}"))
    entries = await stream.read(count=1000)
    assert len(entries) < 200 and entries[-1][1].id == f"{199:032x}"  # trimmed by length
    raw = await storage.redis.xrange(WatchKeys.of(storage.keys).alerts, count=1)
    assert set(raw[0][1]) == {b"id", b"kind", b"alert"}
    await stream.trim(retention_days=0)
    assert await stream.length() <= 100  # approximate trimming by age keeps at most a node


def test_console_layout_is_fixed_and_flat() -> None:
    text = format_alert(sample(), ZoneInfo("Europe/Minsk"))
    assert text.splitlines() == [
        f"ALERT news 2026-05-12 14:03 +0300  {'f' * 32}",
        "  title:      Бяляцкага перавялі ў калонію <b>",
        "  prisoners:  Алесь Бяляцкі (ales-bjaljackiy)",
        "  facilities: Калонія №9, Горкі (ik-9-horki)",
        "  events:     transfer",
        "  summary:    Алеся Бяляцкага перавялі ў калонію №9.",
        "  source:     Outlet A  https://a.example/1",
    ]


def test_console_prints_each_alert_once_and_new_sources_once() -> None:
    out = io.StringIO()
    printer = ConsolePrinter(ZoneInfo("UTC"), out)
    alert = sample()
    printer(alert)
    printer(alert)
    update = alert.model_copy(update={"kind": "sources", "sources": [SOURCE_A, SOURCE_B]})
    printer(update)
    printer(update)
    text = out.getvalue()
    assert text.count("ALERT news") == 1 and text.count("MORE SOURCES") == 1
    assert text.count("Outlet A") == 1 and text.count("Outlet B") == 1
