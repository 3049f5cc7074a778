"""/status <name>: a prisoner's card (or a facility's), without following them."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import QUERY_MAX, query_of, turn
from bot.telegram.handlers.follow import PICK_MAX, card_text, clear_winner
from bot.telegram.render import button_label, name_of


async def status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    now = await turn(update, context)
    query = query_of(now)
    if not query:
        await now.reply(now.t("status.usage"))
        return
    if len(query) > QUERY_MAX:
        await now.reply(now.t("errors.too_long", max=QUERY_MAX))
        return
    index = await now.services.registry.current()
    hits = index.search(query, limit=PICK_MAX + 1) or index.suggest(query)[:PICK_MAX]
    if clear_winner(hits):
        await now.reply(await card_text(now, hits[0].target))
    elif hits:
        buttons = [
            [
                InlineKeyboardButton(
                    button_label(name_of(hit.target, now.lang)),
                    callback_data=f"card:{hit.target.id}",
                )
            ]
            for hit in hits[:PICK_MAX]
        ]
        await now.reply(
            now.t("subscribe.pick", query=query), reply_markup=InlineKeyboardMarkup(buttons)
        )
    else:
        await now.reply(now.t("subscribe.none", query=query))


async def card_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    now = await turn(update, context)
    target = await now.services.registry.get(query.data.removeprefix("card:"))
    if target is None:
        await query.answer(now.t("errors.expired"))
        return
    await query.answer()
    await now.reply(await card_text(now, target))
