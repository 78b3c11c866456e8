"""The matrix-free checks on synthetic data and the digits, with controls, through the check engine."""

from __future__ import annotations

import numpy as np
import pytest

from crosscheck.checks import matrix_free as mf
from crosscheck.engine.params import ParameterError
from crosscheck.engine.runner import prepare, run_check
from crosscheck.engine.spec import CheckContext, Expectation
from crosscheck.expr import parse
from crosscheck.numerics.datasets import digits, integer_gram_rank
from crosscheck.numerics.rank import exact_rank

TRUE = "(m - 1) * d"


def run(spec=mf.SINGLE, kernel: str = TRUE, mult: str = TRUE, *, seed: int = 3, quick: bool = True, atol: float = 0.0, **overrides):
    expect = {
        "kernel_dim": Expectation("kernel_dim", parse(kernel), atol=atol),
        "alpha_multiplicity": Expectation("alpha_multiplicity", parse(mult), atol=atol),
    }
    ctx = CheckContext(seed=seed, params=prepare(spec, overrides), expect=expect, quick=quick, overridden=frozenset(overrides))
    return run_check(spec, ctx)


def count(res, quantity: str):
    return next(c for c in res.counts if c.quantity == quantity)


# ---- matrix-free-kernel -------------------------------------------------------------------------------


def test_synthetic_case_reports_kernel_multiplicity_and_certificate():
    res = run(m=300, d=7)
    assert res.status == "pass", res.summary
    meas = res.measured
    assert meas["kernel_dim"] == meas["alpha_multiplicity"] == 299 * 7
    assert meas["md"] == 2100 and meas["claim_applies"] is True
    for key in ("residual_bound", "failure_probability", "gap", "products", "zero_radius", "lambda_min_plus"):
        assert key in meas
    assert meas["failure_probability"] == pytest.approx(1e-10)
    assert res.certificates["kernel"]["status"] == "certified"
    assert "probes" in res.tolerance and "gap_max" in res.tolerance
    assert (res.cases, res.applicable) == (1, 1)
    assert count(res, "kernel_dim").compared == count(res, "alpha_multiplicity").compared == 1
    assert res.params["N"] == 256  # N = 0 asked for the default: the N used is recorded


def test_digits_without_constant_pixels_satisfy_the_claim_and_record_the_true_d():
    res = run(dataset="digits-nonconstant", m=16)
    meas = res.measured
    assert res.status == "pass", res.summary
    assert (meas["d"], meas["N"], meas["sigma_rank"]) == (61, 1797, 61)
    assert meas["kernel_dim"] == 15 * 61 and meas["claim_applies"] is True
    assert meas["constant_pixels_dropped"] == [0, 32, 39]
    assert (res.params["d"], res.params["N"]) == (61, 1797)  # not the requested d = 16 / N = 0
    assert "not used" in str(res.params["cond"]) and "not used" in str(res.params["sigma_rank"])


def test_raw_digits_are_not_applicable_and_the_kernel_is_md_minus_rank():
    """Regression: raw digits (3 constant pixels, Σ̂ singular) used to pass with "the claim does not apply"."""
    res = run(dataset="digits", m=16)
    meas = res.measured
    assert res.status == "inconclusive", res.summary
    assert (res.cases, res.applicable) == (1, 0)
    assert "the hypotheses hold in none" in res.summary and "Σ̂ singular (rank 61 < d = 64)" in res.summary
    assert meas["claim_applies"] is False and meas["sigma_rank"] == 61
    assert any("Σ ≻ 0 fails" in h for h in meas["hypotheses_failing"])  # stays in the presentation
    assert meas["kernel_dim"] == meas["predicted_kernel_dim"] == 16 * 64 - 61
    assert count(res, "kernel_dim").compared == 0
    assert count(res, "kernel_dim_vs_rank_sigma").compared == 1  # the control is still measured and tested


def test_singular_synthetic_sigma_is_not_applicable_and_inconclusive():
    """Regression (issue bullet 1): a synthetic case with Σ̂ singular returned pass ("the claim does not
    apply … does not hold") and the claim read as supported numerically."""
    res = run(m=64, d=5, N=10, sigma_rank=2)
    assert res.status == "inconclusive", res.summary
    assert res.applicable == 0 and res.not_applicable
    assert "the hypotheses hold in none" in res.summary and "Σ̂ singular (rank 2 < d = 5)" in res.summary
    assert res.measured["kernel_dim"] == res.measured["predicted_kernel_dim"] == 64 * 5 - 2


def test_full_rank_synthetic_with_few_samples_applies():
    """m = 64, d = 5, N = 10: the synthetic data make Σ̂ = Σ exactly, full rank, so the claim applies."""
    res = run(m=64, d=5, N=10)
    assert res.status == "pass", res.summary
    assert res.measured["sigma_rank"] == 5 and res.params["N"] == 10


