"""Validate the answers before anything is generated (a failed check generates nothing)."""

import keyword
import re
import sys

NAME = "{{ cookiecutter.plugin_name }}"
SLOT = "{{ cookiecutter.slot }}"
PACKAGE = "{{ cookiecutter.__package }}"
CORE_VERSION = "{{ cookiecutter.core_version }}"

SLOTS = {"backend", "model-provider", "tool-registry", "memory-store", "run-store", "policy",
         "event-sink", "surface"}
# Names of first-party distributions and built-in plugins: stable-harness-<name> is reserved.
RESERVED = {"core", "langgraph", "deepagents", "http", "openaicompatible", "openai-compatible",
            "mcp", "postgres", "redis", "console", "jsonl", "python", "sqlite", "scripted",
            "policies", "testing", "cli", "sdk"}


def problems() -> list[str]:
    found = []
    if not re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", NAME):
        found.append(f"plugin_name {NAME!r} must be lowercase letters and digits, words joined "
                     "by single '-', starting with a letter (e.g. 'my-adapter')")
    if NAME.startswith(("stable-harness", "stable_harness")):
        found.append(f"plugin_name {NAME!r}: leave out the 'stable-harness-' prefix; the "
                     "distribution is named stable-harness-<plugin_name>")
    elif NAME in RESERVED:
        found.append(f"plugin_name {NAME!r} is reserved for a stable-harness distribution or "
                     f"built-in plugin; choose another (reserved: {', '.join(sorted(RESERVED))})")
    if not PACKAGE.isidentifier() or keyword.iskeyword(PACKAGE):
        found.append(f"package name {PACKAGE!r} (from plugin_name) is not a Python identifier")
    if SLOT not in SLOTS:
        found.append(f"slot {SLOT!r} is not one of: {', '.join(sorted(SLOTS))}")
    if not re.fullmatch(r"\d+\.\d+", CORE_VERSION):
        found.append(f"core_version {CORE_VERSION!r} must be X.Y (e.g. 0.1)")
    return found


if __name__ == "__main__":
    errors = problems()
    for error in errors:
        print(f"ERROR: {error}", file=sys.stderr)
    sys.exit(1 if errors else 0)
