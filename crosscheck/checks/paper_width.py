"""Checks of the paper's width-scaling claims: λ₁'(0) ≈ K/m + K₂/m², λ* ≈ αm/|K|, which widths have an
interior zero of λ₁, and the §2.3 line λ* ∝ m at α = 0.01. Branches as in :mod:`crosscheck.checks.paper`; a
width whose branch did not converge is a case that is not applicable, and so is every sweep-wide quantity
(which widths have a zero, the line through them) that depends on it."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.phase import lambda1_prime_at_zero
from crosscheck.numerics.paper_data import PAPER_ALPHA, WIDTHS, paper_homotopy


def _width(task: tuple[int, float, float, bool]) -> tuple[int, float, pc.Traced, Mapping[str, Any] | None]:
    """One width of the sweep (run by ``ctx.map``, possibly in a worker process): λ₁'(0) by the degenerate
    perturbation, the traced branch, and the paper's method replayed there when asked."""
    m, alpha, smax, replay = task
    return m, _prime(m, alpha), pc.traced(m, alpha, smax), pc.paper_method_replay(m, alpha, smax) if replay else None


def _prime(m: int, alpha: float) -> float:
    """λ₁'(0) of the paper's data at width m and regularisation α."""
    with single_blas_thread():
        return lambda1_prime_at_zero(paper_homotopy(m, alpha))


def fit_inverse_width(ms: list[int], vals: list[float]) -> tuple[float, float, float]:
    """Least squares ``val ≈ K/m + K₂/m²``; returns (K, K₂, max |residual|)."""
    A = np.array([[1.0 / m, 1.0 / m**2] for m in ms])
    y = np.array(vals)
    (K, K2), *_ = np.linalg.lstsq(A, y, rcond=None)
    return float(K), float(K2), float(np.abs(A @ [K, K2] - y).max())


def fit_through_origin(x: list[float], y: list[float]) -> tuple[float, float, float]:
    """Slope of ``y = s·x`` by least squares, with the centred R² = 1 − SS_res/Σ(y − ȳ)² (NaN for < 2 points)
    and the uncentred R²₀ = 1 − SS_res/Σy² (the convention of regression through the origin)."""
    xa, ya = np.array(x, dtype=float), np.array(y, dtype=float)
    if xa.size == 0:
        return math.nan, math.nan, math.nan
    s = float(xa @ ya / (xa @ xa))
    ss = float(((ya - s * xa) ** 2).sum())
    r2 = 1 - ss / float(((ya - ya.mean()) ** 2).sum()) if xa.size >= 2 else math.nan
    return s, r2, 1 - ss / float(ya @ ya)


def _sweep(ctx: CheckContext, widths: list[int], alpha: float, replay_widths: list[int]) -> tuple[dict[int, float], dict[int, pc.Traced], dict[str, Mapping[str, Any]]]:
    """Every width through ``ctx.map`` (independent, so in parallel where the run allows), costliest first:
    the replays of the paper's method, then the widest branches. Returns (λ₁'(0), branch, replay) by width."""
    todo = sorted(set(widths) | set(replay_widths), key=lambda m: (m not in replay_widths, -m))
    ctx.progress(f"{len(todo)} widths: m = {', '.join(map(str, sorted(todo)))}")
    primes, traces, replays = {}, {}, {}
    for m, prime, tr, rp in ctx.map(_width, [(m, alpha, pc.s_max(ctx), m in replay_widths) for m in todo]):
        primes[m], traces[m] = prime, pc.freeze(tr)
        if rp is not None:
            replays[str(m)] = rp
    return primes, traces, replays


def _unconverged(rows: Mapping[int, pc.Traced]) -> list[str]:
    return [f"m={m}: {tr.why_not_converged}" for m, tr in rows.items() if not tr.converged]


def _sweep_memory(widths: list[int]) -> float:
    return max(pc.memory_for_width(int(m)) for m in widths)


WIDTHS_PARAM = Param(default=list(WIDTHS), ge=2, min_len=2, doc="widths m ≥ 2 (an α-eigenspace needs two units; the fit needs two widths)")
STAR_READS = {f"lambda_star_m{m}": ("m", "alpha") for m in WIDTHS}
SCALING_READS = {"K": ("alpha",), "K2": ("alpha",), "law_coefficient": ("alpha",), "largest_width_with_zero": ("alpha",),
                 "smallest_width_with_zero": ("alpha",), **STAR_READS}


