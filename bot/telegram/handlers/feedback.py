"""The "not about this person" button under a news alert (``nm:<alert>:<target>``).

Anyone in the chat may press it: it changes no setting, it only tells the operator that the engine
mistook someone (a namesake, a common word). Each chat counts once per alert, and ``/stats`` lists
the targets reported most, so the registry entry (an alias, a birth date) or the engine can be fixed.
The press is answered with a thank-you toast; a malformed or forged button gets the "expired" toast
and counts nothing.
"""

from __future__ import annotations

import re

from telegram import Update
from telegram.ext import ContextTypes

from bot.telegram.handlers.common import turn
from feeds.registry.models import ID_RE
from feeds.watching.reports import FalseMatches

ALERT_REF_RE = re.compile(r"^[0-9a-f]{8}$")


async def not_about_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    now = await turn(update, context)
    parts = (query.data or "").split(":")
    valid = len(parts) == 3 and ALERT_REF_RE.match(parts[1]) and ID_RE.match(parts[2])
    target = await now.services.registry.get(parts[2]) if valid else None
    if target is None:
        await query.answer(now.t("errors.expired"))
        return
    await FalseMatches(now.services.storage).report(target.id, parts[1], now.chat.id)
    await query.answer(now.t("alert.not_about_thanks"))
