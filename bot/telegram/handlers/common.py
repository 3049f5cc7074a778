"""What every handler needs: the services, the chat's stored settings and language, and the two
permission questions (is this a Vestka admin? may this user change this group?).

Every command and button that changes a chat's settings is wrapped in ``changes_settings``: the
one place that asks whether the member may, and gives a member who may not the same answer."""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Chat as TgChat
from telegram import Message, Update
from telegram.constants import ChatMemberStatus, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.telegram.i18n import t
from bot.telegram.services import Services
from subscriptions.chats import Chat, ChatKind, language_of

log = logging.getLogger("vestka.bot")

QUERY_MAX = 200  # longer is not a name; answered with errors.too_long
ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]


@dataclass
class Turn:
    """One incoming update, seen from the bot: who, where, in which language."""

    update: Update
    context: ContextTypes.DEFAULT_TYPE
    services: Services
    chat: Chat

    @property
    def lang(self) -> str:
        return self.chat.lang

    @property
    def message(self) -> Message | None:
        return self.update.effective_message

    @property
    def user_id(self) -> int | None:
        user = self.update.effective_user
        return user.id if user else None

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    async def reply(self, text: str, **kwargs: object) -> Message | None:
        """Answer in the chat (and the forum topic) the update came from."""
        message = self.message
        if message is None:
            return None
        return await message.reply_text(text, parse_mode=ParseMode.HTML, do_quote=False, **kwargs)  # type: ignore[arg-type]

    async def may_change_subscriptions(self) -> bool:
        """Private chats and channels: yes. Groups: only the group's administrators."""
        if not self.chat.is_group:
            return True
        message = self.message
        if (
            message is not None
            and message.sender_chat is not None
            and message.sender_chat.id == self.chat.id
        ):
            return True  # an anonymous administrator posting as the group
        if self.user_id is None:
            return False
        try:
            member = await self.context.bot.get_chat_member(self.chat.id, self.user_id)
        except TelegramError:
            log.warning("could not check a group member's rights")
            return False
        return member.status in ADMIN_STATUSES

    async def allowed_to_change(self) -> bool:
        """``may_change_subscriptions``, and when not, tell the member so (an alert on a button,
        a reply to a command)."""
        if await self.may_change_subscriptions():
            return True
        query = self.update.callback_query
        if query is not None:
            await query.answer(self.t("groups.admins_only"), show_alert=True)
        else:
            await self.reply(self.t("groups.admins_only"))
        return False


Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def changes_settings(action: Callable[[Turn], Awaitable[None]]) -> Handler:
    """A command or button that changes what a chat follows or how it gets alerts: in groups only
    the group's administrators get through (``Turn.allowed_to_change``)."""

    @functools.wraps(action)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        now = await turn(update, context)
        if await now.allowed_to_change():
            await action(now)

    guarded.changes_settings = True  # type: ignore[attr-defined]
    return guarded


async def turn(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    """The chat's stored settings, created on first contact (language from the user's client)."""
    svc = services(context)
    tg_chat = update.effective_chat
    chat = await svc.subscriptions.chat(tg_chat.id) if tg_chat else None
    if chat is None:
        user = update.effective_user
        chat = Chat(
            id=tg_chat.id if tg_chat else 0,
            kind=_kind(tg_chat),
            lang=language_of(user.language_code if user else None),
        )
        if tg_chat is not None:
            await svc.subscriptions.save_chat(chat)
    elif not chat.active and update.message is not None:
        chat.active, chat.inactive_reason = True, ""  # they talk to us again: they are back
        await svc.subscriptions.save_chat(chat)
    return Turn(update, context, svc, chat)


def _kind(chat: TgChat | None) -> ChatKind:
    kind = chat.type if chat else "private"
    return ChatKind(kind) if kind in ChatKind._value2member_map_ else ChatKind.PRIVATE


def query_of(turn: Turn) -> str:
    """The text after the command (or the whole text of a plain message), whitespace folded."""
    args = turn.context.args
    if args is not None:
        return " ".join(args)
    message = turn.message
    return " ".join((message.text or "").split()) if message else ""
