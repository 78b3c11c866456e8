"""crosscheck.numerics.degenerate and .desingular: the degenerate-eigenvalue derivative against finite
differences, the reduced coefficients against their witnesses and the Lyapunov–Schmidt potential, and the
desingularised start of an α = 0 branch."""

import numpy as np
import pytest

from crosscheck.numerics import degenerate as dg
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.desingular import branch_start, desingularized_system, kernel_eigenvalue_slope, selection_roots


@pytest.fixture(scope="module")
def small():
    rng = np.random.default_rng(11)
    X = rng.standard_normal((60, 2))
    y = X @ np.array([1.0, -0.5]) + 0.5 * np.tanh(2 * X @ np.array([0.4, 0.9]))
    return hm.make_homotopy(X, y, np.array([0.6, 1.0, 1.4]), alpha=0.02)


def test_cluster_is_alpha_and_splits_at_the_finite_difference_rate(small):
    cd = dg.cluster_derivative(small)
    assert cd.mu.size == 2 * 2
    np.testing.assert_allclose(cd.cluster_eigs, 0.02, atol=1e-14)
    fd = dg.fd_lambda1_prime(small)
    assert max(fd.grad_norms) <= 1e-12
    assert fd.extrapolated == pytest.approx(cd.lambda1_prime, rel=1e-5)
    # the plain quotients converge to it at first order, from one side
    errs = [abs(q - cd.lambda1_prime) for q in fd.quotients]
    assert errs[0] > errs[1] > errs[2]


def test_single_eigenvector_rayleigh_quotient_overestimates_the_derivative(small):
    cd = dg.cluster_derivative(small)
    assert cd.mu[0] <= cd.naive_single_vector <= cd.mu[-1]


def test_branch_hessian_derivative_is_the_total_derivative(small):
    lam, h = 0.4, 1e-5
    w = hm.linear_minimum(small)
    for _ in range(40):  # converge onto the branch at λ and λ ± h
        w = w - np.linalg.solve(hm.hessian(small, w, lam), hm.grad(small, w, lam))
    dH, dw = dg.branch_hessian_derivative(small, w, lam)

    def on_branch(l):
        x = w + (l - lam) * dw
        for _ in range(5):
            x = x - np.linalg.solve(hm.hessian(small, x, l), hm.grad(small, x, l))
        return hm.hessian(small, x, l)

    np.testing.assert_allclose(dH, (on_branch(lam + h) - on_branch(lam - h)) / (2 * h), atol=1e-7)


@pytest.fixture(scope="module")
def eigen_point(small):
    """A point of the minimum branch at λ = 0.2 (warm-started Newton in steps of 0.05) and its softest
    eigenvector (Hφ = μφ, 0 < μ ≪ the other eigenvalues)."""
    w = hm.linear_minimum(small)
    for lam in (0.05, 0.1, 0.15, 0.2):
        for _ in range(20):
            w = w - np.linalg.solve(hm.hessian(small, w, lam), hm.grad(small, w, lam))
    e, V = np.linalg.eigh(hm.hessian(small, w, lam))
    assert np.linalg.norm(hm.grad(small, w, lam)) < 1e-14 and 0 < e[0] < e[1] / 3
    return w, lam, e[0], V[:, 0]


def test_reduced_coefficient_witnesses_agree(small, eigen_point):
    w, lam, _, phi = eigen_point
    rc = dg.reduced_coefficients(small, w, lam, phi)
    assert rc.g_aa_fd == pytest.approx(rc.g_aa, rel=1e-5)
    assert rc.g_aaa_fd == pytest.approx(rc.g_aaa, rel=1e-5)
    assert rc.g_aa_hess_fd == pytest.approx(rc.g_aa, rel=1e-5)
    assert rc.g_aaa_hess_fd == pytest.approx(rc.g_aaa, rel=1e-5)
    assert rc.correction > 0  # H_⊥ is positive definite here, so the reduction lowers the quartic term


