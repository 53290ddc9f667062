"""URL rules shared by the ``network`` policy and tools that fetch: scheme and host
allowlists, and addresses checked **after DNS resolution**: anything not globally routable
(loopback, link-local, private, shared/CGNAT, reserved, multicast, cloud metadata, and IPv4
addresses carried inside IPv6 ones) is refused unless explicitly allowed. A URL whose host
clients could read differently (a backslash, user information, control characters,
percent-encoding or non-ASCII in the host) is refused rather than interpreted.
:func:`fetch` follows redirects itself and checks every hop the same way.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
import socket
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str], list[str]]
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"),
            ipaddress.ip_address("100.100.100.200")}


def system_resolver(host: str) -> list[str]:
    """Every address ``host`` resolves to (A and AAAA)."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class UrlRules:
    """What a URL may be. ``hosts`` empty: any host whose addresses are public."""

    schemes: Sequence[str] = ("https", "http")
    hosts: Sequence[str] = ()
    allow_networks: Sequence[str] = ()
    resolver: Resolver = field(default=system_resolver, compare=False)

    def problem(self, url: str) -> str | None:
        """Why ``url`` is refused, or None."""
        ambiguous = _ambiguity(url)
        if ambiguous:
            return f"the URL's host is ambiguous ({ambiguous}); send a plain URL"
        parts = urlsplit(url)
        if parts.scheme.lower() not in self.schemes:
            return f"scheme '{parts.scheme}' is not allowed (allowed: {', '.join(self.schemes)})"
        try:
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            return "the URL's port is not a number from 0 to 65535"
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            return "the URL has no host"
        if not _HOST.fullmatch(host):
            return (f"host '{host}' is not a plain host name or address (a non-ASCII name "
                    "must be sent in its xn-- form)")
        if self.hosts and not any(fnmatch.fnmatch(host, pattern) for pattern in self.hosts):
            return f"host '{host}' is not in the allowed hosts"
        try:
            addresses = [_address(host)] if _is_literal(host) else \
                [_address(a) for a in self.resolver(host)]
        except (OSError, ValueError) as exc:
            return f"host '{host}' cannot be resolved ({exc})"
        if not addresses:
            return f"host '{host}' resolves to no address"
        for address in addresses:
            reason = self._forbidden(address)
            if reason:
                return f"host '{host}' resolves to {address}, {reason}"
        return None

    def _forbidden(self, address: IPAddress) -> str | None:
        if any(address in ipaddress.ip_network(n, strict=False) for n in self.allow_networks):
            return None
        for inner in _embedded_ipv4(address):
            reason = self._forbidden(inner)
            if reason:
                return f"{reason} inside {address}"
        if address in METADATA:
            return "a cloud metadata address"
        for flag in ("is_loopback", "is_link_local", "is_private", "is_reserved",
                     "is_multicast", "is_unspecified"):
            if getattr(address, flag):
                return f"a {flag[3:].replace('_', '-')} address"
        if not address.is_global:  # shared/CGNAT 100.64.0.0/10, benchmarking, documentation
            return "not a globally routable address"
        return None


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries (mapped, 6to4, Teredo, NAT64 well-known)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo is not None:
        found.append(address.teredo[1])
    if address in _NAT64:
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_HOST = re.compile(r"[a-z0-9_.-]+|\[[0-9a-f:.]+\]|[0-9a-f:.]+")


def _ambiguity(url: str) -> str | None:
    """Why clients could disagree on the host ``url`` names, or None."""
    if any(ord(c) < 32 or ord(c) == 127 for c in url):
        return "it contains a control character"
    if "\\" in url:
        return "it contains a backslash"
    authority = url.split("//", 1)[1] if "//" in url else ""
    authority = re.split(r"[/?#]", authority, maxsplit=1)[0]
    if "@" in authority:
        return "it contains user information before the host"
    if any(c.isspace() for c in authority):
        return "its host part contains white space"
    if "%" in authority:
        return "its host part is percent-encoded"
    return None


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _address(text: str) -> IPAddress:
    return ipaddress.ip_address(text.strip("[]").split("%", 1)[0])


class UrlRefused(Exception):
    """A URL (or a redirect's target) breaks the rules."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch(url: str, rules: UrlRules, *, timeout: float = 10, max_redirects: int = 5
          ) -> tuple[int, bytes, str]:
    """GET ``url``, following redirects only to URLs the rules allow; returns (status, body,
    final URL). Raises :class:`UrlRefused` for a refused hop."""
    opener = urllib.request.build_opener(_NoRedirects())
    for _ in range(max_redirects + 1):
        problem = rules.problem(url)
        if problem:
            raise UrlRefused(f"{url}: {problem}")
        try:
            with opener.open(url, timeout=timeout) as response:
                return response.status, response.read(), url
        except urllib.error.HTTPError as exc:
            location = exc.headers.get("Location") if exc.code in (301, 302, 303, 307, 308) \
                else None
            if location is None:
                return exc.code, exc.read(), url
            url = urljoin(url, location)
    raise UrlRefused(f"more than {max_redirects} redirects")
