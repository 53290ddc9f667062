"""The plugin is discovered through its entry point and registers its record."""

from __future__ import annotations

from stable_harness.plugins.discovery import discover
from stable_harness.records import Slot
from stable_harness.testing.harness import plugin_host

NAME = "{{ cookiecutter.plugin_name }}"
SLOT = Slot("{{ cookiecutter.slot | replace('-', ' ') | replace('surface', 'protocol surface') }}")


def test_the_entry_point_is_installed() -> None:
    [found] = [p for p in discover() if p.name == NAME]
    assert found.distribution == "{{ cookiecutter.__dist_name }}"
    assert found.module == "{{ cookiecutter.__package }}.plugin"


def test_the_record_is_registered_and_its_config_has_defaults_or_docs() -> None:
    entry = plugin_host(enable=[NAME]).registry(SLOT).get(NAME)
    assert entry.plugin.distribution == "{{ cookiecutter.__dist_name }}"
    config = entry.record.config_class()
    for field in config.model_fields.values():
        assert field.description, "document every config field: the README's table uses it"
