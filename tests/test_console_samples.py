"""Every ``console`` sample in the docs that runs ``stable-harness`` is run, in a folder of its
own (``init demo`` first when the sample does not), and its output must match the sample: a
line ``…`` stands for any lines, a ``…`` inside a line for any text (ids, token counts)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def samples() -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """``(where, [(command, expected lines)])`` for each console block running the CLI."""
    out = []
    for doc in sorted((ROOT / "docs").glob("*.md")):
        text = doc.read_text(encoding="utf-8")
        for match in re.finditer(r"```console\n(.*?)```", text, re.S):
            steps: list[tuple[str, list[str]]] = []
            for line in match.group(1).splitlines():
                if line.startswith("$ "):
                    steps.append((line[2:], []))
                elif steps:
                    steps[-1][1].append(line)
            if steps and all(cmd.startswith("stable-harness") for cmd, _ in steps):
                line_no = text[:match.start()].count("\n") + 1
                out.append((f"{doc.name}:{line_no}", steps))
    return out


def pattern(expected: list[str]) -> re.Pattern[str]:
    parts = []
    for line in expected:
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(p) for p in line.split("…")) + r"\n")
    return re.compile("".join(parts))


SAMPLES = samples()


def test_every_sample_is_found() -> None:
    found = {where.split(":")[0] for where, _ in SAMPLES}
    assert {"cli.md", "gateway.md"} <= found


@pytest.mark.slow
@pytest.mark.parametrize(("where", "steps"), SAMPLES, ids=[w for w, _ in SAMPLES])
def test_console_sample_matches_the_cli(where: str, steps, tmp_path: Path) -> None:
    if not steps[0][0].startswith("stable-harness init"):
        steps = [("stable-harness init demo", None), *steps]
    env = {k: v for k, v in os.environ.items() if not k.startswith("STABLE_HARNESS_")}
    for command, expected in steps:
        proc = subprocess.run([sys.executable, "-m", "stable_harness",
                               *shlex.split(command)[1:]], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        if expected is None:
            assert proc.returncode == 0, proc.stderr
            continue
        got = proc.stdout + proc.stderr
        assert pattern(expected).fullmatch(got), \
            f"{where}: `{command}` printed\n{got}\nwhich the sample does not match"
