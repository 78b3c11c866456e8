"""The paper's closed-form expressions for λ₁'(0), evaluated as printed: formulas (18) and (22), the
fourth-moment approximation of Remark 7.8, and its width fit K_approx (Remark 7.10).

The matrices and the three senses of "the eigenvector u₀" (the eigensolver's, random unit vectors of the
α-eigenspace E, and the degenerate one: the smallest eigenvalue of the compression to E) are stated in
:mod:`crosscheck.numerics.formulas`. The exact λ₁'(0) (min eig of the compressed ∂_λH) is witnessed by
Richardson-extrapolated forward differences of λ₁ on the Newton-converged branch (agreement to
``witness_rtol`` or the check is inconclusive) and ∂_λH itself by central differences of the exact Hessian.
Paper values are read from the claim only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.checks.paper_width import fit_inverse_width
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.degenerate import fd_lambda1_prime
from crosscheck.numerics.formulas import FORMULAS, FormulaValue, evaluate_formulas, fd_partial_lambda, formula_matrices
from crosscheck.numerics.paper_data import PAPER_ALPHA, PAPER_D, WIDTHS, paper_homotopy

SENSES = ("solver", "degenerate")
AT_M = {f"{f}_{s}": ("m", "alpha") for f in ("formula18", "formula22", "fourth_moment") for s in SENSES}
READS = {
    **AT_M,
    "formula22_fd_rel_error": ("m", "alpha"),  # |(22) − FD λ₁'(0)| / |FD λ₁'(0)|, degenerate sense
    "fourth_moment_overestimate": ("m", "alpha"),  # (fourth moment)/(22) − 1, degenerate sense
    "fourth_moment_overestimate_solver": ("m", "alpha"),
    "max_row_norm": ("m", "alpha"),  # max_j ‖w*_j‖
    "K_approx_degenerate": ("alpha",),
    "K_approx_solver": ("alpha",),
    "K_approx_excess": ("alpha",),  # K_approx (degenerate) / K − 1, K the fit of the exact λ₁'(0)
}
ALL_FORMULAS = FORMULAS  # formula18, formula22, fourth_moment, exact


@dataclass(frozen=True)
class FormulaCheck:
    m: int
    alpha: float
    values: Mapping[str, FormulaValue]
    max_row_norm: float
    solver_in_eigenspace: float
    samples: int
    fd_extrapolated: float
    fd_quotients: tuple[float, ...]
    fd_partial_error: float  # ‖∂_λH − central difference‖_max / ‖∂_λH‖_max
    witness_rtol: float
    widths: tuple[int, ...]
    by_width: Mapping[int, Mapping[str, float]]  # m → exact, fourth_moment_degenerate, fourth_moment_solver, formula22_degenerate
    K: float
    K_approx_degenerate: float
    K_approx_solver: float
    claimed_formula22: float | None  # the claim's value of (22), for the figure only


def measure_formulas(ctx: CheckContext) -> FormulaCheck:
    """At width m: the matrices of (18), (22), the fourth-moment approximation and the exact ∂_λH at the λ = 0
    minimiser W₀, each evaluated at the eigensolver's first eigenvector of H₀ (``solver``), over ``samples``
    random unit vectors of the α-eigenspace E (spread) and as the smallest eigenvalue of its compression to E
    (``degenerate``). Witnesses: forward differences of λ₁ on the converged branch (Richardson) against the
    exact compressed derivative, and central differences of the Hessian in λ against ∂_λH. Over ``widths``:
    the least-squares fits ``K/m + K₂/m²`` of the exact λ₁'(0) (K) and of the fourth-moment formula in both
    senses (K_approx). Compared where claimed: each formula in each sense, ``formula22_fd_rel_error``,
    ``fourth_moment_overestimate`` (fourth moment / (22) − 1; also ``_solver``), ``max_row_norm`` = max‖w*ⱼ‖,
    ``K_approx_degenerate``, ``K_approx_solver`` and ``K_approx_excess`` = K_approx/K − 1."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        fm = evaluate_formulas(hp, ctx.rng(1), int(p["samples"]))
        fd = fd_lambda1_prime(hp, tuple(float(h) for h in p["fd_steps"]))
        w0 = hm.linear_minimum(hp)
        exact = formula_matrices(hp, w0)["exact"]
        fdp = fd_partial_lambda(hp, w0)
    widths = sorted(int(x) for x in p["widths"])  # cheap (no branch): the same fit in quick mode
    by_width: dict[int, dict[str, float]] = {}
    with single_blas_thread():
        for mm in widths:
            v = fm.values if mm == m else evaluate_formulas(paper_homotopy(mm, alpha), ctx.rng(2, mm), 1).values
            by_width[mm] = {"exact": v["exact"].degenerate, "fourth_moment_degenerate": v["fourth_moment"].degenerate,
                            "fourth_moment_solver": v["fourth_moment"].solver_eigenvector, "formula22_degenerate": v["formula22"].degenerate,
                            "formula22_solver": v["formula22"].solver_eigenvector}
    K, *_ = fit_inverse_width(widths, [by_width[x]["exact"] for x in widths])
    Kd, *_ = fit_inverse_width(widths, [by_width[x]["fourth_moment_degenerate"] for x in widths])
    Ks, *_ = fit_inverse_width(widths, [by_width[x]["fourth_moment_solver"] for x in widths])
    return FormulaCheck(
        m, alpha, dict(fm.values), fm.max_row_norm, fm.solver_in_eigenspace, fm.samples, float(fd.extrapolated),
        tuple(map(float, fd.quotients)), float(np.abs(exact - fdp).max() / np.abs(exact).max()), float(p["witness_rtol"]),
        tuple(widths), by_width, K, Kd, Ks,
        pc.paper(ctx, "formula22_degenerate", m=m, alpha=alpha) if ctx.has("formula22_degenerate") else pc.paper(ctx, "formula22_solver", m=m, alpha=alpha),
    )


