"""Check of Theorem 7.15 / Remark 7.17: the degeneracy analysis of the main experiment repeated with another
activation, and its type and |g_aa/g_aaa| compared with tanh.

For each α of ``alphas`` (one case each) the branch of ``L_α(W, λ)`` with activation σ (``activation``:
tanh, or the normalised softplus σ(z) = 2(log(1 + eᶻ) − log 2) with σ(0) = 0, σ'(0) = 1, σ''(0) = ½) is traced
from the λ = 0 minimum (‖∇L‖ ≤ 1e-10 at every point), its first zero of λ₁ in (0, 1] solved for by the
extended system and classified (fold / transcritical / pitchfork, with the branch's turning in λ as a
second test), and ``g_aa = D³L[φ³]``, ``g_aaa = D⁴L[φ⁴]`` computed (witnessed by finite differences).
A case without a zero of λ₁ in (0, 1] is not applicable: the remark speaks of a degeneracy.

Quantities: ``kind_code`` (0 fold, 1 transcritical, 2 pitchfork) and ``small_ratio`` (1 when
|g_aa/g_aaa| < 0.1, our reading of "≪ 1"; 0 when it is O(1)). The other activation is analysed at the same
α for comparison (shown, not compared).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.activation import activation as get_activation
from crosscheck.numerics.branch import first_sign_change, locate_degeneracy, trace_homotopy
from crosscheck.numerics.continuation import ContinuationOptions
from crosscheck.numerics.degenerate import cluster_derivative, reduced_coefficients
from crosscheck.numerics.homotopy import make_homotopy
from crosscheck.numerics.paper_data import PAPER_D, paper_dataset, paper_v

ACTIVATIONS = ("tanh", "softplus")
KIND_CODES = {"fold": 0, "transcritical": 1, "pitchfork": 2}
SMALL = 0.1  # "|g_aa/g_aaa| ≪ 1" read as below one tenth
READS = {"kind_code": ("m", "alpha"), "small_ratio": ("m", "alpha")}


@functools.lru_cache(maxsize=None)
def analyse(m: int, alpha: float, act: str, smax: float) -> Mapping[str, Any]:
    """The degeneracy analysis of the module docstring for one (m, α, σ), as a read-only mapping of plain data
    (picklable); the branch is traced with the ledger's step control (first step ``S0``, as :func:`pc.traced`)."""
    X, y = paper_dataset()
    hp = make_homotopy(X, y, paper_v(m), alpha, act)
    a = get_activation(act)
    out: dict[str, Any] = {"activation": act, "sigma2_at_0": float(a.d2f(np.zeros(1))[0]), "alpha": alpha, "m": m}
    with single_blas_thread():
        out["lambda1_prime_0"] = float(cluster_derivative(hp).lambda1_prime)
        br = trace_homotopy(hp, 1.0, ContinuationOptions(s0=min(pc.S0, smax), s_max=smax), stop_after_sign_change=pc.AFTER_ZERO)
        i = first_sign_change(br, 0.0)
        stop = i + 1 if i is not None else len(br.lam)
        out["max_grad_norm"] = float(br.residual[: stop + 1].max())
        out["branch"] = (tuple(br.lam.tolist()), tuple(br.monitor[:, 0].tolist()))
        if i is None:
            best = pc.min_lambda1(hp, br)  # refined as for pc.traced
            out.update({"degenerate": False, "complete": bool(br.lam[-1] >= 1.0), "status": br.status,
                        "min_lambda1": best[0], "min_lambda1_at": best[1]})
            return pc.ReadOnlyDict(pc.freeze(out))
        dg = locate_degeneracy(hp, br, i)
        out.update({"degenerate": True, "complete": True, "status": br.status, "converged_point": bool(dg.point.converged),
                    "lambda_star": float(dg.point.lam), "grad_norm_at_star": float(dg.point.residual_F),
                    "turns_back": bool(dg.turns_back)})
        if not dg.point.converged or dg.classification is None:
            return pc.ReadOnlyDict(pc.freeze(out))
        c = dg.classification
        rc = reduced_coefficients(hp, dg.point.u, dg.point.lam, dg.point.phi)
    kind = c.kind if (c.kind == "fold") == dg.turns_back else "undetermined"
    out.update({"kind": kind, "phi_dot_grad_lam_relative": c.psi_F_lam_rel, "g_aa": rc.g_aa, "g_aaa": rc.g_aaa,
                "abs_ratio": abs(rc.g_aa / rc.g_aaa), "g_aa_fd": rc.g_aa_fd, "g_aaa_fd": rc.g_aaa_fd})
    return pc.ReadOnlyDict(pc.freeze(out))


@dataclass(frozen=True)
class ActivationDegeneracy:
    m: int
    activation: str
    rows: tuple[Mapping[str, Any], ...]  # the chosen activation, one per α
    reference: tuple[Mapping[str, Any], ...]  # the other activation at the same α
    witness_rtol: float


