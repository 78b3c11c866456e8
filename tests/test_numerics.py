"""The public numerics API: conventions, exactness, tolerances, and input validation."""

import numpy as np
import pytest

from crosscheck.numerics import (
    empirical_covariance,
    exact_rank,
    kronecker_hessian,
    loss,
    loss_grad,
    loss_hessian,
    numerical_rank,
)
from crosscheck.numerics.fd import fd_gradient, fd_hessian
from crosscheck.numerics.rank import eigen_cluster


@pytest.fixture
def data():
    rng = np.random.default_rng(1)
    m, d, N = 4, 3, 60
    return rng.standard_normal((N, d)), rng.standard_normal(N), rng.uniform(0.5, 1.5, m), rng.standard_normal((m, d))


def test_kronecker_entry_follows_row_major_vec():
    v, S = np.array([1.0, 2.0, 3.0]), np.array([[2.0, 0.5], [0.5, 1.0]])
    K = kronecker_hessian(v, S)
    d = 2
    for j in range(3):
        for k in range(2):
            for jj in range(3):
                for kk in range(2):
                    assert K[j * d + k, jj * d + kk] == v[j] * v[jj] * S[k, kk]


def test_hessian_at_linear_endpoint_is_kronecker_for_any_W(data):
    X, y, v, W = data
    K = kronecker_hessian(v, empirical_covariance(X))
    for scale in (0.0, 1.0, 10.0):
        np.testing.assert_allclose(loss_hessian(X, y, v, scale * W), K, rtol=0, atol=1e-13)


def test_regularisation_adds_alpha_identity(data):
    X, y, v, W = data
    H0, Ha = loss_hessian(X, y, v, W), loss_hessian(X, y, v, W, alpha=0.3)
    np.testing.assert_allclose(Ha - H0, 0.3 * np.eye(H0.shape[0]), atol=1e-14)


def test_hessian_at_linear_endpoint_wrong_convention_is_detected(data):
    """Negative control: column-major vec(W) gives kron(Σ, vvᵀ), which is a different matrix."""
    X, y, v, W = data
    wrong = np.kron(empirical_covariance(X), np.outer(v, v))
    assert np.abs(loss_hessian(X, y, v, W) - wrong).max() > 1e-3


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("lam", [0.0, 0.4, 1.0])
def test_gradient_and_hessian_match_finite_differences(data, lam, activation):
    X, y, v, W = data
    f = lambda w: loss(X, y, v, w.reshape(W.shape), lam=lam, alpha=0.02, activation=activation)  # noqa: E731
    g = loss_grad(X, y, v, W, lam=lam, alpha=0.02, activation=activation).ravel()
    np.testing.assert_allclose(g, fd_gradient(f, W.ravel(), 1e-6), rtol=1e-6, atol=1e-8)
    H = loss_hessian(X, y, v, W, lam=lam, alpha=0.02, activation=activation)
    np.testing.assert_allclose(H, fd_hessian(f, W.ravel(), 1e-4), rtol=1e-5, atol=1e-6)


def test_nonlinear_hessian_differs_from_kronecker(data):
    """At λ > 0 the curvature term of h makes the Hessian depend on W (not the Kronecker matrix)."""
    X, y, v, W = data
    K = kronecker_hessian(v, empirical_covariance(X))
    assert np.abs(loss_hessian(X, y, v, W, lam=0.8) - K).max() > 1e-3


def test_numerical_rank_reports_tolerance_and_gap():
    A = np.diag([3.0, 1.0, 1e-20, 0.0])
    r = numerical_rank(A)
    assert r.rank == 2 and r.nullity == 2
    assert r.tol == pytest.approx(4 * np.finfo(float).eps * 3.0)
    assert r.gap == pytest.approx(1e-20)


def test_numerical_rank_respects_rtol():
    A = np.diag([1.0, 1e-8])
    assert numerical_rank(A).rank == 2
    assert numerical_rank(A, rtol=1e-6).rank == 1


def test_numerical_rank_gap_is_zero_when_nothing_to_separate():
    assert numerical_rank(np.eye(3)).gap == 0.0
    assert numerical_rank(np.zeros((2, 2))).rank == 0


@pytest.mark.parametrize(
    ("matrix", "rank"),
    [([[1, 2], [2, 4]], 1), ([[1, 0], [0, 1]], 2), ([[0, 0], [0, 0]], 0), ([["1/3", "2/3"], ["1", "2"]], 1), ([[1, 2, 3], [4, 5, 6], [7, 8, 9]], 2)],
)
def test_exact_rank(matrix, rank):
    assert exact_rank(matrix) == rank


def test_exact_rank_sees_what_floating_point_cannot():
    """[[1, 1], [1, 1 + 2^-60]] has exact rank 2, but 1 + 2^-60 == 1 in float64 arithmetic."""
    from fractions import Fraction

    eps = Fraction(1, 2**60)
    assert exact_rank([[1, 1], [1, 1 + eps]]) == 2
    assert numerical_rank(np.array([[1.0, 1.0], [1.0, float(1 + eps)]])).rank == 1


def test_eigen_cluster_counts_and_certifies():
    c = eigen_cluster([0.1, 0.1 + 1e-15, 0.1 - 1e-15, 2.0], 0.1, 1e-12)
    assert c.count == 3 and c.nearest_outside == 2.0 and c.gap < 1e-12


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"v": np.array([np.nan, 1.0])}, "v: contains NaN"),
        ({"W": np.zeros((3, 3))}, "W: expected size"),
        ({"y": np.zeros(5)}, "y: expected size"),
        ({"alpha": -1.0}, "alpha: must be >= 0"),
        ({"lam": float("inf")}, "lam: must be finite"),
        ({"v": np.zeros(0)}, "v: is empty"),
        ({"activation": "relu6"}, "activation: unknown"),
    ],
)
def test_invalid_arguments_name_the_argument(data, kwargs, match):
    X, y, v, W = data
    args = {"X": X, "y": y, "v": v, "W": W, **kwargs}
    with pytest.raises(ValueError, match=match):
        loss_hessian(**args)


def test_kronecker_rejects_nonsquare_sigma():
    with pytest.raises(ValueError, match="sigma: must be square"):
        kronecker_hessian([1.0], np.ones((2, 3)))


def test_zero_dimensions_rejected():
    with pytest.raises(ValueError, match="X: is empty"):
        loss_hessian(np.zeros((5, 0)), np.zeros(5), np.ones(2), np.zeros((2, 0)))
