"""The loss of the two-layer network, its gradient and its exact Hessian in W.

Model and conventions (stated once, used everywhere):

* data ``X`` of shape (N, d), targets ``y`` of shape (N,), second layer ``v`` of shape (m,) (fixed),
  first layer ``W`` of shape (m, d) (trained);
* activation homotopy ``h(z, λ) = (1 − λ) z + λ σ(z)``;
* network ``f(x) = Σ_j v_j h(w_jᵀ x, λ)``;
* loss ``L_α(W, λ) = ½ · mean_n (f(x_n) − y_n)² + (α/2) ‖W‖_F²``;
* **vec(W) is row-major**: entry ``W[j, k]`` sits at index ``j·d + k``. With this convention the Hessian at
  the linear endpoint is ``∇²_W L(W, 0) = (v vᵀ) ⊗ Σ̂ + α I`` with ``Σ̂ = XᵀX / N`` (uncentred), and
  ``numpy.kron(np.outer(v, v), Sigma)`` is exactly that matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from crosscheck.numerics._validate import as_array, as_scalar, square


@dataclass(frozen=True)
class Activation:
    """σ and its first two derivatives, vectorised."""

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    d2f: Callable[[np.ndarray], np.ndarray]
    d3f: Callable[[np.ndarray], np.ndarray]


def _tanh_d1(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    return 1.0 - t * t


def _tanh_d2(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    return -2.0 * t * (1.0 - t * t)


def _tanh_d3(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    s = 1.0 - t * t
    return -2.0 * s * (1.0 - 3.0 * t * t)


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _sigmoid_d1(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


def _sigmoid_d2(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s) * (1.0 - 2.0 * s)


def _sigmoid_d3(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s) * (1.0 - 6.0 * s + 6.0 * s * s)


ACTIVATIONS: dict[str, Activation] = {
    "tanh": Activation("tanh", np.tanh, _tanh_d1, _tanh_d2, _tanh_d3),
    "sigmoid": Activation("sigmoid", _sigmoid, _sigmoid_d1, _sigmoid_d2, _sigmoid_d3),
}


def get_activation(name: str) -> Activation:
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"activation: unknown {name!r}; known: {', '.join(sorted(ACTIVATIONS))}") from None


@dataclass(frozen=True)
class Problem:
    """Validated data of one loss ``L_α(·, λ)``: X (N, d), y (N,), v (m,)."""

    X: np.ndarray
    y: np.ndarray
    v: np.ndarray
    lam: float
    alpha: float
    act: Activation

    @property
    def shape(self) -> tuple[int, int]:
        return self.v.shape[0], self.X.shape[1]


def make_problem(X, y, v, lam: float = 0.0, alpha: float = 0.0, activation: str = "tanh") -> Problem:
    """Validate and bundle the data of ``L_α(W, λ)`` (raises ``ValueError`` naming the bad argument)."""
    Xa = as_array("X", X, 2)
    ya = as_array("y", y, 1, shape=(Xa.shape[0],))
    va = as_array("v", v, 1)
    lam_ = as_scalar("lam", lam)
    alpha_ = as_scalar("alpha", alpha, minimum=0.0)
    return Problem(Xa, ya, va, lam_, alpha_, get_activation(activation))


def _check_W(p: Problem, W) -> np.ndarray:
    m, d = p.shape
    return as_array("W", W, 2, shape=(m, d))


def _pre(p: Problem, W: np.ndarray):
    """Pre-activations Z = X Wᵀ (N, m), h, h', h'' and residual r = f − y."""
    Z = p.X @ W.T
    lam = p.lam
    H = (1.0 - lam) * Z + lam * p.act.f(Z)
    H1 = (1.0 - lam) + lam * p.act.df(Z)
    H2 = lam * p.act.d2f(Z)
    r = H @ p.v - p.y
    return Z, H, H1, H2, r


def problem_loss(p: Problem, W: np.ndarray) -> float:
    _, _, _, _, r = _pre(p, W)
    return 0.5 * float(np.mean(r * r)) + 0.5 * p.alpha * float(np.sum(W * W))


def problem_grad(p: Problem, W: np.ndarray) -> np.ndarray:
    """∂L/∂W[j,k] = (1/N) Σ_n r_n v_j h'(z_nj) x_nk + α W[j,k], returned as an (m, d) array."""
    _, _, H1, _, r = _pre(p, W)
    N = p.X.shape[0]
    return ((r[:, None] * H1 * p.v[None, :]).T @ p.X) / N + p.alpha * W


def problem_hessian(p: Problem, W: np.ndarray) -> np.ndarray:
    """The exact (md × md) Hessian, row-major vec(W).

    ``∂²L/∂W[j,k]∂W[j',k'] = (1/N) Σ_n v_j h'_nj x_nk · v_j' h'_nj' x_nk'``  (Gauss–Newton part)
    ``+ δ_jj' (1/N) Σ_n r_n v_j h''_nj x_nk x_nk'``  (curvature of h, zero at λ = 0)
    ``+ α δ_jj' δ_kk'``.
    """
    m, d = p.shape
    N = p.X.shape[0]
    _, _, H1, H2, r = _pre(p, W)
    J = ((H1 * p.v[None, :])[:, :, None] * p.X[:, None, :]).reshape(N, m * d)
    hess = (J.T @ J) / N
    if p.lam != 0.0:
        coef = r[:, None] * H2 * p.v[None, :]  # (N, m)
        for j in range(m):
            block = (p.X * coef[:, j : j + 1]).T @ p.X / N
            hess[j * d : (j + 1) * d, j * d : (j + 1) * d] += block
    if p.alpha:
        hess[np.diag_indices_from(hess)] += p.alpha
    return 0.5 * (hess + hess.T)


def loss(X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str = "tanh") -> float:
    """``L_α(W, λ) = ½·mean((Σ_j v_j h(w_jᵀx, λ) − y)²) + (α/2)‖W‖²_F``."""
    p = make_problem(X, y, v, lam, alpha, activation)
    return problem_loss(p, _check_W(p, W))


def loss_grad(X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str = "tanh") -> np.ndarray:
    """Gradient of :func:`loss` with respect to W, shape (m, d)."""
    p = make_problem(X, y, v, lam, alpha, activation)
    return problem_grad(p, _check_W(p, W))


def loss_hessian(X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str = "tanh") -> np.ndarray:
    """Exact Hessian of ``L_α(W, λ)`` in W, shape (md, md), row-major vec(W) (index (j,k) ↦ j·d+k).

    At λ = 0 the loss is quadratic in W and this equals ``(v vᵀ) ⊗ Σ̂ + α I`` with ``Σ̂ = XᵀX/N``
    for every W.
    """
    p = make_problem(X, y, v, lam, alpha, activation)
    return problem_hessian(p, _check_W(p, W))


def kronecker_hessian(v, sigma) -> np.ndarray:
    """The matrix ``(v vᵀ) ⊗ Σ`` of shape (md, md): entry ``[j·d+k, j'·d+k'] = v_j v_j' Σ[k,k']``.

    This is ``∇²_W L(W, 0)`` for ``Σ = Σ̂`` and α = 0 under the row-major vec(W) convention.
    """
    va = as_array("v", v, 1)
    S = square("sigma", as_array("sigma", sigma, 2))
    return np.kron(np.outer(va, va), S)


def empirical_covariance(X) -> np.ndarray:
    """``Σ̂ = XᵀX / N`` (uncentred second moment), shape (d, d)."""
    Xa = as_array("X", X, 2)
    return Xa.T @ Xa / Xa.shape[0]
