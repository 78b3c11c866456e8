"""Shared computations of the paper checks: the traced branch per (m, α), cached for the process.

Several checks read the same branch (m = 10 serves four of them; the width sweep contains it), so the trace
is memoised on its inputs ``(m, α, s_max)``; the result is immutable and depends on nothing else, so the
cache cannot change any check's outcome, only the time the later checks take.
"""

from __future__ import annotations

import functools
import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from crosscheck.checks.base import FAIL, INCONCLUSIVE, PASS, CheckContext, Recorder
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.branch import (
    Degeneracy,
    eig_monitor,
    eigenvalue_rate,
    first_sign_change,
    gradient_system,
    locate_degeneracy,
    smallest_eigpair,
    smallest_eigs,
    trace_homotopy,
)
from crosscheck.numerics.continuation import Branch, ContinuationOptions, correct_fixed_lambda, refine_monitor_minimum, tangent
from crosscheck.numerics.paper_data import paper_homotopy
from crosscheck.numerics.paper_method import replay_paper_method

S_MAX_FULL, S_MAX_QUICK = 0.05, 0.1
AFTER_ZERO = 20  # points traced past the first zero of λ₁ (enough to show the fold and the return sheet)
CERTIFY_MAX_N = 200  # singular values of the (2n+1)² extended Jacobian only up to this n


def s_max(ctx: CheckContext) -> float:
    return S_MAX_QUICK if ctx.quick else S_MAX_FULL


def paper(ctx: CheckContext, name: str) -> float | None:
    """The claimed value of ``name`` (for figure marks and for evaluating our branch where the paper
    reports a state), or None when the claim does not state it."""
    return ctx.expected(name) if ctx.has(name) else None


def fnum(x: Any) -> Any:
    """JSON-ready float (None stays None)."""
    return None if x is None else float(x)


@dataclass(frozen=True)
class Traced:
    """The branch of width m from the λ = 0 minimum and its first zero of λ₁ (if any)."""

    m: int
    alpha: float
    branch: Branch
    degeneracy: Degeneracy | None
    lambda_star: float | None  # λ of the located zero when converged with 0 < λ* ≤ 1
    min_lambda1: float  # min of λ₁ over λ ∈ [0, 1] before the first zero (sampled minima below α/4 refined; λ = 1 exact)
    min_lambda1_at: float
    max_grad: float  # max ‖∇L‖ over accepted points up to the bracket
    seconds: float
    note: str

    @property
    def converged(self) -> bool:
        """The trace reached λ = 1 or a sign change of λ₁, and any located point converged."""
        complete = self.degeneracy is not None or self.branch.lam[-1] > 1.0
        return complete and (self.degeneracy is None or self.degeneracy.point.converged)

    @property
    def first_segment(self) -> int:
        """Number of points before the first fold (or the whole branch): the minimum sheet."""
        folds = self.branch.folds()
        return folds[0] + 1 if folds else len(self.branch.lam)


@functools.lru_cache(maxsize=None)
def traced(m: int, alpha: float, smax: float) -> Traced:
    t0 = time.perf_counter()
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        br = trace_homotopy(hp, 1.0, ContinuationOptions(s_max=smax), stop_after_sign_change=AFTER_ZERO)
        i = first_sign_change(br, 0.0)
        stop = (i + 1) if i is not None else len(br.lam)
        lam1 = np.where(br.lam[:stop] <= 1.0, br.monitor[:stop, 0], np.inf)
        k_min = int(np.argmin(lam1))
        best = (float(lam1[k_min]), float(br.lam[k_min]))
        system = gradient_system(hp)
        for k in range(1, stop - 1):
            if lam1[k] <= lam1[k - 1] and lam1[k] <= lam1[k + 1] and lam1[k] < 0.25 * alpha:
                val = refine_monitor_minimum(system, br, k, eig_monitor)
                if val[1] <= 1.0:  # the bracket may reach past λ = 1; that end point is evaluated below
                    best = min(best, val)
        if i is None and br.lam[-1] > 1.0:  # the end point λ = 1 itself (the trace keeps one point beyond)
            j = int(np.argmin(np.abs(br.lam - 1.0)))
            w1, _, ok = correct_fixed_lambda(system, br.u[j], 1.0)
            if ok:
                best = min(best, (float(smallest_eigs(hm.hessian(hp, w1, 1.0), 1)[0]), 1.0))
        dg, lam_star, note = None, None, ""
        if i is not None:
            dg = locate_degeneracy(hp, br, i, certify=hp.n <= CERTIFY_MAX_N)
            if not dg.point.converged:
                note = f"extended system: {dg.point.message}; ‖∇L‖ = {dg.point.residual_F:.1e}, ‖Hφ‖ = {dg.point.residual_null:.1e}"
            elif 0.0 < dg.point.lam <= 1.0:
                lam_star = float(dg.point.lam)
            else:
                note = f"λ₁ reaches zero at λ = {dg.point.lam:.6g}, outside (0, 1]"
        elif br.lam[-1] < 1.0:
            note = f"continuation: {br.status}, before λ = 1 (last ‖∇L‖ = {br.residual[-1]:.1e})"
    return Traced(m, alpha, br, dg, lam_star, best[0], best[1], float(br.residual[:stop + 1].max()), time.perf_counter() - t0, note)


