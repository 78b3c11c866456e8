"""Checks of the paper's numerical claims at the main width (m = 10, d = 5, α = 4e-3).

Data: :mod:`crosscheck.numerics.paper_data` (the paper's recipe, seed 77). The branch is traced by
pseudo-arclength continuation from the closed-form λ = 0 minimum with ‖∇L‖ ≤ 1e-10 at every accepted point;
degenerate points are solved for by the extended system; see :mod:`crosscheck.checks._paper_common`.
Paper values are read from the claim (``ctx.expect``) only. A branch that did not converge (‖∇L‖ > 1e-10 at a
reported point, a failed extended-system solve, a trace that stopped early) makes its case not applicable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.numerics.tolerance import rounding_floor
from crosscheck.engine.api import CheckContext, Param, ParameterError, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.degenerate import (
    cluster_derivative,
    fd_lambda1_prime,
    orient_null_vector,
    reduced_coefficients,
    reduced_potential,
)
from crosscheck.numerics.paper_data import PAPER_ALPHA, PAPER_D, PAPER_N, WIDTHS, paper_homotopy

WIDTH = Param(default=10, ge=2, doc="width m (two units are needed for an α-eigenspace)")
ALPHA = Param(default=PAPER_ALPHA, gt=0.0, doc="regularisation α > 0")
WITNESS_RTOL = Param(default=1e-4, gt=0.0, lt=1.0, doc="relative agreement required of the finite-difference witnesses")


def _vars(m: int, alpha: float) -> dict[str, float]:
    return {"m": float(m), "alpha": alpha}


def _nothing_stated(rec: Recorder, reads: Mapping[str, Any], detail: str = "") -> None:
    if not any(rec.stated(q) for q in reads):
        rec.inconclusive(pc.NOTHING + (f" ({detail})" if detail else ""))


def _branch_memory(p: Mapping[str, Any]) -> float:
    m = int(p["m"])
    n = m * PAPER_D
    return pc.memory_for_width(m) + 8.0 * 4 * n * n  # plus the replay's / the witnesses' dense Hessians


# ---- alpha-floor -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FloorRow:
    m: int
    d: int
    lambda_min: float
    multiplicity: int
    next_eigenvalue: float | None
    rounding_floor: float
    gap: float
    grad_norm_W0: float


@dataclass(frozen=True)
class AlphaFloor:
    rows: tuple[FloorRow, ...]
    alpha: float
    gap_max: float


def measure_alpha_floor(ctx: CheckContext) -> AlphaFloor:
    """At the closed-form minimiser W₀ of the quadratic L_α(·, 0) (``W₀ = v cᵀ``, ``(‖v‖²Σ̂ + αI)c = Xᵀy/N``;
    stationarity checked), the exact Hessian's full spectrum (``eigvalsh``): eigenvalues within the rounding
    floor ``τ = 10·n·eps·‖H‖₂`` of α are counted, the split certified by the gap ratio
    ``max|λ_in − α| / min|λ_out − α| ≤ gap_max``. The claimed ``lambda_min`` (expression in m, d, alpha) is
    compared with the smallest eigenvalue with the ledger tolerance plus τ; ``alpha_multiplicity`` exactly."""
    p = ctx.params
    widths = [3, 10, 20] if ctx.quick_for("widths") else [int(m) for m in p["widths"]]
    alpha = float(p["alpha"])
    rows = []
    for m in widths:
        hp = paper_homotopy(m, alpha)
        w0 = hm.linear_minimum(hp)
        with single_blas_thread():
            H = hm.hessian(hp, w0, 0.0)
            e = np.linalg.eigvalsh(H)
        g = float(np.linalg.norm(hm.grad(hp, w0, 0.0)))
        tau = rounding_floor(hp.n, float(abs(e).max()))
        dist = np.abs(e - alpha)
        inside = dist <= tau
        gap = float(dist[inside].max() / dist[~inside].min()) if inside.any() and (~inside).any() else 0.0
        rows.append(FloorRow(m, int(hp.d), float(e[0]), int(inside.sum()), float(e[~inside].min()) if (~inside).any() else None, tau, gap, g))
    return AlphaFloor(tuple(rows), alpha, float(p["gap_max"]))


def judge_alpha_floor(r: AlphaFloor, rec: Recorder) -> None:
    for row in r.rows:
        label = f"m={row.m}"
        if not row.grad_norm_W0 <= pc.GRAD_TOL:
            rec.case(label, applicable=False, why=f"W₀ is not a critical point to 1e-10: ‖∇L(W₀, 0)‖ = {row.grad_norm_W0:.1e}")
            continue
        rec.case(label)
        if row.gap > r.gap_max:
            rec.inconclusive(f"{label}: the split of the eigenvalues at α is not certified (gap {row.gap:.1e} > {r.gap_max:.0e})")
        v = {"m": row.m, "d": row.d, "alpha": r.alpha}
        rec.claim("lambda_min", row.lambda_min, floor=row.rounding_floor, floor_why="10·n·eps·‖H‖₂ (eigvalsh rounding)", **v)
        rec.claim("alpha_multiplicity", row.multiplicity, **v)


def present_alpha_floor(r: AlphaFloor) -> Presentation:
    rows = r.rows
    top = float(max((row.multiplicity for row in rows), default=0))
    plot = Plot(
        name="alpha-floor",
        title="Eigenvalues at α: measured multiplicity against (m−1)d",
        xlabel="(m−1)d",
        ylabel="measured multiplicity",
        series=(
            Series("y = x", (0.0, top), (0.0, top)),
            Series("widths", tuple(float((row.m - 1) * row.d) for row in rows), tuple(float(row.multiplicity) for row in rows), "markers"),
        ),
    )
    worst_gap = max((row.gap for row in rows), default=0.0)
    floor = max((row.rounding_floor for row in rows), default=0.0)
    return Presentation(
        note=f"{len(rows)} widths; rounding floor at most {floor:.1e}, worst gap certificate {worst_gap:.1e}",
        measured={"widths": [{"m": row.m, "d": row.d, "lambda_min": row.lambda_min, "multiplicity": row.multiplicity,
                              "next_eigenvalue": row.next_eigenvalue, "rounding_floor": row.rounding_floor, "gap": row.gap,
                              "grad_norm_W0": row.grad_norm_W0} for row in rows]},
        tolerance={"rounding_floor": "10·n·eps·‖H‖₂ added to the ledger's allowance", "gap_max": r.gap_max},
        certificates={"worst_gap": worst_gap},
        plots=(plot,),
        params_used={"widths": [row.m for row in rows]},
    )


ALPHA_FLOOR = check(
    "alpha-floor",
    title="λ₁ = α with multiplicity (m−1)d at the λ = 0 minimum, over the width sweep",
    measure=measure_alpha_floor, judge=judge_alpha_floor, present=present_alpha_floor,
    reads={"lambda_min": ("m", "d", "alpha"), "alpha_multiplicity": ("m", "d", "alpha")},
    params={
        "widths": Param(default=list(WIDTHS), ge=2, min_len=1, doc="widths m ≥ 2 (two units are needed for an α-eigenspace)"),
        "alpha": ALPHA,
        "gap_max": Param(default=1e-6, gt=0.0, lt=1.0, doc="largest accepted gap ratio of the split at α"),
    },
    memory=lambda p: 8.0 * (6 * (max(int(m) for m in p["widths"]) * PAPER_D) ** 2 + 4 * PAPER_N * PAPER_D),
)


# ---- eigenvalue-derivative -------------------------------------------------------------------------


@dataclass(frozen=True)
class Derivative:
    m: int
    alpha: float
    lambda1_prime: float
    fd_extrapolated: float
    fd_steps: tuple[float, ...]
    fd_quotients: tuple[float, ...]
    fd_grad_norms: tuple[float, ...]
    mu: tuple[float, ...]  # the first eigenvalues of the compressed derivative (cluster splitting)
    cluster_dimension: int
    naive_single_vector: float
    witness_rtol: float
    branch_lam: tuple[float, ...]  # the minimum sheet for λ ≤ 0.3, for the figure
    branch_lambda1: tuple[float, ...]


def measure_eigenvalue_derivative(ctx: CheckContext) -> Derivative:
    """``λ₁'(0⁺) = min eig(BᵀḢB)``, B an orthonormal basis of the α-eigenspace E = v^⊥⊗ℝ^d and
    ``Ḣ = ∂_λH + D_WH[Ẇ]``, ``Ẇ = −H⁻¹∂_λ∇L`` (all analytic). Witness: forward differences of the smallest
    eigenvalue on the Newton-converged branch at λ = h, Richardson-extrapolated; they must agree to
    ``witness_rtol`` (else inconclusive). Compared with the claimed ``lambda1_prime_0``. The paper's closed forms
    (18), (22) and the fourth-moment approximation are evaluated as printed by ``paper-formulas``."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        cd = cluster_derivative(hp)
        fd = fd_lambda1_prime(hp, tuple(float(h) for h in p["fd_steps"]))
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    seg = tr.first_segment
    br = tr.branch
    keep = br.lam[:seg] <= 0.3
    return Derivative(
        m, alpha, float(cd.lambda1_prime), float(fd.extrapolated), tuple(map(float, fd.steps)), tuple(map(float, fd.quotients)),
        tuple(map(float, fd.grad_norms)), tuple(map(float, cd.mu[:8])), int(cd.mu.size), float(cd.naive_single_vector),
        float(p["witness_rtol"]), tuple(br.lam[:seg][keep].tolist()), tuple(br.monitor[:seg, 0][keep].tolist()),
    )


