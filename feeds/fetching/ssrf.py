"""SSRF guard for feed fetching.

Two layers, both applied on **every** redirect hop by :mod:`feeds.fetching.fetcher`:

1. :func:`check_url` refuses bad URLs before any connection: non-http(s) schemes, credentials,
   oversized URLs, and hosts that are IP literals in a blocked range (aiohttp never calls the
   resolver for IP literals, so they must be checked here). Legacy IPv4 spellings such as
   ``2130706433``, ``0x7f.1`` or ``127.1`` are normalised first.
2. :class:`GuardedResolver` wraps aiohttp's resolver and refuses a host when **any** address it
   resolves to is blocked. This runs at connect time, after DNS, so a name that rebinds to a private
   address between polls is still caught.

An address is blocked when it is loopback, private (RFC 1918, ULA), link-local (incl. cloud
metadata 169.254.169.254), CGNAT (100.64.0.0/10), multicast, unspecified, reserved, or otherwise
not globally routable; IPv4-mapped (``::ffff:a.b.c.d``), IPv4-compatible (``::a.b.c.d``), 6to4 and
NAT64 IPv6 forms are refused too. ``allow_private=True`` turns both layers off (tests, or a
deployment that really reads feeds from an intranet); an explicit ``allowlist`` of networks or host
names exempts only those (tests use ``("127.0.0.0/8",)`` so the first hop to the local test server
works while a redirect to ``10.0.0.1`` is still refused).

When a proxy is used (``HTTPS_PROXY``/``HTTP_PROXY``), the target name is resolved by the proxy, so
only layer 1 protects the target; the proxy's own host is exempted automatically by the fetcher.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver
from yarl import URL

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_MAX_URL_LENGTH = 2048

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIXTOFOUR = ipaddress.IPv6Network("2002::/16")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")  # whitespace and control characters
_LEGACY_V4 = re.compile(r"^(0x[0-9a-f]+|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?$", re.IGNORECASE)


class BlockedAddressError(OSError):
    """A host resolved to (or is) an address the guard refuses. Never retried."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        super().__init__(f"{host} resolves to {address} ({reason}); refused by the SSRF guard")
        self.host = host
        self.address = address
        self.reason = reason


class URLRefused(ValueError):
    """A URL refused before any connection. ``kind`` is an
    :class:`~feeds.fetching.fetch_result.ErrorKind`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


def blocked_reason(address: str | IPAddress) -> str | None:
    """Why ``address`` must not be contacted, or None when it is a public unicast address."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return "IPv4-mapped IPv6 address"
        if ip.sixtofour is not None:
            inner = blocked_reason(ip.sixtofour)
            if inner:
                return f"6to4 address embedding a {inner} address"
        if ip in _NAT64 or ip in _NAT64_LOCAL:
            inner = blocked_reason(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
            if inner:
                return f"NAT64 address embedding a {inner} address"
        if int(ip) >> 32 == 0 and int(ip) > 1:
            return "IPv4-compatible IPv6 address"
        if ip.is_site_local:
            return "site-local address"
    if ip.is_unspecified:
        return "unspecified address"
    if ip.is_loopback:
        return "loopback address"
    if ip.is_link_local:
        return "link-local address"
    if ip.is_multicast:
        return "multicast address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return "carrier-grade NAT address"
    if ip.is_reserved:
        return "reserved address"
    if ip.is_private:
        return "private address"
    if not ip.is_global:
        return "non-global address"
    return None


def parse_ip_host(host: str) -> IPAddress | None:
    """The IP address a URL host denotes, or None for a name.

    Accepts bracketed IPv6 and the legacy IPv4 forms ``inet_aton`` accepts (decimal, octal, hex,
    fewer than four parts), since resolvers and some libraries honour them.
    """
    h = host.strip().strip("[]").rstrip(".") if host else ""
    if not h:
        return None
    try:
        return ipaddress.ip_address(h.split("%", 1)[0])
    except ValueError:
        pass
    if _LEGACY_V4.match(h):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(h))
        except OSError:
            return None
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """What the guard lets through. ``allowlist`` holds networks ("127.0.0.0/8", "::1") or host names."""

    allow_private: bool = False
    allowlist: tuple[str, ...] = ()

    def _networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        nets = []
        for entry in self.allowlist:
            try:
                nets.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                continue
        return nets

    def _names(self) -> frozenset[str]:
        out = set()
        for entry in self.allowlist:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                out.add(entry.lower().rstrip("."))
        return frozenset(out)

    def host_exempt(self, host: str) -> bool:
        return self.allow_private or host.lower().rstrip(".") in self._names()

    def address_refusal(self, address: str | IPAddress) -> str | None:
        """Reason to refuse ``address`` under this policy, or None."""
        if self.allow_private:
            return None
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if any(ip.version == net.version and ip in net for net in self._networks()):
            return None
        return blocked_reason(ip)

    def with_hosts(self, hosts: Iterable[str]) -> AddressPolicy:
        extra = tuple(h for h in hosts if h and h not in self.allowlist)
        return AddressPolicy(self.allow_private, self.allowlist + extra)


def check_url(
    url: str | URL,
    policy: AddressPolicy,
    *,
    max_length: int = DEFAULT_MAX_URL_LENGTH,
) -> URL:
    """Validate a URL for fetching; return it parsed, or raise :class:`URLRefused`.

    Kinds raised: ``bad_url`` (unparsable, too long, control characters, credentials, no host),
    ``bad_scheme`` (anything but http/https), ``blocked_address`` (an IP literal in a refused range).
    """
    raw = str(url)
    if len(raw) > max_length:
        raise URLRefused("bad_url", f"URL is {len(raw)} characters long; the limit is {max_length}")
    if _CONTROL.search(raw):
        raise URLRefused("bad_url", "URL contains whitespace or control characters")
    try:
        parsed = url if isinstance(url, URL) else URL(raw)
    except (ValueError, TypeError) as exc:
        raise URLRefused("bad_url", f"URL cannot be parsed: {exc}") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in ALLOWED_SCHEMES:
        shown = scheme or "none"
        raise URLRefused("bad_scheme", f"scheme {shown!r} is not allowed; only http and https")
    if (
        parsed.user is not None
        or parsed.password is not None
        or "@" in (parsed.raw_authority or "")
    ):
        raise URLRefused("bad_url", "URL contains credentials (user:password@); refused")
    host = parsed.host
    if not host:
        raise URLRefused("bad_url", "URL has no host")
    try:
        _ = parsed.port
    except ValueError:
        raise URLRefused("bad_url", "URL has an invalid port") from None
    ip = parse_ip_host(host)
    if ip is not None:
        reason = policy.address_refusal(ip)
        if reason:
            raise URLRefused("blocked_address", f"{host} is a {reason}; refused by the SSRF guard")
    return parsed


class GuardedResolver(AbstractResolver):
    """aiohttp resolver that refuses hosts resolving to blocked addresses (see module doc).

    ``inner`` defaults to aiohttp's :class:`DefaultResolver`; tests pass a fake one.
    """

    def __init__(self, policy: AddressPolicy, inner: AbstractResolver | None = None) -> None:
        self.policy = policy
        self._inner = inner if inner is not None else DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        if self.policy.host_exempt(host):
            return results
        if not results:
            raise OSError(f"{host} resolved to no addresses")
        for r in results:
            reason = self.policy.address_refusal(r["host"])
            if reason:
                raise BlockedAddressError(host, r["host"], reason)
        return results

    async def close(self) -> None:
        await self._inner.close()
