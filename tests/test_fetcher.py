"""Fetcher against the local feed server: every hostile case named, with its expected outcome.

The server binds 127.0.0.1 only. The policy exempts 127.0.0.0/8 from the SSRF guard (the first
hop must reach the test server) and nothing else, so redirects to other private addresses are
refused before any connection; a trace records every request the client starts to prove it.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import socket
from collections.abc import AsyncIterator

import pytest
from aiohttp import TraceConfig, web

from feeds.fetching.fetch_result import ErrorKind, FetchPolicy, parse_max_age, parse_retry_after
from feeds.fetching.fetcher import Fetcher
from testkit.feedserver import FeedServer
from testkit.waiting import wait_for

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title></channel></rss>'
LOCAL = FetchPolicy(
    private_allowlist=("127.0.0.0/8",),
    trust_env=False,
    total_timeout=5,
    connect_timeout=2,
    contact_url="https://example.org/vestka-contact",
)


@pytest.fixture
async def server() -> AsyncIterator[FeedServer]:
    async with FeedServer() as srv:
        yield srv


class Recorder:
    """Records the URL of every request the client starts and every connection it creates."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.connections = 0
        self.config = TraceConfig()
        self.config.on_request_start.append(self._request)
        self.config.on_connection_create_start.append(self._connect)

    async def _request(self, session, ctx, params) -> None:
        self.requests.append(str(params.url))

    async def _connect(self, session, ctx, params) -> None:
        self.connections += 1


@contextlib.asynccontextmanager
async def fetcher(policy: FetchPolicy = LOCAL, **kw: object) -> AsyncIterator[Fetcher]:
    async with Fetcher(policy, **kw) as f:  # type: ignore[arg-type]
        yield f


# -- success, caching ---------------------------------------------------------------------------


