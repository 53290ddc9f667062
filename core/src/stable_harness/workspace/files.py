"""Which files of a folder are workspace documents (light: no models, no YAML parser)."""

from __future__ import annotations

import os
from pathlib import Path as FsPath

YAML_SUFFIXES = (".yaml", ".yml")


SKIPPED_FOLDERS = frozenset({"__pycache__", "node_modules", "site-packages"})


def workspace_files(root: FsPath) -> list[FsPath]:
    """Every ``*.yaml`` / ``*.yml`` under ``root``, never descending into hidden folders (state,
    VCS), virtualenvs (a ``pyvenv.cfg`` inside), ``node_modules`` or ``__pycache__``."""
    found: list[FsPath] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = FsPath(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and d not in SKIPPED_FOLDERS
                             and not (here / d / "pyvenv.cfg").exists())
        found.extend(here / f for f in filenames if f.endswith(YAML_SUFFIXES))
    return sorted(found)
