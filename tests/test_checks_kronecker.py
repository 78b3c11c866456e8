"""The Kronecker-Hessian checks pass on the true statements and fail on wrong ones."""

import pytest

from crosscheck.checks import kronecker, kronecker_controls
from crosscheck.engine.params import ParameterError
from crosscheck.engine.runner import run_one

SPECS = {s.id: s for s in (*kronecker.CHECKS, *kronecker_controls.CHECKS)}
TRUE = {
    "kernel_dim": "(m - 1) * d",
    "nonzero_eigenvalue": "vnorm2 * sigma_k",
    "lambda_min": "alpha",
    "alpha_multiplicity": "(m - 1) * d",
    "other_eigenvalue": "vnorm2 * sigma_k + alpha",
}
SMALL = {"m_max": 5, "d_max": 4}


def run(check_id, expect=None, params=None, quick=True, seed=7):
    spec = SPECS[check_id]
    exp = {k: v for k, v in {**TRUE, **(expect or {})}.items() if k in spec.reads}
    overrides = {k: v for k, v in {**SMALL, **(params or {})}.items() if k in spec.params}
    return run_one(spec, exp, overrides, seed=seed, quick=quick)


EVIDENCE = ["kronecker-kernel-dim", "kronecker-nonzero-spectrum", "empirical-hessian-is-kronecker", "regularized-posdef", "regularized-alpha-multiplicity"]
CONTROLS = ["hypothesis-v-nonzero-needed", "hypothesis-sigma-nonsingular-needed", "hypothesis-alpha-positive-needed"]


@pytest.mark.parametrize("check_id", EVIDENCE + CONTROLS)
def test_check_passes_on_true_statement(check_id):
    res = run(check_id)
    assert res.status == "pass", res.summary
    assert res.cases > 0 and res.applicable == res.cases
    claimed = [q for q in res.counts if q.claimed]
    assert all(q.compared > 0 for q in claimed), res.counts


@pytest.mark.parametrize(
    ("check_id", "wrong"),
    [
        ("kronecker-kernel-dim", {"kernel_dim": "(m - 2) * d"}),
        ("kronecker-kernel-dim", {"kernel_dim": "m * d - 1"}),
        ("kronecker-nonzero-spectrum", {"nonzero_eigenvalue": "vnorm2 * sigma_k * 1.001"}),
        ("regularized-posdef", {"lambda_min": "2 * alpha"}),
        ("regularized-posdef", {"alpha_multiplicity": "(m - 2) * d"}),
        ("regularized-alpha-multiplicity", {"alpha_multiplicity": "(m - 2) * d"}),
        ("regularized-alpha-multiplicity", {"other_eigenvalue": "vnorm2 * sigma_k"}),
    ],
)
def test_check_fails_on_wrong_statement(check_id, wrong):
    res = run(check_id, expect=wrong)
    assert res.status == "fail"
    assert res.failures and not res.failures[0].ok


def test_rank_is_compared_when_the_claim_states_it():
    ok = run("kronecker-kernel-dim", expect={"rank": "d"})
    bad = run("kronecker-kernel-dim", expect={"rank": "d + 1"})
    assert ok.status == "pass" and any(q.quantity == "rank" and q.compared for q in ok.counts)
    assert bad.status == "fail" and {f.quantity for f in bad.failures} == {"rank"}


def test_exact_instances_decide_without_floating_point():
    res = run("kronecker-kernel-dim")
    assert res.certificates["exact_cases"] == 12 and res.cases == res.applicable > 12


def test_control_fails_when_the_hypothesis_is_not_needed():
    """If the claimed kernel dimension were m·d (true for v = 0), the v ≠ 0 control cannot show it is needed."""
    res = run("hypothesis-v-nonzero-needed", expect={"kernel_dim": "m * d"})
    assert res.status == "fail"
    assert "still held" in res.summary


def test_uncertified_gap_is_inconclusive_not_pass():
    res = run("kronecker-kernel-dim", params={"gap_max": 1e-30})
    assert res.status == "inconclusive"
    assert "not certified" in res.summary


def test_same_seed_same_result_different_seed_different_cases():
    a, b, c = run("kronecker-nonzero-spectrum", seed=3), run("kronecker-nonzero-spectrum", seed=3), run("kronecker-nonzero-spectrum", seed=4)
    assert a.worst == b.worst
    assert a.worst != c.worst


def test_negative_alpha_is_a_parameter_error_before_any_work():
    with pytest.raises(ParameterError, match=r"alphas = \[-1.0\] is outside its domain"):
        run("regularized-posdef", params={"alphas": [-1.0]})


def test_quick_mode_thins_default_grids_only():
    spec = SPECS["kronecker-kernel-dim"]
    thinned = run_one(spec, {"kernel_dim": TRUE["kernel_dim"]}, {"exact_cases": 0}, quick=True)
    explicit = run_one(spec, {"kernel_dim": TRUE["kernel_dim"]}, {"exact_cases": 0, "m_max": 12, "d_max": 8}, quick=True)
    assert thinned.cases < explicit.cases == 12 * 8 * 9


def test_quick_mode_never_thins_an_explicit_parameter():
    spec = SPECS["kronecker-kernel-dim"]
    explicit = run_one(spec, {"kernel_dim": TRUE["kernel_dim"]}, {"m_max": 5, "d_max": 4}, quick=True)
    full = run_one(spec, {"kernel_dim": TRUE["kernel_dim"]}, {"m_max": 5, "d_max": 4}, quick=False)
    assert explicit.cases == full.cases
