"""Every Redis key name stays byte-identical, wherever it is declared, and /forget deletes every
per-chat key.

``GOLDEN`` was generated from the key builders before they moved out of one module: a deployment's
data is found again only if every builder still spells its key the same way. The builders are
found, not listed: every public property and method of every key space (see ``key_spaces``), each
called with the sample value of its parameter's name, so a new builder fails this test until it is
added to ``GOLDEN``.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import inspect
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from bot.ops.settings import Settings
from bot.telegram.services import Services
from feeds.storage.connection import Storage
from feeds.storage.keys import SCHEMA_VERSION, KeySpace
from feeds.watching.keys import FANOUT_GROUP
from subscriptions.chats import Chat
from subscriptions.deliveries import GROUP, Delivery, DeliveryQueue, Lane
from subscriptions.keys import SubscriptionKeys
from subscriptions.store import SubscriptionStore

PREFIX = "golden:"

# A parameter's name -> the value every builder with that parameter is called with.
SAMPLES: dict[str, object] = {
    "alert_id": "0123456789abcdef0123456789abcdef",
    "broadcast_id": "b7",
    "chat_id": -1001234567890,
    "consumer": "host-1-4242",
    "day": "2026-05-12",
    "delivery_id": "a:0123:-1001234567890",
    "digest": "d1g35t",
    "feed_id": "f0a1b2c3d4",
    "host": "t.me",
    "kind": "u",
    "lane": "alerts",
    "name": "broadcast",
    "prisoner_id": "ales-bialiatski",
    "target_id": "ik-9-horki",
    "url_digest": "9f8e7d6c",
}

GOLDEN: dict[str, str] = {
    "admin_notices": "golden:admin:notices",
    "alert_record": "golden:alerts:record:0123456789abcdef0123456789abcdef",
    "alerts": "golden:alerts",
    "all_patterns": "golden:*",
    "broadcast": "golden:broadcast:b7",
    "broadcast_audience": "golden:broadcast:b7:audience",
    "broadcast_counted": "golden:broadcast:b7:counted",
    "broadcast_counts": "golden:broadcast:b7:counts",
    "broadcast_current": "golden:broadcast:current",
    "broadcast_draft": "golden:broadcast:draft:b7",
    "broadcast_unreported": "golden:broadcast:unreported",
    "channel_posts": "golden:feeds:posts:f0a1b2c3d4",
    "chat": "golden:chat:-1001234567890",
    "chat_failures": "golden:deliveries:fails:-1001234567890",
    "chat_mutes": "golden:mutes:-1001234567890",
    "chat_targets": "golden:subs:chat:-1001234567890",
    "chats": "golden:chats",
    "dead_letters": "golden:deliveries:dead",
    "deliveries": "golden:deliveries:alerts",
    "deliveries_delayed": "golden:deliveries:delayed",
    "delivery_counters": "golden:deliveries:counters",
    "delivery_day": "golden:deliveries:day:2026-05-12",
    "delivery_guard": "golden:deliveries:guard:a:0123:-1001234567890",
    "delivery_guard_pattern": "golden:deliveries:guard:*:-1001234567890",
    "digest_alert": "golden:digest:alert:0123456789abcdef0123456789abcdef",
    "digest_buffer": "golden:digest:chat:-1001234567890",
    "digest_due": "golden:digest:due",
    "false_match_seen": "golden:alerts:false_match_seen:d1g35t",
    "false_matches": "golden:alerts:false_matches",
    "fanout_done": "golden:fanout:done:0123456789abcdef0123456789abcdef",
    "feed_checked": "golden:feeds:checked",
    "feed_lease": "golden:feeds:lease:f0a1b2c3d4",
    "feed_seen": "golden:feeds:seen:f0a1b2c3d4",
    "feed_sources": "golden:feeds:sources",
    "feed_state": "golden:feeds:state",
    "feeds_due": "golden:feeds:due",
    "feeds_seeded": "golden:feeds:seeded",
    "host_pace": "golden:feeds:pace:t.me",
    "poller_lock": "golden:bot:poller",
    "rate_bucket": "golden:rl:bucket:broadcast",
    "rate_chat": "golden:rl:chat:-1001234567890",
    "rate_floods": "golden:rl:floods",
    "rate_pause_all": "golden:rl:pause",
    "rate_pause_chat": "golden:rl:pause:-1001234567890",
    "registry_held_deaths": "golden:registry:held_deaths",
    "registry_redirects": "golden:registry:redirects",
    "registry_seeded": "golden:registry:seeded",
    "registry_sync": "golden:registry:sync",
    "registry_sync_ids": "golden:registry:sync_ids:9f8e7d6c",
    "registry_sync_lease": "golden:registry:sync_lease:9f8e7d6c",
    "registry_taken_down": "golden:registry:taken_down",
    "registry_targets": "golden:registry:targets",
    "registry_version": "golden:registry:version",
    "schema_migration_lock": "golden:schema:migrating",
    "schema_version": "golden:schema",
    "sender_alive": "golden:senders:alive:host-1-4242",
    "sender_beats": "golden:senders:beats",
    "story_by_target": "golden:alerts:titles:ik-9-horki",
    "story_key": "golden:alerts:story:u:d1g35t",
    "target_chats": "golden:subs:target:ik-9-horki",
    "timeline": "golden:timeline:ales-bialiatski",
    "watcher_counters": "golden:watchers:counters",
    "watcher_cycle": "golden:watchers:cycle",
}

# Names kept in Redis that are not keys: consumer groups, the lanes in the delivery keys, the
# schema version the data is written in.
GOLDEN_NAMES = {
    "fanout group": "fanout",
    "sender group": "senders",
    "lanes": "alerts broadcast",
    "schema version": "2",
}


ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "feeds", "subscriptions")


def key_modules() -> list[str]:
    """Every package's ``keys.py``, as module names."""
    return sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for package in PACKAGES
        for path in (ROOT / package).rglob("keys.py")
    )


