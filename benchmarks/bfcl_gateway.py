"""The tool gateway on BFCL ground-truth calls: detection, exact repair, false accepts, cost.

Data: the Berkeley Function Calling Leaderboard's own files, from the PyPI wheel
``bfcl-eval==2026.3.23`` (downloaded with ``pip download --no-deps`` into ``.cache/bfcl``,
read from the zip, never committed). Categories: simple_python, multiple, parallel,
parallel_multiple and the live_* ones with answers.

1. The clean set: each ground-truth call made canonical (first acceptable value per argument,
   ``""`` = omitted, nested option lists resolved, ``None`` for an optional argument = omitted),
   tool schemas converted from BFCL's type names to JSON Schema with
   ``additionalProperties: false``. Calls that do not validate are dropped and counted by
   reason.
2. Each clean call is corrupted with one realistic model error at a time, then with pairs
   (seeded), each labelled repairable or not by construction.
3. Every call (clean and corrupted) goes through ``ToolGateway.check`` with the entry's tools
   visible. Reported per operator: detection (the gateway repaired or refused it), exact repair
   (the repaired call equals the canonical one), false accepts (a call forwarded that differs
   from the canonical one: the dangerous case), and for clean calls any change or refusal;
   median µs per call.

    python benchmarks/bfcl_gateway.py [--pairs N] [--no-write]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import subprocess
import sys
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERSION = "2026.3.23"
CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bfcl"
CATEGORIES = ["simple_python", "multiple", "parallel", "parallel_multiple", "live_simple",
              "live_multiple", "live_parallel", "live_parallel_multiple"]
TYPES = {"dict": "object", "float": "number", "tuple": "array", "integer": "integer",
         "int": "integer", "string": "string", "str": "string", "boolean": "boolean",
         "bool": "boolean", "array": "array", "list": "array", "number": "number",
         "object": "object"}


def wheel() -> Path:
    """The bfcl-eval wheel, downloaded once (no dependencies) into the cache."""
    found = sorted(CACHE.glob(f"bfcl_eval-{VERSION}-*.whl"))
    if found:
        return found[0]
    CACHE.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                    str(CACHE), f"bfcl-eval=={VERSION}"], check=True)
    return sorted(CACHE.glob(f"bfcl_eval-{VERSION}-*.whl"))[0]


def jsonl(z: zipfile.ZipFile, name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in z.read(name).decode().splitlines() if line.strip()]


def to_schema(bfcl: dict[str, Any], top: bool = False) -> dict[str, Any]:
    """BFCL's parameter schema as JSON Schema (unknown type names: any value)."""
    out: dict[str, Any] = {}
    kind = TYPES.get(str(bfcl.get("type", "")))
    if kind:
        out["type"] = kind
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


@dataclass
class Case:
    """One canonical call and the tools visible when it was made."""

    id: str
    tool: str
    arguments: dict[str, Any]
    tools: dict[str, Any]  # name -> VisibleTool


def clean_set(path: Path) -> tuple[list[Case], Counter[str]]:
    from stable_harness.gateway import VisibleTool
    from stable_harness.gateway.schema import validator_for

    cases: list[Case] = []
    dropped: Counter[str] = Counter()
    with zipfile.ZipFile(path) as z:
        for category in CATEGORIES:
            questions = jsonl(z, f"bfcl_eval/data/BFCL_v4_{category}.json")
            answers = {a["id"]: a for a in jsonl(
                z, f"bfcl_eval/data/possible_answer/BFCL_v4_{category}.json")}
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
                    errors = list(validator_for(schema).iter_errors(args))
                    if errors:
                        dropped[f"ground truth invalid ({errors[0].validator})"] += 1
                        continue
                    cases.append(Case(f"{q['id']}#{i}", name, args, tools))
    return cases, dropped


# -- corruption operators: (name, repairable, apply) --------------------------------------
# apply(case, rng) -> (tool name, raw arguments) or None when the operator does not apply


def _props(case: Case) -> dict[str, Any]:
    return case.tools[case.tool].parameters.get("properties", {})


def _pick(case: Case, rng: random.Random, test: Any) -> str | None:
    keys = [k for k, v in case.arguments.items() if test(v, _props(case).get(k, {}))]
    return rng.choice(keys) if keys else None


