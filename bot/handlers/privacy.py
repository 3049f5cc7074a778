"""/forget: delete everything Vestka holds about a chat, after one confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.handlers.common import turn
from bot.i18n import t


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    now = await turn(update, context)
    if not await now.may_change_subscriptions():
        await now.reply(now.t("groups.admins_only"))
        return
    buttons = [
        [
            InlineKeyboardButton(now.t("forget.yes"), callback_data="forget:yes"),
            InlineKeyboardButton(now.t("forget.no"), callback_data="forget:no"),
        ]
    ]
    await now.reply(now.t("forget.confirm"), reply_markup=InlineKeyboardMarkup(buttons))


async def forget_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    now = await turn(update, context)
    if not await now.may_change_subscriptions():
        await query.answer(now.t("groups.admins_only"), show_alert=True)
        return
    await query.answer()
    lang = now.lang
    if query.data != "forget:yes":
        await query.edit_message_text(t(lang, "forget.cancelled"))
        return
    await now.services.forget(now.chat.id)
    await query.edit_message_text(t(lang, "forget.done"))
