"""Feed lists: text and OPML in and out, hostile entries reported, the bundled list."""

from __future__ import annotations

from feeds.fetching.feedlist import bundled_feeds, parse_feed_list, to_opml, to_text

TEXT = b"""# comment line
https://nashaniva.com/rss be Nasha Niva   # trailing comment
https://spring96.org/en/rss en blocks-robots Viasna (English)
https://example.org/feed - full-text=yes
ftp://example.org/feed en Bad scheme
http://user:pw@example.org/feed en Credentials
https://example.org/x be full-text=sometimes Bad flag
"""


def test_text_list_reads_good_lines_and_reports_bad_ones() -> None:
    result = parse_feed_list(TEXT, "feeds.txt")
    assert [(s.url, s.lang, s.name) for s in result.sources] == [
        ("https://nashaniva.com/rss", "be", "Nasha Niva"),
        ("https://spring96.org/en/rss", "en", "Viasna (English)"),
        ("https://example.org/feed", "", ""),
    ]
    assert result.sources[1].blocks_robots and result.sources[2].full_text == "yes"
    assert len(result.problems) == 3
    assert result.problems[0].startswith("feeds.txt:5: ") and "scheme" in result.problems[0]
    assert "credentials" in result.problems[1]
    assert "full-text" in result.problems[2]


def test_opml_round_trip_keeps_flags() -> None:
    sources = parse_feed_list(TEXT).sources
    again = parse_feed_list(to_opml(sources).encode()).sources
    strip = lambda ss: [s.model_dump(exclude={"added_at"}) for s in ss]  # noqa: E731
    assert strip(again) == strip(sources)
    assert strip(parse_feed_list(to_text(sources).encode()).sources) == strip(sources)


def test_opml_with_entities_or_wrong_root_is_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml><body/></opml>'
    assert "DOCTYPE" in parse_feed_list(bomb).problems[0]
    assert "not <opml>" in parse_feed_list(b"<rss><channel/></rss>").problems[0]
    assert "well-formed" in parse_feed_list(b"<opml><body>").problems[0]


def test_opml_outlines_nested_and_private_addresses_refused() -> None:
    opml = b"""<opml version="2.0"><body><outline text="Group">
      <outline text="Svaboda" xmlUrl="https://www.svaboda.org/api/epiqq" language="be"/>
      <outline text="Local" xmlUrl="http://10.0.0.1/feed"/>
    </outline></body></opml>"""
    result = parse_feed_list(opml)
    assert [s.name for s in result.sources] == ["Svaboda"]
    assert "SSRF" in result.problems[0]
    assert parse_feed_list(opml, allow_private=True).sources[1].url == "http://10.0.0.1/feed"


def test_bundled_list_loads_and_marks_robot_blockers() -> None:
    feeds = bundled_feeds()
    assert len(feeds) >= 10 and len({f.id for f in feeds}) == len(feeds)
    blocked = {f.url for f in feeds if f.blocks_robots}
    assert "https://spring96.org/en/rss" in blocked
    assert "https://www.svaboda.org/api/epiqq" not in blocked