def _set(case: Case, key: str, value: Any) -> dict[str, Any]:
    args = copy.deepcopy(case.arguments)
    args[key] = value
    return args


def op_int_as_str(case, rng):
    k = _pick(case, rng, lambda v, s: s.get("type") == "integer" and isinstance(v, int)
              and not isinstance(v, bool))
    return None if k is None else (case.tool, _set(case, k, str(case.arguments[k])))


def op_float_as_str(case, rng):
    k = _pick(case, rng, lambda v, s: s.get("type") == "number"
              and isinstance(v, int | float) and not isinstance(v, bool))
    return None if k is None else (case.tool, _set(case, k, str(case.arguments[k])))


def op_bool_as_str(case, rng):
    k = _pick(case, rng, lambda v, s: s.get("type") == "boolean" and isinstance(v, bool))
    return None if k is None else (case.tool, _set(case, k, str(case.arguments[k]).lower()))


def op_nested_as_json_str(case, rng):
    k = _pick(case, rng, lambda v, s: s.get("type") in ("object", "array")
              and isinstance(v, dict | list))
    return None if k is None else (case.tool, _set(case, k, json.dumps(case.arguments[k])))


def op_double_encoded(case, rng):
    return case.tool, json.dumps(json.dumps(case.arguments))


def op_scalar_for_array(case, rng):
    k = _pick(case, rng, lambda v, s: s.get("type") == "array" and isinstance(v, list)
              and len(v) == 1 and not isinstance(v[0], list | dict))
    return None if k is None else (case.tool, _set(case, k, case.arguments[k][0]))


def op_enum_wrong_case(case, rng):
    def ok(v, s):
        if not (isinstance(v, str) and "enum" in s and v.swapcase() != v):
            return False
        return sum(1 for m in s["enum"] if isinstance(m, str) and m.lower() == v.lower()) == 1
    k = _pick(case, rng, ok)
    return None if k is None else (case.tool, _set(case, k, case.arguments[k].swapcase()))


def op_near_miss_name(case, rng):
    name = case.tool
    candidates = [name.upper(), name.replace("_", "-"), name[:-1] if len(name) > 6 else None]
    choices = [c for c in candidates if c and c != name and c not in case.tools]
    return (rng.choice(choices), case.arguments) if choices else None


def op_trailing_comma(case, rng):
    if not case.arguments:
        return None
    return case.tool, json.dumps(case.arguments)[:-1] + ",}"


def op_single_quotes(case, rng):
    if not case.arguments:
        return None
    return case.tool, repr(case.arguments)


def op_extra_arg(case, rng):
    return case.tool, _set(case, "hallucinated_parameter", "value")


def op_missing_required(case, rng):
    required = case.tools[case.tool].parameters.get("required", [])
    keys = [k for k in required if k in case.arguments]
    if not keys:
        return None
    args = copy.deepcopy(case.arguments)
    del args[rng.choice(keys)]
    return case.tool, args


def op_unparseable_value(case, rng):
    k = _pick(case, rng, lambda v, s: s.get("type") in ("integer", "number")
              and not isinstance(v, bool))
    return None if k is None else (case.tool, _set(case, k, f"about {case.arguments[k]}"))


def op_null_required(case, rng):
    required = case.tools[case.tool].parameters.get("required", [])
    props = _props(case)
    keys = [k for k in required if k in case.arguments
            and "null" not in str(props.get(k, {}).get("type", ""))]
    return None if not keys else (case.tool, _set(case, rng.choice(keys), None))


OPERATORS = [
    ("int_as_str", True, op_int_as_str), ("float_as_str", True, op_float_as_str),
    ("bool_as_str", True, op_bool_as_str), ("nested_as_json_str", True, op_nested_as_json_str),
    ("double_encoded", True, op_double_encoded), ("scalar_for_array", True, op_scalar_for_array),
    ("enum_wrong_case", True, op_enum_wrong_case), ("near_miss_name", True, op_near_miss_name),
    ("trailing_comma", True, op_trailing_comma), ("single_quotes", True, op_single_quotes),
    ("extra_arg", True, op_extra_arg), ("missing_required", False, op_missing_required),
    ("unparseable_value", False, op_unparseable_value),
    ("null_required", False, op_null_required),
]
SYNTAX = {"double_encoded", "trailing_comma", "single_quotes"}  # rewrite the raw text


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
    n: int = 0
    detected: int = 0
    exact: int = 0
    false_accepts: int = 0
    refused: int = 0

    def row(self, name: str, repairable: str) -> str:
        def pct(x: int) -> str:
            return f"{100 * x / self.n:.1f}%" if self.n else "—"
        exact = pct(self.exact) if repairable != "no" else "—"
        return (f"| {name} | {repairable} | {self.n} | {pct(self.detected)} | {exact} | "
                f"{pct(self.false_accepts)} | {pct(self.refused)} |")


