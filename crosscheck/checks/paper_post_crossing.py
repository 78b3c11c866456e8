"""Check of Appendix B.5's post-crossing account (m = 5): what the branch does past its degeneracy, and where
the paper's replayed optimizer lands.

The branch is traced from the λ = 0 minimum to λ = 1 through every fold (‖∇L‖ ≤ 1e-10 at every accepted
point) and cut into sheets (:mod:`crosscheck.numerics.sheets`). The paper's method is replayed over the whole
grid; its first jump (finite-difference λ₁ negative, then positive, the loss dropping) is located, the
iterate after the jump is polished by Newton at fixed λ to ‖∇L‖ ≤ 1e-10 and identified with a sheet of the
traced branch (distance ≤ 1e-6 to that sheet's Newton-converged point at the same λ).

Quantities: ``minima_born_at_lambda_star`` (1 if the first degeneracy is a branch point, from which new
branches of critical points emanate; 0 if it is a fold, where the minimum sheet merges with a saddle sheet
and ends), ``landing_sheet_birth`` (the λ at which the sheet the optimizer lands on is born; the paper says
"new minima are born at λ*", so it claims this equals our λ*, available as the variable ``lambda_star``),
and the replayed jump: ``jump_lambda``, ``lambda1_before_jump``, ``lambda1_after_jump`` (finite-difference
λ₁ of the paper's method, as the paper reports them).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.branch import first_sign_change, gradient_system, locate_degeneracy, smallest_eigs, trace_homotopy
from crosscheck.numerics.continuation import ContinuationOptions, correct_fixed_lambda
from crosscheck.numerics.paper_data import PAPER_ALPHA, PAPER_D, paper_homotopy
from crosscheck.numerics.sheets import first_jump, replay_through, sheets

SAME_POINT = 1e-6  # two Newton-converged critical points closer than this are the same one
READS = {q: ("m", "alpha", "lambda_star") for q in
         ("minima_born_at_lambda_star", "landing_sheet_birth", "jump_lambda", "lambda1_before_jump", "lambda1_after_jump")}
REPLAY_QS = ("landing_sheet_birth", "jump_lambda", "lambda1_before_jump", "lambda1_after_jump")


@functools.lru_cache(maxsize=None)
def _full_trace(m: int, alpha: float, smax: float):
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        br = trace_homotopy(hp, 1.0, ContinuationOptions(s_max=smax))
        i = first_sign_change(br, 0.0)
        dg = locate_degeneracy(hp, br, i) if i is not None else None
    return pc.freeze(br), dg


@functools.lru_cache(maxsize=None)
def _replay(m: int, alpha: float, step: float):
    with single_blas_thread():
        return replay_through(paper_homotopy(m, alpha), step)


@dataclass(frozen=True)
class PostCrossing:
    m: int
    alpha: float
    converged: bool
    why: str
    lambda_star: float | None
    kind: str
    born: int | None
    sheets: tuple[Mapping[str, Any], ...]
    replayed: bool
    jump: Mapping[str, Any] | None  # the replay's jump, its polished landing point and its sheet
    landing_problem: str
    branch: tuple[tuple[float, ...], tuple[float, ...]]
    replay_curve: tuple[tuple[float, ...], tuple[float, ...]] | None


def measure_post_crossing(ctx: CheckContext) -> PostCrossing:
    """See the module docstring. Not converged (so nothing compared) when an accepted branch point has
    ‖∇L‖ > 1e-10, the trace stops before λ = 1, or the degenerate point's extended system fails."""
    p = ctx.params
    m, alpha, step = int(p["m"]), float(p["alpha"]), float(p["paper_step"])
    br, dg = _full_trace(m, alpha, pc.s_max(ctx))
    shs = sheets(br)
    sheet_rows = tuple({"birth": s.birth, "lambda_range": [s.lam_lo, s.lam_hi], "kind": s.kind, "points": s.stop - s.start + 1} for s in shs)
    why = ""
    if float(br.residual.max()) > pc.GRAD_TOL:
        why = f"‖∇L‖ = {float(br.residual.max()):.1e} > 1e-10 at a branch point"
    elif br.lam[-1] < 1.0:
        why = f"continuation: {br.status} before λ = 1"
    elif dg is None:
        why = "λ₁ has no zero on the branch"
    elif not dg.point.converged:
        why = f"extended system: {dg.point.message}"
    lam_star = float(dg.point.lam) if dg is not None and dg.point.converged else None
    kind, born = "undetermined", None
    if dg is not None and dg.classification is not None:
        c = dg.classification
        if c.kind == "fold" and dg.turns_back:
            kind, born = "fold (saddle-node)", 0
        elif c.kind != "fold" and not dg.turns_back:
            kind, born = f"branch point ({c.kind})", 1
    jump, problem, curve = None, "", None
    replayed = bool(p["replay_paper_method"]) and not ctx.quick_for("replay_paper_method", "paper_step")
    if replayed:
        ctx.progress(f"replaying the paper's method over [0, 1] (Δλ = {step:g})")
        rp = _replay(m, alpha, step)
        curve = (tuple(rp.lam.tolist()), tuple(rp.lambda1.tolist()))
        j = first_jump(rp)
        if j is None:
            problem = "the replayed optimizer never jumps back to a positive λ₁ on [0, 1]"
        else:
            hp = paper_homotopy(m, alpha)
            system = gradient_system(hp)
            with single_blas_thread():
                w_land, res, ok = correct_fixed_lambda(system, rp.iterates[j.index], j.lam, tol=pc.GRAD_TOL, max_iter=40)
                lam1_land = float(smallest_eigs(hm.hessian(hp, w_land, j.lam), 1)[0])
                found = None
                for s_i, s in enumerate(shs):
                    if not s.lam_lo <= j.lam <= s.lam_hi:
                        continue
                    idx = np.arange(s.start, s.stop + 1)
                    k = int(idx[np.argmin(np.abs(br.lam[idx] - j.lam))])
                    w_s, res_s, ok_s = correct_fixed_lambda(system, br.u[k], j.lam, tol=pc.GRAD_TOL, max_iter=40)
                    if ok and ok_s and np.linalg.norm(w_s - w_land) <= SAME_POINT:
                        found = s_i
            jump = {"lambda": j.lam, "lambda1_before": j.lambda1_before, "lambda1_after": j.lambda1_after, "loss_drop": j.loss_drop,
                    "replay_grad_norm_after": float(rp.grad_norm[j.index]), "landing_grad_norm": float(res), "landing_converged": bool(ok),
                    "landing_lambda1": lam1_land, "landing_sheet": found,
                    "landing_sheet_birth": shs[found].birth if found is not None else None,
                    "replay_grad_norm_max": float(rp.grad_norm.max())}
            if not ok:
                problem = f"Newton from the replayed iterate did not converge (‖∇L‖ = {res:.1e})"
            elif found is None:
                problem = "the polished landing point is on no sheet of the traced branch (another branch of critical points)"
    return PostCrossing(m, alpha, not why, why, lam_star, kind, born, sheet_rows, replayed, jump, problem,
                        (tuple(br.lam.tolist()), tuple(br.monitor[:, 0].tolist())), curve)


