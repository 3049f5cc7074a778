"""/forget: delete everything Vestka holds about a chat, after one confirmation."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.handlers.common import Turn, changes_settings
from bot.telegram.i18n import t


@changes_settings
async def forget(now: Turn) -> None:
    buttons = [
        [
            InlineKeyboardButton(now.t("forget.yes"), callback_data="forget:yes"),
            InlineKeyboardButton(now.t("forget.no"), callback_data="forget:no"),
        ]
    ]
    await now.reply(now.t("forget.confirm"), reply_markup=InlineKeyboardMarkup(buttons))


@changes_settings
async def forget_button(now: Turn) -> None:
    query = now.update.callback_query
    await query.answer()
    lang = now.lang
    if query.data != "forget:yes":
        await query.edit_message_text(t(lang, "forget.cancelled"))
        return
    await now.services.forget(now.chat.id)
    await query.edit_message_text(t(lang, "forget.done"))
