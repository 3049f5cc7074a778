"""HTTP fetching for feeds and article pages: one shared aiohttp session, polite and hostile-proof.

Usage (one :class:`Fetcher` per process, shared by every watcher task)::

    async with Fetcher(FetchPolicy(contact_url="https://example.org/vestka")) as fetcher:
        result = await fetcher.fetch(url, etag=state.etag, last_modified=state.last_modified)
        if result.ok:            # 200 with a non-empty body
            parsed = await parse_feed_async(result.body, result.headers, result.url)
            state.etag, state.last_modified = result.etag, result.last_modified
        elif result.not_modified:  # 304, or 200 with an empty body
            ...
        else:                    # result.error_kind / result.message say what went wrong
            ...

:meth:`Fetcher.fetch` never raises for network or server problems (only ``CancelledError`` passes
through): every failure is a :class:`FetchResult` with ``status == "error"``, an
:class:`ErrorKind` and a one-line human message. Cache hints (``retry_after``, ``max_age``,
``expires``) are filled on every result that had a response, errors included (429/503).

Guarantees:

* conditional GET (``If-None-Match`` / ``If-Modified-Since``); a 304 or an empty 200 is
  ``not_modified``;
* gzip, deflate and brotli are decoded while streaming; the body cap (``max_body``, default 5 MiB)
  applies to the **decoded** bytes and is checked while reading, so a 50 MB body or a gzip bomb is
  cut at the cap and reported as ``too_large`` (the partial body is dropped);
* redirects are followed by hand (at most ``max_redirects``); every hop is re-checked by
  :func:`feeds.fetching.ssrf.check_url` (http/https only, no credentials, no blocked IP literal) and
  the connection itself goes through :class:`feeds.fetching.ssrf.GuardedResolver`;
* ``total_timeout`` covers one whole fetch (all hops and the body) but not the wait for a
  concurrency slot; ``connect_timeout`` bounds each TCP/TLS connect;
* at most ``max_connections`` requests in flight overall and ``max_per_host`` per host name;
* proxies from ``HTTPS_PROXY`` / ``HTTP_PROXY`` / ``NO_PROXY`` when ``trust_env`` (the default);
* no cookies are kept between requests.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import urllib.request
from collections.abc import AsyncIterator, Iterable

import aiohttp
from yarl import URL

from feeds.fetching.fetch_result import (
    FEED_ACCEPT,
    ErrorKind,
    FetchPolicy,
    FetchResult,
    MiB,
    _FetchState,
)
from feeds.fetching.ssrf import BlockedAddressError, GuardedResolver, URLRefused, check_url

log = logging.getLogger(__name__)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK = 64 * 1024


class _Refused(Exception):
    def __init__(self, kind: ErrorKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class _HostLimiter:
    """Per-host semaphores, created on demand and dropped when idle."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._sems: dict[str, list] = {}

    @contextlib.asynccontextmanager
    async def slot(self, host: str) -> AsyncIterator[None]:
        entry = self._sems.get(host)
        if entry is None:
            entry = self._sems[host] = [asyncio.Semaphore(self._limit), 0]
        entry[1] += 1
        try:
            async with entry[0]:
                yield
        finally:
            entry[1] -= 1
            if entry[1] == 0 and self._sems.get(host) is entry:
                del self._sems[host]


def _proxy_hosts() -> list[str]:
    hosts = []
    for value in urllib.request.getproxies().values():
        with contextlib.suppress(ValueError):
            host = URL(value).host
            if host:
                hosts.append(host)
    return hosts


