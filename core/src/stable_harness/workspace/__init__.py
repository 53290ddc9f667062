"""The workspace: a folder of YAML documents describing an agent application."""

from stable_harness.workspace.diagnostics import Diagnostic
from stable_harness.workspace.kinds import API_VERSION, KINDS
from stable_harness.workspace.loader import load_workspace
from stable_harness.workspace.model import Entry, Workspace

__all__ = ["API_VERSION", "KINDS", "Diagnostic", "Entry", "Workspace", "load_workspace"]
