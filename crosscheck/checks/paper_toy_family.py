"""Checks of Appendix B.1 and B.4: the symmetric toy's anti-diagonal potential, and the start of the toy
family v = (1, a) (the paper calls a "α"; it is not the regularisation, which is 0 here).

Data: the ledger's toy data (``x ~ N(0, 1)``, ``y = tanh(1.5x) + ε``, N = 2000, from ``ctx.rng(8)``, the
same draw as the symmetric-toy check), d = 1, m = 2, α = 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks._paper_common import GRAD_TOL
from crosscheck.checks.paper_toy import family_member
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.homotopy import make_homotopy
from crosscheck.numerics.paper_data import toy_dataset
from crosscheck.numerics.tolerance import EPS
from crosscheck.numerics.toy_potential import anti_diagonal, symmetric_point

TOY_RNG_KEY = 8  # the symmetric-toy check's data stream

# ---- toy-antidiagonal-potential (B.1) ----------------------------------------------------------------

POT_READS = {q: () for q in ("c3_max", "flat_at_0", "quartic_at_0", "double_well_deepens")}


@dataclass(frozen=True)
class Potential:
    rows: tuple[Any, ...]  # AntiDiagonal per λ (λ = 0 first)
    c3_floor: float
    flat_floor: float
    converged: bool
    worst_grad: float


def measure_potential(ctx: CheckContext) -> Potential:
    """On a grid of λ in [0, 1] (``lambdas`` points, λ = 0 included): the symmetric critical point (c, c)
    (‖∇L‖ ≤ 1e-10 required), ϕ(s; λ) along s = (w₁ − w₂)/2 on [−s_max, s_max], its exact coefficients c₂, c₃,
    c₄ and the depth of its well. Quantities: ``c3_max`` = max_λ |c₃| (claimed 0 to machine precision; the
    check adds the rounding floor 10·eps·max(mean|3Df·D²f| + mean|r·D³f|)/6); ``flat_at_0`` = max_s |ϕ(s; 0)|
    (floor 10·eps·L); ``quartic_at_0`` = 1 if ϕ(·; 0) is a non-zero multiple of s⁴ (|c₄(0)| above the floor
    and c₂(0) = c₃(0) = 0 within it), else 0; ``double_well_deepens`` = 1 if for every λ > 0 of the grid c₂ < 0,
    the well's minimum is at s ≠ 0 and its depth −min ϕ increases strictly with λ, else 0."""
    p = ctx.params
    X, y = toy_dataset(ctx.rng(TOY_RNG_KEY), int(p["n"]), float(p["noise"]))
    hp = make_homotopy(X, y, [1.0, 1.0], 0.0)
    k = 6 if ctx.quick_for("lambdas") else int(p["lambdas"])
    c = float(hm.linear_minimum(hp)[0])
    rows = []
    for lam in np.linspace(0.0, 1.0, k):
        c, gn = symmetric_point(hp, float(lam), c)
        rows.append(anti_diagonal(hp, float(lam), c, gn, float(p["s_max"])))
    L0 = hm.loss(hp, np.array([rows[0].c, rows[0].c]), 0.0)
    worst = max(r.grad_norm for r in rows)
    return Potential(tuple(rows), 10 * EPS * max(r.c3_scale for r in rows) / 6, 10 * EPS * max(L0, EPS), worst <= GRAD_TOL, worst)


def judge_potential(r: Potential, rec: Recorder) -> None:
    if not r.converged:
        rec.case("v = (1, 1)", applicable=False, why=f"a symmetric critical point did not converge (‖∇L‖ = {r.worst_grad:.1e} > 1e-10)")
        return
    rec.case(f"v = (1, 1), {len(r.rows)} values of λ in [0, 1]")
    r0 = r.rows[0]
    rec.claim("c3_max", max(abs(x.c3) for x in r.rows), floor=r.c3_floor, floor_why="10·eps·(mean|3Df·D²f| + mean|r·D³f|)/6")
    rec.claim("flat_at_0", r0.max_abs_phi, floor=r.flat_floor, floor_why="10·eps·L (rounding of a difference of losses)")
    quartic = abs(r0.c4) > 10 * r.flat_floor and abs(r0.c2) <= r.flat_floor and abs(r0.c3) <= r.c3_floor
    rec.claim("quartic_at_0", 1.0 if quartic else 0.0)
    after = r.rows[1:]
    wells = all(x.c2 < 0 and x.s_min > 0 and x.depth > 0 for x in after)
    deeper = all(b.depth > a.depth for a, b in zip(after, after[1:]))
    rec.claim("double_well_deepens", 1.0 if wells and deeper else 0.0)