def key_spaces(prefix: str) -> list[KeySpace]:
    """Every key space declared in a package's ``keys.py``, each under ``prefix``."""
    spaces = []
    for name in key_modules():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, KeySpace) and cls.__module__ == name:
                spaces.append(cls(prefix))
    return spaces


def test_key_spaces_are_declared_in_keys_modules_only() -> None:
    """A key space (or a key built by hand with ``_k``) outside a ``keys.py`` would escape the
    golden list below."""
    strays = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if path.name == "keys.py":
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and any(
                    isinstance(b, ast.Name) and b.id == "KeySpace" for b in node.bases
                ):
                    strays.append(f"{path.relative_to(ROOT)}: class {node.name}")
                if isinstance(node, ast.Attribute) and node.attr == "_k":
                    strays.append(f"{path.relative_to(ROOT)}:{node.lineno}: ._k")
    assert not strays


def builders(prefix: str) -> dict[str, tuple[Callable[..., str], list[str]]]:
    """Every key builder: name -> (a callable taking the parameters, the parameters' names)."""
    found: dict[str, tuple[Callable[..., str], list[str]]] = {}
    for space in key_spaces(prefix):
        for name, member in inspect.getmembers(type(space)):
            if name.startswith("_") or name in ("prefix", "of"):
                continue
            assert name not in found, f"two key spaces declare {name}"
            if isinstance(member, property):
                found[name] = (lambda s=space, n=name: getattr(s, n), [])
            elif inspect.isfunction(member):
                params = list(inspect.signature(member).parameters)[1:]
                found[name] = (getattr(space, name), params)
    return found


def built(prefix: str) -> dict[str, str]:
    out = {}
    for name, (build, params) in builders(prefix).items():
        missing = [p for p in params if p not in SAMPLES]
        assert not missing, f"{name}: no sample value for {missing}; add one to SAMPLES"
        out[name] = build(*(SAMPLES[p] for p in params))
    return out


def test_every_key_name_is_unchanged() -> None:
    assert built(PREFIX) == GOLDEN


def test_names_stored_besides_keys_are_unchanged() -> None:
    assert {
        "fanout group": FANOUT_GROUP,
        "sender group": GROUP,
        "lanes": " ".join(Lane),
        "schema version": str(SCHEMA_VERSION),
    } == GOLDEN_NAMES


def test_the_prefix_is_the_only_difference() -> None:
    other = built("vestka:")
    assert {n: k.replace("golden:", "vestka:", 1) for n, k in GOLDEN.items()} == other


