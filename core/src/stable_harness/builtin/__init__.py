"""Built-in plugins. Each registration module is listed under the ``stable_harness`` entry-point
group of ``stable-harness-core`` and registers through the same hooks as any other plugin; the
implementations live in sibling modules that are imported only when used."""
