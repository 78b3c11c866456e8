"""Checks of §7's statements about where λ₁ of the continued branch reaches zero: Corollary 7.7 (an interior
zero always exists), Theorem 7.6(iv) (a unique zero near α/|λ₁'(0)|, error O(α²)), Remarks 7.10–7.12 (the
critical width m* = |K|/α, λ* ∝ α), Figure 4's fits and Appendix B.5 (iii)–(iv).

Data: the paper's recipe (:mod:`crosscheck.numerics.paper_data`). λ* is the first zero of λ₁ on the minimum
sheet of the branch from the λ = 0 minimiser, found by :func:`crosscheck.numerics.phase.scan_branch` (fast, for
grids) or the ledger's pseudo-arclength trace (:mod:`crosscheck.checks._paper_common`), located by the extended
system; every reported point has ‖∇L‖₂ ≤ 1e-10. A point or width whose branch did not converge is a case that
is not applicable. On this data the zero is a fold (the branch turns back in λ), not the transversal crossing
the statements presume; each check says which analogous quantity it computes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.checks.paper_width import fit_through_origin
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.branch import first_sign_change, locate_degeneracy, smallest_eigs, trace_homotopy
from crosscheck.numerics.continuation import ContinuationOptions
from crosscheck.numerics.paper_data import PAPER_ALPHA, PAPER_D, WIDTHS, paper_homotopy
from crosscheck.numerics.phase import KERNEL_TOL, PhasePoint, lambda1_prime_at_zero, phase_map

ALPHA = Param(default=PAPER_ALPHA, gt=0.0, doc="regularisation α > 0")


def _grid_memory(widths) -> float:
    n = max(int(m) for m in widths) * PAPER_D
    return 8.0 * (6 * (2 * n + 1) ** 2 + 8 * n * n + 4 * 500 * PAPER_D)


# ---- phase-diagram ---------------------------------------------------------------------------------

PHASE_READS = {
    "nonnegative_slopes": ("alpha",),  # widths of the grid with λ₁'(0) ≥ 0, per α
    "widths_without_zero": ("alpha",),  # widths of the grid with no zero of λ₁ in (0, 1], per α
    "critical_width": ("alpha",),  # m* per α: between the largest width with a zero and the next width
    "widths_below_critical_without_zero": ("alpha",),  # widths m < claimed m* without a zero
    "widths_above_critical_with_zero": ("alpha",),  # widths m > claimed m* with a zero
}


@dataclass(frozen=True)
class Phase:
    alphas: tuple[float, ...]
    widths: tuple[int, ...]
    points: tuple[PhasePoint, ...]
    seconds_wall: float


def _alphas(ctx: CheckContext) -> list[float]:
    p = ctx.params
    count = 2 if ctx.quick_for("alpha_count") else int(p["alpha_count"])
    grid = np.geomspace(float(p["alpha_min"]), float(p["alpha_max"]), count) if count > 1 else np.array([float(p["alpha_min"])])
    return sorted({float(a) for a in grid} | {float(a) for a in p["extra_alphas"]})


def measure_phase(ctx: CheckContext) -> Phase:
    """For every (α, m) of the grid (``alpha_count`` values log-spaced over [alpha_min, alpha_max], plus
    ``extra_alphas``, × ``widths``): λ₁'(0) (degenerate perturbation on the α-eigenspace) and the first zero λ*
    of λ₁ on the minimum sheet in (0, 1] (:func:`crosscheck.numerics.phase.phase_point`), as independent jobs
    through ``ctx.map`` (worker processes under ``crosscheck check --jobs N``). Per α: how many widths have λ₁'(0) ≥ 0
    (``nonnegative_slopes``), how many have no zero (``widths_without_zero``), the critical width m* (midway
    between the largest width with a zero and the next grid width, ± half that gap; not applicable when the
    largest grid width has a zero or no width has one), and, against the claim's own m*(α), the widths below it
    without a zero and above it with one. Every point must be converged (‖∇L‖ ≤ 1e-10) for its α to count."""
    import time

    p = ctx.params
    alphas = _alphas(ctx)
    widths = list(range(2, 41, 4)) if ctx.quick_for("widths") else sorted(int(m) for m in p["widths"])
    ctx.progress(f"{len(alphas)} α × {len(widths)} widths = {len(alphas) * len(widths)} branches")
    t0 = time.perf_counter()
    pts = phase_map(alphas, widths, float(p["step"]), ctx.map)
    return Phase(tuple(alphas), tuple(widths), pts, time.perf_counter() - t0)


def critical_width(widths: list[int], have: set[int]) -> tuple[float, float] | None:
    """(m*, half-width) from the largest width with a zero and the next grid width; None if no width has a
    zero or the largest one does (m* is then beyond the grid)."""
    if not have or max(have) == max(widths):
        return None
    top = max(have)
    nxt = min(m for m in widths if m > top)
    return 0.5 * (top + nxt), 0.5 * (nxt - top)


def judge_phase(r: Phase, rec: Recorder) -> None:
    if not any(rec.stated(q) for q in PHASE_READS):
        rec.inconclusive(pc.NOTHING)
    widths = list(r.widths)
    for a in r.alphas:
        row = [pt for pt in r.points if pt.alpha == a]
        label = f"α = {a:.4g}"
        bad = [f"m={pt.m}: {pt.note or 'not converged'}" for pt in row if not pt.converged]
        if bad:
            why = "branches did not converge at " + "; ".join(bad[:3])
            rec.case(label, applicable=False, why=why)
            for q in PHASE_READS:
                rec.not_compared(q, why)
            continue
        rec.case(label)
        have = {pt.m for pt in row if pt.lambda_star is not None}
        rec.claim("nonnegative_slopes", float(sum(pt.lambda1_prime >= 0 for pt in row)), alpha=a)
        rec.claim("widths_without_zero", float(len(widths) - len(have)), alpha=a)
        cw = critical_width(widths, have)
        if cw is None:
            if have:
                rec.not_compared("critical_width", f"the largest width {max(widths)} has a zero: m* lies beyond the grid")
            else:
                rec.absent("critical_width", f"no width in {widths[0]}…{widths[-1]} has a zero of λ₁ in (0, 1]", alpha=a)
        else:
            rec.claim("critical_width", cw[0], floor=cw[1], floor_why="half the gap between grid widths (m* lies between them)", alpha=a)
        if rec.stated("critical_width"):
            mstar = rec.expected("critical_width", alpha=a)
            rec.claim("widths_below_critical_without_zero", float(sum(m < mstar and m not in have for m in widths)), alpha=a)
            rec.claim("widths_above_critical_with_zero", float(sum(m > mstar and m in have for m in widths)), alpha=a)
        else:
            for q in ("widths_below_critical_without_zero", "widths_above_critical_with_zero"):
                rec.not_compared(q, "the claim states no critical_width to count against")


def present_phase(r: Phase) -> Presentation:
    widths = list(r.widths)
    grid = {(pt.alpha, pt.m): pt for pt in r.points}
    z = tuple(tuple(grid[(a, m)].lambda_star if grid[(a, m)].lambda_star is not None else math.nan for a in r.alphas) for m in widths)
    per_alpha = {}
    largest, mstar = [], []
    for a in r.alphas:
        have = {m for m in widths if grid[(a, m)].lambda_star is not None}
        cw = critical_width(widths, have)
        per_alpha[f"{a:.6g}"] = {
            "widths_with_zero": sorted(have), "largest_width_with_zero": max(have) if have else None,
            "critical_width": cw[0] if cw else None, "critical_width_times_alpha": cw[0] * a if cw else None,
            "kinds": sorted({grid[(a, m)].kind for m in have}),
            "max_lambda1_prime": max(grid[(a, m)].lambda1_prime for m in widths),
        }
        if have:
            largest.append((a, max(have)))
        if cw:
            mstar.append((a, cw[0]))
    cpu = sum(pt.seconds for pt in r.points)
    plots = [
        Plot(name="phase-diagram", title="λ* (first zero of λ₁ on the minimum sheet) over (α, m); blank: none in (0, 1]",
             xlabel="α", ylabel="m", kind="heatmap", z=z, xticks=tuple(f"{a:.2g}" for a in r.alphas), yticks=tuple(str(m) for m in widths)),
        Plot(name="critical-width", title="Largest width with a zero of λ₁ in (0, 1], against α", xlabel="α", ylabel="m", logx=True, logy=True,
             series=(Series("largest width with a zero (ours)", tuple(a for a, _ in largest), tuple(float(m) for _, m in largest), "markers", "ours"),)),
    ]
    n_zero = sum(pt.lambda_star is not None for pt in r.points)
    return Presentation(
        note=(f"{len(r.alphas)} α × {len(widths)} widths: {n_zero} points have a zero of λ₁ in (0, 1]; λ₁'(0) < 0 at "
              f"{sum(pt.lambda1_prime < 0 for pt in r.points)} of {len(r.points)} (timings under measured: they vary run to run)"),
        measured={"by_alpha": per_alpha, "kinds": {k: sum(pt.kind == k for pt in r.points) for k in sorted({pt.kind for pt in r.points if pt.kind})},
                  "max_grad_norm": max(pt.max_grad for pt in r.points), "seconds_wall": r.seconds_wall, "seconds_cpu_jobs": cpu,
                  "points": len(r.points)},
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every accepted point and at λ*", "critical_width": "half the gap between grid widths"},
        certificates={"max_grad_norm": max(pt.max_grad for pt in r.points)},
        plots=tuple(plots),
        params_used={"alphas": list(r.alphas), "widths": widths},
    )


PHASE = check(
    "phase-diagram",
    title="The (α, m) phase diagram: where λ₁ of the branch reaches zero in (0, 1], the critical width, the sign of λ₁'(0)",
    measure=measure_phase, judge=judge_phase, present=present_phase,
    reads=PHASE_READS, optional=tuple(PHASE_READS),
    params={
        "alpha_min": Param(default=1e-3, gt=0.0, doc="smallest α of the log-spaced grid"),
        "alpha_max": Param(default=2e-2, gt=0.0, doc="largest α of the log-spaced grid"),
        "alpha_count": Param(default=6, ge=1, doc="number of log-spaced α (default thinned for verify; the full diagram: 20)"),
        "extra_alphas": Param(default=[PAPER_ALPHA], gt=0.0, doc="α added to the grid (the paper's α = 4e-3)"),
        "widths": Param(default=list(range(2, 41)), ge=2, min_len=2, doc="widths m ≥ 2"),
        "step": Param(default=0.5, gt=0.0, le=0.5, doc="largest λ-step of the scan while λ₁ ≥ α/2 (half of it below; shortened further where λ₁ approaches zero)"),
    },
    memory=lambda p: _grid_memory(p["widths"]),
    cost=lambda p: 0.018 * (int(p["alpha_count"]) + len(p["extra_alphas"])) * len(p["widths"]),  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- lambda-star-vs-alpha --------------------------------------------------------------------------

ALPHA_READS = {
    "lambda_star_limit": ("m",),  # λ* extrapolated to α = 0 (quadratic fit over the smallest α)
    "proportionality_deviation": ("m",),  # max |λ*/(sα) − 1| over the α with a zero, s the fit through 0
    "first_order_error_exponent": ("m",),  # slope of log|λ* − α/|λ₁'(0)|| against log α (smallest α)
}


@dataclass(frozen=True)
class AlphaRow:
    m: int
    alphas: tuple[float, ...]
    stars: tuple[float | None, ...]
    primes: tuple[float, ...]
    converged: bool
    why: str
    fit_count: int


def measure_alpha(ctx: CheckContext) -> tuple[AlphaRow, ...]:
    """At each width m: λ* (first zero of λ₁ on the minimum sheet, in (0, 1]) and λ₁'(0) for α over
    ``alphas`` (log-spaced over [alpha_min, alpha_max], ``alpha_count`` values). Then, over the α with a zero:
    the slope s of λ* = sα through the origin and ``proportionality_deviation`` = max|λ*/(sα) − 1|; over the
    ``fit_count`` smallest α: ``lambda_star_limit``, the value at α = 0 of the least-squares quadratic
    c₀ + c₁α + c₂α², and ``first_order_error_exponent``, the least-squares slope of log|λ* − α/|λ₁'(0)||
    against log α (Theorem 7.6(iv) says 2)."""
    p = ctx.params
    count = int(p["alpha_count"])  # not thinned in quick mode: the fits need the smallest α (≈ 0.5 s per width)
    alphas = [float(a) for a in np.geomspace(float(p["alpha_min"]), float(p["alpha_max"]), count)]
    rows = []
    for m in sorted(int(x) for x in p["widths"]):
        ctx.progress(f"m = {m}")
        pts = phase_map(alphas, [m], mapper=ctx.map)
        bad = [f"α = {pt.alpha:.3g}: {pt.note or 'not converged'}" for pt in pts if not pt.converged]
        rows.append(AlphaRow(m, tuple(alphas), tuple(pt.lambda_star for pt in pts), tuple(pt.lambda1_prime for pt in pts),
                             not bad, "; ".join(bad), min(int(p["fit_count"]), count)))
    return tuple(rows)


def alpha_fits(r: AlphaRow) -> dict[str, Any]:
    """The fits of :func:`measure_alpha` on one width's row (None where there are too few zeros)."""
    have = [(a, s, lp) for a, s, lp in zip(r.alphas, r.stars, r.primes) if s is not None]
    out: dict[str, Any] = {"slope": None, "r2": None, "proportionality_deviation": None, "lambda_star_limit": None,
                           "first_order_error_exponent": None, "fit_alphas": []}
    if len(have) >= 2:
        a = np.array([h[0] for h in have])
        s = np.array([h[1] for h in have])
        slope, r2, _ = fit_through_origin(list(a), list(s))
        out.update(slope=slope, r2=r2, proportionality_deviation=float(np.abs(s / (slope * a) - 1).max()))
    small = have[: r.fit_count]
    if len(small) >= 3 and len(small) == min(r.fit_count, len(r.alphas)) and all(h[0] == a for h, a in zip(small, r.alphas)):
        a = np.array([h[0] for h in small])
        s = np.array([h[1] for h in small])
        err = np.abs(s - a / np.abs([h[2] for h in small]))
        out["lambda_star_limit"] = float(np.polyfit(a, s, 2)[-1])
        out["first_order_error_exponent"] = float(np.polyfit(np.log(a), np.log(err), 1)[0])
        out["fit_alphas"] = list(a)
        out["first_order_errors"] = list(err)
    return out


