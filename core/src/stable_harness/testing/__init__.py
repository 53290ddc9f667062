"""Test helpers and contract suites for plugin authors (``pytest`` is needed to use them).

:class:`~stable_harness.testing.backend_contract.BackendContract` is the backend adapter
contract: subclass it in a plugin's tests and provide the agents it exercises.
"""
