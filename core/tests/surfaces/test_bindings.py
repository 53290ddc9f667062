"""How ``start`` decides where surfaces listen (core alone: no surface plugin installed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from stable_harness.surfaces.bindings import BindError, _port_overrides, is_loopback, plan_bindings
from stable_harness.testing.workspace import write_files
from stable_harness.workspace import load_workspace


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("::1", True), ("localhost", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("10.1.2.3", False), ("::", False), ("no-such-host.invalid", False),
])
def test_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_port_flags():
    assert _port_overrides(["9000"], ["http"], None) == {"http": 9000}
    assert _port_overrides(["http=0", "openaiCompatible=1"], ["http", "openaiCompatible"],
                           None) == {"http": 0, "openaiCompatible": 1}
    # a bare port goes to the surface that takes it (the seed's `start --port 8642`)
    assert _port_overrides(["8642"], ["http", "openaiCompatible"], "openaiCompatible") == {
        "openaiCompatible": 8642}
    with pytest.raises(BindError, match="several surfaces are enabled"):
        _port_overrides(["9000"], ["a", "b"], None)
    with pytest.raises(BindError, match="no enabled surface 'c'"):
        _port_overrides(["c=1"], ["a", "b"], None)
    with pytest.raises(BindError, match="from 0 to 65535"):
        _port_overrides(["a=70000"], ["a"], None)


def test_no_surface_is_a_clear_error(tmp_path: Path):
    root = write_files(tmp_path, {"runtime.yaml": """
        apiVersion: stable-harness.dev/v1
        kind: Runtime
        metadata: {name: app}
        spec: {plugins: {autoload: false}}
    """})
    with pytest.raises(BindError, match="no protocol surface is enabled"):
        plan_bindings(load_workspace(root))