class Fetcher:
    """One shared aiohttp session with the guards above. Use as an async context manager, or
    call :meth:`close` when done. Safe to use from many tasks at once (one event loop)."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolver: aiohttp.abc.AbstractResolver | None = None,
        trace_configs: Iterable[aiohttp.TraceConfig] = (),
    ) -> None:
        self.policy = policy or FetchPolicy()
        addr = self.policy.address_policy
        if self.policy.trust_env:
            # The proxy itself may live on a private address (a local Tor/privoxy, a corporate
            # proxy); exempt its host name from the guard. Targets are then resolved by the proxy.
            addr = addr.with_hosts(_proxy_hosts())
        self._addr = addr
        self._inner_resolver = resolver
        self._trace_configs = list(trace_configs)
        self._session: aiohttp.ClientSession | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts = _HostLimiter(self.policy.max_per_host)
        self._passed: dict[str, URL] = {}  # URLs check_url let through (see _checked)

    async def __aenter__(self) -> Fetcher:
        self._ensure_session()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _ensure_session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            p = self.policy
            connector = aiohttp.TCPConnector(
                resolver=GuardedResolver(self._addr, self._inner_resolver),
                limit=p.max_connections,
                limit_per_host=p.max_per_host,
                ttl_dns_cache=60,
                enable_cleanup_closed=True,
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=aiohttp.ClientTimeout(
                    total=None, sock_connect=p.connect_timeout, connect=None
                ),
                headers={"User-Agent": p.effective_user_agent},
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=p.trust_env,
                auto_decompress=True,
                raise_for_status=False,
                max_line_size=16 * 1024,
                max_field_size=16 * 1024,
                trace_configs=self._trace_configs or None,
            )
            self._global = asyncio.Semaphore(p.max_connections)
        return self._session

    async def fetch(
        self,
        url: str,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        accept: str = FEED_ACCEPT,
        max_body: int | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; never raises for network/server problems.

        ``accept`` defaults to feed types (pass :data:`HTML_ACCEPT` for article pages);
        ``max_body`` overrides the policy's cap for this call.
        """
        started = time.monotonic()
        cap = self.policy.max_body if max_body is None else max_body
        state = _FetchState(requested=url, current=url)
        try:
            return await self._fetch(state, etag, last_modified, accept, cap, started)
        except asyncio.CancelledError:
            raise
        except _Refused as exc:
            return state.error(exc.kind, exc.message, started)
        except URLRefused as exc:
            return state.error(ErrorKind(exc.kind), exc.message, started)
        except TimeoutError:
            what = "connect" if state.phase == "connect" else state.phase
            return state.error(
                ErrorKind.TIMEOUT,
                f"timed out during {what} (total limit {self.policy.total_timeout:g} s, "
                f"connect limit {self.policy.connect_timeout:g} s)",
                started,
            )
        except Exception as exc:
            kind, message = _classify(exc)
            if kind is ErrorKind.OTHER:
                log.warning("unexpected error fetching %s", state.current, exc_info=True)
            return state.error(kind, message, started)

    async def _fetch(
        self,
        state: _FetchState,
        etag: str | None,
        last_modified: str | None,
        accept: str,
        cap: int,
        started: float,
    ) -> FetchResult:
        p = self.policy
        session = self._ensure_session()
        assert self._global is not None
        target = self._checked(state.current)
        deadline: float | None = None
        seen = {str(target)}
        while True:
            headers = {"Accept": accept}
            if etag:
                headers["If-None-Match"] = etag
            if last_modified:
                headers["If-Modified-Since"] = last_modified
            state.phase = "queue"
            async with self._global, self._hosts.slot((target.host or "").lower()):
                if deadline is None:
                    deadline = asyncio.get_running_loop().time() + p.total_timeout
                async with asyncio.timeout_at(deadline):
                    state.phase = "connect"
                    async with session.get(target, headers=headers, allow_redirects=False) as resp:
                        state.phase = "response headers"
                        state.response(resp)
                        if resp.status in REDIRECT_STATUSES:
                            target = self._next_hop(state, resp, seen)
                            continue
                        if resp.status == 304:
                            return state.result(
                                "not_modified", started, etag=etag, last_modified=last_modified
                            )
                        if resp.status < 200 or resp.status >= 300:
                            reason = resp.reason or ""
                            return state.error(
                                ErrorKind.HTTP_STATUS,
                                f"HTTP {resp.status} {reason}".strip(),
                                started,
                            )
                        state.phase = "body"
                        body = await _read_capped(resp, cap)
                        if not body.strip():
                            return state.result(
                                "not_modified",
                                started,
                                etag=etag,
                                last_modified=last_modified,
                                message="200 with an empty body; treated as unchanged",
                            )
                        return state.result("ok", started, body=body)

    def _checked(self, url: str) -> URL:
        """``check_url`` under this fetcher's policy, remembered for the URLs that passed (a
        pure function of the URL: names are checked again when resolved, at every connection)."""
        checked = self._passed.get(url)
        if checked is None:
            checked = check_url(url, self._addr, max_length=self.policy.max_url_length)
            if len(self._passed) >= 10_000:
                self._passed.clear()
            self._passed[url] = checked
        return checked

    def _next_hop(self, state: _FetchState, resp: aiohttp.ClientResponse, seen: set[str]) -> URL:
        p = self.policy
        location = resp.headers.get("Location", "").strip()
        if not location:
            raise _Refused(ErrorKind.BAD_REDIRECT, f"HTTP {resp.status} without a Location header")
        if len(location) > p.max_url_length:
            raise _Refused(
                ErrorKind.BAD_URL,
                f"redirect Location is {len(location)} characters long; the limit is "
                f"{p.max_url_length}",
            )
        try:
            nxt = resp.url.join(URL(location))
        except (ValueError, TypeError):
            raise _Refused(
                ErrorKind.BAD_REDIRECT, f"unparsable Location {location[:200]!r}"
            ) from None
        nxt = nxt.with_fragment(None)
        state.redirects.append((resp.status, str(nxt)))
        try:
            checked = check_url(nxt, self._addr, max_length=p.max_url_length)
        except URLRefused as exc:
            raise _Refused(
                ErrorKind(exc.kind), f"redirect {len(state.redirects)} refused: {exc.message}"
            ) from None
        key = str(checked)
        if key in seen:
            raise _Refused(
                ErrorKind.REDIRECT_LOOP,
                f"redirect loop after {len(state.redirects)} hops: {key} was already visited",
            )
        if len(state.redirects) > p.max_redirects:
            raise _Refused(ErrorKind.TOO_MANY_REDIRECTS, f"more than {p.max_redirects} redirects")
        seen.add(key)
        state.current = key
        return checked


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes:
    """Read the (decoded) body, refusing as soon as it exceeds ``cap`` bytes."""
    length = resp.headers.get("Content-Length")
    encoded = resp.headers.get("Content-Encoding", "identity").lower() not in ("", "identity")
    if length and length.isdigit() and int(length) > cap and not encoded:
        raise _Refused(
            ErrorKind.TOO_LARGE,
            f"body is {_mib(int(length))} (Content-Length); the limit is {_mib(cap)}",
        )
    buf = bytearray()
    while True:
        chunk = await resp.content.read(_READ_CHUNK)
        if not chunk:
            return bytes(buf)
        buf += chunk
        if len(buf) > cap:
            resp.close()  # drop the connection instead of draining the rest
            raise _Refused(
                ErrorKind.TOO_LARGE,
                f"body exceeds the limit of {_mib(cap)}{' after decompression' if encoded else ''}"
                f"; cut after {_mib(len(buf))}",
            )