def measure_activation(ctx: CheckContext) -> ActivationDegeneracy:
    p = ctx.params
    m, act = int(p["m"]), str(p["activation"])
    other = next(a for a in ACTIVATIONS if a != act)
    alphas = [float(a) for a in p["alphas"]]
    rows = tuple(analyse(m, a, act, pc.s_max(ctx)) for a in alphas)
    ref = tuple(analyse(m, a, other, pc.s_max(ctx)) for a in alphas)
    return ActivationDegeneracy(m, act, rows, ref, float(p["witness_rtol"]))


def _why_not(row: Mapping[str, Any]) -> str:
    if not row["complete"]:
        return f"the trace stopped before λ = 1 ({row['status']})"
    if row["max_grad_norm"] > pc.GRAD_TOL:
        return f"‖∇L‖ = {row['max_grad_norm']:.1e} > 1e-10 at a branch point"
    if not row["degenerate"]:
        return f"λ₁ has no zero on the branch in (0, 1] (its minimum is {row['min_lambda1']:.3g} at λ = {row['min_lambda1_at']:.3f}), so there is no degeneracy to classify"
    if not row["converged_point"] or "kind" not in row:
        return "the extended system did not converge"
    if not 0.0 < row["lambda_star"] <= 1.0:
        return f"λ₁ reaches zero at λ = {row['lambda_star']:.4g}, outside (0, 1]"
    return ""


def judge_activation(r: ActivationDegeneracy, rec: Recorder) -> None:
    for row in r.rows:
        label = f"{r.activation}, m={r.m}, α={row['alpha']:g}"
        why = _why_not(row)
        if why:
            rec.case(label, applicable=False, why=why)
            continue
        rec.case(label + f", λ* = {row['lambda_star']:.5f}")
        for name in ("g_aa", "g_aaa"):
            if not abs(row[name + "_fd"] - row[name]) <= r.witness_rtol * abs(row[name]):
                rec.inconclusive(f"{label}: finite-difference witness of {name} {row[name + '_fd']:.6g} disagrees with {row[name]:.6g}")
        v = {"m": r.m, "alpha": row["alpha"]}
        if row["kind"] == "undetermined":
            rec.not_compared("kind_code", "the type tests disagree (φᵀ∂_λ∇L against the branch's turning in λ)")
        else:
            rec.claim("kind_code", KIND_CODES[row["kind"]], **v)
        rec.claim("small_ratio", 1.0 if row["abs_ratio"] < SMALL else 0.0, **v)


def _row_text(row: Mapping[str, Any]) -> str:
    if row.get("kind"):
        return f"{row['activation']} at α = {row['alpha']:g}: {row['kind']} at λ* = {row['lambda_star']:.4f}, |g_aa/g_aaa| = {row['abs_ratio']:.3g}"
    if not row["degenerate"]:
        return f"{row['activation']} at α = {row['alpha']:g}: no zero of λ₁ in (0, 1] (min λ₁ = {row['min_lambda1']:.3g})"
    return f"{row['activation']} at α = {row['alpha']:g}: undetermined"


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "branch"}


def present_activation(r: ActivationDegeneracy) -> Presentation:
    series = []
    for row in (*r.rows, *r.reference):
        lam, l1 = row["branch"]
        series.append(Series(f"λ₁, {row['activation']}, α = {row['alpha']:g}", lam, l1, "line", role="ours" if row["activation"] == r.activation else ""))
    return Presentation(
        note="; ".join(_row_text(row) for row in (*r.rows, *r.reference)),
        measured={"activation": r.activation, "cases": [_plain(x) for x in r.rows], "comparison": [_plain(x) for x in r.reference],
                  "small_ratio_threshold": SMALL},
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every branch point and at λ*", "fold_test": "|φᵀ∂_λ∇L| > 1e-6·max(‖∂_λ∇L‖, ‖H‖₂) and the branch turns back in λ"},
        plots=(Plot(name="activation-branches", title=f"λ₁ along the branch, tanh and softplus (m = {r.m})", xlabel="λ", ylabel="λ₁",
                    series=tuple(series), hlines=((0.0, "0"),)),),
    )


ACTIVATION_DEGENERACY = check(
    "activation-degeneracy",
    title="The degeneracy of the branch for another activation: type and |g_aa/g_aaa|, against tanh",
    measure=measure_activation, judge=judge_activation, present=present_activation,
    reads=READS, optional=tuple(READS),
    params={
        "m": Param(default=10, ge=2, doc="width m"),
        "activation": Param(default="softplus", choices=ACTIVATIONS, doc="the activation analysed (the other one is shown for comparison)"),
        "alphas": Param(default=[4e-3, 2e-3], gt=0.0, min_len=1, doc="regularisations α > 0, one case each"),
        "witness_rtol": Param(default=1e-4, gt=0.0, lt=1.0, doc="relative agreement required of the finite-difference witnesses"),
    },
    memory=lambda p: 2 * pc.memory_for_width(int(p["m"])) + 8.0 * 4 * (int(p["m"]) * PAPER_D) ** 2,
    cost=0.3,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (ACTIVATION_DEGENERACY,)
