"""The loss family ``L_α(W, λ)`` with its λ-derivatives and third/fourth derivatives in W.

Conventions as in :mod:`crosscheck.numerics.hessian` (whose loss, gradient and Hessian are reused):
``h(z, λ) = z + λ(σ(z) − z)``, ``f(x) = Σ_j v_j h(w_jᵀx, λ)``, ``r = f − y``,
``L_α(W, λ) = ½·mean(r²) + (α/2)‖W‖²_F``, vec(W) row-major (``W[j, k]`` at index ``j·d + k``); every
function here takes and returns **flat** vectors ``w = vec(W)`` of length ``n = m·d``.

With ``a_nj = x_nᵀ u_j`` for a direction ``U`` and ``h⁽ᵏ⁾`` the z-derivatives of h
(``h' = 1 + λ(σ' − 1)``, ``h⁽ᵏ⁾ = λσ⁽ᵏ⁾`` for k ≥ 2), the derivatives of ``r`` along U are
``r₁ = Σ_j v_j h'a``, ``r₂ = Σ_j v_j h''a²``, ``r₃ = Σ_j v_j h'''a³``, ``r₄ = Σ_j v_j h''''a⁴``, so

* ``D²L[U,U] = mean(r₁² + r r₂) + α‖U‖²``, ``D³L[U³] = mean(3r₁r₂ + r r₃)``,
  ``D⁴L[U⁴] = mean(3r₂² + 4r₁r₃ + r r₄)``;
* ``∂_λ r = Σ_j v_j (σ(z_j) − z_j)`` and ``∂_λ h' = σ' − 1``, ``∂_λ h'' = σ''``; ``r`` and ``h'`` are affine in
  λ, so ``∇L`` and ``∇²L`` are exactly quadratic polynomials in λ.

All formulas are verified against central finite differences in ``tests/test_homotopy.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from crosscheck.numerics._validate import as_array, as_scalar
from crosscheck.numerics.hessian import Activation, Problem, get_activation, problem_loss


def _tanh_d4(z: np.ndarray) -> np.ndarray:
    t = np.tanh(z)
    return 8.0 * t * (1.0 - t * t) * (2.0 - 3.0 * t * t)


def _sigmoid_d4(z: np.ndarray) -> np.ndarray:
    s = 0.5 * (1.0 + np.tanh(0.5 * z))
    return s * (1.0 - s) * (1.0 - 14.0 * s + 36.0 * s * s - 24.0 * s**3)


#: σ'''' for the activations of :data:`crosscheck.numerics.hessian.ACTIVATIONS` (needed by ``D⁴L``).
FOURTH_DERIVATIVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {"tanh": _tanh_d4, "sigmoid": _sigmoid_d4}


@dataclass(frozen=True)
class Homotopy:
    """Validated data of the family ``L_α(·, λ)``: X (N, d), y (N,), v (m,), α ≥ 0, activation σ."""

    X: np.ndarray
    y: np.ndarray
    v: np.ndarray
    alpha: float
    act: Activation
    d4f: Callable[[np.ndarray], np.ndarray]
    XT: np.ndarray = field(init=False, repr=False)  # Xᵀ, contiguous (d, N)
    XX: np.ndarray = field(init=False, repr=False)  # rows vec(x_n x_nᵀ), (N, d²)

    def __post_init__(self) -> None:
        object.__setattr__(self, "XT", np.ascontiguousarray(self.X.T))
        object.__setattr__(self, "XX", (self.X[:, :, None] * self.X[:, None, :]).reshape(self.X.shape[0], -1))

    @property
    def m(self) -> int:
        return int(self.v.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])

    @property
    def n(self) -> int:
        return self.m * self.d

    def problem(self, lam: float) -> Problem:
        """The fixed-λ problem of :mod:`crosscheck.numerics.hessian` (no re-validation)."""
        return Problem(self.X, self.y, self.v, float(lam), self.alpha, self.act)


def make_homotopy(X, y, v, alpha: float = 0.0, activation: str = "tanh") -> Homotopy:
    """Validate and bundle the data (raises ``ValueError`` naming the bad argument)."""
    Xa = as_array("X", X, 2)
    ya = as_array("y", y, 1, shape=(Xa.shape[0],))
    va = as_array("v", v, 1)
    act = get_activation(activation)
    return Homotopy(Xa, ya, va, as_scalar("alpha", alpha, minimum=0.0), act, FOURTH_DERIVATIVES[act.name])


def _W(hp: Homotopy, w) -> np.ndarray:
    return as_array("w", w, 1, shape=(hp.n,)).reshape(hp.m, hp.d)


def _U(hp: Homotopy, u) -> np.ndarray:
    return as_array("u", u, 1, shape=(hp.n,)).reshape(hp.m, hp.d)


@dataclass(frozen=True)
class _Parts:
    Z: np.ndarray  # pre-activations, (N, m)
    s0: np.ndarray  # σ(Z)
    s1: np.ndarray  # σ'(Z)
    s2: np.ndarray  # σ''(Z)
    h1: np.ndarray  # ∂_z h
    r: np.ndarray  # residual f − y, (N,)
    r_lam: np.ndarray  # ∂_λ r, (N,)


def _parts(hp: Homotopy, W: np.ndarray, lam: float) -> _Parts:
    Z = hp.X @ W.T
    if hp.act.name == "tanh":  # one tanh instead of three: σ' = 1 − t², σ'' = −2tσ' (same formulas as ACTIVATIONS)
        s0 = np.tanh(Z)
        s1 = 1.0 - s0 * s0
        s2 = -2.0 * s0 * s1
    else:
        s0, s1, s2 = hp.act.f(Z), hp.act.df(Z), hp.act.d2f(Z)
    h = Z + lam * (s0 - Z)
    h1 = 1.0 + lam * (s1 - 1.0)
    return _Parts(Z, s0, s1, s2, h1, h @ hp.v - hp.y, (s0 - Z) @ hp.v)


def _outer_grad(hp: Homotopy, coef: np.ndarray) -> np.ndarray:
    """``vec_{jk} mean_n(coef_nj v_j x_nk)`` for coef (N, m)."""
    return ((coef * hp.v[None, :]).T @ hp.X / hp.X.shape[0]).ravel()


def _jacT(hp: Homotopy, coef: np.ndarray) -> np.ndarray:
    """The (n, N) matrix ``Jᵀ[(j,k), n] = coef_nj v_j x_nk``, C-contiguous. Products are formed as
    ``Aᵀ @ Bᵀ.T`` of contiguous (n, N) factors: on the bundled OpenBLAS, ``J.T @ J`` with a transposed
    (N, n) operand was measured up to ~100× slower for n = 50."""
    return ((coef * hp.v[None, :]).T[:, None, :] * hp.XT[None, :, :]).reshape(hp.n, hp.X.shape[0])


def _add_blocks(hp: Homotopy, M: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``M += blockdiag_j mean_n(coef_nj v_j x_n x_nᵀ)`` in place; returns M."""
    d = hp.d
    blocks = ((coef * hp.v[None, :]).T @ hp.XX / hp.X.shape[0]).reshape(hp.m, d, d)
    for j in range(hp.m):
        M[j * d : (j + 1) * d, j * d : (j + 1) * d] += blocks[j]
    return M


