"""Negative controls for Proposition 7.4 and Theorem 7.6(i): drop one hypothesis (v ≠ 0, Σ nonsingular,
α > 0) and the claimed conclusion must fail in every case. A control passes when it sees that failure."""

from __future__ import annotations

import numpy as np

from crosscheck.checks.base import CONTROL, FAIL, PASS, CheckContext, CheckResult, Recorder, register
from crosscheck.checks.cases import make_v, spd
from crosscheck.checks.kronecker import rounding_tol
from crosscheck.numerics import kronecker_hessian, numerical_rank


def _control_result(check_id: str, rec: Recorder, held: list[str], what: str, **fields) -> CheckResult:
    """A control passes when the claimed conclusion fails in every case without the hypothesis."""
    status = PASS if not held and not rec.failures else FAIL
    return rec.result(
        check_id,
        f"hypothesis needed: without it {what} in all {rec.cases} cases",
        f"conclusion still held in {len(held)} case(s) without the hypothesis"
        if held
        else f"{len(rec.failures)} case(s) where the numerics disagree with the known value",
        status=status,
        measured={"conclusion_held_in": held[:10]},
        **fields,
    )


@register(
    "hypothesis-v-nonzero-needed",
    title="negative control: v = 0 makes the kernel all of ℝ^{md}",
    role=CONTROL,
    defaults={"m_max": 6, "d_max": 4},
    quantities=("kernel_dim",),
    variables={"kernel_dim": ("m", "d")},
)
def control_v_zero(ctx: CheckContext) -> CheckResult:
    """With v = 0 the matrix is zero, so its kernel is md; the claim's ``kernel_dim`` must then be wrong
    in every case (d ≥ 1), showing the hypothesis v ≠ 0 is needed."""
    rec, held = Recorder(ctx), []
    for m in range(1, int(ctx.params["m_max"]) + 1):
        for d in range(1, int(ctx.params["d_max"]) + 1):
            r = numerical_rank(kronecker_hessian(np.zeros(m), spd(d, 10.0, ctx.rng(40_000, m, d))), hermitian=True)
            kern = m * d - r.rank
            rec.compare("kernel_dim_v0", f"m={m} d={d}", kern, m * d)
            if kern == ctx.expected("kernel_dim", m=m, d=d):
                held.append(f"m={m} d={d}")
            rec.cases += 1
    return _control_result("hypothesis-v-nonzero-needed", rec, held, "the kernel is md, not the claimed dimension")


@register(
    "hypothesis-sigma-nonsingular-needed",
    title="negative control: Σ of rank r < d gives kernel md − r",
    role=CONTROL,
    defaults={"m_max": 6, "d_max": 5},
    quantities=("kernel_dim",),
    variables={"kernel_dim": ("m", "d")},
)
def control_sigma_singular(ctx: CheckContext) -> CheckResult:
    """With v ≠ 0 and Σ of rank r < d, rank((vvᵀ)⊗Σ) = r, so the kernel is md − r ≠ (m−1)d; the
    claimed ``kernel_dim`` must fail in every case."""
    rec, held = Recorder(ctx), []
    for m in range(1, int(ctx.params["m_max"]) + 1):
        for d in range(2, int(ctx.params["d_max"]) + 1):
            for r_ in range(0, d):
                rng = ctx.rng(50_000, m, d, r_)
                res = numerical_rank(kronecker_hessian(make_v(m, "distinct", rng), spd(d, 10.0, rng, rank=r_)), hermitian=True)
                kern = m * d - res.rank
                rec.compare("kernel_dim_singular", f"m={m} d={d} r={r_}", kern, m * d - r_)
                if kern == ctx.expected("kernel_dim", m=m, d=d):
                    held.append(f"m={m} d={d} r={r_}")
                rec.cases += 1
    return _control_result("hypothesis-sigma-nonsingular-needed", rec, held, "the kernel is md − rank Σ")


@register(
    "hypothesis-alpha-positive-needed",
    title="negative control: α = 0 is not positive definite (m ≥ 2)",
    role=CONTROL,
    defaults={"m_max": 6, "d_max": 4},
)
def control_alpha_zero(ctx: CheckContext) -> CheckResult:
    """With α = 0 and m ≥ 2, ``(vvᵀ)⊗Σ`` has a kernel, so it is not positive definite: Cholesky must fail
    or λ_min be within rounding of 0."""
    rec, held = Recorder(ctx), []
    for m in range(2, int(ctx.params["m_max"]) + 1):
        for d in range(1, int(ctx.params["d_max"]) + 1):
            rng = ctx.rng(60_000, m, d)
            H = kronecker_hessian(make_v(m, "distinct", rng), spd(d, 10.0, rng))
            lam_min = float(np.linalg.eigvalsh(H)[0])
            posdef = lam_min > rounding_tol(m * d, float(np.linalg.norm(H, 2)))
            if posdef:
                held.append(f"m={m} d={d} λ_min={lam_min:.2e}")
            rec.cases += 1
    return _control_result("hypothesis-alpha-positive-needed", rec, held, "λ_min is 0 (not positive definite)")
