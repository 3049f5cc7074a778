"""One story, one alert: the same news from several feeds within 48 hours is merged.

Two news alerts are the same story when, within :data:`STORY_WINDOW`:

* their items' canonical URLs are equal (``u`` key), or
* their normalised titles are equal (``t`` key: case, punctuation and word order ignored), or
* their titles are near-identical: word-set Jaccard similarity >= :data:`NEAR_TITLE` against the
  last :data:`CANDIDATES` alerts naming the same target (so the check stays cheap at any volume;
  the candidates' title words sit in the per-target sorted set itself, so it is one read).

The first alert of a story is appended to the stream; later ones add their source to it: the stored
record is updated and a ``sources`` entry (same alert id, full source list) is appended so delivery
can edit what it sent. Re-handling the same item (a watcher crashed between alerting and marking
the item seen) finds its own source already listed and does nothing, so it is never sent twice.

Claims use ``SET NX``, so two watchers handling copies of one story at the same moment agree on one
alert for the URL and exact-title paths; the near-title path can, in that rare race, yield two.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata

from redis.asyncio import Redis

from feeds.fetching.identity import canonical_url
from feeds.storage.keys import KeySpace
from feeds.watching.alerts import Alert, AlertSource
from feeds.watching.keys import WatchKeys

STORY_WINDOW = 48 * 3600
NEAR_TITLE = 0.8
CANDIDATES = 50
_WORD = re.compile(r"\w+")


def title_words(title: str) -> frozenset[str]:
    text = unicodedata.normalize("NFKC", title or "").casefold().replace("ё", "е")
    return frozenset(w for w in _WORD.findall(text) if len(w) > 1 or w.isdigit())


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _nearest(alert_id: str, words: frozenset[str], answers: list[list[bytes]]) -> str | None:
    """The candidate (``"id word word ..."`` members, newest first) whose title is nearest to
    ``words``, if one reaches :data:`NEAR_TITLE`; the newest wins a tie."""
    best: tuple[float, str] | None = None
    for member in dict.fromkeys(m.decode() for members in answers for m in members):
        other_id, _, other_words = member.partition(" ")
        if other_id == alert_id:
            continue
        score = jaccard(words, frozenset(other_words.split()))
        if score >= NEAR_TITLE and (best is None or score > best[0]):
            best = (score, other_id)
    return best[1] if best else None


class Stories:
    def __init__(self, redis: Redis, keys: KeySpace, window: float = STORY_WINDOW) -> None:
        self.redis = redis
        self.keys = WatchKeys.of(keys)
        self.window = int(window)

    def _story_keys(self, alert: Alert) -> list[str]:
        out = []
        if alert.link:
            canon = canonical_url(alert.link)
            out.append(self.keys.story_key("u", _digest(canon.split("://", 1)[-1])))
        words = title_words(alert.title)
        if len(words) >= 3:
            out.append(self.keys.story_key("t", _digest(" ".join(sorted(words)))))
        return out

    async def claim(self, alert: Alert) -> Alert | None:
        """Register ``alert`` as a new story (returns None), or return the stored earlier alert of
        the same story, with ``alert``'s source added when it was not listed yet (``kind`` is
        ``sources`` then; ``news`` unchanged when it was already listed).

        A new story, the common case, costs one round trip: the record, the story keys and this
        alert's place among the near-title candidates are written optimistically, in the same
        pipeline that reads the candidates; a story found to be old takes its place back."""
        keys = self._story_keys(alert)
        words = title_words(alert.title)
        member = " ".join([alert.id, *sorted(words)]) if len(words) >= 3 else None
        now = time.time()
        async with self.redis.pipeline(transaction=False) as pipe:
            # The record goes first, so whoever finds a story key already finds the record.
            pipe.set(
                self.keys.alert_record(alert.id), alert.model_dump_json(), nx=True, ex=self.window
            )
            for key in keys:
                pipe.set(key, alert.id, nx=True, ex=self.window, get=True)
            if member is not None:
                self._near_title_candidates(pipe, alert.targets, member, now)
            own, *answers = await pipe.execute()
        if not own:
            return await self._record(alert.id)  # handled before (a crash before marking seen)
        got = [g.decode() for g in answers[: len(keys)] if g is not None]
        existing_id = next((g for g in got if g != alert.id), None)
        if existing_id is None and member is not None:
            existing_id = _nearest(alert.id, words, answers[len(keys) :: 5])
        record = await self._record(existing_id) if existing_id else None
        if record is None:
            if existing_id is not None:  # a key of a story whose record expired: take it over
                async with self.redis.pipeline(transaction=False) as pipe:
                    for key in keys:
                        pipe.set(key, alert.id, ex=self.window)
                    await pipe.execute()
            return None
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.delete(self.keys.alert_record(alert.id))
            for key in keys:  # point this story's keys at the earlier alert
                pipe.set(key, record.id, ex=self.window)
            for target in alert.targets if member is not None else ():
                pipe.zrem(self.keys.story_by_target(target), member)
            await pipe.execute()
        return await self._add_sources(record, alert.sources)

    async def _record(self, alert_id: str) -> Alert | None:
        raw = await self.redis.get(self.keys.alert_record(alert_id))
        return Alert.model_validate_json(raw) if raw else None

    def _near_title_candidates(self, pipe, targets: list[str], member: str, now: float) -> None:
        """Queue, per target, five commands: read the recent candidates (the first), then add
        ``member`` and trim the set to the window and to :data:`CANDIDATES`."""
        for target in targets:
            zkey = self.keys.story_by_target(target)
            pipe.zrevrangebyscore(zkey, "+inf", now - self.window, start=0, num=CANDIDATES)
            pipe.zadd(zkey, {member: now})
            pipe.zremrangebyscore(zkey, "-inf", now - self.window)
            pipe.zremrangebyrank(zkey, 0, -CANDIDATES - 1)
            pipe.expire(zkey, self.window)

    async def _add_sources(self, record: Alert, sources: list[AlertSource]) -> Alert:
        listed = {(s.feed_id, s.link) for s in record.sources}
        listed_feeds = {s.feed_id for s in record.sources}
        fresh = [
            s
            for s in sources
            if (s.feed_id, s.link) not in listed and s.feed_id not in listed_feeds
        ]
        if not fresh:
            return record
        record = record.model_copy(update={"sources": [*record.sources, *fresh]})
        key = self.keys.alert_record(record.id)
        await self.redis.set(key, record.model_dump_json(), keepttl=True)
        return record.model_copy(update={"kind": "sources"})
