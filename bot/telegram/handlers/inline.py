"""Inline mode: ``@bot <name>`` in any chat offers matching prisoners and prisons, each with its card
as the message to send and a button that opens the bot to follow them.

An empty query shows the user's own subscriptions (``is_personal``, so Telegram's cache never shows
one person's list to another) or, for someone who follows nobody, the people in custody. Pages of 50
with ``next_offset``; no Redis work beyond the registry view, so answers stay fast.
"""

from __future__ import annotations

import hashlib

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import QUERY_MAX, services
from bot.telegram.i18n import t
from bot.telegram.render import card, name_of
from bot.telegram.services import Services
from feeds.registry.models import AnyTarget, Prisoner, PrisonerStatus
from subscriptions.chats import language_of

PAGE = 50
OFFSET_MAX = 10_000


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    svc = services(context)
    user = query.from_user
    lang = language_of(user.language_code)
    stored = await svc.subscriptions.chat(user.id)
    if stored is not None:
        lang = stored.lang
    text = " ".join(query.query.split())[:QUERY_MAX]
    offset = int(query.offset) if query.offset.isdigit() and int(query.offset) < OFFSET_MAX else 0
    index = await svc.registry.current()
    personal = not text
    if text:
        targets = [hit.target for hit in index.search(text, limit=PAGE + 1, offset=offset)]
    else:
        targets = await _default_targets(svc, user.id, offset)
    page, more = targets[:PAGE], len(targets) > PAGE
    username = context.bot.username or ""
    results = [_result(target, lang, username) for target in page]
    await query.answer(
        results,
        cache_time=0 if personal else 30,
        is_personal=personal,
        next_offset=str(offset + PAGE) if more else "",
    )


async def _default_targets(svc: Services, user_id: int, offset: int) -> list[AnyTarget]:
    """The user's own subscriptions; for someone who follows nobody, the people recently in the
    news, then everyone in custody."""
    by_id = svc.registry.by_id
    targets = [by_id[i] for i in await svc.subscriptions.targets_of(user_id) if i in by_id]
    if not targets:
        recent = [by_id[i] for i in await svc.recently_active() if i in by_id]
        in_custody = [
            target
            for target in by_id.values()
            if isinstance(target, Prisoner) and target.status is PrisonerStatus.IN_CUSTODY
        ]
        targets = list({t.id: t for t in [*recent, *in_custody]}.values())
    return targets[offset : offset + PAGE + 1]


def _result(target: AnyTarget, lang: str, username: str) -> InlineQueryResultArticle:
    url = f"https://t.me/{username}?start=sub_{target.id}"
    description = t(lang, f"card.status_{target.status}") if isinstance(target, Prisoner) else ""
    return InlineQueryResultArticle(
        id=hashlib.sha1(target.id.encode()).hexdigest()[:32],  # noqa: S324 - an id, not security
        title=name_of(target, lang),
        description=description,
        input_message_content=InputTextMessageContent(
            card(target, lang), parse_mode=ParseMode.HTML
        ),
        reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(t(lang, "inline.open_bot"), url=url)]]
        ),
    )
