"""The tool gateway on BFCL ground-truth calls: detection, exact repair, false accepts, cost.

Data: the Berkeley Function Calling Leaderboard's own files, from the PyPI wheel
``bfcl-eval==2026.3.23`` (installed without dependencies by ``uv pip install --target`` into
``.cache/bfcl``, never committed). Categories: simple_python, multiple, parallel,
parallel_multiple and the live_* ones with answers.

1. The clean set: each ground-truth call made canonical (first acceptable value per argument,
   ``""`` = omitted, nested option lists resolved, ``None`` for an optional argument = omitted),
   tool schemas converted from BFCL's type names to JSON Schema with
   ``additionalProperties: false``, **descriptions kept**. Calls that do not validate are
   dropped and counted by reason (checked with a fresh validator, so no cache is warmed).
2. Each clean call is corrupted with each error kind of ``gateway_corpus.KINDS`` (the 13
   original BFCL operators and 32 more), then with pairs (seeded); every corrupted call is
   labelled repairable or must-refuse by construction.
3. Every call goes through ``ToolGateway.check`` with the entry's tools visible. Reported per
   kind: exact repair (of the repairable calls: the forwarded call equals the canonical one),
   refused (of the must-refuse calls), and false accepts (a forwarded call that differs from
   the canonical one: the dangerous case); for clean calls any change or refusal; median µs
   per clean call cold (the first call of each tool: its schema is compiled then) and warm,
   and per corrupted call.

    python benchmarks/bfcl_gateway.py [--pairs N] [--no-write]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gateway_corpus import KINDS, NOT_STACKABLE, Case

VERSION = "2026.3.23"
ROUNDS = 3
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bfcl"
CATEGORIES = ["simple_python", "multiple", "parallel", "parallel_multiple", "live_simple",
              "live_multiple", "live_parallel", "live_parallel_multiple"]
TYPES = {"dict": "object", "float": "number", "tuple": "array", "integer": "integer",
         "int": "integer", "string": "string", "str": "string", "boolean": "boolean",
         "bool": "boolean", "array": "array", "list": "array", "number": "number",
         "object": "object"}


def data_root() -> Path:
    """The installed bfcl-eval package (no dependencies), fetched once into the cache with
    uv, which the development environment has (its venv has no pip)."""
    site = CACHE / f"site-{VERSION}"
    if not (site / "bfcl_eval" / "data").is_dir():
        site.mkdir(parents=True, exist_ok=True)
        uv = [shutil.which("uv")] if shutil.which("uv") else [sys.executable, "-m", "uv"]
        subprocess.run([*uv, "pip", "install", "--quiet", "--no-deps", "--python",
                        sys.executable, "--target", str(site), f"bfcl-eval=={VERSION}"],
                       check=True)
    return site


def jsonl(root: Path, name: str) -> list[dict[str, Any]]:
    text = (root / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def to_schema(bfcl: dict[str, Any], top: bool = False) -> dict[str, Any]:
    """BFCL's parameter schema as JSON Schema (unknown type names: any value)."""
    out: dict[str, Any] = {}
    kind = TYPES.get(str(bfcl.get("type", "")))
    if kind:
        out["type"] = kind
    if isinstance(bfcl.get("description"), str):
        out["description"] = bfcl["description"]
    if "enum" in bfcl:
        out["enum"] = bfcl["enum"]
    if "properties" in bfcl:
        out["properties"] = {k: to_schema(v) for k, v in bfcl["properties"].items()}
        out["additionalProperties"] = False
    if "items" in bfcl and isinstance(bfcl["items"], dict):
        out["items"] = to_schema(bfcl["items"])
    if bfcl.get("required"):
        out["required"] = list(bfcl["required"])
    if top:
        out.setdefault("type", "object")
        out.setdefault("properties", {})
        out["additionalProperties"] = False
    return out


def canonical(options: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """First acceptable value per argument; ``""`` and an optional ``None`` mean omitted."""
    out = {}
    props = schema.get("properties", {})
    for key, values in options.items():
        value = values[0] if isinstance(values, list) and values else values
        if value == "" or (value is None and key not in schema.get("required", [])):
            continue
        sub = props.get(key, {})
        if isinstance(value, dict) and sub.get("type") == "object":
            value = canonical(value, sub)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value) \
                and sub.get("items", {}).get("type") == "object":
            value = [canonical(v, sub["items"]) for v in value]
        out[key] = value
    return out


