"""The critical branch of ``L_α(W, λ)`` from the λ = 0 minimum, and its first degenerate point.

The branch solves ``F(W, λ) = ∇_W L_α(W, λ) = 0``; it starts at the closed-form minimiser of the quadratic
``L_α(·, 0)`` (:func:`crosscheck.numerics.homotopy.linear_minimum`, unique for α > 0) and is followed by
pseudo-arclength continuation (:mod:`crosscheck.numerics.continuation`) with ``‖∇L‖₂ ≤ 1e-10`` at every
accepted point. The test function is the smallest Hessian eigenvalue λ₁ (monitored with the second one, λ₂,
by a partial symmetric eigensolver: ``scipy_linalg.eigh(..., subset_by_index=[0, 1])``). The first sign
change of λ₁ with λ > 0 brackets a degenerate point, which is then solved for exactly by the extended system
``∇L = 0, Hφ = 0, cᵀφ = 1`` and classified (fold vs branch point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from crosscheck.numerics._lazy import scipy_linalg

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.continuation import Branch, ContinuationOptions, System, continue_branch, tangent
from crosscheck.numerics.singular import Classification, SingularPoint, classify_singular_point, solve_singular_point
from crosscheck.numerics.homotopy import Homotopy


def gradient_system(hp: Homotopy) -> System:
    """``F = ∇L``, ``F_u = ∇²L``, ``F_λ = ∂_λ∇L``, ``F_uu[φ, ·] = D_W(∇²L)[φ]`` (symmetric third
    derivative), ``(∂_λF_u)φ = (∂_λ∇²L)φ``."""
    return System(
        residual=lambda u, lam: hm.grad(hp, u, lam),
        jac_u=lambda u, lam: hm.hessian(hp, u, lam),
        jac_lam=lambda u, lam: hm.grad_lam(hp, u, lam),
        jac_u_dir=lambda u, lam, phi: hm.hess_dir(hp, u, lam, phi),
        jac_u_lam_vec=lambda u, lam, phi: hm.hess_lam_vec(hp, u, lam, phi),
    )


def smallest_eigs(H: np.ndarray, k: int = 2) -> np.ndarray:
    """The k smallest eigenvalues of symmetric H (partial solve, no full spectrum)."""
    k = min(k, H.shape[0])
    return scipy_linalg.eigh(H, eigvals_only=True, subset_by_index=[0, k - 1], check_finite=False)


def smallest_eigpair(H: np.ndarray) -> tuple[float, np.ndarray]:
    w, V = scipy_linalg.eigh(H, subset_by_index=[0, 0], check_finite=False)
    return float(w[0]), V[:, 0]


def eig_monitor(u: np.ndarray, lam: float, H: np.ndarray) -> tuple[float, ...]:
    """Monitor (λ₁, λ₂) of the Hessian; λ₂ is NaN when n = 1."""
    e = smallest_eigs(H, 2)
    return (float(e[0]), float(e[1]) if e.size > 1 else float("nan"))


def trace_homotopy(
    hp: Homotopy,
    lam_max: float = 1.0,
    options: ContinuationOptions | None = None,
    stop_after_sign_change: int | None = None,
    progress=None,
) -> Branch:
    """Follow the critical branch from the λ = 0 minimum towards ``lam_max`` (λ₁ monitored)."""
    if hp.alpha <= 0:
        raise ValueError("alpha: must be > 0 for a unique λ = 0 minimum (use a desingularised start otherwise)")
    base = options or ContinuationOptions()
    opts = ContinuationOptions(**{**base.__dict__, "lam_max": lam_max, "lam_min": -1e-3, "stop_after_sign_change": stop_after_sign_change})
    return continue_branch(gradient_system(hp), hm.linear_minimum(hp), 0.0, +1.0, opts, eig_monitor, progress)


def eigenvalue_rate(hp: Homotopy, u: np.ndarray, lam: float, t: np.ndarray, q: np.ndarray) -> float:
    """``dλ₁/ds = qᵀ(∂_λH·t_λ + D_WH[t_W]) q`` along the branch tangent t for a simple eigenvalue with unit
    eigenvector q (first-order perturbation)."""
    n = u.size
    dH = hm.hess_lam(hp, u, lam) * t[n] + hm.hess_dir(hp, u, lam, t[:n])
    return float(q @ dH @ q)


@dataclass(frozen=True)
class Degeneracy:
    """The first point with λ > 0 where λ₁ of the branch reaches zero, solved for exactly."""

    point: SingularPoint
    classification: Classification | None
    bracket: tuple[float, float]  # λ of the branch points around the sign change
    bracket_index: int
    lambda1: float
    lambda2: float
    dlam_ds: float  # tangent λ-component at the point (0 at a fold)
    dlambda1_ds: float  # derivative of λ₁ along the unit tangent
    turns_back: bool  # dλ/ds changes sign within one step of the bracket (the branch folds back in λ)


def first_sign_change(branch: Branch, lam_min: float = 0.0) -> int | None:
    """Index i of the first sign change of λ₁ between branch points i and i+1 with λ > lam_min."""
    for i in branch.sign_changes(0):
        if branch.lam[i + 1] > lam_min:
            return i
    return None


def locate_degeneracy(hp: Homotopy, branch: Branch, i: int, tol: float = 1e-10, certify: bool = True) -> Degeneracy:
    """Solve the extended system from the bracket ``(i, i+1)`` of a λ₁ sign change; start from the point
    with the smaller |λ₁| and its eigenvector. Classification needs the point converged."""
    j = i if abs(branch.monitor[i, 0]) <= abs(branch.monitor[i + 1, 0]) else i + 1
    u0, lam0 = branch.u[j], float(branch.lam[j])
    _, q = smallest_eigpair(hm.hessian(hp, u0, lam0))
    system = gradient_system(hp)
    sp = solve_singular_point(system, u0, lam0, q, tol=tol, certify=certify)
    cls = classify_singular_point(system, sp) if sp.converged else None
    H = hm.hessian(hp, sp.u, sp.lam)
    ev = smallest_eigs(H, 2)
    n = sp.u.size
    hint = branch.tangent[j]
    try:
        t = tangent(system, sp.u, sp.lam, hint, H)
        rate = eigenvalue_rate(hp, sp.u, sp.lam, t, sp.phi)
        dlam = float(t[n])
    except np.linalg.LinAlgError:
        rate, dlam = float("nan"), float("nan")
    turns = any(abs(f - i) <= 1 for f in branch.folds())  # dλ/ds changes sign at (or next to) the bracket
    return Degeneracy(
        sp, cls, (float(branch.lam[i]), float(branch.lam[i + 1])), i, float(ev[0]),
        float(ev[1]) if ev.size > 1 else float("nan"), dlam, rate, turns,
    )
