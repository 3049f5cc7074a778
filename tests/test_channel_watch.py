"""Watching a public Telegram channel (issue 15): what a local server serving preview pages the
way t.me does gets from the shipped watcher. New posts alert once; a busy day's older pages are
read back to the last post seen; an edit alerts only when it names someone new; a deleted post is
simply gone; a renamed channel is taken stock of; a channel gone private, a challenge page and
throttling are health states; huge and malformed pages cost nothing else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

import pytest

from bot.telegram.alert_message import render_alert
from feeds.fetching import channels
from feeds.fetching.keys import FeedKeys
from feeds.fetching.parsing import parse_feed
from feeds.fetching.sources import FeedStore
from feeds.registry.store import RegistryStore
from feeds.storage.connection import Storage
from feeds.watching.channel_watch import HostPacer
from feeds.watching.feed_poll import SEEN_REFRESH
from testkit.channelpages import FakeChannel
from testkit.feedserver import FeedServer
from testkit.rss import Item, ago, rss
from testkit.watcher import add_feed, alerts, news, watcher_on

LOSIK = "Ігара Лосіка перавялі ў калонію № 9 у Горках."
BIALIATSKI = "Алеся Бяляцкага перавялі ў калонію № 9 у Горках."
KALESNIKAVA = "Maryja Kalesnikava was taken to hospital from the colony."
WEATHER = "Надвор'е ў Менску: дождж і вецер."


@asynccontextmanager
async def watched(storage: Storage, channel: FakeChannel) -> AsyncIterator[tuple]:
    """The channel served on a local 'TELEGRAM_WEB_URL', added as a source, a watcher on it."""
    async with FeedServer() as srv:
        channels.use_web(srv.url("/").rstrip("/"))
        try:
            srv.handle(f"/s/{channel.name}", channel.handler)
            feed = await add_feed(storage, channels.preview_url(channel.name))
            # the host's pace is its own test (below); here it would only slow the polls
            async with watcher_on(storage, channel_host_rate=1000) as w:
                yield srv, feed, w
        finally:
            channels.use_web(channels.DEFAULT_WEB)


def old_posts(channel: FakeChannel, count: int = 5, first: int = 100) -> None:
    for i in range(first, first + count):
        channel.post(i, WEATHER + f" ({i})")


async def test_new_posts_alert_once_and_the_same_posts_cost_no_parse(storage: Storage) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        assert (await w.poll(feed.id, force=True)).alerts == 0  # first poll takes stock
        channel.post(200, LOSIK)
        assert (await w.poll(feed.id, force=True)).alerts == 1
        again = await w.poll(feed.id, force=True)  # the views counters changed, the posts did not
        assert again.alerts == 0 and again.message == "same body"
    [alert] = await news(storage)
    assert alert.link == "https://t.me/vestkatest/200" and alert.prisoners == ["ihar-losik"]


async def test_older_pages_are_read_back_to_the_last_post_seen(storage: Storage) -> None:
    channel = FakeChannel("vestkatest", per_page=5)
    old_posts(channel)
    async with watched(storage, channel) as (srv, feed, w):
        await w.poll(feed.id, force=True)
        channel.post(200, LOSIK)  # on the third page back once the rest are posted
        for i in range(201, 212):
            channel.post(i, WEATHER + f" ({i})")
        outcome = await w.poll(feed.id, force=True)
        assert outcome.alerts == 1 and outcome.new == 12
        befores = [r for r in srv.requests[f"/s/{channel.name}"]]
        assert len(befores) == 4  # the first poll, the page, two older pages
        state = await FeedStore(storage).state(feed.id)
        assert state.newest_post == 211 and state.note == ""
    assert [a.prisoners for a in await news(storage)] == [["ihar-losik"]]


async def test_paging_back_stops_after_a_few_pages_and_says_so(storage: Storage) -> None:
    channel = FakeChannel("vestkatest", per_page=2)
    old_posts(channel, 2)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        for i in range(200, 230):
            channel.post(i, WEATHER + f" ({i})")
        outcome = await w.poll(feed.id, force=True)
        assert outcome.new == 12  # this page and five older ones
        state = await FeedStore(storage).state(feed.id)
        assert "older posts were skipped" in state.note


async def test_an_edit_alerts_only_for_whom_it_names_anew(storage: Storage) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        channel.post(200, LOSIK)
        assert (await w.poll(feed.id, force=True)).alerts == 1
        channel.edit(200, LOSIK + " Фота: праваабаронцы.")  # a typo fixed: nobody new
        assert (await w.poll(feed.id, force=True)).alerts == 0
        channel.edit(200, LOSIK + " " + BIALIATSKI)  # names a second tracked man
        assert (await w.poll(feed.id, force=True)).alerts == 1
        assert (await w.poll(feed.id, force=True)).alerts == 0  # once
        channel.edit(101, KALESNIKAVA)  # a post taken stock of at the first poll: old news
        assert (await w.poll(feed.id, force=True)).alerts == 0
    first, edit = await news(storage)
    assert first.prisoners == ["ihar-losik"] and edit.prisoners == ["ales-bjaljackiy"]
    assert edit.link == first.link and edit.id != first.id


async def test_a_deleted_post_is_simply_gone(storage: Storage) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        channel.post(200, LOSIK)
        await w.poll(feed.id, force=True)
        channel.delete(200)
        outcome = await w.poll(feed.id, force=True)
        assert outcome.status == "ok" and outcome.alerts == 0
        memo = await storage.redis.hkeys(FeedKeys.of(storage.keys).channel_posts(feed.id))
        assert b"tg:vestkatest/200" not in memo and len(memo) == 5
    assert len(await news(storage)) == 1


async def test_a_renamed_channel_is_taken_stock_of(storage: Storage) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        channel.owner = "vestkanew"  # every post now comes under the new name: new guids
        channel.edit(103, KALESNIKAVA)  # an old post, under its new link: not news
        channel.post(200, LOSIK)  # posted since: news (post ids go on through a rename)
        outcome = await w.poll(feed.id, force=True)
        assert outcome.alerts == 1 and outcome.new == 1
        state = await FeedStore(storage).state(feed.id)
        assert "renamed: @vestkatest is now @vestkanew" in state.note
        channel.post(201, BIALIATSKI)
        assert (await w.poll(feed.id, force=True)).alerts == 1  # and then watched as before
    assert [a.link for a in await news(storage)] == [
        "https://t.me/vestkanew/200",
        "https://t.me/vestkanew/201",
    ]


@pytest.mark.parametrize(
    ("page", "why"),
    [
        (b'<html><head><meta property="og:title" content="Telegram: Contact @vestkatest"></head>'
         b'<body><div class="tgme_page">If you have Telegram, you can contact</div></body></html>',
         "the channel is private, renamed or does not exist"),
        (b"<html><body><h1>Just a moment...</h1><script>challenge()</script></body></html>",
         "not a channel preview"),
        (b"<html><body><div class=\"tgme_widget_message\" data-post=\"x/", "not a channel preview"),
    ],
)  # fmt: skip
async def test_a_page_without_posts_is_a_health_state(storage: Storage, page, why) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (srv, feed, w):
        await w.poll(feed.id, force=True)
        srv.add(f"/s/{channel.name}", page, content_type="text/html")  # gone private
        outcome = await w.poll(feed.id, force=True)
        assert outcome.status == "error" and why in outcome.message
        state = await FeedStore(storage).state(feed.id)
        assert state.errors == 1 and state.next_check > state.last_check


@pytest.mark.parametrize("retry_after", ["120", None])
async def test_throttling_backs_off(storage: Storage, retry_after) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (srv, feed, w):
        await w.poll(feed.id, force=True)
        headers = {"Retry-After": retry_after} if retry_after else {}
        srv.add(f"/s/{channel.name}", b"Too Many Requests", status=429, headers=headers)
        outcome = await w.poll(feed.id, force=True)
        assert outcome.status == "error" and "429" in outcome.message
        state = await FeedStore(storage).state(feed.id)
        wait = state.next_check - state.last_check
        assert wait >= (120 if retry_after else 30)


async def test_a_page_of_ten_thousand_posts_and_html_in_posts(storage: Storage) -> None:
    channel = FakeChannel("vestkatest", per_page=10_000)
    for i in range(1, 10_001):
        channel.post(i, "x")
    async with watched(storage, channel) as (_srv, feed, w):
        first = await w.poll(feed.id, force=True)
        assert first.status == "ok" and first.new == 1000  # the newest thousand, as for a feed
        channel.post(
            20_000,
            "<b>Ігара Лосіка</b> перавялі &lt;script&gt;alert(1)&lt;/script&gt; ў калонію № 9.",
        )
        outcome = await w.poll(feed.id, force=True)
        assert outcome.alerts == 1
    [alert] = await news(storage)
    assert alert.prisoners == ["ihar-losik"] and "<b>" not in alert.text


def test_text_in_a_post_that_looks_like_markup_is_kept_as_text() -> None:
    """A post's "<" that opens no tag is text (it was cut off, with all after it), and markup
    is gone; the renderer escapes whatever a post says (tests/test_alert_message.py)."""
    channel = FakeChannel("vestkatest")
    channel.post(5, "<b>Ігар Лосік</b>: A&amp;B &lt; C, <i>1 &lt; 2</i>.")
    [item] = parse_feed(channel.page(), {"content-type": "text/html"}, channel_url()).items
    assert item.text == "Ігар Лосік: A&B < C, 1 < 2."


def channel_url() -> str:
    return channels.preview_url("vestkatest")


async def test_a_post_sharing_an_article_links_it_and_joins_its_story(storage: Storage) -> None:
    """The outlet's feed told the story; its channel's post links the same article: one story,
    two sources, and the alert links the article (not the post) and names the channel."""
    article = "https://outlet.example/news/losik-moved"
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (srv, channel_feed, w):
        srv.add("/rss", rss([Item("Losik moved", LOSIK, guid="a1", link=article, date=ago(1))]))
        site = await add_feed(storage, srv.url("/rss"), name="Outlet")
        await w.poll(channel_feed.id, force=True)
        srv.add("/rss", rss([]))
        await w.poll(site.id, force=True)  # first polls take stock
        srv.add("/rss", rss([Item("Losik moved", LOSIK, guid="a1", link=article, date=ago(1))]))
        assert (await w.poll(site.id, force=True)).alerts == 1
        channel.post(200, f'{LOSIK} <a href="{article}">Чытаць</a> #навіны')
        channel.post(201, f'{BIALIATSKI} <a href="https://t.me/vestkatest/150">раней</a>')
        assert (await w.poll(channel_feed.id, force=True)).alerts == 1  # 201 only: 200 joined
    first, joined, second = await alerts(storage)
    assert first.kind == "news" and joined.kind == "sources" and joined.id == first.id
    assert [s.feed_id for s in joined.sources] == [site.id, channel_feed.id]
    assert joined.sources[1].link == article
    assert second.link == "https://t.me/vestkatest/201"  # a link within Telegram is no article


async def test_the_preview_host_is_paced_for_all_watchers_together(storage: Storage) -> None:
    """Two watchers' pacers share one budget in Redis: five requests at 10 a second are given
    turns 0.1 s apart, whoever asks; a pacer that reserves 0.3 s of turns at once hands out its
    three and then takes the next free ones."""
    first = HostPacer(storage.redis, storage.keys, rate=10, batch_seconds=0)
    second = HostPacer(storage.redis, storage.keys, rate=10, batch_seconds=0)
    waits = await asyncio.gather(*(p.turn("t.me") for p in (first, second, first, second, first)))
    assert [round(w, 1) for w in sorted(waits)] == [0.0, 0.1, 0.2, 0.3, 0.4]
    assert await HostPacer(storage.redis, storage.keys, rate=10).turn("other.host") == 0.0
    batched = HostPacer(storage.redis, storage.keys, rate=10, batch_seconds=0.3)
    other = HostPacer(storage.redis, storage.keys, rate=10, batch_seconds=0)
    waits = await asyncio.gather(*(batched.turn("h2") for _ in range(3)), other.turn("h2"))
    assert [round(w, 1) for w in waits] == [0.0, 0.1, 0.2, 0.3]


async def test_a_channel_is_polled_no_more_often_than_its_minimum(storage: Storage) -> None:
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        state = await FeedStore(storage).state(feed.id)
        assert w.config.poll_interval < w.config.channel_min_interval
        assert state.next_check - state.last_check >= w.config.channel_min_interval


async def test_an_unchanged_page_refreshes_its_seen_keys_only_now_and_then(
    storage: Storage,
) -> None:
    """A channel answers 200 at every poll: the same posts cost no parse and no seen-set write,
    until the refresh is due (the keys live for weeks)."""
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        key = FeedKeys.of(storage.keys).feed_seen(feed.id)
        before = await storage.redis.zrange(key, 0, -1, withscores=True)
        assert (await w.poll(feed.id, force=True)).message == "same body"
        assert await storage.redis.zrange(key, 0, -1, withscores=True) == before
        state = await FeedStore(storage).state(feed.id)
        state.seen_refreshed -= SEEN_REFRESH  # the refresh falls due
        await FeedStore(storage).put_state(feed.id, state)
        assert (await w.poll(feed.id, force=True)).message == "same body"
        after = dict(await storage.redis.zrange(key, 0, -1, withscores=True))
        assert all(after[k] > score for k, score in before)


async def test_what_a_post_says_reaches_the_chat_escaped(storage: Storage) -> None:
    """A post's first line is the alert's title: "&" in it is text, escaped for Telegram's HTML;
    its markup is gone, and so is text that reads as markup once decoded (a "<script>" tag written
    as text): feeds double-escape HTML often enough that such leftovers are dropped."""
    channel = FakeChannel("vestkatest")
    old_posts(channel)
    async with watched(storage, channel) as (_srv, feed, w):
        await w.poll(feed.id, force=True)
        channel.post(200, f"<b>{LOSIK}</b> <i>A&amp;B &lt;script&gt;</i>")
        assert (await w.poll(feed.id, force=True)).alerts == 1
    [alert] = await news(storage)
    assert alert.title.endswith("A&B") and "<" not in alert.title
    targets = {t.id: t for t in await RegistryStore(storage).all()}
    sent = render_alert(alert, "en", ["ihar-losik"], targets, ZoneInfo("Europe/Minsk"))["text"]
    assert "A&amp;B" in sent and "script" not in sent
