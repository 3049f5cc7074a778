"""Updates as Telegram builds them, injected by a test: a user writes, presses a button, types an
inline query; the bot is blocked or added to a group; a group migrates to a supergroup."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Mapping
from typing import Any

from testkit.botapi.errors import norm_chat
from testkit.botapi.html import utf16_len
from testkit.botapi.wire import BOT_ID, BOT_USER, DEFAULT_USER_ID


class InjectionMixin:
    """``inject`` and its helpers; each returns the update id."""

    def inject(self, update: Mapping[str, Any]) -> int:
        """Queue a raw update (an ``update_id`` is assigned if missing); returns its id."""
        upd = dict(update)
        if "update_id" not in upd:
            upd["update_id"] = next(self._update_ids)
        self._updates.append(upd)
        self.injected[upd["update_id"]] = upd
        while len(self.injected) > 10_000:
            self.injected.popitem(last=False)
        if self.webhook is not None:
            self._queue_webhook(upd)
        self._wake_pollers()
        return upd["update_id"]

    def _wake_pollers(self) -> None:
        self._updates_changed.set()
        self._updates_changed = asyncio.Event()

    @staticmethod
    def command_entities(text: str) -> list[dict]:
        m = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?", text)
        if not m:
            return []
        return [{"type": "bot_command", "offset": 0, "length": utf16_len(m.group(0))}]

    def _incoming(
        self,
        chat_id: int | str,
        text: str,
        *,
        user: int | Mapping | None,
        chat_type: str | None,
        message_thread_id: int | None,
        language_code: str | None,
        entities: list[dict] | None,
        reply_to_message_id: int | None,
        extra: Mapping[str, Any] | None,
    ) -> dict:
        chat_id = norm_chat(chat_id)
        msg = self._new_message(chat_id, chat_type)
        chat = msg["chat"]
        if "sender_chat" not in msg:
            fallback = chat_id if chat["type"] == "private" else DEFAULT_USER_ID
            msg["from"] = self._user(user, fallback, language_code)  # type: ignore[arg-type]
        if message_thread_id is not None:
            msg["message_thread_id"] = message_thread_id
            msg["is_topic_message"] = True
            if chat["type"] == "supergroup":
                chat["is_forum"] = True
        msg["text"] = text
        ents = self.command_entities(text) if entities is None else entities
        if ents:
            msg["entities"] = ents
        if reply_to_message_id is not None:
            replied = self.messages.get((chat_id, reply_to_message_id))
            msg["reply_to_message"] = replied or {
                "message_id": reply_to_message_id,
                "date": int(time.time()),
                "chat": chat,
            }
        if extra:
            msg.update(extra)
        self._store(msg)
        return msg

    def send_text(
        self,
        chat_id: int | str,
        text: str,
        user: int | Mapping | None = None,
        chat_type: str | None = None,
        message_thread_id: int | None = None,
        language_code: str | None = "en",
        *,
        entities: list[dict] | None = None,
        reply_to_message_id: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> int:
        """A user writes ``text`` in a chat ("private" for positive ids, "group" otherwise, unless
        ``chat_type`` says). Commands get their ``bot_command`` entity. Channels give a
        ``channel_post``."""
        msg = self._incoming(
            chat_id,
            text,
            user=user,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
            language_code=language_code,
            entities=entities,
            reply_to_message_id=reply_to_message_id,
            extra=extra,
        )
        kind = "channel_post" if msg["chat"]["type"] == "channel" else "message"
        return self.inject({kind: msg})

    def channel_post(self, chat_id: int | str, text: str, **kwargs: Any) -> int:
        kwargs.setdefault("language_code", None)
        return self.send_text(chat_id, text, chat_type="channel", **kwargs)

    def callback_query(
        self,
        chat_id: int | str | None,
        message_id: int | None,
        data: str,
        user: int | Mapping | None = None,
        *,
        inline_message_id: str | None = None,
        language_code: str | None = "en",
    ) -> int:
        """A button press on a bot message. An unknown (e.g. old) message comes as Telegram's
        inaccessible message (``date`` 0)."""
        qid = f"cbq-{next(self._query_ids)}"
        self._open_callbacks.add(qid)
        query: dict[str, Any] = {"id": qid, "data": data}
        if inline_message_id is not None:
            query["inline_message_id"] = inline_message_id
            query["chat_instance"] = f"inline-{inline_message_id}"
            query["from"] = self._user(user, DEFAULT_USER_ID, language_code)
        else:
            chat_id = norm_chat(chat_id)
            chat = self._chat(chat_id)
            fallback = chat_id if chat["type"] == "private" else DEFAULT_USER_ID
            query["from"] = self._user(user, fallback, language_code)  # type: ignore[arg-type]
            query["chat_instance"] = str(abs(hash(("ci", chat_id))) % 10**18)
            msg = self.messages.get((chat_id, message_id))  # type: ignore[arg-type]
            query["message"] = msg or {"chat": chat, "message_id": message_id, "date": 0}
        return self.inject({"callback_query": query})

    def inline_query(
        self,
        query: str,
        user: int | Mapping | None = None,
        offset: str = "",
        *,
        chat_type: str | None = "sender",
        language_code: str | None = "en",
    ) -> int:
        qid = f"inq-{next(self._query_ids)}"
        self._open_inline.add(qid)
        body: dict[str, Any] = {
            "id": qid,
            "from": self._user(user, DEFAULT_USER_ID, language_code),
            "query": query,
            "offset": offset,
        }
        if chat_type:
            body["chat_type"] = chat_type
        return self.inject({"inline_query": body})

    def update(self, update_id: int) -> dict:
        """An injected update by id (the last 10,000 are kept)."""
        return self.injected[update_id]

    def query_id(self, update_id: int) -> str:
        """The callback or inline query id of an injected update."""
        upd = self.injected[update_id]
        return (upd.get("inline_query") or upd.get("callback_query"))["id"]

    def my_chat_member(
        self,
        chat_id: int | str,
        old_status: str,
        new_status: str,
        chat_type: str | None = None,
        user: int | Mapping | None = None,
        *,
        affect_delivery: bool = True,
    ) -> int:
        """The bot's own membership changed (blocked: private ``member`` -> ``kicked``; added to a
        group: ``left`` -> ``member``/``administrator``). With ``affect_delivery``, later sends to
        the chat fail as on Telegram (blocked / kicked) until a change back."""
        chat_id = norm_chat(chat_id)
        chat = self._chat(chat_id, chat_type)
        fallback = chat_id if chat["type"] == "private" else DEFAULT_USER_ID
        actor = self._user(user, fallback, None)  # type: ignore[arg-type]
        bot = {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")}
        if affect_delivery:
            if new_status in {"kicked", "left"}:
                self.blocked[chat_id] = {
                    "private": "blocked",
                    "group": "kicked",
                    "supergroup": "kicked_supergroup",
                    "channel": "kicked_channel",
                }[chat["type"]]
            else:
                self.blocked.pop(chat_id, None)
        self.members[(chat_id, BOT_ID)] = new_status
        return self.inject(
            {
                "my_chat_member": {
                    "chat": chat,
                    "from": actor,
                    "date": int(time.time()),
                    "old_chat_member": self._member(bot, old_status),
                    "new_chat_member": self._member(bot, new_status),
                }
            }
        )

    def migrate(self, chat_id: int, new_chat_id: int, user: int | Mapping | None = None) -> int:
        """A group becomes a supergroup: a service message with ``migrate_to_chat_id`` in the old
        group, one with ``migrate_from_chat_id`` in the new supergroup (returns the latter's update
        id). Sends to the old id then fail with 400 and ``migrate_to_chat_id``."""
        old, new = int(chat_id), int(new_chat_id)
        old_chat = self._chat(old, "group")
        new_chat = dict(old_chat, id=new, type="supergroup")
        self.chats[new] = new_chat
        actor = self._user(user, DEFAULT_USER_ID, None)
        now = int(time.time())
        self.inject(
            {
                "message": {
                    "message_id": self._next_message_id(old),
                    "from": actor,
                    "chat": old_chat,
                    "date": now,
                    "migrate_to_chat_id": new,
                }
            }
        )
        self.migrated_to[old] = new
        return self.inject(
            {
                "message": {
                    "message_id": self._next_message_id(new),
                    "from": {
                        "id": 1087968824,
                        "is_bot": True,
                        "first_name": "Group",
                        "username": "GroupAnonymousBot",
                    },
                    "sender_chat": new_chat,
                    "chat": new_chat,
                    "date": now,
                    "migrate_from_chat_id": old,
                }
            }
        )
