"""The Redis keys of ``subscriptions/``: chats and what they follow, the delivery queue, fan-out and
digests, broadcasts, the shared rate limits."""

from __future__ import annotations

from dataclasses import dataclass

from feeds.storage.keys import KeySpace


@dataclass(frozen=True, slots=True)
class SubscriptionKeys(KeySpace):
    """Keys of ``subscriptions/``; the per-chat ones are deleted by ``/forget``."""

    # -- chats and subscriptions (store.py) --------------------------------------------------------
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

    # -- delivery (deliveries.py, sender.py, outcomes.py) ------------------------------------------
    def deliveries(self, lane: str) -> str:
        """STREAM of ``Delivery`` JSON for one lane (alerts, broadcast), read by group ``senders``."""
        return self._k("deliveries", lane)

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
    def dead_letters(self) -> str:
        """STREAM of deliveries that kept failing, with their last error."""
        return self._k("deliveries", "dead")

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

    # -- fan-out and digests (fanout.py, digest.py) ------------------------------------------------
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

    # -- admin broadcasts (broadcast.py) -----------------------------------------------------------
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

    # -- shared rate limits (ratelimit.py), one budget per bot token -------------------------------
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
