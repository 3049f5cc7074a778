"""Admin commands: /feeds, /track, /untrack, /registry_apply, /stats. Admins are the ids in ``ADMIN_IDS``, nobody else.

Everyone else gets "not allowed", and the attempt is logged without the message text or the user id.
/stats shows counts only: no command reveals who follows whom.
"""

from __future__ import annotations

import html
import logging
import time
from collections.abc import Awaitable, Callable
from functools import wraps

from pydantic import ValidationError
from telegram import Update
from telegram.ext import ContextTypes

from bot.ops.metrics import snapshot, stats_fields
from bot.telegram.handlers.common import Turn, query_of, turn
from bot.telegram.held_deaths import confirm_death, held_in_order
from bot.telegram.render import name_of
from bot.telegram.takedown import take_down
from feeds.fetching.sources import FeedSource, FeedStore, feed_id_for, validate_feed_url
from feeds.fetching.ssrf import URLRefused
from feeds.registry.csv_rows import target_from_row
from feeds.registry.held import HeldDeaths
from feeds.registry.models import ID_RE
from feeds.registry.store import merged
from feeds.watching.reports import FalseMatches

log = logging.getLogger("vestka.bot")

Handler = Callable[[Turn], Awaitable[None]]
PRISONER_FIELDS = ("name_be", "name_ru", "name_en", "aliases")
FACILITY_FIELDS = ("number", "town_be")
FEED_ACTIONS = ("add", "remove", "pause", "resume")
FEED_LINES_MAX = 40


def admin_only(handler: Handler) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    @wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        now = await turn(update, context)
        if not now.services.is_admin(now.user_id):
            log.warning("refused an admin command (%s) from a non-admin", handler.__name__)
            await now.reply(now.t("admin.not_allowed"))
            return
        await handler(now)

    return guarded


@admin_only
async def stats(now: Turn) -> None:
    svc = now.services
    counts = await svc.subscriptions.counts()
    feeds = FeedStore(svc.storage)
    states = await feeds.states()
    snap = await snapshot(svc.storage, svc.settings.zone)  # the numbers /metrics shows
    alerts_today, namesake_alerts = await svc.alerts_today()
    await now.reply(
        now.t(
            "admin.stats",
            queued_alerts=snap.queues["alerts"],
            queued_broadcast=snap.queues["broadcast"],
            delayed=snap.queues["delayed"],
            sent_today=snap.messages_today["sent"],
            failed_today=snap.messages_today["failed"],
            blocked_today=snap.messages_today["blocked"],
            dead_letters=snap.queues["dead"],
            **stats_fields(snap),
            chats=counts.chats,
            active=counts.active_chats,
            subscriptions=counts.subscriptions,
            targets=await svc.registry_store.count(),
            version=await svc.registry_store.version(),
            alerts_today=alerts_today,
            namesake_alerts=namesake_alerts,
            false_matches=await _reported(now) or "—",
            registry_sync=_sync_line(now, snap.registry_sync_problems)
            + _held_line(now, len(await HeldDeaths(svc.storage).all())),
            feeds=len(await feeds.all()),
            failing=sum(1 for s in states.values() if s.errors),
        )
    )


def _sync_line(now: Turn, problems: dict[str, str]) -> str:
    """How ``REGISTRY_URL`` syncing goes: off, fine, or which sources applied nothing and why."""
    if not now.services.settings.registry_url:
        return now.t("admin.sync_off")
    if not problems:
        return now.t("admin.sync_ok")
    return "; ".join(f"{url}: {why}" for url, why in problems.items())


def _held_line(now: Turn, held: int) -> str:
    return now.t("admin.sync_held", count=held) if held else ""


async def _reported(now: Turn) -> str:
    """The targets subscribers most often said an alert was not about, with how many times."""
    parts = []
    for target_id, count in await FalseMatches(now.services.storage).top():
        target = await now.services.registry.get(target_id)
        parts.append(f"{name_of(target, now.lang) if target else target_id} ({count})")
    return ", ".join(parts)


@admin_only
async def track(now: Turn) -> None:
    """``/track id; name_be; name_ru; name_en`` or ``/track id; <kind>; number; town``."""
    parts = [part.strip() for part in query_of(now).split(";")]
    if len(parts) < 2 or not parts[0]:
        await now.reply(now.t("admin.track_usage"))
        return
    target_id, second = parts[0], parts[1].lower()
    kind = (
        second
        if second in ("colony", "sizo", "prison", "open_facility", "detention_centre")
        else "prisoner"
    )
    values = parts[2:] if kind != "prisoner" else parts[1:]
    fields = PRISONER_FIELDS if kind == "prisoner" else FACILITY_FIELDS
    cells = {"id": target_id, "kind": kind, **dict(zip(fields, values, strict=False))}
    # aliases come comma-separated here (";" already separates the fields)
    cells["aliases"] = cells.get("aliases", "").replace(",", ";")
    store = now.services.registry_store
    old = await store.get(target_id) if ID_RE.match(target_id) else None
    for name in fields:  # an empty field keeps what the registry has
        if not cells.get(name) and old is not None and name != "aliases":
            cells[name] = str(getattr(old, name, "") or "")
    try:
        target = merged(old, target_from_row(cells))
    except (ValueError, ValidationError) as exc:
        await now.reply(now.t("admin.track_bad", reason=str(exc).splitlines()[0]))
        return
    await store.put(target)
    await now.services.registry.refresh(force=True)
    await now.reply(now.t("admin.track_done", name=name_of(target, now.lang), id=target.id))


