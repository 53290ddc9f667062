"""The gateway's targets on the BFCL corpus (benchmarks/bfcl_gateway.py), so a change that
breaks them fails CI: clean calls untouched, repairable errors repaired exactly, no false
accepts. Counts only; nothing here asserts a time."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
def test_the_corpus_meets_the_targets() -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bfcl_gateway
    finally:
        sys.path.remove(str(BENCHMARKS))
    m = bfcl_gateway.measure(pairs=4000)
    assert len(m["cases"]) > 3000
    assert (m["changed"], m["rejected"]) == (0, 0)
    singles = m["singles"].values()
    repairable = sum(t.repairable for t in singles)
    exact = sum(t.exact for t in singles)
    assert exact >= 0.99 * repairable, bfcl_gateway.report(m)
    both = m["pairs"][True]
    assert both.exact >= 0.95 * both.repairable, bfcl_gateway.report(m)
    every = [*singles, *m["pairs"].values()]
    total = sum(t.n for t in every)
    false_accepts = sum(t.false_accepts for t in every)
    assert false_accepts <= 0.001 * total, bfcl_gateway.report(m)
    for name, _family, _ in bfcl_gateway.KINDS:  # every kind applied to some calls
        assert m["singles"][name].n > 0, name
