"""The paper's λ₁'(0) formulas as printed (against finite differences and identities), the fast minimum-sheet scan
and the (α, m) phase map on a tiny grid, and the new §7 checks in both directions (a true claim passes, a
claim moved beyond its tolerance fails, a small offset inside a loosened tolerance passes)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from crosscheck.checks import _paper_common as pc
from crosscheck.checks import paper_formulas, paper_phase
from crosscheck.checks.paper_phase import critical_width
from checkrun import assert_true_passes_and_wrong_fails, run_spec
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.degenerate import cluster_derivative, fd_lambda1_prime
from crosscheck.numerics.formulas import block_moment_matrix, evaluate_formulas, fd_partial_lambda, formula_matrices
from crosscheck.numerics.paper_data import paper_homotopy
from crosscheck.numerics.phase import lambda1_prime_at_zero, phase_map, phase_point, scan_branch

SPECS = {s.id: s for mod in (paper_formulas, paper_phase) for s in mod.CHECKS}


def run(check_id: str, overrides=None, **quantities):
    return run_spec(SPECS[check_id], overrides, seed=7, quick=True, **quantities)


@pytest.fixture(scope="module")
def hp10():
    return paper_homotopy(10, 4e-3)


# ---- formulas ------------------------------------------------------------------------------------------


def test_partial_lambda_hessian_matches_central_differences(hp10):
    w0 = hm.linear_minimum(hp10)
    exact = formula_matrices(hp10, w0)["exact"]
    assert np.abs(exact - fd_partial_lambda(hp10, w0)).max() <= 1e-7 * np.abs(exact).max()


def test_degenerate_exact_value_matches_finite_differences_of_the_branch(hp10):
    fm = evaluate_formulas(hp10, np.random.default_rng(0), 10)
    fd = fd_lambda1_prime(hp10)
    assert fm.values["exact"].degenerate == pytest.approx(fd.extrapolated, rel=1e-4)
    assert fm.values["exact"].degenerate == pytest.approx(cluster_derivative(hp10).lambda1_prime, rel=1e-12)
    assert lambda1_prime_at_zero(hp10) == pytest.approx(fd.extrapolated, rel=1e-4)


def test_on_the_eigenspace_only_the_residual_curvature_term_survives(hp10):
    """For U with Σⱼ vⱼUⱼ = 0 the cross terms of ∂_λH cancel: Bᵀ∂_λH B = Bᵀ blockdiag(vⱼ E[r σ''(zⱼ) xxᵀ]) B."""
    w0 = hm.linear_minimum(hp10)
    W = w0.reshape(hp10.m, hp10.d)
    Z = hp10.X @ W.T
    r = hp10.X @ W.T @ hp10.v - hp10.y
    s2 = hp10.act.series(Z, 2)[2]
    curv = block_moment_matrix(hp10, W, r[:, None] * s2 / hp10.v[None, :])  # vⱼ² · (r σ''/vⱼ) = vⱼ r σ''
    B = hm.alpha_eigenspace_basis(hp10.v, hp10.d)
    exact = formula_matrices(hp10, w0)["exact"]
    assert np.abs(B.T @ exact @ B - B.T @ curv @ B).max() <= 1e-12


def test_printed_formulas_by_direct_sums_and_signs(hp10):
    """(22)'s quadratic form is −Σⱼ vⱼ² mean(tanh²(zⱼ)(uⱼᵀx)²); (18) = −(22) for tanh; the fourth moment likewise."""
    w0 = hm.linear_minimum(hp10)
    M = formula_matrices(hp10, w0)
    W = w0.reshape(hp10.m, hp10.d)
    Z = hp10.X @ W.T
    u = np.random.default_rng(3).standard_normal(hp10.n)
    U = u.reshape(hp10.m, hp10.d)
    A = hp10.X @ U.T
    direct22 = -sum(hp10.v[j] ** 2 * np.mean(np.tanh(Z[:, j]) ** 2 * A[:, j] ** 2) for j in range(hp10.m))
    direct4 = -sum(hp10.v[j] ** 2 * np.mean(Z[:, j] ** 2 * A[:, j] ** 2) for j in range(hp10.m))
    assert u @ M["formula22"] @ u == pytest.approx(direct22, rel=1e-12)
    assert u @ M["fourth_moment"] @ u == pytest.approx(direct4, rel=1e-12)
    assert np.abs(M["formula18"] + M["formula22"]).max() <= 1e-15


