"""Check of the symmetric toy model (the S_m obstruction): d = 1, m = 2, α = 0, v = (1, a).

With α = 0 the λ = 0 minimum is a whole line ``v₁w₁ + v₂w₂ = c``; branches of critical points leave it at
the zeros of the Lyapunov–Schmidt selection function and are traced with the desingularised system of
:mod:`crosscheck.numerics.desingular` (exactly equivalent to ∇L = 0 for λ > 0).
"""

from __future__ import annotations

import copy
import hashlib
import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks._paper_common import GRAD_TOL, run_cached
from crosscheck.numerics.tolerance import rounding_floor
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.branch import first_sign_change, locate_degeneracy, smallest_eigs
from crosscheck.numerics.continuation import ContinuationOptions, continue_branch
from crosscheck.numerics.desingular import branch_start, desingularized_system, kernel_eigenvalue_slope, selection_roots
from crosscheck.numerics.homotopy import Homotopy, make_homotopy
from crosscheck.numerics.paper_data import toy_dataset



def _trace(hp: Homotopy, w0: np.ndarray, mu: float, s_max: float):
    """Branch from the λ = 0 point w0; monitor τ = λ₁(H)/λ (μ at λ = 0, its limit), λ₁, λ₂."""

    def monitor(u, lam, _G):
        e = smallest_eigs(hm.hessian(hp, u, lam), 2)
        return (float(e[0] / lam) if lam > 0 else mu, float(e[0]), float(e[1]))

    opts = ContinuationOptions(s_max=s_max, lam_max=1.0, lam_min=-1e-3, tol=1e-11, stop_after_sign_change=3)
    return continue_branch(desingularized_system(hp), w0, 0.0, +1.0, opts, monitor)


def family_member(X: np.ndarray, y: np.ndarray, a: float, s_max: float) -> dict:
    """:func:`_family_member` for v = (1, a), α = 0 on the data (X, y), shared within a run through the run's
    cache (the symmetric-toy and toy-family-start checks trace the same members on the same data): the key
    names the data by a hash of its bytes, so it is a pure function of its key. A fresh copy each call."""
    key = hashlib.sha256(np.ascontiguousarray(X).tobytes() + np.ascontiguousarray(y).tobytes()).hexdigest()[:24]
    out = run_cached(f"toy-family-{key}-{float(a)!r}-{float(s_max)!r}", lambda: _family_member(make_homotopy(X, y, [1.0, a], 0.0), s_max))
    return copy.deepcopy(out)


def _family_member(hp: Homotopy, s_max: float) -> dict:
    out = []
    for w0 in selection_roots(hp):
        mu = float(kernel_eigenvalue_slope(hp, w0)[0])
        entry = {"start": w0.tolist(), "type": "equal weights" if abs(w0[0] - w0[1]) <= 1e-9 * (1 + abs(w0[0])) else "unequal",
                 "mu": mu, "lambda_star": None, "note": ""}
        if mu < 0:
            entry["lambda_star"] = 0.0
            entry["note"] = "kernel eigenvalue λμ + O(λ²) < 0 immediately: a saddle for every λ > 0 near 0"
        else:
            br = _trace(hp, w0, mu, s_max)
            i = first_sign_change(br, 0.0)
            entry["max_grad_norm"] = float(max(np.linalg.norm(hm.grad(hp, u, l)) for u, l in zip(br.u, br.lam)))
            if not entry["max_grad_norm"] <= GRAD_TOL:
                entry["note"] = f"did not converge (‖∇L‖ = {entry['max_grad_norm']:.1e} > 1e-10 at a branch point)"
            elif i is None and br.lam[-1] < 1.0:
                entry["note"] = f"did not converge (continuation: {br.status}, last ‖G‖ = {br.residual[-1]:.1e})"
            elif i is None:
                entry["note"] = f"λ₁ > 0 on the whole branch up to λ = {br.lam[-1]:.3g} (min λ₁/λ = {br.monitor[:, 0].min():.3g})"
            else:
                dg = locate_degeneracy(hp, br, i)
                if dg.point.converged and 0 < dg.point.lam <= 1:
                    entry["lambda_star"] = float(dg.point.lam)
                    entry["kind"] = dg.classification.kind if dg.classification else None
                elif not dg.point.converged:
                    entry["note"] = f"did not converge ({dg.point.message}, ‖∇L‖ = {dg.point.residual_F:.1e})"
                else:
                    entry["note"] = f"zero at λ = {dg.point.lam:.4g} outside (0, 1]"
        out.append(entry)
    return {"branches": out}


