"""Daily digests as Telegram HTML: one message (or several, split between items) with the day's
alerts for a chat in ``daily`` mode, oldest first, each a short block of the pieces an alert has."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.telegram.alert_parts import (
    DIGEST_SUMMARY_MAX,
    NO_PREVIEW,
    TITLE_MAX,
    _cap,
    _e,
    _fit_lines,
    event_words,
    registry_line,
    source_links,
    summary_html,
    summary_of,
    when_of,
    who_html,
)
from bot.telegram.i18n import t
from bot.telegram.render import MESSAGE_LIMIT
from bot.telegram.services import RegistryView
from feeds.registry.models import AnyTarget
from subscriptions.chats import Chat
from subscriptions.digest import DigestItem

# -- digests -----------------------------------------------------------------------------------------


def digest_item(
    item: DigestItem,
    lang: str,
    targets: Mapping[str, AnyTarget],
    zone: ZoneInfo,
    links: bool = True,
) -> str:
    alert = item.alert
    date = when_of(alert, zone).strftime("%d.%m %H:%M")
    if alert.kind == "registry" and alert.change is not None:
        return f"• {registry_line(alert, targets, lang)} · {date}"
    who = who_html(item.followed, alert, targets, lang)
    what = event_words(alert, item.followed, lang)
    lines = [f"• {who} — {_e(what)} · {date}"]
    if any(alert.namesake_of(target_id) for target_id in item.followed):
        lines.append(t(lang, "alert.namesake"))
    summary, spans = summary_of(alert, item.followed)
    if not summary and alert.title:
        summary, spans = _cap(alert.title, TITLE_MAX), []
    body = summary_html(summary, spans, DIGEST_SUMMARY_MAX) if summary else ""
    if body:
        lines.append(body)
    sources, outlets = source_links(alert.sources, limit=3, links=links)
    if sources:
        more = " " + t(lang, "alert.more", count=outlets - 3) if outlets > 3 else ""
        lines.append(", ".join(sources) + more)
    return "\n".join(lines)


def render_digest(
    items: Sequence[DigestItem],
    lang: str,
    targets: Mapping[str, AnyTarget],
    zone: ZoneInfo,
    thread_id: int | None = None,
    limit: int = MESSAGE_LIMIT,
    links: bool = True,
) -> list[dict[str, Any]]:
    """One or more ``sendMessage`` params: the header, then the day's alerts, oldest first; split
    between items when a message would pass ``limit``."""
    header = t(lang, "digest.header")
    reserve = len(t(lang, "digest.part", part=99, parts=99)) + 1
    texts: list[list[str]] = [[]]
    size = len(header) + reserve
    for item in items:
        block = digest_item(item, lang, targets, zone, links)
        if len(block) + 2 + len(header) + reserve > limit:
            block = _fit_lines(block.split("\n")[:1], limit - len(header) - reserve - 2)
        if texts[-1] and size + 2 + len(block) > limit:
            texts.append([])
            size = len(header) + reserve
        texts[-1].append(block)
        size += 2 + len(block)
    parts = len(texts)
    out = []
    for number, blocks in enumerate(texts, start=1):
        head = header
        if parts > 1:
            head += " " + t(lang, "digest.part", part=number, parts=parts)
        params: dict[str, Any] = {
            "text": "\n\n".join([head, *blocks]),
            "parse_mode": "HTML",
            "link_preview_options": NO_PREVIEW,
        }
        if thread_id is not None:
            params["message_thread_id"] = thread_id
        out.append(params)
    return out


class DigestRenderer:
    """``render(chat, items)`` for :class:`subscriptions.digest.DigestScheduler`."""

    def __init__(self, registry: RegistryView, zone: ZoneInfo) -> None:
        self.registry = registry
        self.zone = zone

    async def __call__(self, chat: Chat, items: list[DigestItem]) -> list[dict[str, Any]]:
        await self.registry.current()
        return render_digest(
            items, chat.lang, self.registry.by_id, self.zone, chat.thread_id, links=chat.links
        )