def test_fourth_moment_approaches_formula22_for_small_weights(hp10):
    """tanh² z = z² − (2/3)z⁴ + …: at t·W₀ the ratio of the quadratic forms tends to 1 like 1 − O(t²)."""
    w0 = hm.linear_minimum(hp10)
    u = np.random.default_rng(4).standard_normal(hp10.n)
    gaps = []
    for t in (1.0, 0.1, 0.01):
        M = formula_matrices(hp10, t * w0)
        gaps.append(abs((u @ M["fourth_moment"] @ u) / (u @ M["formula22"] @ u) - 1))
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-4
    assert gaps[1] / gaps[2] == pytest.approx(100, rel=0.05)


def test_spread_lies_in_the_range_and_the_solver_vector_is_in_the_eigenspace(hp10):
    fm = evaluate_formulas(hp10, np.random.default_rng(1), 500)
    assert fm.solver_in_eigenspace <= 1e-8
    for v in fm.values.values():
        assert v.degenerate - 1e-14 <= v.random_min <= v.random_median <= v.random_max <= v.largest + 1e-14
        assert v.degenerate - 1e-14 <= v.solver_eigenvector <= v.largest + 1e-14


# ---- the scan and the phase map ------------------------------------------------------------------------


def test_scan_matches_the_ledger_trace():
    for m in (3, 10):
        sc = scan_branch(paper_homotopy(m, 4e-3))
        tr = pc.traced(m, 4e-3, pc.S_MAX_QUICK)
        assert sc.converged and sc.max_grad <= 1e-10
        if tr.lambda_star is None:
            assert sc.lambda_star is None and sc.min_lambda1 > 0
        else:
            assert sc.lambda_star == pytest.approx(tr.lambda_star, abs=1e-8)
            assert sc.kind == "fold" and sc.kernel_dim == 1


def _recorded_scan(monkeypatch, m: int):
    """scan_branch(step 0.5) of width m at α = 4e-3, with every attempted step recorded as (previous accepted
    (λ, λ₁), last accepted (λ, λ₁), λ tried, whether a step was rejected earlier while λ₁ decreased)."""
    import crosscheck.numerics.phase as ph

    hp = paper_homotopy(m, 4e-3)
    accepted = [(0.0, hp.alpha), (0.0, hp.alpha)]
    attempts: list = []
    real_newton, real_eigs = ph._newton, ph.smallest_eigs
    rejected = [False]

    def newton(hp_, x, lam, *args):
        if attempts and attempts[-1][:2] == (accepted[-2], accepted[-1]) and accepted[-1][1] < accepted[-2][1]:
            rejected[0] = True  # the last attempt, from this point while λ₁ decreased, was not accepted
        attempts.append((accepted[-2], accepted[-1], lam, rejected[0]))
        return real_newton(hp_, x, lam, *args)

    def eigs(H, k):
        ev = real_eigs(H, k)
        if k == 1 and ev[0] > 0:
            accepted.append((attempts[-1][2], float(ev[0])))
        return ev

    monkeypatch.setattr(ph, "_newton", newton)
    monkeypatch.setattr(ph, "smallest_eigs", eigs)
    return hp, ph.scan_branch(hp, 1.0, 0.5), attempts


def test_scan_steps_long_only_while_lambda1_is_high(monkeypatch):
    """The scan's step is at most ``step`` while λ₁ ≥ α/2 and at most ``step/2`` below, where λ₁ may head for
    zero: every attempted step from a point with λ₁ < α/2 is ≤ step/2 (without the rule the m = 3 branch, whose
    λ₁ dips to 0.18α and recovers, tries 0.5 from λ₁ ≈ 0.35α), and the long steps are taken (one > step/2)."""
    hp, sc, attempts = _recorded_scan(monkeypatch, 3)
    assert sc.lambda_star is None and sc.converged and sc.min_lambda1 < 0.25 * hp.alpha
    low = [lam_new - lam for _, (lam, l1), lam_new, _ in attempts if l1 < 0.5 * hp.alpha]
    assert low and max(low) <= 0.25 + 1e-12
    assert max(lam_new - lam for _, (lam, _), lam_new, _ in attempts) > 0.25


