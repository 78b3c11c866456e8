"""Claim mutation: for every claim of the shipped ledger whose verdict is green, each claimed quantity
perturbed beyond its tolerance gives *contradicted*, and loosening the tolerance so that a small offset
falls inside it gives the green verdict back. The first test covers the theorem claims; the second sweeps every green claim runs in quick mode with small grids."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crosscheck.claims import load_ledger
from crosscheck.engine.outcomes import Role
from crosscheck.engine.spec import Expectation
from crosscheck.expr import parse
from crosscheck.verdict import GREEN_VERDICTS, combine, coverage, numerics_state
from crosscheck.verify import plan, run_tasks

SEED = 5


def _verdict(claim, reg, quick=True) -> str:
    tasks, per_claim = plan([claim], reg, SEED, quick, None)
    results = run_tasks(tasks, reg, SEED, quick, 1, lambda _m: None)
    ev = [results[k] for cid, k in zip(claim.checks, per_claim[claim.id]) if reg[cid].role is not Role.CONTROL]
    ctl = [results[k] for cid, k in zip(claim.checks, per_claim[claim.id]) if reg[cid].role is Role.CONTROL]
    lean = "not run" if claim.lean else None
    return str(combine(lean, numerics_state(ev, ctl), coverage(claim.expect, {}, [*ev, *ctl])))


def _with(claim, q, text, rtol, atol):
    e = claim.expect[q]
    return replace(claim, expect={**claim.expect, q: Expectation(q, parse(text), rtol, atol, e.why, e.lean)})


def _mutations(claim, reg, quick=True):
    base = _verdict(claim, reg, quick)
    assert base in GREEN_VERDICTS, f"{claim.id}: {base}"
    for q, e in claim.expect.items():
        wrong = _with(claim, q, f"({e.value.text}) * 1.5 + 1 + {10 * e.atol!r}", e.rtol, e.atol)
        assert _verdict(wrong, reg, quick) == "contradicted", f"{claim.id}: {q} perturbed beyond tolerance still {base}"
        loose = _with(claim, q, f"({e.value.text}) * 1.001 + 0.001", max(e.rtol, 1e-2), e.atol + 1e-2)
        assert _verdict(loose, reg, quick) == base, f"{claim.id}: {q} inside a loosened tolerance is not {base}"


@pytest.fixture(scope="module")
def ledger(root_dir=None):
    from pathlib import Path

    return load_ledger(Path(__file__).resolve().parents[1] / "claims.toml")


def _small(claim):
    """The theorem claims with small grids (the mutation is about the rule, not the size)."""
    small = {"kronecker-kernel-dim": {"m_max": 4, "d_max": 3, "exact_cases": 3}, "kronecker-nonzero-spectrum": {"m_max": 4, "d_max": 3},
             "regularized-posdef": {"m_max": 4, "d_max": 3}, "regularized-alpha-multiplicity": {"m_max": 4, "d_max": 3},
             "matrix-free-kernel-grid": {"ms": [4, 16], "ds": [3], "digits_ms": [], "raw_digits_ms": [], "large_m": 0},
             "matrix-free-kernel": {"m": 64}}
    params = {c: {**claim.params.get(c, {}), **small.get(c, {})} for c in claim.checks}
    return replace(claim, params={c: p for c, p in params.items() if p})


@pytest.mark.parametrize("claim_id", ["prop-7.4", "thm-7.6i"])
def test_theorem_claims_react_to_every_quantity(ledger, claim_id):
    _mutations(_small(ledger.get(claim_id)), ledger.registry)


def test_every_green_claim_reacts_to_every_quantity(ledger):
    tested = 0
    for claim in ledger.claims:
        if claim.recorded_verdict is not None or not claim.expect:
            continue
        _mutations(_small(claim), ledger.registry)
        tested += 1
    assert tested >= 7
