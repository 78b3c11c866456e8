"""Shared computations of the paper checks: the traced branch per (m, α), cached for the process.

Several checks read the same branch (m = 10 serves four of them; the width sweep contains it), so the trace
is memoised on its inputs ``(m, α, s_max)``; the result is immutable (frozen dataclasses whose arrays are
read-only, mappings read-only views) and depends on nothing else, so the cache cannot change any check's
outcome, only the time the later checks take. Within a ``crosscheck verify`` run the traces and replays are
also shared between worker processes through the run's cache folder (``$CROSSCHECK_RUN_CACHE``, set by
:mod:`crosscheck.verify`; pickles written atomically, a missing or unreadable entry is computed).

Convergence rule: a branch point is reported as converged only when ``‖∇L‖₂ ≤ GRAD_TOL = 1e-10`` there
(every accepted continuation point, the located degenerate point, a point evaluated at a given λ).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import pickle
import tempfile
import time
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from crosscheck.engine.api import CheckContext
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
from crosscheck.numerics.homotopy import Homotopy
from crosscheck.numerics.paper_data import PAPER_D, PAPER_N, paper_homotopy

S_MAX_FULL, S_MAX_QUICK = 0.4, 0.4  # long steps where λ₁ is far from zero (the test-function step limit shortens them near one)
S0 = 0.2  # first step
AFTER_ZERO = 10  # points traced past the first zero of λ₁ (enough to show the fold; the step is still short there)
CERTIFY_MAX_N = 200  # singular values of the (2n+1)² extended Jacobian only up to this n
GRAD_TOL = 1e-10  # ‖∇L‖₂ at every reported branch point
PAPER_STEP = 1 / 400  # the paper's grid step Δλ
NOTHING = "the claim states none of the quantities this check computes"


def s_max(ctx: CheckContext) -> float:
    return S_MAX_QUICK if ctx.quick else S_MAX_FULL


def paper(ctx: CheckContext, name: str, **variables: float) -> float | None:
    """The claimed value of ``name`` (for figure marks and for evaluating our branch where the paper
    reports a state), or None when the claim does not state it."""
    return ctx.expected(name, **variables) if ctx.has(name) else None



class ReadOnlyDict(dict):
    """A dict that refuses changes, and (unlike ``MappingProxyType``) pickles: cached results travel between
    worker processes (``ctx.map``, the run's cache folder)."""

    def _refuse(self, *_args: Any, **_kwargs: Any) -> None:
        raise TypeError("a cached result is read-only")

    __setitem__ = __delitem__ = __ior__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self):
        return (ReadOnlyDict, (dict(self),))


def freeze(obj: Any) -> Any:
    """Make a cached result immutable in place: every ndarray reachable through dataclass fields, tuples
    and lists becomes read-only, and dict fields of dataclasses become :class:`ReadOnlyDict`. Returns ``obj``."""
    if isinstance(obj, np.ndarray):
        obj.flags.writeable = False
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            val = getattr(obj, f.name)
            freeze(val)
            if isinstance(val, dict):
                object.__setattr__(obj, f.name, ReadOnlyDict(val))
    elif isinstance(obj, (list, tuple)):
        for x in obj:
            freeze(x)
    elif isinstance(obj, (dict, MappingProxyType)):
        for x in obj.values():
            freeze(x)
    return obj


