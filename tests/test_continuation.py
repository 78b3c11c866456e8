"""crosscheck.numerics.continuation and .singular on analytic examples with known folds and branch points."""

import math

import numpy as np
import pytest

from crosscheck.numerics.continuation import ContinuationOptions, System, continue_branch, refine_monitor_minimum
from crosscheck.numerics.singular import classify_singular_point, solve_singular_point


def fold_system() -> System:
    """F(u, λ) = (u₁² + λ − 1, u₂ − u₁²/2, u₃ + u₁u₂): solutions u₁ = ±√(1 − λ), a quadratic fold at λ = 1, u = 0,
    null vector e₁ there."""

    def F(u, lam):
        return np.array([u[0] ** 2 + lam - 1, u[1] - 0.5 * u[0] ** 2, u[2] + u[0] * u[1]])

    def Fu(u, lam):
        return np.array([[2 * u[0], 0, 0], [-u[0], 1, 0], [u[1], u[0], 1.0]])

    def Fuu(u, lam, phi):  # δ ↦ F_uu[φ, δ] = D_u(F_u φ)[δ]
        return np.array([[2 * phi[0], 0, 0], [-phi[0], 0, 0], [phi[1], phi[0], 0.0]])

    return System(F, Fu, lambda u, lam: np.array([1.0, 0, 0]), Fuu, lambda u, lam, phi: np.zeros(3))


def transcritical_system() -> System:
    """F(u, λ) = (u₁² − λu₁, u₂ − u₁): the branches u₁ = 0 and u₁ = λ cross at λ = 0 (transcritical)."""
    return System(
        lambda u, lam: np.array([u[0] ** 2 - lam * u[0], u[1] - u[0]]),
        lambda u, lam: np.array([[2 * u[0] - lam, 0], [-1.0, 1]]),
        lambda u, lam: np.array([-u[0], 0.0]),
        lambda u, lam, phi: np.array([[2 * phi[0], 0], [0.0, 0]]),
        lambda u, lam, phi: np.array([-phi[0], 0.0]),
    )


def det_monitor(u, lam, Fu):
    return (float(np.linalg.det(Fu)),)


@pytest.fixture(scope="module")
def around_fold():
    opts = ContinuationOptions(s0=0.05, s_max=0.1, lam_min=-0.01, lam_max=2.0)
    return continue_branch(fold_system(), np.array([1.0, 0.5, -0.5]), 0.0, +1.0, opts, det_monitor)


def test_every_accepted_point_is_a_solution(around_fold):
    assert around_fold.residual.max() <= 1e-10
    for u, lam in zip(around_fold.u, around_fold.lam):
        assert np.linalg.norm(fold_system().residual(u, lam)) <= 1e-10


def test_continuation_goes_around_the_fold_to_the_other_sheet(around_fold):
    assert around_fold.status == "reached lam_min"
    assert around_fold.folds() and len(around_fold.folds()) == 1
    i = around_fold.folds()[0]
    assert around_fold.lam[i] == pytest.approx(1.0, abs=2e-3)
    assert around_fold.lam.max() <= 1.0 + 1e-12  # never beyond the fold
    assert around_fold.u[-1][0] < -0.99  # the lower sheet u₁ = −√(1 − λ)


def test_sign_change_of_the_test_function_is_bracketed_tightly(around_fold):
    (i,) = around_fold.sign_changes(0)
    step = np.linalg.norm(np.append(around_fold.u[i + 1] - around_fold.u[i], around_fold.lam[i + 1] - around_fold.lam[i]))
    assert step <= 2e-3 * 1.0001


def test_extended_system_finds_the_fold_exactly(around_fold):
    (i,) = around_fold.sign_changes(0)
    sp = solve_singular_point(fold_system(), around_fold.u[i], around_fold.lam[i], np.array([1.0, 0.3, 0.1]))
    assert sp.converged and sp.lam == pytest.approx(1.0, abs=1e-10)
    np.testing.assert_allclose(sp.u, 0.0, atol=1e-9)
    assert abs(sp.phi[0]) == pytest.approx(1.0, abs=1e-9)
    assert sp.jac_smin > 0.1  # regular at a quadratic fold
    cls = classify_singular_point(fold_system(), sp)
    assert cls.kind == "fold" and abs(cls.psi_F_lam) == pytest.approx(1.0)