def judge_alpha(rows: tuple[AlphaRow, ...], rec: Recorder) -> None:
    if not any(rec.stated(q) for q in ALPHA_READS):
        rec.inconclusive(pc.NOTHING)
    for r in rows:
        label = f"m={r.m}"
        if not r.converged:
            rec.case(label, applicable=False, why=f"branches did not converge ({r.why})")
            for q in ALPHA_READS:
                rec.not_compared(q, r.why)
            continue
        rec.case(label)
        f = alpha_fits(r)
        for q in ALPHA_READS:
            if f[q] is None:
                rec.absent(q, f"too few of the α have a zero of λ₁ in (0, 1] (the fits need the {r.fit_count} smallest, "
                          "or two for the line)", m=r.m)
            else:
                rec.claim(q, f[q], m=r.m)


def present_alpha(rows: tuple[AlphaRow, ...]) -> Presentation:
    measured, series, err_series = {}, [], []
    for r in rows:
        f = alpha_fits(r)
        have = [(a, s) for a, s in zip(r.alphas, r.stars) if s is not None]
        measured[f"m={r.m}"] = {**f, "lambda_star_by_alpha": {f"{a:.4g}": s for a, s in zip(r.alphas, r.stars)},
                               "first_order_by_alpha": {f"{a:.4g}": a / abs(lp) for a, lp in zip(r.alphas, r.primes)},
                               "lambda_star_over_alpha": {f"{a:.4g}": s / a for a, s in have}}
        series.append(Series(f"λ* (m = {r.m})", tuple(a for a, _ in have), tuple(s for _, s in have), "line+markers"))
        series.append(Series(f"α/|λ₁'(0)| (m = {r.m})", r.alphas, tuple(a / abs(lp) for a, lp in zip(r.alphas, r.primes)), "line"))
        if f.get("fit_alphas"):
            err_series.append(Series(f"|λ* − α/|λ₁'(0)|| (m = {r.m})", tuple(f["fit_alphas"]), tuple(f["first_order_errors"]), "line+markers"))
    plots = [Plot(name="lambda-star-vs-alpha", title="λ* against α, with the first-order prediction", xlabel="α", ylabel="λ*", series=tuple(series))]
    if err_series:
        plots.append(Plot(name="first-order-error", title="Error of the first-order prediction against α (log–log)", xlabel="α",
                          ylabel="|λ* − α/|λ₁'(0)||", logx=True, logy=True, series=tuple(err_series)))
    words = [f"m = {r.m}: exponent {alpha_fits(r)['first_order_error_exponent']}" for r in rows]
    return Presentation(note="; ".join(w.replace("None", "not fitted") for w in words), measured=measured, plots=tuple(plots))