DERIVATIVE_READS = {"lambda1_prime_0": ("m", "alpha")}


def judge_eigenvalue_derivative(r: Derivative, rec: Recorder) -> None:
    rec.case(f"m={r.m}")
    if not abs(r.fd_extrapolated - r.lambda1_prime) <= r.witness_rtol * abs(r.lambda1_prime):
        rec.inconclusive(f"finite differences {r.fd_extrapolated:.6g} disagree with the analytic {r.lambda1_prime:.6g}")
    rec.claim("lambda1_prime_0", r.lambda1_prime, **_vars(r.m, r.alpha))
    _nothing_stated(rec, DERIVATIVE_READS, f"λ₁'(0) = {r.lambda1_prime:.6g}")


def present_eigenvalue_derivative(r: Derivative) -> Presentation:
    a = r.alpha
    series = [
        Series("λ₁ on the branch", r.branch_lam, r.branch_lambda1, "line+markers", role="ours"),
        Series("α + λ₁'(0)·λ (degenerate perturbation)", (0.0, 0.3), (a, a + 0.3 * r.lambda1_prime)),
        Series("α + (qᵀḢq)·λ, one arbitrary eigenvector", (0.0, 0.3), (a, a + 0.3 * r.naive_single_vector)),
    ]
    measured: dict[str, Any] = {
        "lambda1_prime_0": r.lambda1_prime,
        "lambda1_prime_fd": r.fd_extrapolated,
        "fd_quotients": dict(zip([str(h) for h in r.fd_steps], r.fd_quotients)),
        "fd_branch_grad_norms": list(r.fd_grad_norms),
        "cluster_splitting_mu": list(r.mu),
        "cluster_dimension": r.cluster_dimension,
        "naive_single_eigenvector": r.naive_single_vector,
        "first_order_lambda_star": a / abs(r.lambda1_prime) if r.lambda1_prime < 0 else None,
    }
    wit = abs(r.fd_extrapolated - r.lambda1_prime)
    return Presentation(
        note=(f"λ₁'(0) = {r.lambda1_prime:.6g} (finite differences {r.fd_extrapolated:.6g}; "
              f"one arbitrary eigenvector of the α-eigenspace would give {r.naive_single_vector:.3g})"),
        measured=measured,
        tolerance={"witness_rtol": r.witness_rtol, "why": "Richardson-extrapolated forward differences, O(h²) ≈ 1e-7 relative"},
        certificates={"fd_vs_analytic": wit},
        plots=(Plot(name="eigenvalue-derivative", title=f"Smallest Hessian eigenvalue near λ = 0 (m = {r.m})", xlabel="λ", ylabel="λ₁", series=tuple(series)),),
    )


