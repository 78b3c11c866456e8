"""The two-layer network of the paper, its loss and every derivative the checks use — the one model.

Model and conventions (stated once, used everywhere in :mod:`crosscheck.numerics`):

* data ``X`` of shape (N, d), targets ``y`` (N,), second layer ``v`` (m,) (fixed), first layer ``W``
  (m, d) (trained); activation σ an :class:`~crosscheck.numerics.activation.Activation`;
* homotopy ``h(z, λ) = (1 − λ) z + λ σ(z)``, evaluated as ``z + λ(σ(z) − z)``; its z-derivatives are
  ``h' = 1 + λ(σ' − 1)`` and ``h⁽ᵏ⁾ = λσ⁽ᵏ⁾`` (k >= 2), its λ-derivative ``∂_λ h = σ − z``;
* network ``f(x) = Σ_j v_j h(w_jᵀ x, λ)``, residual ``r = f − y``;
* loss ``L_α(W, λ) = ½·mean_n r_n² + (α/2)‖W‖_F²``;
* **vec(W) is row-major**: ``W[j, k]`` sits at index ``j·d + k``. Then
  ``∇²_W L(W, 0) = (v vᵀ) ⊗ Σ̂ + α I`` with ``Σ̂ = XᵀX / N`` (uncentred), which is
  ``numpy.kron(np.outer(v, v), Sigma)`` (:func:`kronecker_hessian`).

Every function takes a :class:`Model` (validated data, built by :func:`make_model`), the point ``w``
(flat, length n = m·d, or an (m, d) array) and λ. With ``a_nj = x_nᵀ u_j`` for a direction U:

* ``∇L = mean(r v_j h' x_k) + αW``;
* ``∇²L = JᵀJ/N + blockdiag_j mean(r v_j h'' x xᵀ) + αI``, ``J[n, (j,k)] = v_j h'_nj x_nk``;
* ``r`` and ``h'`` are affine in λ (``∂_λ r = Σ_j v_j(σ(z_j) − z_j)``, ``∂_λ h' = σ' − 1``,
  ``∂_λ h'' = σ''``), so ∇L and ∇²L are exactly quadratic in λ (:func:`grad_lam`, :func:`hess_lam`, …);
* along U: ``r₁ = Σ_j v_j h'a``, ``r₂ = Σ_j v_j h''a²``, ``r₃``, ``r₄`` likewise, and
  ``D²L[U,U] = mean(r₁² + r r₂) + α‖U‖²``, ``D³L[U³] = mean(3r₁r₂ + r r₃)``,
  ``D⁴L[U⁴] = mean(3r₂² + 4r₁r₃ + r r₄)``.

The dense Hessian is assembled from contiguous (n, N) factors (``Jᵀ @ Jᵀ.T``) and the diagonal blocks by
one product with the rows ``vec(x_n x_nᵀ)``: on the bundled OpenBLAS a transposed (N, n) operand was
measured up to ~100× slower for n = 50. Hessian-vector products from the same parts are in
:mod:`crosscheck.numerics.hvp`. All derivatives are tested against central differences and against each
other (dense vs products) in ``tests/test_model.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from crosscheck.numerics._validate import as_array, as_scalar, square
from crosscheck.numerics.activation import TANH, Activation, activation

__all__ = [
    "Model",
    "Parts",
    "alpha_eigenspace_basis",
    "directional_derivatives",
    "empirical_covariance",
    "grad",
    "grad_lam",
    "grad_lam2",
    "hess_dir",
    "hess_lam",
    "hess_lam2",
    "hess_lam_on_alpha_eigenspace",
    "hess_lam_vec",
    "hessian",
    "kronecker_hessian",
    "linear_minimum",
    "loss",
    "make_model",
    "parts",
    "third_vec",
]


@dataclass(frozen=True)
class Model:
    """Validated data of the family ``L_α(·, λ)``: X (N, d), y (N,), v (m,), α >= 0, activation σ."""

    X: np.ndarray
    y: np.ndarray
    v: np.ndarray
    alpha: float
    act: Activation = TANH

    @property
    def m(self) -> int:
        return int(self.v.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])

    @property
    def N(self) -> int:
        return int(self.X.shape[0])

    @property
    def n(self) -> int:
        return self.m * self.d

    @property
    def d4f(self):
        """σ'''' (compatibility with the former ``Homotopy``)."""
        return self.act.d4f

    @cached_property
    def XT(self) -> np.ndarray:
        """Xᵀ, C-contiguous (d, N)."""
        return np.ascontiguousarray(self.X.T)

    @cached_property
    def XX(self) -> np.ndarray:
        """Rows ``vec(x_n x_nᵀ)``, (N, d²) (for the diagonal blocks of the Hessian)."""
        return (self.X[:, :, None] * self.X[:, None, :]).reshape(self.N, -1)

    def problem(self, lam: float):
        """The fixed-λ view used by :mod:`crosscheck.numerics.hessian` (compatibility)."""
        from crosscheck.numerics.hessian import Problem

        return Problem(self, float(lam))


def make_model(X, y, v, alpha: float = 0.0, act: str | Activation = TANH) -> Model:
    """Validate and bundle the data (raises ``ValueError`` naming the bad argument); the activation is
    an :class:`Activation` or its name (``"tanh"``, ``"softplus"``, ``"sigmoid"``)."""
    Xa = as_array("X", X, 2)
    ya = as_array("y", y, 1, shape=(Xa.shape[0],))
    va = as_array("v", v, 1)
    return Model(Xa, ya, va, as_scalar("alpha", alpha, minimum=0.0), activation(act))


def point(model: Model, w, name: str = "w") -> np.ndarray:
    """``w`` as an (m, d) array: flat of length m·d (named ``name``) or already (m, d) (named ``W``)."""
    arr = np.asarray(w)
    if arr.ndim == 2:
        return as_array("W", w, 2, shape=(model.m, model.d))
    return as_array(name, w, 1, shape=(model.n,)).reshape(model.m, model.d)


@dataclass(frozen=True)
class Parts:
    """The shared pieces at (W, λ): pre-activations ``Z = X Wᵀ`` (N, m), ``σ, σ', σ''`` at Z, ``h`` and
    ``h' = ∂_z h``, ``h'' = λσ''``, the residual ``r = f − y`` (N,) and ``∂_λ r`` (N,)."""

    Z: np.ndarray
    s0: np.ndarray
    s1: np.ndarray
    s2: np.ndarray
    h: np.ndarray
    h1: np.ndarray
    lam: float
    r: np.ndarray
    r_lam: np.ndarray

    @property
    def h2(self) -> np.ndarray:
        return self.lam * self.s2


_RECENT: list[tuple[Model, bytes, float, Parts]] = []  # the last few parts computed (most recent last)
_RECENT_SIZE = 4


def parts(model: Model, W: np.ndarray, lam: float) -> Parts:
    """:class:`Parts` at the (m, d) array W (one evaluation of σ, σ', σ''). The last few results are kept:
    Newton and continuation steps ask for the residual, the Hessian and ∂_λ∇L at the same (W, λ), so each
    point is evaluated once (a hit needs the same model object and bit-identical W and λ; the arrays of a
    kept result are read-only, so no caller can change what another one reads)."""
    W = np.ascontiguousarray(W, dtype=float)  # one layout: a hit returns exactly what computing would
    key, lam = W.tobytes(), float(lam)
    for mdl, k, lm, p in reversed(_RECENT):
        if mdl is model and lm == lam and k == key:
            return p
    Z = model.X @ W.T
    s0, s1, s2 = model.act.series(Z, 2)
    h = Z + lam * (s0 - Z)
    h1 = 1.0 + lam * (s1 - 1.0)
    p = Parts(Z, s0, s1, s2, h, h1, lam, h @ model.v - model.y, (s0 - Z) @ model.v)
    for arr in (Z, s0, s1, s2, h, h1, p.r, p.r_lam):
        arr.flags.writeable = False
    _RECENT.append((model, key, lam, p))
    if len(_RECENT) > _RECENT_SIZE:
        del _RECENT[0]
    return p


def _outer_grad(model: Model, coef: np.ndarray) -> np.ndarray:
    """``vec_{jk} mean_n(coef_nj v_j x_nk)`` for coef (N, m), flat (n,)."""
    return ((coef * model.v[None, :]).T @ model.X / model.N).ravel()


def jacobian_t(model: Model, coef: np.ndarray) -> np.ndarray:
    """The (n, N) matrix ``Jᵀ[(j,k), n] = coef_nj v_j x_nk``, C-contiguous (see the module docstring)."""
    # the (m, N) factor made contiguous first: broadcasting over its transposed view was measured ~10× slower
    return (np.ascontiguousarray((coef * model.v[None, :]).T)[:, None, :] * model.XT[None, :, :]).reshape(model.n, model.N)


def _add_blocks(model: Model, M: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``M += blockdiag_j mean_n(coef_nj v_j x_n x_nᵀ)`` in place; returns M."""
    m, d = model.m, model.d
    blocks = ((coef * model.v[None, :]).T @ model.XX / model.N).reshape(m, d, d)
    if not M.flags.c_contiguous:  # a reshape would copy: add block by block
        for j in range(m):
            M[j * d : (j + 1) * d, j * d : (j + 1) * d] += blocks[j]
        return M
    j = np.arange(m)
    M.reshape(m, d, m, d)[j, :, j, :] += blocks  # the diagonal blocks (j, ·, j, ·) at once, through a view
    return M


def loss(model: Model, w, lam: float) -> float:
    """``L_α(W, λ) = ½·mean(r²) + (α/2)‖W‖²_F``."""
    W = point(model, w)
    Z = model.X @ W.T
    # h in the form (1 − λ)z + λσ(z): the loss values are bit-for-bit those of the former two modules
    r = ((1.0 - lam) * Z + lam * model.act.f(Z)) @ model.v - model.y
    return 0.5 * float(np.mean(r * r)) + 0.5 * model.alpha * float(np.sum(W * W))


def grad(model: Model, w, lam: float) -> np.ndarray:
    """``∇_W L_α(W, λ) = mean(r v_j h' x_k) + αW``, flat (n,)."""
    W = point(model, w)
    p = parts(model, W, lam)
    return _outer_grad(model, p.r[:, None] * p.h1) + model.alpha * W.ravel()


def hessian(model: Model, w, lam: float) -> np.ndarray:
    """The exact Hessian ``∇²_W L_α(W, λ) = JᵀJ/N + blockdiag_j mean(r v_j h'' x xᵀ) + αI``, (n, n),
    symmetrised (``½(M + Mᵀ)``); at λ = 0 it is ``(vvᵀ)⊗Σ̂ + αI`` for every W."""
    p = parts(model, point(model, w), lam)
    JT = jacobian_t(model, p.h1)
    M = JT @ JT.T
    M /= model.N
    if lam != 0.0:
        _add_blocks(model, M, p.r[:, None] * lam * p.s2)
    M.flat[:: M.shape[0] + 1] += model.alpha  # the diagonal, through a strided view
    return 0.5 * (M + M.T)


def grad_lam(model: Model, w, lam: float) -> np.ndarray:
    """``∂_λ ∇_W L = mean((∂_λr · h' + r (σ' − 1)) v_j x_k)``, flat (n,)."""
    p = parts(model, point(model, w), lam)
    return _outer_grad(model, p.r_lam[:, None] * p.h1 + p.r[:, None] * (p.s1 - 1.0))


def grad_lam2(model: Model, w, lam: float) -> np.ndarray:
    """``∂²_λ ∇_W L = mean(2 ∂_λr (σ' − 1) v_j x_k)`` (independent of λ: ∇L is quadratic in λ)."""
    p = parts(model, point(model, w), lam)
    return _outer_grad(model, 2.0 * p.r_lam[:, None] * (p.s1 - 1.0))


def hess_lam(model: Model, w, lam: float) -> np.ndarray:
    """``∂_λ ∇²_W L = (J_λᵀJ + JᵀJ_λ)/N + blockdiag mean((∂_λr·λσ'' + r σ'') v_j x xᵀ)``,
    ``J = [v_j h' x]``, ``J_λ = [v_j (σ' − 1) x]``."""
    p = parts(model, point(model, w), lam)
    A = jacobian_t(model, p.s1 - 1.0) @ jacobian_t(model, p.h1).T / model.N
    M = A + A.T
    _add_blocks(model, M, p.r_lam[:, None] * lam * p.s2 + p.r[:, None] * p.s2)
    return 0.5 * (M + M.T)


def hess_lam_vec(model: Model, w, lam: float, u) -> np.ndarray:
    """``(∂_λ ∇²_W L) vec U`` without the matrix, O(N·n): :func:`hess_lam` applied factor by factor. With
    ``a_nj = x_nᵀu_j``, ``r₁ = Σ_j v_j h'a``, ``q = Σ_j v_j(σ' − 1)a``, entry (j, k) is
    ``mean(((σ' − 1) r₁ + h' q + (λ∂_λr + r) σ'' a) v_j x_k)``."""
    W, U = point(model, w), point(model, u, "u")
    p = parts(model, W, lam)
    A = model.X @ U.T
    r1 = (p.h1 * A) @ model.v
    q = ((p.s1 - 1.0) * A) @ model.v
    coef = (p.s1 - 1.0) * r1[:, None] + p.h1 * q[:, None] + (p.r_lam * lam + p.r)[:, None] * p.s2 * A
    return _outer_grad(model, coef)


def hess_lam2(model: Model, w, lam: float) -> np.ndarray:
    """``∂²_λ ∇²_W L = 2 J_λᵀJ_λ/N + blockdiag mean(2 ∂_λr σ'' v_j x xᵀ)`` (independent of λ)."""
    p = parts(model, point(model, w), lam)
    JlT = jacobian_t(model, p.s1 - 1.0)
    M = 2.0 * (JlT @ JlT.T) / model.N
    _add_blocks(model, M, 2.0 * p.r_lam[:, None] * p.s2)
    return 0.5 * (M + M.T)


def hess_dir(model: Model, w, lam: float, u) -> np.ndarray:
    """The third-derivative contraction ``D_W(∇²L)[U]`` (n × n, symmetric):
    ``(dJᵀJ + JᵀdJ)/N + blockdiag mean((r₁ h'' + r h''' a) v_j x xᵀ)``, ``dJ = [v_j h'' a x]``."""
    W, U = point(model, w), point(model, u, "u")
    p = parts(model, W, lam)
    A = model.X @ U.T
    h2, h3 = lam * p.s2, lam * model.act.d3f(p.Z)
    r1 = (p.h1 * A) @ model.v
    M = jacobian_t(model, h2 * A) @ jacobian_t(model, p.h1).T / model.N
    M = M + M.T
    _add_blocks(model, M, r1[:, None] * h2 + p.r[:, None] * h3 * A)
    return 0.5 * (M + M.T)


def third_vec(model: Model, w, lam: float, u) -> np.ndarray:
    """``D³L[U, U, ·]`` flat (equals ``hess_dir(u) @ u``), O(N·n): entry (j,k) is
    ``mean((2 r₁ h'' a + h' r₂ + r h''' a²) v_j x_k)``."""
    W, U = point(model, w), point(model, u, "u")
    p = parts(model, W, lam)
    A = model.X @ U.T
    h2, h3 = lam * p.s2, lam * model.act.d3f(p.Z)
    r1 = (p.h1 * A) @ model.v
    r2 = (h2 * A * A) @ model.v
    return _outer_grad(model, 2.0 * r1[:, None] * h2 * A + p.h1 * r2[:, None] + p.r[:, None] * h3 * A * A)


def directional_derivatives(model: Model, w, lam: float, u) -> tuple[float, float, float, float]:
    """``(DL[U], D²L[U,U], D³L[U³], D⁴L[U⁴])`` at (W, λ): the derivatives of ``t ↦ L(W + tU, λ)`` at 0."""
    W, U = point(model, w), point(model, u, "u")
    p = parts(model, W, lam)
    A = model.X @ U.T
    h2, h3, h4 = lam * p.s2, lam * model.act.d3f(p.Z), lam * model.act.d4f(p.Z)
    v = model.v
    r1, r2, r3, r4 = (p.h1 * A) @ v, (h2 * A**2) @ v, (h3 * A**3) @ v, (h4 * A**4) @ v
    r = p.r
    d1 = float(np.mean(r * r1)) + model.alpha * float(np.sum(W * U))
    d2 = float(np.mean(r1 * r1 + r * r2)) + model.alpha * float(np.sum(U * U))
    d3 = float(np.mean(3.0 * r1 * r2 + r * r3))
    d4 = float(np.mean(3.0 * r2 * r2 + 4.0 * r1 * r3 + r * r4))
    return d1, d2, d3, d4


def linear_minimum(model: Model) -> np.ndarray:
    """The minimiser of the quadratic ``L_α(·, 0)`` (the minimum-norm one when α = 0), flat.

    The normal equations ``((vvᵀ)⊗Σ̂ + αI) vec W = v ⊗ (Xᵀy/N)`` are solved by ``W = v cᵀ`` with
    ``(‖v‖²Σ̂ + αI) c = Xᵀy/N``; for α = 0 every solution has ``Σ̂Wᵀv = Xᵀy/N`` and ``vcᵀ`` is the one of
    least norm (c by least squares if ``Σ̂`` is singular).
    """
    S = model.X.T @ model.X / model.N
    b = model.X.T @ model.y / model.N
    vv = float(model.v @ model.v)
    if vv == 0.0:
        raise ValueError("v: is zero; L(·, 0) is then constant in W")
    A = vv * S + model.alpha * np.eye(model.d)
    c = np.linalg.lstsq(A, b, rcond=None)[0] if model.alpha == 0.0 else np.linalg.solve(A, b)
    return np.outer(model.v, c).ravel()


def hess_lam_on_alpha_eigenspace(model: Model, w) -> np.ndarray:
    """``Bᵀ ∂_λ∇²_W L(W, 0) B`` for B = Q ⊗ I_d of :func:`alpha_eigenspace_basis`, from the diagonal blocks alone.
    At λ = 0, h' = 1 for every W, so the Jacobian of :func:`hess_lam` is ``J = [v_j x]`` and ``JB = 0`` (Qᵀv = 0):
    its terms ``(J_λᵀJ + JᵀJ_λ)/N`` vanish on E and only ``D_j = mean(r σ''(z_j) v_j x xᵀ)`` remain,
    ``C[(a,k),(b,l)] = Σ_j Q[j,a] Q[j,b] D_j[k,l]`` — O(N·m·d² + m³d²) instead of the O(N·m²d²) of the dense
    ∂_λ∇²L; equal to ``Bᵀ hess_lam(model, w, 0) B`` up to rounding. Symmetrised."""
    p = parts(model, point(model, w), 0.0)
    m, d = model.m, model.d
    D = (p.r[:, None] * p.s2 * model.v[None, :]).T @ model.XX / model.N  # (m, d²): the blocks D_j
    Q = _complement(model.v)
    QQ = (Q[:, :, None] * Q[:, None, :]).reshape(m, (m - 1) ** 2)  # rows j: Q[j,a]·Q[j,b]
    C = (QQ.T @ D).reshape(m - 1, m - 1, d, d).transpose(0, 2, 1, 3).reshape((m - 1) * d, (m - 1) * d)
    return 0.5 * (C + C.T)


def alpha_eigenspace_basis(v, d: int) -> np.ndarray:
    """Orthonormal basis (n × (m−1)d) of ``E = {U : Uᵀv = 0} = v^⊥ ⊗ ℝ^d``: the kernel of ``(vvᵀ)⊗Σ̂``,
    i.e. the α-eigenspace of ``∇²L_α(·, 0)`` when Σ̂ ≻ 0; ``Q ⊗ I_d`` with Q the last m − 1 left singular
    vectors of v."""
    Q = _complement(v)
    if int(d) != d or d < 1:
        raise ValueError(f"d: must be a positive integer, got {d!r}")
    return np.kron(Q, np.eye(int(d)))


def _complement(v) -> np.ndarray:
    """Q (m × (m−1)): an orthonormal basis of v^⊥, the last m − 1 left singular vectors of v."""
    va = as_array("v", v, 1)
    if not np.any(va):
        raise ValueError("v: is zero")
    return np.linalg.svd(va[:, None], full_matrices=True)[0][:, 1:]


def kronecker_hessian(v, sigma) -> np.ndarray:
    """The matrix ``(v vᵀ) ⊗ Σ`` (md × md): entry ``[j·d+k, j'·d+k'] = v_j v_j' Σ[k,k']``; this is
    ``∇²_W L(W, 0)`` for ``Σ = Σ̂`` and α = 0 under the row-major vec(W) convention."""
    va = as_array("v", v, 1)
    S = square("sigma", as_array("sigma", sigma, 2))
    return np.kron(np.outer(va, va), S)


def empirical_covariance(X) -> np.ndarray:
    """``Σ̂ = XᵀX / N`` (uncentred second moment), (d, d)."""
    Xa = as_array("X", X, 2)
    return Xa.T @ Xa / Xa.shape[0]
