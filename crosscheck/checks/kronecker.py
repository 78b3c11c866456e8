"""Checks of Proposition 7.4 (bilinear flatness) and Theorem 7.6(i) (regularised Hessian).

Conventions: ``H₀ = (v vᵀ) ⊗ Σ`` with row-major vec(W) (index (j, k) ↦ j·d + k), ``H₀,α = H₀ + α I``.
Each check evaluates the claim's stated quantities (ledger expressions in ``m``, ``d``, ``alpha``, …) per
case and compares them with an independent computation on the explicit matrix.
"""

from __future__ import annotations

import math

import numpy as np
import scipy.linalg

from crosscheck.checks.base import (
    FAIL,
    INCONCLUSIVE,
    PASS,
    CheckContext,
    ParameterError,
    CheckResult,
    Plot,
    Recorder,
    Series,
    register,
)
from crosscheck.checks.cases import grid, make_v, spd
from crosscheck.numerics import eigen_cluster, exact_rank, kronecker_hessian, numerical_rank
from crosscheck.numerics.fd import fd_hessian
from crosscheck.numerics.hessian import empirical_covariance, loss_hessian, make_problem, problem_loss

EPS = float(np.finfo(np.float64).eps)
GRID = {"m_max": 12, "d_max": 8, "conds": [1.0, 1e3, 1e6]}


def _grid(ctx: CheckContext):
    p = ctx.params
    if int(p["m_max"]) < 1 or int(p["d_max"]) < 1:
        raise ParameterError(f"m_max and d_max must be at least 1, got {p['m_max']} and {p['d_max']}")
    if not p["conds"] or any(not (c >= 1.0 and math.isfinite(c)) for c in p["conds"]):
        raise ParameterError(f"conds must be condition numbers >= 1, got {p['conds']}")
    for name in ("gap_max", "rtol"):
        if name in p and not (0 < p[name] < 1):
            raise ParameterError(f"{name} must lie in (0, 1), got {p[name]}")
    ms = list(range(1, int(p["m_max"]) + 1))
    ds = list(range(1, int(p["d_max"]) + 1))
    if ctx.quick_for("m_max", "d_max"):
        ms, ds = sorted(set(ms[::3] + ms[-1:])), sorted(set(ds[::3] + ds[-1:]))
    return list(grid(ms, ds, list(p["conds"]), lambda i: ctx.rng(i)))