def test_zero_v_is_not_applicable_and_gives_the_whole_space():
    res = run(v="zero", m=20, d=4, alpha_certificate="direct")
    assert res.status == "inconclusive", res.summary
    assert "v = 0" in res.summary
    assert res.measured["kernel_dim"] == res.measured["alpha_multiplicity"] == 80
    assert res.measured["claim_applies"] is False


def test_wrong_claimed_multiplicity_fails():
    res = run(mult="(m - 1) * d + 1", m=50, d=3)
    assert res.status == "fail", res.summary
    assert any(f.quantity == "alpha_multiplicity" for f in res.failures)
    assert count(res, "kernel_dim").failed == 0


def test_wrong_claimed_kernel_fails_on_digits():
    res = run(kernel="m * d - 64", dataset="digits-nonconstant", m=8)
    assert res.status == "fail", res.summary
    assert any(f.quantity == "kernel_dim" for f in res.failures)


def test_ledger_tolerance_decides_a_small_offset():
    """A claimed value off by 0.5 fails with no tolerance and passes when the ledger allows 1."""
    assert run(kernel="(m - 1) * d + 0.5", m=30, d=3).status == "fail"
    res = run(kernel="(m - 1) * d + 0.5", mult="(m - 1) * d - 0.5", atol=1.0, m=30, d=3)
    assert res.status == "pass", res.summary


def test_ill_conditioned_sigma_is_refused_not_contradicted():
    res = run(cond=1e10, m=40, d=10)
    assert res.status == "inconclusive"
    assert "not certified" in res.summary and "threshold" in res.summary


def test_direct_alpha_certificate_agrees():
    res = run(m=40, d=6, alpha=2.5, alpha_certificate="direct")
    assert res.status == "pass", res.summary
    assert res.certificates["alpha"]["nullity"] == res.measured["alpha_multiplicity"] == 39 * 6


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"dataset": "mnist"}, "dataset"),
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": -1.0}, "alpha"),
        ({"v": "ones"}, "v"),
        ({"m": 0}, "m"),
        ({"d": 0}, "d"),
        ({"N": -1}, "N"),
        ({"cond": 0.5}, "cond"),
        ({"sigma_rank": -2}, "sigma_rank"),
        ({"rtol": 1.0}, "rtol"),
        ({"gap_max": 0.0}, "gap_max"),
        ({"probes": 0}, "probes"),
        ({"oversample": -1}, "oversample"),
        ({"alpha_certificate": "both"}, "alpha_certificate"),
        ({"sigma_rank": 5, "d": 5}, "sigma_rank"),
        ({"N": 3, "d": 5}, "N"),
        ({"dataset": "digits", "N": 1798}, "1797"),
    ],
)
def test_bad_parameters_are_errors_before_any_work(overrides, message):
    with pytest.raises(ParameterError, match=message):
        prepare(mf.SINGLE, {"m": 4, **overrides})


@pytest.mark.parametrize("name, value", [("d", 16), ("d", 61), ("cond", 1e3), ("sigma_rank", -1), ("sigma_rank", 3)])
@pytest.mark.parametrize("dataset", ["digits", "digits-nonconstant"])
def test_synthetic_only_parameters_with_digits_are_errors(dataset, name, value):
    """Regression: d, cond and sigma_rank were silently ignored with the digits, yet recorded as used."""
    with pytest.raises(ParameterError, match=f"{name}.*no effect"):
        prepare(mf.SINGLE, {"dataset": dataset, "m": 4, name: value})
    prepare(mf.SINGLE, {"dataset": dataset, "m": 4})  # left unset: fine


def test_memory_estimate_refuses_a_case_over_the_budget():
    small = mf.SINGLE.memory(prepare(mf.SINGLE, {"m": 100, "d": 10}))
    big = mf.SINGLE.memory(prepare(mf.SINGLE, {"m": 100_000, "d": 10}))
    assert 0 < small < big and big >= 8 * 100_000 * 10 * 2 * 15  # at least the two n × k work buffers
    with pytest.raises(ParameterError, match="memory"):
        prepare(mf.SINGLE, {"m": 100_000, "d": 10}, max_memory=1e6)
    digits_est = mf.SINGLE.memory(prepare(mf.SINGLE, {"m": 100, "dataset": "digits"}))
    assert digits_est >= 8 * 100 * 64 * 64  # the digits' d = 64, not the default d = 16


@pytest.mark.slow
def test_full_grid_worst_case_is_deterministic():
    a, b = run(mf.GRID, quick=False, seed=5), run(mf.GRID, quick=False, seed=5)
    assert a.status == b.status == "pass", a.summary
    assert a.worst == b.worst and a.measured == b.measured
    assert a.cases - a.applicable == 4  # raw digits at two widths, v = 0, rank Σ = d − 3