def memory_for_width(m: int, d: int = PAPER_D, samples: int = PAPER_N, points: int = 400) -> float:
    """Bytes for one traced branch of width m (n = md unknowns): a few dense n×n Hessians and
    factorisations, the (2n+1)² extended Jacobian, the data, and ``points`` stored points with tangents."""
    n = m * d
    return 8.0 * (8 * n * n + 3 * (2 * n + 1) ** 2 + 4 * samples * d + points * (2 * n + 8))


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
    def grad_norm(self) -> float:
        """Largest ‖∇L‖₂ over the accepted points up to the bracket and the located degenerate point."""
        return max(self.max_grad, self.degeneracy.point.residual_F) if self.degeneracy is not None else self.max_grad

    @property
    def converged(self) -> bool:
        """The trace reached λ = 1 or a sign change of λ₁, any located point converged, and ‖∇L‖₂ ≤ 1e-10 at
        every reported point."""
        complete = self.degeneracy is not None or self.branch.lam[-1] > 1.0
        located = self.degeneracy is None or self.degeneracy.point.converged
        return complete and located and self.grad_norm <= GRAD_TOL

    @property
    def why_not_converged(self) -> str:
        """Why the branch is not a converged one (empty if it is)."""
        if self.converged:
            return ""
        if self.grad_norm > GRAD_TOL and not self.note:
            return f"‖∇L‖ = {self.grad_norm:.1e} > {GRAD_TOL:.0e} at a branch point"
        return self.note or "the trace stopped before λ = 1"

    @property
    def first_segment(self) -> int:
        """Number of points before the first fold (or the whole branch): the minimum sheet."""
        folds = self.branch.folds()
        return folds[0] + 1 if folds else len(self.branch.lam)


def run_cached(name: str, compute):
    """``compute()``, shared through the run's cache folder when ``$CROSSCHECK_RUN_CACHE`` is set: read if an
    entry exists, else computed and written (atomically: a temporary file renamed into place). The entries are
    pure functions of ``name``, so a hit returns what the computation would."""
    folder = os.environ.get("CROSSCHECK_RUN_CACHE")
    path = os.path.join(folder, name + ".pickle") if folder else None
    if path is not None and os.path.exists(path):
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except Exception:  # a damaged entry is recomputed
            pass
    out = compute()
    if path is not None:
        try:
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(out, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:  # the folder is gone or not ours (another machine): nothing shared
            pass
    return out


@functools.lru_cache(maxsize=None)
def traced(m: int, alpha: float, smax: float) -> Traced:
    """The branch of width m (see :class:`Traced`), cached for the process and shared within a run."""
    return freeze(run_cached(f"traced-{m}-{alpha!r}-{smax!r}", lambda: _traced(m, alpha, smax)))


def min_lambda1(hp: Homotopy, br: Branch) -> tuple[float, float]:
    """(min λ₁, λ there) over the points of the traced branch ``br`` with λ ≤ 1 before its first zero of λ₁:
    sampled minima below α/4 refined on the curve (:func:`refine_monitor_minimum`), and, where the branch runs
    past λ = 1 without a zero, λ₁ at λ = 1 exactly (corrected from the chord between the points around it)."""
    i = first_sign_change(br, 0.0)
    stop = (i + 1) if i is not None else len(br.lam)
    lam1 = np.where(br.lam[:stop] <= 1.0, br.monitor[:stop, 0], np.inf)
    k_min = int(np.argmin(lam1))
    best = (float(lam1[k_min]), float(br.lam[k_min]))
    system = gradient_system(hp)
    for k in range(1, stop - 1):
        if lam1[k] <= lam1[k - 1] and lam1[k] <= lam1[k + 1] and lam1[k] < 0.25 * hp.alpha:
            val = refine_monitor_minimum(system, br, k, eig_monitor)
            if val[1] <= 1.0:  # the bracket may reach past λ = 1; that end point is evaluated below
                best = min(best, val)
    if i is None and br.lam[-1] > 1.0:  # the end point λ = 1 itself (the trace keeps one point beyond)
        j = len(br.lam) - 2  # the last point before λ = 1: start from the chord between it and the one beyond
        f = (1.0 - br.lam[j]) / (br.lam[j + 1] - br.lam[j])
        w1, _, ok = correct_fixed_lambda(system, (1.0 - f) * br.u[j] + f * br.u[j + 1], 1.0, chord=True)
        if ok:
            best = min(best, (float(smallest_eigs(hm.hessian(hp, w1, 1.0), 1)[0]), 1.0))
    return best


def _traced(m: int, alpha: float, smax: float) -> Traced:
    t0 = time.perf_counter()
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        br = trace_homotopy(hp, 1.0, ContinuationOptions(s0=min(S0, smax), s_max=smax), stop_after_sign_change=AFTER_ZERO)
        i = first_sign_change(br, 0.0)
        stop = (i + 1) if i is not None else len(br.lam)
        best = min_lambda1(hp, br)
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


def branch_point_at(m: int, alpha: float, tr: Traced, lam: float) -> tuple[np.ndarray, float, bool] | None:
    """W on the branch's first (minimum) sheet at ``lam``: Newton at fixed λ from the nearest traced point,
    as (W, ‖∇L‖, converged to ‖∇L‖ ≤ 1e-10). None if λ is outside that sheet."""
    br = tr.branch
    lams = br.lam[: tr.first_segment]
    if not (lams.min() <= lam <= lams.max()):
        return None
    j = int(np.argmin(np.abs(lams - lam)))
    with single_blas_thread():
        w, res, ok = correct_fixed_lambda(gradient_system(paper_homotopy(m, alpha)), br.u[j], lam, tol=GRAD_TOL)
    return w, float(res), bool(ok)


def state_at(m: int, alpha: float, tr: Traced, lam: float) -> dict[str, Any] | None:
    """The branch's state at ``lam`` on its first (minimum) sheet: λ₁, λ₂, |λ₁/λ₂| and the exact
    ``dλ₁/dλ = (dλ₁/ds)/(dλ/ds)`` (NaN where dλ/ds = 0), with ``converged`` (‖∇L‖ ≤ 1e-10 there). None if λ
    is not on that sheet; only λ, ‖∇L‖ and ``converged = False`` if Newton did not converge."""
    pt = branch_point_at(m, alpha, tr, lam)
    if pt is None:
        return None
    w, res, ok = pt
    if not ok:
        return {"lambda": float(lam), "grad_norm": res, "converged": False}
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
        "converged": True,
    }


