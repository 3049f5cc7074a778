"""parse_feed: formats, charsets, hostile markup, identity inside one document."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from feeds.fetching import parsing
from feeds.fetching.fetch_result import FetchPolicy
from feeds.fetching.fetcher import Fetcher
from feeds.fetching.html_text import html_to_text
from feeds.fetching.items import MAX_ITEMS
from feeds.fetching.parsing import parse_feed, parse_feed_async
from testkit.feedserver import FeedServer

BASE = "https://news.example.by/rss/"

RSS2 = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Наша Ніва</title><link>https://news.example.by/</link><language>be</language><ttl>30</ttl>
<item><title>Ігар Лосік вызвалены</title><link>https://news.example.by/news/1</link>
<guid isPermaLink="false">nn-1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 +0300</pubDate>
<description>&lt;p&gt;Палітвязень &lt;b&gt;Ігар Лосік&lt;/b&gt; на волі.&lt;/p&gt;</description></item>
<item><title>Другая навіна</title><link>https://news.example.by/news/2</link>
<guid isPermaLink="false">nn-2</guid><pubDate>Sun, 31 Dec 2023 09:00:00 GMT</pubDate>
<description>Кароткі тэкст</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example.org/blog/">
<title type="html">Atom &amp;amp; friends</title>
<id>urn:uuid:feed</id><updated>2024-02-01T12:00:00Z</updated>
<entry><title>Prisoner released</title><id>urn:uuid:1</id>
<link rel="alternate" href="posts/1"/><updated>2024-02-01T12:00:00+02:00</updated>
<content type="html">&lt;p&gt;Full &lt;em&gt;content&lt;/em&gt;&lt;/p&gt;</content>
<summary>Short</summary></entry>
</feed>"""