def judge_formulas(r: FormulaCheck, rec: Recorder) -> None:
    v = {"m": r.m, "alpha": r.alpha}
    if not any(rec.stated(q) for q in READS):
        rec.inconclusive(pc.NOTHING)
    rec.case(f"m={r.m}")
    exact = r.values["exact"].degenerate
    rec.known("fd_vs_exact_lambda1_prime", r.fd_extrapolated, exact, atol=0.0, rtol=r.witness_rtol,
              why="Richardson-extrapolated forward differences of λ₁ on the converged branch, O(h²)")
    rec.known("fd_vs_exact_partial_lambda_hessian", r.fd_partial_error, 0.0, atol=1e-6,
              why="central difference of the exact Hessian in λ (exact for a quadratic in λ up to rounding eps‖H‖/h)")
    rec.known("solver_eigenvector_in_eigenspace", r.solver_in_eigenspace, 0.0, atol=1e-8, why="the eigensolver's u₀ lies in E up to rounding")
    for f in ("formula18", "formula22", "fourth_moment"):
        fv = r.values[f]
        rec.claim(f"{f}_solver", fv.solver_eigenvector, **v)
        rec.claim(f"{f}_degenerate", fv.degenerate, **v)
    f22 = r.values["formula22"]
    rec.claim("formula22_fd_rel_error", abs(f22.degenerate - r.fd_extrapolated) / abs(r.fd_extrapolated), **v)
    rec.claim("fourth_moment_overestimate", r.values["fourth_moment"].degenerate / f22.degenerate - 1.0, **v)
    rec.claim("fourth_moment_overestimate_solver", r.values["fourth_moment"].solver_eigenvector / f22.solver_eigenvector - 1.0, **v)
    rec.claim("max_row_norm", r.max_row_norm, **v)
    rec.case(f"fits over widths {', '.join(map(str, r.widths))}")
    a = {"alpha": r.alpha}
    rec.claim("K_approx_degenerate", r.K_approx_degenerate, **a)
    rec.claim("K_approx_solver", r.K_approx_solver, **a)
    rec.claim("K_approx_excess", r.K_approx_degenerate / r.K - 1.0, **a)


def _fv(fv: FormulaValue) -> dict[str, float]:
    return {"solver_eigenvector": fv.solver_eigenvector, "degenerate": fv.degenerate, "range_over_eigenspace": [fv.degenerate, fv.largest],
            "random_unit_vectors": {"min": fv.random_min, "median": fv.random_median, "max": fv.random_max, "std": fv.random_std}}


