"""A chat as Vestka remembers it: an id and settings, never a name, username or phone number.

People who follow political prisoners can be prosecuted in Belarus for it, so the less we hold, the
less can leak. The settings live in one Redis hash per chat; a missing field means the default.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

LANGUAGES = ("be", "ru", "en")


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"
    SUPERGROUP = "supergroup"
    CHANNEL = "channel"


class DeliveryMode(StrEnum):
    INSTANT = "instant"
    DAILY = "daily"


class Chat(BaseModel):
    """Settings of one chat. ``thread_id`` is the forum topic where the bot was set up."""

    id: int
    kind: ChatKind = ChatKind.PRIVATE
    lang: str = Field(default="en", pattern="^(be|ru|en)$")
    thread_id: int | None = None
    mode: DeliveryMode = DeliveryMode.INSTANT
    digest_hour: int = Field(default=9, ge=0, le=23)
    muted_until: float = 0.0  # unix time; 0 = not muted
    namesakes: bool = True  # stories that may be about someone else with a followed name
    links: bool = True  # False: alerts name their sources without links (``/links off``)
    active: bool = True
    inactive_reason: str = ""

    @property
    def is_group(self) -> bool:
        return self.kind in (ChatKind.GROUP, ChatKind.SUPERGROUP)

    def to_hash(self) -> dict[str, str]:
        data = self.model_dump(mode="json", exclude={"id"})
        return {
            k: "" if v is None else str(int(v) if isinstance(v, bool) else v)
            for k, v in data.items()
        }

    @classmethod
    def from_hash(cls, chat_id: int, data: dict[bytes, bytes]) -> Chat:
        fields = {k.decode(): v.decode() for k, v in data.items()}
        if fields.get("thread_id") == "":
            fields.pop("thread_id")
        for flag in ("active", "namesakes", "links"):
            if flag in fields:
                fields[flag] = fields[flag] == "1"
        return cls(id=chat_id, **fields)


def language_of(code: str | None) -> str:
    """Telegram's ``language_code`` -> our UI language: be, ru, otherwise en."""
    code = (code or "").lower()
    for lang in ("be", "ru"):
        if code == lang or code.startswith(lang + "-"):
            return lang
    return "en"
