"""/start (with deep links ``sub_<id>``), /help and /lang."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import Turn, changes_settings, turn
from bot.telegram.handlers.follow import follow
from bot.telegram.i18n import LANGS, t
from feeds.registry.models import ID_RE

LANGUAGE_NAMES = {"be": "Беларуская", "ru": "Русский", "en": "English"}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    now = await turn(update, context)
    payload = context.args[0] if context.args else ""
    if not payload:
        await now.reply(now.t("start.greeting"))
        return
    target_id = payload.removeprefix("sub_") if payload.startswith("sub_") else ""
    target = await now.services.registry.get(target_id) if ID_RE.match(target_id) else None
    if target is None:
        await now.reply(now.t("start.bad_link"))
        return
    if await now.allowed_to_change():
        await follow(now, target)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    now = await turn(update, context)
    text = now.t("help.text", bot=context.bot.username or "")
    if now.services.is_admin(now.user_id) and not now.chat.is_group:
        text += "\n\n" + now.t("help.admin")
    await now.reply(text)


@changes_settings
async def lang(now: Turn) -> None:
    choice = (now.context.args or [""])[0].lower()
    if choice in LANGS:
        await _set_language(now, choice)
        return
    buttons = [
        [InlineKeyboardButton(LANGUAGE_NAMES[code], callback_data=f"lang:{code}") for code in LANGS]
    ]
    await now.reply(now.t("lang.choose"), reply_markup=InlineKeyboardMarkup(buttons))


@changes_settings
async def lang_button(now: Turn) -> None:
    query = now.update.callback_query
    choice = query.data.removeprefix("lang:")
    if choice not in LANGS:
        await query.answer(now.t("errors.expired"))
        return
    await query.answer()
    await _set_language(now, choice)


async def _set_language(now: Turn, choice: str) -> None:
    now.chat.lang = choice
    await now.services.subscriptions.save_chat(now.chat)
    await now.reply(t(choice, "lang.set"))
