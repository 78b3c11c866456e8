"""Checks of Appendix B.2–B.3 and formula (34) at the main width (m = 10): the restricted potential's Taylor
coefficients, the slope of c₂ in the unfolding parameter, and the individual terms of g_aa and g_aaa.

The paper states these "at λ*", a transversal crossing. Our branch reaches λ₁ = 0 at a fold (λ* = 0.7501,
see the bifurcation-point check), where c₂ = ½φᵀHφ vanishes by construction and dc₂/dλ is unbounded. So the
check evaluates, by default, on our Newton-converged branch at the λ the paper reports (``lam``, default
its λ* = 0.721; the minimum sheet, ‖∇L‖ ≤ 1e-10) along the softest unit Hessian eigenvector v₀ there — the
analogous quantities; ``at_our_lambda_star = true`` evaluates at our fold instead (v₀ = the null vector φ).
Orientation: v₀'s sign is fixed so that g_aa ≤ 0, the sign the paper prints (the odd terms flip with it).

Quantities (see :mod:`crosscheck.numerics.potential_terms`): ``c2 = ½D²L[v₀²]``, ``c3 = g_aa/6``,
``c4 = g_aaa/24``, ``abs_c3_over_c4``; ``abs_dc2_dmu = ½|dλ₁/dλ|`` exactly along the branch tangent (the
sign convention of µ is not known to us); the five terms of (34). Witnesses: finite differences of the loss
along v₀ for c₂, c₃, c₄ (agreement to ``witness_rtol`` relative to max(|c|, 1e-3·|c₄|), else inconclusive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.engine.api import CheckContext, Param, ParameterError, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.branch import smallest_eigpair
from crosscheck.numerics.paper_data import PAPER_ALPHA, PAPER_D, paper_homotopy
from crosscheck.numerics.potential_terms import potential_fd_coefficients, terms

COEFFS = ("c2", "c3", "c4", "abs_c3_over_c4")
TERMS = ("term_df_d2f", "term_r_d3f", "term_d2f_sq", "term_df_d3f", "term_r_d4f")
READS = {q: ("m", "alpha") for q in (*COEFFS, "abs_dc2_dmu", *TERMS)}


@dataclass(frozen=True)
class Appendix:
    m: int
    alpha: float
    applicable: bool
    why: str
    where: str = ""
    lam: float | None = None
    values: Mapping[str, float] | None = None
    slope_problem: str = ""  # why abs_dc2_dmu does not exist there (a fold)
    witness_problems: tuple[str, ...] = ()
    floors: Mapping[str, tuple[float, str]] | None = None  # quantity → (floor, why): what the computation cannot resolve
    details: Mapping[str, Any] | None = None
    plot: Plot | None = None


def measure_appendix(ctx: CheckContext) -> Appendix:
    """See the module docstring. Not applicable when the branch did not converge, when ``lam`` is not on the
    branch's minimum sheet, or when Newton at fixed λ leaves ‖∇L‖ > 1e-10."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    if not tr.converged:
        return Appendix(m, alpha, False, f"the branch did not converge ({tr.why_not_converged})")
    hp = paper_homotopy(m, alpha)
    slope_problem = ""
    floors: dict[str, tuple[float, str]] = {}
    if p["at_our_lambda_star"]:
        if tr.lambda_star is None:
            return Appendix(m, alpha, False, f"no degenerate point ({tr.note or 'λ₁ has no zero on the branch in (0, 1]'})")
        dg = tr.degeneracy
        w, lam, v0, grad_norm = dg.point.u, float(dg.point.lam), dg.point.phi, dg.point.residual_F
        where = f"at our λ* = {lam:.6f} (fold), along the null vector"
        floors["c2"] = (0.5 * float(dg.point.residual_null),
                        "c₂ = ½φᵀHφ at the located degenerate point is zero only up to ½‖Hφ‖, the extended system's residual")
        fold = dg.classification is not None and dg.classification.kind == "fold" and dg.turns_back
        dl = math.inf if fold or abs(dg.dlam_ds) < 1e-8 else dg.dlambda1_ds / dg.dlam_ds
        if not math.isfinite(dl):
            slope_problem = "dλ₁/dλ is unbounded at the fold (dλ/ds = 0): c₂ has no finite slope in λ there"
    else:
        lam = float(p["lam"])
        st = pc.state_at(m, alpha, tr, lam)
        if st is None:
            return Appendix(m, alpha, False, f"λ = {lam:g} is not on the branch's minimum sheet")
        if not st["converged"]:
            return Appendix(m, alpha, False, f"Newton at λ = {lam:g} did not converge (‖∇L‖ = {st['grad_norm']:.1e})")
        w = pc.branch_point_at(m, alpha, tr, lam)[0]
        with single_blas_thread():
            _, v0 = smallest_eigpair(hm.hessian(hp, w, lam))
        grad_norm = st["grad_norm"]
        dl = st["dlambda1_dlambda"]
        where = f"on our branch at λ = {lam:g}, along the softest Hessian eigenvector"
        if not math.isfinite(dl):
            slope_problem = "dλ₁/dλ is unbounded there (dλ/ds = 0)"
    v0 = np.asarray(v0, dtype=float) / np.linalg.norm(v0)
    t = terms(hp, w, lam, v0)
    if t.g_aa > 0:
        v0 = -v0
        t = terms(hp, w, lam, v0)
    fd = potential_fd_coefficients(hp, w, lam, v0, float(p["fd_step"]))
    problems = []
    for name, exact, f in zip(("c2", "c3", "c4"), (t.c2, t.c3, t.c4), fd):
        if not abs(f - exact) <= float(p["witness_rtol"]) * max(abs(exact), 1e-3 * abs(t.c4)):
            problems.append(f"{name}: finite-difference witness {f:.6g} disagrees with {exact:.6g}")
    values = {"c2": t.c2, "c3": t.c3, "c4": t.c4, "abs_c3_over_c4": abs(t.c3 / t.c4),
              "term_df_d2f": t.df_d2f, "term_r_d3f": t.r_d3f, "term_d2f_sq": t.d2f_sq, "term_df_d3f": t.df_d3f, "term_r_d4f": t.r_d4f}
    if not slope_problem:
        values["abs_dc2_dmu"] = 0.5 * abs(dl)
    a = np.linspace(-float(p["a_max"]), float(p["a_max"]), 41)
    L0 = hm.loss(hp, w, lam)
    phi_a = np.array([hm.loss(hp, w + x * v0, lam) - L0 for x in a])
    plot = Plot(name="restricted-potential", title=f"Restricted potential ϕ(a) = L(W + a v₀) − L(W) (m = {m}, λ = {lam:.4f})",
                xlabel="a", ylabel="ϕ(a)",
                series=(Series("ϕ(a), exact", tuple(a.tolist()), tuple(phi_a.tolist()), "line+markers", role="ours"),
                        Series("c₂a² + c₃a³ + c₄a⁴ (our Taylor coefficients)", tuple(a.tolist()),
                               tuple((t.c2 * a**2 + t.c3 * a**3 + t.c4 * a**4).tolist()))))
    details = {"where": where, "lambda": lam, "grad_norm": grad_norm, **values, "g_aa": t.g_aa, "g_aaa": t.g_aaa,
               "second_derivative": t.second, "dlambda1_dlambda": None if not math.isfinite(dl) else dl,
               "fd_c2_c3_c4": list(fd), "orientation": "sign of v₀ fixed so that g_aa ≤ 0 (the paper's printed sign)"}
    return Appendix(m, alpha, True, "", where, lam, values, slope_problem, tuple(problems), floors, details, plot)