@pytest.mark.slow
def test_digits_at_width_4096():
    res = run(dataset="digits-nonconstant", m=4096)
    assert res.status == "pass" and res.measured["kernel_dim"] == 4095 * 61


# ---- matrix-free-kernel-grid --------------------------------------------------------------------------


def test_grid_quick_passes_with_controls_not_applicable():
    res = run(mf.GRID)
    assert res.status == "pass", res.summary
    controls = res.measured["controls"]
    assert len(controls) == 3 and all(c["kernel_dim"] == c["predicted_md_minus_rank"] for c in controls)
    assert {r["claim_applies"] for r in res.measured["cases"]} == {True, False}
    assert res.cases - res.applicable == 3 and len(res.not_applicable) == 3
    assert count(res, "kernel_dim_vs_rank_sigma").compared == res.cases
    assert res.params["large_m"] == 0 and res.params["ms"] == [1, 3]  # the thinned grid actually run is recorded


def test_grid_quick_never_thins_an_explicit_parameter():
    res = run(mf.GRID, ms=[2, 5, 7], v_kinds=["equal"], raw_digits_ms=[])
    assert res.status == "pass", res.summary
    assert (res.params["ms"], res.params["v_kinds"], res.params["raw_digits_ms"]) == ([2, 5, 7], ["equal"], [])
    assert (res.params["ds"], res.params["conds"], res.params["large_m"]) == ([1, 8], [1.0], 0)  # the others are thinned
    assert sum(1 for r in res.measured["cases"] if "v=equal" in r["case"]) == 3 * 2
    assert not any(r["case"].startswith("digits m=") for r in res.measured["cases"])


def test_grid_is_deterministic_for_a_seed():
    """The worst-case row and every measured value are the same in two runs with the same seed."""
    a, b = run(mf.GRID, seed=11), run(mf.GRID, seed=11)
    assert a.measured == b.measured and a.certificates == b.certificates
    assert a.worst == b.worst and a.worst is not None
    assert [r["case"] for r in a.measured["cases"]] == [r["case"] for r in b.measured["cases"]]


def test_grid_wrong_claim_fails_and_loosened_tolerance_passes():
    res = run(mf.GRID, kernel="(m - 1) * d + 1")
    assert res.status == "fail" and count(res, "kernel_dim").failed == count(res, "kernel_dim").compared > 0
    assert count(res, "alpha_multiplicity").failed == 0
    assert run(mf.GRID, kernel="(m - 1) * d + 0.25", atol=0.5).status == "pass"


def test_grid_uncertified_case_is_inconclusive():
    res = run(mf.GRID, gap_max=1e-30)
    assert res.status == "inconclusive" and "not certified" in res.summary


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"large_m": 0, "large_d": 8}, "large_d"),
        ({"alpha_certificate": "direct", "direct_max_md": 100}, "direct_max_md"),
        ({"ms": []}, "ms"),
        ({"ds": [0]}, "ds"),
        ({"conds": [0.5]}, "conds"),
        ({"v_kinds": ["ones"]}, "v_kinds"),
        ({"alpha": 0.0}, "alpha"),
        ({"large_m": -1}, "large_m"),
    ],
)
def test_grid_bad_parameters_are_errors(overrides, message):
    with pytest.raises(ParameterError, match=message):
        prepare(mf.GRID, overrides)


def test_grid_memory_is_the_largest_case():
    p = prepare(mf.GRID, {})
    assert mf.GRID.memory(p) >= 8 * 65536 * 16 * 2 * 21  # the md ≈ 10⁶ case's two work buffers
    assert mf.GRID.memory(prepare(mf.GRID, {"large_m": 0, "digits_ms": [], "raw_digits_ms": []})) < mf.GRID.memory(p)


def test_case_records_are_immutable():
    res_spec = mf.SINGLE
    ctx = CheckContext(seed=1, params=prepare(res_spec, {"m": 5, "d": 2}), quick=True)
    s = res_spec.measure(ctx)
    with pytest.raises(AttributeError):
        s.record.m = 6  # type: ignore[misc]
    assert isinstance(s.record.cert.ritz, tuple) and isinstance(s.record.hypotheses, tuple)


# ---- the data behind it -------------------------------------------------------------------------------


def test_digits_file_is_what_load_digits_returns():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    D = digits()
    assert np.array_equal(D.X, X) and np.array_equal(D.y, y)


@pytest.mark.parametrize("seed", range(4))
def test_integer_gram_rank_is_exact(seed):
    rng = np.random.default_rng(seed)
    B = rng.integers(-3, 4, (12, 4))
    X = np.hstack([B, B @ rng.integers(-2, 3, (4, 3)), np.zeros((12, 1))])  # rank <= 4 of 8 columns
    assert integer_gram_rank(X) == exact_rank(X) == np.linalg.matrix_rank(X)
