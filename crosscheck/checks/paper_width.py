"""Checks of the paper's width-scaling claims: λ₁'(0) ≈ K/m + K₂/m², λ* ≈ αm/|K|, which widths have an
interior zero of λ₁, and the §2.3 line λ* ∝ m at α = 0.01. Branches as in :mod:`crosscheck.checks.paper`."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.checks.base import CheckContext, CheckResult, Plot, Recorder, Series, register
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.degenerate import cluster_derivative
from crosscheck.numerics.paper_data import PAPER_ALPHA, WIDTHS, paper_homotopy


def _lambda1_primes(widths: list[int], alpha: float) -> dict[int, float]:
    with single_blas_thread():
        return {m: cluster_derivative(paper_homotopy(m, alpha)).lambda1_prime for m in widths}


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


def _sweep(ctx: CheckContext, widths: list[int], alpha: float) -> tuple[dict, list[str]]:
    rows, problems = {}, []
    for m in widths:
        ctx.progress(f"m = {m}")
        tr = pc.traced(m, alpha, pc.s_max(ctx))
        if not tr.converged:
            problems.append(f"m={m}: did not converge ({tr.note})")
        rows[m] = tr
    return rows, problems


@register(
    "width-scaling",
    title="λ₁'(0) against m (fit K/m + K₂/m²), λ* ≈ αm/|K|, and the widths with an interior zero of λ₁",
    defaults={"widths": list(WIDTHS), "alpha": PAPER_ALPHA, "replay_widths": [3]},
)
def width_scaling(ctx: CheckContext) -> CheckResult:
    """For each width: λ₁'(0) by the degenerate perturbation on the α-eigenspace, and the first zero λ* of λ₁
    on the continued branch in (0, 1] (extended system), or, where there is none, the smallest λ₁ on the
    branch (sampled minima below α/4 refined by Brent on the curve) as the margin. Fit by least squares
    ``λ₁'(0) = K/m + K₂/m²``. Compared where claimed: ``K``, ``law_coefficient`` = α/|K| (the slope of
    λ* ≈ αm/|K|), ``largest_width_with_zero``, ``smallest_width_with_zero`` and ``lambda_star_m<m>``.
    Diagnostic (full mode): the paper's own method replayed at ``replay_widths`` (see ``bifurcation-point``)."""
    p = ctx.params
    widths = [3, 5, 10, 15, 20] if ctx.quick_for("widths") else sorted(int(m) for m in p["widths"])
    alpha = float(p["alpha"])
    primes = _lambda1_primes(widths, alpha)
    K, K2, fit_res = fit_inverse_width(widths, [primes[m] for m in widths])
    rows, problems = _sweep(ctx, widths, alpha)
    star = {m: rows[m].lambda_star for m in widths}
    interior = [m for m in widths if star[m] is not None]
    rec = Recorder(ctx)
    law = alpha / abs(K)
    cl = pc.Claims(rec)
    cl.problems += problems
    none = f"no width of {widths} has a zero of λ₁ in (0, 1]"
    for q, val in (("K", K), ("K2", K2), ("law_coefficient", law), ("largest_width_with_zero", max(interior, default=None)),
                   ("smallest_width_with_zero", min(interior, default=None))):
        cl.claim(q, f"widths {widths}", val, none)
    for m in widths:
        why = f"λ₁ has no zero on the branch in (0, 1] (its minimum there is {rows[m].min_lambda1:.3g} at λ = {rows[m].min_lambda1_at:.3g})"
        cl.claim(f"lambda_star_m{m}", f"m={m}", star[m], rows[m].note or why)
    kinds = {}
    for m in interior:
        c = rows[m].degeneracy.classification
        kinds[str(m)] = ("fold" if c.kind == "fold" and rows[m].degeneracy.turns_back else c.kind) if c else None
    measured = {
        "K": K,
        "K2": K2,
        "fit_max_residual": fit_res,
        "law_coefficient": law,
        "lambda1_prime_by_m": {str(m): primes[m] for m in widths},
        "lambda_star_by_m": {str(m): star[m] for m in widths},
        "lambda_star_first_order_by_m": {str(m): alpha / abs(primes[m]) for m in widths},
        "lambda_star_law_by_m": {str(m): law * m for m in widths},
        "interior_zero_widths": interior,
        "kind_by_m": kinds,
        "min_lambda1_without_zero": {str(m): {"min_lambda1": rows[m].min_lambda1, "at_lambda": rows[m].min_lambda1_at} for m in widths if star[m] is None},
        "max_grad_norm": max(rows[m].max_grad for m in widths),
        "seconds_by_m": {str(m): round(rows[m].seconds, 3) for m in widths},
    }
    if not ctx.quick:
        replays = {}
        for m in [int(x) for x in p["replay_widths"] if int(x) in rows]:
            ctx.progress(f"replaying the paper's method at m = {m}")
            replays[str(m)] = pc.paper_method_replay(m, alpha, pc.s_max(ctx))
        measured["paper_method_replay_by_m"] = replays
    mm = np.linspace(min(widths), max(widths), 200)
    plots = (
        Plot("lambda1-prime-vs-m", "λ₁'(0) against width, with the fit K/m + K₂/m²", "m", "λ₁'(0)", logx=True,
             series=(Series("λ₁'(0) (degenerate perturbation)", tuple(map(float, widths)), tuple(primes[m] for m in widths), "markers"),
                     Series(f"K/m + K₂/m², K = {K:.4g}, K₂ = {K2:.4g}", tuple(mm.tolist()), tuple((K / mm + K2 / mm**2).tolist())))),
        Plot("lambda-star-vs-m", "Where λ₁ of the branch reaches zero, against width", "m", "λ*", hlines=((1.0, "λ = 1"),),
             series=(Series("λ* (extended system)", tuple(float(m) for m in interior), tuple(star[m] for m in interior), "markers"),
                     Series("α/|λ₁'(0)| per width", tuple(map(float, widths)), tuple(alpha / abs(primes[m]) for m in widths), "line+markers"),
                     Series(f"αm/|K| = {law:.4g}·m", tuple(mm.tolist()), tuple((law * mm).tolist()))),
             caption="Widths without a marker have no zero of λ₁ on the branch in (0, 1]."),
    )
    claimed = [(m, pc.paper(ctx, f"lambda_star_m{m}")) for m in widths if ctx.has(f"lambda_star_m{m}")]
    if claimed:
        lp = plots[1]
        plots = (plots[0], replace(lp, series=lp.series + (Series("claimed λ*", tuple(float(m) for m, _ in claimed), tuple(v for _, v in claimed), "markers"),)))
    desc = f"K = {K:.5g}, K₂ = {K2:.4g}; interior zeros at m ∈ {interior}"
    return rec.result(
        "width-scaling", desc, cl.fail_text(desc),
        status=cl.status(), measured=measured, expected={k: v.value.text for k, v in ctx.expect.items()},
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every accepted point"}, plots=plots,
    )


