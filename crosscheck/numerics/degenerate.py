"""Perturbation of a degenerate eigenvalue along the branch, and the reduced coefficients at a degeneracy.

**Degenerate first-order perturbation.** At λ = 0 the Hessian ``H₀ = (vvᵀ)⊗Σ̂ + αI`` has the eigenvalue α
on the whole space ``E = v^⊥ ⊗ ℝ^d`` (dimension (m−1)d). Along the branch W(λ) the total derivative is
``Ḣ = dH/dλ = ∂_λH + D_WH[Ẇ]`` with ``Ẇ = −H⁻¹ ∂_λ∇L``. For λ → 0⁺ the (m−1)d eigenvalues that start at α
are ``α + λ μ_i + O(λ²)`` where ``μ_i`` are the eigenvalues of ``BᵀḢB`` (B an orthonormal basis of E) — the
compression of Ḣ to the eigenspace, not the Rayleigh quotient of one arbitrary eigenvector (which gives some
convex combination of the μ_i). Hence the right derivative ``λ₁'(0⁺) = min_i μ_i``.

**Reduced coefficients (our reading of the paper's formulas (25)–(26)).** At a degenerate point (W*, λ*) with
unit null vector φ of H: ``g_aa = D³L[φ, φ, φ]`` and ``g_aaa = D⁴L[φ, φ, φ, φ]``, the third and fourth
derivatives of ``a ↦ L(W* + aφ, λ*)`` at 0. The Lyapunov–Schmidt reduction ``ψ(a) = min_{w ⊥ φ}
L(W* + aφ + w, λ*) − L(W*, λ*)`` has the expansion ``ψ(a) = g_aa a³/6 + g_aaa_LS a⁴/24 + O(a⁵)`` with
``g_aaa_LS = g_aaa − 3 bᵀH_⊥⁺b``, ``b = P_⊥ D³L[φ, φ, ·]`` (the slaved correction ``w = −a² H_⊥⁺b/2``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.homotopy import Homotopy


@dataclass(frozen=True)
class ClusterDerivative:
    """First-order splitting ``μ`` (ascending) of the α-cluster at λ = 0, and the naive single-vector value."""

    mu: np.ndarray
    lambda1_prime: float  # min μ: the right derivative of the smallest eigenvalue
    naive_single_vector: float  # qᵀḢq for the eigensolver's first eigenvector q of H₀ (for contrast)
    dW_dlam: np.ndarray
    cluster_eigs: np.ndarray  # eigenvalues of H₀ on E (all α up to rounding)


def branch_hessian_derivative(hp: Homotopy, w: np.ndarray, lam: float, H: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(Ḣ, Ẇ)`` along the branch at a regular point: ``Ẇ = −H⁻¹∂_λ∇L``, ``Ḣ = ∂_λH + D_WH[Ẇ]``."""
    H = hm.hessian(hp, w, lam) if H is None else H
    dw = -np.linalg.solve(H, hm.grad_lam(hp, w, lam))
    return hm.hess_lam(hp, w, lam) + hm.hess_dir(hp, w, lam, dw), dw


def cluster_derivative(hp: Homotopy) -> ClusterDerivative:
    """The splitting of the α-eigenvalue at the λ = 0 minimum (see the module docstring)."""
    w0 = hm.linear_minimum(hp)
    H0 = hm.hessian(hp, w0, 0.0)
    dH, dw = branch_hessian_derivative(hp, w0, 0.0, H0)
    B = hm.alpha_eigenspace_basis(hp.v, hp.d)
    mu = np.linalg.eigvalsh(B.T @ dH @ B)
    _, V = np.linalg.eigh(H0)
    q = V[:, 0]
    return ClusterDerivative(mu, float(mu[0]), float(q @ dH @ q), dw, np.linalg.eigvalsh(B.T @ H0 @ B))