def judge_appendix(r: Appendix, rec: Recorder) -> None:
    if not r.applicable:
        rec.case(f"m={r.m}", applicable=False, why=r.why)
        return
    rec.case(f"m={r.m}, {r.where}")
    for w in r.witness_problems:
        rec.inconclusive(w)
    v = {"m": r.m, "alpha": r.alpha}
    for q, val in (r.values or {}).items():
        floor, why = (r.floors or {}).get(q, (0.0, ""))
        rec.claim(q, val, floor=floor, floor_why=why, **v)
    if r.slope_problem:
        rec.absent("abs_dc2_dmu", r.slope_problem, **v)


def present_appendix(r: Appendix) -> Presentation:
    if not r.applicable:
        return Presentation(note=r.why, measured={"note": r.why})
    d = r.details or {}
    return Presentation(
        note=(f"{r.where}: c₂ = {d['c2']:.3g}, c₃ = {d['c3']:.3g}, c₄ = {d['c4']:.4g}, |c₃/c₄| = {d['abs_c3_over_c4']:.3g}; "
              f"g_aa = {d['term_df_d2f']:.3g} + ({d['term_r_d3f']:.3g}), g_aaa = {d['term_d2f_sq']:.3g} + ({d['term_df_d3f']:.3g}) + {d['term_r_d4f']:.3g}"),
        measured=dict(d),
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at the evaluation point", "witness": "finite differences of the loss along v₀"},
        plots=(r.plot,) if r.plot else (),
    )


def validate_appendix(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    if "lam" in explicit and p["at_our_lambda_star"]:
        raise ParameterError("lam has no effect when at_our_lambda_star = true (the evaluation is at our degenerate point)")


APPENDIX = check(
    "restricted-potential-terms",
    title="Restricted potential along the softest direction: c₂, c₃, c₄, the slope of c₂, and the terms of g_aa, g_aaa",
    measure=measure_appendix, judge=judge_appendix, present=present_appendix,
    reads=READS, optional=tuple(READS), validate=validate_appendix,
    params={
        "m": Param(default=10, ge=2, doc="width m"),
        "alpha": Param(default=PAPER_ALPHA, gt=0.0, doc="regularisation α > 0"),
        "lam": Param(default=0.721, gt=0.0, le=1.0, doc="λ of the evaluation on the minimum sheet (the paper's λ* by default)"),
        "at_our_lambda_star": Param(default=False, doc="evaluate at our degenerate point instead of at lam"),
        "fd_step": Param(default=0.01, gt=0.0, lt=1.0, doc="step of the finite-difference witnesses along v₀ (Richardson over it and its half)"),
        "witness_rtol": Param(default=1e-3, gt=0.0, lt=1.0, doc="relative agreement required of the witnesses"),
        "a_max": Param(default=0.5, gt=0.0, doc="half-width of the plotted range of a"),
    },
    memory=lambda p: pc.memory_for_width(int(p["m"])) + 8.0 * 4 * (int(p["m"]) * PAPER_D) ** 2,
)

CHECKS = (APPENDIX,)
