"""Checks of Proposition 7.4 (bilinear flatness) and Theorem 7.6(i) (regularised Hessian).

Conventions: ``H₀ = (v vᵀ) ⊗ Σ`` with row-major vec(W) (index (j, k) ↦ j·d + k), ``H₀,α = H₀ + α I``.
Each check measures an independent computation on the explicit matrix over a seeded grid, and the judge
compares it with the claim's quantities (ledger expressions in ``m``, ``d``, ``alpha``, …) under the
ledger's tolerance plus the stated rounding floor ``10·n·eps·‖A‖₂`` of a backward-stable eigensolver.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
from crosscheck.numerics._lazy import scipy_linalg

from crosscheck.checks.cases import Case, grid, make_v, spd
from crosscheck.engine.api import CheckContext, Param, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics import eigen_cluster, exact_rank, kronecker_hessian, numerical_rank
from crosscheck.numerics.fd import fd_hessian
from crosscheck.numerics.tolerance import EPS, rounding_floor as rounding_tol
from crosscheck.numerics.hessian import empirical_covariance, loss_hessian, make_problem, problem_loss

GRID: dict[str, Param] = {
    "m_max": Param(default=12, ge=1, doc="widths 1…m_max"),
    "d_max": Param(default=8, ge=1, doc="input dimensions 1…d_max"),
    "conds": Param(default=[1.0, 1e3, 1e6], ge=1.0, min_len=1, doc="condition numbers of Σ"),
}
ALPHAS = Param(default=[1e-3, 1e-1, 1.0], gt=0.0, min_len=1, doc="regularisation strengths α > 0")
GAP_MAX = Param(default=1e-6, gt=0.0, lt=1.0, doc="largest accepted spectral-gap ratio (certificate)")


DECIDABLE_MARGIN = 1e3  # a rank / cluster decision needs cond(Σ)·n·eps ≤ 1/1000: the smallest non-zero
# eigenvalue, ‖H‖/cond(Σ), must stand far above the rounding floor n·eps·‖H‖ that decides "zero"


def undecidable(cond: float, n: int) -> str:
    """Why a rank or α-cluster decision on an n×n matrix (v vᵀ)⊗Σ with this cond(Σ) cannot be made in
    float64 (its smallest non-zero eigenvalue is within 1000× of the rounding floor), or ""."""
    if cond * n * EPS * DECIDABLE_MARGIN > 1.0:
        return f"Σ is numerically singular at this size: cond(Σ)·md·eps = {cond * n * EPS:.1e} > 1e-3"
    return ""


def _grid_memory(p: Mapping[str, Any]) -> float:
    """Bytes: the largest md×md dense matrix, a few copies (matrix, factor, eigensolver workspace)."""
    n = int(p["m_max"]) * int(p["d_max"])
    return 6.0 * 8.0 * n * n


def _grid(ctx: CheckContext) -> list[Case]:
    p = ctx.params
    ms = list(range(1, int(p["m_max"]) + 1))
    ds = list(range(1, int(p["d_max"]) + 1))
    if ctx.quick_for("m_max", "d_max"):
        ms, ds = sorted(set(ms[::3] + ms[-1:])), sorted(set(ds[::3] + ds[-1:]))
    return list(grid(ms, ds, list(p["conds"]), lambda i: ctx.rng(i)))


def _progress(ctx: CheckContext, i: int, n: int) -> None:
    if i == n or i % max(1, n // 4) == 0:
        ctx.progress(f"{i}/{n} cases")


# ---- kronecker-kernel-dim ---------------------------------------------------------------------------


@dataclass(frozen=True)
class KernelCase:
    label: str
    m: int
    d: int
    kernel_dim: int
    gap: float
    exact: bool
    cond: float = 1.0


@dataclass(frozen=True)
class KernelDims:
    cases: tuple[KernelCase, ...]
    gap_max: float


def _small_integer_instances(ctx: CheckContext, count: int):
    """Integer v ≠ 0 and Σ = B Bᵀ with integer B of exact full rank, m ≤ min(4, m_max), d ≤ min(3, d_max):
    decided with no rounding at all."""
    rng = ctx.rng(10_000)
    m_hi, d_hi = min(4, int(ctx.params["m_max"])), min(3, int(ctx.params["d_max"]))
    out = []
    while len(out) < count:
        m, d = int(rng.integers(1, m_hi + 1)), int(rng.integers(1, d_hi + 1))
        v = rng.integers(-3, 4, m)
        if not v.any():
            continue
        B = rng.integers(-3, 4, (d, d))
        if exact_rank(B) < d:
            continue
        out.append((m, d, v, B @ B.T))
    return out


def measure_kernel_dim(ctx: CheckContext) -> KernelDims:
    """Numerical rank of the explicit md×md matrix ``(vvᵀ)⊗Σ`` from ``|eigvalsh|`` with the rule
    ``s <= md·eps·s_max`` and the gap certificate ``s_zero_max / s_nonzero_min <= gap_max``; kernel
    dimension = md − rank (the rank itself is compared too, if the claim states it). Small integer instances are also decided by fraction-exact Gaussian
    elimination, with no floating point."""
    out: list[KernelCase] = []
    cases = _grid(ctx)
    for i, c in enumerate(cases, 1):
        r = numerical_rank(kronecker_hessian(c.v, c.sigma), hermitian=True)
        out.append(KernelCase(c.label, c.m, c.d, c.m * c.d - r.rank, float(r.gap), False, c.cond))
        _progress(ctx, i, len(cases))
    for m, d, v, S in _small_integer_instances(ctx, int(ctx.params["exact_cases"])):
        K = np.kron(np.outer(v, v), S).astype(np.int64)
        out.append(KernelCase(f"exact m={m} d={d} v={v.tolist()}", m, d, m * d - exact_rank(K), 0.0, True))
    return KernelDims(tuple(out), float(ctx.params["gap_max"]))


def judge_kernel_dim(r: KernelDims, rec: Recorder) -> None:
    for c in r.cases:
        uncertified = (undecidable(c.cond, c.m * c.d) if not c.exact else "") or (
            f"rank split not certified (gap {c.gap:.1e} > {r.gap_max:.0e})" if c.gap > r.gap_max else "")
        rec.case(c.label, undecided=uncertified)
        if uncertified:
            continue
        rec.claim("kernel_dim", c.kernel_dim, m=c.m, d=c.d)
        rec.claim("rank", c.m * c.d - c.kernel_dim, m=c.m, d=c.d)


def present_kernel_dim(r: KernelDims) -> Presentation:
    grid_cases = [c for c in r.cases if not c.exact]
    exact = [c for c in r.cases if c.exact]
    worst_gap = max((c.gap for c in grid_cases), default=0.0)
    pts = [(c.m, c.d, c.kernel_dim) for c in grid_cases]
    lim = max([k for *_, k in pts] + [1])
    plot = Plot(
        name="kernel-dim-grid",
        title="Kernel dimension of (vvᵀ)⊗Σ against (m − 1)·d",
        xlabel="(m − 1)·d",
        ylabel="measured dim ker",
        series=(
            Series("y = x", (0.0, float(lim)), (0.0, float(lim)), "line"),
            Series(f"{len(grid_cases)} grid cases", tuple(float((m - 1) * d) for m, d, _ in pts), tuple(float(k) for *_, k in pts), "markers"),
        ),
        caption="Points on the diagonal: the kernel has dimension (m − 1)·d.",
    )
    return Presentation(
        note=f"{len(exact)} small integer instances decided exactly in rationals; worst rank-gap certificate {worst_gap:.1e}",
        measured={"worst_gap": worst_gap, "exact_instances": len(exact)},
        tolerance={"rank rule": "s ≤ md·eps·s_max", "gap_max": r.gap_max, "why": "LAPACK's rank convention; the gap certifies the split"},
        certificates={"worst_gap": worst_gap, "exact_cases": len(exact)},
        plots=(plot,),
    )


KERNEL_DIM = check(
    "kronecker-kernel-dim",
    title="dim ker((vvᵀ)⊗Σ) over a grid, numerically with a gap certificate and exactly in rationals",
    measure=measure_kernel_dim, judge=judge_kernel_dim, present=present_kernel_dim,
    reads={"kernel_dim": ("m", "d"), "rank": ("m", "d")},
    optional=("rank",),
    params={**GRID, "gap_max": GAP_MAX, "exact_cases": Param(default=12, ge=0, doc="instances decided in exact arithmetic")},
    memory=_grid_memory,
)


# ---- kronecker-nonzero-spectrum ---------------------------------------------------------------------


@dataclass(frozen=True)
class SpectrumCase:
    label: str
    m: int
    d: int
    vnorm2: float
    lam: tuple[float, ...]  # the d largest eigenvalues of H₀, descending
    sigma: tuple[float, ...]  # eigenvalues of Σ, descending
    floor: float


def measure_nonzero_spectrum(ctx: CheckContext) -> tuple[SpectrumCase, ...]:
    """The d largest eigenvalues of the explicit ``(vvᵀ)⊗Σ`` (``eigvalsh``) and the eigenvalues of Σ,
    both sorted descending; floor ``10·md·eps·‖H‖₂ + 10·d·eps·‖Σ‖₂·‖v‖²`` (both eigensolves)."""
    out = []
    cases = _grid(ctx)
    for i, c in enumerate(cases, 1):
        lam = np.linalg.eigvalsh(kronecker_hessian(c.v, c.sigma))[::-1]
        sig = np.linalg.eigvalsh(c.sigma)[::-1]
        vn2 = float(c.v @ c.v)
        floor = rounding_tol(c.m * c.d, float(abs(lam).max())) + vn2 * rounding_tol(c.d, float(abs(sig).max()))
        out.append(SpectrumCase(c.label, c.m, c.d, vn2, tuple(map(float, lam[: c.d])), tuple(map(float, sig)), floor))
        _progress(ctx, i, len(cases))
    return tuple(out)


def judge_nonzero_spectrum(cases: tuple[SpectrumCase, ...], rec: Recorder) -> None:
    for c in cases:
        rec.case(c.label)
        for k in range(c.d):
            rec.claim("nonzero_eigenvalue", c.lam[k], case=f"k={k}", floor=c.floor, floor_why="10·n·eps·‖A‖₂ of both eigensolves",
                      vnorm2=c.vnorm2, sigma_k=c.sigma[k], m=c.m, d=c.d, k=k)


NONZERO_SPECTRUM = check(
    "kronecker-nonzero-spectrum",
    title="non-zero eigenvalues of (vvᵀ)⊗Σ against the claimed formula",
    measure=measure_nonzero_spectrum, judge=judge_nonzero_spectrum,
    present=lambda cases: Presentation(tolerance={"floor": "10·md·eps·‖H‖₂ + 10·d·eps·‖Σ‖₂·‖v‖²", "why": "eigvalsh is backward stable"}),
    reads={"nonzero_eigenvalue": ("vnorm2", "sigma_k", "m", "d", "k")},
    params=dict(GRID),
    memory=_grid_memory,
)


# ---- empirical-hessian-is-kronecker -----------------------------------------------------------------


@dataclass(frozen=True)
class HessianErrors:
    cases: tuple[tuple[int, int, float, float], ...]  # (m, d, analytic rel. error, FD rel. error)
    rtol_analytic: float
    rtol_fd: float


def measure_empirical_hessian(ctx: CheckContext) -> HessianErrors:
    """For sampled data X (N×d, rows with covariance Σ of condition up to 1e3) and y, random W, the
    relative max-norm distance of ``loss_hessian(X, y, v, W, λ=0)`` and of a central finite-difference
    Hessian of the loss values from ``(vvᵀ)⊗Σ̂``, ``Σ̂ = XᵀX/N``. Row-major vec(W): (j,k) ↦ j·d+k."""
    p = ctx.params
    out = []
    i = 0
    for m in range(1, int(p["m_max"]) + 1):
        for d in range(1, int(p["d_max"]) + 1):
            rng = ctx.rng(20_000, i)
            i += 1
            v = make_v(m, "distinct", rng)
            X = rng.standard_normal((int(p["N"]), d)) @ np.linalg.cholesky(spd(d, 1e3, rng)).T
            y = rng.standard_normal(int(p["N"]))
            W = rng.standard_normal((m, d))
            K = kronecker_hessian(v, empirical_covariance(X))
            scale = float(np.abs(K).max())
            H = loss_hessian(X, y, v, W)
            prob = make_problem(X, y, v)
            Hfd = fd_hessian(lambda w: problem_loss(prob, w.reshape(m, d)), W.ravel(), float(p["h"]))
            out.append((m, d, float(np.abs(H - K).max() / scale), float(np.abs(Hfd - K).max() / scale)))
    return HessianErrors(tuple(out), float(p["rtol_analytic"]), float(p["rtol_fd"]))


def judge_empirical_hessian(r: HessianErrors, rec: Recorder) -> None:
    for m, d, e_an, e_fd in r.cases:
        rec.case(f"m={m} d={d}")
        rec.known("analytic_rel_error", e_an, 0.0, atol=r.rtol_analytic, why="rounding only")
        rec.known("fd_rel_error", e_fd, 0.0, atol=r.rtol_fd, why="central differences are exact for a quadratic; rounding ≈ eps·|L|/h²")


EMPIRICAL_HESSIAN = check(
    "empirical-hessian-is-kronecker",
    title="Hessian of the actual loss L(W,0), analytic and by finite differences, equals (vvᵀ)⊗Σ̂",
    measure=measure_empirical_hessian, judge=judge_empirical_hessian,
    present=lambda r: Presentation(
        measured={"worst_analytic_rel_error": max((c[2] for c in r.cases), default=0.0), "worst_fd_rel_error": max((c[3] for c in r.cases), default=0.0)},
        tolerance={"analytic": r.rtol_analytic, "fd": r.rtol_fd, "why": "analytic: rounding only; FD: exact for a quadratic, rounding ≈ eps·|L|/h²"},
    ),
    params={
        "m_max": Param(default=5, ge=1), "d_max": Param(default=4, ge=1), "N": Param(default=200, ge=1, doc="samples"),
        "rtol_analytic": Param(default=1e-12, gt=0.0, lt=1.0), "rtol_fd": Param(default=1e-6, gt=0.0, lt=1.0), "h": Param(default=1e-3, gt=0.0, lt=1.0),
    },
    memory=lambda p: 8.0 * (6 * (int(p["m_max"]) * int(p["d_max"])) ** 2 + 2 * int(p["N"]) * int(p["d_max"])),
)


# ---- regularized-posdef -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PosdefCase:
    label: str
    m: int
    d: int
    alpha: float
    cholesky_ok: bool
    lambda_min: float
    alpha_count: int  # eigenvalues within the rounding floor of α
    gap: float
    floor: float
    cond: float = 1.0


def _alpha_cases(ctx: CheckContext) -> list[tuple[Case, float, np.ndarray, float]]:
    """Every (case, α) with the eigenvalues of H₀,α (ascending) and the rounding floor."""
    out = []
    cases = _grid(ctx)
    for i, c in enumerate(cases, 1):
        K = kronecker_hessian(c.v, c.sigma)
        for a in map(float, ctx.params["alphas"]):
            lam = np.linalg.eigvalsh(K + a * np.eye(K.shape[0]))
            out.append((c, a, lam, rounding_tol(c.m * c.d, float(abs(lam).max()))))
        _progress(ctx, i, len(cases))
    return out


def measure_posdef(ctx: CheckContext) -> tuple[tuple[PosdefCase, ...], float]:
    """Cholesky factorisation of ``H₀,α`` for each case and α (success ⇔ positive definite in floating
    point), ``λ_min(H₀,α)`` and the number of eigenvalues within the rounding floor of α (with the
    cluster's gap certificate)."""
    out = []
    for c, a, lam, floor in _alpha_cases(ctx):
        H = kronecker_hessian(c.v, c.sigma) + a * np.eye(c.m * c.d)
        try:
            scipy_linalg.cholesky(H, lower=True, check_finite=False)
            ok = True
        except np.linalg.LinAlgError:
            ok = False
        cl = eigen_cluster(lam, a, floor)
        out.append(PosdefCase(f"{c.label} alpha={a:g}", c.m, c.d, a, ok, float(lam[0]), cl.count, float(cl.gap), floor, c.cond))
    return tuple(out), float(ctx.params["gap_max"])


def judge_posdef(r: tuple[tuple[PosdefCase, ...], float], rec: Recorder) -> None:
    """λ_min is compared wherever the theorem makes α the smallest eigenvalue: m ≥ 2 (for m = 1 the
    α-eigenspace is empty, a structural fact, and λ_min = ‖v‖²λ_min(Σ) + α). The α-multiplicity is
    compared in every case. Positive definiteness is the check's own test (Cholesky)."""
    cases, gap_max = r
    for c in cases:
        why = undecidable(c.cond, c.m * c.d) or (f"α-cluster not certified (gap {c.gap:.1e} > {gap_max:.0e})" if c.gap > gap_max else "")
        rec.case(c.label, undecided=why)
        if why:
            continue
        rec.known("cholesky_failed", 0.0 if c.cholesky_ok else 1.0, 0.0, atol=0.0, why="positive definite ⇔ Cholesky succeeds")
        rec.claim("alpha_multiplicity", c.alpha_count, m=c.m, d=c.d, alpha=c.alpha)
        if c.m >= 2:
            rec.claim("lambda_min", c.lambda_min, floor=c.floor, floor_why="10·md·eps·‖H‖₂", alpha=c.alpha, m=c.m, d=c.d)
        else:
            rec.not_compared("lambda_min", "only m = 1 cases (no α-eigenspace)")


POSDEF = check(
    "regularized-posdef",
    title="(vvᵀ)⊗Σ + αI is positive definite (Cholesky), λ_min and the α-multiplicity as claimed",
    measure=measure_posdef, judge=judge_posdef,
    present=lambda r: Presentation(
        note=f"Cholesky succeeded in {sum(c.cholesky_ok for c in r[0])} of {len(r[0])} cases",
        tolerance={"floor": "10·md·eps·‖H‖₂", "why": "eigvalsh is backward stable"},
    ),
    reads={"lambda_min": ("alpha", "m", "d"), "alpha_multiplicity": ("m", "d", "alpha")},
    params={**GRID, "alphas": ALPHAS, "gap_max": GAP_MAX},
    memory=_grid_memory,
    cost=0.4,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- regularized-alpha-multiplicity -----------------------------------------------------------------


@dataclass(frozen=True)
class MultiplicityCase:
    label: str
    m: int
    d: int
    alpha: float
    count: int
    gap: float
    floor: float
    vnorm2: float
    rest: tuple[float, ...]  # eigenvalues outside the α-cluster, descending (at most d)
    sigma: tuple[float, ...]
    cond: float = 1.0


@dataclass(frozen=True)
class Multiplicity:
    cases: tuple[MultiplicityCase, ...]
    gap_max: float
    spectrum: tuple[int, int, float, float, tuple[float, ...], float]  # m, d, α, cond, eigenvalues, floor


def measure_multiplicity(ctx: CheckContext) -> Multiplicity:
    """Counts eigenvalues of ``H₀,α`` within ``10·md·eps·‖H‖₂`` of α (``eigen_cluster``), with the
    certificate ``max dist inside / min dist outside``; the remaining eigenvalues (descending) and those
    of Σ; plus one spectrum for the figure."""
    out = []
    for c, a, lam, floor in _alpha_cases(ctx):
        cl = eigen_cluster(lam, a, floor)
        rest = np.sort(lam[np.abs(lam - a) > floor])[::-1]
        sig = np.linalg.eigvalsh(c.sigma)[::-1]
        out.append(MultiplicityCase(f"{c.label} alpha={a:g}", c.m, c.d, a, cl.count, float(cl.gap), floor, float(c.v @ c.v),
                                    tuple(map(float, rest[: c.d])), tuple(map(float, sig)), c.cond))
    p = ctx.params
    rng = ctx.rng(30_000)
    m, d, a, cond = int(p["spectrum_m"]), int(p["spectrum_d"]), float(p["spectrum_alpha"]), float(p["spectrum_cond"])
    lam = np.linalg.eigvalsh(kronecker_hessian(make_v(m, "distinct", rng), spd(d, cond, rng)) + a * np.eye(m * d))
    spec = (m, d, a, cond, tuple(map(float, lam)), rounding_tol(m * d, float(abs(lam).max())))
    return Multiplicity(tuple(out), float(p["gap_max"]), spec)


def judge_multiplicity(r: Multiplicity, rec: Recorder) -> None:
    for c in r.cases:
        why = undecidable(c.cond, c.m * c.d) or (f"α-cluster not certified (gap {c.gap:.1e} > {r.gap_max:.0e})" if c.gap > r.gap_max else "")
        rec.case(c.label, undecided=why)
        if why:
            continue
        rec.claim("alpha_multiplicity", c.count, m=c.m, d=c.d, alpha=c.alpha)
        for k, lam in enumerate(c.rest):
            rec.claim("other_eigenvalue", lam, case=f"k={k}", floor=c.floor + c.vnorm2 * rounding_tol(c.d, max(c.sigma)),
                      floor_why="10·n·eps·‖A‖₂ of both eigensolves", vnorm2=c.vnorm2, sigma_k=c.sigma[k], alpha=c.alpha, m=c.m, d=c.d, k=k)


def present_multiplicity(r: Multiplicity) -> Presentation:
    m, d, a, cond, lam_t, tol = r.spectrum
    lam = np.asarray(lam_t)
    inside = np.abs(lam - a) <= tol
    idx = np.arange(1, m * d + 1, dtype=float)
    worst_gap = max((c.gap for c in r.cases), default=0.0)
    plot = Plot(
        name="regularized-spectrum",
        title=f"Spectrum of (vvᵀ)⊗Σ + αI, m={m}, d={d}, α={a:g}, cond(Σ)={cond:.0e}",
        xlabel="eigenvalue index (ascending)",
        ylabel="eigenvalue",
        logy=True,
        series=(
            Series(f"α-cluster ({int(inside.sum())} eigenvalues)", tuple(idx[inside]), tuple(lam[inside]), "markers"),
            Series("‖v‖²λ_k(Σ) + α", tuple(idx[~inside]), tuple(lam[~inside]), "markers"),
        ),
        hlines=((a, "α"),),
        caption=f"(m − 1)·d = {(m - 1) * d} eigenvalues equal α here.",
    )
    return Presentation(
        note=f"worst α-cluster gap certificate {worst_gap:.1e}",
        measured={"worst_cluster_gap": worst_gap},
        tolerance={"cluster": "|λ − α| ≤ 10·md·eps·‖H‖₂", "gap_max": r.gap_max},
        certificates={"worst_cluster_gap": worst_gap},
        plots=(plot,),
    )


MULTIPLICITY = check(
    "regularized-alpha-multiplicity",
    title="multiplicity of the eigenvalue α of (vvᵀ)⊗Σ + αI, and the rest of its spectrum",
    measure=measure_multiplicity, judge=judge_multiplicity, present=present_multiplicity,
    reads={"alpha_multiplicity": ("m", "d", "alpha"), "other_eigenvalue": ("vnorm2", "sigma_k", "alpha", "m", "d", "k")},
    params={
        **GRID, "alphas": ALPHAS, "gap_max": GAP_MAX,
        "spectrum_m": Param(default=6, ge=1), "spectrum_d": Param(default=4, ge=1),
        "spectrum_cond": Param(default=1e3, ge=1.0), "spectrum_alpha": Param(default=0.01, gt=0.0),
    },
    memory=_grid_memory,
    cost=0.4,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (KERNEL_DIM, NONZERO_SPECTRUM, EMPIRICAL_HESSIAN, POSDEF, MULTIPLICITY)