@dataclass(frozen=True)
class WidthRow:
    m: int
    lambda1_prime: float
    converged: bool
    why_not_converged: str
    lambda_star: float | None
    no_zero: str  # why there is no λ* (converged branches)
    min_lambda1: float
    min_lambda1_at: float
    max_grad: float
    seconds: float
    kind: str | None


@dataclass(frozen=True)
class Scaling:
    alpha: float
    widths: tuple[int, ...]
    rows: tuple[WidthRow, ...]
    K: float
    K2: float
    fit_residual: float
    replays: Mapping[str, Mapping[str, Any]] | None
    claimed_stars: tuple[tuple[int, float], ...]  # for the figure only


def measure_width_scaling(ctx: CheckContext) -> Scaling:
    """For each width: λ₁'(0) by the degenerate perturbation on the α-eigenspace, and the first zero λ* of λ₁
    on the continued branch in (0, 1] (extended system), or, where there is none, the smallest λ₁ on the
    branch (sampled minima below α/4 refined by Brent on the curve) as the margin. Fit by least squares
    ``λ₁'(0) = K/m + K₂/m²``. Compared where claimed: ``K``, ``K2``, ``law_coefficient`` = α/|K| (the slope of
    λ* ≈ αm/|K|), ``largest_width_with_zero``, ``smallest_width_with_zero`` and ``lambda_star_m<m>`` (m among
    the paper's widths). Diagnostic (skipped in quick mode unless ``replay_widths`` is set): the paper's own
    method replayed at ``replay_widths`` (see ``bifurcation-point``)."""
    p = ctx.params
    widths = [3, 5, 10, 15, 20] if ctx.quick_for("widths") else sorted(int(m) for m in p["widths"])
    alpha = float(p["alpha"])
    replay_widths = [] if ctx.quick_for("replay_widths") else sorted({int(x) for x in p["replay_widths"]})
    primes, traces, replayed = _sweep(ctx, widths, alpha, replay_widths)
    K, K2, fit_res = fit_inverse_width(widths, [primes[m] for m in widths])
    rows = []
    for m in widths:
        tr = traces[m]
        kind = None
        if tr.lambda_star is not None and tr.degeneracy.classification is not None:
            c = tr.degeneracy.classification
            kind = "fold" if c.kind == "fold" and tr.degeneracy.turns_back else c.kind
        why = f"λ₁ has no zero on the branch in (0, 1] (its minimum there is {tr.min_lambda1:.3g} at λ = {tr.min_lambda1_at:.3g})"
        rows.append(WidthRow(m, float(primes[m]), tr.converged, tr.why_not_converged, tr.lambda_star, tr.note or why,
                             tr.min_lambda1, tr.min_lambda1_at, tr.max_grad, tr.seconds, kind))
    replays = None if ctx.quick_for("replay_widths") else {str(m): replayed[str(m)] for m in replay_widths}
    claimed = tuple((m, float(pc.paper(ctx, f"lambda_star_m{m}", m=m, alpha=alpha))) for m in widths if ctx.has(f"lambda_star_m{m}"))
    return Scaling(alpha, tuple(widths), tuple(rows), K, K2, fit_res, replays, claimed)