async def test_ok_returns_body_headers_validators_and_user_agent(server: FeedServer) -> None:
    server.add("/feed", RSS, etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.ok and r.status == "ok" and r.http_status == 200
    assert r.body == RSS
    assert r.headers["content-type"].startswith("application/rss+xml")
    assert r.etag == '"v1"' and r.last_modified == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert r.url == server.url("/feed")
    ua = server.requests["/feed"][0]["User-Agent"]
    assert "Vestka" in ua and "https://example.org/vestka-contact" in ua


async def test_304_with_etag(server: FeedServer) -> None:
    server.add("/feed", RSS, etag='"abc"')
    async with fetcher() as f:
        first = await f.fetch(server.url("/feed"))
        second = await f.fetch(server.url("/feed"), etag=first.etag)
    assert first.ok
    assert second.not_modified and second.http_status == 304 and second.body == b""
    assert second.etag == '"abc"'  # validators carried for the next poll
    assert server.requests["/feed"][1]["If-None-Match"] == '"abc"'
    assert server.hits["/feed"] == 2


async def test_304_with_last_modified(server: FeedServer) -> None:
    lm = "Tue, 02 Jan 2024 10:00:00 GMT"
    server.add("/feed", RSS, last_modified=lm)
    async with fetcher() as f:
        first = await f.fetch(server.url("/feed"))
        second = await f.fetch(server.url("/feed"), last_modified=first.last_modified)
    assert first.ok and first.last_modified == lm
    assert second.not_modified and second.last_modified == lm
    assert server.requests["/feed"][1]["If-Modified-Since"] == lm


async def test_changed_feed_after_304_is_fetched_again(server: FeedServer) -> None:
    server.add("/feed", RSS, etag='"1"')
    async with fetcher() as f:
        assert (await f.fetch(server.url("/feed"), etag='"1"')).not_modified
        server.add("/feed", RSS + b" ", etag='"2"')
        r = await f.fetch(server.url("/feed"), etag='"1"')
    assert r.ok and r.etag == '"2"'


@pytest.mark.parametrize("body", [b"", b"  \n\t "], ids=["empty", "whitespace"])
async def test_empty_200_counts_as_unchanged(server: FeedServer, body: bytes) -> None:
    server.add("/feed", body)
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"), etag='"old"')
    assert r.not_modified and r.http_status == 200
    assert "empty" in r.message
    assert r.etag == '"old"'


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br"])
async def test_compressed_bodies_are_decoded(server: FeedServer, encoding: str) -> None:
    server.add("/feed", RSS * 50, encoding=encoding)
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.ok and r.body == RSS * 50
    assert "br" in server.requests["/feed"][0]["Accept-Encoding"]


def test_cache_hint_parsers() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("soon") is None
    assert parse_max_age("public, max-age=600") == 600
    assert parse_max_age("no-cache") == 0
    assert parse_max_age(None) is None


async def test_cache_hints_from_headers(server: FeedServer) -> None:
    server.add(
        "/feed",
        RSS,
        headers={
            "Cache-Control": "public, max-age=900",
            "Expires": "Wed, 21 Oct 2037 07:28:00 GMT",
        },
    )
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.max_age == 900
    assert r.expires is not None and r.expires.year == 2037 and r.expires.tzinfo is not None


# -- HTTP errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "permanent"), [(404, False), (410, True), (500, False)])
async def test_http_error_statuses(server: FeedServer, status: int, permanent: bool) -> None:
    server.add("/feed", b"nope", status=status, content_type="text/plain")
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.is_error and r.error_kind is ErrorKind.HTTP_STATUS and r.http_status == status
    assert r.message.startswith(f"HTTP {status}")
    assert r.permanent is permanent
    assert r.body == b""


async def test_429_with_retry_after_seconds(server: FeedServer) -> None:
    server.add("/feed", b"slow down", status=429, headers={"Retry-After": "3600"})
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.error_kind is ErrorKind.HTTP_STATUS and r.http_status == 429
    assert r.retry_after == 3600


async def test_503_with_retry_after_http_date(server: FeedServer) -> None:
    server.add("/feed", b"", status=503, headers={"Retry-After": "Wed, 21 Oct 2037 07:28:00 GMT"})
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.http_status == 503 and r.retry_after is not None and r.retry_after > 3600 * 24 * 365


# -- size limits ----------------------------------------------------------------------------------


async def test_50mb_body_is_cut_at_the_cap(server: FeedServer) -> None:
    server.huge("/big", size=50 << 20)
    async with fetcher() as f:
        r = await f.fetch(server.url("/big"))
    assert r.error_kind is ErrorKind.TOO_LARGE
    assert "5.0 MiB" in r.message and "cut" in r.message
    assert r.body == b""


async def test_content_length_over_the_cap_is_refused_before_reading(server: FeedServer) -> None:
    server.add("/big", b"x" * (2 << 20))
    async with fetcher(FetchPolicy(**{**LOCAL.__dict__, "max_body": 1 << 20})) as f:
        r = await f.fetch(server.url("/big"))
    assert r.error_kind is ErrorKind.TOO_LARGE and "Content-Length" in r.message


async def test_gzip_bomb_is_cut_without_inflating_it(server: FeedServer) -> None:
    server.gzip_bomb("/bomb", size=256 << 20)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    async with fetcher() as f:
        r = await f.fetch(server.url("/bomb"))
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert r.error_kind is ErrorKind.TOO_LARGE and "after decompression" in r.message
    assert grown_mib < 100, f"peak memory grew by {grown_mib:.0f} MiB"


async def test_per_call_body_cap(server: FeedServer) -> None:
    server.add("/feed", b"<rss>" + b"x" * 5000 + b"</rss>")
    async with fetcher() as f:
        assert (await f.fetch(server.url("/feed"), max_body=1000)).error_kind is ErrorKind.TOO_LARGE
        assert (await f.fetch(server.url("/feed"))).ok


# -- time limits ----------------------------------------------------------------------------------


async def test_trickling_server_hits_the_total_timeout(server: FeedServer) -> None:
    server.trickle("/slow", interval=0.05)
    policy = FetchPolicy(**{**LOCAL.__dict__, "total_timeout": 0.5})
    async with fetcher(policy) as f:
        r = await asyncio.wait_for(f.fetch(server.url("/slow")), 10)
    assert r.error_kind is ErrorKind.TIMEOUT and "body" in r.message
    assert r.elapsed < 5
    assert server.hits["/slow"] == 1


async def test_server_that_never_answers_times_out(server: FeedServer) -> None:
    server.add("/stuck", RSS, delay=60)
    policy = FetchPolicy(**{**LOCAL.__dict__, "total_timeout": 0.3})
    async with fetcher(policy) as f:
        r = await asyncio.wait_for(f.fetch(server.url("/stuck")), 10)
    assert r.error_kind is ErrorKind.TIMEOUT


# -- redirects ------------------------------------------------------------------------------------


async def test_redirect_is_followed_and_reported(server: FeedServer) -> None:
    server.add("/new", RSS)
    server.redirect("/old", "/mid", status=301)
    server.redirect("/mid", server.url("/new"), status=308)
    async with fetcher() as f:
        r = await f.fetch(server.url("/old"))
    assert r.ok and r.url == server.url("/new") and r.requested_url == server.url("/old")
    assert [s for s, _ in r.redirects] == [301, 308]
    assert r.permanent_redirect == server.url("/new")


async def test_temporary_redirect_is_not_permanent(server: FeedServer) -> None:
    server.add("/new", RSS)
    server.redirect("/old", "/new", status=302)
    async with fetcher() as f:
        r = await f.fetch(server.url("/old"))
    assert r.ok and r.permanent_redirect is None


async def test_redirect_loop(server: FeedServer) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", "/a")
    async with fetcher() as f:
        r = await f.fetch(server.url("/a"))
    assert r.error_kind is ErrorKind.REDIRECT_LOOP and "loop" in r.message
    assert server.hits["/a"] == 1 and server.hits["/b"] == 1


async def test_more_than_five_redirects(server: FeedServer) -> None:
    for i in range(7):
        server.redirect(f"/r{i}", f"/r{i + 1}")
    server.add("/r7", RSS)
    async with fetcher() as f:
        r = await f.fetch(server.url("/r0"))
    assert r.error_kind is ErrorKind.TOO_MANY_REDIRECTS and "5" in r.message
    assert server.hits["/r6"] == 0


async def test_redirect_without_location(server: FeedServer) -> None:
    server.add("/r", status=302, content_type=None)
    async with fetcher() as f:
        r = await f.fetch(server.url("/r"))
    assert r.error_kind is ErrorKind.BAD_REDIRECT


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://192.168.1.1:8080/admin",
        "http://100.64.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
        "http://167772161/",  # 10.0.0.1 in decimal
    ],
)
async def test_redirect_to_a_private_address_is_refused_before_connecting(
    server: FeedServer, target: str
) -> None:
    server.redirect("/feed", target)
    rec = Recorder()
    async with fetcher(trace_configs=[rec.config]) as f:
        r = await f.fetch(server.url("/feed"))
    assert r.error_kind is ErrorKind.BLOCKED_ADDRESS
    assert "redirect 1 refused" in r.message and "SSRF" in r.message
    assert rec.requests == [server.url("/feed")]  # no request towards the target was started
    assert rec.connections == 1


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("file:///etc/passwd", ErrorKind.BAD_SCHEME),
        ("ftp://example.org/feed", ErrorKind.BAD_SCHEME),
        ("javascript:alert(1)", ErrorKind.BAD_SCHEME),
        ("http://user:pw@example.org/", ErrorKind.BAD_URL),
    ],
)
async def test_redirect_to_a_bad_url_is_refused(
    server: FeedServer, target: str, kind: ErrorKind
) -> None:
    server.redirect("/feed", target)
    rec = Recorder()
    async with fetcher(trace_configs=[rec.config]) as f:
        r = await f.fetch(server.url("/feed"))
    assert r.error_kind is kind
    assert rec.requests == [server.url("/feed")]