def present_formulas(r: FormulaCheck) -> Presentation:
    vals = r.values
    exact = vals["exact"].degenerate
    names = {"formula18": "(18) as printed", "formula22": "(22) as printed", "fourth_moment": "fourth-moment approximation", "exact": "exact ∂_λH"}
    measured: dict[str, Any] = {names[k]: _fv(vals[k]) for k in ALL_FORMULAS}
    measured.update({
        "exact_lambda1_prime": exact, "fd_lambda1_prime": r.fd_extrapolated, "fd_quotients": list(r.fd_quotients),
        "formula18_equals_minus_formula22": "σ' − 1 = −tanh², so (18) as printed is exactly −(22) as printed",
        "max_row_norm": r.max_row_norm, "random_samples": r.samples,
        "K_exact": r.K, "K_approx_degenerate": r.K_approx_degenerate, "K_approx_solver": r.K_approx_solver,
        "by_width": {str(m): dict(x) for m, x in r.by_width.items()},
    })
    ms = [float(m) for m in r.widths]
    plots = (
        Plot(name="formula-spread", title=f"The formulas over the α-eigenspace (m = {r.m})",
             xlabel="formula (1 = (18), 2 = (22), 3 = fourth moment, 4 = exact ∂_λH)", ylabel="value",
             series=(Series("range over unit vectors of E (min)", (1.0, 2.0, 3.0, 4.0), tuple(vals[k].degenerate for k in ALL_FORMULAS), "markers"),
                     Series("range over unit vectors of E (max)", (1.0, 2.0, 3.0, 4.0), tuple(vals[k].largest for k in ALL_FORMULAS), "markers"),
                     Series("solver's eigenvector", (1.0, 2.0, 3.0, 4.0), tuple(vals[k].solver_eigenvector for k in ALL_FORMULAS), "markers")),
             hlines=((exact, f"exact λ₁'(0) = {exact:.4g}"),) + (((r.claimed_formula22, f"paper: (22) = {r.claimed_formula22:g}"),) if r.claimed_formula22 is not None else ()),
             caption="The lowest marker of each formula is its degenerate value; every unit vector of the α-eigenspace gives a value between the two range markers."),
        Plot(name="formula-widths", title="λ₁'(0) against width: exact and the printed formulas (degenerate sense)", xlabel="m", ylabel="value", logx=True,
             series=(Series("exact λ₁'(0)", ms, tuple(r.by_width[m]["exact"] for m in r.widths), "line+markers"),
                     Series("(22), degenerate", ms, tuple(r.by_width[m]["formula22_degenerate"] for m in r.widths), "line+markers"),
                     Series("fourth moment, degenerate", ms, tuple(r.by_width[m]["fourth_moment_degenerate"] for m in r.widths), "line+markers"),
                     Series("fourth moment, solver eigenvector", ms, tuple(r.by_width[m]["fourth_moment_solver"] for m in r.widths), "markers"))),
    )
    f22 = vals["formula22"]
    return Presentation(
        note=(f"exact λ₁'(0) = {exact:.5g}; (22) as printed gives {f22.solver_eigenvector:.4g} at the solver's eigenvector, "
              f"{f22.degenerate:.4g} in the degenerate sense, anything in [{f22.degenerate:.4g}, {f22.largest:.4g}] over the eigenspace; "
              f"fourth moment {vals['fourth_moment'].degenerate:.4g} (degenerate); K_approx = {r.K_approx_degenerate:.4g} vs K = {r.K:.4g}"),
        measured=measured,
        tolerance={"witness_rtol": r.witness_rtol},
        certificates={"fd_vs_exact": abs(r.fd_extrapolated - exact), "partial_lambda_fd_rel": r.fd_partial_error},
        plots=plots,
        params_used={"widths": list(r.widths)},
    )


FORMULA_CHECK = check(
    "paper-formulas",
    title="Formulas (18), (22) and the fourth-moment approximation of λ₁'(0), as printed, against the exact derivative",
    measure=measure_formulas, judge=judge_formulas, present=present_formulas,
    reads=READS, optional=tuple(READS),
    params={
        "m": Param(default=10, ge=2, doc="width m (two units are needed for an α-eigenspace)"),
        "alpha": Param(default=PAPER_ALPHA, gt=0.0, doc="regularisation α > 0"),
        "samples": Param(default=2000, ge=1, doc="random unit vectors of the α-eigenspace (the spread over the choice of u₀)"),
        "fd_steps": Param(default=[4e-3, 2e-3, 1e-3], gt=0.0, lt=1.0, min_len=2, doc="forward-difference steps h (≥ 2 for Richardson)"),
        "witness_rtol": Param(default=1e-4, gt=0.0, lt=1.0, doc="relative agreement required of the finite-difference witness"),
        "widths": Param(default=list(WIDTHS), ge=2, min_len=2, doc="widths of the K/m + K₂/m² fits"),
    },
    memory=lambda p: 8.0 * 12 * (max([int(p["m"])] + [int(x) for x in p["widths"]]) * PAPER_D) ** 2 + 8.0 * int(p["samples"]) * int(p["m"]) * PAPER_D,
    cost=0.6,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (FORMULA_CHECK,)