RSS1 = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://rdf.example.org/"><title>RDF feed</title>
<link>https://rdf.example.org/</link><items><rdf:Seq><rdf:li rdf:resource="https://rdf.example.org/a"/>
</rdf:Seq></items></channel>
<item rdf:about="https://rdf.example.org/a"><title>RSS 1.0 item</title>
<link>https://rdf.example.org/a</link><description>Text one</description>
<dc:date>2024-03-01T08:00:00Z</dc:date></item>
</rdf:RDF>"""


def rss(*items: str, channel: str = "<title>T</title>") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{channel}'
        + "".join(f"<item>{i}</item>" for i in items)
        + "</channel></rss>"
    ).encode()


# -- formats --------------------------------------------------------------------------------------


def test_rss_2_0() -> None:
    p = parse_feed(RSS2.encode(), {"Content-Type": "application/rss+xml"}, BASE)
    assert p.is_feed and p.bozo is None
    assert p.title == "Наша Ніва" and p.language == "be" and p.ttl_minutes == 30
    assert p.link == "https://news.example.by/"
    first = p.items[0]
    assert first.guid == "nn-1" and first.link == "https://news.example.by/news/1"
    assert first.title == "Ігар Лосік вызвалены"
    assert first.text == "Палітвязень Ігар Лосік на волі."
    assert first.published == datetime(2024, 1, 1, 7, 0, tzinfo=UTC)
    assert first.published.tzinfo is not None
    assert first.fingerprint.startswith("g:") and len(first.fingerprint) == 34


def test_atom_with_xml_base_and_content_over_summary() -> None:
    p = parse_feed(
        ATOM.encode(), {"content-type": "application/atom+xml"}, "https://atom.example.org/feed"
    )
    assert p.is_feed and p.title == "Atom & friends"
    item = p.items[0]
    assert item.link == "https://atom.example.org/blog/posts/1"
    assert item.guid == "urn:uuid:1"
    assert item.text == "Full content"
    assert item.published == datetime(2024, 2, 1, 10, 0, tzinfo=UTC)


def test_rss_1_0() -> None:
    p = parse_feed(
        RSS1.encode(), {"content-type": "application/rdf+xml"}, "https://rdf.example.org/rss"
    )
    assert p.is_feed and p.title == "RDF feed"
    item = p.items[0]
    assert item.title == "RSS 1.0 item" and item.link == "https://rdf.example.org/a"
    assert item.published == datetime(2024, 3, 1, 8, 0, tzinfo=UTC)


def test_relative_links_resolve_against_the_feed_url() -> None:
    body = rss(
        "<title>a</title><link>/news/a</link>",
        "<title>b</title><link>b.html</link>",
        "<title>c</title><link>//cdn.example.by/c</link>",
    )
    p = parse_feed(body, {}, "https://site.example.by/feeds/rss.xml")
    assert [i.link for i in p.items] == [
        "https://site.example.by/news/a",
        "https://site.example.by/feeds/b.html",
        "https://cdn.example.by/c",
    ]


def test_dangerous_link_schemes_are_dropped() -> None:
    body = rss(
        "<title>a</title><link>javascript:alert(1)</link>",
        "<title>b</title><link>data:text/html,&lt;script&gt;x&lt;/script&gt;</link>",
        "<title>c</title><link>file:///etc/passwd</link>",
    )
    p = parse_feed(body, {}, BASE)
    assert [i.link for i in p.items] == [None, None, None]


# -- hostile markup -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "title",
    [
        "&lt;script&gt;alert(1)&lt;/script&gt;Палітвязень",
        "<![CDATA[<script>alert(1)</script>Палітвязень]]>",
        "&lt;b onclick=&quot;evil()&quot;&gt;Палітвязень&lt;/b&gt;",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;Палітвязень",
        "<![CDATA[<a href='javascript:alert(1)'>Палітвязень</a>]]>",
        "&lt;img src=x onerror=alert(1)&gt;Палітвязень",
        "&lt;style&gt;body{display:none}&lt;/style&gt;Палітвязень",
    ],
    ids=["escaped", "cdata", "handler", "double-escaped", "js-link", "img-onerror", "style"],
)
def test_html_and_script_in_titles_are_stripped(title: str) -> None:
    body = rss(
        f"<title>{title}</title><link>https://x.by/1</link><description>{title}</description>"
    )
    item = parse_feed(body, {}, BASE).items[0]
    for field in (item.title, item.text):
        assert "Палітвязень" in field
        low = field.lower()
        assert "<" not in low and "script" not in low and "javascript:" not in low
        assert "alert" not in low and "evil" not in low


def test_entities_are_decoded() -> None:
    body = rss("<title>Caf&amp;#233; &amp;amp; &amp;laquo;Вясна&amp;raquo; &#8212; ok</title>")
    assert parse_feed(body, {}, BASE).items[0].title == "Café & «Вясна» — ok"


def test_html_to_text_blocks_and_whitespace() -> None:
    html = "<p>One</p><p>Two <b>bold</b>&nbsp;x</p><script>var a='<p>'</script><ul><li>i</li></ul>"
    assert html_to_text(html) == "One\n\nTwo bold x\n\ni"


# -- charsets -------------------------------------------------------------------------------------

RU = "Политзаключённый Игорь Лосик освобождён из колонии"
BE = "Палітвязня Ігара Лосіка вызвалілі з калоніі ў Шклове"


@pytest.mark.parametrize(
    ("encoding", "text", "content_type", "decl"),
    [
        ("cp1251", BE, "application/rss+xml", ""),  # cp1251, nothing declared
        ("cp1251", RU, "text/xml", ""),  # text/xml would mean us-ascii
        ("cp1251", RU, None, ""),  # no Content-Type at all
        ("cp1251", BE, "text/xml; charset=iso-8859-1", ""),  # wrong header
        ("cp1251", RU, "application/xml", ' encoding="utf-8"'),  # wrong XML declaration
        ("cp1251", RU, "application/xml; charset=utf-8", ""),  # wrong header, utf-8
        ("cp1251", BE, "text/html", ' encoding="windows-1251"'),  # declared right, odd type
        ("koi8-r", RU, None, ""),  # koi8-r, nothing declared
        ("koi8-r", RU, "application/xml", ' encoding="koi8-r"'),
        ("utf-8", BE, "text/xml", ""),  # utf-8 under text/xml without charset
        ("utf-8", BE, "application/xml; charset=windows-1251", ""),  # utf-8 wrongly declared
    ],
)
def test_wrong_or_missing_charsets_decode(
    encoding: str, text: str, content_type: str | None, decl: str
) -> None:
    xml = (
        f'<?xml version="1.0"{decl}?><rss version="2.0"><channel><title>{text[:20]}</title>'
        f"<item><title>{text}</title><description>{text}. {text}.</description></item>"
        "</channel></rss>"
    )
    headers = {"Content-Type": content_type} if content_type else {}
    p = parse_feed(xml.encode(encoding), headers, BASE)
    assert p.is_feed
    assert p.items[0].title == text, p.notes
    assert p.items[0].text == f"{text}. {text}."


def test_cp1251_guess_does_not_touch_western_text() -> None:
    xml = rss("<title>Café crème à la française, déjà vu</title>").decode().encode("cp1252")
    p = parse_feed(xml.replace(b' encoding="utf-8"', b' encoding="windows-1252"'), {}, BASE)
    assert p.items[0].title == "Café crème à la française, déjà vu"


async def test_cp1251_feed_served_without_charset_end_to_end() -> None:
    xml = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Хартыя</title>'
        f"<item><title>{RU}</title><link>/n/1</link></item></channel></rss>"
    ).encode("cp1251")
    async with FeedServer() as srv:
        srv.add("/rss", xml, content_type="text/xml")
        policy = FetchPolicy(private_allowlist=("127.0.0.0/8",), trust_env=False)
        async with Fetcher(policy) as f:
            r = await f.fetch(srv.url("/rss"))
    p = await parse_feed_async(r.body, r.headers, r.url)
    assert p.title == "Хартыя" and p.items[0].title == RU
    assert p.items[0].link == srv.url("/n/1")


# -- not feeds, broken feeds ----------------------------------------------------------------------


def test_invalid_xml_still_yields_items_and_a_bozo_message() -> None:
    body = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A &amp; B</title><link>https://x.by/1</link></item><item><title>Broken <b>tag</title>'
    p = parse_feed(body, {}, BASE)
    assert p.is_feed and p.bozo
    assert p.items[0].title == "A & B"


def test_html_page_instead_of_a_feed() -> None:
    body = b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><h1>Checking your browser</h1></body></html>"
    p = parse_feed(body, {"Content-Type": "text/html; charset=utf-8"}, BASE)
    assert not p.is_feed and p.items == []
    assert p.bozo and "HTML page" in p.bozo and "Just a moment" in p.bozo


@pytest.mark.parametrize(
    "body", [b"", b"   \n", b"\xef\xbb\xbf"], ids=["empty", "blank", "bom-only"]
)
def test_empty_body_is_not_a_feed(body: bytes) -> None:
    p = parse_feed(body, {}, BASE)
    assert not p.is_feed and p.items == [] and p.bozo


@pytest.mark.parametrize(
    "body",
    [
        b"\x00\x01\x02garbage\xff\xfe",
        b'{"json": "instead"}',
        b"<?xml version='1.0'?><notafeed/>",
        b"<" * 10000,
    ],
    ids=["binary", "json", "other-xml", "angles"],
)
def test_non_feed_documents_do_not_raise(body: bytes) -> None:
    p = parse_feed(body, {"content-type": "application/octet-stream"}, BASE)
    assert p.items == []


def test_entity_expansion_bomb_is_harmless() -> None:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "' % i + (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10 + b'">'
            for i in range(1, 10)
        )
        + b']><rss version="2.0"><channel><item><title>&lol9;</title></item></channel></rss>'
    )
    p = parse_feed(lol, {}, BASE)
    assert all(len(i.title) < 10_000 for i in p.items)


def test_external_entities_are_not_loaded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><item><title>x&xxe;y</title></item></channel></rss>'
    )
    p = parse_feed(body, {}, BASE)
    assert all("root:" not in i.title for i in p.items)


def test_item_count_is_capped_in_document_order_when_undated() -> None:
    body = rss(*(f"<title>t{i}</title><guid>g{i}</guid>" for i in range(MAX_ITEMS + 50)))
    parsed = parse_feed(body, {}, BASE)
    assert [i.title for i in parsed.items] == [f"t{i}" for i in range(MAX_ITEMS)]
    assert parsed.over_cap == 50
    assert any("50 older item(s)" in note for note in parsed.notes)


@pytest.mark.parametrize("fast", [True, False])
def test_the_newest_thousand_are_kept_by_date(fast: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """A feed that lists its oldest items first: the newest 1,000 by date are read, whatever
    their place in the document, and they keep the document's order."""
    monkeypatch.setattr(parsing, "FAST_PATH", fast)
    total = MAX_ITEMS + 200
    stamps = [datetime(2020, 1, 1, tzinfo=UTC).timestamp() + 3600 * k for k in range(total)]
    entries = [
        f"<title>t{k}</title><guid>g{k}</guid><pubDate>"
        + datetime.fromtimestamp(stamps[k], UTC).strftime("%a, %d %b %Y %H:%M:%S GMT")
        + "</pubDate>"
        for k in range(total)
    ]  # oldest first
    entries.insert(500, "<title>undated</title><guid>u</guid>")
    parsed = parse_feed(rss(*entries), {}, BASE)
    assert [i.title for i in parsed.items] == [f"t{k}" for k in range(200, total)]
    assert parsed.over_cap == 201  # the 200 oldest and the undated one