def judge_post_crossing(r: PostCrossing, rec: Recorder) -> None:
    label = f"m={r.m}"
    if not r.converged:
        rec.case(label, applicable=False, why=f"the branch did not converge ({r.why})")
        return
    rec.case(label + f", λ* = {r.lambda_star:.6f}")
    v = {"m": r.m, "alpha": r.alpha, "lambda_star": r.lambda_star}
    if r.born is None:
        rec.not_compared("minima_born_at_lambda_star", "the type tests disagree (undetermined degeneracy)")
        rec.inconclusive("the type of the degeneracy is undetermined")
    else:
        rec.claim("minima_born_at_lambda_star", r.born, **v)
    if not r.replayed:
        for q in REPLAY_QS:
            rec.not_compared(q, "the paper's method was not replayed (quick mode or replay_paper_method = false)")
        return
    j = r.jump
    if j is None:
        for q in REPLAY_QS:
            rec.absent(q, r.landing_problem, **v)
        return
    rec.claim("jump_lambda", j["lambda"], **v)
    rec.claim("lambda1_before_jump", j["lambda1_before"], **v)
    rec.claim("lambda1_after_jump", j["lambda1_after"], **v)
    if r.landing_problem:
        rec.absent("landing_sheet_birth", r.landing_problem, **v)
    else:
        rec.claim("landing_sheet_birth", j["landing_sheet_birth"], **v)


