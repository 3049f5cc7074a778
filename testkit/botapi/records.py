"""What the fake records: every API call as received (``Call``) and the bot's answers to inline
queries (``InlineAnswer``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from testkit.botapi.errors import norm_chat


@dataclass
class Call:
    """One API call as received. ``status`` is None while the call is still being answered."""

    method: str
    params: dict
    time: float
    status: int | None = None
    result: Any = None
    error: str | None = None
    jitter: float = 0.0  # seconds of network delay the fake added before handling it

    @property
    def chat_id(self) -> int | str | None:
        return norm_chat(self.params["chat_id"]) if "chat_id" in self.params else None

    @property
    def ok(self) -> bool:
        return self.status == 200

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class InlineAnswer:
    query_id: str
    results: list
    next_offset: str
    is_personal: bool
    cache_time: int
    button: dict | None
    time: float
