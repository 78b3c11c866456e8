"""crosscheck.numerics.homotopy (the model under its former name) and paper_data: λ-derivatives and third/fourth derivatives against finite
differences, the closed-form λ = 0 minimum, the eigenspace basis, and the data recipe."""

import numpy as np
import pytest

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.activation import ACTIVATIONS
from crosscheck.numerics.paper_data import paper_dataset, paper_homotopy, paper_v, toy_dataset

M, D, N = 4, 3, 40


@pytest.fixture(params=["tanh", "sigmoid"])
def case(request):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((N, D))
    y = np.tanh(X @ rng.standard_normal(D)) + 0.1 * rng.standard_normal(N)
    hp = hm.make_homotopy(X, y, rng.uniform(0.5, 1.5, M), alpha=0.01, activation=request.param)
    w = 0.7 * rng.standard_normal(M * D)
    u = rng.standard_normal(M * D)
    return hp, w, u / np.linalg.norm(u)


LAMS = [0.0, 0.37, 1.0]


@pytest.mark.parametrize("lam", LAMS)
def test_grad_lam_is_the_lambda_derivative_of_the_gradient(case, lam):
    # ∇L is quadratic in λ, so the central difference is exact up to rounding for any step
    hp, w, _ = case
    h = 1e-2
    fd = (hm.grad(hp, w, lam + h) - hm.grad(hp, w, lam - h)) / (2 * h)
    np.testing.assert_allclose(hm.grad_lam(hp, w, lam), fd, rtol=0, atol=1e-12)
    fd2 = (hm.grad(hp, w, lam + h) - 2 * hm.grad(hp, w, lam) + hm.grad(hp, w, lam - h)) / h**2
    np.testing.assert_allclose(hm.grad_lam2(hp, w, lam), fd2, rtol=0, atol=1e-9)


@pytest.mark.parametrize("lam", LAMS)
def test_hess_lam_is_the_lambda_derivative_of_the_hessian(case, lam):
    hp, w, _ = case
    h = 1e-2
    fd = (hm.hessian(hp, w, lam + h) - hm.hessian(hp, w, lam - h)) / (2 * h)
    np.testing.assert_allclose(hm.hess_lam(hp, w, lam), fd, rtol=0, atol=1e-12)
    fd2 = (hm.hessian(hp, w, lam + h) - 2 * hm.hessian(hp, w, lam) + hm.hessian(hp, w, lam - h)) / h**2
    np.testing.assert_allclose(hm.hess_lam2(hp, w, lam), fd2, rtol=0, atol=1e-9)


@pytest.mark.parametrize("lam", LAMS)
def test_hess_dir_is_the_directional_derivative_of_the_hessian(case, lam):
    hp, w, u = case
    h = 1e-5
    fd = (hm.hessian(hp, w + h * u, lam) - hm.hessian(hp, w - h * u, lam)) / (2 * h)
    np.testing.assert_allclose(hm.hess_dir(hp, w, lam, u), fd, rtol=0, atol=1e-8)


@pytest.mark.parametrize("lam", LAMS)
def test_third_vec_is_the_contracted_third_derivative(case, lam):
    hp, w, u = case
    np.testing.assert_allclose(hm.third_vec(hp, w, lam, u), hm.hess_dir(hp, w, lam, u) @ u, rtol=0, atol=1e-13)


@pytest.mark.parametrize("lam", LAMS)
def test_directional_derivatives_match_finite_differences(case, lam):
    hp, w, u = case
    d1, d2, d3, d4 = hm.directional_derivatives(hp, w, lam, u)
    assert d1 == pytest.approx(float(hm.grad(hp, w, lam) @ u), abs=1e-13)
    assert d2 == pytest.approx(float(u @ hm.hessian(hp, w, lam) @ u), abs=1e-13)
    h = 1e-4
    q = lambda s: float(u @ hm.hessian(hp, w + s * u, lam) @ u)  # noqa: E731
    assert d3 == pytest.approx((q(h) - q(-h)) / (2 * h), abs=1e-7)
    assert d4 == pytest.approx((q(h) - 2 * q(0) + q(-h)) / h**2, abs=1e-4)


