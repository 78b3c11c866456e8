"""Singular points of ``F(u, λ) = 0``: Newton on the extended (Moore–Spence) system, and classification.

A **singular point** (``F_u`` singular on the curve) is located by Newton on the extended system
``G(u, λ, φ) = [F(u, λ); F_u(u, λ) φ; cᵀφ − 1] = 0`` (Moore & Spence 1980; unknowns u, λ, φ; c is the initial
guess of the null vector), whose Jacobian ``[[F_u, F_λ, 0], [F_uu[φ, ·], F_uλ φ, F_u], [0, 0, cᵀ]]`` is regular
at a quadratic fold. At a simple branch point (``ψᵀF_λ = 0``) it is singular; the Newton step is then taken
in the least-squares sense and convergence is only linear, which the result reports (``jac_smin``).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
from crosscheck.numerics._lazy import scipy_linalg

from crosscheck.numerics.continuation import System, Vec

#: Newton on the extended system stops when the update is below STEP_RTOL·(1 + ‖(u, λ, φ)‖): at a quadratic
#: fold the iteration converges quadratically, so the step after residuals <= tol (~1e-10) is far below this;
#: at a branch point (linear convergence) it certifies the iterate has settled to ~1e-8
STEP_RTOL = 1e-8


@dataclass(frozen=True)
class SingularPoint:
    """Result of :func:`solve_singular_point`. ``phi`` is normalised to ‖φ‖₂ = 1."""

    u: np.ndarray
    lam: float
    phi: np.ndarray
    converged: bool
    iterations: int
    residual_F: float  # ‖F(u, λ)‖₂
    residual_null: float  # ‖F_u φ‖₂ (φ unit)
    jac_smin: float | None  # smallest singular value of the extended Jacobian (None when not computed)
    message: str = ""


def solve_singular_point(
    system: System, u0: Vec, lam0: float, phi0: Vec, tol: float = 1e-10, max_iter: int = 40, certify: bool = True
) -> SingularPoint:
    """Newton on the extended system ``[F; F_u φ; cᵀφ − 1] = 0`` from (u0, λ0, φ0), ``c = φ0/‖φ0‖``.

    Converged when ``‖F‖₂ ≤ tol`` and ``‖F_u φ‖₂ ≤ tol`` (φ rescaled to unit norm) and the Newton update
    computed there is below ``1e-8·(1 + ‖(u, λ, φ)‖)``. A singular extended Jacobian (branch point) makes the step a least-squares one.
    ``certify`` computes the smallest singular value of the extended Jacobian at the solution.
    """
    if system.jac_u_dir is None or system.jac_u_lam_vec is None:
        raise ValueError("system: solve_singular_point needs jac_u_dir and jac_u_lam_vec")
    u = np.asarray(u0, dtype=float).ravel().copy()
    phi = np.asarray(phi0, dtype=float).ravel()
    n = u.size
    c = phi / np.linalg.norm(phi)
    phi = c / (c @ c)
    lam = float(lam0)
    msg = ""
    J = None
    for it in range(max_iter + 1):
        F = system.residual(u, lam)
        Fu = system.jac_u(u, lam)
        Gphi = Fu @ phi
        G = np.concatenate([F, Gphi, [c @ phi - 1.0]])
        rF = float(np.linalg.norm(F))
        rN = float(np.linalg.norm(Gphi) / np.linalg.norm(phi))
        J = np.zeros((2 * n + 1, 2 * n + 1))
        J[:n, :n] = Fu
        J[:n, n] = system.jac_lam(u, lam)
        J[n : 2 * n, :n] = system.jac_u_dir(u, lam, phi)
        J[n : 2 * n, n] = system.jac_u_lam_vec(u, lam, phi)
        J[n : 2 * n, n + 1 :] = Fu
        J[2 * n, n + 1 :] = c
        if not np.all(np.isfinite(G)):
            msg = "non-finite residual"
            break
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", scipy_linalg.LinAlgWarning)
                step = scipy_linalg.solve(J, G, check_finite=False)
        except (np.linalg.LinAlgError, scipy_linalg.LinAlgWarning):
            step = np.linalg.lstsq(J, G, rcond=None)[0]  # singular extended Jacobian: branch point
        small = float(np.linalg.norm(step)) <= STEP_RTOL * (1.0 + float(np.linalg.norm(np.concatenate([u, [lam], phi]))))
        if rF <= tol and rN <= tol and small:
            smin = float(np.linalg.svd(J, compute_uv=False)[-1]) if certify else None
            return SingularPoint(u, lam, phi / np.linalg.norm(phi), True, it, rF, rN, smin, "converged")
        if it == max_iter:
            break
        u = u - step[:n]
        lam = lam - step[n]
        phi = phi - step[n + 1 :]
    F = system.residual(u, lam)
    Fu = system.jac_u(u, lam)
    pn = phi / np.linalg.norm(phi)
    smin = float(np.linalg.svd(J, compute_uv=False)[-1]) if certify and J is not None else None
    return SingularPoint(
        u, lam, pn, False, max_iter, float(np.linalg.norm(F)), float(np.linalg.norm(Fu @ pn)), smin,
        msg or f"no convergence in {max_iter} Newton iterations",
    )


@dataclass(frozen=True)
class Classification:
    """Type of a singular point from the standard tests (see :func:`classify_singular_point`)."""

    kind: str  # "fold" | "transcritical" | "pitchfork"
    psi_F_lam: float  # ψᵀF_λ (ψ the left null vector, ψᵀφ > 0)
    psi_F_lam_rel: float  # |ψᵀF_λ| / max(‖F_λ‖, ‖F_u‖₂)
    quadratic: float  # ψᵀF_uu[φ, φ]
    tol_rel: float
    details: dict = field(default_factory=dict)


def classify_singular_point(system: System, sp: SingularPoint, tol_rel: float = 1e-6) -> Classification:
    """Fold vs branch point by the standard test: with ψ the left null vector of ``F_u`` (smallest left
    singular vector), a **fold** (saddle-node; the curve turns back in λ) has ``ψᵀF_λ ≠ 0``; a branch point
    has ``ψᵀF_λ = 0`` and is **transcritical** when ``ψᵀF_uu[φ,φ] ≠ 0``, otherwise (at this order)
    **pitchfork**. "≠ 0" means ``|ψᵀF_λ| > tol_rel·max(‖F_λ‖, ‖F_u‖₂)`` (resp. ``|ψᵀF_uu[φ,φ]| >
    tol_rel·‖F_uu[φ,·]‖₂``); the scale includes ‖F_u‖₂ because F_λ itself may vanish at a branch point. The
    default 1e-6 sits far above what residuals ≤ 1e-10 can produce and far below a generic fold's value.
    """
    if system.jac_u_dir is None:
        raise ValueError("system: classify_singular_point needs jac_u_dir")
    Fu = system.jac_u(sp.u, sp.lam)
    Uu, _, _ = np.linalg.svd(Fu)
    psi = Uu[:, -1]
    if psi @ sp.phi < 0:  # the orientation is irrelevant to the tests; fix it for reporting
        psi = -psi
    Fl = system.jac_lam(sp.u, sp.lam)
    pfl = float(psi @ Fl)
    rel = abs(pfl) / max(float(np.linalg.norm(Fl)), float(np.linalg.norm(Fu, 2)), np.finfo(float).tiny)
    Fuu = system.jac_u_dir(sp.u, sp.lam, sp.phi)
    quad = float(psi @ (Fuu @ sp.phi))
    qscale = max(float(np.linalg.norm(Fuu, 2)), np.finfo(float).tiny)
    if rel > tol_rel:
        kind = "fold"
    elif abs(quad) > tol_rel * qscale:
        kind = "transcritical"
    else:
        kind = "pitchfork"
    return Classification(kind, pfl, rel, quad, tol_rel, {"quadratic_rel": abs(quad) / qscale})
