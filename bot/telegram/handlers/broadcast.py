"""/broadcast and /broadcast_cancel (admins only) and the preview's buttons.

``/broadcast text`` sends ``text`` with the admin's formatting (the message's entities as Telegram
HTML) to every active chat; ``/broadcast <target-id> text`` only to the subscribers of that prisoner
or facility; ``/broadcast [target-id]`` as a reply to a message copies that message (``copyMessage``
from the admin's chat: formatting and media kept). The bot first shows the message as it will look
and asks to confirm; the state and counters are in ``subscriptions/broadcast.py``, the progress
messages and reports in ``bot/telegram/broadcast_monitor.py``.

A first word is taken as a target id when the registry has it. A word that looks like an id
(lowercase ASCII with a digit, ``-`` or ``_``) but is not in the registry is refused, so a typo
never turns a targeted message into one for everybody; the confirm question names the audience.
"""

from __future__ import annotations

import logging
import re

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.telegram.broadcast_monitor import progress_text
from bot.telegram.handlers.admin import admin_only
from bot.telegram.handlers.common import Turn, turn
from bot.telegram.i18n import catalog, t
from bot.telegram.render import name_of
from feeds.registry.models import ID_RE
from subscriptions.broadcast import ALL, Draft, new_id
from subscriptions.broadcast_store import BroadcastStore

log = logging.getLogger("vestka.bot")

COMMAND = re.compile(r"^/broadcast(?:@\w+)?(?=\s|$)")
ID_LIKE = re.compile(r"[0-9_-]")
HANDLER_BATCHES: int | None = None  # batches the confirm button enqueues itself (None: all)


@admin_only
async def broadcast(now: Turn) -> None:
    message = now.message
    if message is None:
        return
    store = BroadcastStore(now.services.storage)
    running = await store.current()
    if running is not None:
        await now.reply(now.t("broadcast.busy", id=running.id))
        return
    body = COMMAND.sub("", message.text_html or "", count=1).strip()
    words = (message.text or "").split(maxsplit=2)
    first = words[1] if len(words) > 1 else ""
    audience, label = ALL, now.t("broadcast.audience_all")
    if first and ID_RE.fullmatch(first):
        target = await now.services.registry.get(first)
        if target is not None:
            audience = target.id
            label = _plain(now.lang, "broadcast.audience_target", name=name_of(target, now.lang))
            body = re.sub(rf"^{re.escape(first)}(?=\s|$)", "", body, count=1).strip()
        elif ID_LIKE.search(first):
            await now.reply(now.t("broadcast.unknown_target", id=first))
            return
    replied = message.reply_to_message
    if replied is not None and not body:
        method = "copyMessage"
        params: dict = {"from_chat_id": now.chat.id, "message_id": replied.message_id}
    elif replied is None and body:
        method, params = "sendMessage", {"text": body, "parse_mode": ParseMode.HTML.value}
    else:
        await now.reply(now.t("broadcast.usage"))
        return
    count = await store.audience_size(audience)
    if count == 0:
        await now.reply(now.t("broadcast.no_audience", audience=label))
        return
    draft = Draft(
        id=new_id(),
        admin_chat=now.chat.id,
        lang=now.lang,
        method=method,
        params=params,
        audience=audience,
        audience_label=label,
    )
    await _preview(now, message, draft)
    await store.save_draft(draft)
    question = now.t("broadcast.confirm", audience=label, count=count)
    if method == "copyMessage":
        question += "\n" + now.t("broadcast.copy_note")
    buttons = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    now.t("broadcast.send_button"), callback_data=f"bc:go:{draft.id}"
                ),
                InlineKeyboardButton(
                    now.t("broadcast.cancel_button"), callback_data=f"bc:no:{draft.id}"
                ),
            ]
        ]
    )
    await now.reply(question, reply_markup=buttons)


def _plain(lang: str, key: str, **params: str) -> str:
    """A text filled with unescaped parameters: the audience label is stored as plain text and
    escaped where it is shown (``t`` would escape it twice)."""
    return (catalog(lang).get(key) or catalog("en")[key]).format_map(params)


async def _preview(now: Turn, message: Message, draft: Draft) -> None:
    """The message exactly as the chats will get it."""
    if draft.method == "copyMessage":
        await now.context.bot.copy_message(
            chat_id=draft.admin_chat,
            from_chat_id=draft.params["from_chat_id"],
            message_id=draft.params["message_id"],
            message_thread_id=message.message_thread_id if message.is_topic_message else None,
        )
    else:
        await now.reply(draft.params["text"])


async def broadcast_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``bc:go:<id>`` confirms a previewed broadcast, ``bc:no:<id>`` discards it."""
    query = update.callback_query
    now = await turn(update, context)
    if not now.services.is_admin(now.user_id):
        log.warning("refused a broadcast button from a non-admin")
        await query.answer(now.t("admin.not_allowed"), show_alert=True)
        return
    _, action, draft_id = [*query.data.split(":", 2), "", ""][:3]
    store = BroadcastStore(now.services.storage)
    if action == "no":
        await store.discard_draft(draft_id)
        await query.answer()
        await _edit(query, now.t("broadcast.discarded"))
        return
    draft = await store.draft(draft_id) if action == "go" else None
    if draft is None:
        await query.answer(now.t("errors.expired"))
        return
    status, ref = await store.start(draft)
    if status == "busy":
        await query.answer()
        await now.reply(now.t("broadcast.busy", id=ref))
        return
    if status != "started":
        await query.answer(now.t("errors.expired"))
        return
    await query.answer()
    log.info("broadcast %s confirmed", draft.id)
    await query.edit_message_text(
        now.t("broadcast.started", id=draft.id), parse_mode=ParseMode.HTML
    )
    await store.prepare(draft.id)
    started = await store.get(draft.id)
    if started is not None and started.active:
        text = progress_text(t, started, None)
        progress = await context.bot.send_message(draft.admin_chat, text, parse_mode=ParseMode.HTML)
        await store.set_progress_message(draft.id, progress.message_id, text)
    context.application.create_task(
        _enqueue(store, draft.id), update=update, name=f"broadcast {draft.id}"
    )


async def _edit(query: CallbackQuery, text: str) -> None:
    """Replace the confirm question (and its buttons); an old or deleted message is no matter."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError as exc:
        log.debug("could not edit a broadcast question: %s", type(exc).__name__)


async def _enqueue(store: BroadcastStore, broadcast_id: str) -> None:
    """Enqueue at once; the monitor finishes whatever a crash leaves undone."""
    count = await store.advance(broadcast_id, HANDLER_BATCHES)
    log.info("broadcast %s: %d deliveries enqueued", broadcast_id, count)


@admin_only
async def broadcast_cancel(now: Turn) -> None:
    store = BroadcastStore(now.services.storage)
    running = await store.current()
    if running is None or not await store.cancel(running.id):
        await now.reply(now.t("broadcast.cancel_none"))
        return
    dropped = await store.drop_queued(running.id)
    log.info("broadcast %s cancelled (%d queued deliveries dropped)", running.id, dropped)
    await now.reply(now.t("broadcast.cancel_done", id=running.id, dropped=dropped))
