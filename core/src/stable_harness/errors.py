"""Errors a user can see. Each carries enough context to be printed without a traceback."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from stable_harness.workspace.diagnostics import Diagnostic


class StableHarnessError(Exception):
    """Base class for every error stable-harness reports to a user.

    The CLI prints ``str(error)`` and exits non-zero; it never prints a traceback for these.
    """


class PluginError(StableHarnessError):
    """A plugin could not be loaded, registered or instantiated."""


class PluginLoadError(PluginError):
    """A plugin selected by the workspace failed to import; ``cause`` is the original error."""

    def __init__(self, plugin: str, distribution: str, cause: BaseException) -> None:
        self.plugin = plugin
        self.distribution = distribution
        self.cause = cause
        super().__init__(
            f"plugin '{plugin}' (from {distribution}) failed to load: "
            f"{type(cause).__name__}: {cause}"
        )


class RegistryError(PluginError):
    """A registry could not be built or a name could not be resolved in it."""


class UnknownNameError(RegistryError):
    """A name the workspace gives is not registered in its slot."""

    def __init__(self, slot: str, name: str, available: Sequence[str], hint: str) -> None:
        self.slot = slot
        self.name = name
        self.available = list(available)
        self.hint = hint
        installed = ", ".join(self.available) if self.available else "none"
        super().__init__(f"unknown {slot} '{name}' (installed: {installed}); {hint}")


class WorkspaceError(StableHarnessError):
    """A workspace is invalid. Holds every diagnostic found, not just the first."""

    def __init__(self, diagnostics: Sequence[Diagnostic]) -> None:
        self.diagnostics = list(diagnostics)
        lines = "\n".join(d.render() for d in self.diagnostics)
        count = len(self.diagnostics)
        super().__init__(f"{count} error{'s' if count != 1 else ''} in workspace:\n{lines}")


class RunError(StableHarnessError):
    """A run operation was refused; nothing was changed in the store.

    ``field`` names the request field at fault (its public JSON name, e.g. ``sessionId``)
    when one is."""

    code = "invalid_request"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class InvalidRequestError(RunError):
    """A request, decision or import document is malformed."""


class ToolCallRefusedError(InvalidRequestError):
    """A direct tool call was refused by the tool gateway; ``diagnostics`` say why."""

    code = "tool_call_refused"

    def __init__(self, message: str, diagnostics: dict[str, object]) -> None:
        super().__init__(message, field="toolCall")
        self.diagnostics = diagnostics


class NotFoundError(RunError):
    """A run, session, approval or agent does not exist."""

    code = "not_found"


class ConflictError(RunError):
    """The operation conflicts with the stored state (already resolved, already exists, ...)."""

    code = "conflict"


class SessionBusyError(ConflictError):
    """The session has a run in flight and its policy is ``reject``."""

    code = "session_busy"


class UnavailableError(StableHarnessError):
    """Something a request needs cannot be reached now (a tool server that does not start);
    the same request may succeed later. HTTP surfaces answer 503."""


class TransientError(StableHarnessError):
    """Raise from a tool or agent to mark a failure worth retrying (see ``RetrySpec``)."""
