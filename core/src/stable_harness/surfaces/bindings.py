"""Which surfaces ``start`` serves and where: YAML, surface defaults, then flags. Refuses a
non-loopback address without a bearer token."""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass

from stable_harness.errors import StableHarnessError
from stable_harness.records import Slot, SurfaceRecord
from stable_harness.secrets import resolve as resolve_secrets
from stable_harness.surfaces.contract import SurfaceBinding, SurfaceMount
from stable_harness.workspace.kinds import ProtocolSpec
from stable_harness.workspace.model import Workspace


class BindError(StableHarnessError):
    """``start`` cannot bind its surfaces as asked."""


@dataclass(frozen=True)
class Overrides:
    """``start`` flags: ``--host`` (all surfaces), ``--port [NAME=]PORT``, ``--api-key``."""

    host: str | None = None
    ports: Sequence[str] = ()
    api_key: str | None = None


def load_for_serving(root: str | os.PathLike[str]) -> Workspace:
    """The workspace, with the plugins of installed surfaces that are on by default loaded
    too (the YAML need not name them; ``enabled: false`` there turns one off)."""
    from stable_harness.workspace import load_workspace

    ws = load_workspace(root)
    defaults = sorted({
        entry.plugin.name for name, entry in ws.plugins.available(Slot.SURFACE).items()
        if isinstance(entry.record, SurfaceRecord) and entry.record.enabled_by_default
        and name not in ws.runtime.protocols
        and name not in ws.plugins.registry(Slot.SURFACE).entries})
    return load_workspace(root, enable=defaults) if defaults else ws


def enabled_surfaces(ws: Workspace) -> dict[str, tuple[SurfaceRecord, ProtocolSpec]]:
    """Surfaces to start: those the YAML enables, plus installed surfaces that are on by
    default and that the YAML does not mention."""
    registry = ws.plugins.registry(Slot.SURFACE)
    configured = ws.runtime.protocols
    out: dict[str, tuple[SurfaceRecord, ProtocolSpec]] = {}
    for name in registry.names():
        record = registry.get(name).record
        assert isinstance(record, SurfaceRecord)
        spec = configured.get(name)
        if spec is None and record.enabled_by_default:
            spec = ProtocolSpec()
        if spec is not None and spec.enabled:
            out[name] = (record, spec)
    return out


def plan_bindings(ws: Workspace, overrides: Overrides = Overrides()) -> list[SurfaceBinding]:
    """The binding of every surface to start, checked: ports known and distinct, and a bearer
    token wherever the address is not loopback."""
    surfaces = enabled_surfaces(ws)
    if not surfaces:
        raise BindError("no protocol surface is enabled: install one (e.g. "
                        "`pip install stable-harness-http`) or enable it under Runtime "
                        "spec.protocols")
    mounted = {n: s for n, s in surfaces.items() if s[0].mounted_on is not None}
    surfaces = {n: s for n, s in surfaces.items() if n not in mounted}
    if not surfaces:
        raise BindError(f"protocol{'s' if len(mounted) > 1 else ''} {', '.join(mounted)} "
                        "are served on another surface, and none is enabled")
    bare = [n for n, (record, _) in surfaces.items() if record.takes_bare_port]
    ports = _port_overrides(overrides.ports, sorted(surfaces), bare[0] if len(bare) == 1
                            else None)
    mounts = _mounts(ws, mounted, set(surfaces))
    bindings = []
    for name, (record, spec) in surfaces.items():
        port = ports.get(name, spec.port if spec.port is not None else record.default_port)
        if port is None:
            raise BindError(f"protocol '{name}' has no default port; set "
                            f"spec.protocols.{name}.port or pass --port {name}=PORT")
        token = overrides.api_key or _token(spec.bearer_token)
        config = record.config_class().model_validate(resolve_secrets(_config(name, spec,
                                                                              record)))
        binding = SurfaceBinding(name, overrides.host or spec.host, port, token, config,
                                 tuple(mounts.get(name, ())))
        _check_exposure(binding)
        bindings.append(binding)
    _check_distinct(bindings)
    return bindings


