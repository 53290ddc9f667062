"""URL rules shared by the ``network`` policy and tools that fetch: scheme and host
allowlists, and addresses checked **after DNS resolution** (loopback, link-local, private,
reserved, multicast and cloud metadata addresses are refused unless explicitly allowed).
:func:`fetch` follows redirects itself and checks every hop the same way.
"""

from __future__ import annotations

import fnmatch
import ipaddress
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
        parts = urlsplit(url)
        if parts.scheme.lower() not in self.schemes:
            return f"scheme '{parts.scheme}' is not allowed (allowed: {', '.join(self.schemes)})"
        host = (parts.hostname or "").rstrip(".").lower()
        if not host:
            return "the URL has no host"
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
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if address in METADATA:
            return "a cloud metadata address"
        for flag in ("is_loopback", "is_link_local", "is_private", "is_reserved",
                     "is_multicast", "is_unspecified"):
            if getattr(address, flag):
                return f"a {flag[3:].replace('_', '-')} address"
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
