"""Which plugins an inspecting command loads for a workspace that may be invalid or absent."""

from __future__ import annotations

import os
from pathlib import Path

from stable_harness.plugins.loader import LoadPolicy


def listing_policy(root: Path) -> LoadPolicy:
    """Load every installed plugin, honouring the workspace's block list and marking what it
    selects; a broken or missing workspace must not stop ``plugins list``."""
    from stable_harness.workspace.loader import collect_documents, plugin_selections

    if not root.is_dir():
        return LoadPolicy.from_settings(load_all=True)
    inventory = collect_documents(root, os.environ).inventory
    runtime = next(iter(inventory["Runtime"].values()), None)
    plugins = runtime.doc.spec.plugins if runtime else None
    return LoadPolicy.from_settings(
        enable=plugins.enable if plugins else (),
        disable=plugins.disable if plugins else (),
        referenced={use.name for use, _ in plugin_selections(inventory)},
        autoload=plugins.autoload if plugins else True,
        load_all=True,
    )