def _mounts(ws: Workspace, mounted: dict[str, tuple[SurfaceRecord, ProtocolSpec]],
            hosts: set[str]) -> dict[str, list[SurfaceMount]]:
    """Mounted surfaces by host. One the YAML enables on a host that is not served is an
    error; one that is only on by default is left out quietly."""
    out: dict[str, list[SurfaceMount]] = {}
    for name, (record, spec) in mounted.items():
        host = str(record.mounted_on)
        if host not in hosts:
            if name in ws.runtime.protocols:
                raise BindError(f"protocol '{name}' is served at {record.mount_path} on "
                                f"protocol '{host}', which is not enabled: enable "
                                f"spec.protocols.{host} or disable spec.protocols.{name}")
            continue
        if spec.port is not None or spec.host != ProtocolSpec().host or spec.bearer_token:
            raise BindError(f"spec.protocols.{name}: it is served on protocol '{host}' (at "
                            f"{record.mount_path}), with its address and token; set those "
                            f"under spec.protocols.{host}")
        config = record.config_class().model_validate(resolve_secrets(_config(name, spec,
                                                                              record)))
        out.setdefault(host, []).append(SurfaceMount(name, str(record.mount_path), config))
    return out


def _config(name: str, spec: ProtocolSpec, record: SurfaceRecord) -> dict[str, object]:
    """The surface's config, with the protocol-level ``exposeAgents`` folded in."""
    config = dict(spec.config)
    if spec.expose_agents is None:
        return config
    if "expose_agents" not in record.config_class().model_fields:
        raise BindError(f"protocol '{name}' cannot limit the agents it serves: remove "
                        f"spec.protocols.{name}.exposeAgents")
    if config.get("exposeAgents", spec.expose_agents) != spec.expose_agents:
        raise BindError(f"spec.protocols.{name}: exposeAgents is given twice, differently "
                        "(at the protocol and in its config); keep one")
    config["exposeAgents"] = spec.expose_agents
    return config


def _token(value: str | None) -> str | None:
    resolved = resolve_secrets(value) if value else None
    return resolved or None  # `${env:KEY:-}` left empty means "no token"


def _port_overrides(values: Sequence[str], names: list[str], bare: str | None
                    ) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        name, sep, number = value.rpartition("=")
        if not sep:
            if len(names) != 1 and bare is None:
                raise BindError(
                    f"--port {value}: several surfaces are enabled ({', '.join(names)}); "
                    f"say which, e.g. --port {names[0]}={value}")
            name = names[0] if len(names) == 1 else bare  # type: ignore[assignment]
        if name not in names:
            raise BindError(f"--port {value}: no enabled surface '{name}' "
                            f"(enabled: {', '.join(names)})")
        if not number.isdigit() or not 0 <= int(number) <= 65535:
            raise BindError(f"--port {value}: the port must be a number from 0 to 65535")
        out[name] = int(number)
    return out


def _check_exposure(binding: SurfaceBinding) -> None:
    if binding.bearer_token is None and not is_loopback(binding.host):
        raise BindError(
            f"refusing to serve protocol '{binding.name}' on {binding.host} without a bearer "
            f"token: anyone who can reach that address could start runs. Set "
            f"spec.protocols.{binding.name}.bearerToken (e.g. ${{env:STABLE_HARNESS_API_KEY}}) "
            "or pass --api-key, or bind 127.0.0.1")


def _check_distinct(bindings: list[SurfaceBinding]) -> None:
    seen: dict[tuple[str, int], str] = {}
    for b in bindings:
        if b.port == 0:
            continue
        other = seen.setdefault((b.host, b.port), b.name)
        if other != b.name:
            raise BindError(f"protocols '{other}' and '{b.name}' both bind {b.host}:{b.port}; "
                            f"give one another port (--port {b.name}=PORT)")


def is_loopback(host: str) -> bool:
    """True when every address ``host`` resolves to is a loopback address."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(
        ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses)

