"""Structured logs on standard error: ``key=value`` lines by default, one JSON object a line with
``LOG_FORMAT=json``.

Every line has ``ts``, ``level``, ``logger`` and ``msg``; fields passed as ``extra={...}`` follow as
their own keys, so a poll cycle reads ``msg="poll cycle" polled=12 changed=1 ...``. A traceback goes
into ``exc`` on the same line. Secrets are removed twice: by ``RedactTokens`` on the message (every
handler keeps it) and by the formatter on the finished line (tracebacks, extra fields). The
configured token and webhook secret are removed by value, whatever their shape (a self-hosted Bot API
or a test double accepts any token), and anything shaped like a bot token by pattern.
Chat ids never go into info lines (see DEVELOPERS.md); this module does not enforce that.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from bot.ops.settings import Settings

# Attributes every LogRecord has: whatever else is on a record came in through ``extra``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "taskName",
}
TOKEN_RE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")  # what a token from @BotFather looks like
_SECRETS: set[str] = set()  # configured secrets, hidden by value (with their URL-encoded forms)


def hide_secret(secret: str | None) -> None:
    """Never log this value (PTB's DEBUG lines show every call's URL and parameters)."""
    if secret:
        _SECRETS.update({secret, quote(secret, safe=""), quote(secret)})


def redact(line: str) -> str:
    # longest first, so a secret that contains another is hidden whole
    for secret in sorted(_SECRETS, key=len, reverse=True):
        if secret in line:
            line = line.replace(secret, "<secret>")
    return TOKEN_RE.sub("<token>", line)


class RedactTokens(logging.Filter):
    """Last line of defence: whatever a library logs, a secret never reaches the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


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
    """One handler on standard error, token filter on, noisy libraries quietened. ``secrets``
    replace the ones hidden before (a new configuration is a new set of secrets)."""
    _SECRETS.clear()
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


def configure_logging_for(settings: Settings) -> None:
    """Logging as the settings say, with the token and the webhook secret hidden by value."""
    token = settings.telegram_bot_token
    secret = settings.webhook_secret
    configure_logging(
        settings.log_level,
        settings.log_format,
        secrets=(
            token.get_secret_value() if token else None,
            secret.get_secret_value() if secret else None,
        ),
    )
