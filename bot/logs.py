"""Structured logs on standard error: ``key=value`` lines by default, one JSON object a line with
``LOG_FORMAT=json``.

Every line has ``ts``, ``level``, ``logger`` and ``msg``; fields passed as ``extra={...}`` follow as
their own keys, so a poll cycle reads ``msg="poll cycle" polled=12 changed=1 ...``. A traceback goes
into ``exc`` on the same line. Bot tokens are removed twice: by ``RedactTokens`` on the message (every
handler keeps it) and by the formatter on the finished line (tracebacks, extra fields).
Chat ids never go into info lines (see DEVELOPERS.md); this module does not enforce that.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any

from bot.settings import TOKEN_RE, RedactTokens

# Attributes every LogRecord has: whatever else is on a record came in through ``extra``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
_SECRETS: set[str] = set()  # other secrets to hide (WEBHOOK_SECRET), registered at start-up


def hide_secret(secret: str | None) -> None:
    """Never log this value (PTB's DEBUG lines show every call's parameters)."""
    if secret:
        _SECRETS.add(secret)


def redact(line: str) -> str:
    line = TOKEN_RE.sub("<token>", line)
    for secret in _SECRETS:
        line = line.replace(secret, "<secret>")
    return line


_PLAIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.:/@+-,%")


def fields_of(record: logging.LogRecord) -> dict[str, Any]:
    """The line's fields in order: ts, level, logger, msg, then extras, then exc."""
    out: dict[str, Any] = {
        "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname.lower(),
        "logger": record.name,
        "msg": record.getMessage(),
    }
    for key, value in record.__dict__.items():
        if key not in _STANDARD and not key.startswith("_"):
            out[key] = value
    if record.exc_info:
        out["exc"] = logging.Formatter().formatException(record.exc_info)
    elif record.exc_text:
        out["exc"] = record.exc_text
    if record.stack_info:
        out["stack"] = record.stack_info
    return out


def _value(value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str, separators=(",", ":"))
    else:
        text = str(value)
    if text and all(c in _PLAIN for c in text):
        return text
    return json.dumps(text, ensure_ascii=False)  # quoted, newlines and quotes escaped


class KeyValueFormatter(logging.Formatter):
    """``ts=... level=info logger=vestka msg="..." key=value ...`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line = " ".join(f"{key}={_value(value)}" for key, value in fields_of(record).items())
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object a line with the same fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = json.dumps(fields_of(record), ensure_ascii=False, default=str)
        return redact(line)


def formatter_for(log_format: str) -> logging.Formatter:
    return JsonFormatter() if log_format == "json" else KeyValueFormatter()


def configure_logging(
    level: str = "INFO", log_format: str = "text", secrets: tuple[str | None, ...] = ()
) -> None:
    """One handler on standard error, token filter on, noisy libraries quietened."""
    for secret in secrets:
        hide_secret(secret)
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactTokens())
    handler.setFormatter(formatter_for(log_format))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx logs every request URL at INFO, and Bot API URLs carry the token.
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)  # one line per health probe