EIGENVALUE_DERIVATIVE = check(
    "eigenvalue-derivative",
    title="λ₁'(0): degenerate first-order perturbation on the α-eigenspace, against finite differences",
    measure=measure_eigenvalue_derivative, judge=judge_eigenvalue_derivative, present=present_eigenvalue_derivative,
    reads=DERIVATIVE_READS, optional=tuple(DERIVATIVE_READS),
    params={
        "m": WIDTH, "alpha": ALPHA,
        "fd_steps": Param(default=[4e-3, 2e-3, 1e-3], gt=0.0, lt=1.0, min_len=2, doc="forward-difference steps h (≥ 2 for Richardson)"),
        "witness_rtol": WITNESS_RTOL,
    },
    memory=_branch_memory,
)


# ---- bifurcation-point -----------------------------------------------------------------------------


def _kind(tr: pc.Traced) -> tuple[str, str]:
    """(kind, problem) from the classification test and the branch's behaviour in λ."""
    dg = tr.degeneracy
    if dg is None:
        return NO_DEGENERACY, ""
    if dg.classification is None:
        return "undetermined", "the degenerate point could not be classified (the extended system did not converge)"
    c = dg.classification
    if c.kind == "fold" and dg.turns_back:
        return "fold (saddle-node)", ""
    if c.kind != "fold" and not dg.turns_back:
        return f"transversal eigenvalue crossing ({c.kind})", ""
    return "undetermined", f"the type tests disagree: φᵀ∂_λ∇L says {c.kind}, while the branch {'turns' if dg.turns_back else 'does not turn'} back in λ"


