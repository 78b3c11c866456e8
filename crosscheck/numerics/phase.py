"""The first zero of λ₁ on the minimum sheet of the critical branch, fast, for many (α, m): the phase diagram.

For one (m, α) (the paper's data, :func:`crosscheck.numerics.paper_data.paper_homotopy`), the branch from the
λ = 0 minimiser is followed in λ (natural parameter) with a tangent predictor ``W + h·Ẇ``,
``Ẇ = −H⁻¹∂_λ∇L``, and Newton at fixed λ to ``‖∇L‖₂ ≤ tol = 1e-10``. The step is at most ``step`` (0.5) while
λ₁ ≥ α/2 (λ₁ = α at λ = 0) and at most ``step/2`` once λ₁ is below α/2, where it may head for zero. A step is
accepted only if Newton converged within ``max_newton`` iterations, the corrector stayed near the predictor
(``‖W − Ŵ‖ ≤ ½·min(h, step/2)·(1 + ‖Ẇ‖)``: no jump to another sheet; a long step gets no wider radius than
a short one) and the smallest Hessian eigenvalue λ₁ is still positive; otherwise the step is halved. Where λ₁
decreases the step is also capped (:func:`scan_branch`). When the step would fall below ``min_step``, the
branch cannot be continued in λ past this point: a fold (no critical point nearby for larger λ) or a zero of
λ₁ lies within ``min_step``. The zero is then solved for exactly by the extended system ``∇L = 0, Hφ = 0`` from
the last accepted point and its softest eigenvector (:func:`crosscheck.numerics.singular.solve_singular_point`,
``‖∇L‖, ‖Hφ‖ ≤ 1e-10``) and classified (fold if ``φᵀ∂_λ∇L ≠ 0``, relative threshold 1e-6, else branch point).
The result is accepted only if that point lies within ``10·min_step`` ahead of the last accepted λ and within
``√min_step·(1 + ‖Ẇ‖)`` of its W (it is the zero this branch runs into, not another one). Where no zero is met, the trace ends at λ = ``lam_max`` exactly.

Kernel dimension at λ*: the number of Hessian eigenvalues ≤ ``KERNEL_TOL = 1e-6`` (far above what residuals
≤ 1e-10 leave, far below the second eigenvalue of every point we computed, which is reported).

Each (m, α) is an independent job, :func:`phase_point`, a plain top-level function of picklable arguments, so
:func:`phase_map` can run a grid through any map: a check's ``ctx.map`` or an executor's (default: serial).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
from crosscheck.numerics import _lapack
from crosscheck.numerics._lazy import scipy_linalg

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.branch import gradient_system, smallest_eigpair, smallest_eigs
from crosscheck.numerics.homotopy import Homotopy
from crosscheck.numerics.model import hess_lam_on_alpha_eigenspace
from crosscheck.numerics.singular import solve_singular_point

GRAD_TOL = 1e-10
KERNEL_TOL = 1e-6


@dataclass(frozen=True)
class Scan:
    """The first zero of λ₁ on the minimum sheet in (0, lam_max] (``lambda_star``), or none, with margins."""

    m: int
    alpha: float
    lambda_star: float | None
    kind: str  # "fold", "branch point", or "" (no zero)
    kernel_dim: int  # at λ* (0 without a zero)
    lambda2_at_star: float | None
    min_lambda1: float  # smallest λ₁ over the accepted points (λ > 0)
    min_lambda1_at: float
    last_lambda: float  # last accepted λ
    max_grad: float  # largest ‖∇L‖₂ over the accepted points and the located zero
    points: int
    converged: bool  # reached lam_max, or located the zero with residuals ≤ tol
    note: str


def scan_branch(hp: Homotopy, lam_max: float = 1.0, step: float = 0.5, min_step: float = 1e-4, tol: float = GRAD_TOL,
                max_newton: int = 6) -> Scan:
    """Follow the minimum sheet from λ = 0 to ``lam_max`` or to its first zero of λ₁ (module docstring). Where λ₁
    decreases the step is also capped: at half the distance to where λ₁ reaches zero if it falls on linearly, and,
    once a step has been rejected there, at 0.7 of the distance to where λ₁² does (λ₁ ∝ √(λ* − λ) near a fold,
    where the linear extrapolation overshoots); so the last accepted point lies within a few ``min_step`` of it."""
    system = gradient_system(hp)
    w = hm.linear_minimum(hp)
    lam, h = 0.0, float(step)
    near = 0.5 * float(step)  # the largest step once λ₁ < α/2, and the corrector's radius for any step
    H = hm.hessian(hp, w, 0.0)
    lu = _lapack.lu_factor(H)  # of the current point's Hessian: tangent and chord steps
    grad_max = float(np.linalg.norm(hm.grad(hp, w, 0.0)))
    best = (np.inf, 0.0)
    prev = (0.0, float(hp.alpha))  # (λ, λ₁) of the previous accepted point
    l1 = float(hp.alpha)
    points = 1
    turned = False  # a step was rejected while λ₁ was decreasing
    while lam < lam_max:
        dw = -_lapack.lu_solve(lu, hm.grad_lam(hp, w, lam))
        he = min(h, lam_max - lam, step if l1 >= 0.5 * hp.alpha else near)
        if l1 < prev[1] and lam > prev[0]:  # λ₁ decreasing
            if turned:  # a step towards its zero failed: near a fold λ₁ ∝ √(λ* − λ), so extrapolate λ₁² linearly
                dist = l1 * l1 * (lam - prev[0]) / (prev[1] ** 2 - l1 * l1)
                he = min(he, max(0.7 * dist, min_step))
            else:  # half way to where λ₁ reaches zero if it falls on linearly
                dist = l1 * (lam - prev[0]) / (prev[1] - l1)
                he = min(he, max(0.5 * dist, min_step))
        lam_new = lam_max if he == lam_max - lam else lam + he
        pred = w + (lam_new - lam) * dw
        x, ok, gn, iters = _newton(hp, pred, lam_new, tol, max_newton, lu)
        accept = ok and float(np.linalg.norm(x - pred)) <= 0.5 * min(he, near) * (1.0 + float(np.linalg.norm(dw)))
        if accept:
            Hn = hm.hessian(hp, x, lam_new)
            l1_new = float(smallest_eigs(Hn, 1)[0])
            accept = l1_new > 0.0
        if accept:
            prev = (lam, l1)
            w, lam, H, l1 = x, lam_new, Hn, l1_new
            lu = _lapack.lu_factor(H)
            grad_max = max(grad_max, gn)
            points += 1
            if l1 < best[0]:
                best = (l1, lam)
            if iters <= 3:
                h = min(step, 1.5 * h)
            continue
        turned = turned or l1 < prev[1]
        if he > min_step:
            h = max(he / 2, min_step)
            continue
        return _locate(hp, system, w, lam, H, dw, min_step, tol, grad_max, best, points)
    return Scan(hp.m, hp.alpha, None, "", 0, None, best[0], best[1], lam, grad_max, points, grad_max <= tol, "")


def _newton(hp: Homotopy, x: np.ndarray, lam: float, tol: float, max_newton: int, lu0: tuple) -> tuple[np.ndarray, bool, float, int]:
    """Chord iterations at fixed λ from x with ``lu0`` (the LU factors of the Hessian at the previous branch point), the Hessian
    refreshed at the current iterate whenever a step fails to reduce ‖∇L‖ tenfold: mostly no new Hessian per
    λ-step (the gradient is O(N·n), the Hessian O(N·n²)). Fails after ``max_newton`` refreshes or when even a
    fresh Newton step does not halve ‖∇L‖. Returns (x, converged to ‖∇L‖₂ ≤ tol, ‖∇L‖₂, refreshes)."""
    lu = lu0
    refreshes, fresh, last = 0, False, np.inf
    for _ in range(4 * max_newton):
        g = hm.grad(hp, x, lam)
        gn = float(np.linalg.norm(g))
        if gn <= tol:
            return x, True, gn, refreshes
        if not np.isfinite(gn):
            break
        if gn > 0.1 * last and not fresh:  # the chord step contracts poorly: a fresh Hessian
            if refreshes >= max_newton:
                break
            lu = _lapack.lu_factor(hm.hessian(hp, x, lam))
            refreshes, fresh = refreshes + 1, True
        elif gn > 0.5 * last:  # even a fresh Newton step does not halve the residual
            break
        else:
            fresh = False
        last = gn
        x = x - _lapack.lu_solve(lu, g)
    return x, False, gn, refreshes


def _locate(hp, system, w, lam, H, dw, min_step, tol, grad_max, best, points) -> Scan:
    _, phi = smallest_eigpair(H)  # the softest eigenvector (a partial eigensolve)
    sp = solve_singular_point(system, w, lam, phi, tol=tol, certify=False)
    near = lam < sp.lam <= lam + 10 * min_step and float(np.linalg.norm(sp.u - w)) <= np.sqrt(min_step) * (1.0 + float(np.linalg.norm(dw)))
    if not (sp.converged and near):
        why = sp.message if not sp.converged else f"the extended system converged to λ = {sp.lam:.6g}, not ahead of the last point λ = {lam:.6g}"
        return Scan(hp.m, hp.alpha, None, "", 0, None, best[0], best[1], lam, grad_max, points, False,
                    f"continuation stopped at λ = {lam:.6g} and the zero ahead was not located ({why})")
    H = hm.hessian(hp, sp.u, sp.lam)
    ev = smallest_eigs(H, 3)
    kind = _kind(hp, sp, H)
    kdim = int(np.sum(np.abs(ev) <= KERNEL_TOL))
    return Scan(hp.m, hp.alpha, float(sp.lam), kind, kdim, float(ev[1]), min(best[0], 0.0), float(sp.lam) if best[0] > 0 else best[1],
                lam, max(grad_max, sp.residual_F), points, True, "")


def _kind(hp: Homotopy, sp, H: np.ndarray, tol_rel: float = 1e-6) -> str:
    """The standard fold test of :func:`crosscheck.numerics.singular.classify_singular_point` with ψ = φ (H is
    symmetric, so its left and right null vectors coincide): "fold" if ``|φᵀ∂_λ∇L| > tol_rel·max(‖∂_λ∇L‖,
    ‖H‖₂)``, else "branch point" (transversal crossing; not further typed here)."""
    fl = hm.grad_lam(hp, sp.u, sp.lam)
    n = H.shape[0]
    h2 = float(np.abs(scipy_linalg.eigh(H, eigvals_only=True, subset_by_index=[n - 1, n - 1], check_finite=False)).max())
    rel = abs(float(sp.phi @ fl)) / max(float(np.linalg.norm(fl)), h2, np.finfo(float).tiny)
    return "fold" if rel > tol_rel else "branch point"


@dataclass(frozen=True)
class PhasePoint:
    """One (α, m) of the phase diagram: λ* in (0, 1] or None, λ₁'(0), and the scan's certificates."""

    alpha: float
    m: int
    lambda_star: float | None
    kind: str
    kernel_dim: int
    lambda1_prime: float
    min_lambda1: float
    max_grad: float
    converged: bool
    note: str
    seconds: float  # CPU time of this job (process time)


def phase_point(job: tuple[int, float, float]) -> PhasePoint:
    """The job ``(m, α, step)``: :func:`scan_branch` on the paper's data at width m and regularisation α, and
    λ₁'(0) (degenerate perturbation). A plain function of picklable arguments (for process executors)."""
    from crosscheck.numerics.paper_data import paper_homotopy

    m, alpha, step = int(job[0]), float(job[1]), float(job[2])
    t0 = time.process_time()
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        sc = scan_branch(hp, 1.0, step)
        if not sc.converged:
            sc = scan_by_arclength(hp)
        lp = lambda1_prime_at_zero(hp)
    return PhasePoint(alpha, m, sc.lambda_star, sc.kind, sc.kernel_dim, lp, sc.min_lambda1, sc.max_grad, sc.converged, sc.note,
                      time.process_time() - t0)


