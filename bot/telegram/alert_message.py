"""Alert messages as Telegram HTML, in the chat's language (digests: ``digest_message``).

An alert names who (bold, the chat's followed targets in it, in the chat's script), what happened
(event words), the story's title, the engine's summary with the matched names bold
(``summary_spans``), every outlet that carried the story (linked), and the date in ``TZ``; then
buttons: the status card (``card:<id>``) and "mute" (``mute:<id>``), one pair per followed target.
A registry change reads "the registry now lists X in ..., was ...".

Everything from feeds and the registry is escaped here; only the catalogs' own markup and the tags
built below reach Telegram unescaped. A message stays within 4096 characters of HTML source (so
within Telegram's limit after parsing too) by shortening the summary first, then the title, then
the source list, never by cutting markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot.telegram.alert_parts import (
    BUTTON_TARGETS_MAX,
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
    target_name,
    when_of,
    who_html,
)
from bot.telegram.i18n import Html, t
from bot.telegram.render import MESSAGE_LIMIT, button_label
from bot.telegram.services import RegistryView
from feeds.registry.models import AnyTarget
from feeds.watching.alerts import Alert
from subscriptions.chats import Chat

# -- one alert ---------------------------------------------------------------------------------------


def render_alert(
    alert: Alert,
    lang: str,
    followed: Sequence[str],
    targets: Mapping[str, AnyTarget],
    zone: ZoneInfo,
    thread_id: int | None = None,
    links: bool = True,
) -> dict[str, Any]:
    """The ``sendMessage`` params (without ``chat_id``) for one chat; ``links=False`` for a chat
    that asked for no links (``/links off``)."""
    text = alert_text(alert, lang, followed, targets, zone, links=links)
    params: dict[str, Any] = {
        "text": text,
        "parse_mode": "HTML",
        "link_preview_options": NO_PREVIEW,
        "reply_markup": {"inline_keyboard": alert_buttons(alert, lang, followed, targets)},
    }
    if thread_id is not None:
        params["message_thread_id"] = thread_id
    return params


def alert_text(
    alert: Alert,
    lang: str,
    followed: Sequence[str],
    targets: Mapping[str, AnyTarget],
    zone: ZoneInfo,
    limit: int = MESSAGE_LIMIT,
    links: bool = True,
) -> str:
    date = when_of(alert, zone).strftime("%d.%m.%Y %H:%M")
    if alert.kind == "registry" and alert.change is not None:
        return _fit_lines([registry_line(alert, targets, lang), "", date], limit)
    who = who_html(followed, alert, targets, lang)
    head = t(lang, "alert.headline", who=Html(who), what=event_words(alert, followed, lang))
    if any(alert.namesake_of(target_id) for target_id in followed):
        head += "\n" + t(lang, "alert.namesake")
    summary, spans = summary_of(alert, followed)
    title = _cap(alert.title, TITLE_MAX) if alert.title else ""
    if title and summary and " ".join(title.split()) == " ".join(summary.split()):
        title = ""
    sources, outlets = source_links(alert.sources, links=links)
    while True:
        tail = []
        if sources:
            listed = ", ".join(sources)
            if outlets > len(sources):
                listed += " " + t(lang, "alert.more", count=outlets - len(sources))
            tail.append(t(lang, "alert.sources", sources=Html(listed)))
        tail.append(date)
        top = "\n".join([head] + ([f"<i>{_e(title)}</i>"] if title else []))
        bottom = "\n".join(tail)
        budget = limit - len(top) - len(bottom) - 4  # two blank-line separators
        body = summary_html(summary, spans, budget) if summary else ""
        text = top + ("\n\n" + body if body else "") + "\n\n" + bottom
        if len(text) <= limit:
            return text
        # Even without the summary it is too long: shorten the rest that came from feeds.
        if title:
            title = _cap(title, len(title) // 2) if len(title) > 40 else ""
        elif len(sources) > 1:
            sources = sources[: len(sources) // 2]
        else:
            return _fit_lines([head, date], limit)


def alert_buttons(
    alert: Alert, lang: str, followed: Sequence[str], targets: Mapping[str, AnyTarget]
) -> list[list[dict[str, str]]]:
    """[status card][mute] for the one followed target, or one named pair per target; under a
    news alert also "not about this person" (``nm:<alert>:<target>``)."""
    ids = list(followed)[:BUTTON_TARGETS_MAX]
    news = alert.kind == "news"
    if len(ids) == 1:
        rows = [
            [
                {"text": t(lang, "alert.card_button"), "callback_data": f"card:{ids[0]}"},
                {"text": t(lang, "alert.mute_button"), "callback_data": f"mute:{ids[0]}"},
            ]
        ]
        if news:
            rows.append(
                [
                    {
                        "text": t(lang, "alert.not_about_button"),
                        "callback_data": f"nm:{alert.id[:8]}:{ids[0]}",
                    }
                ]
            )
        return rows
    rows = []
    for target_id in ids:
        name = Html(target_name(target_id, alert, targets, lang))  # button labels are not HTML
        rows.append(
            [
                {
                    "text": button_label(t(lang, "alert.card_named", name=name)),
                    "callback_data": f"card:{target_id}",
                },
                {
                    "text": button_label(t(lang, "alert.mute_named", name=name)),
                    "callback_data": f"mute:{target_id}",
                },
            ]
        )
        if news:
            rows[-1].append(
                {
                    "text": button_label(t(lang, "alert.not_about_named", name=name)),
                    "callback_data": f"nm:{alert.id[:8]}:{target_id}",
                }
            )
    return rows


# -- the callables fan-out and the digest scheduler take ---------------------------------------------


class AlertRenderer:
    """``render(alert, chat, followed)`` for :class:`subscriptions.fanout.Fanout`."""

    def __init__(self, registry: RegistryView, zone: ZoneInfo) -> None:
        self.registry = registry
        self.zone = zone

    async def __call__(self, alert: Alert, chat: Chat, followed: list[str]) -> dict[str, Any]:
        await self.registry.current()
        return render_alert(
            alert, chat.lang, followed, self.registry.by_id, self.zone, chat.thread_id, chat.links
        )
