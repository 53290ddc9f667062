"""Tools of this workspace. Each is referenced from a `kind: Tool` document."""


def echo_tool(value: str) -> str:
    """Return the given value unchanged."""
    return value