def present_potential(r: Potential) -> Presentation:
    lam = tuple(x.lam for x in r.rows)
    r0 = r.rows[0]
    return Presentation(
        note=(f"at λ = 0, max|ϕ| = {r0.max_abs_phi:.1e} and c₂ = {r0.c2:.1e}, c₃ = {r0.c3:.1e}, c₄ = {r0.c4:.1e} (identically flat); "
              f"for λ > 0 the well depth grows from {r.rows[1].depth:.3g} to {r.rows[-1].depth:.3g}; max |c₃| = {max(abs(x.c3) for x in r.rows):.1e}"),
        measured={"by_lambda": [{"lambda": x.lam, "c": x.c, "grad_norm": x.grad_norm, "c2": x.c2, "c3": x.c3, "c4": x.c4, "depth": x.depth,
                                 "well_at_s": x.s_min, "max_abs_phi": x.max_abs_phi, "max_asymmetry": x.max_asymmetry} for x in r.rows]},
        tolerance={"c3_floor": r.c3_floor, "flat_floor": r.flat_floor},
        plots=(Plot(name="toy-well-depth", title="Depth of the anti-diagonal well, v = (1, 1)", xlabel="λ", ylabel="−min ϕ(s; λ)",
                    series=(Series("depth", lam, tuple(x.depth for x in r.rows), "line+markers", role="ours"),
                            Series("|c₃|", lam, tuple(abs(x.c3) for x in r.rows), "markers", role="ours"))),),
    )


TOY_DATA = {  # the ledger's toy data recipe (x ~ N(0, 1), y = tanh(1.5x) + noise), shared by both checks
    "n": Param(default=2000, ge=2, doc="samples (≥ 2)"),
    "noise": Param(default=0.02, ge=0.0, doc="standard deviation of the label noise"),
}

