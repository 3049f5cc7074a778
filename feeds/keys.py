"""Every Redis key Vestka uses, in one place.

All keys hang under one prefix (``REDIS_PREFIX``, default ``vestka:``) so several deployments or test
runs can share a server, and the schema version key says which layout the data is in, so a later
release can migrate instead of misreading.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA_VERSION = 2  # feeds/migrations.py brings older data up to it

# The consumer group of the fan-out on the alerts stream (``Keys.alerts``). Several ``send``
# processes join it as consumers. Whoever comes first, a producer (watcher, registry change) or a
# sender, creates it at the stream's end ("$"): history from before the first deploy is not sent,
# and alerts made before the first sender starts wait for it.
FANOUT_GROUP = "fanout"


@dataclass(frozen=True, slots=True)
class Keys:
    prefix: str = "vestka:"

    def _k(self, *parts: object) -> str:
        return self.prefix + ":".join(str(p) for p in parts)

    # -- schema -----------------------------------------------------------------------------------
    @property
    def schema_version(self) -> str:
        return self._k("schema")

    @property
    def schema_migration_lock(self) -> str:
        """Lock: the one process migrating the data to this release's schema."""
        return self._k("schema", "migrating")

    # -- registry ---------------------------------------------------------------------------------
    @property
    def registry_targets(self) -> str:
        """HASH target id -> target JSON."""
        return self._k("registry", "targets")

    @property
    def registry_version(self) -> str:
        """INT bumped on every change, so running processes know to reload."""
        return self._k("registry", "version")

    @property
    def registry_seeded(self) -> str:
        """Marker: the registry has been seeded once (from REGISTRY_FILE or the bundled one)."""
        return self._k("registry", "seeded")

    @property
    def registry_sync(self) -> str:
        """HASH registry URL -> its sync state JSON (validators, next time, size, last error)."""
        return self._k("registry", "sync")

    def registry_sync_ids(self, url_digest: str) -> str:
        """SET of the ids a registry URL listed in the last copy applied ("people vanishing")."""
        return self._k("registry", "sync_ids", url_digest)

    def registry_sync_lease(self, url_digest: str) -> str:
        """Lease: the one watcher syncing this registry URL now."""
        return self._k("registry", "sync_lease", url_digest)

    @property
    def registry_held_deaths(self) -> str:
        """HASH person id -> a death a registry source reports, held until an admin confirms it."""
        return self._k("registry", "held_deaths")

    @property
    def registry_redirects(self) -> str:
        """HASH merged-away id -> the id that person lives on as (``registry merge``)."""
        return self._k("registry", "redirects")

    @property
    def registry_taken_down(self) -> str:
        """SET of hashed ids an admin took down: no later import brings them back (only /track)."""
        return self._k("registry", "taken_down")

    # -- chats and subscriptions (subscriptions/) -------------------------------------------------
    def chat(self, chat_id: int) -> str:
        """HASH of one chat's settings (no names: ids, language, mode, mute, state)."""
        return self._k("chat", chat_id)

    @property
    def chats(self) -> str:
        """SET of every chat id the bot knows (broadcasts iterate it)."""
        return self._k("chats")

    def chat_targets(self, chat_id: int) -> str:
        """SET of target ids one chat follows."""
        return self._k("subs", "chat", chat_id)

    def target_chats(self, target_id: str) -> str:
        """SET of chat ids following one target (fan-out reads it)."""
        return self._k("subs", "target", target_id)

    def chat_mutes(self, chat_id: int) -> str:
        """HASH target id -> unix time until which this chat hears nothing about that target."""
        return self._k("mutes", chat_id)

    # -- feeds (feeds/sources.py, feeds/seen.py, feeds/leases.py) ---------------------------------
    @property
    def feed_sources(self) -> str:
        """HASH feed id -> FeedSource JSON (URL, name, language, full-text mode, paused)."""
        return self._k("feeds", "sources")

    @property
    def feed_state(self) -> str:
        """HASH feed id -> FeedState JSON (validators, last success/error, error count, flags)."""
        return self._k("feeds", "state")

    @property
    def feed_checked(self) -> str:
        """HASH feed id -> "<time> <polls> <next check>": the clock of the last quiet poll (a 304 that changed
        nothing else writes only this and the due time; ``FeedStore`` folds it into the state)."""
        return self._k("feeds", "checked")

    @property
    def feeds_due(self) -> str:
        """ZSET feed id -> epoch seconds of its next check (paused feeds are not in it)."""
        return self._k("feeds", "due")

    @property
    def feeds_seeded(self) -> str:
        """Marker: the feed list has been seeded once (from FEEDS_FILE or the bundled list)."""
        return self._k("feeds", "seeded")

    def feed_lease(self, feed_id: str) -> str:
        """STRING holder token, with a short PX expiry: one watcher fetches a feed at a time."""
        return self._k("feeds", "lease", feed_id)

    def host_pace(self, host: str) -> str:
        """STRING: when the next request to ``host`` may start (ms epoch; ``HostPacer``)."""
        return self._k("feeds", "pace", host)

    def channel_posts(self, feed_id: str) -> str:
        """HASH post guid -> its text's hash and the targets it named, for the posts on a channel's
        page (``feeds/channel_watch.py``: an edit that names someone new alerts once)."""
        return self._k("feeds", "posts", feed_id)

    def feed_seen(self, feed_id: str) -> str:
        """ZSET identity key -> epoch last seen, per feed; old members trimmed, whole key EXPIREs."""
        return self._k("feeds", "seen", feed_id)

    # -- alerts (feeds/alerts.py, feeds/stories.py) -----------------------------------------------
    @property
    def alerts(self) -> str:
        """STREAM of alerts (field ``alert``: Alert JSON); trimmed by length and age."""
        return self._k("alerts")

    @property
    def false_matches(self) -> str:
        """HASH target id -> how many times subscribers said an alert was about someone else."""
        return self._k("alerts", "false_matches")

    def false_match_seen(self, digest: str) -> str:
        """STRING (short TTL) marking one chat's report on one alert, so a report counts once;
        ``digest`` hashes alert and chat together: no chat id is kept in clear."""
        return self._k("alerts", "false_match_seen", digest)

    def alert_record(self, alert_id: str) -> str:
        """STRING Alert JSON as last updated (sources merged in), kept for the story window."""
        return self._k("alerts", "record", alert_id)

    def story_key(self, kind: str, digest: str) -> str:
        """STRING alert id for a story's canonical URL (``u``) or normalised title (``t``), 48 h."""
        return self._k("alerts", "story", kind, digest)

    def story_by_target(self, target_id: str) -> str:
        """ZSET "alert-id title words" -> epoch: recent alerts naming a target, with their titles'
        words (sorted, space-separated), for the near-identical title check."""
        return self._k("alerts", "titles", target_id)

    @property
    def admin_notices(self) -> str:
        """STREAM of one-off notices for admins (a feed failing for 24 h, ...); trimmed by length."""
        return self._k("admin", "notices")

    # -- status timeline (feeds/timeline.py) ------------------------------------------------------
    def timeline(self, prisoner_id: str) -> str:
        """LIST of timeline event JSON for one prisoner, newest first, capped."""
        return self._k("timeline", prisoner_id)

    # -- delivery (subscriptions/) -----------------------------------------------------------------
    def deliveries(self, lane: str) -> str:
        """STREAM of ``Delivery`` JSON for one lane (alerts, broadcast), read by group ``senders``."""
        return self._k("deliveries", lane)

    def fanout_done(self, alert_id: str) -> str:
        """HASH chat id -> 1: chats an alert was already fanned out to (queued or put in their
        digest), written in the same script as the deliveries; expires after a few days."""
        return self._k("fanout", "done", alert_id)

    def digest_buffer(self, chat_id: int) -> str:
        """HASH alert id -> item JSON (the chat's followed ids in it, when): a daily chat's alerts
        waiting for its digest; the whole key expires a few days after the last append."""
        return self._k("digest", "chat", chat_id)

    @property
    def digest_due(self) -> str:
        """ZSET chat id -> epoch seconds when its digest is due (only chats with a buffer)."""
        return self._k("digest", "due")

    def digest_alert(self, alert_id: str) -> str:
        """STRING Alert JSON kept for the digests that will name it (sources merged in); expires."""
        return self._k("digest", "alert", alert_id)

    @property
    def dead_letters(self) -> str:
        """STREAM of deliveries that kept failing, with their last error."""
        return self._k("deliveries", "dead")

    # -- admin broadcasts (subscriptions/broadcast.py) ---------------------------------------------
    def broadcast_draft(self, broadcast_id: str) -> str:
        """STRING draft JSON awaiting the admin's confirm button; expires after an hour."""
        return self._k("broadcast", "draft", broadcast_id)

    def broadcast(self, broadcast_id: str) -> str:
        """HASH one broadcast: admin chat, method/params, audience, state, total, enqueue cursor."""
        return self._k("broadcast", broadcast_id)

    def broadcast_counts(self, broadcast_id: str) -> str:
        """HASH outcome (sent, failed, blocked) -> count, bumped by the sender."""
        return self._k("broadcast", broadcast_id, "counts")

    def broadcast_counted(self, broadcast_id: str) -> str:
        """SET chat ids whose outcome is counted (a redelivered message is not counted twice)."""
        return self._k("broadcast", broadcast_id, "counted")

    def broadcast_audience(self, broadcast_id: str) -> str:
        """LIST ``chat[:thread]`` of the active chats, fixed at start; enqueued from the cursor."""
        return self._k("broadcast", broadcast_id, "audience")

    @property
    def broadcast_current(self) -> str:
        """STRING id of the broadcast being prepared or sent (at most one at a time)."""
        return self._k("broadcast", "current")

    @property
    def broadcast_unreported(self) -> str:
        """SET ids of finished or cancelled broadcasts whose final report is not posted yet."""
        return self._k("broadcast", "unreported")

    @property
    def deliveries_delayed(self) -> str:
        """ZSET ``<lane>|<Delivery JSON>`` -> epoch seconds when it may be sent again (429, backoff);
        a sender moves due members back onto their lane stream."""
        return self._k("deliveries", "delayed")

    def delivery_guard(self, delivery_id: str) -> str:
        """STRING ``sending:<consumer>`` (short TTL) before the call, ``sent`` (days) after."""
        return self._k("deliveries", "guard", delivery_id)

    def delivery_guard_pattern(self, chat_id: int) -> str:
        """SCAN pattern for one chat's guards (delivery ids end in ``:<chat id>``)."""
        return self._k("deliveries", "guard", f"*:{chat_id}")

    def chat_failures(self, chat_id: int) -> str:
        """INT consecutive 403 / chat-not-found answers for a chat; a success deletes it."""
        return self._k("deliveries", "fails", chat_id)

    @property
    def delivery_counters(self) -> str:
        """HASH counter -> count (sent, failed, blocked, rate_limited, dead, ...): counts only."""
        return self._k("deliveries", "counters")

    def delivery_day(self, day: str) -> str:
        """HASH counter -> count for one day (``YYYY-MM-DD`` in ``TZ``), kept a week."""
        return self._k("deliveries", "day", day)

    def sender_alive(self, consumer: str) -> str:
        """STRING heartbeat of one sender process (short PX expiry)."""
        return self._k("senders", "alive", consumer)

    @property
    def sender_beats(self) -> str:
        """ZSET sender consumer -> epoch of its last heartbeat (health checks of any process)."""
        return self._k("senders", "beats")

    # -- operations (bot/poller_lock.py, feeds/watcher.py, bot/metrics.py) -------------------------
    @property
    def poller_lock(self) -> str:
        """STRING holder token, PX expiry renewed while held: the one process polling getUpdates."""
        return self._k("bot", "poller")

    @property
    def watcher_cycle(self) -> str:
        """HASH of the last poll cycle of any watcher: ``at`` (epoch), polled, changed, ... ."""
        return self._k("watchers", "cycle")

    @property
    def watcher_counters(self) -> str:
        """HASH counter -> count since the start (polled, unchanged, changed, failed, items,
        alerts): counts only, added by every watcher at the end of each poll cycle."""
        return self._k("watchers", "counters")

    # -- shared rate limits (subscriptions/ratelimit.py), one budget per bot token -----------------
    def rate_bucket(self, name: str) -> str:
        """STRING GCRA theoretical arrival time (ms) of a global budget (``all``, ``broadcast``)."""
        return self._k("rl", "bucket", name)

    def rate_chat(self, chat_id: int) -> str:
        """STRING GCRA theoretical arrival time (ms) of one chat (1/s private, 20/min groups)."""
        return self._k("rl", "chat", chat_id)

    @property
    def rate_pause_all(self) -> str:
        """STRING set with a PX expiry while Telegram asked the whole bot to wait (global flood)."""
        return self._k("rl", "pause")

    def rate_pause_chat(self, chat_id: int) -> str:
        """STRING set with a PX expiry while Telegram asked us to wait for one chat (429)."""
        return self._k("rl", "pause", chat_id)

    @property
    def rate_floods(self) -> str:
        """ZSET chat -> ms of recent 429s: several chats at once means a global flood."""
        return self._k("rl", "floods")

    def all_patterns(self) -> str:
        """A SCAN pattern for every key under this prefix (tests and ``/forget`` tooling)."""
        return self.prefix + "*"
