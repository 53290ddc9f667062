"""The tool gateway: every tool call is resolved, parsed, validated and repaired (only where
the repair is unambiguous) before it runs; see :mod:`stable_harness.gateway.pipeline`."""

from stable_harness.gateway.notes import GatewayNote, ToolRefusal
from stable_harness.gateway.pipeline import CheckedCall, ToolGateway, VisibleTool

__all__ = ["CheckedCall", "GatewayNote", "ToolGateway", "ToolRefusal", "VisibleTool"]