# -- identity inside one document -----------------------------------------------------------------


def test_missing_guids_use_the_canonical_link_then_title_and_date() -> None:
    body = rss(
        "<title>With link</title><link>https://x.by/a?utm_source=tg#top</link>",
        "<title>Dated</title><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate>",
        "<title>Bare</title>",
    )
    a, b, c = parse_feed(body, {}, BASE).items
    assert (
        a.guid is None and a.fingerprint.startswith("u:") and a.canonical_link == "https://x.by/a"
    )
    assert b.fingerprint.startswith("t:") and c.fingerprint.startswith("t:")
    assert len({a.fingerprint, b.fingerprint, c.fingerprint}) == 3


def test_exact_duplicate_guids_keep_the_first() -> None:
    item = "<title>Same</title><link>https://x.by/1</link><guid>dup</guid>"
    p = parse_feed(rss(item, "<title>Other</title><guid>o</guid>", item), {}, BASE)
    assert [i.title for i in p.items] == ["Same", "Other"]
    assert p.dropped == 1
    assert p.items[0].fingerprint.startswith("g:")


def test_guid_shared_by_different_items_is_not_an_identity() -> None:
    body = rss(
        "<title>First</title><link>https://x.by/1</link><guid>https://x.by/</guid>",
        "<title>Second</title><link>https://x.by/2</link><guid>https://x.by/</guid>",
    )
    p = parse_feed(body, {}, BASE)
    assert [i.title for i in p.items] == ["First", "Second"]
    assert all(i.fingerprint.startswith("u:") for i in p.items)
    assert len({i.fingerprint for i in p.items}) == 2
    assert not any(k.startswith("g:") for i in p.items for k in i.keys)


