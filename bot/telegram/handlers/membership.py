"""The bot's place in chats: blocked or unblocked in private, added to or removed from groups and
channels, and groups that become supergroups (their subscriptions move to the new id)."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import services, turn

log = logging.getLogger("vestka.bot")

GONE = (ChatMemberStatus.LEFT, ChatMemberStatus.BANNED)


async def my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    change = update.my_chat_member
    now = await turn(update, context)
    old, new = change.old_chat_member.status, change.new_chat_member.status
    if new in GONE:
        now.chat.active = False
        now.chat.inactive_reason = "blocked" if not now.chat.is_group else "removed"
        await now.services.subscriptions.save_chat(now.chat)
        log.info("a chat blocked or removed the bot; deliveries to it stop")
        return
    if old in GONE:
        now.chat.active, now.chat.inactive_reason = True, ""
        await now.services.subscriptions.save_chat(now.chat)
        if now.chat.is_group:
            await context.bot.send_message(
                now.chat.id, now.t("groups.added"), parse_mode=ParseMode.HTML
            )


async def migration(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The old group's last message carries ``migrate_to_chat_id``; move everything there."""
    message = update.effective_message
    old_id, new_id = message.chat.id, message.migrate_to_chat_id
    if new_id is None and message.migrate_from_chat_id is not None:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    if new_id is None or old_id == new_id:
        return
    moved = await services(context).subscriptions.migrate(old_id, new_id)
    log.info("a group became a supergroup; %d subscriptions moved", moved)
