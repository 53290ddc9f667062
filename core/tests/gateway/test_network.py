"""SSRF corpus: URL rules after DNS resolution, redirects re-checked on every hop, against a
real HTTP server on 127.0.0.1 and a stub resolver."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from stable_harness.builtin.network_policy import NetworkPolicy
from stable_harness.builtin.policy_config import NetworkConfig
from stable_harness.gateway import network
from stable_harness.gateway.network import UrlRefused, UrlRules, fetch
from stable_harness.gateway.policy import PolicyCall, Verdict

DNS = {"public.example": ["93.184.216.34"], "evil.example": ["10.0.0.5"],
       "rebind.example": ["93.184.216.34", "127.0.0.1"], "v6.example": ["::1"],
       "mapped.example": ["::ffff:127.0.0.1"], "meta.example": ["169.254.169.254"]}


def stub(host: str) -> list[str]:
    if host not in DNS:
        raise OSError("no such host")
    return DNS[host]


RULES = UrlRules(resolver=stub)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://localhost.localdomain.invalid/", "http://[::1]:8080/",
    "http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/", "http://192.168.0.1/",
    "http://172.16.5.5/", "http://[fe80::1]/", "http://0.0.0.0/", "http://evil.example/",
    "http://rebind.example/", "http://v6.example/", "http://mapped.example/",
    "http://meta.example/", "file:///etc/passwd", "gopher://public.example/", "http:///x",
    "http://[::ffff:10.0.0.1]/",
    # found when the rules were tried as an attacker would
    "http://127.0.0.1:18999\\@93.184.215.14:18999/x",  # urllib3 connects to the first host
    "http://100.64.0.1/", "http://198.18.0.1/", "http://192.0.2.1/",  # not global
    "http://user@public.example/", "http://public.example%2f@x/", "http://public.example:99x/",
    "http://public.example/\x00", "http://pub\tlic.example/", "http://b\u00fccher.example/",
    "http://[2002:7f00:1::]/", "http://[64:ff9b::a00:1]/",  # IPv4 inside IPv6 (6to4, NAT64)
])
def test_forbidden_urls(url) -> None:
    assert RULES.problem(url) is not None


def test_public_url_passes() -> None:
    assert RULES.problem("https://public.example/path?q=1") is None


def test_host_allowlist_and_allowed_networks() -> None:
    rules = UrlRules(hosts=["*.example"], allow_networks=["10.0.0.0/24"], resolver=stub)
    assert rules.problem("https://evil.example/") is None  # its range is allowed
    assert "not in the allowed hosts" in rules.problem("https://other.org/")


def test_the_policy_denies_with_the_argument_path(monkeypatch) -> None:
    monkeypatch.setattr(network, "system_resolver", stub)
    policy = NetworkPolicy(NetworkConfig())
    call = PolicyCall("a", "fetch", {"url": "http://meta.example/", "q": "x"},
                      frozenset({"network"}), {}, __import__("pathlib").Path("."))
    [decision] = policy.judge(call)
    assert decision.verdict is Verdict.DENY
    assert decision.path == "$.url"
    assert "cloud metadata" in decision.reason


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        targets = {"/ok": None, "/hop": "/ok", "/to-private": "http://10.0.0.5/secret",
                   "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                   "/chain": "/hop2", "/hop2": "/to-private"}
        if self.path not in targets:
            self.send_response(404)
            self.end_headers()
            return
        target = targets[self.path]
        if target is None:
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"hello")
            return
        self.send_response(302)
        self.send_header("Location", target)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_fetch_refuses_loopback_by_default(server) -> None:
    with pytest.raises(UrlRefused, match="loopback"):
        fetch(f"{server}/ok", RULES)


def test_fetch_follows_allowed_redirects(server) -> None:
    rules = UrlRules(allow_networks=["127.0.0.1/32"], resolver=stub)
    status, body, final = fetch(f"{server}/hop", rules)
    assert (status, body) == (200, b"hello")
    assert final.endswith("/ok")


@pytest.mark.parametrize(("path", "reason"), [
    ("/to-private", "private"), ("/to-metadata", "metadata"), ("/chain", "private")])
def test_redirects_to_forbidden_addresses_are_refused_on_the_hop(server, path, reason) -> None:
    rules = UrlRules(allow_networks=["127.0.0.1/32"], resolver=stub)
    with pytest.raises(UrlRefused, match=reason):
        fetch(f"{server}{path}", rules)


@pytest.mark.parametrize(("arguments", "parameters", "where"), [
    ({"urls": ["https://public.example/", "http://meta.example/"]}, {}, "$.urls[1]"),
    ({"links": [["http://10.1.2.3/"]]}, {}, "$.links[0][0]"),
    ({"targets": ["http://10.1.2.3/"]},
     {"properties": {"targets": {"type": "array", "items": {"format": "uri"}}}},
     "$.targets[0]"),
    ({"hook": {"callbackUrl": "http://127.0.0.1/"}}, {}, "$.hook.callbackUrl"),
    ({"imageUrl": "http://127.0.0.1/"}, {}, "$.imageUrl"),
])
def test_the_policy_checks_every_url_under_an_argument(monkeypatch, arguments, parameters,
                                                       where) -> None:
    monkeypatch.setattr(network, "system_resolver", stub)
    policy = NetworkPolicy(NetworkConfig())
    call = PolicyCall("a", "fetch", arguments, frozenset({"network"}), parameters,
                      __import__("pathlib").Path("."))
    [decision] = policy.judge(call)
    assert decision.path == where