def loss(hp: Homotopy, w, lam: float) -> float:
    """``L_α(W, λ)``."""
    return problem_loss(hp.problem(lam), _W(hp, w))


def grad(hp: Homotopy, w, lam: float) -> np.ndarray:
    """``∇_W L_α(W, λ) = mean(r v_j h' x_k) + αW``, flat (n,): the gradient of
    :func:`crosscheck.numerics.hessian.problem_grad` (equal to rounding, tested), sharing one σ evaluation."""
    W = _W(hp, w)
    p = _parts(hp, W, lam)
    return _outer_grad(hp, p.r[:, None] * p.h1) + hp.alpha * W.ravel()


def hessian(hp: Homotopy, w, lam: float) -> np.ndarray:
    """The exact Hessian ``∇²_W L_α(W, λ) = JᵀJ/N + blockdiag mean(r v_j h'' x xᵀ) + αI``, (n, n): the
    matrix of :func:`crosscheck.numerics.hessian.problem_hessian` (equal to rounding, tested), assembled
    with contiguous factors and one einsum for the diagonal blocks (faster for repeated evaluation)."""
    p = _parts(hp, _W(hp, w), lam)
    JT = _jacT(hp, p.h1)
    M = JT @ JT.T / hp.X.shape[0]
    if lam != 0.0:
        _add_blocks(hp, M, p.r[:, None] * lam * p.s2)
    M[np.diag_indices_from(M)] += hp.alpha
    return 0.5 * (M + M.T)


