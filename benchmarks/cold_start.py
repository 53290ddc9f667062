"""Cold start of the CLI: `--help`, `validate` and `cancel` on the scaffold, and importing the
SDK's `Runtime`, vs `python -c pass` and vs importing typer alone. Runs are interleaved (one of
each per round) so machine noise hits all alike; figures are min / median / max over the rounds.
Writes the table into docs/benchmarks.md.

    python benchmarks/cold_start.py [--rounds N] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import os
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
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if done.returncode not in (0, 1):  # `cancel` of a finished run answers 1, by design
        raise SystemExit(f"{cmd} failed with {done.returncode}")
    return (time.perf_counter() - start) * 1000


def measure(rounds: int) -> dict[str, list[float]]:
    workspace = Path(tempfile.mkdtemp()) / "ws"
    subprocess.run([*_cli(), "init", str(workspace)], check=True, stdout=subprocess.DEVNULL)
    done = subprocess.run([*_cli(), "-w", str(workspace), "tool", "call", "echo_tool", "--args",
                           '{"value": "x"}', "--json"], check=True, capture_output=True,
                          text=True)
    run_id = json.loads(done.stdout.splitlines()[-1])["runId"]
    cases = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "stable-harness --help": [*_cli(), "--help"],
        "stable-harness validate (scaffold)": [*_cli(), "-w", str(workspace), "validate"],
        "stable-harness cancel RUN (a finished run)": [*_cli(), "-w", str(workspace), "cancel",
                                                       run_id],
        "python -c 'from stable_harness import Runtime'": [
            sys.executable, "-c", "from stable_harness import Runtime"],
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for cmd in cases.values():  # warm the OS file cache once
        _time(cmd)
    for _ in range(rounds):
        for name, cmd in cases.items():
            samples[name].append(_time(cmd))
    return samples


def render(samples: dict[str, list[float]], rounds: int) -> str:
    medians = {name: statistics.median(values) for name, values in samples.items()}
    base = medians["python -c pass"]
    typer_ms = medians["python -c 'import typer'"]
    load = os.getloadavg()[0]
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()} ({os.cpu_count()} "
        f"cores, load {load:.2f}), Python {platform.python_version()}, {rounds} interleaved "
        "rounds, wall time per process: min / median / max, ratios of the medians.",
        "",
        "| command | ms (min / median / max) | x `python -c pass` | x `import typer` |",
        "|---|---:|---:|---:|",
    ]
    for name, values in samples.items():
        ms = medians[name]
        lines.append(f"| `{name}` | {min(values):.0f} / {ms:.0f} / {max(values):.0f} | "
                     f"{ms / base:.1f} | {ms / typer_ms:.2f} |")
    help_ratio = medians["stable-harness --help"] / typer_ms
    verdict = "meets" if help_ratio < 3 else "misses"
    lines += ["", f"Target: `--help` under 3x the cost of importing typer alone — {verdict} it "
              f"({help_ratio:.2f}x)."]
    runtime_ratio = medians["python -c 'from stable_harness import Runtime'"] / typer_ms
    cancel_ratio = medians["stable-harness cancel RUN (a finished run)"] / \
        medians["stable-harness --help"]
    lines += ["", f"Targets of the performance issue: importing `Runtime` at most 2.5x `import "
              f"typer` — {'meets' if runtime_ratio <= 2.5 else 'misses'} it "
              f"({runtime_ratio:.2f}x); `cancel` at most 1.5x `--help` — "
              f"{'meets' if cancel_ratio <= 1.5 else 'misses'} it ({cancel_ratio:.2f}x; "
              "this is the CLI start only, not the wake-up of the driving process)."]
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