def test_directional_derivatives_vanish_beyond_second_order_at_lambda_zero(case):
    # L(·, 0) is quadratic in W
    hp, w, u = case
    _, _, d3, d4 = hm.directional_derivatives(hp, w, 0.0, u)
    assert d3 == 0.0 and d4 == 0.0


def test_former_names_are_the_model():
    """homotopy.py and hessian.py are thin wrappers: one implementation (crosscheck.numerics.model)."""
    from crosscheck.numerics import model

    assert hm.Homotopy is model.Model and hm.hessian is model.hessian and hm.grad is model.grad
    for name, act in ACTIVATIONS.items():
        assert hm.FOURTH_DERIVATIVES[name] is act.d4f


@pytest.mark.parametrize("alpha", [0.0, 0.01])
def test_linear_minimum_solves_the_kronecker_normal_equations(alpha):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((30, D))
    y = rng.standard_normal(30)
    v = rng.uniform(0.5, 1.5, M)
    hp = hm.make_homotopy(X, y, v, alpha=alpha)
    w0 = hm.linear_minimum(hp)
    A = np.kron(np.outer(v, v), X.T @ X / 30) + alpha * np.eye(M * D)
    b = np.kron(v, X.T @ y / 30)
    np.testing.assert_allclose(A @ w0, b, atol=1e-12)
    np.testing.assert_allclose(w0, np.linalg.pinv(A) @ b, atol=1e-10)  # the minimum-norm solution when α = 0
    assert np.linalg.norm(hm.grad(hp, w0, 0.0)) < 1e-13


def test_alpha_eigenspace_basis_is_orthonormal_and_orthogonal_to_v():
    v = np.array([0.5, 1.0, 1.5, -0.2])
    B = hm.alpha_eigenspace_basis(v, D)
    assert B.shape == (M * D, (M - 1) * D)
    np.testing.assert_allclose(B.T @ B, np.eye((M - 1) * D), atol=1e-14)
    np.testing.assert_allclose(np.kron(v, np.eye(D)) @ B, 0.0, atol=1e-14)


def test_wrong_arguments_name_the_argument(case):
    hp, w, _ = case
    with pytest.raises(ValueError, match="^w:"):
        hm.grad(hp, w[:-1], 0.5)
    with pytest.raises(ValueError, match="^y:"):
        hm.make_homotopy(np.ones((5, 2)), np.ones(4), [1.0])
    with pytest.raises(ValueError, match="^alpha:"):
        hm.make_homotopy(np.ones((5, 2)), np.ones(5), [1.0], alpha=-1.0)
    with pytest.raises(ValueError, match="^m:"):
        paper_v(0)


def test_data_recipe_equals_the_legacy_global_generator():
    state = np.random.get_state()
    try:
        np.random.seed(77)
        X = np.random.randn(500, 5)
        y = X @ np.array([1, 0.5, -0.3, 0.2, -0.1]) + 0.4 * np.tanh(1.5 * X @ np.array([0.3, -0.7, 0.5, -0.2, 0.4])) + 0.05 * np.random.randn(500)
    finally:
        np.random.set_state(state)
    Xp, yp = paper_dataset()
    assert np.array_equal(X, Xp) and np.array_equal(y, yp)


def test_paper_homotopy_shares_data_across_widths():
    a, b = paper_homotopy(3), paper_homotopy(10)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y)
    np.testing.assert_allclose(b.v, np.linspace(0.5, 1.5, 10))


def test_toy_dataset_is_reproducible_from_the_generator():
    x1, y1 = toy_dataset(np.random.default_rng(3))
    x2, y2 = toy_dataset(np.random.default_rng(3))
    assert x1.shape == (2000, 1) and np.array_equal(y1, y2) and np.array_equal(x1, x2)
    assert np.std(y1 - np.tanh(1.5 * x1[:, 0])) == pytest.approx(0.02, rel=0.1)