def branch_point_at(m: int, alpha: float, tr: Traced, lam: float) -> np.ndarray | None:
    """W on the branch's first (minimum) sheet at ``lam``: Newton at fixed λ from the nearest traced point
    (None if λ is outside that sheet or Newton fails)."""
    br = tr.branch
    lams = br.lam[: tr.first_segment]
    if not (lams.min() <= lam <= lams.max()):
        return None
    j = int(np.argmin(np.abs(lams - lam)))
    with single_blas_thread():
        w, _, ok = correct_fixed_lambda(gradient_system(paper_homotopy(m, alpha)), br.u[j], lam)
    return w if ok else None


def state_at(m: int, alpha: float, tr: Traced, lam: float) -> dict[str, float] | None:
    """The branch's state at ``lam`` on its first (minimum) sheet: λ₁, λ₂, |λ₁/λ₂| and the exact
    ``dλ₁/dλ = (dλ₁/ds)/(dλ/ds)``. None if λ is not on that sheet."""
    w = branch_point_at(m, alpha, tr, lam)
    if w is None:
        return None
    hp = paper_homotopy(m, alpha)
    system = gradient_system(hp)
    j = int(np.argmin(np.abs(tr.branch.lam[: tr.first_segment] - lam)))
    with single_blas_thread():
        H = hm.hessian(hp, w, lam)
        e = smallest_eigs(H, 2)
        t = tangent(system, w, lam, tr.branch.tangent[j], H)
        _, q = smallest_eigpair(H)
        rate = eigenvalue_rate(hp, w, lam, t, q)
    dlam = float(t[-1])
    return {
        "lambda": float(lam),
        "lambda1": float(e[0]),
        "lambda2": float(e[1]),
        "lambda1_over_lambda2": abs(float(e[0] / e[1])),
        "dlambda1_dlambda": rate / dlam if abs(dlam) > 1e-12 else math.nan,
        "grad_norm": float(np.linalg.norm(hm.grad(hp, w, lam))),
    }


@functools.lru_cache(maxsize=None)
def paper_method_replay(m: int, alpha: float, smax: float) -> dict[str, Any]:
    """Replay the paper's method (:mod:`crosscheck.numerics.paper_method`) and compare its last accepted
    iterate with our branch point at the same λ: the distance, and its component along the softest
    Hessian eigenvector (where a loose gradient tolerance leaves the largest error, ≈ ‖∇L‖/λ₁). Cached."""
    tr = traced(m, alpha, smax)
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        rp = replay_paper_method(hp)
    out: dict[str, Any] = {
        "lambda_star": rp.lambda_star, "grad_norm_median": rp.grad_norm_median, "grad_norm_max": rp.grad_norm_max,
        "grid_points": rp.points, "last_lambda": rp.last_lambda, "last_lambda1_fd": rp.last_lambda1,
        "last_lambda1_over_lambda2_fd": abs(rp.last_lambda1 / rp.last_lambda2),
    }
    w = branch_point_at(m, alpha, tr, rp.last_lambda)
    if w is not None:
        with single_blas_thread():
            lam1, q = smallest_eigpair(hm.hessian(hp, w, rp.last_lambda))
        out.update({"distance_to_branch": float(np.linalg.norm(rp.last_w - w)),
                    "distance_along_softest_mode": float(abs(q @ (rp.last_w - w))),
                    "branch_lambda1_there": lam1})
    return out


def lambda1_before(m: int, alpha: float, tr: Traced, delta: float) -> float | None:
    """λ₁ on the minimum sheet at ``λ* − delta`` (Newton at fixed λ from the nearest traced point)."""
    if tr.lambda_star is None:
        return None
    lam = tr.lambda_star - delta
    st = state_at(m, alpha, tr, lam)
    return None if st is None else st["lambda1"]


class Claims:
    """Comparisons with the claim, plus claimed quantities our computation shows do not exist (e.g. a zero of
    λ₁ the claim places where the branch has none) — a contradiction, recorded in words since there is no
    number to compare — and problems (non-convergence) that make the check inconclusive."""

    def __init__(self, rec: Recorder) -> None:
        self.rec = rec
        self.missing: list[str] = []
        self.problems: list[str] = []

    def claim(self, q: str, case: str, value: float | None, why_missing: str, **variables: float) -> None:
        if not self.rec.ctx.has(q):
            return
        self.rec.cases += 1
        if value is None or not math.isfinite(value):
            self.missing.append(f"{q} (claimed {self.rec.ctx.expected(q, **variables):g}): {why_missing}")
        else:
            self.rec.claim(q, case, value, **variables)

    NOTHING = "the claim states none of the quantities this check computes"

    def status(self) -> str:
        if self.rec.failures:
            return FAIL
        if self.problems or self.rec.cases == 0:
            return INCONCLUSIVE
        return FAIL if self.missing else PASS

    def fail_text(self, head: str) -> str:
        if self.status() == INCONCLUSIVE:
            return f"inconclusive: {'; '.join(self.problems) or self.NOTHING} ({head})"
        parts = [head]
        if self.rec.failures:
            parts.append(f"{len(self.rec.failures)} claimed value(s) disagree")
        parts += self.missing
        return "; ".join(parts)
