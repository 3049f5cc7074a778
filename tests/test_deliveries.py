"""The delivery queue in real Redis: lanes by priority, acks, requeue, claims from a dead consumer,
dead letters, and /forget's removal of a chat's queued messages."""

from __future__ import annotations

from feeds.storage.connection import Storage
from subscriptions.deliveries import DeliveryQueue, Lane
from testkit.sending import delivery


async def queue(storage: Storage) -> DeliveryQueue:
    q = DeliveryQueue(storage)
    await q.ensure_groups()
    await q.ensure_groups()  # idempotent
    return q


async def test_alerts_lane_goes_first(storage: Storage) -> None:
    q = await queue(storage)
    await q.enqueue(
        [delivery(1, lane=Lane.BROADCAST), delivery(2), delivery(3, lane=Lane.BROADCAST)]
    )
    first = await q.read("s1", count=10)
    assert [(lane, d.chat_id) for lane, _, d in first] == [(Lane.ALERTS, 2)]
    second = await q.read("s1", count=10)
    assert [(lane, d.chat_id) for lane, _, d in second] == [
        (Lane.BROADCAST, 1),
        (Lane.BROADCAST, 3),
    ]
    assert await q.read("s1", count=10) == []


async def test_blocking_read_wakes_for_either_lane(storage: Storage) -> None:
    q = await queue(storage)
    await q.enqueue([delivery(9, lane=Lane.BROADCAST)])
    got = await q.read("s1", count=10, block_ms=100)
    assert [d.chat_id for _, _, d in got] == [9]


async def test_ack_requeue_and_lengths(storage: Storage) -> None:
    q = await queue(storage)
    await q.enqueue([delivery(1), delivery(2)])
    (lane, first_id, _), (_, second_id, second) = await q.read("s1")
    await q.ack(lane, first_id)
    second.attempts += 1
    await q.requeue(lane, second_id, second)
    again = await q.read("s1")
    assert [(d.chat_id, d.attempts) for _, _, d in again] == [(2, 1)]
    assert (await q.lengths())["alerts"] == 1


async def test_dead_consumer_entries_are_claimed(storage: Storage) -> None:
    q = await queue(storage)
    await q.enqueue([delivery(1), delivery(2)])
    assert len(await q.read("dead-sender")) == 2  # read, never acknowledged
    assert await q.claim_stale("alive", min_idle_ms=60_000) == []  # not idle long enough
    claimed = await q.claim_stale("alive", min_idle_ms=0)
    assert sorted(d.chat_id for _, _, d in claimed) == [1, 2]


async def test_dead_letters(storage: Storage) -> None:
    q = await queue(storage)
    await q.enqueue([delivery(1)])
    [(lane, entry_id, d)] = await q.read("s1")
    await q.dead_letter(lane, entry_id, d, "400: Bad Request: message is too long")
    assert await q.lengths() == {"alerts": 0, "broadcast": 0, "dead": 1}


async def test_drop_chat(storage: Storage) -> None:
    q = await queue(storage)
    await q.enqueue([delivery(1), delivery(2), delivery(1, lane=Lane.BROADCAST, ref="b")])
    await q.read("s1", count=1)  # one of them is pending: it goes too
    assert await q.drop_chat(1) == 2
    remaining = await q.read("s2", count=10) + await q.claim_stale("s2", 0)
    assert {d.chat_id for _, _, d in remaining} == {2}