async def test_hostile_huge_redirect_location(server: FeedServer) -> None:
    server.redirect("/feed", "/x" * 3000)
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.error_kind is ErrorKind.BAD_URL and "characters" in r.message


# -- refused before any connection ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "words"),
    [
        ("file:///etc/passwd", ErrorKind.BAD_SCHEME, "scheme 'file'"),
        ("ftp://example.org/feed.xml", ErrorKind.BAD_SCHEME, "scheme 'ftp'"),
        ("http://admin:hunter2@example.org/rss", ErrorKind.BAD_URL, "credentials"),
        ("http://example.org/" + "A" * 100_000, ErrorKind.BAD_URL, "characters long"),
        ("http://example.org/a b", ErrorKind.BAD_URL, "whitespace"),
        ("not a url", ErrorKind.BAD_URL, ""),
        ("http://169.254.169.254/", ErrorKind.BLOCKED_ADDRESS, "link-local"),
    ],
)
async def test_bad_urls_are_refused_with_a_clear_message(
    url: str, kind: ErrorKind, words: str
) -> None:
    rec = Recorder()
    async with fetcher(trace_configs=[rec.config]) as f:
        r = await f.fetch(url)
    assert r.is_error and r.error_kind is kind and words in r.message
    assert r.permanent
    assert rec.requests == []
    assert "hunter2" not in r.message  # never echo credentials