def grad_lam(hp: Homotopy, w, lam: float) -> np.ndarray:
    """``∂_λ ∇_W L = mean((∂_λr · h' + r (σ' − 1)) v_j x_k)``, flat (n,)."""
    p = _parts(hp, _W(hp, w), lam)
    return _outer_grad(hp, p.r_lam[:, None] * p.h1 + p.r[:, None] * (p.s1 - 1.0))


def grad_lam2(hp: Homotopy, w, lam: float) -> np.ndarray:
    """``∂²_λ ∇_W L = mean(2 ∂_λr (σ' − 1) v_j x_k)`` (independent of λ: ∇L is quadratic in λ)."""
    p = _parts(hp, _W(hp, w), lam)
    return _outer_grad(hp, 2.0 * p.r_lam[:, None] * (p.s1 - 1.0))


def hess_lam(hp: Homotopy, w, lam: float) -> np.ndarray:
    """``∂_λ ∇²_W L``: ``(J_λᵀJ + JᵀJ_λ)/N + blockdiag mean((∂_λr·λσ'' + r σ'') v_j x xᵀ)``,
    with ``J = [v_j h' x]`` and ``J_λ = [v_j (σ' − 1) x]``."""
    p = _parts(hp, _W(hp, w), lam)
    N = hp.X.shape[0]
    A = _jacT(hp, p.s1 - 1.0) @ _jacT(hp, p.h1).T / N
    M = A + A.T
    _add_blocks(hp, M, p.r_lam[:, None] * lam * p.s2 + p.r[:, None] * p.s2)
    return 0.5 * (M + M.T)


def hess_lam2(hp: Homotopy, w, lam: float) -> np.ndarray:
    """``∂²_λ ∇²_W L = 2 J_λᵀJ_λ/N + blockdiag mean(2 ∂_λr σ'' v_j x xᵀ)`` (independent of λ)."""
    p = _parts(hp, _W(hp, w), lam)
    JlT = _jacT(hp, p.s1 - 1.0)
    M = 2.0 * (JlT @ JlT.T) / hp.X.shape[0]
    _add_blocks(hp, M, 2.0 * p.r_lam[:, None] * p.s2)
    return 0.5 * (M + M.T)


def hess_dir(hp: Homotopy, w, lam: float, u) -> np.ndarray:
    """The third-derivative contraction ``D_W(∇²L)[U]`` (an (n, n) symmetric matrix):
    ``(dJᵀJ + JᵀdJ)/N + blockdiag mean((r₁ h'' + r h''' a) v_j x xᵀ)``, ``dJ = [v_j h'' a x]``."""
    W, U = _W(hp, w), _U(hp, u)
    p = _parts(hp, W, lam)
    A = hp.X @ U.T
    h2, h3 = lam * p.s2, lam * hp.act.d3f(p.Z)
    r1 = (p.h1 * A) @ hp.v
    N = hp.X.shape[0]
    M = _jacT(hp, h2 * A) @ _jacT(hp, p.h1).T / N
    M = M + M.T
    _add_blocks(hp, M, r1[:, None] * h2 + p.r[:, None] * h3 * A)
    return 0.5 * (M + M.T)


