"""The Kronecker-Hessian checks pass on the true statements and fail on wrong ones."""

import pytest

from crosscheck.checks import registry, run_check
from crosscheck.checks.base import CheckContext, Expectation, resolve_params
from crosscheck.expr import parse

TRUE = {
    "kernel_dim": "(m - 1) * d",
    "nonzero_eigenvalue": "vnorm2 * sigma_k",
    "lambda_min": "alpha",
    "alpha_multiplicity": "(m - 1) * d",
    "other_eigenvalue": "vnorm2 * sigma_k + alpha",
}
SMALL = {"m_max": 5, "d_max": 4}


def run(check_id, expect=None, params=None, quick=True, seed=7):
    spec = registry()[check_id]
    exp = {k: Expectation(k, parse(v)) for k, v in {**TRUE, **(expect or {})}.items()}
    overrides = {k: v for k, v in {**SMALL, **(params or {})}.items() if k in spec.defaults}
    ctx = CheckContext(seed=seed, params=resolve_params(spec, overrides), expect=exp, quick=quick)
    return run_check(spec, ctx)


EVIDENCE = ["kronecker-kernel-dim", "kronecker-nonzero-spectrum", "empirical-hessian-is-kronecker", "regularized-posdef", "regularized-alpha-multiplicity"]
CONTROLS = ["hypothesis-v-nonzero-needed", "hypothesis-sigma-nonsingular-needed", "hypothesis-alpha-positive-needed"]


@pytest.mark.parametrize("check_id", EVIDENCE + CONTROLS)
def test_check_passes_on_true_statement(check_id):
    res = run(check_id)
    assert res.status == "pass", res.summary
    assert res.cases > 0


@pytest.mark.parametrize(
    ("check_id", "wrong"),
    [
        ("kronecker-kernel-dim", {"kernel_dim": "(m - 2) * d"}),
        ("kronecker-kernel-dim", {"kernel_dim": "m * d - 1"}),
        ("kronecker-nonzero-spectrum", {"nonzero_eigenvalue": "vnorm2 * sigma_k * 1.001"}),
        ("regularized-posdef", {"lambda_min": "2 * alpha"}),
        ("regularized-alpha-multiplicity", {"alpha_multiplicity": "(m - 2) * d"}),
        ("regularized-alpha-multiplicity", {"other_eigenvalue": "vnorm2 * sigma_k"}),
    ],
)
def test_check_fails_on_wrong_statement(check_id, wrong):
    res = run(check_id, expect=wrong)
    assert res.status == "fail"
    assert res.failures and not res.failures[0].ok


def test_exact_instances_decide_without_floating_point():
    res = run("kronecker-kernel-dim")
    assert res.certificates["exact_cases"] > 0
    assert all(inst["kernel_dim"] == (inst["m"] - 1) * inst["d"] for inst in res.measured["exact_instances"])


def test_control_fails_when_the_hypothesis_is_not_needed():
    """If the claimed kernel dimension were m·d (true for v = 0), the v ≠ 0 control cannot show it is needed."""
    res = run("hypothesis-v-nonzero-needed", expect={"kernel_dim": "m * d"})
    assert res.status == "fail"


def test_uncertified_gap_is_inconclusive_not_pass():
    res = run("kronecker-kernel-dim", params={"gap_max": 1e-30})
    assert res.status == "inconclusive"


def test_same_seed_same_result_different_seed_different_cases():
    a, b, c = run("kronecker-kernel-dim", seed=3), run("kronecker-kernel-dim", seed=3), run("kronecker-kernel-dim", seed=4)
    assert a.measured == b.measured
    assert a.measured["exact_instances"] != c.measured["exact_instances"]


def test_a_crashing_check_is_an_error_not_a_pass():
    res = run("regularized-posdef", params={"alphas": [-1.0]})
    assert res.status == "error" and "alphas must be positive" in res.summary


def test_quick_mode_runs_fewer_cases():
    assert run("kronecker-kernel-dim", quick=True).cases < run("kronecker-kernel-dim", quick=False).cases


def test_nan_is_an_error_never_a_verdict():
    from crosscheck.checks.base import CheckContext, Recorder

    rec = Recorder(CheckContext(seed=0, params={}, expect={}))
    rec.compare("q", "case-1", float("nan"), 1.0, rtol=0.1)
    rec.compare("q", "case-2", 1.0, 1.0, rtol=0.1)
    res = rec.result("x", "ok", "bad")
    assert res.status == "error" and "non-finite" in res.summary and "case-1" in res.summary
