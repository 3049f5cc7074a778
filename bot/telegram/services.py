"""What the bot's handlers reach for: settings, stores, and an up-to-date view of the registry.

Handlers get one ``Services`` object from ``context.bot_data`` instead of importing globals, so tests
build it against their own Redis prefix.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime

from bot.ops.settings import Settings
from feeds.registry.models import AnyTarget, Facility, Prisoner
from feeds.registry.search.index import SearchIndex
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.alerts import Alert
from feeds.watching.keys import WatchKeys
from feeds.watching.timeline import Timeline, TimelineEvent
from subscriptions.deliveries import DeliveryQueue
from subscriptions.digest import DigestStore
from subscriptions.ratelimit import RateConfig
from subscriptions.store import SubscriptionStore

RECHECK_SECONDS = 2.0
CARD_EVENTS = 5  # latest timeline events on a status card
STATS_SCAN_MAX = 100_000
RECENT_ALERTS = 200
RECENT_CACHE_SECONDS = 60.0


def rate_config(settings: Settings) -> RateConfig:
    """The send budget of this bot, shared by the senders and the replies of every process."""
    return RateConfig(
        send_rate=settings.send_rate,
        broadcast_rate=settings.broadcast_rate,
        paid_broadcasts=settings.paid_broadcasts,
    )


class RegistryView:
    """The registry and its search index, rebuilt when the registry version moves.

    Reading the version costs one Redis GET, so it is checked at most every ``RECHECK_SECONDS``;
    the rebuild runs in a thread and the old index keeps answering meanwhile.
    """

    def __init__(self, store: RegistryStore) -> None:
        self.store = store
        self.index = SearchIndex.build([])
        self.by_id: dict[str, AnyTarget] = {}
        self.redirects: dict[str, str] = {}  # merged-away ids (``registry merge``) -> live ones
        self._version = -1
        self._checked = 0.0
        self._lock = asyncio.Lock()

    async def current(self) -> SearchIndex:
        if time.monotonic() - self._checked >= RECHECK_SECONDS:
            await self.refresh()
        return self.index

    async def refresh(self, force: bool = False) -> None:
        async with self._lock:
            self._checked = time.monotonic()
            version = await self.store.version()
            if version == self._version and not force:
                return
            targets = await self.store.all()
            self.index = await asyncio.to_thread(SearchIndex.build, targets)
            self.by_id = {target.id: target for target in targets}
            self.redirects = await self.store.redirects()
            self._version = version

    async def get(self, target_id: str) -> AnyTarget | None:
        """The target, also by an id merged into another (buttons and links already sent)."""
        await self.current()
        return self.by_id.get(target_id) or self.by_id.get(self.redirects.get(target_id, ""))

    async def facility_of(self, prisoner: Prisoner) -> Facility | None:
        if not prisoner.facility_id:
            return None
        facility = await self.get(prisoner.facility_id)
        return facility if isinstance(facility, Facility) else None


@dataclass
class Services:
    settings: Settings
    storage: Storage
    subscriptions: SubscriptionStore = field(init=False)
    registry_store: RegistryStore = field(init=False)
    registry: RegistryView = field(init=False)

    _recent: list[str] = field(init=False, default_factory=list)
    _recent_at: float = field(init=False, default=-1e9)

    def __post_init__(self) -> None:
        self.subscriptions = SubscriptionStore(self.storage)
        self.registry_store = RegistryStore(self.storage)
        self.registry = RegistryView(self.registry_store)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.settings.admin_ids

    async def timeline(self, prisoner_id: str, limit: int = CARD_EVENTS) -> list[TimelineEvent]:
        return await Timeline(self.storage.redis, self.storage.keys).get(prisoner_id, limit)

    async def recently_active(self) -> list[str]:
        """Prisoners named in the latest alerts, newest first (cached a minute: inline queries with
        an empty text are frequent, and this reads the alert stream)."""
        now = time.monotonic()
        if now - self._recent_at > RECENT_CACHE_SECONDS:
            entries = await self.storage.redis.xrevrange(
                WatchKeys.of(self.storage.keys).alerts, count=RECENT_ALERTS
            )
            ids: dict[str, None] = {}
            for _, fields in entries:
                if fields.get(b"kind") == b"news":
                    for prisoner in Alert.model_validate_json(fields[b"alert"]).prisoners:
                        ids.setdefault(prisoner)
            self._recent, self._recent_at = list(ids), now
        return self._recent

    async def alerts_today(self) -> tuple[int, int]:
        """Alerts produced since midnight in ``TZ`` (stream ids are millisecond timestamps), and how
        many of them may be about a namesake (told to two people's subscribers, marked)."""
        midnight = datetime.now(self.settings.zone).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        start = f"{int(midnight.timestamp() * 1000)}-0"
        entries = await self.storage.redis.xrange(
            WatchKeys.of(self.storage.keys).alerts, start, "+", count=STATS_SCAN_MAX
        )
        namesakes = sum(
            1 for _id, fields in entries if b'"namesakes":[[' in fields.get(b"alert", b"")
        )
        return len(entries), namesakes

    async def forget(self, chat_id: int) -> None:
        """Everything held about a chat goes: subscriptions, mutes, settings, its waiting digest
        and its queued messages."""
        await self.subscriptions.forget(chat_id)
        await DigestStore(self.storage).forget(chat_id)
        await DeliveryQueue(self.storage).forget_chat(chat_id)