def _mib(n: int) -> str:
    return f"{n / MiB:.1f} MiB" if n >= MiB // 10 else f"{n} bytes"


_DNS_ERROR = getattr(aiohttp, "ClientConnectorDNSError", ())  # aiohttp >= 3.11


def _classify(exc: BaseException) -> tuple[ErrorKind, str]:
    """Map an aiohttp / OS exception to an error kind and a one-line message."""
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in chain:
        chain.append(cur)
        nxt = getattr(cur, "os_error", None)
        cur = nxt if isinstance(nxt, BaseException) and nxt is not cur else cur.__cause__
    for e in chain:
        if isinstance(e, BlockedAddressError):
            return ErrorKind.BLOCKED_ADDRESS, str(e)
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return ErrorKind.PROXY, f"proxy connection failed: {exc}"
    if isinstance(exc, _DNS_ERROR):
        return ErrorKind.DNS, f"DNS lookup failed for {exc.host}: {exc.os_error}"
    if isinstance(exc, aiohttp.ClientConnectorCertificateError | aiohttp.ClientSSLError):
        return ErrorKind.TLS, f"TLS error: {exc}"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return ErrorKind.CONNECTION, f"cannot connect to {exc.host}:{exc.port}: {exc.os_error}"
    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return ErrorKind.CONNECTION, "server disconnected before the response was complete"
    if isinstance(exc, aiohttp.ClientPayloadError):
        return ErrorKind.DECODING, f"broken response body: {exc}"
    if isinstance(exc, aiohttp.ClientResponseError):
        return ErrorKind.CONNECTION, f"bad HTTP response: {exc.message}"
    if isinstance(exc, aiohttp.InvalidURL):
        return ErrorKind.BAD_URL, f"invalid URL: {exc}"
    if isinstance(exc, aiohttp.ClientError | ConnectionError | OSError):
        return ErrorKind.CONNECTION, f"{type(exc).__name__}: {exc}"
    return ErrorKind.OTHER, f"{type(exc).__name__}: {exc}"