def judge_width_scaling(r: Scaling, rec: Recorder) -> None:
    a = {"alpha": r.alpha}
    if not any(rec.stated(q) for q in SCALING_READS):
        rec.inconclusive(pc.NOTHING)
    rec.case(f"fit over widths {', '.join(map(str, r.widths))}")
    for q, val in (("K", r.K), ("K2", r.K2), ("law_coefficient", r.alpha / abs(r.K))):
        rec.claim(q, val, **a)
    bad = [f"m={row.m}: {row.why_not_converged}" for row in r.rows if not row.converged]
    label = f"zeros of λ₁ over widths {', '.join(map(str, r.widths))}"
    if bad:
        why = "branches did not converge at " + "; ".join(bad)
        rec.case(label, applicable=False, why=why)
        for q in ("largest_width_with_zero", "smallest_width_with_zero"):
            rec.not_compared(q, why)
    else:
        rec.case(label)
        interior = [row.m for row in r.rows if row.lambda_star is not None]
        none = f"no width of {', '.join(map(str, r.widths))} has a zero of λ₁ in (0, 1]"
        for q, val in (("largest_width_with_zero", max(interior, default=None)), ("smallest_width_with_zero", min(interior, default=None))):
            if val is None:
                rec.absent(q, none, **a)
            else:
                rec.claim(q, val, **a)
    for row in r.rows:
        q = f"lambda_star_m{row.m}"
        if not row.converged:
            why = f"the branch did not converge ({row.why_not_converged})"
            rec.case(f"m={row.m}", applicable=False, why=why)
            rec.not_compared(q, f"m={row.m}: {why}")
            continue
        rec.case(f"m={row.m}")
        if q not in SCALING_READS:
            continue
        if row.lambda_star is None:
            rec.absent(q, row.no_zero, m=row.m, alpha=r.alpha)
        else:
            rec.claim(q, row.lambda_star, m=row.m, alpha=r.alpha)
    for q in STAR_READS:
        if int(q.removeprefix("lambda_star_m")) not in r.widths:
            rec.not_compared(q, f"width {q.removeprefix('lambda_star_m')} is not among the widths {', '.join(map(str, r.widths))}")


def present_width_scaling(r: Scaling) -> Presentation:
    widths, alpha, K, K2 = list(r.widths), r.alpha, r.K, r.K2
    law = alpha / abs(K)
    star = {row.m: row.lambda_star for row in r.rows}
    primes = {row.m: row.lambda1_prime for row in r.rows}
    interior = [m for m in widths if star[m] is not None]
    measured: dict[str, Any] = {
        "K": K,
        "K2": K2,
        "fit_max_residual": r.fit_residual,
        "law_coefficient": law,
        "lambda1_prime_by_m": {str(m): primes[m] for m in widths},
        "lambda_star_by_m": {str(m): star[m] for m in widths},
        "lambda_star_first_order_by_m": {str(m): alpha / abs(primes[m]) for m in widths},
        "lambda_star_law_by_m": {str(m): law * m for m in widths},
        "interior_zero_widths": interior,
        "kind_by_m": {str(row.m): row.kind for row in r.rows if row.lambda_star is not None},
        "min_lambda1_without_zero": {str(row.m): {"min_lambda1": row.min_lambda1, "at_lambda": row.min_lambda1_at} for row in r.rows if row.lambda_star is None},
        "max_grad_norm": max(row.max_grad for row in r.rows),
        "seconds_by_m": {str(row.m): round(row.seconds, 3) for row in r.rows},
    }
    if r.replays is not None:
        measured["paper_method_replay_by_m"] = {k: dict(v) for k, v in r.replays.items()}
    mm = np.linspace(min(widths), max(widths), 200)
    plots = (
        Plot(name="lambda1-prime-vs-m", title="λ₁'(0) against width, with the fit K/m + K₂/m²", xlabel="m", ylabel="λ₁'(0)", logx=True,
             series=(Series("λ₁'(0) (degenerate perturbation)", tuple(map(float, widths)), tuple(primes[m] for m in widths), "markers", role="ours"),
                     Series(f"K/m + K₂/m², K = {K:.4g}, K₂ = {K2:.4g}", tuple(mm.tolist()), tuple((K / mm + K2 / mm**2).tolist())))),
        Plot(name="lambda-star-vs-m", title="Where λ₁ of the branch reaches zero, against width", xlabel="m", ylabel="λ*", hlines=((1.0, "λ = 1"),),
             series=(Series("λ* (extended system)", tuple(float(m) for m in interior), tuple(star[m] for m in interior), "markers", role="ours"),
                     Series("α/|λ₁'(0)| per width", tuple(map(float, widths)), tuple(alpha / abs(primes[m]) for m in widths), "line+markers"),
                     Series(f"αm/|K| = {law:.4g}·m", tuple(mm.tolist()), tuple((law * mm).tolist()))),
             caption="Widths without a marker have no zero of λ₁ on the branch in (0, 1]."),
    )
    if r.claimed_stars:
        lp = plots[1]
        plots = (plots[0], replace(lp, series=lp.series + (Series("claimed λ*", tuple(float(m) for m, _ in r.claimed_stars), tuple(v for _, v in r.claimed_stars), "markers", role="paper"),)))
    zeros = ", ".join(map(str, interior)) if interior else "none of the widths"
    return Presentation(
        note=f"K = {K:.5g}, K₂ = {K2:.4g}; λ₁ has a zero in (0, 1] at m = {zeros}",
        measured=measured, tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every accepted point"}, plots=plots,
        params_used={"widths": widths, "replay_widths": sorted(int(k) for k in r.replays) if r.replays is not None else []},
    )