STATE = ("lambda1_over_lambda2", "dlambda1_dlambda")
NO_DEGENERACY = "no degeneracy on the traced branch"
BIFURCATION_READS = {q: ("m", "alpha") for q in ("lambda_star", "is_fold", *STATE)}


@dataclass(frozen=True)
class Bifurcation:
    m: int
    alpha: float
    converged: bool
    why_not_converged: str
    lambda_star: float | None
    no_zero: str  # why there is no λ* (when converged and lambda_star is None)
    kind: str
    kind_problem: str
    paper_lambda_star: float | None  # the claim's λ*, where its state quantities are evaluated on our branch
    at_paper: Mapping[str, Any] | None  # our branch's state there (None: no point on the minimum sheet)
    at_ours: Mapping[str, float | None]  # |λ₁/λ₂| and the one-sided dλ₁/dλ over paper_step at our λ*
    paper_step: float
    first_order: float | None
    replay: Mapping[str, Any] | None
    details: Mapping[str, Any]
    branch_lam: tuple[float, ...]
    branch_lambda1: tuple[float, ...]
    branch_lambda2: tuple[float, ...]


def measure_bifurcation(ctx: CheckContext) -> Bifurcation:
    """Trace the branch by pseudo-arclength continuation (‖∇L‖ ≤ 1e-10 at every point) until λ₁ changes sign,
    solve the extended system ∇L = 0, Hφ = 0, cᵀφ = 1 from there, and classify: **fold** if
    ``φᵀ∂_λ∇L ≠ 0`` (relative to max(‖∂_λ∇L‖, ‖H‖₂), threshold 1e-6) and the branch turns back in λ; **transversal crossing** if
    ``φᵀ∂_λ∇L = 0`` and it continues through. Reports λ*, the first-order prediction ``α/|λ₁'(0)|``,
    ``|λ₁/λ₂|`` and dλ₁/dλ (exact along the tangent — unbounded at a fold — and as the one-sided difference
    over the paper's step ``paper_step``). Where the claim reports the state at its own λ* (``lambda1_over_lambda2``,
    ``dlambda1_dlambda``), our branch is evaluated at that same λ and compared. ``is_fold`` (1 fold, 0
    transversal) is compared when claimed. Diagnostic (``replay_paper_method``, skipped in quick mode unless set
    explicitly): the paper's own method — warm-started L-BFGS-B with default tolerances on the grid of step
    ``paper_step``, FD Hessians — replayed, with the gradient norms of its iterates and their distance from our branch."""
    p = ctx.params
    m, alpha, step = int(p["m"]), float(p["alpha"]), float(p["paper_step"])
    hp = paper_homotopy(m, alpha)
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    with single_blas_thread():
        cd = cluster_derivative(hp)
    first_order = alpha / abs(cd.lambda1_prime) if cd.lambda1_prime < 0 else None
    dg = tr.degeneracy
    kind, kprob = _kind(tr)
    lam_star = tr.lambda_star
    details: dict[str, Any] = {
        "lambda_star": lam_star,
        "lambda_star_first_order": first_order,
        "lambda1_prime_0": float(cd.lambda1_prime),
        "kind": kind,
        "grad_norm": tr.grad_norm,
        "grad_norm_max_branch": tr.max_grad,
        "branch_points": int(len(tr.branch.lam)),
        "rejected_steps": int(tr.branch.rejected),
        "note": tr.note,
    }
    at_ours: dict[str, float | None] = {"lambda1_over_lambda2": None, "dlambda1_dlambda": None}
    if dg is not None and dg.point.converged:
        d_before = pc.lambda1_before(m, alpha, tr, step)
        c = dg.classification
        at_ours = {"lambda1_over_lambda2": abs(dg.lambda1 / dg.lambda2), "dlambda1_dlambda": None if d_before is None else (0.0 - d_before) / step}
        details.update({
            **at_ours,
            "dlambda1_dlambda_exact": None if abs(dg.dlam_ds) < 1e-8 else dg.dlambda1_ds / dg.dlam_ds,
            "dlambda1_ds": dg.dlambda1_ds,
            "dlambda_ds": dg.dlam_ds,
            "lambda1_at_star": dg.lambda1,
            "lambda2_at_star": dg.lambda2,
            "null_residual": dg.point.residual_null,
            "extended_newton_iterations": dg.point.iterations,
            "extended_jacobian_smin": dg.point.jac_smin,
            "phi_dot_grad_lam": c.psi_F_lam if c else None,
            "phi_dot_grad_lam_relative": c.psi_F_lam_rel if c else None,
            "quadratic_coefficient": c.quadratic if c else None,
            "turns_back": dg.turns_back,
            "relative_error_first_order": None if first_order is None or lam_star is None else (first_order - lam_star) / lam_star,
        })
    replay = None
    if p["replay_paper_method"] and not ctx.quick_for("replay_paper_method", "paper_step"):
        ctx.progress(f"replaying the paper's method (L-BFGS-B, Δλ = {step:g}, FD Hessians)")
        replay = pc.paper_method_replay(m, alpha, pc.s_max(ctx), step)
        details["paper_method_replay"] = dict(replay)
    lam_paper = pc.paper(ctx, "lambda_star", **_vars(m, alpha))
    at = pc.state_at(m, alpha, tr, lam_paper) if lam_paper is not None else None
    if lam_paper is not None:
        details["at_paper_lambda_star"] = at
    br = tr.branch
    return Bifurcation(
        m, alpha, tr.converged, tr.why_not_converged, lam_star, tr.note or "λ₁ has no zero on the continued branch in (0, 1]",
        kind, kprob, lam_paper, at, at_ours, step, first_order, replay, details,
        tuple(br.lam.tolist()), tuple(br.monitor[:, 0].tolist()), tuple(br.monitor[:, 1].tolist()),
    )