TOY_POTENTIAL = check(
    "toy-antidiagonal-potential",
    title="Symmetric toy: the potential along s = (w₁ − w₂)/2 (flatness at λ = 0, Z₂ symmetry, the double well)",
    measure=measure_potential, judge=judge_potential, present=present_potential,
    reads=POT_READS, optional=tuple(POT_READS),
    params={
        **TOY_DATA,
        "lambdas": Param(default=21, ge=3, doc="points of the λ grid on [0, 1]"),
        "s_max": Param(default=3.0, gt=0.0, doc="half-width of the s grid"),
    },
    memory=lambda p: 8.0 * (8 * int(p["n"]) + 1e5),
    cost=0.5,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- toy-family-start (B.4) ----------------------------------------------------------------------------

FAM_READS = {"sign_at_0": ("a",), "crossing_in_interior": ("a",)}


@dataclass(frozen=True)
class FamilyStart:
    rows: tuple[Mapping[str, Any], ...]


def measure_family(ctx: CheckContext) -> FamilyStart:
    """For each a of ``a_values`` (a > 0): the λ = 0 Hessian ``(vvᵀ)⊗Σ̂`` (the same at every point of the flat
    line, since the network is linear at λ = 0) and the sign of its smallest eigenvalue (0 when within the
    rounding floor 10·n·eps·‖H‖₂); the λ = 0 branch points of the flat line with their kernel-eigenvalue
    slopes μ, and for the minimum-type ones (μ > 0) the first zero of λ₁ on the continued branch (as in the
    symmetric-toy check). ``crossing_in_interior`` = 1 if some minimum-type branch reaches λ₁ = 0 at a
    λ* ∈ (0, 1), else 0."""
    p = ctx.params
    X, y = toy_dataset(ctx.rng(TOY_RNG_KEY), int(p["n"]), float(p["noise"]))
    a_values = [0.5, 1.0] if ctx.quick_for("a_values") else [float(a) for a in p["a_values"]]
    rows = []
    for a in a_values:
        ctx.progress(f"a = {a}")
        hp = make_homotopy(X, y, [1.0, a], 0.0)
        H0 = hm.hessian(hp, hm.linear_minimum(hp), 0.0)
        e = np.linalg.eigvalsh(H0)
        floor = 10 * hp.n * EPS * float(np.abs(e).max())
        fam = family_member(X, y, a, float(p["s_max"]))
        mins = [b for b in fam["branches"] if b["mu"] > 0]
        stars = [b["lambda_star"] for b in mins if b["lambda_star"] is not None]
        unconverged = [b["note"] for b in fam["branches"] if b["note"].startswith("did not converge")]
        rows.append({"a": a, "lambda1_at_0": float(e[0]), "floor": floor, "sign_at_0": 0.0 if abs(e[0]) <= floor else float(np.sign(e[0])),
                     "branches": fam["branches"], "minimum_type_stars": stars,
                     "crossing_in_interior": 1.0 if any(0 < s < 1 for s in stars) else 0.0, "unconverged": unconverged})
    return FamilyStart(tuple(rows))


def judge_family(r: FamilyStart, rec: Recorder) -> None:
    for row in r.rows:
        label = f"v = (1, {row['a']:g})"
        if row["unconverged"]:
            rec.case(label, applicable=False, why="; ".join(row["unconverged"]))
            continue
        rec.case(label)
        rec.claim("sign_at_0", row["sign_at_0"], a=row["a"])
        rec.claim("crossing_in_interior", row["crossing_in_interior"], a=row["a"])


def present_family(r: FamilyStart) -> Presentation:
    parts = []
    for row in r.rows:
        mus = ", ".join(f"{b['mu']:.3g}" for b in row["branches"])
        st = ", ".join(f"{s:.4g}" for s in row["minimum_type_stars"]) or "none"
        parts.append(f"a = {row['a']:g}: λ₁(0) = {row['lambda1_at_0']:.1e}, slopes μ = {mus}, interior zeros on minimum-type branches: {st}")
    return Presentation(
        note="; ".join(parts),
        measured={"by_a": [dict(row) for row in r.rows]},
        tolerance={"zero": "|λ₁(0)| ≤ 10·n·eps·‖H‖₂ counts as zero"},
        plots=(Plot(name="toy-family-start", title="Smallest λ = 0 eigenvalue and the slopes μ of the kernel eigenvalue, v = (1, a)",
                    xlabel="a", ylabel="value",
                    series=(Series("λ₁ at λ = 0", tuple(row["a"] for row in r.rows), tuple(row["lambda1_at_0"] for row in r.rows), "markers", role="ours"),
                            Series("largest μ (minimum-type branch)", tuple(row["a"] for row in r.rows),
                                   tuple(max([b["mu"] for b in row["branches"]], default=0.0) for row in r.rows), "markers", role="ours"))),),
    )


TOY_FAMILY = check(
    "toy-family-start",
    title="Toy family v = (1, a): the eigenvalue at λ = 0 and where the minimum-type branches degenerate",
    measure=measure_family, judge=judge_family, present=present_family,
    reads=FAM_READS, optional=tuple(FAM_READS),
    params={
        **TOY_DATA,
        "a_values": Param(default=[0.1, 0.3, 0.5, 0.7, 0.9, 1.0], gt=0.0, min_len=1, doc="second-layer weights a > 0 of v = (1, a)"),
        "s_max": Param(default=0.1, gt=0.0, le=1.0, doc="largest continuation step"),
    },
    memory=lambda p: 8.0 * (4 * int(p["n"]) + 1e5),
    cost=0.3,  # alone 1.3 s; in a run it mostly reads the members symmetric-toy traced (so it is scheduled after it)
)

CHECKS = (TOY_POTENTIAL, TOY_FAMILY)