@register(
    "alpha-0.01-line",
    title="§2.3: at α = 0.01, λ* against m on a line through the origin",
    defaults={"widths": [3, 5, 10, 20, 50, 100], "alpha": 0.01, "reference_widths": list(WIDTHS), "reference_alpha": PAPER_ALPHA},
)
def alpha_line(ctx: CheckContext) -> CheckResult:
    """λ* (first zero of λ₁ on the continued branch in (0, 1]) for each width at α = 0.01; least-squares line
    through the origin over the widths that have one (slope, centred R², uncentred R²₀). Consistency with the
    width law: the slope it predicts is α/|K| with K fitted at the reference α (item 5) and, separately, with
    K refitted at α = 0.01. Compared where claimed: ``slope``, ``r2`` (centred) and ``n_interior`` (how many of
    the widths have λ* in (0, 1])."""
    p = ctx.params
    widths = [3, 5, 10] if ctx.quick_for("widths") else sorted(int(m) for m in p["widths"])
    ref_widths = [3, 5, 10, 20] if ctx.quick_for("reference_widths") else sorted(int(m) for m in p["reference_widths"])
    alpha = float(p["alpha"])
    rows, problems = _sweep(ctx, widths, alpha)
    star = {m: rows[m].lambda_star for m in widths}
    have = [m for m in widths if star[m] is not None]
    slope, r2, r2u = fit_through_origin([float(m) for m in have], [star[m] for m in have])
    K_ref, *_ = fit_inverse_width(ref_widths, list(_lambda1_primes(ref_widths, float(p["reference_alpha"])).values()))
    primes = _lambda1_primes(widths, alpha)
    K_here, *_ = fit_inverse_width(widths, [primes[m] for m in widths])
    rec = Recorder(ctx)
    cl = pc.Claims(rec)
    cl.problems += problems
    few = f"only {len(have)} of the widths {widths} have a zero of λ₁ in (0, 1], so there is no line fit" if len(have) < 2 else ""
    for q, val in (("slope", slope if have else None), ("r2", r2 if len(have) >= 2 else None), ("n_interior", float(len(have)))):
        cl.claim(q, f"α = {alpha}, widths {widths}", val, few)
    measured = {
        "lambda_star_by_m": {str(m): star[m] for m in widths},
        "widths_with_zero": have,
        "n_interior": len(have),
        "slope": slope,
        "r2": None if math.isnan(r2) else r2,
        "r2_uncentred": None if math.isnan(r2u) else r2u,
        "width_law_slope_reference_K": alpha / abs(K_ref),
        "K_reference": K_ref,
        "width_law_slope_refit_K": alpha / abs(K_here),
        "K_refit_at_alpha": K_here,
        "lambda1_prime_by_m": {str(m): primes[m] for m in widths},
        "first_order_lambda_star_by_m": {str(m): alpha / abs(primes[m]) for m in widths},
        "min_lambda1_without_zero": {str(m): rows[m].min_lambda1 for m in widths if star[m] is None},
        "note": "the paper's Appendix B.5 is not available to us; the slope is compared with the width law α/|K| of item 5 instead",
    }
    mm = np.linspace(0, max(widths), 100)
    series = [Series("λ* (ours)", tuple(float(m) for m in have), tuple(star[m] for m in have), "markers"),
              Series(f"width law α m/|K|, slope {alpha / abs(K_ref):.3g}", tuple(mm.tolist()), tuple((alpha / abs(K_ref) * mm).tolist()))]
    if have:
        series.append(Series(f"fit through 0, slope {slope:.3g}", tuple(mm.tolist()), tuple((slope * mm).tolist())))
    claimed = pc.paper(ctx, "slope")
    if claimed is not None:
        series.append(Series(f"claimed slope {claimed:g}", tuple(mm.tolist()), tuple((claimed * mm).tolist())))
    plot = Plot("alpha-0.01-line", f"λ* against m at α = {alpha}", "m", "λ*", series=tuple(series), hlines=((1.0, "λ = 1"),))
    fit = f"slope {slope:.4g}, R² {r2:.4g}" if len(have) >= 2 else (f"slope λ*/m = {slope:.4g} from one point, R² undefined" if have else "no line")
    desc = f"λ* ∈ (0, 1] at m ∈ {have} only; {fit}; the width law αm/|K| predicts slope {alpha / abs(K_ref):.4g}"
    return rec.result(
        "alpha-0.01-line", desc, cl.fail_text(desc),
        status=cl.status(), measured=measured, expected={k: v.value.text for k, v in ctx.expect.items()}, plots=(plot,),
    )
