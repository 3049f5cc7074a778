"""Long polling that survives any update: one Telegram sends that python-telegram-bot cannot read
is acknowledged and skipped, never retried forever.

PTB parses a ``getUpdates`` batch as a whole: a single update it cannot read (no ``date``, no
``chat``, a wrong type) makes it raise, log the whole batch at CRITICAL (other people's names, chat
ids and messages) and ask for the same batch again, thousands of times a second, answering nobody.
``ReadableUpdates`` is the request object PTB uses for ``getUpdates`` only: it checks each update of
the answer and replaces one that cannot be read by a bare ``{"update_id": N}``, which PTB reads,
hands to no handler, and acknowledges with the next offset. The skip is logged once, with the id
and the kind of error, never the contents. (Webhook mode reads updates one at a time already.)
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger("vestka.bot")


def readable(updates: list[Any]) -> list[dict[str, Any]]:
    """The batch with every update PTB cannot read replaced by its bare id (or dropped, when it
    has no id to acknowledge)."""
    out: list[dict[str, Any]] = []
    for raw in updates:
        update_id = raw.get("update_id") if isinstance(raw, dict) else None
        if not isinstance(update_id, int) or isinstance(update_id, bool):
            log.warning("skipped an update without an update_id (%s)", type(raw).__name__)
            continue
        try:
            Update.de_json(raw, None)
        except Exception as exc:
            log.warning(
                "skipped an update that could not be read (update_id=%d, %s)",
                update_id,
                type(exc).__name__,
            )
            out.append({"update_id": update_id})
            continue
        out.append(raw)
    return out


class ReadableUpdates(HTTPXRequest):
    """The ``getUpdates`` request of the application (see the module docstring)."""

    async def post(self, *args: Any, **kwargs: Any) -> Any:
        result = await super().post(*args, **kwargs)
        return readable(result) if isinstance(result, list) else result