def judge_bifurcation(r: Bifurcation, rec: Recorder) -> None:
    v = _vars(r.m, r.alpha)
    label = f"m={r.m}"
    _nothing_stated(rec, BIFURCATION_READS)
    if not r.converged:
        rec.case(label, applicable=False, why=f"the branch did not converge ({r.why_not_converged})")
        return
    rec.case(label)
    if r.lambda_star is None:
        rec.absent("lambda_star", r.no_zero, **v)
    else:
        rec.claim("lambda_star", r.lambda_star, **v)
    if r.kind == NO_DEGENERACY:
        rec.absent("is_fold", r.no_zero, **v)
    elif r.kind_problem:  # only is_fold is undecided (inconclusive if the claim states it)
        rec.not_compared("is_fold", r.kind_problem)
    else:
        rec.claim("is_fold", 1.0 if r.kind.startswith("fold") else 0.0, **v)
    if not any(rec.stated(q) for q in STATE):
        return
    if r.paper_lambda_star is None:  # the claim gives no λ* of its own: its state is read at ours
        where = f"on our branch at our λ* = {r.lambda_star:.6g}" if r.lambda_star is not None else "at our λ*"
        rec.case(f"{label}, {where}")
        for q in STATE:
            val = r.at_ours[q]
            if r.lambda_star is None:
                rec.absent(q, r.no_zero, **v)
            elif val is None:
                rec.absent(q, f"our branch has no point on its minimum sheet at λ* − {r.paper_step:g}", **v)
            else:
                rec.claim(q, val, **v)
        return
    lam = r.paper_lambda_star
    where = f"{label}, on our branch at the claimed λ* = {lam:g}"
    at = r.at_paper
    if at is not None and not at["converged"]:
        why = f"Newton at fixed λ did not converge (‖∇L‖ = {at['grad_norm']:.1e} > 1e-10)"
        rec.case(where, applicable=False, why=why)
        for q in STATE:
            rec.not_compared(q, f"at the claimed λ* = {lam:g}: {why}")
        return
    rec.case(where)
    for q in STATE:
        if at is None:
            rec.absent(q, f"our branch has no point on its minimum sheet at λ = {lam:g}", **v)
        elif not math.isfinite(at[q]):
            rec.absent(q, "dλ₁/dλ is unbounded there (dλ/ds = 0: the branch turns back in λ)", **v)
        else:
            rec.claim(q, at[q], **v)