def test_scan_approaches_a_zero_at_most_half_way_then_by_the_square_rule(monkeypatch):
    """Where λ₁ decreases, a step goes at most half way to where λ₁ would reach zero falling on linearly; once a
    step there has been rejected, at most 0.7 of the way to where λ₁² would (a fold). Checked on every attempt
    of the m = 10 branch (which has a fold); both rules are used."""
    _, sc, attempts = _recorded_scan(monkeypatch, 10)
    assert sc.lambda_star is not None and sc.converged
    rules = set()
    for (lp, l1p), (lam, l1), lam_new, after_rejection in attempts:
        if not (l1 < l1p and lam > lp):
            continue
        if after_rejection:
            limit = 0.7 * l1 * l1 * (lam - lp) / (l1p**2 - l1 * l1)
        else:
            limit = 0.5 * l1 * (lam - lp) / (l1p - l1)
        assert lam_new - lam <= max(limit, 1e-4) * (1 + 1e-12)
        rules.add(after_rejection)
    assert rules == {False, True}


def test_phase_map_on_a_tiny_grid_serial_and_through_an_executor():
    serial = phase_map([4e-3, 2e-2], [3, 10])
    assert [(p.alpha, p.m) for p in serial] == [(4e-3, 3), (4e-3, 10), (2e-2, 3), (2e-2, 10)]
    assert [p.lambda_star is not None for p in serial] == [False, True, False, False]
    assert all(p.converged and p.lambda1_prime < 0 for p in serial)
    with ThreadPoolExecutor(2) as ex:
        par = phase_map([4e-3, 2e-2], [3, 10], mapper=ex.map)
    # threads share one BLAS thread setting, so the last digits may differ: the same points, to 1e-9
    assert [p.lambda_star is None for p in par] == [p.lambda_star is None for p in serial]
    assert [p.lambda_star for p in par if p.lambda_star] == pytest.approx([p.lambda_star for p in serial if p.lambda_star], abs=1e-9)
    assert [p.lambda1_prime for p in par] == pytest.approx([p.lambda1_prime for p in serial], rel=1e-9)
    # another largest step visits other points on the way: the same zero, to the extended system's accuracy
    assert phase_point((10, 4e-3, 0.1)).lambda_star == pytest.approx(serial[1].lambda_star, abs=1e-8)


def test_critical_width_from_the_grid():
    assert critical_width([2, 3, 4, 5, 6], {4, 5}) == (5.5, 0.5)
    assert critical_width([2, 5, 8, 11], {5}) == (6.5, 1.5)
    assert critical_width([2, 3, 4], {3, 4}) is None  # the largest grid width has a zero
    assert critical_width([2, 3, 4], set()) is None


# ---- the checks in both directions ----------------------------------------------------------------------

TINY_PHASE = {"alpha_count": 1, "alpha_min": 4e-3, "alpha_max": 4e-3, "extra_alphas": [], "widths": [3, 10, 15, 16]}

CONTROLS = [
    ("paper-formulas", "formula22_degenerate", (-0.130988, 1e-3, 0.0), (-0.00561, 1e-3, 0.0), {}),
    ("paper-formulas", "formula22_solver", (-0.0247691, 1e-4, 0.0), (-0.00561, 1e-3, 0.0), {}),
    ("paper-formulas", "fourth_moment_degenerate", (-0.141318, 1e-4, 0.0), (-0.00655, 1e-3, 0.0), {}),
    ("paper-formulas", "K_approx_degenerate", (-1.31266, 1e-4, 0.0), (-0.0787, 1e-3, 0.0), {}),
    ("paper-formulas", "max_row_norm", (0.16, 0.0, 5e-3), (0.2, 0.0, 5e-3), {}),
    ("phase-diagram", "widths_without_zero", (2, 0.0, 0.0), (0, 0.0, 0.0), TINY_PHASE),
    ("phase-diagram", "nonnegative_slopes", (0, 0.0, 0.0), (1, 0.0, 0.0), TINY_PHASE),
    ("phase-diagram", "critical_width", (15.5, 0.0, 0.0), ("0.0705 / alpha", 5e-3, 0.0), TINY_PHASE),
    ("unique-zero", "zero_count", (2, 0.0, 0.0), (1, 0.0, 0.0), {"widths": [10]}),
    ("unique-zero", "kernel_dim", (1, 0.0, 0.0), (2, 0.0, 0.0), {"widths": [10]}),
    ("lambda-star-vs-alpha", "lambda_star_limit", (0, 0.0, 5e-3), (0.05, 0.0, 5e-3),
     {"widths": [10], "alpha_min": 1e-4, "alpha_max": 3e-4, "alpha_count": 3, "fit_count": 3}),
    ("width-fits", "loglog_exponent", (-0.7113, 0.0, 1e-3), (-1.2, 0.0, 0.05), {"trace_widths": [5, 8, 10, 15]}),
    ("width-fits", "ratio_m15", (0.03, 0.0, 5e-3), (0.06, 0.0, 5e-3), {"trace_widths": [5, 8, 10, 15]}),
]


