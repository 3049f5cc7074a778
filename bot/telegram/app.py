"""The python-telegram-bot ``Application``: which update goes to which handler, and start-up.

``TELEGRAM_API_URL`` becomes PTB's ``base_url``, which is how a self-hosted Bot API server, or the
tests' fake one, stands in for Telegram. Cosmetic start-up calls (the command menu) may fail without
stopping the bot.
"""

from __future__ import annotations

import logging
import re

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.telegram.handlers import (
    admin,
    broadcast,
    delivery,
    feedback,
    follow,
    inline,
    membership,
    privacy,
    start,
    status,
)
from bot.telegram.handlers.common import turn
from bot.telegram.i18n import LANGS, t
from bot.telegram.replies import SharedReplyLimiter
from bot.telegram.services import Services, rate_config
from bot.telegram.updates import ReadableUpdates
from subscriptions.ratelimit import RateLimiter

log = logging.getLogger("vestka.bot")

USER_COMMANDS = {
    "start": start.start,
    "help": start.help_command,
    "subscribe": follow.subscribe,
    "list": follow.list_command,
    "unsubscribe": follow.unsubscribe,
    "status": status.status,
    "mute": follow.mute,
    "unmute": follow.unmute,
    "mode": delivery.mode,
    "namesakes": delivery.namesakes,
    "links": delivery.links,
    "lang": start.lang,
    "forget": privacy.forget,
}
ADMIN_COMMANDS = {
    "feeds": admin.feeds,
    "track": admin.track,
    "untrack": admin.untrack,
    "registry_apply": admin.registry_apply,
    "stats": admin.stats,
    "broadcast": broadcast.broadcast,
    "broadcast_cancel": broadcast.broadcast_cancel,
}
BUTTONS = {
    r"^sub:": follow.follow_button,
    r"^unsub:": follow.unfollow_button,
    r"^card:": status.card_button,
    r"^lang:": start.lang_button,
    r"^forget:": privacy.forget_button,
    r"^mute:": delivery.mute_button,
    r"^unmute:": delivery.unmute_button,
    r"^bc:": broadcast.broadcast_button,
    r"^nm:": feedback.not_about_button,
}
CHANNEL_COMMAND = re.compile(r"^/([a-z_]{1,32})(?:@\w+)?(?:\s+(.*))?$", re.S)


def build_application(services: Services, updater: bool = True) -> Application:
    """``updater=False`` for webhook mode: updates arrive through ``bot.ops.web`` instead."""
    settings = services.settings
    assert settings.telegram_bot_token is not None, "console mode has no Telegram application"
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{settings.telegram_api_url}/bot")
        .base_file_url(f"{settings.telegram_api_url}/file/bot")
        .concurrent_updates(64)
        .rate_limiter(SharedReplyLimiter(RateLimiter(services.storage, rate_config(settings))))
    )
    if updater:
        builder = builder.get_updates_request(ReadableUpdates(connection_pool_size=1))
    else:
        builder = builder.updater(None)
    application = builder.build()
    application.bot_data["services"] = services
    add_handlers(application)
    return application


def add_handlers(application: Application) -> None:
    only_new = filters.UpdateType.MESSAGE
    for name, callback in {**USER_COMMANDS, **ADMIN_COMMANDS}.items():
        application.add_handler(CommandHandler(name, callback, filters=only_new))
    for pattern, callback in BUTTONS.items():
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(_stale_button))
    application.add_handler(InlineQueryHandler(inline.inline_query))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.migration))
    application.add_handler(
        ChatMemberHandler(membership.my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    application.add_handler(
        MessageHandler(
            filters.UpdateType.CHANNEL_POST & filters.Regex(CHANNEL_COMMAND), _channel_command
        )
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.COMMAND,
            _unknown_command,
        )
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND,
            follow.plain_text,
        )
    )
    application.add_error_handler(_error)


async def _channel_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Commands posted in a channel: only its administrators can post, so they may subscribe it."""
    match = CHANNEL_COMMAND.match(update.channel_post.text or "")
    callback = USER_COMMANDS.get(match.group(1)) if match else None
    if callback is None:
        return
    context.args = (match.group(2) or "").split()
    await callback(update, context)


async def _unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    now = await turn(update, context)
    await now.reply(now.t("errors.unknown_command"))


async def _stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    now = await turn(update, context)
    await update.callback_query.answer(now.t("errors.expired"))


async def _error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure (type only at error level: no message text, no ids) and apologise."""
    error = context.error
    log.error("handler failed: %s", type(error).__name__, exc_info=log.isEnabledFor(logging.DEBUG))
    if isinstance(update, Update) and update.effective_message and update.effective_chat:
        try:
            now = await turn(update, context)
            await now.reply(now.t("errors.generic"))
        except Exception:
            log.warning("could not apologise for a failed handler")


async def startup(application: Application) -> None:
    """The command menu in each language; failing is cosmetic, never fatal."""
    for lang in LANGS:
        commands = [BotCommand(name, t(lang, f"commands.{name}")) for name in USER_COMMANDS]
        try:
            await application.bot.set_my_commands(
                commands, language_code=None if lang == "en" else lang
            )
        except TelegramError as exc:
            log.warning("setMyCommands failed for %s: %s", lang, type(exc).__name__)
    await application.bot_data["services"].registry.refresh(force=True)
