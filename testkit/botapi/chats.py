"""The fake's world: chats (made up from what their ids look like), users, messages kept for edits,
replies and copies, and chat members as ``getChatMember`` answers them."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from testkit.botapi.errors import norm_chat


class ChatsMixin:
    """Chats, users, messages and members; the state lives on ``FakeBotAPI`` (``_reset_state``)."""

    def set_member(self, chat_id: int | str, user_id: int, status: str) -> None:
        """What getChatMember answers: creator, administrator, member, restricted, left, kicked."""
        if status not in {"creator", "administrator", "member", "restricted", "left", "kicked"}:
            raise ValueError(f"unknown chat member status {status!r}")
        self.members[(norm_chat(chat_id), int(user_id))] = status

    def set_admins(self, chat_id: int | str, user_ids: Iterable[int], creator: int | None = None):
        for uid in user_ids:
            self.set_member(chat_id, uid, "administrator")
        if creator is not None:
            self.set_member(chat_id, creator, "creator")

    def _user(self, user: int | Mapping | None, fallback_id: int, language_code: str | None):
        if isinstance(user, Mapping):
            return dict(user)
        uid = int(user) if user is not None else fallback_id
        out: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": f"User{uid}"}
        if language_code:
            out["language_code"] = language_code
        return out

    def _chat(self, chat_id: int | str, chat_type: str | None = None) -> dict:
        known = self.chats.get(chat_id)
        if known is not None and (chat_type is None or known["type"] == chat_type):
            return known
        if chat_type is None:  # what the id looks like: -100… supergroup, @name channel
            if isinstance(chat_id, str):
                chat_type = "channel"
            elif chat_id > 0:
                chat_type = "private"
            else:
                chat_type = "group" if chat_id > -1_000_000_000_000 else "supergroup"
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User{chat_id}"
        else:
            chat["title"] = f"Test {chat_type} {chat_id}"
        self.chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: int | str) -> int:
        mid = self._message_ids.get(chat_id, 0) + 1
        self._message_ids[chat_id] = mid
        return mid

    def _new_message(self, chat_id: int | str, chat_type: str | None) -> dict[str, Any]:
        """A message's common fields; channel messages are signed by the channel itself."""
        chat = self._chat(chat_id, chat_type)
        msg: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
        }
        if chat["type"] == "channel":
            msg["sender_chat"] = chat
        return msg

    def _store(self, msg: dict) -> None:
        key = (msg["chat"]["id"], msg["message_id"])
        self.messages[key] = msg
        self.messages.move_to_end(key)
        while len(self.messages) > self.max_messages:
            self.messages.popitem(last=False)

    def _member(self, user: dict, status: str) -> dict:
        m: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            m.update(
                can_be_edited=False,
                is_anonymous=False,
                can_manage_chat=True,
                can_delete_messages=True,
                can_manage_video_chats=True,
                can_restrict_members=True,
                can_promote_members=False,
                can_change_info=True,
                can_invite_users=True,
                can_post_stories=False,
                can_edit_stories=False,
                can_delete_stories=False,
                can_post_messages=True,
                can_edit_messages=True,
                can_pin_messages=True,
                can_manage_topics=True,
            )
        elif status == "creator":
            m.update(is_anonymous=False)
        elif status == "kicked":
            m.update(until_date=0)
        elif status == "restricted":
            m.update(
                is_member=True,
                until_date=0,
                **dict.fromkeys(
                    (
                        "can_change_info",
                        "can_invite_users",
                        "can_pin_messages",
                        "can_send_messages",
                        "can_send_polls",
                        "can_send_other_messages",
                        "can_add_web_page_previews",
                        "can_manage_topics",
                        "can_send_audios",
                        "can_send_documents",
                        "can_send_photos",
                        "can_send_videos",
                        "can_send_video_notes",
                        "can_send_voice_notes",
                        "can_edit_tag",
                        "can_react_to_messages",
                    ),
                    False,
                ),
            )
        return m