WIDTH_SCALING = check(
    "width-scaling",
    title="λ₁'(0) against m (fit K/m + K₂/m²), λ* ≈ αm/|K|, and the widths with an interior zero of λ₁",
    measure=measure_width_scaling, judge=judge_width_scaling, present=present_width_scaling,
    reads=SCALING_READS, optional=tuple(SCALING_READS),
    params={
        "widths": WIDTHS_PARAM,
        "alpha": Param(default=PAPER_ALPHA, gt=0.0, doc="regularisation α > 0"),
        "replay_widths": Param(default=[3], ge=2, doc="widths at which the paper's method is replayed (a diagnostic; empty: none)"),
    },
    memory=lambda p: _sweep_memory(list(p["widths"]) + list(p["replay_widths"])),
    cost=0.6,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- alpha-0.01-line ---------------------------------------------------------------------------------

LINE_READS = {"slope": ("alpha",), "r2": ("alpha",), "n_interior": ("alpha",)}


@dataclass(frozen=True)
class Line:
    alpha: float
    widths: tuple[int, ...]
    ref_widths: tuple[int, ...]
    stars: tuple[tuple[int, float | None], ...]
    unconverged: tuple[str, ...]
    min_lambda1: tuple[tuple[int, float], ...]
    slope: float
    r2: float
    r2_uncentred: float
    K_ref: float
    K_here: float
    primes: tuple[tuple[int, float], ...]
    claimed_slope: float | None  # for the figure only


def measure_alpha_line(ctx: CheckContext) -> Line:
    """λ* (first zero of λ₁ on the continued branch in (0, 1]) for each width at α = 0.01; least-squares line
    through the origin over the widths that have one (slope, centred R², uncentred R²₀). Consistency with the
    width law: the slope it predicts is α/|K| with K fitted at the reference α (item 5) and, separately, with
    K refitted at α = 0.01. Compared where claimed: ``slope``, ``r2`` (centred) and ``n_interior`` (how many of
    the widths have λ* in (0, 1]); all need every width's branch converged."""
    p = ctx.params
    widths = [3, 5, 10] if ctx.quick_for("widths") else sorted(int(m) for m in p["widths"])
    ref_widths = [3, 5, 10, 20] if ctx.quick_for("reference_widths") else sorted(int(m) for m in p["reference_widths"])
    alpha = float(p["alpha"])
    primes, rows, _ = _sweep(ctx, widths, alpha, [])
    star = {m: rows[m].lambda_star for m in widths}
    have = [m for m in widths if star[m] is not None]
    slope, r2, r2u = fit_through_origin([float(m) for m in have], [star[m] for m in have])
    K_ref, *_ = fit_inverse_width(ref_widths, [_prime(m, float(p["reference_alpha"])) for m in ref_widths])
    K_here, *_ = fit_inverse_width(widths, [primes[m] for m in widths])
    return Line(alpha, tuple(widths), tuple(ref_widths), tuple((m, star[m]) for m in widths), tuple(_unconverged(rows)),
                tuple((m, rows[m].min_lambda1) for m in widths if star[m] is None), slope, r2, r2u, K_ref, K_here,
                tuple((m, float(primes[m])) for m in widths), pc.paper(ctx, "slope", alpha=alpha))


def judge_alpha_line(r: Line, rec: Recorder) -> None:
    if not any(rec.stated(q) for q in LINE_READS):
        rec.inconclusive(pc.NOTHING)
    label = f"α = {r.alpha:g}, widths {', '.join(map(str, r.widths))}"
    if r.unconverged:
        why = "branches did not converge at " + "; ".join(r.unconverged)
        rec.case(label, applicable=False, why=why)
        for q in LINE_READS:
            rec.not_compared(q, why)
        return
    rec.case(label)
    have = [m for m, s in r.stars if s is not None]
    a = {"alpha": r.alpha}
    few = f"only {len(have)} of the widths {', '.join(map(str, r.widths))} have a zero of λ₁ in (0, 1], so there is no line fit"
    if have:
        rec.claim("slope", r.slope, **a)
    else:
        rec.absent("slope", few, **a)
    if len(have) >= 2:
        rec.claim("r2", r.r2, **a)
    else:
        rec.absent("r2", few, **a)
    rec.claim("n_interior", float(len(have)), **a)


def present_alpha_line(r: Line) -> Presentation:
    alpha, widths = r.alpha, list(r.widths)
    star = dict(r.stars)
    have = [m for m in widths if star[m] is not None]
    primes = dict(r.primes)
    measured = {
        "lambda_star_by_m": {str(m): star[m] for m in widths},
        "widths_with_zero": have,
        "n_interior": len(have),
        "slope": None if math.isnan(r.slope) else r.slope,
        "r2": None if math.isnan(r.r2) else r.r2,
        "r2_uncentred": None if math.isnan(r.r2_uncentred) else r.r2_uncentred,
        "width_law_slope_reference_K": alpha / abs(r.K_ref),
        "K_reference": r.K_ref,
        "width_law_slope_refit_K": alpha / abs(r.K_here),
        "K_refit_at_alpha": r.K_here,
        "lambda1_prime_by_m": {str(m): primes[m] for m in widths},
        "first_order_lambda_star_by_m": {str(m): alpha / abs(primes[m]) for m in widths},
        "min_lambda1_without_zero": {str(m): v for m, v in r.min_lambda1},
        "note": "the paper's Appendix B.5 is not available to us; the slope is compared with the width law α/|K| of item 5 instead",
    }
    mm = np.linspace(0, max(widths), 100)
    series = [Series("λ* (ours)", tuple(float(m) for m in have), tuple(star[m] for m in have), "markers", role="ours"),
              Series(f"width law α m/|K|, slope {alpha / abs(r.K_ref):.3g}", tuple(mm.tolist()), tuple((alpha / abs(r.K_ref) * mm).tolist()))]
    if have:
        series.append(Series(f"fit through 0, slope {r.slope:.3g}", tuple(mm.tolist()), tuple((r.slope * mm).tolist())))
    if r.claimed_slope is not None:
        series.append(Series(f"claimed slope {r.claimed_slope:g}", tuple(mm.tolist()), tuple((r.claimed_slope * mm).tolist()), role="paper"))
    plot = Plot(name="alpha-0.01-line", title=f"λ* against m at α = {alpha}", xlabel="m", ylabel="λ*", series=tuple(series), hlines=((1.0, "λ = 1"),))
    fit = (f"slope {r.slope:.4g}, R² {r.r2:.4g}" if len(have) >= 2
           else (f"slope λ*/m = {r.slope:.4g} from one point, R² undefined" if have else "no line"))
    at = ", ".join(map(str, have)) if have else "none of the widths"
    return Presentation(
        note=f"λ* in (0, 1] at m = {at}; {fit}; the width law αm/|K| predicts slope {alpha / abs(r.K_ref):.4g}",
        measured=measured, plots=(plot,),
        params_used={"widths": widths, "reference_widths": list(r.ref_widths)},
    )


ALPHA_LINE = check(
    "alpha-0.01-line",
    title="§2.3: at α = 0.01, λ* against m on a line through the origin",
    measure=measure_alpha_line, judge=judge_alpha_line, present=present_alpha_line,
    reads=LINE_READS, optional=tuple(LINE_READS),
    params={
        "widths": Param(default=[3, 5, 10, 20, 50, 100], ge=2, min_len=2, doc="widths m ≥ 2 of the line"),
        "alpha": Param(default=0.01, gt=0.0, doc="regularisation α > 0"),
        "reference_widths": Param(default=list(WIDTHS), ge=2, min_len=2, doc="widths of the reference fit of K"),
        "reference_alpha": Param(default=PAPER_ALPHA, gt=0.0, doc="α of the reference fit of K"),
    },
    memory=lambda p: _sweep_memory(p["widths"]),
    cost=0.25,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (WIDTH_SCALING, ALPHA_LINE)
