"""What a fetch is asked and what it answers: the policy (``FetchPolicy``: user agent, limits,
timeouts, address policy), the result (``FetchResult``: status, body, validators, cache hints,
redirects) and the kinds of error, with the HTTP headers that schedule the next poll read into
numbers (Retry-After, Cache-Control max-age, Expires)."""

from __future__ import annotations

import email.utils
import enum
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

import aiohttp

from feeds.fetching.ssrf import DEFAULT_MAX_URL_LENGTH, AddressPolicy

MiB = 1024 * 1024
DEFAULT_CONTACT_URL = "https://github.com/vestka/vestka"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"


class ErrorKind(enum.StrEnum):
    """Why a fetch failed. Kinds marked *permanent* will not heal by retrying soon."""

    TIMEOUT = "timeout"  # connect or total timeout (incl. a server trickling bytes)
    TOO_LARGE = "too_large"  # decoded body beyond max_body (or Content-Length says so)
    REDIRECT_LOOP = "redirect_loop"  # a redirect chain revisited a URL
    TOO_MANY_REDIRECTS = "too_many_redirects"  # more than max_redirects hops
    BAD_REDIRECT = "bad_redirect"  # 3xx without a usable Location
    BLOCKED_ADDRESS = "blocked_address"  # SSRF guard: private/loopback/... address (permanent)
    BAD_SCHEME = "bad_scheme"  # not http/https, on the first hop or a redirect (permanent)
    BAD_URL = "bad_url"  # unparsable, credentials, too long, control chars (permanent)
    HTTP_STATUS = "http_status"  # a non-2xx final status; see http_status
    DNS = "dns"  # name did not resolve
    CONNECTION = "connection"  # refused, reset, unreachable, server disconnected
    TLS = "tls"  # certificate or handshake failure
    PROXY = "proxy"  # the configured proxy failed
    DECODING = "decoding"  # broken gzip/deflate/brotli or chunked framing
    OTHER = "other"  # anything unexpected (logged with a traceback)


PERMANENT_ERRORS = frozenset({ErrorKind.BLOCKED_ADDRESS, ErrorKind.BAD_SCHEME, ErrorKind.BAD_URL})


@dataclass(frozen=True)
class FetchPolicy:
    """How the fetcher behaves. Build one from settings at start-up and share it.

    ``allow_private`` maps to the ``ALLOW_PRIVATE_FEEDS`` setting. ``private_allowlist`` exempts
    specific networks or host names from the SSRF guard (tests: ``("127.0.0.0/8",)``).
    """

    contact_url: str = DEFAULT_CONTACT_URL
    user_agent: str | None = None  # default: "Vestka/0.1 (+<contact_url>; feed reader)"
    allow_private: bool = False
    private_allowlist: tuple[str, ...] = ()
    max_body: int = 5 * MiB
    max_redirects: int = 5
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    max_connections: int = 64
    max_per_host: int = 4
    max_url_length: int = DEFAULT_MAX_URL_LENGTH
    trust_env: bool = True  # honour HTTPS_PROXY / HTTP_PROXY / NO_PROXY

    @property
    def effective_user_agent(self) -> str:
        return self.user_agent or f"Vestka/0.1 (+{self.contact_url}; feed reader)"

    @property
    def address_policy(self) -> AddressPolicy:
        return AddressPolicy(self.allow_private, tuple(self.private_allowlist))


@dataclass(frozen=True)
class FetchResult:
    """Outcome of one fetch. ``status`` is "ok", "not_modified" or "error".

    ``url`` is the final URL after redirects (use it as the base for relative links);
    ``redirects`` lists each hop as (status, target URL). ``permanent_redirect`` is set when every
    hop was 301/308, so the feed store may update the feed's URL. ``headers`` has lower-case names.
    ``etag`` / ``last_modified`` are the validators to store for the next conditional GET (on a
    304 they repeat what was sent unless the server sent new ones).
    """

    status: Literal["ok", "not_modified", "error"]
    url: str
    requested_url: str
    http_status: int | None = None
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    error_kind: ErrorKind | None = None
    message: str = ""
    retry_after: float | None = None  # seconds, from Retry-After (delta or HTTP date)
    max_age: float | None = None  # seconds, from Cache-Control max-age (s-maxage ignored)
    expires: datetime | None = None  # aware UTC, from Expires
    redirects: tuple[tuple[int, str], ...] = ()
    permanent_redirect: str | None = None
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def not_modified(self) -> bool:
        return self.status == "not_modified"

    @property
    def is_error(self) -> bool:
        return self.status == "error"

    @property
    def permanent(self) -> bool:
        """True for errors that retrying will not fix (blocked, bad scheme/URL, 410 Gone)."""
        return self.error_kind in PERMANENT_ERRORS or self.http_status == 410


@dataclass
class _FetchState:
    requested: str
    current: str
    phase: str = "start"
    http_status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    redirects: list[tuple[int, str]] = field(default_factory=list)

    def response(self, resp: aiohttp.ClientResponse) -> None:
        self.http_status = resp.status
        self.current = str(resp.url)
        merged: dict[str, str] = {}
        for k, v in resp.headers.items():
            lk = k.lower()
            merged[lk] = f"{merged[lk]}, {v}" if lk in merged else v
        self.headers = merged

    def _common(self, started: float) -> dict:
        perm = None
        if self.redirects and all(s in (301, 308) for s, _ in self.redirects):
            perm = self.redirects[-1][1]
        return {
            "url": self.current,
            "requested_url": self.requested,
            "http_status": self.http_status,
            "headers": self.headers,
            "retry_after": parse_retry_after(self.headers.get("retry-after")),
            "max_age": parse_max_age(self.headers.get("cache-control")),
            "expires": parse_http_date(self.headers.get("expires")),
            "redirects": tuple(self.redirects),
            "permanent_redirect": perm,
            "elapsed": time.monotonic() - started,
        }

    def result(
        self,
        status: Literal["ok", "not_modified"],
        started: float,
        *,
        body: bytes = b"",
        etag: str | None = None,
        last_modified: str | None = None,
        message: str = "",
    ) -> FetchResult:
        return FetchResult(
            status=status,
            body=body,
            etag=self.headers.get("etag") or etag,
            last_modified=self.headers.get("last-modified") or last_modified,
            message=message,
            **self._common(started),
        )

    def error(self, kind: ErrorKind, message: str, started: float) -> FetchResult:
        return FetchResult(
            status="error", error_kind=kind, message=message, **self._common(started)
        )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date), never negative."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(int(value))
    when = parse_http_date(value)
    if when is None:
        return None
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


_MAX_AGE = re.compile(r"(?:^|[,\s])max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def parse_max_age(cache_control: str | None) -> float | None:
    """max-age seconds from Cache-Control; 0 for no-cache/no-store; None when absent."""
    if not cache_control:
        return None
    m = _MAX_AGE.search(cache_control)
    if m:
        return float(int(m.group(1)))
    low = cache_control.lower()
    if "no-cache" in low or "no-store" in low:
        return 0.0
    return None


def parse_http_date(value: str | None) -> datetime | None:
    """An aware UTC datetime from an HTTP date, or None when absent or invalid (e.g. "0")."""
    if not value:
        return None
    try:
        dt = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if dt is None:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