def present_bifurcation(r: Bifurcation) -> Presentation:
    lam_star, first_order, replay = r.lambda_star, r.first_order, r.replay
    lam, l1 = np.asarray(r.branch_lam), np.asarray(r.branch_lambda1)
    vl = [(lam_star, f"ours λ* = {lam_star:.4f}")] if lam_star is not None else []
    if r.paper_lambda_star is not None:
        vl.append((r.paper_lambda_star, f"paper λ* = {r.paper_lambda_star:g}"))
    if first_order is not None:
        vl.append((first_order, f"first order α/|λ₁'(0)| = {first_order:.4f}"))
    if replay and replay["lambda_star"] is not None:
        vl.append((replay["lambda_star"], f"paper's method replayed: {replay['lambda_star']:.4f}"))
    plots = [Plot(
        name="branch-eigenvalues", title=f"Two smallest Hessian eigenvalues along the continued branch (m = {r.m})", xlabel="λ", ylabel="eigenvalue",
        series=(Series("λ₁", r.branch_lam, r.branch_lambda1), Series("λ₂", r.branch_lam, r.branch_lambda2)),
        vlines=tuple(vl), hlines=((0.0, "0"),),
        caption="Points in arclength order; a fold shows as the curve turning back in λ.",
    )]
    if lam_star is not None:
        near = np.abs(lam - lam_star) <= 0.03
        plots.append(Plot(
            name="branch-eigenvalues-zoom", title="Zoom at the degeneracy", xlabel="λ", ylabel="λ₁",
            series=(Series("λ₁", tuple(lam[near].tolist()), tuple(l1[near].tolist()), "line+markers"),),
            vlines=tuple(x for x in vl if abs(x[0] - lam_star) <= 0.03), hlines=((0.0, "0"),),
        ))
    fo_txt = f"{first_order:.4f}" if first_order is not None else "none (λ₁'(0) ≥ 0)"
    head = f"λ₁ reaches zero at λ* = {lam_star:.6f} ({r.kind})" if lam_star is not None else f"{r.no_zero} ({r.kind})"
    note = f"{head}; first-order prediction α/|λ₁'(0)| = {fo_txt}"
    if replay and replay["lambda_star"] is not None:
        note += (f"; the paper's method replayed (L-BFGS-B defaults, FD Hessians, Δλ = {r.paper_step:g}) crosses at "
                 f"{replay['lambda_star']:.4f} with iterates at ‖∇L‖ up to {replay['grad_norm_max']:.1e}")
    return Presentation(
        note=note,
        measured=dict(r.details),
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every accepted point and at λ*; ‖Hφ‖₂ ≤ 1e-10",
                   "fold_test": "|φᵀ∂_λ∇L| > 1e-6·max(‖∂_λ∇L‖, ‖H‖₂), and dλ/ds changes sign"},
        certificates={"max_grad_norm": r.details["grad_norm"], "extended_jacobian_smin": r.details.get("extended_jacobian_smin")},
        plots=tuple(plots),
        params_used={"replay_paper_method": r.replay is not None},
    )