@admin_only
async def untrack(now: Turn) -> None:
    target_id = query_of(now).strip()
    if not ID_RE.match(target_id):
        await now.reply(now.t("admin.untrack_usage"))
        return
    done = await take_down(now.services.storage, target_id)
    await now.services.registry.refresh(force=True)
    if done is None:
        await now.reply(now.t("admin.untrack_missing", id=target_id))
        return
    await now.reply(now.t("admin.untrack_done", id=target_id, chats=done.chats_told))


@admin_only
async def registry_apply(now: Turn) -> None:
    """``/registry_apply`` lists the deaths a registry source reported; ``/registry_apply ID``
    confirms one (``bot/telegram/held_deaths.py``); ``/registry_apply ID drop`` forgets a wrong
    report."""
    args = query_of(now).split()
    storage = now.services.storage
    if not args:
        held = await held_in_order(storage)
        if not held:
            await now.reply(now.t("admin.apply_none"))
            return
        shown = [now.t("admin.apply_header", count=len(held))]
        shown += [
            now.t(
                "admin.apply_line",
                id=h.record.id,
                name=name_of(h.record, now.lang),
                source=h.source,
                since=h.since,
            )
            for h in held[:FEED_LINES_MAX]
        ]
        await now.reply("\n".join(shown)[:4096])
        return
    target_id = args[0]
    if not ID_RE.match(target_id) or len(args) > 2 or args[1:] not in ([], ["drop"]):
        await now.reply(now.t("admin.apply_usage"))
        return
    if args[1:] == ["drop"]:
        dropped = await HeldDeaths(storage).drop(target_id)
        await now.reply(
            now.t("admin.apply_dropped" if dropped else "admin.apply_missing", id=target_id)
        )
        return
    alerts = await confirm_death(storage, now.services.settings, target_id)
    if alerts is None:
        await now.reply(now.t("admin.apply_missing", id=target_id))
        return
    await now.services.registry.refresh(force=True)
    target = await now.services.registry_store.get(target_id)
    name = name_of(target, now.lang) if target else target_id
    await now.reply(now.t("admin.apply_done", name=name, alerts=alerts))


@admin_only
async def feeds(now: Turn) -> None:
    args = query_of(now).split()
    store = FeedStore(now.services.storage)
    if not args:
        await now.reply(await _feed_list(now, store))
        return
    if len(args) != 2 or args[0] not in FEED_ACTIONS:
        await now.reply(now.t("admin.feeds_usage"))
        return
    action, url = args
    try:
        done = await _feed_action(now, store, action, url)
    except URLRefused as exc:
        await now.reply(now.t("admin.feeds_bad", reason=str(exc)))
        return
    key = "admin.feeds_done" if done else "admin.feeds_bad"
    await now.reply(now.t(key, action=action, url=url, reason=now.t("subscribe.not_tracked")))


async def _feed_action(now: Turn, store: FeedStore, action: str, url: str) -> bool:
    if action == "add":
        url = validate_feed_url(url, now.services.settings.allow_private_feeds)
        await store.merge([FeedSource(id=feed_id_for(url), url=url)])
        return True
    feed = await store.find(url)
    if feed is None:
        return False
    if action == "remove":
        return await store.remove(feed.id)
    return await store.set_paused(feed.id, action == "pause") is not None


async def _feed_list(now: Turn, store: FeedStore) -> str:
    sources = await store.all()
    if not sources:
        return now.t("admin.feeds_empty")
    states = await store.states()
    lines = [now.t("admin.feeds_header", count=len(sources))]
    for feed in sources[:FEED_LINES_MAX]:
        state = states.get(feed.id)
        health = (
            "⏸" if feed.paused else "✅" if state and not state.errors else "⚠️" if state else "…"
        )
        ago = (
            f" {int((time.time() - state.last_success) // 60)} min"
            if state and state.last_success
            else ""
        )
        error = (
            f" — {html.escape(state.last_error[:80])}"
            if state and state.errors and state.last_error
            else ""
        )
        note = f" — {html.escape(state.note[:80])}" if state and state.note else ""
        lines.append(
            f"{health} <code>{feed.id}</code> {html.escape(feed.label[:60])}{ago}{error}{note}"
        )
    return "\n".join(lines)[:4096]
