"""How alerts arrive: /mode (instant or a daily digest) and the alert's "mute" button.

``/mode`` alone says how this chat gets alerts; ``/mode instant`` sends them as they come (and
whatever waited for a digest goes out within a minute); ``/mode daily [HH]`` collects them into one
message a day at HH:00 in ``TZ`` (default: the chat's hour, 9 at first).

The "mute" button under an alert (``mute:<id>``) asks for how long: 1 day, 1 week or 30 days
(``mute:<id>:1d|7d|30d``); the answer replaces the question and carries an "unmute" button
(``unmute:<id>``). Longer silence is what unsubscribing is for. A muted target is left out of alerts
and digests for this chat; an alert naming only muted targets is not sent. In groups only the
administrators may change either, as for subscriptions.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.handlers.common import Turn, changes_settings
from bot.telegram.render import name_of
from feeds.registry.models import ID_RE, AnyTarget
from subscriptions.chats import DeliveryMode
from subscriptions.digest import DigestStore, next_due

HOUR_RE = re.compile(r"^(\d{1,2})(?::00)?$")
MUTE_CHOICES = {"1d": 86400, "7d": 7 * 86400, "30d": 30 * 86400}
MUTE_LABELS = {"1d": "mute.for_day", "7d": "mute.for_week", "30d": "mute.for_month"}


@changes_settings
async def mode(now: Turn) -> None:
    args = [a.lower() for a in (now.context.args or [])]
    tz = now.services.settings.tz
    if not args:
        current = (
            now.t("mode.current_daily", hour=f"{now.chat.digest_hour:02d}", tz=tz)
            if now.chat.mode is DeliveryMode.DAILY
            else now.t("mode.current_instant")
        )
        await now.reply(current + "\n\n" + now.t("mode.usage", tz=tz))
        return
    hour: int | None = None
    if args[0] == "daily" and len(args) <= 2:
        hour = now.chat.digest_hour
        if len(args) == 2:
            match = HOUR_RE.match(args[1])
            hour = int(match.group(1)) if match else 99
        if not 0 <= hour <= 23:
            await now.reply(now.t("mode.usage", tz=tz))
            return
    elif args != ["instant"]:
        await now.reply(now.t("mode.usage", tz=tz))
        return
    digests = DigestStore(now.services.storage)
    clock = time.time()
    if hour is None:
        now.chat.mode = DeliveryMode.INSTANT
        await now.services.subscriptions.save_chat(now.chat)
        text = now.t("mode.instant_done")
        if await digests.reschedule(now.chat.id, clock):  # what waited goes out now
            text += " " + now.t("mode.flushed")
        await now.reply(text)
        return
    now.chat.mode = DeliveryMode.DAILY
    now.chat.digest_hour = hour
    await now.services.subscriptions.save_chat(now.chat)
    await digests.reschedule(now.chat.id, next_due(clock, hour, now.services.settings.zone))
    await now.reply(now.t("mode.daily_done", hour=f"{hour:02d}", tz=tz))


@changes_settings
async def links(now: Turn) -> None:
    """``/links off|on``: whether alerts link to their sources. Many outlets are listed as
    "extremist" in Belarus, and a link opened in a Telegram app leaves a trace on the phone."""
    await _switch(now, "links")


@changes_settings
async def namesakes(now: Turn) -> None:
    """``/namesakes off|on``: whether stories that may be about a namesake reach this chat."""
    await _switch(now, "namesakes")


async def _switch(now: Turn, setting: str) -> None:
    """``/<setting> off|on`` for a chat's on/off setting; texts in the ``<setting>`` section.
    Without an argument it says how the chat is set."""
    args = [a.lower() for a in (now.context.args or [])]
    if args not in (["on"], ["off"]):
        state = "current_on" if getattr(now.chat, setting) else "current_off"
        await now.reply(now.t(f"{setting}.{state}") + "\n\n" + now.t(f"{setting}.usage"))
        return
    setattr(now.chat, setting, args == ["on"])
    await now.services.subscriptions.save_chat(now.chat)
    await now.reply(now.t(f"{setting}.on_done" if args == ["on"] else f"{setting}.off_done"))


@changes_settings
async def mute_button(now: Turn) -> None:
    """``mute:<id>`` asks for how long; ``mute:<id>:<choice>`` mutes."""
    query = now.update.callback_query
    parts = (query.data or "").split(":")
    target = await _target(now, parts[1]) if len(parts) in (2, 3) else None
    choice = parts[2] if len(parts) == 3 else None
    if choice is not None and choice not in MUTE_CHOICES:
        target = None
    if not await _may_press(now, target):
        return
    assert target is not None
    name = name_of(target, now.lang)
    if choice is None:
        buttons = [
            [
                InlineKeyboardButton(now.t(label), callback_data=f"mute:{target.id}:{key}")
                for key, label in MUTE_LABELS.items()
            ]
        ]
        await now.reply(
            now.t("mute.person_ask", name=name), reply_markup=InlineKeyboardMarkup(buttons)
        )
        return
    until = time.time() + MUTE_CHOICES[choice]
    await now.services.subscriptions.mute_target(now.chat.id, target.id, until)
    undo = InlineKeyboardMarkup(
        [[InlineKeyboardButton(now.t("mute.undo"), callback_data=f"unmute:{target.id}")]]
    )
    await query.edit_message_text(
        now.t("mute.person_done", name=name, until=_when(now, until)),
        parse_mode="HTML",
        reply_markup=undo,
    )


@changes_settings
async def unmute_button(now: Turn) -> None:
    query = now.update.callback_query
    target = await _target(now, (query.data or "").removeprefix("unmute:"))
    if not await _may_press(now, target):
        return
    assert target is not None
    await now.services.subscriptions.unmute_target(now.chat.id, target.id)
    await query.edit_message_text(
        now.t("mute.person_unmuted", name=name_of(target, now.lang)),
        parse_mode="HTML",
    )


async def _may_press(now: Turn, target: AnyTarget | None) -> bool:
    """Answer the button press: "expired" for bad data, else nothing."""
    query = now.update.callback_query
    if target is None:
        await query.answer(now.t("errors.expired"))
        return False
    await query.answer()
    return True


async def _target(now: Turn, target_id: str) -> AnyTarget | None:
    if not ID_RE.match(target_id):
        return None
    return await now.services.registry.get(target_id)


def _when(now: Turn, timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, now.services.settings.zone).strftime("%d.%m.%Y %H:%M")