def clean_set(path: Path) -> tuple[list[Case], Counter[str]]:
    from jsonschema import Draft202012Validator
    from stable_harness.gateway import VisibleTool

    cases: list[Case] = []
    dropped: Counter[str] = Counter()
    for category in CATEGORIES:
        questions = jsonl(path, f"bfcl_eval/data/BFCL_v4_{category}.json")
        answers = {a["id"]: a for a in jsonl(
            path, f"bfcl_eval/data/possible_answer/BFCL_v4_{category}.json")}
        for q in questions:
            tools = {f["name"]: VisibleTool(f["name"], to_schema(f["parameters"], True))
                     for f in q["function"]}
            for i, call in enumerate(answers[q["id"]]["ground_truth"]):
                [(name, options)] = call.items()
                if name not in tools:
                    dropped["tool not in the entry's functions"] += 1
                    continue
                schema = tools[name].parameters
                args = canonical(options, schema)
                errors = list(Draft202012Validator(schema).iter_errors(args))
                if errors:
                    dropped[f"ground truth invalid ({errors[0].validator})"] += 1
                    continue
                cases.append(Case(f"{q['id']}#{i}", name, args, tools))
    return cases, dropped


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values (5 == 5.0; a bool is not a number)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@dataclass
class Tally:
    """One kind's outcome. ``repairable``/``exact`` and ``must_refuse``/``refused`` count the
    two labels; a false accept is any forwarded call that differs from the canonical one."""

    n: int = 0
    repairable: int = 0
    exact: int = 0
    must_refuse: int = 0
    refused: int = 0
    false_accepts: int = 0
    examples: list[str] = field(default_factory=list)

    def row(self, name: str, family: str) -> str:
        def pct(x: int, of: int) -> str:
            return f"{100 * x / of:.1f}%" if of else "—"
        return (f"| {name} | {family} | {self.n} | {self.repairable} | "
                f"{pct(self.exact, self.repairable)} | {self.must_refuse} | "
                f"{pct(self.refused, self.must_refuse)} | {self.false_accepts} |")


def run_case(gateway: Any, case: Case, tool: str, raw: Any, repairable: bool,
             tally: Tally, times: list[float]) -> None:
    from stable_harness.gateway import ToolRefusal

    tally.n += 1
    tally.repairable += repairable
    tally.must_refuse += not repairable
    t0 = time.perf_counter()
    try:
        checked = gateway.check(tool, raw, case.tools)
    except ToolRefusal:
        times.append(time.perf_counter() - t0)
        tally.refused += not repairable
        return
    times.append(time.perf_counter() - t0)
    correct = checked.tool == case.tool and same(checked.arguments, case.arguments)
    tally.exact += correct and repairable
    if not correct:
        tally.false_accepts += 1
        if len(tally.examples) < 3:
            tally.examples.append(f"{case.id}: {tool} {str(raw)[:160]} -> {checked.tool} "
                                  f"{json.dumps(checked.arguments)[:160]}")


DROPS = {"extra_arg", "nested_extra_key"}  # a repaired name must not drop anything


def measure(pairs: int) -> dict[str, Any]:
    """Every figure of the report (also used by the test that checks the targets)."""
    from stable_harness.gateway import ToolGateway, ToolRefusal

    cases, dropped = clean_set(data_root())
    gateway = ToolGateway()
    rng = random.Random(7)
    cold: list[float] = []
    seen: set[int] = set()
    changed = rejected = 0
    for case in cases:  # first pass: a tool's first call compiles its schema (cold)
        first = id(case.tools[case.tool]) not in seen
        seen.add(id(case.tools[case.tool]))
        t0 = time.perf_counter()
        try:
            checked = gateway.check(case.tool, case.arguments, case.tools)
        except ToolRefusal:
            rejected += 1
            continue
        finally:
            if first:
                cold.append(time.perf_counter() - t0)
        if checked.notes or not same(checked.arguments, case.arguments):
            changed += 1
    # warm rounds, each call interleaved with the baseline: the bare compiled validator
    rounds: list[tuple[float, float]] = []
    for _ in range(ROUNDS):
        ours: list[float] = []
        bare: list[float] = []
        for case in cases:
            validator = case.tools[case.tool].compiled.validator
            t0 = time.perf_counter()
            validator.is_valid(case.arguments)
            t1 = time.perf_counter()
            with contextlib.suppress(ToolRefusal):
                gateway.check(case.tool, case.arguments, case.tools)
            t2 = time.perf_counter()
            bare.append(t1 - t0)
            ours.append(t2 - t1)
        rounds.append((statistics.median(ours), statistics.median(bare)))
    warm = [r[0] for r in rounds]
    singles: dict[str, Tally] = defaultdict(Tally)
    corrupt_times: list[float] = []
    for case in cases:
        for name, _family, apply in KINDS:
            made = apply(case, rng)
            if made is not None:
                run_case(gateway, case, made[0], made[1], made[2], singles[name],
                         corrupt_times)
    pair_tally = {True: Tally(), False: Tally()}
    stackable = [k for k in KINDS if k[0] not in NOT_STACKABLE]
    tried = 0
    while tried < pairs:
        tried += 1
        case = rng.choice(cases)
        first, second = rng.sample(stackable, 2)
        made = first[2](case, rng)
        if made is None or made[0] != case.tool:
            continue
        inner = second[2](Case(case.id, case.tool, made[1], case.tools), rng)
        if inner is None:
            continue
        names = {first[1], second[1]}
        drops = {first[0], second[0]} & DROPS
        repairable = made[2] and inner[2] and not ("name" in names and drops)
        run_case(gateway, case, inner[0], inner[1], repairable, pair_tally[repairable],
                 corrupt_times)
    return {"cases": cases, "dropped": dropped, "changed": changed, "rejected": rejected,
            "cold": cold, "warm": warm, "rounds": rounds, "corrupt": corrupt_times,
            "singles": singles, "pairs": pair_tally}