def present_post_crossing(r: PostCrossing) -> Presentation:
    series = [Series("λ₁ on the continued branch (all sheets)", r.branch[0], r.branch[1], "line+markers", role="ours")]
    if r.replay_curve is not None:
        series.append(Series("λ₁ of the paper's method (FD Hessian)", r.replay_curve[0], r.replay_curve[1], "line", role="replay"))
    vl = [(r.lambda_star, f"λ* = {r.lambda_star:.4f}")] if r.lambda_star is not None else []
    if r.jump is not None:
        vl.append((r.jump["lambda"], f"replay jumps at {r.jump['lambda']:.4f}"))
    births = [s["birth"] for s in r.sheets if s["kind"] == "minimum" and s["birth"] > 0]
    note = f"m = {r.m}: the first degeneracy at λ* = {r.lambda_star:.5f} is a {r.kind}" if r.lambda_star is not None else f"m = {r.m}: {r.why}"
    note += "; sheets: " + ", ".join(f"{s['kind']} on [{s['lambda_range'][0]:.4f}, {s['lambda_range'][1]:.4f}]" for s in r.sheets)
    if r.jump is not None and r.jump.get("landing_sheet") is not None:
        note += (f"; the replayed optimizer jumps at λ = {r.jump['lambda']:.4f} (FD λ₁ {r.jump['lambda1_before']:.2g} → {r.jump['lambda1_after']:.2g}) "
                 f"onto the minimum sheet born at λ = {r.jump['landing_sheet_birth']:.4f}")
    return Presentation(
        note=note,
        measured={"lambda_star": r.lambda_star, "kind": r.kind, "sheets": list(r.sheets), "minimum_sheets_born_after_0": births,
                  "jump": dict(r.jump) if r.jump else None, "landing_problem": r.landing_problem or None},
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every branch point and at the polished landing point",
                   "same_point": f"landing point and sheet point within {SAME_POINT:g}"},
        plots=(Plot(name="post-crossing", title=f"λ₁ along the whole branch and the paper's replayed method (m = {r.m})", xlabel="λ", ylabel="λ₁",
                    series=tuple(series), vlines=tuple(vl), hlines=((0.0, "0"),),
                    caption="The branch is drawn in arclength order: it turns back at each fold."),),
        params_used={"replay_paper_method": r.replayed},
    )


POST_CROSSING = check(
    "post-crossing",
    title="Past the degeneracy: the sheets of the branch and where the paper's replayed optimizer lands",
    measure=measure_post_crossing, judge=judge_post_crossing, present=present_post_crossing,
    reads=READS, optional=tuple(READS),
    params={
        "m": Param(default=5, ge=2, doc="width m"),
        "alpha": Param(default=PAPER_ALPHA, gt=0.0, doc="regularisation α > 0"),
        "paper_step": Param(default=1 / 400, gt=0.0, lt=1.0, doc="the paper's grid step Δλ of the replay"),
        "replay_paper_method": Param(default=True, doc="replay the paper's method over [0, 1] (skipped by --quick unless set)"),
    },
    memory=lambda p: pc.memory_for_width(int(p["m"])) + 8.0 * (401 * int(p["m"]) * PAPER_D + 4 * (int(p["m"]) * PAPER_D) ** 2),
    cost=0.5,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (POST_CROSSING,)
