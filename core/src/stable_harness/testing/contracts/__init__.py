"""One contract suite per capability slot, as base classes a plugin's tests subclass.

=====================  ======================================================  ===========
slot                   suite                                                   module
=====================  ======================================================  ===========
backend adapter        :class:`~.backend.BackendContract`                      ``backend``
model provider         :class:`~.model_provider.ModelProviderContract`         ``model_provider``
tool registry          :class:`~.tool_registry.ToolRegistryContract`           ``tool_registry``
memory store           :class:`~.memory_store.MemoryStoreContract`             ``memory_store``
run store              :class:`~.run_store.RunStoreContract`                   ``run_store``
policy                 :class:`~.policy.PolicyContract`                        ``policy``
event sink             :class:`~.event_sink.EventSinkContract`                 ``event_sink``
protocol surface       :class:`~.surface.SurfaceContract`                      ``surface``
=====================  ======================================================  ===========

Each test's docstring says what the contract requires and how to fix a failure. Replacing a
contract test in a subclass needs ``@pytest.mark.xfail(reason=...)`` (see
:class:`~.base.ContractSuite`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

SUITES = {
    "BackendContract": "backend",
    "ModelProviderContract": "model_provider",
    "ToolRegistryContract": "tool_registry",
    "MemoryStoreContract": "memory_store",
    "RunStoreContract": "run_store",
    "PolicyContract": "policy",
    "EventSinkContract": "event_sink",
    "SurfaceContract": "surface",
}

__all__ = list(SUITES)


def __getattr__(name: str) -> Any:
    if name in SUITES:
        return getattr(import_module(f"{__name__}.{SUITES[name]}"), name)
    raise AttributeError(name)
