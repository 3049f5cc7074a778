"""The Bot API methods the bot calls, validated like Telegram does: sending (text, media, copies,
forwards), editing, deleting, answering callback and inline queries, chat info, commands, menu."""

from __future__ import annotations

import json
import re
import time
from typing import Any

from testkit.botapi.errors import NOT_MODIFIED, QUERY_TOO_OLD, ApiError, norm_chat
from testkit.botapi.html import HtmlError, parse_html
from testkit.botapi.records import InlineAnswer
from testkit.botapi.wire import (
    BOT_FROM,
    BOT_ID,
    BOT_USER,
    MAX_CALLBACK_TEXT,
    MAX_CAPTION,
    MAX_INLINE_RESULTS,
    MAX_TEXT,
)


class MethodsMixin:
    """One ``m_*`` handler per method (``server.HANDLERS`` maps the names to them)."""

    # -- method handlers ---------------------------------------------------------------------------
    def _check_markup(self, params: dict) -> dict | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is not None:
            for row in rows:
                for button in row:
                    data = button.get("callback_data")
                    if data is not None and not 1 <= len(str(data).encode()) <= 64:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
                    if not button.get("text"):
                        raise ApiError(
                            400, "Bad Request: text buttons are unallowed in the inline keyboard"
                        )
            return markup
        return None  # reply keyboards are not echoed in the Message

    def _render(self, params: dict, field_name: str = "text", limit: int = MAX_TEXT):
        """(plain text, entities) of a text or caption, validated like Telegram does."""
        raw = params.get(field_name)
        if raw is None:
            if field_name == "text":
                raise ApiError(400, "Bad Request: message text is empty")
            return None, []
        raw = str(raw)
        mode = str(params.get("parse_mode") or "").lower()
        if mode == "html":
            try:
                plain, entities = parse_html(raw)
            except HtmlError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        else:
            plain = raw
            given = params.get("entities" if field_name == "text" else "caption_entities")
            entities = given if isinstance(given, list) else []
        if field_name == "text" and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if len(plain) > limit:
            what = "message" if field_name == "text" else "message caption"
            raise ApiError(400, f"Bad Request: {what} is too long")
        return plain, entities

    def _outgoing(self, params: dict, **content: Any) -> dict:
        chat_id = params["chat_id"]
        msg = self._new_message(chat_id, None)
        if "sender_chat" not in msg:
            msg["from"] = BOT_FROM
        thread = params.get("message_thread_id")
        if thread:
            msg["message_thread_id"] = int(thread)
            msg["is_topic_message"] = True
        reply = params.get("reply_parameters")
        reply_id = reply.get("message_id") if isinstance(reply, dict) else None
        reply_id = reply_id or params.get("reply_to_message_id")
        if reply_id and (replied := self.messages.get((chat_id, int(reply_id)))):
            msg["reply_to_message"] = {k: v for k, v in replied.items() if k != "reply_to_message"}
        msg.update({k: v for k, v in content.items() if v not in (None, [])})
        markup = self._check_markup(params)
        if markup is not None:
            msg["reply_markup"] = markup
        self._store(msg)
        return msg

    def _require_chat(self, params: dict) -> Any:
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise ApiError(400, "Bad Request: chat_id is empty")
        return params["chat_id"]

    def m_send_message(self, params: dict) -> dict:
        self._require_chat(params)
        text, entities = self._render(params)
        return self._outgoing(params, text=text, entities=entities)

    def m_send_media(self, params: dict) -> dict:
        self._require_chat(params)
        caption, entities = self._render(params, "caption", MAX_CAPTION)
        return self._outgoing(params, caption=caption, caption_entities=entities)

    def m_copy_message(self, params: dict) -> dict:
        self._require_chat(params)
        src_chat = norm_chat(params.get("from_chat_id", ""))
        src = self.messages.get((src_chat, params.get("message_id")))
        if src is None and src_chat in self.chats:
            raise ApiError(400, "Bad Request: message to copy not found")
        content = {k: src[k] for k in ("text", "entities", "caption") if src and k in src}
        if "caption" in params:
            caption, ents = self._render(params, "caption", MAX_CAPTION)
            content.update(caption=caption, caption_entities=ents)
        msg = self._outgoing(params, **content)
        return {"message_id": msg["message_id"]}

    def m_forward_message(self, params: dict) -> dict:
        self._require_chat(params)
        src_chat = norm_chat(params.get("from_chat_id", ""))
        src = self.messages.get((src_chat, params.get("message_id")))
        if src is None and src_chat in self.chats:
            raise ApiError(400, "Bad Request: message to forward not found")
        content = {k: src[k] for k in ("text", "entities", "caption") if src and k in src}
        origin_chat = self._chat(src_chat)
        content["forward_origin"] = (
            {"type": "user", "sender_user": src.get("from"), "date": src["date"]}
            if src and "from" in src
            else {
                "type": "chat" if origin_chat["type"] != "channel" else "channel",
                "sender_chat" if origin_chat["type"] != "channel" else "chat": origin_chat,
                "date": int(time.time()),
                **(
                    {"message_id": params.get("message_id")}
                    if origin_chat["type"] == "channel"
                    else {}
                ),
            }
        )
        return self._outgoing(params, **content)

    def _edit_target(self, params: dict) -> tuple[dict | None, Any]:
        if params.get("inline_message_id"):
            return None, None
        chat = self._require_chat(params)
        try:
            mid = int(params.get("message_id"))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: message identifier is not specified") from None
        msg = self.messages.get((chat, mid))
        if msg is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        return msg, mid

    def m_edit_message_text(self, params: dict) -> Any:
        text, entities = self._render(params)
        markup = self._check_markup(params)
        msg, _ = self._edit_target(params)
        if msg is None:
            return True
        if (
            msg.get("text") == text
            and msg.get("entities", []) == entities
            and msg.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        msg["text"] = text
        if entities:
            msg["entities"] = entities
        else:
            msg.pop("entities", None)
        if markup is not None:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = int(time.time())
        return msg

    def m_edit_message_reply_markup(self, params: dict) -> Any:
        markup = self._check_markup(params)
        msg, _ = self._edit_target(params)
        if msg is None:
            return True
        if msg.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        if markup is None:
            msg.pop("reply_markup", None)
        else:
            msg["reply_markup"] = markup
        msg["edit_date"] = int(time.time())
        return msg

    def m_delete_message(self, params: dict) -> bool:
        chat = self._require_chat(params)
        if self.messages.pop((chat, params.get("message_id")), None) is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        return True

    def m_answer_callback_query(self, params: dict) -> bool:
        qid = str(params.get("callback_query_id", ""))
        if qid not in self._open_callbacks:
            raise ApiError(400, QUERY_TOO_OLD)
        if len(str(params.get("text") or "")) > MAX_CALLBACK_TEXT:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_callbacks.discard(qid)
        self.callback_answers[qid] = params
        return True

    def m_answer_inline_query(self, params: dict) -> bool:
        qid = str(params.get("inline_query_id", ""))
        if qid not in self._open_inline:
            raise ApiError(400, QUERY_TOO_OLD)
        results = params.get("results")
        if not isinstance(results, list):
            raise ApiError(400, "Bad Request: can't parse inline query results JSON object")
        if len(results) > MAX_INLINE_RESULTS:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if any(not 1 <= len(i.encode()) <= 64 for i in ids):
            raise ApiError(400, "Bad Request: RESULT_ID_INVALID")
        if len(set(ids)) != len(ids):
            raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
        next_offset = str(params.get("next_offset") or "")
        if len(next_offset.encode()) > 64:
            raise ApiError(400, "Bad Request: NEXT_OFFSET_INVALID")
        for r in results:
            self._check_markup(r)
            content = r.get("input_message_content")
            if isinstance(content, dict) and "message_text" in content:
                self._render(
                    {"text": content["message_text"], "parse_mode": content.get("parse_mode")}
                )
        self._open_inline.discard(qid)
        self.inline_answers[qid] = InlineAnswer(
            qid,
            results,
            next_offset,
            bool(params.get("is_personal", False)),
            int(params.get("cache_time", 300)),
            params.get("button"),
            time.time(),
        )
        return True

    def m_get_chat_member(self, params: dict) -> dict:
        chat = self._require_chat(params)
        try:
            uid = int(params.get("user_id"))
        except (TypeError, ValueError):
            raise ApiError(400, "Bad Request: invalid user_id specified") from None
        if chat == uid and uid > 0:
            status = "member"
        else:
            default = "administrator" if uid == BOT_ID else "member"
            status = self.members.get((chat, uid), default)
        if uid == BOT_ID:
            user = {k: BOT_USER[k] for k in ("id", "is_bot", "first_name", "username")}
        else:
            user = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
        return self._member(user, status)

    def m_get_chat(self, params: dict) -> dict:
        chat_id = self._require_chat(params)
        if chat_id in self.blocked and self.blocked[chat_id] != "blocked":
            raise ApiError(400, "Bad Request: chat not found")
        chat = dict(self._chat(chat_id))
        chat.update(
            accent_color_id=0,
            max_reaction_count=11,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return chat

    def m_get_me(self, params: dict) -> dict:
        return dict(BOT_USER)

    def m_true(self, params: dict) -> bool:
        return True

    def m_send_chat_action(self, params: dict) -> bool:
        self._require_chat(params)
        return True

    @staticmethod
    def _commands_key(params: dict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)

    def m_set_my_commands(self, params: dict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(c.get("command", ""))):
                raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(c.get("description", ""))) <= 256:
                raise ApiError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def m_delete_my_commands(self, params: dict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    def m_get_my_commands(self, params: dict) -> list[dict]:
        return self.commands.get(self._commands_key(params), [])

    def get_commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        return self.commands.get(
            self._commands_key({"scope": scope, "language_code": language_code}), []
        )

    def m_set_chat_menu_button(self, params: dict) -> bool:
        self.menu_buttons[params.get("chat_id")] = params.get("menu_button") or {"type": "default"}
        return True

    def m_get_chat_menu_button(self, params: dict) -> dict:
        return self.menu_buttons.get(params.get("chat_id"), {"type": "commands"})
