"""What a tool registry plugin implements (see :mod:`stable_harness.tools.contract`)."""

from stable_harness.tools.contract import RegistryTool, ToolRegistry

__all__ = ["RegistryTool", "ToolRegistry"]
