"""Feed documents for tests and benchmarks: ``Item`` and ``rss(items)`` build an RSS 2.0 document;
``numbered`` makes n distinct old items; ``BIALIATSKI`` names a prisoner, ``NOBODY`` names none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

BIALIATSKI = "Палітвязня Алеся Бяляцкага перавялі ў калонію №9 у Горках, паведамляе Вясна."
NOBODY = "У Мінску прайшоў канцэрт сімфанічнага аркестра; квіткі раскупілі за дзень."


@dataclass
class Item:
    title: str
    text: str = NOBODY
    guid: str | None = None
    link: str | None = None
    date: datetime | None = None


def rss(items: Sequence[Item], title: str = "Test feed", ttl: int | None = None) -> bytes:
    parts = []
    for item in items:
        xml = f"<item><title>{escape(item.title)}</title><description>{escape(item.text)}</description>"
        if item.guid is not None:
            xml += f"<guid isPermaLink='false'>{escape(item.guid)}</guid>"
        if item.link is not None:
            xml += f"<link>{escape(item.link)}</link>"
        if item.date is not None:
            xml += f"<pubDate>{format_datetime(item.date)}</pubDate>"
        parts.append(xml + "</item>")
    ttl_xml = f"<ttl>{ttl}</ttl>" if ttl else ""
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>{escape(title)}</title><link>https://example.org/</link>{ttl_xml}"
        + "".join(parts)
        + "</channel></rss>"
    ).encode()


def ago(hours: float) -> datetime:
    return datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)


def numbered(n: int, prefix: str = "a", text: str = NOBODY, hours: float = 100) -> list[Item]:
    return [
        Item(
            f"Story {prefix}{i} about things number {i}",
            text,
            guid=f"{prefix}{i}",
            link=f"https://example.org/{prefix}/{i}",
            date=ago(hours + i),
        )
        for i in range(n)
    ]
