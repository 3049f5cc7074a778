"""Following people and prisons: /subscribe (or a plain name), /list, /unsubscribe, /mute, /unmute.

A name search has three outcomes, as a person would expect: one clear match is followed at once and
confirmed with its card; several are offered as buttons; none gets "nobody found" and the closest
names as buttons.
"""

from __future__ import annotations

import html
import re
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import QUERY_MAX, Turn, changes_settings, query_of, turn
from bot.telegram.render import button_label, card, name_of
from feeds.registry.models import ID_RE, AnyTarget, Prisoner
from feeds.registry.search.index import Hit
from subscriptions.store import Subscribed

PICK_MAX = 8
CLEAR_MARGIN = 1.5  # the best hit must score this many times the next to count as "the one"
DURATION_RE = re.compile(r"^(\d{1,4})\s*(m|min|h|d|w)$")
UNIT_SECONDS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MUTE_MAX = 366 * 86400


@changes_settings
async def subscribe(now: Turn) -> None:
    query = query_of(now)
    if not query:
        await now.reply(now.t("subscribe.usage"))
        return
    await search_and_follow(now, query)


async def plain_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a private chat, a message that is not a command is a name to follow."""
    now = await turn(update, context)
    await search_and_follow(now, query_of(now))


async def search_and_follow(now: Turn, query: str) -> None:
    if len(query) > QUERY_MAX:
        await now.reply(now.t("errors.too_long", max=QUERY_MAX))
        return
    index = await now.services.registry.current()
    hits = index.search(query, limit=PICK_MAX + 1)
    if hits and hits[0].partial:
        # some words of the query name nobody on the list: never follow a stranger for a family;
        # the near matches are offered as what they are
        await now.reply(
            now.t("subscribe.suggest", query=query),
            reply_markup=_pick_buttons(hits[:PICK_MAX], "sub", now.lang),
        )
        return
    if clear_winner(hits):
        await follow(now, hits[0].target)
    elif hits:
        await now.reply(
            now.t("subscribe.pick", query=query),
            reply_markup=_pick_buttons(hits[:PICK_MAX], "sub", now.lang),
        )
    else:
        suggestions = index.suggest(query)[:PICK_MAX]
        if suggestions:
            await now.reply(
                now.t("subscribe.suggest", query=query),
                reply_markup=_pick_buttons(suggestions, "sub", now.lang),
            )
        else:
            await now.reply(now.t("subscribe.none", query=query))


def clear_winner(hits: list[Hit]) -> bool:
    return len(hits) == 1 or (len(hits) > 1 and hits[0].score >= CLEAR_MARGIN * hits[1].score)


async def follow(now: Turn, target: AnyTarget) -> None:
    """Subscribe the chat to ``target`` and answer with the target's card (the caller has
    checked that the member may)."""
    svc = now.services
    result = await svc.subscriptions.subscribe(now.chat.id, target.id)
    name = name_of(target, now.lang)
    if result is Subscribed.CAP:
        await now.reply(now.t("subscribe.cap", cap=svc.subscriptions.cap))
        return
    await _remember_topic(now)
    key = "subscribe.done" if result is Subscribed.ADDED else "subscribe.already"
    await now.reply(now.t(key, name=name) + "\n\n" + await card_text(now, target))


async def card_text(now: Turn, target: AnyTarget) -> str:
    facility = None
    if isinstance(target, Prisoner):
        facility = await now.services.registry.facility_of(target)
        timeline = await now.services.timeline(target.id)
        return card(
            target,
            now.lang,
            facility=facility,
            timeline=timeline,
            zone=now.services.settings.zone,
            links=now.chat.links,
        )
    return card(target, now.lang)


async def _remember_topic(now: Turn) -> None:
    """Alerts go to the forum topic where the group was set up."""
    message = now.message
    thread = message.message_thread_id if message and message.is_topic_message else None
    if now.chat.is_group and thread != now.chat.thread_id:
        now.chat.thread_id = thread
        await now.services.subscriptions.save_chat(now.chat)


@changes_settings
async def follow_button(now: Turn) -> None:
    await _on_target_button(now, "sub:", follow)


async def list_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _list(await turn(update, context))


async def _list(now: Turn) -> None:
    targets = await _followed(now)
    if not targets:
        await now.reply(now.t("list.empty"))
        return
    lines = [now.t("list.header", count=len(targets))]
    lines += [f"• {_escape(name_of(target, now.lang))}" for target in targets]
    buttons = [
        [
            InlineKeyboardButton(
                button_label(now.t("list.unsubscribe_button", name=name_of(target, now.lang))),
                callback_data=f"unsub:{target.id}",
            )
        ]
        for target in targets[:100]
    ]
    await now.reply("\n".join(lines)[:4096], reply_markup=InlineKeyboardMarkup(buttons))


@changes_settings
async def unsubscribe(now: Turn) -> None:
    query = query_of(now)
    if not query:
        await _list(now)
        return
    followed = await _followed(now)
    hits = [
        hit
        for hit in (await now.services.registry.current()).search(query, limit=50)
        if hit.target.id in {t.id for t in followed}
    ]
    if clear_winner(hits):
        await unfollow(now, hits[0].target)
    elif hits:
        await now.reply(
            now.t("unsubscribe.pick"),
            reply_markup=_pick_buttons(hits[:PICK_MAX], "unsub", now.lang),
        )
    else:
        await now.reply(now.t("unsubscribe.missing", name=query))


async def unfollow(now: Turn, target: AnyTarget) -> None:
    removed = await now.services.subscriptions.unsubscribe(now.chat.id, target.id)
    key = "unsubscribe.done" if removed else "unsubscribe.missing"
    await now.reply(now.t(key, name=name_of(target, now.lang)))


@changes_settings
async def unfollow_button(now: Turn) -> None:
    await _on_target_button(now, "unsub:", unfollow)


@changes_settings
async def mute(now: Turn) -> None:
    seconds = parse_duration(query_of(now))
    if seconds is None:
        await now.reply(now.t("mute.usage"))
        return
    now.chat.muted_until = time.time() + seconds
    await now.services.subscriptions.save_chat(now.chat)
    await now.reply(now.t("mute.done", until=_when(now, now.chat.muted_until)))


@changes_settings
async def unmute(now: Turn) -> None:
    was_muted = now.chat.muted_until > time.time()
    now.chat.muted_until = 0.0
    await now.services.subscriptions.save_chat(now.chat)
    await now.reply(now.t("mute.unmuted" if was_muted else "mute.not_muted"))


def parse_duration(text: str) -> float | None:
    """'8h', '3d', '1w', '30m' -> seconds (at most a year); anything else -> None."""
    match = DURATION_RE.match(text.strip().lower())
    if not match:
        return None
    seconds = int(match.group(1)) * UNIT_SECONDS[match.group(2)]
    return float(seconds) if 0 < seconds <= MUTE_MAX else None


def _when(now: Turn, timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, now.services.settings.zone).strftime("%d.%m.%Y %H:%M")


async def _followed(now: Turn) -> list[AnyTarget]:
    ids = await now.services.subscriptions.targets_of(now.chat.id)
    index = await now.services.registry.current()
    targets = [index.get(i) for i in ids]
    return sorted((t for t in targets if t is not None), key=lambda t: name_of(t, now.lang))


async def _on_target_button(
    now: Turn, prefix: str, action: Callable[[Turn, AnyTarget], Awaitable[None]]
) -> None:
    """A ``<prefix><target id>`` button: answer it, then act; a stale or unknown id says so."""
    query = now.update.callback_query
    target = await _target_from_button(now, query.data, prefix)
    if target is None:
        await query.answer(now.t("errors.expired"))
        return
    await query.answer()
    await action(now, target)


async def _target_from_button(now: Turn, data: str, prefix: str) -> AnyTarget | None:
    target_id = data.removeprefix(prefix)
    if not ID_RE.match(target_id):
        return None
    return await now.services.registry.get(target_id)


def _pick_buttons(hits: list[Hit], action: str, lang: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    button_label(name_of(hit.target, lang)),
                    callback_data=f"{action}:{hit.target.id}",
                )
            ]
            for hit in hits
        ]
    )


def _escape(text: str) -> str:
    return html.escape(text, quote=False)
