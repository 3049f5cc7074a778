"""The lxml fast path (feeds.fetching.fastparse) gives exactly the items feedparser gives.

Every document is parsed twice, with ``parsing.FAST_PATH`` off and on; where the fast path takes
the document, the ParsedFeed must be equal field for field (apart from the note saying which path
ran). Documents: the feedparser corpus's (those the fast path accepts) and generated RSS 2.0, Atom
1.0 and RSS 1.0 feeds with HTML, scripts, entities, CDATA, relative links and odd guids.
"""

from __future__ import annotations

import random
from dataclasses import asdict
from xml.sax.saxutils import escape

import pytest

from bench.feeds_poll import make_feed
from feeds.fetching import parsing
from tests.test_feedparser_corpus import corpus_files, header_of

FAST = "parser: fast path"
BASE = "http://corpus.example.org/feed/"

HTML_BITS = [
    "<p>Суд <b>асудзіў</b> &amp; пакараў</p>",
    "<script>alert('x')</script>Тэкст пасля скрыпту",
    "<iframe src='http://evil.example/'>inner text</iframe> after",
    "AT&amp;T &lt;b&gt;double&lt;/b&gt; escaped",
    "<a href='/rel/link' onclick='x()'>relative</a> link",
    "<img src=x onerror=alert(1)>image",
    "plain words only",
    "&#1041;&#1077;&#1083; numeric refs &nbsp; nbsp",
    "<div><style>p{}</style><ul><li>one</li><li>two</li></ul></div>",
    "javascript:alert(1) in text",
]


def _both(body: bytes, headers: dict[str, str], base: str = BASE):
    parsing.FAST_PATH = False
    try:
        slow = parsing.parse_feed(body, headers, base)
    finally:
        parsing.FAST_PATH = True
    fast = parsing.parse_feed(body, headers, base)
    return slow, fast


def _assert_same(slow, fast) -> None:
    a, b = asdict(slow), asdict(fast)
    b["notes"] = [n for n in b["notes"] if n != FAST]
    assert a == b


def rss2(rng: random.Random, n: int = 8) -> bytes:
    items = []
    for i in range(n):
        html = rng.choice(HTML_BITS)
        desc = f"<![CDATA[{html}]]>" if rng.random() < 0.5 else escape(html)
        guid = rng.choice(
            [
                f"<guid isPermaLink='false'>id-{i}</guid>",
                f"<guid>https://example.org/p/{i}</guid>",
                f"<guid>rel/{i}</guid>",
                "",
            ]
        )
        link = rng.choice(
            [f"<link>https://example.org/a/{i}?x=1&amp;y=2</link>", f"<link>/a/{i}</link>", ""]
        )
        enc = (
            f"<content:encoded>{escape(rng.choice(HTML_BITS))}</content:encoded>"
            if rng.random() < 0.3
            else ""
        )
        title = escape(rng.choice(["Загаловак", "Title &amp; more", "<b>bold</b> title", "a < b"]))
        date = rng.choice(
            ["<pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>", "<pubDate>garbage</pubDate>", ""]
        )
        items.append(
            f"<item><title>{title} {i}</title>{link}{guid}{date}<description>{desc}</description>{enc}<category>c</category></item>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0' "
        "xmlns:content='http://purl.org/rss/1.0/modules/content/'><channel><title>Канал &amp; co</title>"
        "<link>https://example.org/</link><language>be</language><ttl>30</ttl>"
        + "".join(items)
        + "</channel></rss>"
    ).encode()


def atom(rng: random.Random, n: int = 6) -> bytes:
    entries = []
    for i in range(n):
        kind = rng.choice(["text", "html"])
        html = rng.choice(HTML_BITS)
        body = escape(html)
        entries.append(
            f"<entry><title type='{kind}'>{escape(html[:40])}</title><id>urn:uuid:{i}</id>"
            f"<link rel='alternate' href='/post/{i}'/><link rel='enclosure' href='/f.mp3'/>"
            f"<updated>2024-0{1 + i % 9}-02T10:00:00Z</updated>"
            f"<summary type='{kind}'>{body}</summary>"
            + (f"<content type='html'>{escape(rng.choice(HTML_BITS))}</content>" if i % 2 else "")
            + "<author><name>A</name></author></entry>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        "<title type='html'>Feed &amp;lt;b&amp;gt;</title><link href='https://example.org/'/>"
        "<link rel='self' href='https://example.org/atom'/>" + "".join(entries) + "</feed>"
    ).encode()


def rss1(rng: random.Random, n: int = 5) -> bytes:
    items = "".join(
        f"<item rdf:about='https://example.org/r/{i}'><title>Item {i}</title><link>https://example.org/r/{i}</link>"
        f"<description>{escape(rng.choice(HTML_BITS))}</description><dc:date>2024-05-0{i + 1}T08:00:00+03:00</dc:date></item>"
        for i in range(n)
    )
    return (
        "<?xml version='1.0'?><rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
        "xmlns='http://purl.org/rss/1.0/' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
        "<channel rdf:about='https://example.org/'><title>RDF</title><link>https://example.org/</link></channel>"
        + items
        + "</rdf:RDF>"
    ).encode()


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("make", [rss2, atom, rss1])
def test_generated_feeds_same_items(make, seed: int) -> None:
    body = make(random.Random(seed))
    for headers in (
        {},
        {"Content-Type": "application/rss+xml; charset=utf-8"},
        {"Content-Type": "text/html"},
    ):
        slow, fast = _both(body, headers)
        assert FAST in fast.notes, "the fast path should take this document"
        assert fast.items
        _assert_same(slow, fast)


def test_cp1251_feed_same_items() -> None:
    body = (
        rss2(random.Random(7)).decode().replace("utf-8", "windows-1251").encode("cp1251", "replace")
    )
    slow, fast = _both(body, {})
    assert FAST in fast.notes
    _assert_same(slow, fast)


def test_bench_feeds_same_items() -> None:
    for feed in range(5):
        slow, fast = _both(make_feed(feed, 3), {}, "")
        assert FAST in fast.notes
        _assert_same(slow, fast)


def test_unusual_documents_fall_back() -> None:
    doctype = b"<?xml version='1.0'?><!DOCTYPE rss [<!ENTITY e 'x'>]><rss version='2.0'><channel><title>&e;</title></channel></rss>"
    dc_title = b"<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'><channel><item><dc:title>T</dc:title></item></channel></rss>"
    broken = b"<rss version='2.0'><channel><item><title>T</item></channel></rss>"
    for body in (doctype, dc_title, broken):
        slow, fast = _both(body, {})
        assert FAST not in fast.notes
        assert asdict(slow) == asdict(fast)


def test_corpus_same_items_where_fast_path_applies() -> None:
    taken = 0
    for path in corpus_files():
        raw = path.read_bytes()
        slow, fast = _both(raw, header_of(raw))
        if FAST in fast.notes:
            taken += 1
            _assert_same(slow, fast)
    assert taken > 300