@dataclass(frozen=True)
class Toy:
    start_converged: bool
    start_residual: float
    transverse_at_0: float
    floor: float
    branch_complete: bool  # the trace reached λ = 1, or stopped just after λ₁/λ changed sign
    branch_status: str
    inside_points: int
    inside_max_grad: float
    sign_after: float
    details: Mapping[str, Any]
    family_unconverged: tuple[str, ...]
    plots: tuple[Plot, ...]


def measure_symmetric_toy(ctx: CheckContext) -> Toy:
    """Data ``x ~ N(0,1)``, ``y = tanh(1.5x) + ε`` from ``ctx.rng(8)``. For v = (1, 1) the branch from the
    symmetric λ = 0 point (the minimum-norm one, w₁ = w₂) is traced; ``e = (1, −1)/√2`` is an exact eigenvector of
    H there (swap symmetry; residual reported) and its eigenvalue is compared with the claimed
    ``transverse_at_0`` at λ = 0 (tolerance + rounding floor 10·eps·‖H‖) and, by its sign on the traced
    points with λ ∈ (0, 1], with ``transverse_sign_after``. Family v = (1, a) (a diagnostic, not compared): every
    λ = 0 branch point on the flat line (zeros of the selection function, |s| ≤ 4), its kernel-eigenvalue slope μ,
    and for the minimum-type ones (μ > 0) the first zero of λ₁ on the continued branch (extended system)."""
    p = ctx.params
    seed_key = 8
    X, y = toy_dataset(ctx.rng(seed_key), int(p["n"]), float(p["noise"]))
    hp = make_homotopy(X, y, [1.0, 1.0], 0.0)
    w0, res0, ok0 = branch_start(hp)
    mu = float(kernel_eigenvalue_slope(hp, w0)[0])
    br = _trace(hp, w0, mu, float(p["s_max"]))
    e = np.array([1.0, -1.0]) / math.sqrt(2.0)
    trans, eig_res, grads = [], [], []
    for u, lam in zip(br.u, br.lam):
        H = hm.hessian(hp, u, lam)
        val = float(e @ H @ e)
        trans.append(val)
        eig_res.append(float(np.linalg.norm(H @ e - val * e)))
        grads.append(float(np.linalg.norm(hm.grad(hp, u, lam))))
    trans = np.array(trans)
    grads_a = np.array(grads)
    inside = (br.lam > 0) & (br.lam <= 1.0)
    floor = rounding_floor(1, float(np.abs(hm.hessian(hp, w0, 0.0)).sum()))  # Σ|H| ≥ n·‖H‖₂/n: a valid, larger norm
    if inside.any():
        sign_after = float(np.sign(trans[inside].max())) if np.all(trans[inside] < 0) or np.all(trans[inside] > 0) else 0.0
    else:
        sign_after = math.nan
    a_values = [0.5, 1.0] if ctx.quick_for("a_values") else [float(a) for a in p["a_values"]]
    family, star_by_a, unconverged = {}, {}, []
    for a in a_values:
        ctx.progress(f"a = {a}")
        if a == 0.0:
            family[str(a)] = {"branches": [], "note": "v₂ = 0: w₂ never enters the loss, so λ₁ ≡ 0 for every λ (no isolated zero)"}
            star_by_a[str(a)] = None
            continue
        fam = family_member(X, y, a, float(p["s_max"]))
        family[str(a)] = fam
        mins = [b["lambda_star"] for b in fam["branches"] if b["mu"] > 0 and b["lambda_star"] is not None]
        star_by_a[str(a)] = min(mins) if mins else None
        for b in fam["branches"]:
            if b["note"].startswith("did not converge"):
                unconverged.append(f"v = (1, {a:g}), branch from w = ({b['start'][0]:.4g}, {b['start'][1]:.4g}): {b['note']}")
    keep = br.lam <= 1.0
    plots = (
        Plot(name="toy-transverse", title="Transverse eigenvalue on the symmetric branch, v = (1, 1)", xlabel="λ", ylabel="eᵀHe, e = (1, −1)/√2",
             series=(Series("eᵀHe", tuple(br.lam[keep].tolist()), tuple(trans[keep].tolist()), "line+markers"),
                     Series("first order λμ", (0.0, 1.0), (0.0, mu))), hlines=((0.0, "0"),)),
        Plot(name="toy-family", title="First zero of λ₁ on the minimum-type branches, v = (1, a)", xlabel="a", ylabel="λ*",
             series=(Series("λ* (min over minimum-type branches)", tuple(float(a) for a in star_by_a if star_by_a[a] is not None),
                            tuple(v for v in star_by_a.values() if v is not None), "markers"),),
             caption="Values of a without a marker: no minimum-type branch reaches λ₁ = 0 in (0, 1]."),
    )
    details = {
        "seed": ctx.seed, "rng_key": seed_key, "symmetric_start": w0.tolist(), "transverse_at_0": float(trans[0]),
        "transverse_sign_after": None if math.isnan(sign_after) else sign_after, "transverse_slope_mu": mu,
        "transverse_max_after": float(trans[inside].max()) if inside.any() else None,
        "transverse_by_lambda": [[float(lam), float(v)] for lam, v in zip(br.lam[keep][::3], trans[keep][::3])],
        "eigenvector_residual_max": max(eig_res), "max_grad_norm": max(grads), "lambda_star_by_a": star_by_a, "family": family,
        "branch_status": br.status,
    }
    complete = bool(br.lam[-1] >= 1.0 or br.status == "stopped after sign change")
    return Toy(bool(ok0), float(res0), float(trans[0]), floor, complete, br.status, int(inside.sum()),
               float(grads_a[inside].max()) if inside.any() else math.nan, sign_after, details, tuple(unconverged), plots)


