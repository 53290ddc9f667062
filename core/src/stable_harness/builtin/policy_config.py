"""Config models of the built-in policies."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from stable_harness.builtin.config import PluginConfig

PATH_ARGUMENTS = ["path", "file", "file_path", "filepath", "filename", "directory", "dir",
                  "folder", "src", "dst", "source", "destination", "target"]


class FsRoot(PluginConfig):
    """One allowed folder."""

    path: str = Field(min_length=1, description="Folder (relative paths: to the workspace).")
    mode: Literal["read", "write"] = Field("read", description="`write` also allows changes.")


class FsRootsConfig(PluginConfig):
    """``fs-roots``: where file arguments may point."""

    roots: list[FsRoot] = Field(min_length=1, description="Allowed folders.")
    path_arguments: list[str] = Field(
        default_factory=lambda: list(PATH_ARGUMENTS),
        description="Argument names that hold paths (also: any argument whose schema says "
                    "`format: path`). Checked for tools tagged `filesystem`, or any tool "
                    "when `allTools` is set.")
    all_tools: bool = Field(False, description="Check path arguments of every tool.")


class ToolAllowlistConfig(PluginConfig):
    """``tool-allowlist``: agent name -> tools it may run (`*` for every other agent)."""

    agents: dict[str, list[str]] = Field(min_length=1, description="Allowed tools per agent.")


class ApprovalConfig(PluginConfig):
    """``approval``: what needs a human decision."""

    tools: list[str] = Field(default_factory=list, description="Tool names.")
    tags: list[str] = Field(default_factory=list, description="Tool tags, e.g. `mutating`.")


URL_ARGUMENTS = ["url", "uri", "link", "href", "endpoint", "base_url", "webhook", "callback_url"]


class NetworkConfig(PluginConfig):
    """``network``: where URL arguments may point."""

    schemes: list[str] = Field(default_factory=lambda: ["https", "http"],
                               description="Allowed URL schemes.")
    hosts: list[str] = Field(default_factory=list,
                             description="Allowed host names (`*.example.com` patterns); "
                                         "empty: any host with public addresses.")
    allow_networks: list[str] = Field(
        default_factory=list, description="Address ranges allowed although private or "
                                          "loopback (e.g. `10.1.0.0/16` for an intranet).")
    url_arguments: list[str] = Field(
        default_factory=lambda: list(URL_ARGUMENTS),
        description="Argument names holding URLs (also: schema `format: uri`).")
    all_tools: bool = Field(False, description="Check every tool, not only those tagged "
                                               "`network`.")


class CommandAllowlistConfig(PluginConfig):
    """``command-allowlist``: which programs a command argument may start."""

    commands: list[str] = Field(min_length=1, description="Allowed program names.")
    command_arguments: list[str] = Field(
        default_factory=lambda: ["command", "cmd", "argv", "shell_command"],
        description="Argument names holding a command line (a string or a list).")