@pytest.mark.parametrize("check_id, q, true, wrong, params", CONTROLS, ids=[f"{c[0]}:{c[1]}" for c in CONTROLS])
def test_true_claim_passes_and_wrong_claim_fails(check_id, q, true, wrong, params):
    assert_true_passes_and_wrong_fails(run, check_id, params, q, true, wrong)


OFFSETS = [
    ("paper-formulas", "formula22_degenerate", "(22) as printed", 1e-4, {}),
    ("width-fits", "fit_intercept", "fit_intercept", 1e-3, {"trace_widths": [5, 8, 10, 15]}),
    ("lambda-star-vs-alpha", "first_order_error_exponent", "m=10", 1e-2,
     {"widths": [10], "alpha_min": 1e-4, "alpha_max": 3e-4, "alpha_count": 3, "fit_count": 3}),
]


def _value(res, key, q):
    m = res.measured[key]
    if isinstance(m, dict):
        return m["degenerate"] if "degenerate" in m else m[q]
    return m


@pytest.mark.parametrize("check_id, q, key, delta, params", OFFSETS, ids=[f"{c[0]}:{c[1]}" for c in OFFSETS])
def test_ledger_tolerance_decides_a_small_offset(check_id, q, key, delta, params):
    measured = _value(run(check_id, params, **{q: (0, 0.0, 1e9)}), key, q)
    claimed = measured + delta
    assert run(check_id, params, **{q: (claimed, 0.0, 2 * delta)}).status == "pass"
    res = run(check_id, params, **{q: (claimed, 0.0, delta / 2)})
    assert res.status == "fail" and res.worst.quantity == q


def test_critical_width_counts_read_the_claimed_critical_width():
    res = run("phase-diagram", TINY_PHASE, critical_width=("0.0705 / alpha", 5e-3, 0.0),
              widths_below_critical_without_zero=0, widths_above_critical_with_zero=0)
    counts = {qc.quantity: qc for qc in res.counts}
    assert counts["widths_below_critical_without_zero"].failed == 1  # m = 3 and 16 lie below 17.6 without a zero
    assert counts["widths_above_critical_with_zero"].failed == 0
    assert res.measured["by_alpha"]["0.004"]["widths_with_zero"] == [10, 15]


def test_hypothesis_failing_width_is_not_applicable_for_the_zero_count():
    res = run("unique-zero", {"widths": [2, 10]}, zero_count=(2, 0.0, 0.0))
    assert res.status == "pass" and any("hypothesis |λ₁'(0)| > α fails" in na for na in res.not_applicable)


@pytest.mark.parametrize("check_id", sorted(SPECS))
def test_a_claim_stating_nothing_is_inconclusive(check_id):
    params = {"paper-formulas": {"widths": [3, 5]}, "phase-diagram": TINY_PHASE, "unique-zero": {"widths": [10]},
              "lambda-star-vs-alpha": {"widths": [10], "alpha_count": 3, "alpha_min": 1e-4, "alpha_max": 3e-4, "fit_count": 3},
              "width-fits": {"trace_widths": [5, 8]}}[check_id]
    res = run(check_id, params)
    assert res.status == "inconclusive" and "none of the quantities" in res.summary