def validate_bifurcation(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    if "paper_step" in explicit and not p["replay_paper_method"]:
        raise ParameterError("paper_step has no effect when replay_paper_method = false (it is the replayed method's grid step)")


BIFURCATION = check(
    "bifurcation-point",
    title="Where λ₁ of the continued critical branch reaches zero, and the type of that degeneracy",
    measure=measure_bifurcation, judge=judge_bifurcation, present=present_bifurcation,
    reads=BIFURCATION_READS, optional=tuple(BIFURCATION_READS),
    params={
        "m": WIDTH, "alpha": ALPHA,
        "paper_step": Param(default=1 / 400, gt=0.0, lt=1.0, doc="the paper's grid step Δλ (replay and one-sided dλ₁/dλ)"),
        "replay_paper_method": Param(default=True, doc="replay the paper's L-BFGS-B method as a diagnostic (skipped by --quick unless set)"),
    },
    validate=validate_bifurcation,
    memory=_branch_memory,
    cost=0.6,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- reduced-coefficients --------------------------------------------------------------------------

COEFF_READS = {q: ("m", "alpha") for q in ("abs_g_aa", "g_aaa", "abs_ratio", "g_aaa_ls")}


@dataclass(frozen=True)
class Reduced:
    m: int
    alpha: float
    applicable: bool
    why: str
    lambda_star: float | None = None
    values: Mapping[str, float] | None = None  # abs_g_aa, g_aaa, abs_ratio, g_aaa_ls
    witness_problems: tuple[str, ...] = ()
    details: Mapping[str, Any] | None = None
    certificates: Mapping[str, float] | None = None
    plot: Plot | None = None


def measure_reduced(ctx: CheckContext) -> Reduced:
    """At the located degenerate point (W*, λ*, φ), ``g_aa = D³L[φ³]`` and ``g_aaa = D⁴L[φ⁴]`` analytically
    (our reading of formulas (25)–(26): third and fourth directional derivatives along the null vector; φ
    unit, sign fixed by its largest entry being positive, which makes g_aa's sign a convention), witnessed by
    Richardson-extrapolated differences of the loss along φ and by differences of the exact Hessian
    (agreement to ``witness_rtol`` or inconclusive); and ``g_aaa_LS = g_aaa − 3bᵀH_⊥⁺b``. Compared: the claimed
    ``abs_g_aa``, ``g_aaa``, ``abs_ratio`` = |g_aa/g_aaa| (sign-free, since the paper's orientation of φ is
    unknown) and ``g_aaa_ls``. Figure: the Lyapunov–Schmidt potential ψ(a), its quartic model, and the plain
    restriction. A branch that did not converge, or has no zero of λ₁ in (0, 1], is not an applicable case."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    dg = tr.degeneracy
    if not tr.converged:
        return Reduced(m, alpha, False, f"the branch did not converge ({tr.why_not_converged})")
    if tr.lambda_star is None:
        return Reduced(m, alpha, False, f"no degenerate point to expand at ({tr.note or 'λ₁ has no zero on the branch in (0, 1]'})")
    hp = paper_homotopy(m, alpha)
    w, lam, phi = dg.point.u, dg.point.lam, dg.point.phi
    with single_blas_thread():
        rc = reduced_coefficients(hp, w, lam, phi, float(p["fd_step"]))
    problems = []
    for name, exact, fds in (("g_aa", rc.g_aa, (rc.g_aa_fd, rc.g_aa_hess_fd)), ("g_aaa", rc.g_aaa, (rc.g_aaa_fd, rc.g_aaa_hess_fd))):
        for f in fds:
            if not abs(f - exact) <= p["witness_rtol"] * abs(exact):
                problems.append(f"{name}: finite-difference witness {f:.6g} disagrees with {exact:.6g}")
    ratio = abs(rc.g_aa / rc.g_aaa)
    scale = 4 * abs(rc.g_aa) / max(abs(rc.g_aaa_ls), abs(rc.g_aaa), 1e-12)
    a_max = min(0.05, 0.4 * scale)  # where the cubic term still dominates the quartic one
    a = np.linspace(-a_max, a_max, int(p["a_points"]))
    with single_blas_thread():
        psi, res = reduced_potential(hp, w, lam, phi, a)
    ph = orient_null_vector(phi)
    plain = np.array([hm.loss(hp, w + x * ph, lam) for x in a]) - hm.loss(hp, w, lam)
    ok = res <= 1e-9
    plot = Plot(
        name="reduced-potential", title=f"Reduced potential at the degeneracy (m = {m}, λ* = {lam:.5f})", xlabel="a (coordinate along φ)", ylabel="ψ(a)",
        series=(
            Series("ψ(a), Lyapunov–Schmidt (numerical)", tuple(a[ok].tolist()), tuple(psi[ok].tolist()), "line+markers"),
            Series("g_aa a³/6 + g_aaa_LS a⁴/24", tuple(a.tolist()), tuple((rc.g_aa * a**3 / 6 + rc.g_aaa_ls * a**4 / 24).tolist())),
            Series("L(W* + aφ) − L(W*) (no reduction)", tuple(a.tolist()), tuple(plain.tolist())),
            Series("g_aa a³/6 + g_aaa a⁴/24", tuple(a.tolist()), tuple((rc.g_aa * a**3 / 6 + rc.g_aaa * a**4 / 24).tolist())),
        ),
        caption="φ is the unit null vector with its largest entry positive.",
    )
    details = {
        "lambda_star": float(lam),
        "g_aa": rc.g_aa, "g_aaa": rc.g_aaa, "g_aaa_ls": rc.g_aaa_ls, "ls_correction": rc.correction,
        "g_aa_fd": rc.g_aa_fd, "g_aaa_fd": rc.g_aaa_fd, "g_aa_hessian_fd": rc.g_aa_hess_fd, "g_aaa_hessian_fd": rc.g_aaa_hess_fd,
        "ratio": rc.g_aa / rc.g_aaa, "abs_ratio": ratio, "abs_ratio_ls": abs(rc.g_aa / rc.g_aaa_ls),
        "phi_H_phi": rc.second, "phi_dot_grad_lam": rc.c_lam, "lambda2_at_star": dg.lambda2,
        "fd_step": rc.fd_step, "hessian_fd_step": rc.hess_step, "convention": "g_aa = D³L[φ,φ,φ], g_aaa = D⁴L[φ,φ,φ,φ], ‖φ‖ = 1, largest |φ_i| positive",
        "potential_max_residual": float(np.nanmax(res[ok])) if ok.any() else None, "potential_points_converged": int(ok.sum()),
    }
    return Reduced(
        m, alpha, True, "", float(lam),
        {"abs_g_aa": abs(rc.g_aa), "g_aaa": rc.g_aaa, "abs_ratio": ratio, "g_aaa_ls": rc.g_aaa_ls}, tuple(problems), details,
        {"fd_rel_err_g_aa": abs(rc.g_aa_fd - rc.g_aa) / abs(rc.g_aa), "fd_rel_err_g_aaa": abs(rc.g_aaa_fd - rc.g_aaa) / abs(rc.g_aaa)},
        plot,
    )


def judge_reduced(r: Reduced, rec: Recorder) -> None:
    _nothing_stated(rec, COEFF_READS)
    label = f"m={r.m}" + (f", λ* = {r.lambda_star:.6f}" if r.lambda_star is not None else "")
    if not r.applicable:
        rec.case(label, applicable=False, why=r.why)
        return
    rec.case(label)
    for w in r.witness_problems:
        rec.inconclusive(w)
    for q, val in (r.values or {}).items():
        rec.claim(q, val, **_vars(r.m, r.alpha))


def present_reduced(r: Reduced) -> Presentation:
    if not r.applicable:
        return Presentation(measured={"note": r.why})
    vals = r.details or {}
    return Presentation(
        note=(f"g_aa = {vals['g_aa']:.5g}, g_aaa = {vals['g_aaa']:.5g} (Lyapunov–Schmidt-corrected {vals['g_aaa_ls']:.5g}), "
              f"|g_aa/g_aaa| = {vals['abs_ratio']:.4g}"),
        measured=dict(vals), certificates=dict(r.certificates or {}), plots=(r.plot,) if r.plot else (),
    )


REDUCED = check(
    "reduced-coefficients",
    title="Reduced coefficients g_aa = D³L[φ³], g_aaa = D⁴L[φ⁴] (and Lyapunov–Schmidt-corrected) at the degeneracy",
    measure=measure_reduced, judge=judge_reduced, present=present_reduced,
    reads=COEFF_READS, optional=tuple(COEFF_READS),
    params={
        "m": WIDTH, "alpha": ALPHA,
        "fd_step": Param(default=0.01, gt=0.0, lt=1.0, doc="step of the finite-difference witnesses along φ"),
        "witness_rtol": WITNESS_RTOL,
        "a_points": Param(default=41, ge=3, doc="points of the reduced-potential figure"),
    },
    memory=lambda p: _branch_memory(p) + 8.0 * int(p["a_points"]) * int(p["m"]) * PAPER_D,
)

CHECKS = (ALPHA_FLOOR, EIGENVALUE_DERIVATIVE, BIFURCATION, REDUCED)
