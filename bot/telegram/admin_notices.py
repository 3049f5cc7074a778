"""Telling the admins (``ADMIN_IDS``) something that needs a person: a registry sync that applied
nothing, a death to confirm. The message goes through the delivery queue like an alert, so it is
paced and retried; in console mode it is printed instead."""

from __future__ import annotations

import hashlib
import html
import time

from bot.ops.settings import Settings
from feeds.storage.connection import Storage
from subscriptions.deliveries import Delivery, DeliveryQueue


async def notify_admins(storage: Storage, settings: Settings, text: str) -> int:
    """Queue ``text`` to every admin; returns how many. The same text within an hour goes once."""
    if settings.console_mode:
        print(f"admin notice: {text}", flush=True)
        return 0
    hour = int(time.time() // 3600)
    digest = hashlib.sha256(f"{hour}:{text}".encode()).hexdigest()[:16]
    deliveries = [
        Delivery(id=f"n:{digest}:{admin}", chat_id=admin, params={"text": html.escape(text)})
        for admin in sorted(settings.admin_ids)
    ]
    await DeliveryQueue(storage).enqueue(deliveries)
    return len(deliveries)
