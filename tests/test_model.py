"""crosscheck.numerics.activation and crosscheck.numerics.model: every derivative of every activation, and
the model's gradient, Hessian, ∂H/∂λ and Hessian-vector products against finite differences and against
each other (dense vs products), for tanh and the normalised softplus."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from crosscheck.numerics import model as mdl
from crosscheck.numerics.activation import ACTIVATIONS, SOFTPLUS, TANH, Activation, activation
from crosscheck.numerics.fd import fd_gradient, fd_hessian
from crosscheck.numerics.hvp import hvp

NAMES = sorted(ACTIVATIONS)
M, D, N = 4, 3, 40


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_each_derivative_is_the_central_difference_of_the_one_below(name, order):
    act = activation(name)
    z = np.linspace(-6, 6, 121)
    h = 1e-5
    below = act.derivative(order - 1)
    fd = (below(z + h) - below(z - h)) / (2 * h)
    # truncation h²·|σ⁽ᵒʳᵈᵉʳ⁺²⁾|/6 < 1e-9, rounding eps·|σ|/h < 1e-10 (|σ⁽ᵏ⁾| <= 10 on this range)
    np.testing.assert_allclose(act.derivative(order)(z), fd, rtol=0, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_series_equals_the_single_functions(name):
    act = activation(name)
    z = np.linspace(-30, 30, 301)
    for k in range(5):
        got = act.series(z, k)
        assert len(got) == k + 1
        for i, g in enumerate(got):
            np.testing.assert_array_equal(g, act.derivative(i)(z))


def test_softplus_is_normalised():
    z0 = np.zeros(1)
    assert SOFTPLUS.f(z0)[0] == 0.0 and SOFTPLUS.df(z0)[0] == 1.0 and SOFTPLUS.d2f(z0)[0] == 0.5
    assert TANH.f(z0)[0] == 0.0 and TANH.df(z0)[0] == 1.0
    z = np.array([-3.0, 0.5, 2.0])
    np.testing.assert_allclose(SOFTPLUS.f(z), 2 * (np.log1p(np.exp(z)) - np.log(2)), rtol=1e-14)


@pytest.mark.parametrize("name", NAMES)
def test_derivatives_are_finite_and_accurate_far_out(name):
    act = activation(name)
    z = np.array([-800.0, -40.0, 40.0, 800.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vals = act.series(z, 4)
    for v in vals:
        assert np.all(np.isfinite(v))
    if name != "tanh":  # logistic pieces keep relative accuracy: σ'' ~ 2e^{−|z|} for softplus
        p = np.exp(-40.0)
        scale = 2.0 if name == "softplus" else 1.0
        assert act.d2f(np.array([40.0]))[0] == pytest.approx(scale * p / (1 + p) ** 2, rel=1e-14)
    if name == "softplus":
        assert act.f(np.array([800.0]))[0] == pytest.approx(2 * (800 - np.log(2)), rel=1e-15)


def test_lookup():
    assert activation("tanh") is TANH and activation(SOFTPLUS) is SOFTPLUS
    assert isinstance(TANH, Activation)
    with pytest.raises(ValueError, match="^activation: unknown"):
        activation("relu6")
    with pytest.raises(Exception):
        TANH.name = "x"  # frozen


@pytest.fixture(params=["tanh", "softplus"])
def case(request):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((N, D))
    y = np.tanh(X @ rng.standard_normal(D)) + 0.1 * rng.standard_normal(N)
    model = mdl.make_model(X, y, rng.uniform(0.5, 1.5, M), alpha=0.02, act=request.param)
    w = 0.7 * rng.standard_normal(M * D)
    u = rng.standard_normal(M * D)
    return model, w, u / np.linalg.norm(u)


LAMS = [0.0, 0.37, 1.0]


@pytest.mark.parametrize("lam", LAMS)
def test_gradient_and_hessian_match_finite_differences(case, lam):
    model, w, _ = case
    f = lambda x: mdl.loss(model, x, lam)  # noqa: E731
    np.testing.assert_allclose(mdl.grad(model, w, lam), fd_gradient(f, w, 1e-6), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(mdl.hessian(model, w, lam), fd_hessian(f, w, 1e-4), rtol=1e-5, atol=1e-6)
    # the Hessian is the central difference of the analytic gradient, too
    g = lambda x: mdl.grad(model, x, lam)  # noqa: E731
    h = 1e-6
    cols = np.column_stack([(g(w + h * e) - g(w - h * e)) / (2 * h) for e in np.eye(w.size)])
    np.testing.assert_allclose(mdl.hessian(model, w, lam), cols, rtol=0, atol=1e-8)


@pytest.mark.parametrize("lam", LAMS)
def test_lambda_derivatives_match_finite_differences(case, lam):
    # ∇L and ∇²L are quadratic in λ: central differences are exact up to rounding for any step
    model, w, _ = case
    h = 1e-2
    fd = (mdl.hessian(model, w, lam + h) - mdl.hessian(model, w, lam - h)) / (2 * h)
    np.testing.assert_allclose(mdl.hess_lam(model, w, lam), fd, rtol=0, atol=1e-12)
    fd2 = (mdl.hessian(model, w, lam + h) - 2 * mdl.hessian(model, w, lam) + mdl.hessian(model, w, lam - h)) / h**2
    np.testing.assert_allclose(mdl.hess_lam2(model, w, lam), fd2, rtol=0, atol=1e-9)
    fdg = (mdl.grad(model, w, lam + h) - mdl.grad(model, w, lam - h)) / (2 * h)
    np.testing.assert_allclose(mdl.grad_lam(model, w, lam), fdg, rtol=0, atol=1e-12)


@pytest.mark.parametrize("lam", LAMS)
def test_third_and_fourth_derivatives(case, lam):
    model, w, u = case
    h = 1e-5
    fd = (mdl.hessian(model, w + h * u, lam) - mdl.hessian(model, w - h * u, lam)) / (2 * h)
    np.testing.assert_allclose(mdl.hess_dir(model, w, lam, u), fd, rtol=0, atol=1e-8)
    np.testing.assert_allclose(mdl.third_vec(model, w, lam, u), mdl.hess_dir(model, w, lam, u) @ u, atol=1e-13)
    _, _, d3, d4 = mdl.directional_derivatives(model, w, lam, u)
    q = lambda s: float(u @ mdl.hessian(model, w + s * u, lam) @ u)  # noqa: E731
    hq = 1e-4
    assert d3 == pytest.approx((q(hq) - q(-hq)) / (2 * hq), abs=1e-7)
    assert d4 == pytest.approx((q(hq) - 2 * q(0) + q(-hq)) / hq**2, abs=1e-4)


@pytest.mark.parametrize("lam", LAMS)
@pytest.mark.parametrize("structured", [True, False])
def test_hvp_blocks_equal_the_dense_hessian(case, lam, structured):
    model, w, _ = case
    H = mdl.hessian(model, w, lam)
    A = hvp(model, w, lam, structured=structured)
    V = np.random.default_rng(3).standard_normal((M * D, 5))
    for layout in ("C", "F"):
        got = A @ np.array(V, order=layout)
        np.testing.assert_allclose(got, H @ V, rtol=0, atol=1e-13 * np.abs(H).max() * np.abs(V).max() * M * D)
    # and a directional finite difference of the gradient
    h = 1e-6
    x = V[:, 0]
    fd = (mdl.grad(model, w + h * x, lam) - mdl.grad(model, w - h * x, lam)) / (2 * h)
    np.testing.assert_allclose(A @ x, fd, rtol=0, atol=1e-7)


def test_structured_and_data_paths_agree_at_lambda_zero():
    rng = np.random.default_rng(4)
    X, y, v = rng.standard_normal((30, 6)), rng.standard_normal(30), rng.standard_normal(9)
    model = mdl.make_model(X, y, v, alpha=0.3)
    W = rng.standard_normal((9, 6))
    V = rng.standard_normal((54, 7))
    fast, slow = hvp(model, W, 0.0) @ V, hvp(model, W, 0.0, structured=False) @ V
    np.testing.assert_allclose(fast, slow, rtol=0, atol=1e-13 * np.abs(slow).max())
    K = mdl.kronecker_hessian(v, mdl.empirical_covariance(X)) + 0.3 * np.eye(54)
    np.testing.assert_allclose(fast, K @ V, rtol=0, atol=1e-13 * np.abs(slow).max())


def test_flat_and_matrix_points_are_the_same(case):
    model, w, _ = case
    W = w.reshape(M, D)
    assert mdl.loss(model, w, 0.4) == mdl.loss(model, W, 0.4)
    np.testing.assert_array_equal(mdl.hessian(model, w, 0.4), mdl.hessian(model, W, 0.4))
    with pytest.raises(ValueError, match="^W:"):
        mdl.grad(model, np.zeros((M, D + 1)), 0.4)
    with pytest.raises(ValueError, match="^w:"):
        mdl.grad(model, w[:-1], 0.4)


def test_lambda_derivative_of_the_hessian_on_the_alpha_eigenspace_is_the_dense_product():
    """Bᵀ∂_λ∇²L(W, 0)B from the diagonal blocks alone (B = Q ⊗ I) equals the dense product at any W, for two
    activations and several shapes; dropping the blocks, a wrong index order (k and l or a and b swapped) or a
    Jacobian term that does not vanish on E would not."""
    rng = np.random.default_rng(12)
    for act in ("tanh", "softplus"):
        for m, d in ((2, 1), (3, 2), (7, 5)):
            X, y = rng.standard_normal((60, d)), rng.standard_normal(60)
            v = rng.standard_normal(m)
            model = mdl.make_model(X, y, v, 0.01, act)
            B = mdl.alpha_eigenspace_basis(v, d)
            for w in (mdl.linear_minimum(model), rng.standard_normal(m * d)):
                C = mdl.hess_lam_on_alpha_eigenspace(model, w)
                dense = B.T @ mdl.hess_lam(model, w, 0.0) @ B
                assert np.abs(dense).max() > 1e-7  # not trivially zero
                np.testing.assert_allclose(C, dense, atol=1e-12 * np.abs(dense).max())


def test_lambda_derivative_of_the_hessian_applied_to_a_vector_matches_the_matrix():
    """(∂_λ∇²L)u without the matrix equals hess_lam(w, λ) @ u at λ = 0, inside and at 1, for two activations;
    a dropped term (the curvature block, either cross product) would leave an O(1) difference."""
    rng = np.random.default_rng(13)
    for act in ("tanh", "softplus"):
        for m, d in ((1, 2), (3, 4), (6, 3)):
            X, y = rng.standard_normal((50, d)), rng.standard_normal(50)
            model = mdl.make_model(X, y, np.linspace(0.5, 1.5, m), 4e-3, act)
            for lam in (0.0, 0.4, 1.0):
                w, u = 0.5 * rng.standard_normal(model.n), rng.standard_normal(model.n)
                dense = mdl.hess_lam(model, w, lam) @ u
                np.testing.assert_allclose(mdl.hess_lam_vec(model, w, lam, u), dense, atol=1e-12 * np.abs(dense).max())
