"""The event sink contract suite.

An event-sink plugin's tests subclass :class:`EventSinkContract` with ``sink = "<name>"``, the
``config`` to enable it with, and :meth:`EventSinkContract.projected`, which reads back what
the sink wrote (a file, a captured stream, a collector's inbox) as event types in order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from stable_harness.errors import WorkspaceError
from stable_harness.records import Slot
from stable_harness.runs.events import CATALOGUE, now_iso
from stable_harness.testing.contracts.base import ContractSuite, build
from stable_harness.testing.contracts.workspaces import write_contract_workspace
from stable_harness.testing.harness import load, open_runtime, run_request

SAMPLE_VALUES: dict[str, Any] = {
    "input": {"text": "héllo ✓", "nested": [1, None, True]}, "output": "done",
    "error": {"code": "error", "message": "boom"}, "metadata": {}, "arguments": {"a": 1},
    "attempt": 1, "size": 3, "items": [{"content": "x", "status": "pending"}],
}


def sample_envelope(type_: str, fields: tuple[str, ...], seq: int) -> dict[str, Any]:
    """An envelope of ``type_`` with a value for each catalogued payload field."""
    payload = {name: SAMPLE_VALUES.get(name, f"{name}-value") for name in fields}
    return {"id": f"run-sample:{seq}", "type": type_, "runId": "run-sample",
            "sessionId": "session-sample", "seq": seq, "timestamp": now_iso(),
            "parentId": None, "payload": payload}


class EventSinkContract(ContractSuite):
    """Subclass with ``sink``, ``config``, ``bad_config`` and :meth:`projected`."""

    sink: ClassVar[str]
    config: ClassVar[dict[str, Any]] = {}
    bad_config: ClassVar[dict[str, Any]]
    """A config the sink's config model must refuse (e.g. a wrong type)."""

    def projected(self, base: Path, captured: pytest.CaptureFixture[str]) -> list[str]:
        """The event types the sink projected, in order (``base``: the workspace folder,
        relative paths in ``config`` are under it; ``captured``: stdout/stderr)."""
        raise NotImplementedError

    # -- the contract -----------------------------------------------------------------------

    def test_handles_every_catalogued_event(self, tmp_path: Path) -> None:
        """``handle`` accepts an envelope of every event type in the catalogue (payloads
        with nested JSON and non-ASCII text), and ``close`` returns.

        Fix: treat the envelope as JSON data; never assume a payload field's type."""
        sink = build(Slot.EVENT_SINK, self.sink, self.config, base=tmp_path)
        for seq, (type_, (_, fields)) in enumerate(CATALOGUE.items(), start=1):
            sink.handle(sample_envelope(str(type_), fields, seq))
        sink.close()

    async def test_projects_a_run_in_order(self, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
        """Enabled in a workspace, the sink receives every event of a run, in ``seq``
        order, without a failure, and has delivered them once the runtime is closed.

        Fix: write in ``handle`` (it runs in a worker thread; blocking I/O is fine) and
        flush in ``close``; raise only for real failures."""
        root = write_contract_workspace(tmp_path / "ws", {
            "eventSinks": [{"use": self.sink, "config": self.config}]})
        async with open_runtime(root) as runtime:
            result = await run_request(runtime, "hi", agent="contract-echo")
            stored = result.types
        assert result.run.status == "completed", result.run.error
        assert self.projected(root, capsys) == stored

    def test_bad_config_is_a_validation_error(self, tmp_path: Path) -> None:
        """A wrong config fails workspace validation with a diagnostic at the sink's
        ``config`` path, before anything runs.

        Fix: give the record a ``config_model`` with typed fields (``extra='forbid'``)."""
        root = write_contract_workspace(tmp_path / "ws", {
            "eventSinks": [{"use": self.sink, "config": self.bad_config}]})
        with pytest.raises(WorkspaceError) as caught:
            load(root)
        paths = [d.path for d in caught.value.diagnostics]
        assert any(p.startswith("spec.eventSinks[0].config") for p in paths), paths
