"""One person, one target: ``registry merge OLD INTO`` and ``registry duplicates``.

Two sources can list one person under two ids (the bundled ``ihar-iljash`` and an export's
``ihar-iljasz``); every mention of him then fits two targets and comes out as a namesake. Records
are matched by id, and what id cannot tell is offered to an admin: ``registry duplicates`` lists
prisoners whose names read the same across scripts and spellings (the engine's cross-script
skeleton), and ``registry merge`` folds one into the other once a person has checked.

A merge carries everything over: names (the old ones become aliases), subscriptions and mutes, the
timeline, the "not about this person" count. The old id keeps working: it redirects, so deep links
and buttons already sent still open the right card, and a later import of the old record lands on
the merged target instead of bringing the duplicate back.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from feeds.mentions.scripts import skeleton
from feeds.registry.models import AnyTarget, Prisoner
from feeds.registry.store import RegistryStore, merged
from feeds.storage.connection import Storage
from feeds.watching.keys import WatchKeys
from feeds.watching.timeline import TIMELINE_CAP, Timeline
from subscriptions.store import SubscriptionStore


class MergeRefused(ValueError):
    """Why two ids cannot be merged (unknown, the same, or not both prisoners)."""


@dataclass
class Merged:
    target: AnyTarget
    chats_moved: int
    events_moved: int


async def merge_people(storage: Storage, old_id: str, into_id: str) -> Merged:
    registry = RegistryStore(storage)
    old, into = await registry.get(old_id), await registry.get(into_id)
    if old_id == into_id:
        raise MergeRefused("the two ids are the same")
    for target_id, target in ((old_id, old), (into_id, into)):
        if target is None:
            raise MergeRefused(f"there is no {target_id!r} in the registry")
        if not isinstance(target, Prisoner):
            raise MergeRefused(f"{target_id!r} is not a prisoner")
    assert isinstance(old, Prisoner) and isinstance(into, Prisoner)
    combined = merged(old.model_copy(update={"id": into.id}), into)
    known = set(combined.names())
    combined = combined.model_copy(
        update={"aliases": [*combined.aliases, *(n for n in old.names() if n not in known)]}
    )
    chats = await _move_followers(SubscriptionStore(storage), old_id, into_id)
    events = await _move_timeline(Timeline(storage.redis, storage.keys), old_id, into_id)
    keys = WatchKeys.of(storage.keys)
    reports = await storage.redis.hget(keys.false_matches, old_id)
    if reports:
        await storage.redis.hincrby(keys.false_matches, into_id, int(reports))
        await storage.redis.hdel(keys.false_matches, old_id)
    await registry.fold(old_id, combined)
    return Merged(combined, chats, events)


async def _move_followers(store: SubscriptionStore, old_id: str, into_id: str) -> int:
    chats = sorted(await store.subscribers_of(old_id))
    for chat_id in chats:
        until = (await store.muted_targets(chat_id)).get(old_id)
        await store.unsubscribe(chat_id, old_id)  # first: frees the slot the new one takes
        await store.subscribe(chat_id, into_id)
        if until is not None:
            await store.unmute_target(chat_id, old_id)
            await store.mute_target(chat_id, into_id, until)
    return len(chats)


async def _move_timeline(timeline: Timeline, old_id: str, into_id: str) -> int:
    moved = await timeline.get(old_id)
    if not moved:
        return 0
    events = sorted([*moved, *await timeline.get(into_id)], key=lambda e: e.at, reverse=True)
    redis, keys = timeline.redis, timeline.keys
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(keys.timeline(into_id), keys.timeline(old_id))
        if events:
            pipe.rpush(
                keys.timeline(into_id), *(e.model_dump_json() for e in events[:TIMELINE_CAP])
            )
        await pipe.execute()
    return len(moved)


def name_key(name: str) -> tuple[str, ...]:
    """A name as the engine reads it across scripts and spellings, word order aside."""
    return tuple(sorted(skeleton(word) for word in name.split() if word))


def likely_duplicates(targets: list[AnyTarget]) -> list[tuple[Prisoner, Prisoner]]:
    """Pairs of prisoners with a full name (two words or more) that reads the same."""
    by_key: dict[tuple[str, ...], dict[str, Prisoner]] = defaultdict(dict)
    for target in targets:
        if isinstance(target, Prisoner):
            for name in target.names():
                key = name_key(name)
                if len(key) >= 2:
                    by_key[key][target.id] = target
    pairs: dict[tuple[str, str], tuple[Prisoner, Prisoner]] = {}
    for group in by_key.values():
        people = sorted(group.values(), key=lambda p: p.id)
        for i, first in enumerate(people):
            for second in people[i + 1 :]:
                pairs[(first.id, second.id)] = (first, second)
    return [pairs[k] for k in sorted(pairs)]
