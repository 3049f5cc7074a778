"""Taking a person off Vestka at their (or their family's) request: every trace goes.

``/untrack ID`` and ``registry remove ID`` both come here. The registry entry goes, and a hashed
mark keeps later imports from bringing it back (an admin's explicit ``/track`` does); the search
index and cards follow the registry's version. The person's timeline, recent-story titles and
"not about this person" count go, and so does a death a source reported and no admin has confirmed. Each chat that followed them is unsubscribed (and its mute
dropped) and told neutrally, in its language and forum topic, through the delivery queue like any
alert, that the entry was removed. Alerts already queued or in a waiting digest are left to go.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.telegram.i18n import t
from bot.telegram.render import name_of
from feeds.registry.keys import RegistryKeys
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from subscriptions.deliveries import Delivery, DeliveryQueue
from subscriptions.store import SubscriptionStore


@dataclass
class Takedown:
    target_id: str
    chats_told: int


async def take_down(storage: Storage, target_id: str) -> Takedown | None:
    """Remove ``target_id`` and its traces; None when the registry has no such target."""
    registry = RegistryStore(storage)
    target = await registry.get(target_id)
    if target is None:
        return None
    subscriptions = SubscriptionStore(storage)
    notices = []
    for chat_id in sorted(await subscriptions.subscribers_of(target_id)):
        await subscriptions.unsubscribe(chat_id, target_id)
        await subscriptions.unmute_target(chat_id, target_id)
        chat = await subscriptions.chat(chat_id)
        lang = chat.lang if chat else "en"
        params: dict[str, object] = {
            "text": t(lang, "takedown.notice", name=name_of(target, lang)),
            "parse_mode": "HTML",
        }
        if chat is not None and chat.thread_id is not None:
            params["message_thread_id"] = chat.thread_id
        notices.append(
            Delivery(id=f"t:{target_id}:{chat_id}", chat_id=chat_id, params=params, ref=target_id)
        )
    keys = WatchKeys.of(storage.keys)
    async with storage.redis.pipeline(transaction=True) as pipe:
        pipe.delete(keys.timeline(target_id), keys.story_by_target(target_id))
        pipe.hdel(keys.false_matches, target_id)
        pipe.hdel(RegistryKeys.of(storage.keys).registry_held_deaths, target_id)
        await pipe.execute()
    await registry.take_down(target_id)
    await DeliveryQueue(storage).enqueue(notices)
    return Takedown(target_id, len(notices))
