"""Files written by ``stable-harness init`` (package data, read with importlib.resources)."""
