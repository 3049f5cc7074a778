"""Public Telegram channels as sources (issue 15): one source however it is written, the preview
page read as a feed (identity, link, date, text with its line breaks, forwarded-from kept,
media-only posts skipped), and a page without posts told apart from a channel with none new."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from feeds.fetching.channels import channel_name, parse_page, preview_channel, preview_url
from feeds.fetching.parsing import parse_feed
from feeds.fetching.sources import URLRefused, feed_id_for, validate_feed_url

DATA = Path(__file__).parent / "data" / "channels"
PREVIEW = (DATA / "preview.html").read_bytes()
CONTACT = (DATA / "contact.html").read_bytes()
URL = "https://t.me/s/vestkatest"


@pytest.mark.parametrize(
    "written",
    ["@vestkatest", "t.me/vestkatest", "https://t.me/vestkatest", "https://t.me/s/vestkatest",
     "http://telegram.me/vestkatest/", "https://t.me/s/vestkatest?before=100"],
)  # fmt: skip
def test_a_channel_is_one_source_however_it_is_written(written):
    assert channel_name(written) == "vestkatest"
    assert validate_feed_url(written) == URL


@pytest.mark.parametrize(
    "written",
    ["@ab", "https://t.me/joinchat/AAAA", "https://t.me/+AbCdEf", "https://t.me/vestkatest/1201",
     "https://example.org/s/vestkatest", "t.me"],
)  # fmt: skip
def test_what_names_no_public_channel_is_not_one(written):
    assert channel_name(written) is None


def test_a_hostile_url_is_still_refused():
    with pytest.raises(URLRefused):
        validate_feed_url("http://127.0.0.1/feed")


def test_preview_urls_are_recognised_only_on_the_preview_host():
    assert preview_channel(preview_url("vestkatest")) == "vestkatest"
    assert preview_channel("https://t.me/s/vestkatest?before=1201") == "vestkatest"
    assert preview_channel("https://example.org/s/vestkatest") is None
    mirror = "http://127.0.0.1:8080/tg"
    assert preview_channel(preview_url("vestkatest", mirror), mirror) == "vestkatest"


def test_the_preview_page_is_read_as_a_feed():
    parsed = parse_feed(PREVIEW, {"content-type": "text/html; charset=utf-8"}, URL)
    assert parsed.is_feed and parsed.bozo is None and parsed.title == "Vestka Test Channel"
    assert parsed.link == "https://t.me/vestkatest"
    assert [i.link for i in parsed.items] == [
        "https://t.me/vestkatest/1202",
        "https://t.me/vestkatest/1201",
    ]  # newest first, as feeds list them; the media-only post 1203 is skipped
    forwarded, first = parsed.items
    assert first.guid == "tg:vestkatest/1201"
    assert first.title == "Ігара Лосіка перавялі ў калонію № 9 у Горках."
    assert first.published == datetime(2026, 11, 30, 9, 15, tzinfo=UTC)
    assert first.text.splitlines()[:3] == [
        "Ігара Лосіка перавялі ў калонію № 9 у Горках.",
        "Пра гэта паведаміла праваабаронцы.",
        "Лісты можна дасылаць на новы адрас.",
    ]  # line breaks kept, the link and the bold dropped
    assert "Forwarded from Вясна" in forwarded.text
    assert "Kalesnikava was taken to hospital" in forwarded.text


def test_a_page_knows_where_it_pages_back_from_and_what_was_edited():
    page = parse_page(PREVIEW, "vestkatest")
    assert page.is_preview and page.before == 1201
    assert [p.id for p in page.posts] == [1201, 1202]
    assert [p.edited for p in page.posts] == [False, True]


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (CONTACT, "not a channel preview"),  # a private or unknown channel: its contact page
        (b"<html><body><h1>Just a moment...</h1></body></html>", "not a channel preview"),
        (b"\x00\xff not html at all", "not a channel preview"),
    ],
)
def test_a_page_without_posts_is_no_preview(body, why):
    parsed = parse_feed(body, {"content-type": "text/html"}, URL)
    assert not parsed.is_feed and parsed.items == [] and why in parsed.bozo


def _with_post(page: bytes, post_id: int, html: str) -> bytes:
    """The preview page with one more post (newest last, as previews are)."""
    block = (
        f'<div class="tgme_widget_message_wrap"><div class="tgme_widget_message" '
        f'data-post="vestkatest/{post_id}"><div class="tgme_widget_message_text">{html}</div>'
        f'<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
        f'href="https://t.me/vestkatest/{post_id}"><time datetime="2026-12-06T08:00:00+00:00">'
        f"08:00</time></a></span></div></div>"
    )
    return page.replace(b"</section>", block.encode() + b"</section>")


async def test_a_channel_is_watched_like_a_feed(storage) -> None:
    """First poll takes stock (no alerts for old posts); a new post naming a tracked person
    alerts once, with the post's t.me link; the same page again alerts nobody."""
    from feeds.fetching import channels
    from testkit.feedserver import FeedServer
    from testkit.watcher import add_feed, news, watcher_on

    async with FeedServer() as srv:
        channels.use_web(srv.url("/").rstrip("/"))
        try:
            srv.add("/s/vestkatest", PREVIEW, content_type="text/html; charset=utf-8")
            feed = await add_feed(storage, channels.preview_url("vestkatest"))
            async with watcher_on(storage) as w:
                first = await w.poll(feed.id, force=True)
                assert (first.status, first.new, first.alerts) == ("ok", 2, 0)
                newer = _with_post(
                    PREVIEW, 1204, "Алеся Бяляцкага перавялі ў калонію № 9 у Горках."
                )
                srv.add("/s/vestkatest", newer, content_type="text/html; charset=utf-8")
                second = await w.poll(feed.id, force=True)
                assert (second.new, second.alerts) == (1, 1)
                assert (await w.poll(feed.id, force=True)).alerts == 0
        finally:
            channels.use_web(channels.DEFAULT_WEB)
    [alert] = await news(storage)
    assert alert.link == "https://t.me/vestkatest/1204"
    assert alert.prisoners == ["ales-bjaljackiy"]


def test_channels_travel_in_opml_and_the_bundled_list() -> None:
    from feeds.fetching.feedlist import bundled_feeds, parse_feed_list, to_opml

    opml = (
        b'<opml version="2.0"><body><outline type="rss" xmlUrl="https://t.me/vestkatest" '
        b'text="Vestka"/><outline type="rss" xmlUrl="https://t.me/s/vestkatest" text="again"/>'
        b"</body></opml>"
    )
    read = parse_feed_list(opml, "list.opml")
    assert {(s.id, s.url) for s in read.sources} == {(feed_id_for(URL), URL)}  # one source
    bundled = [s for s in bundled_feeds() if preview_channel(s.url)]
    assert {preview_channel(s.url) for s in bundled} >= {"viasna96", "bajmedia"}
    again = parse_feed_list(to_opml(bundled).encode(), "export.opml")
    assert [s.url for s in again.sources] == [s.url for s in bundled]