def judge_symmetric_toy(t: Toy, rec: Recorder) -> None:
    label0 = "v = (1, 1), λ = 0"
    if not t.start_converged:
        rec.case(label0, applicable=False, why=f"the λ = 0 branch point did not converge (‖G‖ = {t.start_residual:.1e})")
    else:
        rec.case(label0)
        rec.claim("transverse_at_0", t.transverse_at_0, floor=t.floor, floor_why="10·eps·Σ|H_ij| (rounding of eᵀHe)")
    label1 = f"v = (1, 1), {t.inside_points} points with λ ∈ (0, 1]"
    if not t.start_converged:
        rec.case(label1, applicable=False, why="the branch starts from a point that did not converge")
    elif t.inside_points == 0 or not t.branch_complete:
        rec.case(label1, applicable=False, why=f"the trace did not cover (0, 1] (continuation: {t.branch_status})")
    elif not t.inside_max_grad <= GRAD_TOL:
        rec.case(label1, applicable=False, why=f"the branch did not converge (‖∇L‖ = {t.inside_max_grad:.1e} > 1e-10)")
    else:
        rec.case(label1)
        rec.claim("transverse_sign_after", t.sign_after)
    for u in t.family_unconverged:
        rec.case(u.split(":")[0], applicable=False, why="did not converge (a diagnostic branch of the family, not compared)")


def present_symmetric_toy(t: Toy) -> Presentation:
    d = t.details
    sign = {1.0: "positive", -1.0: "negative", 0.0: "of both signs"}.get(t.sign_after, "not measured")
    stars = ", ".join(f"a = {a}: {'none' if v is None else f'{v:.4g}'}" for a, v in d["lambda_star_by_a"].items())
    return Presentation(
        note=(f"transverse eigenvalue {t.transverse_at_0:.1e} at λ = 0, slope μ = {d['transverse_slope_mu']:.4g}, {sign} on (0, 1]; "
              f"first zero of λ₁ on the minimum-type branches of v = (1, a): {stars or 'no values of a'}"),
        measured=dict(d), tolerance={"rounding_floor": t.floor}, plots=t.plots,
    )


SYMMETRIC_TOY = check(
    "symmetric-toy",
    title="Symmetric toy model: the transverse eigenvalue along the symmetric branch, and the family v = (1, a)",
    measure=measure_symmetric_toy, judge=judge_symmetric_toy, present=present_symmetric_toy,
    reads={"transverse_at_0": (), "transverse_sign_after": ()},
    params={
        "n": Param(default=2000, ge=2, doc="samples (≥ 2)"),
        "noise": Param(default=0.02, ge=0.0, doc="standard deviation of the label noise"),
        "a_values": Param(default=[0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0], doc="second-layer weights a of the family v = (1, a)"),
        "s_max": Param(default=0.1, gt=0.0, le=1.0, doc="largest continuation step"),
    },
    memory=lambda p: 8.0 * (4 * int(p["n"]) + 1e5),
    cost=1.5,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (SYMMETRIC_TOY,)