@dataclass(frozen=True)
class FDDerivative:
    """Right derivative of λ₁ at 0 by forward differences on the converged branch, Richardson-extrapolated."""

    steps: tuple[float, ...]
    quotients: tuple[float, ...]  # (λ₁(h) − λ₁(0)) / h
    extrapolated: float  # 2·D(h/2) − D(h) for the two smallest steps
    grad_norms: tuple[float, ...]


def fd_lambda1_prime(hp: Homotopy, steps: tuple[float, ...] = (4e-3, 2e-3, 1e-3), tol: float = 1e-12) -> FDDerivative:
    """Forward differences of the smallest eigenvalue of H(W(h), h), with W(h) solved by Newton to
    ``‖∇L‖ ≤ tol`` from the first-order guess ``W₀ + hẆ``. Truncation error O(h) before and O(h²) after
    Richardson; rounding ~ eps‖H‖/h."""
    w0 = hm.linear_minimum(hp)
    lam0 = float(np.linalg.eigvalsh(hm.hessian(hp, w0, 0.0))[0])
    dw = -np.linalg.solve(hm.hessian(hp, w0, 0.0), hm.grad_lam(hp, w0, 0.0))
    qs, gn = [], []
    for h in steps:
        w = w0 + h * dw
        for _ in range(30):
            g = hm.grad(hp, w, h)
            if np.linalg.norm(g) <= tol:
                break
            w = w - np.linalg.solve(hm.hessian(hp, w, h), g)
        gn.append(float(np.linalg.norm(hm.grad(hp, w, h))))
        qs.append((float(np.linalg.eigvalsh(hm.hessian(hp, w, h))[0]) - lam0) / h)
    return FDDerivative(tuple(steps), tuple(qs), 2.0 * qs[-1] - qs[-2], tuple(gn))


@dataclass(frozen=True)
class ReducedCoefficients:
    g_aa: float  # D³L[φ³]
    g_aaa: float  # D⁴L[φ⁴]
    g_aaa_ls: float  # D⁴L[φ⁴] − 3 bᵀH_⊥⁺b
    correction: float  # 3 bᵀH_⊥⁺b
    g_aa_fd: float  # from finite differences of the loss along φ
    g_aaa_fd: float
    g_aa_hess_fd: float  # from central differences of the exact Hessian along φ
    g_aaa_hess_fd: float
    fd_step: float
    hess_step: float
    c_lam: float  # φᵀ∂_λ∇L: the unfolding coefficient (ψ(a, λ) ≈ (λ − λ*) c_lam a + …)
    second: float  # φᵀHφ (≈ 0 at the degeneracy)


def orient_null_vector(phi: np.ndarray) -> np.ndarray:
    """Fix the sign of a null vector deterministically: its largest-magnitude entry is positive."""
    return phi if phi[np.argmax(np.abs(phi))] > 0 else -phi


def loss_fd_derivatives(hp: Homotopy, w: np.ndarray, lam: float, phi: np.ndarray, t: float) -> tuple[float, float]:
    """Third and fourth derivatives of ``a ↦ L(W + aφ, λ)`` at 0 from loss values only: the 5-point
    central stencils ``[L(2t) − 2L(t) + 2L(−t) − L(−2t)]/(2t³)`` and ``[L(2t) − 4L(t) + 6L(0) − 4L(−t) +
    L(−2t)]/t⁴`` (truncation O(t²)), Richardson-combined over t and t/2 (truncation O(t⁴)); rounding
    ~ eps·|L|/t⁴."""

    def stencils(h: float) -> tuple[float, float]:
        L = {k: hm.loss(hp, w + k * h * phi, lam) for k in (-2, -1, 0, 1, 2)}
        d3 = (L[2] - 2 * L[1] + 2 * L[-1] - L[-2]) / (2 * h**3)
        d4 = (L[2] - 4 * L[1] + 6 * L[0] - 4 * L[-1] + L[-2]) / h**4
        return d3, d4

    a3, a4 = stencils(t)
    b3, b4 = stencils(t / 2)
    return (4 * b3 - a3) / 3, (4 * b4 - a4) / 3


