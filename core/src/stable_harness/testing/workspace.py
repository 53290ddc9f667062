"""Writing a workspace for a test: a dict of relative paths to (indented) file texts."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from pathlib import Path


def write_files(root: Path, files: Mapping[str, str | None]) -> Path:
    """Write (or with ``None`` delete) files under ``root``; texts are dedented, so they can
    be written indented in a test module. Returns ``root``."""
    for name, text in files.items():
        path = root / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root
