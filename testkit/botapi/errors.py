"""Error answers and programmed failures: ``ApiError`` (what goes on the wire), the failure kinds
Telegram answers with (``FAILURE_KINDS``), and ``Failure`` rules built by ``make_failure``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from testkit.botapi.wire import CONTROL_METHODS

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


class ApiError(Exception):
    """An error answer: ``{"ok": false, "error_code", "description", "parameters"?}``."""

    def __init__(self, status: int, description: str, parameters: dict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict:
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            out["parameters"] = self.parameters
        return out


def flood(retry_after: int) -> ApiError:
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


def migrated(new_chat_id: int) -> ApiError:
    return ApiError(
        400,
        "Bad Request: group chat was upgraded to a supergroup chat",
        {"migrate_to_chat_id": new_chat_id},
    )


# kind -> (status, description); "flood", "migrated", "slow" take arguments (see make_failure).
FAILURE_KINDS: dict[str, tuple[int, str]] = {
    "blocked": (403, "Forbidden: bot was blocked by the user"),
    "kicked": (403, "Forbidden: bot was kicked from the group chat"),
    "kicked_supergroup": (403, "Forbidden: bot was kicked from the supergroup chat"),
    "kicked_channel": (403, "Forbidden: bot was kicked from the channel chat"),
    "not_member": (403, "Forbidden: bot is not a member of the group chat"),
    "deactivated": (403, "Forbidden: user is deactivated"),
    "cant_initiate": (403, "Forbidden: bot can't initiate conversation with a user"),
    "chat_deleted": (403, "Forbidden: the group chat was deleted"),
    "chat_not_found": (400, "Bad Request: chat not found"),
    "too_long": (400, "Bad Request: message is too long"),
    "parse_entities": (
        400,
        'Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 0',
    ),
    "not_modified": (400, NOT_MODIFIED),
    "query_too_old": (400, QUERY_TOO_OLD),
    "button_data_invalid": (400, "Bad Request: BUTTON_DATA_INVALID"),
    "conflict": (
        409,
        "Conflict: terminated by other getUpdates request; make sure that only one bot "
        "instance is running",
    ),
    "unauthorized": (401, "Unauthorized"),
    "server_error": (500, "Internal Server Error"),
    "bad_gateway": (502, "Bad Gateway"),
}


@dataclass
class Failure:
    """A programmed failure. ``status`` 0 means no error (only ``delay``, then a normal answer).

    ``chat_id`` None matches every chat (and calls without one); ``method`` None matches every
    method except ``CONTROL_METHODS``. ``times`` None is persistent; otherwise the rule is used up
    after that many hits.
    """

    status: int
    description: str = ""
    parameters: dict | None = None
    chat_id: int | str | None = None
    method: str | None = None
    times: int | None = 1
    delay: float = 0.0
    kind: str = "custom"
    hits: int = 0
    id: int = 0

    def matches(self, method: str, chat_id: int | str | None) -> bool:
        if self.method is None:
            if method in CONTROL_METHODS:
                return False
        elif self.method != method:
            return False
        return self.chat_id is None or self.chat_id == chat_id

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def error(self) -> ApiError | None:
        if not self.status:
            return None
        return ApiError(self.status, self.description, dict(self.parameters or {}) or None)


def make_failure(
    kind: str | None = None,
    *,
    chat_id: int | str | None = None,
    method: str | None = None,
    times: int | None = 1,
    delay: float = 0.0,
    retry_after: int = 5,
    new_chat_id: int | None = None,
    status: int | None = None,
    description: str | None = None,
    parameters: dict | None = None,
    detail: str | None = None,
) -> Failure:
    """Build a rule from a kind name (see ``FAILURE_KINDS`` plus "flood", "migrated", "slow")."""
    chat = norm_chat(chat_id) if chat_id is not None else None
    common = {"chat_id": chat, "method": method, "times": times, "delay": delay}
    if kind is None:
        if status is None:
            raise ValueError("give a failure kind or a status")
        return Failure(status, description or "", parameters, kind="custom", **common)
    if kind == "flood":
        err = flood(retry_after)
        return Failure(429, err.description, err.parameters, kind=kind, **common)
    if kind == "migrated":
        if new_chat_id is None:
            raise ValueError("'migrated' needs new_chat_id")
        err = migrated(int(new_chat_id))
        return Failure(400, err.description, err.parameters, kind=kind, **common)
    if kind == "slow":
        return Failure(0, kind=kind, **{**common, "delay": delay or 2.0})
    if kind not in FAILURE_KINDS:
        raise ValueError(f"unknown failure kind {kind!r}; known: {sorted(FAILURE_KINDS)}")
    code, text = FAILURE_KINDS[kind]
    if kind == "parse_entities" and detail:
        text = f"Bad Request: can't parse entities: {detail}"
    return Failure(code, description or text, parameters, kind=kind, **common)


def norm_chat(value: Any) -> int | str:
    if isinstance(value, bool):
        raise ApiError(400, "Bad Request: chat not found")
    if isinstance(value, int):
        return value
    s = str(value).strip()
    if s.lstrip("-").isdigit():
        return int(s)
    return s
