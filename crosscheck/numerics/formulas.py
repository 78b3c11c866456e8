"""The paper's closed-form expressions for λ₁'(0) (formulas (18), (22) and the fourth-moment approximation of
Remark 7.8), evaluated as printed, next to the exact derivative.

At the λ = 0 minimiser W₀ (rows w*ⱼ) the Hessian ``H₀ = (vvᵀ)⊗Σ̂ + αI`` does not depend on W, so the total
derivative of H along the branch at λ = 0 is the partial one, ``Ḣ(0) = ∂_λH(W₀, 0)``; the α-eigenvalue has
the (m−1)d-dimensional eigenspace ``E = v^⊥ ⊗ ℝ^d`` (orthonormal basis B), and the exact right derivative of
the smallest eigenvalue is ``λ₁'(0⁺) = min eig(Bᵀ ∂_λH B)`` (:mod:`crosscheck.numerics.degenerate`).

The printed formulas are quadratic forms ``u ↦ uᵀ M u`` on ℝ^{md} with u = (u₁, …, u_m) split into rows
(the only reading in which ``Σⱼ vⱼ² u₀ᵀ E[· x xᵀ] u₀`` is defined for u₀ ∈ ℝ^{md}): M is block-diagonal,

* (18), as printed: ``M₁₈ = −blockdiag_j vⱼ² E[(σ'(w*ⱼᵀx) − 1) x xᵀ]``;
* (22), its tanh form: ``M₂₂ = −blockdiag_j vⱼ² E[tanh²(w*ⱼᵀx) x xᵀ]`` (since σ' − 1 = −tanh², M₁₈ = −M₂₂:
  the two printed signs disagree);
* the fourth-moment approximation (Remark 7.8, tanh² z ≈ z²): ``M₄ = −blockdiag_j vⱼ² E[(w*ⱼᵀx)² x xᵀ]``;
* the exact derivative matrix ``∂_λH(W₀, 0)`` (for comparison; its compression to E reduces to the
  residual-curvature term ``blockdiag_j vⱼ E[r σ''(w*ⱼᵀx) x xᵀ]``, the cross terms cancelling on E).

E is the empirical mean over the data (as in the loss). Because u₀ is not unique (E has dimension (m−1)d),
each formula is evaluated (a) at the unit eigenvector the symmetric eigensolver returns for the smallest
eigenvalue of H₀ (``numpy.linalg.eigh``, first column), (b) over random unit vectors of E (the spread the
choice of u₀ allows; the exact range is [min eig, max eig] of the compression ``BᵀMB``), and (c) in the
degenerate sense, the smallest eigenvalue of ``BᵀMB`` (what degenerate perturbation theory makes of the
formula: the slope of the lowest of the split eigenvalues).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.homotopy import Homotopy

FORMULAS = ("formula18", "formula22", "fourth_moment", "exact")


def block_moment_matrix(hp: Homotopy, W: np.ndarray, coef: np.ndarray) -> np.ndarray:
    """``blockdiag_j vⱼ² mean_n(coef_nj x_n x_nᵀ)`` (md × md) for coef of shape (N, m)."""
    m, d = hp.m, hp.d
    blocks = (coef * hp.v[None, :] ** 2).T @ hp.XX / hp.N
    M = np.zeros((m * d, m * d))
    for j in range(m):
        M[j * d : (j + 1) * d, j * d : (j + 1) * d] = blocks[j].reshape(d, d)
    return M


def formula_matrices(hp: Homotopy, w0: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The matrices of (18), (22), the fourth-moment approximation and the exact ``∂_λH`` at W₀ (module
    docstring). (18) and (22) use the model's activation σ; (22) is tanh's form and assumes σ = tanh."""
    w0 = hm.linear_minimum(hp) if w0 is None else np.asarray(w0, dtype=float)
    W = w0.reshape(hp.m, hp.d)
    Z = hp.X @ W.T
    _, s1, _ = hp.act.series(Z, 2)
    return {
        "formula18": -block_moment_matrix(hp, W, s1 - 1.0),
        "formula22": -block_moment_matrix(hp, W, np.tanh(Z) ** 2),
        "fourth_moment": -block_moment_matrix(hp, W, Z**2),
        "exact": hm.hess_lam(hp, w0, 0.0),
    }


@dataclass(frozen=True)
class FormulaValue:
    """One formula's value: at the solver's eigenvector, in the degenerate sense, and its spread over E."""

    solver_eigenvector: float  # u₀ᵀMu₀, u₀ = the eigensolver's first eigenvector of H₀
    degenerate: float  # min eig(BᵀMB)
    largest: float  # max eig(BᵀMB): with min, the exact range over unit vectors of E
    random_min: float  # over random unit vectors of E
    random_median: float
    random_max: float
    random_std: float


@dataclass(frozen=True)
class Formulas:
    m: int
    alpha: float
    values: dict[str, FormulaValue]
    max_row_norm: float  # max_j ‖w*ⱼ‖
    solver_in_eigenspace: float  # ‖(I − BBᵀ)u₀‖ (0 up to rounding: u₀ lies in E)
    samples: int


def evaluate_formulas(hp: Homotopy, rng: np.random.Generator, samples: int = 2000) -> Formulas:
    """Every formula of :data:`FORMULAS` in the three senses of the module docstring; ``samples`` random unit
    vectors of E (Gaussian coefficients in the basis B, normalised)."""
    w0 = hm.linear_minimum(hp)
    H0 = hm.hessian(hp, w0, 0.0)
    u0 = np.linalg.eigh(H0)[1][:, 0]
    B = hm.alpha_eigenspace_basis(hp.v, hp.d)
    g = rng.standard_normal((B.shape[1], int(samples)))
    g /= np.linalg.norm(g, axis=0)
    out = {}
    for name, M in formula_matrices(hp, w0).items():
        C = B.T @ M @ B
        C = 0.5 * (C + C.T)
        ev = np.linalg.eigvalsh(C)
        rq = np.einsum("ij,ij->j", g, C @ g)
        out[name] = FormulaValue(float(u0 @ M @ u0), float(ev[0]), float(ev[-1]), float(rq.min()), float(np.median(rq)),
                                 float(rq.max()), float(rq.std()))
    W = w0.reshape(hp.m, hp.d)
    return Formulas(hp.m, hp.alpha, out, float(np.linalg.norm(W, axis=1).max()), float(np.linalg.norm(u0 - B @ (B.T @ u0))), int(samples))


def fd_partial_lambda(hp: Homotopy, w: np.ndarray, h: float = 1e-4) -> np.ndarray:
    """``∂_λH(W, 0)`` by central differences of the exact Hessian at fixed W (a witness for "exact"; H is
    quadratic in λ, so the central difference is exact up to rounding ~ eps‖H‖/h)."""
    return (hm.hessian(hp, w, h) - hm.hessian(hp, w, -h)) / (2 * h)