async def test_loopback_literal_refused_without_allowlist(server: FeedServer) -> None:
    server.add("/feed", RSS)
    async with fetcher(FetchPolicy(trust_env=False)) as f:
        r = await f.fetch(server.url("/feed"))
    assert r.error_kind is ErrorKind.BLOCKED_ADDRESS and "loopback" in r.message
    assert server.hits["/feed"] == 0


async def test_name_resolving_to_loopback_is_refused_at_connect_time(server: FeedServer) -> None:
    """``localhost`` passes the URL check (it is a name); the guarded resolver refuses it."""
    server.add("/feed", RSS)
    async with fetcher(FetchPolicy(trust_env=False)) as f:
        r = await f.fetch(f"http://localhost:{server.port}/feed")
    assert r.error_kind is ErrorKind.BLOCKED_ADDRESS and "resolves to" in r.message
    assert server.hits["/feed"] == 0


async def test_allow_private_reaches_loopback(server: FeedServer) -> None:
    server.add("/feed", RSS)
    async with fetcher(FetchPolicy(allow_private=True, trust_env=False)) as f:
        assert (await f.fetch(f"http://localhost:{server.port}/feed")).ok
        assert (await f.fetch(server.url("/feed"))).ok


# -- broken servers -------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_connection_refused() -> None:
    async with fetcher() as f:
        r = await f.fetch(f"http://127.0.0.1:{_free_port()}/feed")
    assert r.error_kind is ErrorKind.CONNECTION and "cannot connect" in r.message


async def test_server_speaking_garbage_instead_of_http() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(100)
        writer.write(b"\x00\xffTHIS IS NOT HTTP\r\n\r\n")
        await writer.drain()
        writer.close()

    srv = await asyncio.start_server(garbage, "127.0.0.1", 0)
    port = srv.sockets[0].getsockname()[1]
    try:
        async with fetcher() as f:
            r = await f.fetch(f"http://127.0.0.1:{port}/feed")
    finally:
        srv.close()
        await srv.wait_closed()
    assert r.is_error and r.error_kind in (ErrorKind.CONNECTION, ErrorKind.DECODING)


async def test_corrupt_gzip_body(server: FeedServer) -> None:
    server.add("/feed", b"this is not gzip at all" * 10, headers={"Content-Encoding": "gzip"})
    async with fetcher() as f:
        r = await f.fetch(server.url("/feed"))
    assert r.is_error and r.error_kind is ErrorKind.DECODING