def lambda1_prime_at_zero(hp: Homotopy) -> float:
    """``λ₁'(0⁺) = min eig(Bᵀ∂_λH(W₀, 0)B)`` (at λ = 0 the Hessian does not depend on W, so the total
    derivative along the branch is the partial one; see :mod:`crosscheck.numerics.degenerate`)."""
    if hp.m < 2:
        raise ValueError("hp: the α-eigenspace needs m ≥ 2")
    C = hess_lam_on_alpha_eigenspace(hp, hm.linear_minimum(hp))
    return float(smallest_eigs(C, 1)[0])


def scan_by_arclength(hp: Homotopy, s_max: float = 0.05) -> Scan:
    """The fallback of :func:`scan_branch` where the zero ahead could not be located from a λ-step: the
    ledger's pseudo-arclength trace (:func:`crosscheck.numerics.branch.trace_homotopy`) to the first sign
    change of λ₁, located by the extended system (:func:`crosscheck.numerics.branch.locate_degeneracy`)."""
    from crosscheck.numerics.branch import first_sign_change, locate_degeneracy, trace_homotopy
    from crosscheck.numerics.continuation import ContinuationOptions

    br = trace_homotopy(hp, 1.0, ContinuationOptions(s_max=s_max), stop_after_sign_change=2)
    i = first_sign_change(br, 0.0)
    stop = (i + 1) if i is not None else len(br.lam)
    inside = (br.lam[:stop] > 0) & (br.lam[:stop] <= 1.0)
    l1 = br.monitor[:stop, 0]
    k = int(np.argmin(np.where(inside, l1, np.inf))) if inside.any() else 0
    grad_max = float(br.residual[: stop + 1].max())
    if i is None:
        done = br.lam[-1] >= 1.0
        return Scan(hp.m, hp.alpha, None, "", 0, None, float(l1[k]), float(br.lam[k]), float(br.lam[stop - 1]), grad_max, stop,
                    done and grad_max <= GRAD_TOL, "" if done else f"continuation: {br.status}")
    dg = locate_degeneracy(hp, br, i, certify=False)
    sp = dg.point
    if not (sp.converged and 0.0 < sp.lam <= 1.0):
        why = sp.message if not sp.converged else f"λ₁ reaches zero at λ = {sp.lam:.6g}, outside (0, 1]"
        return Scan(hp.m, hp.alpha, None, "", 0, None, float(l1[k]), float(br.lam[k]), float(br.lam[i]), grad_max, stop,
                    sp.converged, "" if sp.converged else why)
    ev = smallest_eigs(hm.hessian(hp, sp.u, sp.lam), 3)
    kind = "fold" if dg.turns_back else (dg.classification.kind if dg.classification else "")
    return Scan(hp.m, hp.alpha, float(sp.lam), kind, int(np.sum(np.abs(ev) <= KERNEL_TOL)), float(ev[1]), 0.0, float(sp.lam),
                float(br.lam[i]), max(grad_max, sp.residual_F), stop, True, "")


def phase_map(alphas: Iterable[float], widths: Iterable[int], step: float = 0.5,
              mapper: Callable[[Callable, list], Iterable[PhasePoint]] | None = None) -> tuple[PhasePoint, ...]:
    """:func:`phase_point` over the grid α × m, returned α outer; through ``mapper(fn, jobs)`` if given (a
    check's ``ctx.map``, an executor's ``map``), else serially. The jobs are handed over widest (costliest)
    first, so a pool of workers finishes together."""
    jobs = [(int(m), float(a), float(step)) for a in alphas for m in widths]
    order = sorted(range(len(jobs)), key=lambda i: (-jobs[i][0], jobs[i][1]))
    done = dict(zip(order, (mapper or map)(phase_point, [jobs[i] for i in order])))
    return tuple(done[i] for i in range(len(jobs)))
