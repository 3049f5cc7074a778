"""A programmable local feed server for tests and benchmarks (loopback only).

    async with FeedServer() as srv:                      # binds 127.0.0.1 on a free port
        srv.add("/feed", RSS_BYTES)                       # one line per route
        srv.add("/gone", status=410)
        srv.add("/cached", RSS_BYTES, etag='"v1"', last_modified="Mon, 01 Jan 2024 00:00:00 GMT")
        srv.redirect("/old", "/feed", status=301)
        srv.trickle("/slow")                              # one byte every 0.1 s, ~forever
        srv.gzip_bomb("/bomb")                            # 256 MiB of zeros, ~1 MiB on the wire
        srv.huge("/big", size=50 << 20)                   # 50 MiB streamed, never held in memory
        url = srv.url("/feed")
        ...
        assert srv.hits["/feed"] == 1                     # requests counted per route
        srv.requests["/cached"][-1]                       # headers of the last request

Routes are matched by exact path (query strings ignored; ``srv.add("/x?y")`` is not a thing).
Calling ``add`` again replaces the route but keeps its counters, so a test can change a feed
between polls. Unknown paths answer 404 and are counted too. ``FeedServer(hosts=("127.0.0.1",
"127.0.0.2"))`` binds several loopback addresses (each its own port): ``srv.url(path, host=...)``.

The ``feed_server`` fixture (``tests/conftest.py``) yields a started one.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import zlib
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Route:
    """What one path answers. ``body`` may be bytes, str (UTF-8) or a callable(request) -> bytes.

    ``etag`` / ``last_modified`` turn on conditional GET: a matching If-None-Match or an
    If-Modified-Since equal to ``last_modified`` gets a 304. ``encoding`` ("gzip", "deflate", "br")
    compresses the body and sets Content-Encoding. ``delay`` waits before answering.
    """

    body: bytes | str | Callable[[web.Request], bytes] = b""
    status: int = 200
    content_type: str | None = "application/rss+xml"  # None: aiohttp's default
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    encoding: str | None = None
    delay: float = 0.0
    handler: Handler | None = None  # full control; the other fields are then ignored


class FeedServer:
    def __init__(self, hosts: Sequence[str] = ("127.0.0.1",)) -> None:
        for h in hosts:
            if not h.startswith("127."):
                raise ValueError(f"FeedServer binds loopback addresses only, not {h}")
        self.hosts = tuple(hosts)
        self.routes: dict[str, Route] = {}
        self.hits: Counter[str] = Counter()
        self.requests: defaultdict[str, list[Mapping[str, str]]] = defaultdict(list)
        self.ports: dict[str, int] = {}
        self.closing = asyncio.Event()
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------
    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        for host in self.hosts:
            site = web.TCPSite(self._runner, host, 0)
            await site.start()
            server = site._server
            assert server is not None and server.sockets
            self.ports[host] = server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.closing.set()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- addresses -------------------------------------------------------------------------
    def base(self, host: str | None = None) -> str:
        host = host or self.hosts[0]
        return f"http://{host}:{self.ports[host]}"

    def url(self, path: str, host: str | None = None) -> str:
        return self.base(host) + path

    @property
    def port(self) -> int:
        return self.ports[self.hosts[0]]

    # -- routes ----------------------------------------------------------------------------
    def add(self, path: str, body: bytes | str | Callable = b"", **kw: object) -> Route:
        """Serve ``body`` at ``path``; keyword arguments are :class:`Route` fields."""
        route = Route(body=body, **kw)  # type: ignore[arg-type]
        self.routes[path] = route
        return route

    def handle(self, path: str, handler: Handler) -> Route:
        """Serve ``path`` with an aiohttp handler of your own."""
        return self.add(path, handler=handler)

    def redirect(self, path: str, to: str, status: int = 302) -> Route:
        """Redirect ``path`` to ``to`` (absolute URL or a path on this server)."""
        return self.add(path, status=status, content_type=None, headers={"Location": to})

    def trickle(
        self, path: str, chunk: bytes = b"<", interval: float = 0.1, count: int = 600
    ) -> Route:
        """Send headers at once, then ``chunk`` every ``interval`` seconds, ``count`` times."""

        async def handler(request: web.Request) -> web.StreamResponse:
            resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await resp.prepare(request)
            with contextlib.suppress(ConnectionError):
                for _ in range(count):
                    if self.closing.is_set():
                        break
                    await resp.write(chunk)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.closing.wait(), interval)
            return resp

        return self.handle(path, handler)

    def huge(self, path: str, size: int = 50 << 20, block: bytes = b"<x/>" * 16384) -> Route:
        """Stream ``size`` bytes (chunked, no Content-Length) without holding them in memory."""

        async def handler(request: web.Request) -> web.StreamResponse:
            resp = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await resp.prepare(request)
            sent = 0
            with contextlib.suppress(ConnectionError):
                while sent < size and not self.closing.is_set():
                    piece = block[: size - sent]
                    await resp.write(piece)
                    sent += len(piece)
            return resp

        return self.handle(path, handler)

    def gzip_bomb(self, path: str, size: int = 256 << 20) -> Route:
        """A gzip body that inflates to ``size`` zero bytes (about size/230 on the wire)."""
        data = gzip_bomb_bytes(size)
        return self.add(
            path, data, headers={"Content-Encoding": "gzip"}, content_type="application/rss+xml"
        )

    # -- dispatch --------------------------------------------------------------------------
    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        self.hits[path] += 1
        self.requests[path].append(dict(request.headers))
        route = self.routes.get(path)
        if route is None:
            return web.Response(status=404, text="no such route")
        if route.handler is not None:
            return await route.handler(request)
        if route.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closing.wait(), route.delay)
        headers = dict(route.headers)
        if route.etag:
            headers["ETag"] = route.etag
        if route.last_modified:
            headers["Last-Modified"] = route.last_modified
        if route.status == 200 and _not_modified(request, route):
            return web.Response(status=304, headers=headers)
        body = route.body(request) if callable(route.body) else route.body
        if isinstance(body, str):
            body = body.encode("utf-8")
        if route.encoding:
            body = compress(body, route.encoding)
            headers["Content-Encoding"] = route.encoding
        if route.content_type is not None:
            headers["Content-Type"] = route.content_type
        return web.Response(status=route.status, body=body, headers=headers)


def _not_modified(request: web.Request, route: Route) -> bool:
    inm = request.headers.get("If-None-Match")
    if route.etag and inm:
        return route.etag in [t.strip() for t in inm.split(",")] or inm.strip() == "*"
    ims = request.headers.get("If-Modified-Since")
    return bool(route.last_modified and ims and ims.strip() == route.last_modified)


def compress(body: bytes, encoding: str) -> bytes:
    if encoding == "gzip":
        return gzip.compress(body)
    if encoding == "deflate":
        return zlib.compress(body)
    if encoding == "br":
        import brotli

        return brotli.compress(body)
    raise ValueError(encoding)


_BOMBS: dict[int, bytes] = {}


def gzip_bomb_bytes(size: int) -> bytes:
    """gzip of ``size`` zero bytes, built incrementally and cached per size."""
    if size not in _BOMBS:
        co = zlib.compressobj(1, zlib.DEFLATED, 31)
        zeros = bytes(1 << 20)
        parts = []
        left = size
        while left > 0:
            parts.append(co.compress(zeros[: min(left, len(zeros))]))
            left -= len(zeros)
        parts.append(co.flush())
        _BOMBS[size] = b"".join(parts)
    return _BOMBS[size]