def test_link_shared_by_different_items_is_not_an_identity() -> None:
    body = rss(
        "<title>One</title><link>https://x.by/live</link><guid>1</guid>",
        "<title>Two</title><link>https://x.by/live</link><guid>2</guid>",
    )
    items = parse_feed(body, {}, BASE).items
    assert not any(k.startswith("u:") for i in items for k in i.keys)


def test_edited_item_same_identity_different_content_hash() -> None:
    before = parse_feed(
        rss("<title>Суд</title><guid>42</guid><description>Першая версія</description>"), {}, BASE
    )
    after = parse_feed(
        rss("<title>Суд над Лосікам</title><guid>42</guid><description>Выпраўлена</description>"),
        {},
        BASE,
    )
    assert before.items[0].fingerprint == after.items[0].fingerprint
    assert before.items[0].content_hash != after.items[0].content_hash


def test_reordered_items_keep_their_identities() -> None:
    a = "<title>A</title><guid>a</guid>"
    b = "<title>B</title><guid>b</guid>"
    one = {i.title: i.fingerprint for i in parse_feed(rss(a, b), {}, BASE).items}
    two = {i.title: i.fingerprint for i in parse_feed(rss(b, a), {}, BASE).items}
    assert one == two


def test_feed_that_changes_all_its_guids_still_matches_by_link() -> None:
    old = parse_feed(
        rss("<title>A</title><link>http://x.by/a?utm_medium=rss</link><guid>old-1</guid>"), {}, BASE
    )
    new = parse_feed(rss("<title>A</title><link>https://x.by/a</link><guid>new-1</guid>"), {}, BASE)
    assert old.items[0].fingerprint != new.items[0].fingerprint
    assert set(old.items[0].keys) & set(new.items[0].keys)


# -- off the loop ---------------------------------------------------------------------------------


async def test_large_bodies_are_parsed_in_a_worker_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threads: list[str] = []
    real = parsing.parse_feed

    def spy(*args: object) -> parsing.ParsedFeed:
        threads.append(threading.current_thread().name)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(parsing, "parse_feed", spy)
    big = rss(*(f"<title>t{i}</title><description>{'x' * 1500}</description>" for i in range(100)))
    assert len(big) > parsing.INLINE_PARSE  # an ordinary feed is parsed on the loop
    small = rss("<title>t</title>")
    assert len((await parse_feed_async(big, {}, BASE)).items) == 100
    assert len((await parse_feed_async(small, {}, BASE)).items) == 1
    main = threading.main_thread().name
    assert threads[0] != main and threads[1] == main
