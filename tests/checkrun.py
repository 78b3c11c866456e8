"""Running one check in a test: claimed quantities written ``name=value`` (exact) or
``name=(value, rtol, atol)``, parameters validated as the ledger's are (via ``run_one``)."""

from __future__ import annotations

from crosscheck.engine.results import CheckResult
from crosscheck.engine.runner import run_one
from crosscheck.engine.spec import CheckSpec, Expectation
from crosscheck.expr import parse


def expect(**quantities) -> dict[str, Expectation]:
    """``name=(value, rtol, atol)`` or ``name=value`` (exact)."""
    out = {}
    for q, v in quantities.items():
        value, rtol, atol = v if isinstance(v, tuple) else (v, 0.0, 0.0)
        out[q] = Expectation(q, parse(str(value)), rtol=rtol, atol=atol)
    return out


def run_spec(spec: CheckSpec, overrides=None, *, seed: int, quick: bool = True, **quantities) -> CheckResult:
    """Run ``spec`` with these explicit parameter overrides and claimed quantities."""
    return run_one(spec, expect(**quantities), overrides or {}, seed=seed, quick=quick)


def assert_true_passes_and_wrong_fails(run, check_id: str, params, q: str, true, wrong, **others) -> None:
    """``run(check_id, params, **quantities)`` passes with the true value of ``q`` and fails with the wrong one,
    ``q`` itself among the failed comparisons (``others``: further claimed quantities, the same in both runs)."""
    ok = run(check_id, params, **{**others, q: true})
    assert ok.status == "pass", ok.summary
    bad = run(check_id, params, **{**others, q: wrong})
    assert bad.status == "fail", bad.summary
    assert any(qc.quantity == q and qc.failed for qc in bad.counts)
