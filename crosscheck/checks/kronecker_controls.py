"""Negative controls for Proposition 7.4 and Theorem 7.6(i): drop one hypothesis (v ≠ 0, Σ nonsingular,
α > 0) and the claimed conclusion must fail in every case. A control passes when it sees that failure
(``rec.refute``) and its own computation agrees with the value known without the hypothesis."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.checks.cases import make_v, spd
from crosscheck.numerics.tolerance import rounding_floor
from crosscheck.engine.api import CONTROL, CheckContext, Param, Recorder, check
from crosscheck.numerics import kronecker_hessian, numerical_rank


@dataclass(frozen=True)
class ControlCase:
    label: str
    m: int
    d: int
    measured: float  # kernel dimension, or λ_min
    known: float  # its value without the hypothesis
    tol: float = 0.0


def measure_v_zero(ctx: CheckContext) -> tuple[ControlCase, ...]:
    """With v = 0 the matrix is zero, so its kernel is md: numerical rank of ``0 ⊗ Σ`` per (m, d)."""
    out = []
    for m in range(1, int(ctx.params["m_max"]) + 1):
        for d in range(1, int(ctx.params["d_max"]) + 1):
            r = numerical_rank(kronecker_hessian(np.zeros(m), spd(d, 10.0, ctx.rng(40_000, m, d))), hermitian=True)
            out.append(ControlCase(f"m={m} d={d}", m, d, m * d - r.rank, m * d))
    return tuple(out)


def measure_sigma_singular(ctx: CheckContext) -> tuple[ControlCase, ...]:
    """With v ≠ 0 and Σ of rank r < d, rank((vvᵀ)⊗Σ) = r, so the kernel is md − r ≠ (m−1)d."""
    out = []
    for m in range(1, int(ctx.params["m_max"]) + 1):
        for d in range(2, int(ctx.params["d_max"]) + 1):
            for r_ in range(0, d):
                rng = ctx.rng(50_000, m, d, r_)
                res = numerical_rank(kronecker_hessian(make_v(m, "distinct", rng), spd(d, 10.0, rng, rank=r_)), hermitian=True)
                out.append(ControlCase(f"m={m} d={d} r={r_}", m, d, m * d - res.rank, m * d - r_))
    return tuple(out)


def judge_kernel_control(cases: tuple[ControlCase, ...], rec: Recorder) -> None:
    for c in cases:
        rec.case(c.label)
        rec.known("kernel_dim_without_hypothesis", c.measured, c.known, atol=0.0, why="exact integer")
        rec.refute("kernel_dim", c.measured, m=c.m, d=c.d)


def measure_alpha_zero(ctx: CheckContext) -> tuple[ControlCase, ...]:
    """With α = 0 and m ≥ 2, ``(vvᵀ)⊗Σ`` has a kernel: λ_min within the rounding floor of 0."""
    out = []
    for m in range(2, int(ctx.params["m_max"]) + 1):
        for d in range(1, int(ctx.params["d_max"]) + 1):
            rng = ctx.rng(60_000, m, d)
            H = kronecker_hessian(make_v(m, "distinct", rng), spd(d, 10.0, rng))
            out.append(ControlCase(f"m={m} d={d}", m, d, float(np.linalg.eigvalsh(H)[0]), 0.0, rounding_floor(m * d, float(np.linalg.norm(H, 2)))))
    return tuple(out)


def judge_alpha_zero(cases: tuple[ControlCase, ...], rec: Recorder) -> None:
    for c in cases:
        rec.case(c.label)
        rec.known("lambda_min_alpha0", c.measured, 0.0, atol=c.tol, why="10·md·eps·‖H‖₂: not positive definite")


_KERNEL = {"kernel_dim": ("m", "d")}

CHECKS = (
    check("hypothesis-v-nonzero-needed", title="negative control: v = 0 makes the kernel all of ℝ^{md}", role=CONTROL,
          measure=measure_v_zero, judge=judge_kernel_control, reads=_KERNEL,
          params={"m_max": Param(default=6, ge=1), "d_max": Param(default=4, ge=1)}),
    check("hypothesis-sigma-nonsingular-needed", title="negative control: Σ of rank r < d gives kernel md − r", role=CONTROL,
          measure=measure_sigma_singular, judge=judge_kernel_control, reads=_KERNEL,
          params={"m_max": Param(default=6, ge=1), "d_max": Param(default=5, ge=2)}),
    check("hypothesis-alpha-positive-needed", title="negative control: α = 0 is not positive definite (m ≥ 2)", role=CONTROL,
          measure=measure_alpha_zero, judge=judge_alpha_zero,
          params={"m_max": Param(default=6, ge=2), "d_max": Param(default=4, ge=1)}),
)