def _progress(ctx: CheckContext, i: int, n: int) -> None:
    if i == n or i % max(1, n // 4) == 0:
        ctx.progress(f"{i}/{n} cases")


def rounding_tol(n: int, norm: float, factor: float = 10.0) -> float:
    """Absolute rounding floor for eigenvalues of an n×n symmetric matrix: ``factor · n · eps · ‖A‖₂``
    (backward-stable eigensolvers perturb eigenvalues by O(n·eps·‖A‖₂))."""
    return factor * n * EPS * norm


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


@register(
    "kronecker-kernel-dim",
    title="dim ker((vvᵀ)⊗Σ) over a grid, numerically with a gap certificate and exactly in rationals",
    defaults={**GRID, "gap_max": 1e-6, "exact_cases": 12},
    quantities=("kernel_dim",),
    variables={"kernel_dim": ("m", "d")},
)
def kernel_dim(ctx: CheckContext) -> CheckResult:
    """Numerical rank of the explicit md×md matrix ``(vvᵀ)⊗Σ`` from ``|eigvalsh|`` with the rule
    ``s <= md·eps·s_max`` and the gap certificate ``s_zero_max / s_nonzero_min <= gap_max``; kernel
    dimension = md − rank, compared exactly with the claimed ``kernel_dim``. Small integer instances
    are also decided by fraction-exact Gaussian elimination, with no floating point."""
    rec = Recorder(ctx)
    cases = _grid(ctx)
    worst_gap, uncertified = 0.0, []
    pts_claimed, pts_measured = [], []
    for i, c in enumerate(cases, 1):
        r = numerical_rank(kronecker_hessian(c.v, c.sigma), hermitian=True)
        kern = c.m * c.d - r.rank
        worst_gap = max(worst_gap, r.gap)
        if r.gap > ctx.params["gap_max"]:
            uncertified.append(c.label)
        cmp = rec.claim("kernel_dim", c.label, kern, m=c.m, d=c.d)
        pts_claimed.append(cmp.expected)
        pts_measured.append(kern)
        rec.cases += 1
        _progress(ctx, i, len(cases))
    exact = []
    for m, d, v, S in _small_integer_instances(ctx, int(ctx.params["exact_cases"])):
        K = np.kron(np.outer(v, v), S).astype(np.int64)
        kern = m * d - exact_rank(K)
        rec.claim("kernel_dim", f"exact m={m} d={d} v={v.tolist()}", kern, m=m, d=d)
        exact.append({"m": m, "d": d, "v": v.tolist(), "sigma": S.tolist(), "kernel_dim": kern})
        rec.cases += 1
    status = FAIL if rec.failures else (INCONCLUSIVE if uncertified else PASS)
    lim = max(pts_claimed + pts_measured + [1])
    plot = Plot(
        name="kernel-dim-grid",
        title="Kernel dimension of (vvᵀ)⊗Σ: measured against claimed",
        xlabel="claimed kernel_dim",
        ylabel="measured dim ker",
        series=(
            Series("y = x", (0.0, float(lim)), (0.0, float(lim)), "line"),
            Series(f"{len(cases)} grid cases", tuple(map(float, pts_claimed)), tuple(map(float, pts_measured)), "markers"),
        ),
        caption="Every point on the diagonal means the claimed kernel dimension was measured exactly.",
    )
    return rec.result(
        "kronecker-kernel-dim",
        f"kernel dimension as claimed in all {rec.cases} cases ({len(exact)} decided exactly in rationals); worst gap {worst_gap:.1e}",
        f"{len(rec.failures)} case(s) disagree with the claimed kernel dimension"
        if rec.failures
        else f"{len(uncertified)} case(s) not certified (gap above {ctx.params['gap_max']:.0e})",
        status=status,
        measured={"worst_gap": worst_gap, "uncertified": uncertified[:10], "exact_instances": exact[:5]},
        expected={"kernel_dim": ctx.expect["kernel_dim"].value.text},
        tolerance={"rule": "s <= md * eps * s_max", "gap_max": ctx.params["gap_max"], "why": "LAPACK rank convention; gap certifies the split"},
        certificates={"worst_gap": worst_gap, "exact_cases": len(exact)},
        plots=(plot,),
    )


@register(
    "kronecker-nonzero-spectrum",
    title="non-zero eigenvalues of (vvᵀ)⊗Σ against the claimed formula",
    defaults={**GRID, "rtol": 1e-10},
    quantities=("nonzero_eigenvalue",),
    variables={"nonzero_eigenvalue": ("vnorm2", "sigma_k", "m", "d", "k")},
)
def nonzero_spectrum(ctx: CheckContext) -> CheckResult:
    """The d largest eigenvalues of the explicit ``(vvᵀ)⊗Σ`` (``eigvalsh``) against the claimed
    ``nonzero_eigenvalue`` evaluated at ``vnorm2 = ‖v‖²`` and each eigenvalue ``sigma_k`` of Σ, both
    sorted; tolerance ``rtol·|expected| + 10·md·eps·‖H‖₂`` (backward-stable eigensolver)."""
    rec = Recorder(ctx)
    cases = _grid(ctx)
    for i, c in enumerate(cases, 1):
        lam = np.linalg.eigvalsh(kronecker_hessian(c.v, c.sigma))[::-1]
        sig = np.linalg.eigvalsh(c.sigma)[::-1]
        vn2 = float(c.v @ c.v)
        floor = rounding_tol(c.m * c.d, float(abs(lam).max()))
        for k in range(c.d):
            exp = ctx.expected("nonzero_eigenvalue", vnorm2=vn2, sigma_k=float(sig[k]), m=c.m, d=c.d, k=k)
            rec.compare("nonzero_eigenvalue", f"{c.label} k={k}", lam[k], exp, rtol=ctx.params["rtol"], atol=floor)
        rec.cases += 1
        _progress(ctx, i, len(cases))
    return rec.result(
        "kronecker-nonzero-spectrum",
        f"non-zero eigenvalues match the claimed formula in all {rec.cases} cases",
        f"{len(rec.failures)} eigenvalue(s) differ from the claimed formula",
        expected={"nonzero_eigenvalue": ctx.expect["nonzero_eigenvalue"].value.text},
        tolerance={"rtol": ctx.params["rtol"], "atol": "10·md·eps·‖H‖₂", "why": "eigvalsh is backward stable"},
    )


@register(
    "empirical-hessian-is-kronecker",
    title="Hessian of the actual loss L(W,0), analytic and by finite differences, equals (vvᵀ)⊗Σ̂",
    defaults={"m_max": 5, "d_max": 4, "N": 200, "rtol_analytic": 1e-12, "rtol_fd": 1e-6, "h": 1e-3},
)
def empirical_hessian(ctx: CheckContext) -> CheckResult:
    """For sampled data X (N×d, rows with covariance Σ of condition up to 1e3) and y, random W,
    compares ``loss_hessian(X, y, v, W, λ=0)`` and a central finite-difference Hessian of the loss values
    with ``(vvᵀ)⊗Σ̂``, ``Σ̂ = XᵀX/N``, in relative max-norm. Row-major vec(W): index (j,k) ↦ j·d+k."""
    rec = Recorder(ctx)
    p = ctx.params
    worst_an = worst_fd = 0.0
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
            e_an = float(np.abs(H - K).max() / scale)
            e_fd = float(np.abs(Hfd - K).max() / scale)
            worst_an, worst_fd = max(worst_an, e_an), max(worst_fd, e_fd)
            rec.compare("analytic_rel_error", f"m={m} d={d}", e_an, 0.0, atol=p["rtol_analytic"], rtol=0.0)
            rec.compare("fd_rel_error", f"m={m} d={d}", e_fd, 0.0, atol=p["rtol_fd"], rtol=0.0)
            rec.cases += 1
    return rec.result(
        "empirical-hessian-is-kronecker",
        f"analytic and finite-difference Hessians equal (vvᵀ)⊗Σ̂ in {rec.cases} cases",
        "the loss Hessian differs from (vvᵀ)⊗Σ̂",
        measured={"worst_analytic_rel_error": worst_an, "worst_fd_rel_error": worst_fd},
        expected={"hessian": "(v vᵀ) ⊗ Σ̂, Σ̂ = XᵀX/N, vec row-major"},
        tolerance={
            "analytic": p["rtol_analytic"],
            "fd": p["rtol_fd"],
            "why": "analytic: rounding only; FD: exact for a quadratic, rounding ≈ eps·|L|/h²",
        },
    )


def _alphas(ctx: CheckContext) -> list[float]:
    alphas = [float(a) for a in ctx.params["alphas"]]
    if any(not (a > 0 and math.isfinite(a)) for a in alphas):
        raise ParameterError(f"alphas must be positive, got {alphas}")
    return alphas


@register(
    "regularized-posdef",
    title="(vvᵀ)⊗Σ + αI is positive definite: Cholesky succeeds and λ_min as claimed",
    defaults={**GRID, "alphas": [1e-3, 1e-1, 1.0]},
    quantities=("lambda_min", "alpha_multiplicity"),
    variables={"lambda_min": ("alpha", "m", "d"), "alpha_multiplicity": ("m", "d", "alpha")},
)
def regularized_posdef(ctx: CheckContext) -> CheckResult:
    """Cholesky factorisation of ``H₀,α`` for each case and α (success ⇔ positive definite in floating
    point), and ``λ_min(H₀,α)`` against the claimed ``lambda_min`` wherever the claimed α-multiplicity is
    positive (for m = 1 the α-eigenspace is empty and λ_min = ‖v‖²λ_min(Σ) + α)."""
    rec = Recorder(ctx)
    chol_fail = []
    cases = _grid(ctx)
    for i, c in enumerate(cases, 1):
        K = kronecker_hessian(c.v, c.sigma)
        for a in _alphas(ctx):
            H = K + a * np.eye(K.shape[0])
            try:
                scipy.linalg.cholesky(H, lower=True, check_finite=False)
            except np.linalg.LinAlgError:
                chol_fail.append(f"{c.label} alpha={a:g}")
            lam_min = float(np.linalg.eigvalsh(H)[0])
            if ctx.expected("alpha_multiplicity", m=c.m, d=c.d, alpha=a) > 0:
                floor = rounding_tol(c.m * c.d, float(np.linalg.norm(H, 2)))
                rec.compare("lambda_min", f"{c.label} alpha={a:g}", lam_min, ctx.expected("lambda_min", alpha=a, m=c.m, d=c.d), atol=floor, rtol=1e-12)
            rec.cases += 1
        _progress(ctx, i, len(cases))
    status = FAIL if (rec.failures or chol_fail) else PASS
    return rec.result(
        "regularized-posdef",
        f"Cholesky succeeded and λ_min as claimed in all {rec.cases} cases",
        f"{len(chol_fail)} Cholesky failure(s), {len(rec.failures)} λ_min disagreement(s)",
        status=status,
        measured={"cholesky_failures": chol_fail[:10]},
        expected={"lambda_min": ctx.expect["lambda_min"].value.text, "posdef": True},
        tolerance={"atol": "10·md·eps·‖H‖₂", "rtol": 1e-12, "why": "eigvalsh is backward stable"},
    )


@register(
    "regularized-alpha-multiplicity",
    title="multiplicity of the eigenvalue α of (vvᵀ)⊗Σ + αI, and the rest of its spectrum",
    defaults={**GRID, "alphas": [1e-3, 1e-1, 1.0], "gap_max": 1e-6, "spectrum_m": 6, "spectrum_d": 4, "spectrum_cond": 1e3, "spectrum_alpha": 0.01},
    quantities=("alpha_multiplicity", "other_eigenvalue"),
    variables={"alpha_multiplicity": ("m", "d", "alpha"), "other_eigenvalue": ("vnorm2", "sigma_k", "alpha", "m", "d", "k")},
)
def regularized_multiplicity(ctx: CheckContext) -> CheckResult:
    """Counts eigenvalues of ``H₀,α`` within ``10·md·eps·‖H‖₂`` of α (``eigen_cluster``), certifies the
    cluster by ``max dist inside / min dist outside <= gap_max``, compares the count with the claimed
    ``alpha_multiplicity``, and the remaining eigenvalues with ``other_eigenvalue`` at
    ``vnorm2 = ‖v‖²``, ``sigma_k`` = eigenvalues of Σ."""
    rec = Recorder(ctx)
    worst_gap, uncertified = 0.0, []
    cases = _grid(ctx)
    for i, c in enumerate(cases, 1):
        K = kronecker_hessian(c.v, c.sigma)
        sig = np.linalg.eigvalsh(c.sigma)[::-1]
        vn2 = float(c.v @ c.v)
        for a in _alphas(ctx):
            lam = np.linalg.eigvalsh(K + a * np.eye(K.shape[0]))
            tol = rounding_tol(c.m * c.d, float(abs(lam).max()))
            cl = eigen_cluster(lam, a, tol)
            worst_gap = max(worst_gap, cl.gap)
            if cl.gap > ctx.params["gap_max"]:
                uncertified.append(f"{c.label} alpha={a:g}")
            rec.claim("alpha_multiplicity", f"{c.label} alpha={a:g}", cl.count, m=c.m, d=c.d, alpha=a)
            rest = np.sort(lam[np.abs(lam - a) > tol])[::-1]
            for k in range(min(len(rest), c.d)):
                exp = ctx.expected("other_eigenvalue", vnorm2=vn2, sigma_k=float(sig[k]), alpha=a, m=c.m, d=c.d, k=k)
                rec.compare("other_eigenvalue", f"{c.label} alpha={a:g} k={k}", rest[k], exp, atol=tol, rtol=1e-10)
            rec.cases += 1
        _progress(ctx, i, len(cases))
    p = ctx.params
    rng = ctx.rng(30_000)
    m, d, a = int(p["spectrum_m"]), int(p["spectrum_d"]), float(p["spectrum_alpha"])
    lam = np.linalg.eigvalsh(kronecker_hessian(make_v(m, "distinct", rng), spd(d, float(p["spectrum_cond"]), rng)) + a * np.eye(m * d))
    tol = rounding_tol(m * d, float(abs(lam).max()))
    inside = np.abs(lam - a) <= tol
    idx = np.arange(1, m * d + 1, dtype=float)
    plot = Plot(
        name="regularized-spectrum",
        title=f"Spectrum of (vvᵀ)⊗Σ + αI, m={m}, d={d}, α={a:g}, cond(Σ)={float(p['spectrum_cond']):.0e}",
        xlabel="eigenvalue index (ascending)",
        ylabel="eigenvalue",
        logy=True,
        series=(
            Series(f"α-cluster ({int(inside.sum())} eigenvalues)", tuple(idx[inside]), tuple(lam[inside]), "markers"),
            Series("‖v‖²λ_k(Σ) + α", tuple(idx[~inside]), tuple(lam[~inside]), "markers"),
        ),
        hlines=((a, "α"),),
        caption=f"The claimed multiplicity of α here is {ctx.expected('alpha_multiplicity', m=m, d=d, alpha=a):g}.",
    )
    status = FAIL if rec.failures else (INCONCLUSIVE if uncertified else PASS)
    return rec.result(
        "regularized-alpha-multiplicity",
        f"α-multiplicity and remaining spectrum as claimed in all {rec.cases} cases; worst cluster gap {worst_gap:.1e}",
        f"{len(rec.failures)} disagreement(s) with the claimed spectrum"
        if rec.failures
        else f"{len(uncertified)} cluster(s) not certified",
        status=status,
        measured={"worst_cluster_gap": worst_gap, "uncertified": uncertified[:10]},
        expected={k: ctx.expect[k].value.text for k in ("alpha_multiplicity", "other_eigenvalue")},
        tolerance={"cluster": "|λ − α| <= 10·md·eps·‖H‖₂", "gap_max": p["gap_max"]},
        certificates={"worst_cluster_gap": worst_gap},
        plots=(plot,),
    )
