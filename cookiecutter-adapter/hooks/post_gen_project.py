"""Keep only the chosen slot's implementation (as the module the plugin registers) and print
the next steps."""

import shutil
from pathlib import Path

SLOT = "{{ cookiecutter.slot }}"
PACKAGE = Path("src") / "{{ cookiecutter.__package }}"
MODULES = {"backend": "adapter", "model-provider": "model", "tool-registry": "registry",
           "memory-store": "memory", "run-store": "store", "policy": "policy",
           "event-sink": "sink", "surface": "surface"}

slots = PACKAGE / "_slots"
shutil.move(slots / f"{MODULES[SLOT]}.py", PACKAGE / f"{MODULES[SLOT]}.py")
shutil.rmtree(slots)
if SLOT != "backend":
    (Path("example") / "example_agent.py").unlink()

# the core is not published yet: point at the checkout this template came from, when it has
# one (a template fetched alone gets the package name, for when it is published)
CORE = Path("{{ cookiecutter._repo_dir }}").resolve().parent / "core"
core = f"-e {CORE}" if (CORE / "pyproject.toml").is_file() else "stable-harness-core"

print(f"""
Generated {{ cookiecutter.__dist_name }} ({SLOT}). Next:
  cd {{ cookiecutter.__dist_name }}
  uv venv && uv pip install {core} -e '.[test]'
  .venv/bin/pytest                          # the {SLOT} contract suite and registration tests
See the generated README.md.
""")
