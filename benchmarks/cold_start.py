"""Cold start of the CLI: `--help`, `validate` and `cancel` on the scaffold, and importing the
SDK's `Runtime`, vs `python -c pass` and vs importing typer alone; and a cross-process cancel:
another process drives a run that is inside a (60 s) tool call, and `stable-harness cancel RUN`
is timed from its start until the driving process prints `harness.run.cancelled`. Runs are
interleaved (one of each per round) so machine noise hits all alike; figures are min / median /
max over the rounds. Writes the table into docs/benchmarks.md.

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
# Measured as installed software runs: with bytecode caches. An environment that forbids
# writing them (PYTHONDONTWRITEBYTECODE, set on some CI and container images) makes every
# process compile every module from source, which more than doubled these figures.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _cli() -> list[str]:
    script = Path(sys.executable).with_name("stable-harness")
    return [str(script)] if script.exists() else [sys.executable, "-m", "stable_harness"]


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    if done.returncode not in (0, 1):  # `cancel` of a finished run answers 1, by design
        raise SystemExit(f"{cmd} failed with {done.returncode}")
    return (time.perf_counter() - start) * 1000


WAIT_TOOL = """
---
apiVersion: stable-harness.dev/v1
kind: Tool
metadata: {name: wait_tool}
spec:
  entrypoint: tools:wait_tool
  parameters: {type: object, properties: {seconds: {type: number}}, required: [seconds]}
  tags: [read-only, idempotent]
"""


def _cross_process_cancel(workspace: Path) -> float:
    """ms from starting `cancel` until the process driving the run sees it cancelled."""
    driver = subprocess.Popen(
        [*_cli(), "-w", str(workspace), "run", "--tool", "wait_tool", "--tool-args-json",
         '{"seconds": 60}', "--json"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, env=ENV)
    assert driver.stdout is not None
    run_id = None
    for line in driver.stdout:  # until the run is inside its tool call
        event = json.loads(line)
        run_id = event.get("runId", run_id)
        if event.get("type") == "harness.tool.started":
            break
    else:
        raise SystemExit("the driving run ended before its tool call started")
    start = time.perf_counter()
    subprocess.run([*_cli(), "-w", str(workspace), "cancel", str(run_id)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, env=ENV)
    for line in driver.stdout:
        if json.loads(line).get("type") == "harness.run.cancelled":
            break
    else:
        raise SystemExit("the driving process never saw its run cancelled")
    elapsed = (time.perf_counter() - start) * 1000
    driver.wait(timeout=30)
    return elapsed


def measure(rounds: int) -> dict[str, list[float]]:
    workspace = Path(tempfile.mkdtemp()) / "ws"
    subprocess.run([*_cli(), "init", str(workspace)], check=True, stdout=subprocess.DEVNULL)
    with open(workspace / "tools.py", "a", encoding="utf-8") as tools:
        tools.write("\n\ndef wait_tool(seconds: float) -> str:\n    import time\n\n"
                    "    time.sleep(seconds)\n    return 'done'\n")
    with open(workspace / "tools.yaml", "a", encoding="utf-8") as docs:
        docs.write(WAIT_TOOL)
    agents = workspace / "agents.yaml"
    text = agents.read_text()
    if "tools: [echo_tool]" not in text:
        raise SystemExit("the scaffold's agents no longer list `tools: [echo_tool]`: "
                         "update how this benchmark gives them wait_tool")
    agents.write_text(text.replace("tools: [echo_tool]", "tools: [echo_tool, wait_tool]"))
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
    for cmd in cases.values():  # warm the OS file cache and write the bytecode caches
        _time(cmd)
    cross = "stable-harness cancel RUN (inside a tool call, driven by another process)"
    samples[cross] = []
    _cross_process_cancel(workspace)
    for _ in range(rounds):
        for name, cmd in cases.items():
            samples[name].append(_time(cmd))
        samples[cross].append(_cross_process_cancel(workspace))
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
    cross_ratio = medians[
        "stable-harness cancel RUN (inside a tool call, driven by another process)"] / \
        medians["stable-harness --help"]
    lines += ["", f"Targets of the performance issue: importing `Runtime` at most 2.5x `import "
              f"typer` — {'meets' if runtime_ratio <= 2.5 else 'misses'} it "
              f"({runtime_ratio:.2f}x); `cancel` until the driving process sees `cancelled`, "
              f"at most 1.5x `--help` — {'meets' if cross_ratio <= 1.5 else 'misses'} it "
              f"({cross_ratio:.2f}x; the CLI start alone, on a finished run: "
              f"{cancel_ratio:.2f}x)."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
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