def third_vec(hp: Homotopy, w, lam: float, u) -> np.ndarray:
    """``D³L[U, U, ·]`` as a flat vector (equals ``hess_dir(u) @ u``), in O(N·n) operations:
    entry (j,k) is ``mean((2 r₁ h'' a + h' r₂ + r h''' a²) v_j x_k)``."""
    W, U = _W(hp, w), _U(hp, u)
    p = _parts(hp, W, lam)
    A = hp.X @ U.T
    h2, h3 = lam * p.s2, lam * hp.act.d3f(p.Z)
    r1 = (p.h1 * A) @ hp.v
    r2 = (h2 * A * A) @ hp.v
    return _outer_grad(hp, 2.0 * r1[:, None] * h2 * A + p.h1 * r2[:, None] + p.r[:, None] * h3 * A * A)


def directional_derivatives(hp: Homotopy, w, lam: float, u) -> tuple[float, float, float, float]:
    """``(DL[U], D²L[U,U], D³L[U³], D⁴L[U⁴])`` at (W, λ): the derivatives of ``t ↦ L(W + tU, λ)`` at 0."""
    W, U = _W(hp, w), _U(hp, u)
    p = _parts(hp, W, lam)
    A = hp.X @ U.T
    h2, h3, h4 = lam * p.s2, lam * hp.act.d3f(p.Z), lam * hp.d4f(p.Z)
    r1 = (p.h1 * A) @ hp.v
    r2 = (h2 * A**2) @ hp.v
    r3 = (h3 * A**3) @ hp.v
    r4 = (h4 * A**4) @ hp.v
    r = p.r
    d1 = float(np.mean(r * r1)) + hp.alpha * float(np.sum(W * U))
    d2 = float(np.mean(r1 * r1 + r * r2)) + hp.alpha * float(np.sum(U * U))
    d3 = float(np.mean(3.0 * r1 * r2 + r * r3))
    d4 = float(np.mean(3.0 * r2 * r2 + 4.0 * r1 * r3 + r * r4))
    return d1, d2, d3, d4


def linear_minimum(hp: Homotopy) -> np.ndarray:
    """The minimiser of the quadratic ``L_α(·, 0)`` (the minimum-norm one when α = 0), flat.

    The normal equations ``((vvᵀ)⊗Σ̂ + αI) vec W = v ⊗ (Xᵀy/N)`` are solved by ``W = v cᵀ`` with
    ``(‖v‖²Σ̂ + αI) c = Xᵀy/N``: substituting gives ``v ⊗ ((‖v‖²Σ̂ + αI)c)`` on the left. For α > 0 this is
    the unique solution; for α = 0 every solution has ``Σ̂Wᵀv = Xᵀy/N`` and ``vcᵀ`` is the one of least norm
    (c by least squares if ``Σ̂`` is singular).
    """
    N = hp.X.shape[0]
    S = hp.X.T @ hp.X / N
    b = hp.X.T @ hp.y / N
    vv = float(hp.v @ hp.v)
    if vv == 0.0:
        raise ValueError("v: is zero; L(·, 0) is then constant in W")
    A = vv * S + hp.alpha * np.eye(hp.d)
    c = np.linalg.lstsq(A, b, rcond=None)[0] if hp.alpha == 0.0 else np.linalg.solve(A, b)
    return np.outer(hp.v, c).ravel()


def alpha_eigenspace_basis(v, d: int) -> np.ndarray:
    """Orthonormal basis (n × (m−1)d) of ``E = {U : Uᵀv = 0}`` = ``v^⊥ ⊗ ℝ^d``: the kernel of
    ``(vvᵀ)⊗Σ̂``, i.e. the α-eigenspace of ``∇²L_α(·, 0)`` when Σ̂ ≻ 0. Built as ``Q ⊗ I_d`` with Q the last
    m − 1 left singular vectors of v (exactly orthogonal to v up to rounding)."""
    va = as_array("v", v, 1)
    if int(d) != d or d < 1:
        raise ValueError(f"d: must be a positive integer, got {d!r}")
    if not np.any(va):
        raise ValueError("v: is zero")
    Uv = np.linalg.svd(va[:, None], full_matrices=True)[0]
    return np.kron(Uv[:, 1:], np.eye(int(d)))