# -- /forget ---------------------------------------------------------------------------------------

ME, OTHER = -1001234567890, 77
TARGET = "ik-9-horki"


def per_chat_builders(prefix: str) -> dict[str, Callable[[int], str]]:
    """Every builder of a key (or a key pattern) that belongs to one chat."""
    return {
        name: build for name, (build, params) in builders(prefix).items() if params == ["chat_id"]
    }


async def _seed_chat(storage: Storage, chat: int) -> None:
    await SubscriptionStore(storage).save_chat(Chat(id=chat))


async def _seed_targets(storage: Storage, chat: int) -> None:
    await SubscriptionStore(storage).subscribe(chat, TARGET)


async def _seed_mutes(storage: Storage, chat: int) -> None:
    await SubscriptionStore(storage).mute_target(chat, TARGET, time.time() + 3600)


async def _seed_digest(storage: Storage, chat: int) -> None:
    keys = SubscriptionKeys.of(storage.keys)
    await storage.redis.hset(keys.digest_buffer(chat), "0" * 32, "{}")
    await storage.redis.zadd(keys.digest_due, {str(chat): time.time() + 3600})


async def _seed_guard(storage: Storage, chat: int) -> None:
    await storage.redis.set(
        SubscriptionKeys.of(storage.keys).delivery_guard(f"a:0123:{chat}"), "sent", ex=3600
    )
    await DeliveryQueue(storage).enqueue(
        [Delivery(id=f"a:0123:{chat}", chat_id=chat, params={"text": "x"})]
    )


async def _seed_failures(storage: Storage, chat: int) -> None:
    await storage.redis.incr(SubscriptionKeys.of(storage.keys).chat_failures(chat))


async def _seed_rate(storage: Storage, chat: int) -> None:
    await storage.redis.set(SubscriptionKeys.of(storage.keys).rate_chat(chat), "1", px=60_000)


async def _seed_pause(storage: Storage, chat: int) -> None:
    await storage.redis.set(SubscriptionKeys.of(storage.keys).rate_pause_chat(chat), "1", px=60_000)


# Builder name -> how a chat comes to hold data under that key (through its store where one
# writes it).
SEEDS: dict[str, Callable[[Storage, int], Awaitable[None]]] = {
    "chat": _seed_chat,
    "chat_targets": _seed_targets,
    "chat_mutes": _seed_mutes,
    "digest_buffer": _seed_digest,
    "delivery_guard_pattern": _seed_guard,
    "chat_failures": _seed_failures,
    "rate_chat": _seed_rate,
    "rate_pause_chat": _seed_pause,
}


def test_every_per_chat_key_has_a_seed() -> None:
    """A new per-chat key is declared: seed it below, and make /forget delete it."""
    assert set(per_chat_builders(PREFIX)) == set(SEEDS)


async def _held(storage: Storage, chat: int) -> dict[str, list[str]]:
    """Builder name -> the keys under this test's prefix it names for ``chat``."""
    names = [k.decode() async for k in storage.redis.scan_iter(match=storage.keys.all_patterns())]
    return {
        name: [k for k in names if fnmatch.fnmatchcase(k, build(chat))]
        for name, build in per_chat_builders(storage.keys.prefix).items()
    }


async def test_forget_deletes_every_per_chat_key(storage: Storage) -> None:
    for chat in (ME, OTHER):
        for seed in SEEDS.values():
            await seed(storage, chat)
    before = await _held(storage, ME)
    assert all(before.values()), f"seeding left keys empty: {before}"

    await Services(Settings(), storage).forget(ME)

    left = {name: found for name, found in (await _held(storage, ME)).items() if found}
    assert not left, f"/forget left these keys: {left}"
    assert all((await _held(storage, OTHER)).values()), "forgetting one chat touched another"
    keys, redis = SubscriptionKeys.of(storage.keys), storage.redis
    assert not await redis.sismember(keys.chats, ME)
    assert not await redis.sismember(keys.target_chats(TARGET), ME)
    assert await redis.zscore(keys.digest_due, ME) is None
    assert await DeliveryQueue(storage).lengths() == {"alerts": 1, "broadcast": 0, "dead": 0}
