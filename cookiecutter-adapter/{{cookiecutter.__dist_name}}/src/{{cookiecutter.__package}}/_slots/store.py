"""The `{{ cookiecutter.plugin_name }}` run store.

It starts as the built-in SQLite store, so the run-store contract suite passes from the first
commit. This is where your database plugs in: replace the methods one by one (the contract
suite in ``tests/test_contract.py`` says what each must guarantee: atomic batches, leases with
one holder, conditional unowned updates, durability), keeping the ``RunStore`` protocol of
``stable_harness.store.contract``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from stable_harness.builtin.config import PluginConfig, SqliteStoreConfig
from stable_harness.builtin.sqlite_store import SqliteRunStore


class {{ cookiecutter.__class_prefix }}Config(PluginConfig):
    """`Runtime.spec.store.config` for this store."""

    path: str = Field(".stable-harness/{{ cookiecutter.plugin_name }}.db", min_length=1,
                      description="Database file (relative paths: to the workspace).")


class {{ cookiecutter.__class_prefix }}RunStore(SqliteRunStore):
    """``factory(config, base=<workspace folder>)``."""

    def __init__(self, config: {{ cookiecutter.__class_prefix }}Config, base: Path | None = None) -> None:
        super().__init__(SqliteStoreConfig(path=config.path), base=base)