def test_lyapunov_schmidt_quartic_matches_the_reduced_potential(small, eigen_point):
    # with Hφ = μφ: ψ(a) = μa²/2 + g_aa a³/6 + g_aaa_LS a⁴/24 + O(a⁵); the plain g_aaa would be wrong at a⁴
    w, lam, mu, phi = eigen_point
    rc = dg.reduced_coefficients(small, w, lam, phi)
    a = np.array([0.02, -0.02, 0.01, -0.01])
    psi, res = dg.reduced_potential(small, w, lam, phi, a)
    assert res.max() <= 1e-11
    quartic = (psi - mu * a**2 / 2 - rc.g_aa * a**3 / 6) / (a**4 / 24)
    assert quartic == pytest.approx(np.full(4, rc.g_aaa_ls), rel=0.05)
    assert abs(rc.g_aaa - rc.g_aaa_ls) > 0.2 * abs(rc.g_aaa_ls)  # the correction matters in this example


def test_null_vector_orientation_is_deterministic():
    phi = np.array([0.1, -0.9, 0.3])
    assert dg.orient_null_vector(phi)[1] > 0 and dg.orient_null_vector(-phi)[1] > 0


@pytest.fixture(scope="module")
def toy():
    rng = np.random.default_rng(4)
    x = rng.standard_normal(400)
    return hm.make_homotopy(x[:, None], np.tanh(1.5 * x), [1.0, 1.0], alpha=0.0)


def test_desingularised_system_zero_is_a_critical_point_for_positive_lambda(toy):
    system = desingularized_system(toy)
    w0, res, ok = branch_start(toy)
    assert ok and res <= 1e-12 and w0[0] == pytest.approx(w0[1], abs=1e-12)  # the symmetric point
    for lam in (0.2, 0.7):
        w = w0.copy()
        for _ in range(30):
            w = w - np.linalg.solve(system.jac_u(w, lam), system.residual(w, lam))
        assert np.linalg.norm(hm.grad(toy, w, lam)) <= 1e-12


def test_desingularised_jacobian_matches_finite_differences(toy):
    system = desingularized_system(toy)
    w, lam, h = np.array([0.3, 0.5]), 0.4, 1e-6
    J = np.column_stack([(system.residual(w + h * e, lam) - system.residual(w - h * e, lam)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(system.jac_u(w, lam), J, atol=1e-8)
    jl = (system.residual(w, lam + h) - system.residual(w, lam - h)) / (2 * h)
    np.testing.assert_allclose(system.jac_lam(w, lam), jl, atol=1e-8)


def test_kernel_eigenvalue_slope_is_the_hessian_rate_at_zero(toy):
    w0, _, _ = branch_start(toy)
    mu = kernel_eigenvalue_slope(toy, w0)[0]
    e = np.array([1.0, -1.0]) / np.sqrt(2)
    assert e @ hm.hessian(toy, w0, 0.0) @ e == pytest.approx(0.0, abs=1e-15)
    system = desingularized_system(toy)
    w = w0.copy()
    for _ in range(30):
        w = w - np.linalg.solve(system.jac_u(w, 1e-4), system.residual(w, 1e-4))
    assert (e @ hm.hessian(toy, w, 1e-4) @ e) / 1e-4 == pytest.approx(mu, rel=1e-3)


def test_selection_roots_include_the_symmetric_point(toy):
    roots = selection_roots(toy)
    assert any(abs(r[0] - r[1]) < 1e-9 for r in roots)
    system = desingularized_system(toy)
    assert all(np.linalg.norm(system.residual(r, 0.0)) <= 1e-10 for r in roots)


def test_desingularisation_needs_alpha_zero_and_nonzero_v(small, toy):
    with pytest.raises(ValueError, match="^alpha:"):
        desingularized_system(small)
    with pytest.raises(ValueError, match="^v:"):
        desingularized_system(hm.make_homotopy(toy.X, toy.y, [1.0, 0.0], 0.0))

