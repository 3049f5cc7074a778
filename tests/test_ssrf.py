"""SSRF guard: address classification, URL checks and the resolver, without any network."""

from __future__ import annotations

import socket

import pytest
from aiohttp.abc import AbstractResolver

from feeds.fetching.ssrf import (
    AddressPolicy,
    BlockedAddressError,
    GuardedResolver,
    URLRefused,
    blocked_reason,
    check_url,
    parse_ip_host,
)

BLOCKED = {
    "127.0.0.1": "loopback",
    "127.8.9.10": "loopback",
    "10.1.2.3": "private",
    "172.16.0.1": "private",
    "192.168.1.1": "private",
    "169.254.169.254": "link-local",  # cloud metadata
    "100.64.0.1": "carrier-grade NAT",
    "100.127.255.254": "carrier-grade NAT",
    "224.0.0.1": "multicast",
    "239.255.255.250": "multicast",
    "0.0.0.0": "unspecified",
    "240.0.0.1": "reserved",
    "255.255.255.255": "",
    "192.0.2.1": "",  # documentation
    "198.18.0.1": "",  # benchmarking
    "::1": "loopback",
    "::": "unspecified",
    "fe80::1": "link-local",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "ff02::1": "multicast",
    "fec0::1": "site-local",
    "::ffff:127.0.0.1": "IPv4-mapped",
    "::ffff:10.0.0.1": "IPv4-mapped",
    "::ffff:8.8.8.8": "IPv4-mapped",  # mapped forms are refused outright
    "::127.0.0.1": "IPv4-compatible",
    "::10.0.0.1": "IPv4-compatible",
    "2002:7f00:1::": "6to4",
    "2002:a9fe:a9fe::": "6to4",
    "64:ff9b::a00:1": "NAT64",
}
ALLOWED = ["8.8.8.8", "1.1.1.1", "93.184.216.34", "2606:4700:4700::1111", "2a00:1450:4001::1"]


@pytest.mark.parametrize(("address", "why"), BLOCKED.items())
def test_blocked_address_classes(address: str, why: str) -> None:
    reason = blocked_reason(address)
    assert reason is not None, f"{address} must be refused"
    assert why in reason


@pytest.mark.parametrize("address", ALLOWED)
def test_public_addresses_allowed(address: str) -> None:
    assert blocked_reason(address) is None


@pytest.mark.parametrize(
    ("host", "ip"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("[::1]", "::1"),
        ("10.0.0.1.", "10.0.0.1"),
        ("example.org", None),
        ("1example.org", None),
    ],
)
def test_legacy_ip_spellings_are_recognised(host: str, ip: str | None) -> None:
    got = parse_ip_host(host)
    assert (str(got) if got else None) == ip


STRICT = AddressPolicy()


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("file:///etc/passwd", "bad_scheme"),
        ("ftp://example.org/feed.xml", "bad_scheme"),
        ("gopher://example.org/", "bad_scheme"),
        ("javascript:alert(1)", "bad_scheme"),
        ("feed://example.org/rss", "bad_scheme"),
        ("//example.org/rss", "bad_scheme"),
        ("http://user:secret@example.org/rss", "bad_url"),
        ("http://user@example.org/rss", "bad_url"),
        ("http://example.org/" + "a" * 5000, "bad_url"),
        ("http://exa mple.org/", "bad_url"),
        ("http://example.org/\r\nX-Injected: 1", "bad_url"),
        ("http:///nohost", "bad_url"),
        ("http://127.0.0.1/", "blocked_address"),
        ("http://2130706433/", "blocked_address"),
        ("http://[::ffff:169.254.169.254]/", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://[fd00::1]:8080/", "blocked_address"),
    ],
)
def test_check_url_refuses(url: str, kind: str) -> None:
    with pytest.raises(URLRefused) as info:
        check_url(url, STRICT)
    assert info.value.kind == kind
    assert info.value.message  # a human-readable reason


def test_check_url_accepts_public_http_and_https() -> None:
    assert check_url("https://nashaniva.com/rss", STRICT).host == "nashaniva.com"
    assert check_url("http://8.8.8.8:8080/feed", STRICT).port == 8080


def test_allowlist_and_allow_private() -> None:
    loopback_ok = AddressPolicy(allowlist=("127.0.0.0/8",))
    check_url("http://127.0.0.1:8080/", loopback_ok)
    with pytest.raises(URLRefused):
        check_url("http://10.0.0.1/", loopback_ok)
    check_url("http://10.0.0.1/", AddressPolicy(allow_private=True))
    with pytest.raises(URLRefused):  # schemes stay refused even with allow_private
        check_url("file:///etc/passwd", AddressPolicy(allow_private=True))


class FakeResolver(AbstractResolver):
    """Answers from a script: each call pops the next list of addresses for the host."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list:
        self.calls.append(host)
        addrs = self.answers[host].pop(0)
        return [
            {
                "hostname": host,
                "host": a,
                "port": port,
                "family": socket.AF_INET6 if ":" in a else socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for a in addrs
        ]

    async def close(self) -> None:
        pass


async def test_resolver_passes_public_addresses() -> None:
    r = GuardedResolver(STRICT, FakeResolver({"news.example": [["93.184.216.34"]]}))
    out = await r.resolve("news.example", 443)
    assert [x["host"] for x in out] == ["93.184.216.34"]


@pytest.mark.parametrize(
    "addrs",
    [["127.0.0.1"], ["10.0.0.5"], ["169.254.169.254"], ["100.64.1.1"], ["::ffff:192.168.0.1"],
     ["93.184.216.34", "192.168.0.1"]],  # one bad address taints the whole answer
)  # fmt: skip
async def test_resolver_refuses_blocked_answers(addrs: list[str]) -> None:
    r = GuardedResolver(STRICT, FakeResolver({"evil.example": [addrs]}))
    with pytest.raises(BlockedAddressError) as info:
        await r.resolve("evil.example", 80)
    assert "evil.example" in str(info.value)
    assert isinstance(info.value, OSError)  # aiohttp wraps it as a connector error


async def test_dns_rebinding_is_caught_on_the_second_resolution() -> None:
    fake = FakeResolver({"rebind.example": [["93.184.216.34"], ["127.0.0.1"]]})
    r = GuardedResolver(STRICT, fake)
    assert (await r.resolve("rebind.example", 80))[0]["host"] == "93.184.216.34"
    with pytest.raises(BlockedAddressError):
        await r.resolve("rebind.example", 80)
    assert fake.calls == ["rebind.example", "rebind.example"]


async def test_resolver_allow_private_and_exemptions() -> None:
    fake = FakeResolver({"intranet": [["10.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]]})
    assert await GuardedResolver(AddressPolicy(allow_private=True), fake).resolve("intranet")
    assert await GuardedResolver(AddressPolicy(allowlist=("10.0.0.0/8",)), fake).resolve("intranet")
    assert await GuardedResolver(AddressPolicy(allowlist=("intranet",)), fake).resolve("intranet")


async def test_resolver_with_no_answer_is_an_os_error() -> None:
    r = GuardedResolver(STRICT, FakeResolver({"empty.example": [[]]}))
    with pytest.raises(OSError):
        await r.resolve("empty.example")