def reduced_coefficients(
    hp: Homotopy, w: np.ndarray, lam: float, phi: np.ndarray, fd_step: float = 0.01, hess_step: float = 1e-4
) -> ReducedCoefficients:
    """Reduced coefficients at a degenerate point (module docstring), with two independent witnesses for
    g_aa and g_aaa: differences of the loss (:func:`loss_fd_derivatives`) and central differences of the
    exact Hessian along φ (``φᵀ[H(+t) − H(−t)]φ/2t`` and ``φᵀ[H(+t) − 2H(0) + H(−t)]φ/t²`` at t = hess_step;
    truncation O(t²), rounding ~ eps‖H‖/t and eps‖H‖/t²).
    ``H_⊥⁺b`` is the solution z ⊥ φ of the bordered system ``[H φ; φᵀ 0][z; μ] = [b; 0]``."""
    phi = orient_null_vector(np.asarray(phi, dtype=float) / np.linalg.norm(phi))
    _, second, g3, g4 = hm.directional_derivatives(hp, w, lam, phi)
    H = hm.hessian(hp, w, lam)
    b = hm.third_vec(hp, w, lam, phi)
    b = b - (phi @ b) * phi
    n = w.size
    K = np.zeros((n + 1, n + 1))
    K[:n, :n], K[:n, n], K[n, :n] = H, phi, phi
    z = np.linalg.solve(K, np.append(b, 0.0))[:n]
    corr = 3.0 * float(b @ z)
    f3, f4 = loss_fd_derivatives(hp, w, lam, phi, fd_step)
    th = hess_step
    Hp, Hm = hm.hessian(hp, w + th * phi, lam), hm.hessian(hp, w - th * phi, lam)
    h3 = float(phi @ (Hp - Hm) @ phi) / (2 * th)
    h4 = float(phi @ (Hp - 2 * H + Hm) @ phi) / th**2
    c_lam = float(phi @ hm.grad_lam(hp, w, lam))
    return ReducedCoefficients(g3, g4, g4 - corr, corr, f3, f4, h3, h4, fd_step, hess_step, c_lam, second)


def reduced_potential(
    hp: Homotopy, w: np.ndarray, lam: float, phi: np.ndarray, a_values: np.ndarray, tol: float = 1e-11
) -> tuple[np.ndarray, np.ndarray]:
    """The Lyapunov–Schmidt potential ``ψ(a) = L(W* + aφ + w(a), λ*) − L(W*, λ*)`` with ``w(a) ⊥ φ`` solving
    ``P_⊥∇L = 0`` (Newton with the bordered matrix, continued in a from 0 outwards); returns (ψ, ‖P_⊥∇L‖)."""
    phi = orient_null_vector(np.asarray(phi, dtype=float) / np.linalg.norm(phi))
    n = w.size
    L0 = hm.loss(hp, w, lam)
    a_values = np.asarray(a_values, dtype=float)
    psi = np.full(a_values.size, np.nan)
    res = np.full(a_values.size, np.nan)
    order = np.argsort(np.abs(a_values))
    last = {1.0: np.zeros(n), -1.0: np.zeros(n)}
    for idx in order:
        a = float(a_values[idx])
        side = 1.0 if a >= 0 else -1.0
        y = last[side].copy()
        for _ in range(30):
            g = hm.grad(hp, w + a * phi + y, lam)
            gp = g - (phi @ g) * phi
            if np.linalg.norm(gp) <= tol:
                break
            K = np.zeros((n + 1, n + 1))
            K[:n, :n] = hm.hessian(hp, w + a * phi + y, lam)
            K[:n, n], K[n, :n] = phi, phi
            y = y - np.linalg.solve(K, np.append(gp, phi @ y))[:n]
        last[side] = y
        psi[idx] = hm.loss(hp, w + a * phi + y, lam) - L0
        res[idx] = float(np.linalg.norm(gp))
    return psi, res
