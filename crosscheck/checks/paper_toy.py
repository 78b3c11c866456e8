"""Check of the symmetric toy model (the S_m obstruction): d = 1, m = 2, α = 0, v = (1, a).

With α = 0 the λ = 0 minimum is a whole line ``v₁w₁ + v₂w₂ = c``; branches of critical points leave it at
the zeros of the Lyapunov–Schmidt selection function and are traced with the desingularised system of
:mod:`crosscheck.numerics.desingular` (exactly equivalent to ∇L = 0 for λ > 0).
"""

from __future__ import annotations

import math

import numpy as np

from crosscheck.checks.base import FAIL, INCONCLUSIVE, PASS, CheckContext, CheckResult, Plot, Recorder, Series, register
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.branch import first_sign_change, locate_degeneracy, smallest_eigs
from crosscheck.numerics.continuation import ContinuationOptions, continue_branch
from crosscheck.numerics.desingular import branch_start, desingularized_system, kernel_eigenvalue_slope, selection_roots
from crosscheck.numerics.homotopy import Homotopy, make_homotopy
from crosscheck.numerics.paper_data import toy_dataset

EPS = float(np.finfo(np.float64).eps)


def _trace(hp: Homotopy, w0: np.ndarray, mu: float, s_max: float):
    """Branch from the λ = 0 point w0; monitor τ = λ₁(H)/λ (μ at λ = 0, its limit), λ₁, λ₂."""

    def monitor(u, lam, _G):
        e = smallest_eigs(hm.hessian(hp, u, lam), 2)
        return (float(e[0] / lam) if lam > 0 else mu, float(e[0]), float(e[1]))

    opts = ContinuationOptions(s_max=s_max, lam_max=1.0, lam_min=-1e-3, tol=1e-11, stop_after_sign_change=3)
    return continue_branch(desingularized_system(hp), w0, 0.0, +1.0, opts, monitor)


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
            if i is None and br.lam[-1] < 1.0:
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


@register(
    "symmetric-toy",
    title="Symmetric toy model: the transverse eigenvalue along the symmetric branch, and the family v = (1, a)",
    defaults={"n": 2000, "noise": 0.02, "a_values": [0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0], "s_max": 0.1},
    quantities=("transverse_at_0", "transverse_sign_after"),
)
def symmetric_toy(ctx: CheckContext) -> CheckResult:
    """Data ``x ~ N(0,1)``, ``y = tanh(1.5x) + ε`` from ``ctx.rng(8)``. For v = (1, 1) the branch from the
    symmetric λ = 0 point (the minimum-norm one, w₁ = w₂) is traced; ``e = (1, −1)/√2`` is an exact eigenvector of
    H there (swap symmetry; residual reported) and its eigenvalue is compared with the claimed
    ``transverse_at_0`` at λ = 0 (tolerance + rounding floor 10·eps·‖H‖) and, by its sign on the traced
    points with λ ∈ (0, 1], with ``transverse_sign_after``. Family v = (1, a): every λ = 0 branch point on the
    flat line (zeros of the selection function, |s| ≤ 4), its kernel-eigenvalue slope μ, and for the
    minimum-type ones (μ > 0) the first zero of λ₁ on the continued branch (extended system)."""
    p = ctx.params
    seed_key = 8
    X, y = toy_dataset(ctx.rng(seed_key), int(p["n"]), float(p["noise"]))
    rec = Recorder(ctx)
    problems = []
    hp = make_homotopy(X, y, [1.0, 1.0], 0.0)
    w0, res0, ok0 = branch_start(hp)
    if not ok0:
        problems.append(f"λ = 0 branch point did not converge (‖G‖ = {res0:.1e})")
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
    inside = (br.lam > 0) & (br.lam <= 1.0)
    floor = 10 * EPS * float(np.abs(hm.hessian(hp, w0, 0.0)).sum())
    sign_after = float(np.sign(trans[inside].max())) if np.all(trans[inside] < 0) or np.all(trans[inside] > 0) else 0.0
    exp0 = ctx.expect["transverse_at_0"]
    rec.compare("transverse_at_0", "v = (1, 1), λ = 0", trans[0], ctx.expected("transverse_at_0"), exp0.rtol, exp0.atol + floor)
    rec.claim("transverse_sign_after", f"v = (1, 1), {int(inside.sum())} points with λ ∈ (0, 1]", sign_after)
    rec.cases += 2
    a_values = [0.5, 1.0] if ctx.quick_for("a_values") else [float(a) for a in p["a_values"]]
    family, star_by_a = {}, {}
    for a in a_values:
        ctx.progress(f"a = {a}")
        if a == 0.0:
            family[str(a)] = {"branches": [], "note": "v₂ = 0: w₂ never enters the loss, so λ₁ ≡ 0 for every λ (no isolated zero)"}
            star_by_a[str(a)] = None
            continue
        fam = _family_member(make_homotopy(X, y, [1.0, a], 0.0), float(p["s_max"]))
        family[str(a)] = fam
        mins = [b["lambda_star"] for b in fam["branches"] if b["mu"] > 0 and b["lambda_star"] is not None]
        star_by_a[str(a)] = min(mins) if mins else None
        for b in fam["branches"]:
            if b["note"].startswith("did not converge"):
                problems.append(f"a = {a}: {b['note']}")
    keep = br.lam <= 1.0
    plots = (
        Plot("toy-transverse", "Transverse eigenvalue on the symmetric branch, v = (1, 1)", "λ", "eᵀHe, e = (1, −1)/√2",
             series=(Series("eᵀHe", tuple(br.lam[keep].tolist()), tuple(trans[keep].tolist()), "line+markers"),
                     Series("first order λμ", (0.0, 1.0), (0.0, mu))), hlines=((0.0, "0"),)),
        Plot("toy-family", "First zero of λ₁ on the minimum-type branches, v = (1, a)", "a", "λ*",
             series=(Series("λ* (min over minimum-type branches)", tuple(float(a) for a in star_by_a if star_by_a[a] is not None),
                            tuple(v for v in star_by_a.values() if v is not None), "markers"),),
             caption="Values of a without a marker: no minimum-type branch reaches λ₁ = 0 in (0, 1]."),
    )
    measured = {
        "seed": ctx.seed, "rng_key": seed_key, "symmetric_start": w0.tolist(), "transverse_at_0": float(trans[0]),
        "transverse_sign_after": sign_after, "transverse_slope_mu": mu, "transverse_max_after": float(trans[inside].max()),
        "transverse_by_lambda": [[float(lam), float(v)] for lam, v in zip(br.lam[keep][::3], trans[keep][::3])],
        "eigenvector_residual_max": max(eig_res), "max_grad_norm": max(grads), "lambda_star_by_a": star_by_a, "family": family,
    }
    status = FAIL if rec.failures else (INCONCLUSIVE if problems else PASS)
    desc = f"transverse eigenvalue {trans[0]:.1e} at λ = 0, slope μ = {mu:.4g}, sign on (0, 1]: {sign_after:+.0f}; λ* by a: {star_by_a}"
    return rec.result("symmetric-toy", desc, "; ".join(problems) if status == INCONCLUSIVE else desc, status=status,
                      measured=measured, expected={k: v.value.text for k, v in ctx.expect.items()},
                      tolerance={"rounding_floor": floor}, plots=plots)
