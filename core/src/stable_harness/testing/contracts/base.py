"""What every contract suite shares: overriding a contract test must be an explicit, visible
exception (``pytest.mark.xfail(reason=...)``), never a silent replacement."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from stable_harness.records import PluginRecord, Slot

if TYPE_CHECKING:
    from stable_harness.plugins.manager import PluginHost

CONTRACT_PREFIX = "test_"


class ContractOverrideError(TypeError):
    """A subclass replaced a contract test without marking it ``xfail`` with a reason."""


def _xfail_reason(function: Any) -> str | None:
    for mark in getattr(function, "pytestmark", []):
        if mark.name == "xfail":
            reason = mark.kwargs.get("reason") or (mark.args[1] if len(mark.args) > 1 else "")
            return str(reason) if reason else None
    return None


class ContractSuite:
    """Base of the contract suites in :mod:`stable_harness.testing.contracts`.

    A plugin's test class subclasses a suite and sets what the suite asks for (a name, a
    factory, documents). It may add tests; it may replace a contract test only by decorating
    the replacement with ``@pytest.mark.xfail(reason="...")``, so a gap in conformance is
    recorded in the plugin's own test report (the check runs when the class is defined).
    """

    contract_tests: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited = frozenset().union(*(getattr(base, "contract_tests", frozenset())
                                        for base in cls.__mro__[1:]))
        own = {name for name in vars(cls) if name.startswith(CONTRACT_PREFIX)}
        if cls.__module__.startswith("stable_harness.testing.contracts."):
            cls.contract_tests = inherited | own
            return
        for name in sorted(own & inherited):
            if _xfail_reason(vars(cls)[name]) is None:
                raise ContractOverrideError(
                    f"{cls.__qualname__}.{name} replaces a contract test; mark it "
                    f"@pytest.mark.xfail(reason='why this plugin cannot meet it') instead of "
                    f"replacing it silently")
        cls.contract_tests = inherited


@functools.cache
def _every_plugin() -> PluginHost:
    from stable_harness.plugins.loader import LoadPolicy
    from stable_harness.plugins.manager import PluginHost

    return PluginHost.load(LoadPolicy(load_all=True))


def registered(slot: Slot, name: str) -> PluginRecord:
    """The record installed plugins register for ``name`` in ``slot`` (every installed plugin
    loaded once per process, as a workspace enabling it would)."""
    return _every_plugin().registry(slot).get(name).record


def build(slot: Slot, name: str, config: Mapping[str, Any] | None = None, **kwargs: Any) -> Any:
    """Build ``name`` of ``slot`` as the runtime does: validate ``config`` with the record's
    config model and call the factory with it (and ``kwargs``)."""
    return registered(slot, name).create(config, **kwargs)
