"""Hessian-vector products from data (crosscheck.numerics.hvp) against the dense Hessian."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.sparse.linalg import LinearOperator

from crosscheck.numerics import kronecker_hessian, loss_hessian, loss_hvp
from crosscheck.numerics.hessian import empirical_covariance


def _data(seed: int, N: int = 40, m: int = 5, d: int = 3):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((N, d)), rng.standard_normal(N), rng.standard_normal(m), rng.standard_normal((m, d))


@pytest.mark.parametrize("lam", [0.0, 0.4, 1.0])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_hvp_equals_dense_hessian_columns(lam, alpha, activation):
    X, y, v, W = _data(1)
    H = loss_hessian(X, y, v, W, lam, alpha, activation)
    A = loss_hvp(X, y, v, W, lam, alpha, activation)
    assert isinstance(A, LinearOperator) and A.shape == H.shape
    dense = A @ np.eye(H.shape[0])
    np.testing.assert_allclose(dense, H, rtol=0, atol=1e-13 * np.abs(H).max())


@pytest.mark.parametrize("lam", [0.0, 0.7])
def test_hvp_is_symmetric_and_matvec_agrees_with_matmat(lam):
    X, y, v, W = _data(2, m=4, d=6)
    A = loss_hvp(X, y, v, W, lam, 0.1)
    rng = np.random.default_rng(0)
    x, z = rng.standard_normal(24), rng.standard_normal(24)
    assert abs(z @ (A @ x) - x @ (A @ z)) <= 1e-12 * np.linalg.norm(x) * np.linalg.norm(z) * 10
    np.testing.assert_allclose(A.matvec(x), (A @ x[:, None])[:, 0], rtol=1e-14, atol=1e-14)
    np.testing.assert_allclose(A.rmatvec(x), A.matvec(x), rtol=0, atol=0)
    np.testing.assert_allclose(A.H @ x, A @ x, rtol=0, atol=0)


@pytest.mark.parametrize("alpha", [0.0, 0.25])
@pytest.mark.parametrize("layout", ["C", "F"])
@pytest.mark.parametrize("in_place", [False, True])
def test_matmat_into_any_layout_and_in_place(alpha, layout, in_place):
    X, y, v, W = _data(3, m=6, d=4)
    H = loss_hessian(X, y, v, W, 0.0, alpha)
    A = loss_hvp(X, y, v, W, 0.0, alpha)
    V = np.random.default_rng(1).standard_normal((24, 7))
    expected = H @ V
    Vl = np.array(V, order=layout)
    out = Vl if in_place else np.empty_like(Vl)
    got = A.matmat_into(Vl, out)
    assert got is out
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-13 * np.abs(expected).max())


def test_at_linear_endpoint_it_is_the_kronecker_matrix_and_ignores_W_and_y():
    X, y, v, W = _data(4, N=60, m=3, d=5)
    K = kronecker_hessian(v, empirical_covariance(X)) + 0.5 * np.eye(15)
    other = loss_hvp(X, -3 * y, v, 7 * W + 1, 0.0, 0.5) @ np.eye(15)
    np.testing.assert_allclose(other, K, rtol=0, atol=1e-13 * np.abs(K).max())


def test_linear_endpoint_cost_does_not_grow_with_m_times_N():
    """At λ = 0 the product is O(md + N·d): m = 20 000, N = 5 000 is instant (the general path would
    need N·m = 10⁸ entries)."""
    rng = np.random.default_rng(5)
    m, d, N = 20_000, 8, 5_000
    X = rng.standard_normal((N, d))
    v = rng.standard_normal(m)
    A = loss_hvp(X, np.zeros(N), v, np.zeros((m, d)))
    D = rng.standard_normal((m, d))
    got = (A @ D.ravel()).reshape(m, d)
    expected = np.outer(v, empirical_covariance(X) @ (D.T @ v))
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10 * np.abs(expected).max())


def test_products_are_counted_per_column():
    X, y, v, W = _data(6)
    A = loss_hvp(X, y, v, W)
    A @ np.ones(15)
    A @ np.ones((15, 4))
    assert A.products == 5


@pytest.mark.parametrize(
    "kwargs, name",
    [({"W": np.zeros((2, 2))}, "W"), ({"alpha": -1.0}, "alpha"), ({"activation": "relu"}, "activation"), ({"y": np.zeros(3)}, "y")],
)
def test_bad_arguments_name_the_argument(kwargs, name):
    X, y, v, W = _data(7)
    args = {"X": X, "y": y, "v": v, "W": W, **kwargs}
    with pytest.raises(ValueError, match=name):
        loss_hvp(**args)


def test_block_of_wrong_height_is_rejected():
    X, y, v, W = _data(8)
    with pytest.raises(ValueError, match="V"):
        loss_hvp(X, y, v, W).matmat_into(np.zeros((7, 2)))
