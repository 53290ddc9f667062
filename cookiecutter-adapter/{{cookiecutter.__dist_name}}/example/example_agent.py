"""An agent for the `{{ cookiecutter.plugin_name }}` backend: a plain async callable."""


async def agent(text, services):
    """Answer with a greeting (``services.call_tool`` / ``services.approve`` reach the
    runtime's tools and approvals)."""
    return f"Hello, {text}!"