async def test_server_closing_mid_body(server: FeedServer) -> None:
    async def cut(request: web.Request) -> web.StreamResponse:
        resp = web.StreamResponse(headers={"Content-Length": "100000"})
        await resp.prepare(request)
        await resp.write(b"<rss>")
        assert request.transport is not None
        request.transport.close()
        return resp

    server.handle("/cut", cut)
    async with fetcher() as f:
        r = await f.fetch(server.url("/cut"))
    assert r.is_error and r.error_kind in (ErrorKind.CONNECTION, ErrorKind.DECODING)


# -- concurrency and proxies ----------------------------------------------------------------------


async def test_per_host_concurrency_limit(server: FeedServer) -> None:
    gate = asyncio.Event()
    state = {"now": 0, "max": 0}

    async def held(request: web.Request) -> web.Response:
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        await gate.wait()
        state["now"] -= 1
        return web.Response(body=RSS)

    server.handle("/held", held)
    policy = FetchPolicy(**{**LOCAL.__dict__, "max_per_host": 2})
    async with fetcher(policy) as f:
        tasks = [asyncio.create_task(f.fetch(server.url("/held"))) for _ in range(6)]
        host = f._hosts._sems  # every task is inside the limiter: 2 running, 4 queued
        await wait_for(
            lambda: state["now"] == 2 and host.get("127.0.0.1", [None, 0])[1] == 6,
            message="two requests in flight and four queued",
        )
        gate.set()
        results = await asyncio.gather(*tasks)
    assert all(r.ok for r in results)
    assert state["max"] == 2
    assert f._hosts._sems == {}  # idle hosts are forgotten


async def test_proxy_from_environment_is_used(
    server: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HTTP_PROXY points at the local server; the target name is never resolved locally."""
    for var in ("NO_PROXY", "no_proxy", "HTTPS_PROXY", "https_proxy", "http_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.base())
    server.add("/feed", RSS)
    async with fetcher(FetchPolicy(trust_env=True)) as f:
        r = await f.fetch("http://feeds.example.invalid/feed")
    assert r.ok and r.body == RSS
    assert server.requests["/feed"][0]["Host"] == "feeds.example.invalid"


async def test_fetch_never_raises_for_many_hostile_urls_at_once(server: FeedServer) -> None:
    server.redirect("/loop", "/loop")
    server.huge("/big")
    server.add("/ok", RSS)
    urls = [server.url(p) for p in ("/loop", "/big", "/ok", "/missing")] + [
        "ftp://x/",
        "http://[::1",
        "http://10.0.0.1/",
        "",
    ]
    async with fetcher() as f:
        results = await asyncio.gather(*(f.fetch(u) for u in urls))
    assert [r.status for r in results].count("ok") == 1
    assert all(r.message for r in results if r.is_error)


async def test_one_slow_feed_does_not_delay_another(server: FeedServer) -> None:
    server.trickle("/slow", interval=0.05)
    server.add("/fast", RSS)
    policy = FetchPolicy(**{**LOCAL.__dict__, "total_timeout": 30})
    async with fetcher(policy) as f:
        slow = asyncio.create_task(f.fetch(server.url("/slow")))
        await wait_for(lambda: server.hits["/slow"] == 1, message="slow feed started")
        fast = asyncio.create_task(f.fetch(server.url("/fast")))
        done, _ = await asyncio.wait({slow, fast}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {fast} and fast.result().ok
        slow.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await slow


async def test_server_on_several_loopback_addresses() -> None:
    async with FeedServer(hosts=("127.0.0.1", "127.0.0.2")) as srv:
        srv.add("/feed", RSS)
        async with fetcher() as f:
            results = [await f.fetch(srv.url("/feed", host=h)) for h in srv.hosts]
    assert all(r.ok for r in results) and srv.hits["/feed"] == 2