def spread(xs: list[float], ratio: bool = False) -> str:
    """min | median | max, in µs (or as a ratio)."""
    low, mid, high = min(xs), statistics.median(xs), max(xs)
    if ratio:
        return f"{low:.2f} | {mid:.2f} | {high:.2f}"
    return f"{low * 1e6:.1f} | {mid * 1e6:.1f} | {high * 1e6:.1f}"


def report(m: dict[str, Any]) -> str:
    singles: dict[str, Tally] = m["singles"]
    pairs: dict[bool, Tally] = m["pairs"]
    dropped: Counter[str] = m["dropped"]
    every = [*singles.values(), *pairs.values()]
    total = sum(t.n for t in every)
    fa = sum(t.false_accepts for t in every)
    repairable = sum(t.repairable for t in singles.values())
    exact = sum(t.exact for t in singles.values())

    def us(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1e6:.1f}" if xs else "—"

    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine with bfcl-eval {VERSION}: "
        f"{len(m['cases'])} clean ground-truth calls ({', '.join(CATEGORIES)}), schemas with "
        f"their descriptions; dropped as invalid: {sum(dropped.values())} "
        f"({'; '.join(f'{k}: {v}' for k, v in dropped.most_common())}).",
        "",
        f"Clean calls: {m['changed']} changed, {m['rejected']} refused (target: 0 and 0).",
        "",
        "| median µs per call | min | median | max |",
        "|---|---|---|---|",
        f"| clean, warm, gateway (target ≤ 50) | {spread([r[0] for r in m['rounds']])} |",
        f"| clean, warm, bare compiled validator (baseline) | "
        f"{spread([r[1] for r in m['rounds']])} |",
        f"| ratio gateway / baseline | "
        f"{spread([r[0] / r[1] for r in m['rounds']], ratio=True)} |",
        "",
        f"Over {ROUNDS} interleaved rounds of all clean calls (min/median/max of the rounds' "
        f"medians). Cold (a tool's first call: its schema checked and compiled): median "
        f"{us(m['cold'])} µs over {len(m['cold'])} tools. Corrupted calls (warm): median "
        f"{us(m['corrupt'])} µs (target ≤ 100).",
        "",
        "| kind | family | calls | repairable | exact repair | must refuse | refused | "
        "false accepts |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, family, _ in KINDS:
        lines.append(singles[name].row(name, family))
    lines.append(pairs[True].row("pairs, both repairable", "pair"))
    lines.append(pairs[False].row("pairs, one must refuse", "pair"))
    pair_exact = pairs[True].exact / pairs[True].repairable if pairs[True].repairable else 1
    lines += ["",
              f"Exact repair of repairable single errors: {exact}/{repairable} "
              f"({100 * exact / max(repairable, 1):.2f}%, target ≥ 99%); of repairable pairs: "
              f"{100 * pair_exact:.2f}% (target ≥ 95%). False accepts over all {total} "
              f"corrupted calls: {fa} ({100 * fa / max(total, 1):.3f}%, target ≤ 0.1%)."]
    examples = [e for t in every for e in t.examples]
    if examples:
        lines += ["", "False accepts, first examples:", ""] + [f"- `{e}`" for e in examples[:8]]
    return "\n".join(lines) + "\n"


def main_run(pairs: int) -> str:
    return report(measure(pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=20000, help="Pair corruptions to try.")
    parser.add_argument("--no-write", action="store_true", help="Print, do not update docs.")
    args = parser.parse_args()
    table = main_run(args.pairs)
    print(table)
    if not args.no_write:
        from _docs import write_section

        write_section("bfcl_gateway", table)


if __name__ == "__main__":
    main()