def run_case(gateway: Any, case: Case, tool: str, raw: Any, repairable: bool,
             tally: Tally, times: list[float]) -> None:
    from stable_harness.gateway import ToolRefusal

    tally.n += 1
    t0 = time.perf_counter()
    try:
        checked = gateway.check(tool, raw, case.tools)
    except ToolRefusal:
        times.append(time.perf_counter() - t0)
        tally.detected += 1
        tally.refused += 1
        return
    times.append(time.perf_counter() - t0)
    if checked.notes:
        tally.detected += 1
    correct = checked.tool == case.tool and same(checked.arguments, case.arguments)
    if correct and repairable:
        tally.exact += 1
    if not correct:
        tally.false_accepts += 1


def main_run(pairs: int) -> str:
    from stable_harness.gateway import ToolGateway, ToolRefusal

    cases, dropped = clean_set(wheel())
    gateway = ToolGateway()
    rng = random.Random(7)
    clean_times: list[float] = []
    changed = rejected = 0
    for case in cases:
        t0 = time.perf_counter()
        try:
            checked = gateway.check(case.tool, case.arguments, case.tools)
        except ToolRefusal:
            rejected += 1
            continue
        finally:
            clean_times.append(time.perf_counter() - t0)
        if checked.notes or not same(checked.arguments, case.arguments):
            changed += 1
    singles: dict[str, Tally] = defaultdict(Tally)
    corrupt_times: list[float] = []
    for case in cases:
        for name, repairable, apply in OPERATORS:
            made = apply(case, rng)
            if made is not None:
                run_case(gateway, case, made[0], made[1], repairable, singles[name],
                         corrupt_times)
    pair_tally = {True: Tally(), False: Tally()}
    value_ops = [op for op in OPERATORS if op[0] not in SYNTAX]
    for _ in range(pairs):
        case = rng.choice(cases)
        first, second = rng.sample(value_ops, 2)
        made = first[2](case, rng)
        if made is None or made[0] not in case.tools:
            continue
        inner = second[2](Case(case.id, case.tool, made[1], case.tools), rng)
        if inner is None:
            continue
        repairable = first[1] and second[1]
        run_case(gateway, case, inner[0], inner[1], repairable, pair_tally[repairable],
                 corrupt_times)
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on this machine with bfcl-eval {VERSION}: "
        f"{len(cases)} clean ground-truth calls ({', '.join(CATEGORIES)}); dropped as "
        f"invalid: {sum(dropped.values())} "
        f"({'; '.join(f'{k}: {v}' for k, v in dropped.most_common())}).",
        "",
        f"Clean calls: {changed} changed, {rejected} refused (target: 0 and 0). Median "
        f"{statistics.median(clean_times) * 1e6:.1f} µs per clean call, "
        f"{statistics.median(corrupt_times) * 1e6:.1f} µs per corrupted call (target ≤ 50).",
        "",
        "| operator | repairable | calls | detected | exact repair | false accepts | "
        "refused |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, repairable, _ in OPERATORS:
        lines.append(singles[name].row(name, "yes" if repairable else "no"))
    lines.append(pair_tally[True].row("pairs, both repairable", "yes"))
    lines.append(pair_tally[False].row("pairs, one not repairable", "no"))
    total = sum(t.n for t in singles.values()) + sum(t.n for t in pair_tally.values())
    fa = sum(t.false_accepts for t in singles.values()) + \
        sum(t.false_accepts for t in pair_tally.values())
    lines += ["", f"False accepts over all {total} corrupted calls: {fa} "
              f"({100 * fa / total:.2f}%, target ≤ 0.5%)."]
    return "\n".join(lines) + "\n"


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