LAMBDA_STAR_ALPHA = check(
    "lambda-star-vs-alpha",
    title="λ* against α at fixed width: proportionality, the limit α → 0, and the order of the first-order error",
    measure=measure_alpha, judge=judge_alpha, present=present_alpha,
    reads=ALPHA_READS, optional=tuple(ALPHA_READS),
    params={
        "widths": Param(default=[10, 5], ge=2, min_len=1, doc="widths m ≥ 2"),
        "alpha_min": Param(default=1e-4, gt=0.0, doc="smallest α"),
        "alpha_max": Param(default=6e-3, gt=0.0, doc="largest α"),
        "alpha_count": Param(default=14, ge=3, doc="log-spaced α values"),
        "fit_count": Param(default=6, ge=3, doc="smallest α used for the limit and the exponent"),
    },
    memory=lambda p: _grid_memory(p["widths"]),
    cost=lambda p: 0.013 * int(p["alpha_count"]) * len(p["widths"]),  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- unique-zero -----------------------------------------------------------------------------------

UNIQUE_READS = {"zero_count": ("m", "alpha"), "kernel_dim": ("m", "alpha"), "lambda1_prime_negative": ("m", "alpha")}


@dataclass(frozen=True)
class UniqueRow:
    m: int
    lambda1_prime: float
    hypothesis: bool  # λ₁'(0) < 0 and |λ₁'(0)| > α
    complete: bool  # the continued branch left [0, 1] with every point converged
    status: str
    zeros: tuple[float, ...]  # λ of the sign changes of λ₁ along the continued branch with λ in (0, 1)
    folds: tuple[float, ...]
    lambda_star: float | None  # the first zero, located (extended system)
    kernel_dim: int | None
    lambda2_at_star: float | None
    max_grad: float


def measure_unique(ctx: CheckContext) -> tuple[float, tuple[UniqueRow, ...]]:
    """Theorem 7.6(iv) at each width: λ₁'(0); where its hypothesis holds (λ₁'(0) < 0, |λ₁'(0)| > α), the branch is
    continued by pseudo-arclength (the ledger's step control, ‖∇L‖ ≤ 1e-10 at every point) from λ = 0 until it leaves [0, 1]
    (through λ = 1, or back through λ = 0), and the zeros of λ₁ along it with λ in (0, 1) are counted (sign changes
    of λ₁ between accepted points): ``zero_count``. At the first one (extended system): ``kernel_dim`` = number of
    Hessian eigenvalues ≤ 1e-6 (the second is reported). ``lambda1_prime_negative`` = 1 if λ₁'(0) < 0."""
    p = ctx.params
    alpha = float(p["alpha"])
    widths = [3, 5, 10, 15, 16] if ctx.quick_for("widths") else sorted(int(m) for m in p["widths"])
    rows = []
    for m in widths:
        ctx.progress(f"m = {m}")
        hp = paper_homotopy(m, alpha)
        with single_blas_thread():
            lp = lambda1_prime_at_zero(hp)
            hyp = lp < 0 and abs(lp) > alpha
            if not hyp:
                rows.append(UniqueRow(m, lp, False, False, "", (), (), None, None, None, 0.0))
                continue
            br = trace_homotopy(hp, 1.0, ContinuationOptions(s0=pc.S0, s_max=pc.S_MAX_FULL, max_steps=int(p["max_steps"])))
            zeros = tuple(float(br.lam[i + 1]) for i in br.sign_changes(0) if 0.0 < br.lam[i + 1] < 1.0)
            folds = tuple(float(br.lam[i]) for i in br.folds())
            grad = float(br.residual.max())
            complete = br.status in ("reached lam_max", "reached lam_min") and grad <= pc.GRAD_TOL
            star = kdim = l2 = None
            i = first_sign_change(br, 0.0)
            if complete and i is not None and br.lam[i + 1] < 1.0:
                dg = locate_degeneracy(hp, br, i, certify=False)
                if dg.point.converged:
                    ev = smallest_eigs(hm.hessian(hp, dg.point.u, dg.point.lam), 3)
                    star, kdim, l2 = float(dg.point.lam), int(np.sum(np.abs(ev) <= KERNEL_TOL)), float(ev[1])
                    grad = max(grad, dg.point.residual_F)
                else:
                    complete = False
        rows.append(UniqueRow(m, lp, True, complete, br.status, zeros, folds, star, kdim, l2, grad))
    return alpha, tuple(rows)


def judge_unique(r: tuple[float, tuple[UniqueRow, ...]], rec: Recorder) -> None:
    alpha, rows = r
    if not any(rec.stated(q) for q in UNIQUE_READS):
        rec.inconclusive(pc.NOTHING)
    for row in rows:
        v = {"m": row.m, "alpha": alpha}
        rec.case(f"m={row.m}: sign of λ₁'(0)")
        rec.claim("lambda1_prime_negative", 1.0 if row.lambda1_prime < 0 else 0.0, **v)
        label = f"m={row.m}"
        if not row.hypothesis:
            rec.case(label, applicable=False, why=f"the hypothesis |λ₁'(0)| > α fails (λ₁'(0) = {row.lambda1_prime:.4g}, α = {alpha:g})")
            continue
        if not row.complete:
            rec.case(label, applicable=False, why=f"the continued branch did not converge or did not leave [0, 1] ({row.status})")
            for q in ("zero_count", "kernel_dim"):
                rec.not_compared(q, f"{label}: the branch is incomplete")
            continue
        rec.case(label)
        rec.claim("zero_count", float(len(row.zeros)), **v)
        if row.kernel_dim is None:  # no zero: the missing zero is zero_count's failure, not a kernel's
            rec.not_compared("kernel_dim", f"{label}: λ₁ has no zero on the continued branch in (0, 1)")
        else:
            rec.claim("kernel_dim", float(row.kernel_dim), **v)


def present_unique(r: tuple[float, tuple[UniqueRow, ...]]) -> Presentation:
    alpha, rows = r
    hyp = [row for row in rows if row.hypothesis]
    measured = {f"m={row.m}": {"lambda1_prime": row.lambda1_prime, "hypothesis_holds": row.hypothesis, "zeros_in_0_1": list(row.zeros),
                               "folds": list(row.folds), "first_zero": row.lambda_star, "kernel_dim": row.kernel_dim,
                               "lambda2_at_first_zero": row.lambda2_at_star, "first_order": alpha / abs(row.lambda1_prime) if row.lambda1_prime < 0 else None,
                               "status": row.status, "max_grad_norm": row.max_grad} for row in rows}
    counts = ", ".join(f"m={row.m}: {len(row.zeros)}" for row in hyp)
    return Presentation(
        note=f"zeros of λ₁ along the continued branch in (0, 1) where |λ₁'(0)| > α = {alpha:g}: {counts or 'no width satisfies the hypothesis'}",
        measured=measured,
        plots=(Plot(name="zero-count", title=f"Zeros of λ₁ along the continued branch in (0, 1) (α = {alpha:g})", xlabel="m", ylabel="count",
                    series=(Series("zeros (ours)", tuple(float(row.m) for row in hyp), tuple(float(len(row.zeros)) for row in hyp), "markers", "ours"),),
                    hlines=((1.0, "claimed: exactly one"),)),),
    )


UNIQUE = check(
    "unique-zero",
    title="Theorem 7.6(iv): where |λ₁'(0)| > α, the zeros of λ₁ along the continued branch in (0, 1) and the kernel there",
    measure=measure_unique, judge=judge_unique, present=present_unique,
    reads=UNIQUE_READS, optional=tuple(UNIQUE_READS),
    params={
        "widths": Param(default=list(range(2, 21)), ge=2, min_len=1, doc="widths m ≥ 2"),
        "alpha": ALPHA,
        "max_steps": Param(default=600, ge=10, doc="largest number of continuation steps per branch"),
    },
    memory=lambda p: _grid_memory(p["widths"]) + 8.0 * int(p["max_steps"]) * 2 * max(int(m) for m in p["widths"]) * PAPER_D,
    cost=1.4,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- width-fits ------------------------------------------------------------------------------------

FIT_READS = {
    "fit_intercept": ("alpha",),  # a in λ* ≈ a − b/m
    "fit_coefficient": ("alpha",),  # b
    "loglog_exponent": ("alpha",),  # p in |λ₁'(0)| ∼ m^p
    "first_order_rel_error": ("m", "alpha"),  # |α/|λ₁'(0)| − λ*| / λ*, widths m ≥ min_width_first_order with a zero
    "ratio_m3": ("alpha",),  # |λ₁/λ₂| at m = 3 (at the minimum of λ₁ if no zero; else at λ* − paper step)
    "ratio_m15": ("alpha",),  # |λ₁/λ₂| at m = 15, likewise
}


@dataclass(frozen=True)
class Fits:
    alpha: float
    widths: tuple[int, ...]
    trace_widths: tuple[int, ...]
    primes: Mapping[int, float]
    stars: Mapping[int, float | None]
    unconverged: tuple[str, ...]
    a: float | None
    b: float | None
    exponent: float
    ratios: Mapping[int, Mapping[str, Any] | None]
    min_width: int
    paper_step: float
    claimed_fit: tuple[float, float] | None = None  # the claim's (a, b), for the figure only
    claimed_exponent: float | None = None


def measure_fits(ctx: CheckContext) -> Fits:
    """Figure 4 and Appendix B.5 on the width sweep at α: λ* for each width of ``trace_widths`` (the ledger's
    traced branch, :func:`crosscheck.checks._paper_common.traced`); the least-squares fit λ* ≈ a − b/m over the
    widths with a zero; the log–log least-squares slope of |λ₁'(0)| against m over ``widths``; the relative error
    of the first-order prediction α/|λ₁'(0)| at the widths m ≥ ``min_width_first_order`` with a zero; and
    |λ₁/λ₂| at m = 3 and m = 15 where the paper reports it: at our λ* − ``paper_step`` (the last grid point
    before the zero on the paper's grid; at the fold itself λ₁ = 0) or, without a zero, at the minimum of λ₁."""
    p = ctx.params
    alpha = float(p["alpha"])
    widths = sorted(int(m) for m in p["widths"])
    tw = [3, 5, 8, 10, 15, 20] if ctx.quick_for("trace_widths") else sorted(int(m) for m in p["trace_widths"])
    with single_blas_thread():
        primes = {m: lambda1_prime_at_zero(paper_homotopy(m, alpha)) for m in sorted(set(widths) | set(tw))}
    stars, bad, traced = {}, [], {}
    for m in tw:
        ctx.progress(f"m = {m}")
        tr = pc.traced(m, alpha, pc.s_max(ctx))
        traced[m] = tr
        stars[m] = tr.lambda_star
        if not tr.converged:
            bad.append(f"m={m}: {tr.why_not_converged}")
    have = [m for m in tw if stars[m] is not None]
    a = b = None
    if len(have) >= 2:
        A = np.array([[1.0, -1.0 / m] for m in have])
        (a, b), *_ = np.linalg.lstsq(A, np.array([stars[m] for m in have]), rcond=None)
        a, b = float(a), float(b)
    exponent = float(np.polyfit(np.log(widths), np.log([abs(primes[m]) for m in widths]), 1)[0])
    step = float(p["paper_step"])
    ratios: dict[int, Any] = {}
    for m in (3, 15):
        tr = traced.get(m) or pc.traced(m, alpha, pc.s_max(ctx))
        if not tr.converged:
            ratios[m] = None
            continue
        lam = tr.min_lambda1_at if tr.lambda_star is None else tr.lambda_star - step
        st = pc.state_at(m, alpha, tr, lam)
        ratios[m] = None if st is None else {**st, "where": "minimum of λ₁ (no zero)" if tr.lambda_star is None else f"λ* − {step:g}"}
    claimed = ((pc.paper(ctx, "fit_intercept", alpha=alpha), pc.paper(ctx, "fit_coefficient", alpha=alpha))
               if ctx.has("fit_intercept") and ctx.has("fit_coefficient") else None)
    return Fits(alpha, tuple(widths), tuple(tw), primes, stars, tuple(bad), a, b, exponent, ratios, int(p["min_width_first_order"]), step,
                claimed, pc.paper(ctx, "loglog_exponent", alpha=alpha))


def judge_fits(r: Fits, rec: Recorder) -> None:
    av = {"alpha": r.alpha}
    if not any(rec.stated(q) for q in FIT_READS):
        rec.inconclusive(pc.NOTHING)
    rec.case(f"log–log fit over widths {', '.join(map(str, r.widths))}")
    rec.claim("loglog_exponent", r.exponent, **av)
    label = f"λ* over widths {', '.join(map(str, r.trace_widths))}"
    if r.unconverged:
        why = "branches did not converge at " + "; ".join(r.unconverged)
        rec.case(label, applicable=False, why=why)
        for q in ("fit_intercept", "fit_coefficient", "first_order_rel_error"):
            rec.not_compared(q, why)
    else:
        rec.case(label)
        if r.a is None:
            for q in ("fit_intercept", "fit_coefficient"):
                rec.absent(q, "fewer than two widths have a zero of λ₁ in (0, 1]", **av)
        else:
            rec.claim("fit_intercept", r.a, **av)
            rec.claim("fit_coefficient", r.b, **av)
        for m in r.trace_widths:
            s = r.stars[m]
            if m >= r.min_width and s is not None:
                rec.claim("first_order_rel_error", abs(r.alpha / abs(r.primes[m]) - s) / s, case=f"m={m}", m=m, alpha=r.alpha)
    for m, q in ((3, "ratio_m3"), (15, "ratio_m15")):
        st = r.ratios.get(m)
        if st is None or not st.get("converged"):
            rec.case(f"m={m}, |λ₁/λ₂|", applicable=False, why="the branch or the point did not converge")
            rec.not_compared(q, f"m={m}: not converged")
            continue
        rec.case(f"m={m}, |λ₁/λ₂| at {st['where']} (λ = {st['lambda']:.5g})")
        rec.claim(q, st["lambda1_over_lambda2"], **av)


def present_fits(r: Fits) -> Presentation:
    have = [m for m in r.trace_widths if r.stars[m] is not None]
    mm = np.linspace(min(r.trace_widths), max(r.trace_widths), 100)
    series = [Series("λ* (ours)", tuple(float(m) for m in have), tuple(r.stars[m] for m in have), "markers", "ours")]
    if r.a is not None:
        series.append(Series(f"fit {r.a:.3g} − {r.b:.3g}/m", tuple(mm.tolist()), tuple((r.a - r.b / mm).tolist()), "line"))
    if r.claimed_fit is not None:
        ca, cb = r.claimed_fit
        series.append(Series(f"claimed {ca:g} − {cb:g}/m", tuple(mm.tolist()), tuple((ca - cb / mm).tolist()), "line", "paper"))
    ws = np.array(r.widths, dtype=float)
    c = float(np.exp(np.mean(np.log([abs(r.primes[m]) for m in r.widths]) - r.exponent * np.log(ws))))
    slope_series = [Series("|λ₁'(0)|", tuple(ws.tolist()), tuple(abs(r.primes[m]) for m in r.widths), "markers", "ours"),
                    Series(f"fit ∝ m^{r.exponent:.3f}", tuple(ws.tolist()), tuple((c * ws**r.exponent).tolist()), "line")]
    if r.claimed_exponent is not None:
        c2 = float(np.exp(np.mean(np.log([abs(r.primes[m]) for m in r.widths]) - r.claimed_exponent * np.log(ws))))
        slope_series.append(Series(f"claimed ∝ m^{r.claimed_exponent:g}", tuple(ws.tolist()), tuple((c2 * ws**r.claimed_exponent).tolist()), "line", "paper"))
    plots = (
        Plot(name="lambda-star-fit", title=f"λ* against m (α = {r.alpha:g})", xlabel="m", ylabel="λ*", series=tuple(series)),
        Plot(name="slope-loglog", title="|λ₁'(0)| against m (log–log)", xlabel="m", ylabel="|λ₁'(0)|", logx=True, logy=True,
             series=tuple(slope_series)),
    )
    measured = {
        "fit_intercept": r.a, "fit_coefficient": r.b, "loglog_exponent": r.exponent,
        "lambda_star_by_m": {str(m): r.stars[m] for m in r.trace_widths},
        "lambda1_prime_by_m": {str(m): r.primes[m] for m in sorted(r.primes)},
        "first_order_rel_error_by_m": {str(m): abs(r.alpha / abs(r.primes[m]) - r.stars[m]) / r.stars[m] for m in have},
        "ratios": {str(m): dict(v) if v else None for m, v in r.ratios.items()},
    }
    fit = f"λ* ≈ {r.a:.3f} − {r.b:.3f}/m" if r.a is not None else "no λ* fit"
    return Presentation(note=f"{fit}; |λ₁'(0)| ∼ m^{r.exponent:.3f}", measured=measured, plots=plots,
                        params_used={"trace_widths": list(r.trace_widths)})


FITS = check(
    "width-fits",
    title="Figure 4 and Appendix B.5: λ* ≈ a − b/m, |λ₁'(0)| ∼ m^p, the first-order error per width, |λ₁/λ₂| at m = 3 and 15",
    measure=measure_fits, judge=judge_fits, present=present_fits,
    reads=FIT_READS, optional=tuple(FIT_READS),
    params={
        "alpha": ALPHA,
        "widths": Param(default=list(WIDTHS), ge=2, min_len=2, doc="widths of the log–log fit of |λ₁'(0)|"),
        "trace_widths": Param(default=list(WIDTHS), ge=2, min_len=2, doc="widths whose branch is traced for λ*"),
        "min_width_first_order": Param(default=8, ge=2, doc="the first-order comparison covers widths m ≥ this"),
        "paper_step": Param(default=pc.PAPER_STEP, gt=0.0, lt=0.1, doc="the paper's grid step Δλ (|λ₁/λ₂| is read at λ* − Δλ)"),
    },
    memory=lambda p: max(pc.memory_for_width(int(m)) for m in p["trace_widths"]),
)

CHECKS = (PHASE, LAMBDA_STAR_ALPHA, UNIQUE, FITS)