@functools.lru_cache(maxsize=None)
def paper_method_replay(m: int, alpha: float, smax: float, step: float = PAPER_STEP) -> Mapping[str, Any]:
    """Replay the paper's method (:mod:`crosscheck.numerics.paper_method`) on the grid of step ``step`` and
    compare its last accepted iterate with our branch point at the same λ: the distance, and its component
    along the softest Hessian eigenvector (where a loose gradient tolerance leaves the largest error,
    ≈ ‖∇L‖/λ₁). Cached (and shared within a run); returned as a read-only mapping of plain numbers."""
    return ReadOnlyDict(run_cached(f"replay-{m}-{alpha!r}-{smax!r}-{step!r}", lambda: _paper_method_replay(m, alpha, smax, step)))


def _paper_method_replay(m: int, alpha: float, smax: float, step: float) -> dict[str, Any]:
    from crosscheck.numerics.paper_method import replay_paper_method

    tr = traced(m, alpha, smax)
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        rp = replay_paper_method(hp, step=step)
    out: dict[str, Any] = {
        "step": float(step), "lambda_star": rp.lambda_star, "grad_norm_median": rp.grad_norm_median, "grad_norm_max": rp.grad_norm_max,
        "grid_points": rp.points, "last_lambda": rp.last_lambda, "last_lambda1_fd": rp.last_lambda1,
        "last_lambda1_over_lambda2_fd": abs(rp.last_lambda1 / rp.last_lambda2),
    }
    pt = branch_point_at(m, alpha, tr, rp.last_lambda)
    if pt is not None and pt[2]:
        w = pt[0]
        with single_blas_thread():
            lam1, q = smallest_eigpair(hm.hessian(hp, w, rp.last_lambda))
        out.update({"distance_to_branch": float(np.linalg.norm(rp.last_w - w)),
                    "distance_along_softest_mode": float(abs(q @ (rp.last_w - w))),
                    "branch_lambda1_there": float(lam1)})
    return out


def lambda1_before(m: int, alpha: float, tr: Traced, delta: float) -> float | None:
    """λ₁ on the minimum sheet at ``λ* − delta`` (Newton at fixed λ from the nearest traced point)."""
    if tr.lambda_star is None:
        return None
    lam = tr.lambda_star - delta
    st = state_at(m, alpha, tr, lam)
    return None if st is None or not st["converged"] else st["lambda1"]
