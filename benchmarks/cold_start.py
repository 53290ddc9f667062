"""Cold start of the CLI: `--help` and `validate` on the scaffold vs `python -c pass` and vs
importing typer alone. Runs are interleaved (one of each per round) so machine noise hits all
alike; figures are medians. Writes the table into docs/benchmarks.md.

    python benchmarks/cold_start.py [--rounds N] [--no-write]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("stable-harness")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stable_harness"]


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def measure(rounds: int) -> dict[str, float]:
    workspace = Path(tempfile.mkdtemp()) / "ws"
    subprocess.run([*_cli(), "init", str(workspace)], check=True, stdout=subprocess.DEVNULL)
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "stable-harness --help": [*_cli(), "--help"],
        "stable-harness validate (scaffold)": [*_cli(), "-w", str(workspace), "validate"],
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for cmd in cases.values():  # warm the OS file cache once
        _time(cmd)
    for _ in range(rounds):
        for name, cmd in cases.items():
            samples[name].append(_time(cmd))
    return {name: statistics.median(values) for name, values in samples.items()}


def render(medians: dict[str, float], rounds: int) -> str:
    base = medians["python -c pass"]
    typer_ms = medians["python -c 'import typer'"]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, Python "
        f"{platform.python_version()}, {rounds} interleaved rounds, median wall time "
        "per process.",
        "",
        "| command | ms | x `python -c pass` | x `import typer` |",
        "|---|---:|---:|---:|",
    ]
    for name, ms in medians.items():
        lines.append(f"| `{name}` | {ms:.0f} | {ms / base:.1f} | {ms / typer_ms:.2f} |")
    help_ratio = medians["stable-harness --help"] / typer_ms
    verdict = "meets" if help_ratio < 3 else "misses"
    lines += ["", f"Target: `--help` under 3x the cost of importing typer alone — {verdict} it "
              f"({help_ratio:.2f}x)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    table = render(measure(args.rounds), args.rounds)
    print(table)
    if not args.no_write:
        sys.path.insert(0, str(Path(__file__).parent))
        from _docs import write_section

        write_section("cold_start", table)


if __name__ == "__main__":
    main()
