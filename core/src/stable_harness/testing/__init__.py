"""The plugin authors' kit (``pytest`` is needed to use it).

* :mod:`stable_harness.testing.pytest_plugin`: fixtures, registered automatically through the
  ``pytest11`` entry point (``harness_workspace``, ``harness_runtime``, ``harness_run``…);
* :mod:`stable_harness.testing.harness`: the same helpers as plain functions;
* :mod:`stable_harness.testing.contracts`: one contract suite per capability slot, as base
  classes a plugin's tests subclass;
* :mod:`stable_harness.testing.serving`: a runtime served on loopback in a thread.
"""