def test_transcritical_crossing_is_passed_without_turning_and_classified():
    opts = ContinuationOptions(s0=0.05, s_max=0.1, lam_max=0.5)
    br = continue_branch(transcritical_system(), np.array([-0.5, -0.5]), -0.5, +1.0, opts, det_monitor)
    assert br.folds() == []
    (i,) = br.sign_changes(0)
    assert br.lam[i] <= 0.0 <= br.lam[i + 1]
    np.testing.assert_allclose(br.u[:, 0], br.lam, atol=1e-10)  # stayed on the branch u₁ = λ
    sp = solve_singular_point(transcritical_system(), br.u[i], br.lam[i], np.array([1.0, 1.0]), max_iter=80)
    assert sp.converged and abs(sp.lam) < 1e-8
    assert sp.jac_smin < 1e-6  # the extended Jacobian is singular at a branch point
    assert classify_singular_point(transcritical_system(), sp).kind == "transcritical"


def test_non_convergence_is_reported_not_raised():
    sp = solve_singular_point(fold_system(), np.array([5.0, 5, 5]), 30.0, np.array([0.0, 0.0, 1.0]), max_iter=3)
    assert not sp.converged and "no convergence" in sp.message and math.isfinite(sp.residual_F)


def test_start_that_is_not_a_solution_is_rejected():
    with pytest.raises(ValueError, match="^u0:"):
        continue_branch(fold_system(), np.array([5.0, 0, 0]), 2.0, +1.0, ContinuationOptions(), det_monitor)  # no solution at λ = 2


def test_sampled_minimum_of_a_monitor_is_refined():
    system = System(
        lambda u, lam: np.array([u[0] - math.sin(lam)]),
        lambda u, lam: np.array([[1.0]]),
        lambda u, lam: np.array([-math.cos(lam)]),
    )

    def monitor(u, lam, Fu):
        return ((lam - 0.3137) ** 2 + 0.1,)

    br = continue_branch(system, np.array([0.0]), 0.0, +1.0, ContinuationOptions(s0=0.2, s_max=0.2, lam_max=1.0), monitor)
    k = int(np.argmin(br.monitor[:, 0]))
    val, lam = refine_monitor_minimum(system, br, k, monitor, xtol=1e-6)
    assert val == pytest.approx(0.1, abs=1e-9) and lam == pytest.approx(0.3137, abs=1e-4)
    assert br.monitor[k, 0] > val  # the sample itself missed the minimum


@pytest.mark.parametrize("bad", [{"s_max": 0.0}, {"tol": -1.0}, {"s_min": 1.0, "s_max": 0.1}, {"max_newton": 0}])
def test_bad_options_name_the_option(bad):
    with pytest.raises(ValueError, match=f"^{next(iter(bad))}:"):
        ContinuationOptions(**bad)


def line_system() -> System:
    """F(u, λ) = u − λ: the curve u = λ, regular everywhere (only the test function has features)."""
    return System(lambda u, lam: u - lam, lambda u, lam: np.eye(1), lambda u, lam: -np.ones(1))


def dip_monitor(u, lam, Fu):
    """(λ − 0.5)² − 0.03²: negative only on (0.47, 0.53), a short dip a long step steps over."""
    return ((lam - 0.5) ** 2 - 0.03**2,)


@pytest.mark.parametrize("fraction, found", [(None, False), (0.5, True)])
def test_test_function_step_limit_finds_a_short_dip_long_steps_miss(fraction, found):
    """Negative control first: with the limit off, steps of 0.4 jump over the dip; with it, the steps shrink as
    the test function heads for zero and both sign changes are sampled."""
    opts = ContinuationOptions(s0=0.4, s_max=0.4, lam_max=1.0, lam_min=-0.1, monitor_fraction=fraction)
    br = continue_branch(line_system(), np.zeros(1), 0.0, +1.0, opts, dip_monitor)
    assert br.status == "reached lam_max"
    assert (len(br.sign_changes()) == 2) is found
    if found:  # long steps where the test function is far from zero
        assert np.diff(br.lam).max() >= 0.25  # a step of 0.4 along the unit tangent (1, 1)/√2


def test_monitor_limit_shortens_only_steps_towards_zero():
    from crosscheck.numerics.continuation import _monitor_limit

    opts = ContinuationOptions(event_step=1e-3)
    assert _monitor_limit(0.4, 1.0, 0.5, 0.1, opts) == pytest.approx(0.5 * 0.5 * 0.1 / 0.5)  # half the predicted distance
    assert _monitor_limit(0.4, 0.5, 1.0, 0.1, opts) == 0.4  # moving away from zero
    assert _monitor_limit(0.4, 1.0, -0.5, 0.1, opts) == 0.4  # a sign change is the event rule's business
    assert _monitor_limit(0.4, 1.0, 1e-9, 0.1, opts) == 1e-3  # never below event_step
    assert _monitor_limit(1e-4, 1.0, 1e-9, 0.1, opts) == 1e-4  # nor above the current step
    with pytest.raises(ValueError, match="monitor_fraction"):
        ContinuationOptions(monitor_fraction=1.5)
