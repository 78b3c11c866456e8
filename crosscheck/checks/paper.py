"""Checks of the paper's numerical claims at the main width (m = 10, d = 5, α = 4e-3).

Data: :mod:`crosscheck.numerics.paper_data` (the paper's recipe, seed 77). The branch is traced by
pseudo-arclength continuation from the closed-form λ = 0 minimum with ‖∇L‖ ≤ 1e-10 at every accepted point;
degenerate points are solved for by the extended system; see :mod:`crosscheck.checks._paper_common`.
Paper values are read from the claim (``ctx.expect``) only.
"""

from __future__ import annotations

import numpy as np

from crosscheck.checks import _paper_common as pc
from crosscheck.checks.base import FAIL, INCONCLUSIVE, PASS, CheckContext, CheckResult, Plot, Recorder, Series, register
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.degenerate import (
    cluster_derivative,
    fd_lambda1_prime,
    orient_null_vector,
    reduced_coefficients,
    reduced_potential,
)
from crosscheck.numerics.paper_data import PAPER_ALPHA, WIDTHS, paper_homotopy

EPS = float(np.finfo(np.float64).eps)


def _status(rec: Recorder, problems: list[str]) -> str:
    return FAIL if rec.failures else (INCONCLUSIVE if problems else PASS)


@register(
    "alpha-floor",
    title="λ₁ = α with multiplicity (m−1)d at the λ = 0 minimum, over the width sweep",
    defaults={"widths": list(WIDTHS), "alpha": PAPER_ALPHA, "gap_max": 1e-6},
    quantities=("lambda_min", "alpha_multiplicity"),
)
def alpha_floor(ctx: CheckContext) -> CheckResult:
    """At the closed-form minimiser W₀ of the quadratic L_α(·, 0) (``W₀ = v cᵀ``, ``(‖v‖²Σ̂ + αI)c = Xᵀy/N``;
    stationarity checked), the exact Hessian's full spectrum (``eigvalsh``): eigenvalues within the rounding
    floor ``τ = 10·n·eps·‖H‖₂`` of α are counted, the split certified by the gap ratio
    ``max|λ_in − α| / min|λ_out − α| ≤ gap_max``. The claimed ``lambda_min`` (expression in alpha) is compared
    with the smallest eigenvalue with the ledger tolerance plus τ; ``alpha_multiplicity`` exactly."""
    p = ctx.params
    widths = [3, 10, 20] if ctx.quick_for("widths") else [int(m) for m in p["widths"]]
    alpha = float(p["alpha"])
    rec = Recorder(ctx)
    rows, problems = [], []
    for m in widths:
        hp = paper_homotopy(m, alpha)
        w0 = hm.linear_minimum(hp)
        with single_blas_thread():
            H = hm.hessian(hp, w0, 0.0)
            e = np.linalg.eigvalsh(H)
        g = float(np.linalg.norm(hm.grad(hp, w0, 0.0)))
        tau = 10 * hp.n * EPS * float(abs(e).max())
        dist = np.abs(e - alpha)
        inside = dist <= tau
        gap = float(dist[inside].max() / dist[~inside].min()) if inside.any() and (~inside).any() else 0.0
        if gap > p["gap_max"]:
            problems.append(f"m={m}: gap {gap:.1e}")
        if g > 1e-10:
            problems.append(f"m={m}: ‖∇L(W₀, 0)‖ = {g:.1e}")
        exp = ctx.expect["lambda_min"]
        rec.compare("lambda_min", f"m={m}", e[0], ctx.expected("lambda_min", m=m, d=hp.d, alpha=alpha), exp.rtol, exp.atol + tau)
        rec.claim("alpha_multiplicity", f"m={m}", int(inside.sum()), m=m, d=hp.d, alpha=alpha)
        rec.cases += 2
        rows.append({"m": m, "lambda_min": float(e[0]), "multiplicity": int(inside.sum()), "next_eigenvalue": float(e[~inside].min()) if (~inside).any() else None,
                     "rounding_floor": tau, "gap": gap, "grad_norm_W0": g})
    plot = Plot(
        name="alpha-floor",
        title="Eigenvalues at α: measured multiplicity against (m−1)d",
        xlabel="(m−1)d",
        ylabel="measured multiplicity",
        series=(
            Series("y = x", (0.0, float(max(r["multiplicity"] for r in rows))), (0.0, float(max(r["multiplicity"] for r in rows)))),
            Series("widths", tuple(float((r["m"] - 1) * 5) for r in rows), tuple(float(r["multiplicity"]) for r in rows), "markers"),
        ),
    )
    status = _status(rec, problems)
    return rec.result(
        "alpha-floor",
        f"λ₁(0) = α with multiplicity (m−1)d at all {len(widths)} widths (rounding floor ≤ {max(r['rounding_floor'] for r in rows):.1e}, worst gap {max(r['gap'] for r in rows):.1e})",
        f"{len(rec.failures)} comparison(s) disagree" if rec.failures else "not certified: " + "; ".join(problems),
        status=status,
        measured={"widths": rows},
        expected={k: ctx.expect[k].value.text for k in ("lambda_min", "alpha_multiplicity")},
        tolerance={"rounding_floor": "10·n·eps·‖H‖₂ added to atol", "gap_max": p["gap_max"]},
        certificates={"worst_gap": max(r["gap"] for r in rows)},
        plots=(plot,),
    )


@register(
    "eigenvalue-derivative",
    title="λ₁'(0): degenerate first-order perturbation on the α-eigenspace, against finite differences",
    defaults={"m": 10, "alpha": PAPER_ALPHA, "fd_steps": [4e-3, 2e-3, 1e-3], "witness_rtol": 1e-4},
)
def eigenvalue_derivative(ctx: CheckContext) -> CheckResult:
    """``λ₁'(0⁺) = min eig(BᵀḢB)``, B an orthonormal basis of the α-eigenspace E = v^⊥⊗ℝ^d and
    ``Ḣ = ∂_λH + D_WH[Ẇ]``, ``Ẇ = −H⁻¹∂_λ∇L`` (all analytic). Witness: forward differences of the smallest
    eigenvalue on the Newton-converged branch at λ = h, Richardson-extrapolated; they must agree to
    ``witness_rtol`` (else inconclusive). Compared with the claimed ``lambda1_prime_0``. A claimed
    ``lambda1_prime_formula22`` (the paper's polynomial approximation, formula (22)) cannot be re-evaluated —
    the formula is not available to us — so such a claim is inconclusive; our value's distance to it is shown."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    hp = paper_homotopy(m, alpha)
    with single_blas_thread():
        cd = cluster_derivative(hp)
        fd = fd_lambda1_prime(hp, tuple(float(h) for h in p["fd_steps"]))
    rec = Recorder(ctx)
    problems = []
    wit = abs(fd.extrapolated - cd.lambda1_prime)
    if not wit <= p["witness_rtol"] * abs(cd.lambda1_prime):
        problems.append(f"finite differences {fd.extrapolated:.6g} disagree with the analytic {cd.lambda1_prime:.6g}")
    if ctx.has("lambda1_prime_0"):
        rec.claim("lambda1_prime_0", f"m={m}", cd.lambda1_prime)
        rec.cases += 1
    f22 = pc.paper(ctx, "lambda1_prime_formula22")
    measured = {
        "lambda1_prime_0": cd.lambda1_prime,
        "lambda1_prime_fd": fd.extrapolated,
        "fd_quotients": dict(zip([str(h) for h in fd.steps], fd.quotients)),
        "fd_branch_grad_norms": list(fd.grad_norms),
        "cluster_splitting_mu": cd.mu[:8].tolist(),
        "cluster_dimension": int(cd.mu.size),
        "naive_single_eigenvector": cd.naive_single_vector,
        "first_order_lambda_star": alpha / abs(cd.lambda1_prime) if cd.lambda1_prime < 0 else None,
    }
    if f22 is not None:
        measured["relative_difference_to_formula22"] = abs(cd.lambda1_prime - f22) / abs(f22)
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    seg = tr.first_segment
    br = tr.branch
    keep = br.lam[:seg] <= 0.3
    lam = br.lam[:seg][keep]
    series = [
        Series("λ₁ on the branch", tuple(lam.tolist()), tuple(br.monitor[:seg, 0][keep].tolist()), "line+markers"),
        Series("α + λ₁'(0)·λ (degenerate perturbation)", (0.0, 0.3), (alpha, alpha + 0.3 * cd.lambda1_prime)),
        Series("α + (qᵀḢq)·λ, one arbitrary eigenvector", (0.0, 0.3), (alpha, alpha + 0.3 * cd.naive_single_vector)),
    ]
    if f22 is not None:
        series.append(Series("α + (paper formula (22))·λ", (0.0, 0.3), (alpha, alpha + 0.3 * f22)))
    plot = Plot("eigenvalue-derivative", f"Smallest Hessian eigenvalue near λ = 0 (m = {m})", "λ", "λ₁", series=tuple(series))
    status = _status(rec, problems)
    summary_ok = f"λ₁'(0) = {cd.lambda1_prime:.6g} (finite differences {fd.extrapolated:.6g}; one arbitrary eigenvector would give {cd.naive_single_vector:.3g})"
    if f22 is None and not ctx.has("lambda1_prime_0") and status == PASS:
        status = INCONCLUSIVE
        problems.append(f"{pc.Claims.NOTHING} (λ₁'(0) = {cd.lambda1_prime:.6g})")
    if f22 is not None and status != FAIL:
        status = INCONCLUSIVE
        problems.append(
            f"the paper's formula (22) is not available to us as text, so its value {f22:.6g} cannot be re-evaluated; "
            f"our exact λ₁'(0) = {cd.lambda1_prime:.6g} differs from it by {measured['relative_difference_to_formula22']:.1%}"
        )
    return rec.result(
        "eigenvalue-derivative",
        summary_ok,
        "inconclusive: " + "; ".join(problems) if status == INCONCLUSIVE else f"λ₁'(0) = {cd.lambda1_prime:.6g} disagrees with the claim",
        status=status,
        measured=measured,
        expected={k: v.value.text for k, v in ctx.expect.items() if k in ("lambda1_prime_0", "lambda1_prime_formula22")},
        tolerance={"witness_rtol": p["witness_rtol"], "why": "Richardson-extrapolated forward differences, O(h²) ≈ 1e-7 relative"},
        certificates={"fd_vs_analytic": wit},
        plots=(plot,),
    )


def _kind(tr: pc.Traced) -> tuple[str, str]:
    """(kind, problem) from the classification test and the branch's behaviour in λ."""
    dg = tr.degeneracy
    if dg is None or dg.classification is None:
        return "undetermined", "no converged degenerate point"
    c = dg.classification
    if c.kind == "fold" and dg.turns_back:
        return "fold (saddle-node)", ""
    if c.kind != "fold" and not dg.turns_back:
        return f"transversal eigenvalue crossing ({c.kind})", ""
    return "undetermined", f"tests disagree: φᵀ∂_λ∇L test says {c.kind}, branch turns back in λ: {dg.turns_back}"


@register(
    "bifurcation-point",
    title="Where λ₁ of the continued critical branch reaches zero, and the type of that degeneracy",
    defaults={"m": 10, "alpha": PAPER_ALPHA, "paper_step": 1 / 400, "replay_paper_method": True},
)
def bifurcation_point(ctx: CheckContext) -> CheckResult:
    """Trace the branch by pseudo-arclength continuation (‖∇L‖ ≤ 1e-10 at every point) until λ₁ changes sign,
    solve the extended system ∇L = 0, Hφ = 0, cᵀφ = 1 from there, and classify: **fold** if
    ``φᵀ∂_λ∇L ≠ 0`` (relative to max(‖∂_λ∇L‖, ‖H‖₂), threshold 1e-6) and the branch turns back in λ; **transversal crossing** if
    ``φᵀ∂_λ∇L = 0`` and it continues through. Reports λ*, the first-order prediction ``α/|λ₁'(0)|``,
    ``|λ₁/λ₂|`` and dλ₁/dλ (exact along the tangent — unbounded at a fold — and as the one-sided difference
    over the paper's step Δλ = 1/400). Where the claim reports the state at its own λ* (``lambda1_over_lambda2``,
    ``dlambda1_dlambda``), our branch is evaluated at that same λ and compared. ``is_fold`` (1 fold, 0
    transversal) is compared when claimed. Diagnostic (full mode, ``replay_paper_method``): the paper's own
    method — warm-started L-BFGS-B with default tolerances on Δλ = 1/400, FD Hessians — replayed, with the
    gradient norms of its iterates and their distance from our branch."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    hp = paper_homotopy(m, alpha)
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    with single_blas_thread():
        cd = cluster_derivative(hp)
    first_order = alpha / abs(cd.lambda1_prime) if cd.lambda1_prime < 0 else None
    rec = Recorder(ctx)
    problems = []
    dg = tr.degeneracy
    kind, kprob = _kind(tr)
    if not tr.converged:
        problems.append(f"did not converge ({tr.note})")
    elif kprob:
        problems.append(kprob)
    lam_star = tr.lambda_star
    measured = {
        "lambda_star": lam_star,
        "lambda_star_first_order": first_order,
        "lambda1_prime_0": cd.lambda1_prime,
        "kind": kind,
        "grad_norm": max(tr.max_grad, dg.point.residual_F) if dg else tr.max_grad,
        "grad_norm_max_branch": tr.max_grad,
        "branch_points": int(len(tr.branch.lam)),
        "rejected_steps": int(tr.branch.rejected),
        "note": tr.note,
    }
    if dg is not None and dg.point.converged:
        d_before = pc.lambda1_before(m, alpha, tr, float(p["paper_step"]))
        c = dg.classification
        measured.update({
            "lambda1_over_lambda2": abs(dg.lambda1 / dg.lambda2),
            "dlambda1_dlambda": None if d_before is None else (0.0 - d_before) / float(p["paper_step"]),
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
    if p["replay_paper_method"] and not ctx.quick:
        ctx.progress("replaying the paper's method (L-BFGS-B, Δλ = 1/400, FD Hessians)")
        replay = pc.paper_method_replay(m, alpha, pc.s_max(ctx))
        measured["paper_method_replay"] = replay
    lam_paper = pc.paper(ctx, "lambda_star")
    at = pc.state_at(m, alpha, tr, lam_paper) if lam_paper is not None else None
    if lam_paper is not None:
        measured["at_paper_lambda_star"] = at
    cl = pc.Claims(rec)
    cl.problems += problems
    cl.claim("lambda_star", f"m={m}", lam_star, tr.note or "λ₁ has no zero on the continued branch in (0, 1]")
    where = f"m={m}, on our branch at λ = {lam_paper if lam_paper is not None else lam_star}"
    for q in ("lambda1_over_lambda2", "dlambda1_dlambda"):
        val = at[q] if at is not None else (measured.get(q) if lam_paper is None else None)
        cl.claim(q, where, val, f"our branch has no point on its minimum sheet at λ = {lam_paper}")
    if not kind.startswith("undetermined"):
        cl.claim("is_fold", f"m={m}", 1.0 if kind.startswith("fold") else 0.0, "")
    br = tr.branch
    vl = [(lam_star, f"ours λ* = {lam_star:.4f}")] if lam_star is not None else []
    if lam_paper is not None:
        vl.append((lam_paper, f"paper λ* = {lam_paper:g}"))
    if first_order is not None:
        vl.append((first_order, f"first order α/|λ₁'(0)| = {first_order:.4f}"))
    if replay and replay["lambda_star"] is not None:
        vl.append((replay["lambda_star"], f"paper's method replayed: {replay['lambda_star']:.4f}"))
    plots = [Plot(
        "branch-eigenvalues", f"Two smallest Hessian eigenvalues along the continued branch (m = {m})", "λ", "eigenvalue",
        series=(Series("λ₁", tuple(br.lam.tolist()), tuple(br.monitor[:, 0].tolist())), Series("λ₂", tuple(br.lam.tolist()), tuple(br.monitor[:, 1].tolist()))),
        vlines=tuple(vl), hlines=((0.0, "0"),),
        caption="Points in arclength order; a fold shows as the curve turning back in λ.",
    )]
    if lam_star is not None:
        near = np.abs(br.lam - lam_star) <= 0.03
        plots.append(Plot(
            "branch-eigenvalues-zoom", "Zoom at the degeneracy", "λ", "λ₁",
            series=(Series("λ₁", tuple(br.lam[near].tolist()), tuple(br.monitor[near, 0].tolist()), "line+markers"),),
            vlines=tuple(v for v in vl if abs(v[0] - lam_star) <= 0.03), hlines=((0.0, "0"),),
        ))
    lam_txt = f"{lam_star:.6f}" if lam_star is not None else "none in (0, 1]"
    fo_txt = f"{first_order:.4f}" if first_order is not None else "none (λ₁'(0) ≥ 0)"
    head = f"λ₁ reaches zero at λ* = {lam_txt} ({kind}); first-order prediction α/|λ₁'(0)| = {fo_txt}"
    if replay and replay["lambda_star"] is not None:
        head += (f"; the paper's method replayed (L-BFGS-B defaults, FD Hessians) crosses at {replay['lambda_star']:.4f} "
                 f"with iterates at ‖∇L‖ up to {replay['grad_norm_max']:.1e}")
    return rec.result(
        "bifurcation-point",
        head,
        cl.fail_text(head),
        status=cl.status(),
        measured=measured,
        expected={k: v.value.text for k, v in ctx.expect.items()},
        tolerance={"newton": "‖∇L‖₂ ≤ 1e-10 at every accepted point and at λ*; ‖Hφ‖₂ ≤ 1e-10", "fold_test": "|φᵀ∂_λ∇L| > 1e-6·max(‖∂_λ∇L‖, ‖H‖₂), and dλ/ds changes sign"},
        certificates={"max_grad_norm": measured["grad_norm"], "extended_jacobian_smin": measured.get("extended_jacobian_smin")},
        plots=tuple(plots),
    )


@register(
    "reduced-coefficients",
    title="Reduced coefficients g_aa = D³L[φ³], g_aaa = D⁴L[φ⁴] (and Lyapunov–Schmidt-corrected) at the degeneracy",
    defaults={"m": 10, "alpha": PAPER_ALPHA, "fd_step": 0.01, "witness_rtol": 1e-4, "a_points": 41},
)
def reduced_coeffs(ctx: CheckContext) -> CheckResult:
    """At the located degenerate point (W*, λ*, φ), ``g_aa = D³L[φ³]`` and ``g_aaa = D⁴L[φ⁴]`` analytically
    (our reading of formulas (25)–(26): third and fourth directional derivatives along the null vector; φ
    unit, sign fixed by its largest entry being positive, which makes g_aa's sign a convention), witnessed by
    Richardson-extrapolated differences of the loss along φ and by differences of the exact Hessian
    (agreement to ``witness_rtol`` or inconclusive); and ``g_aaa_LS = g_aaa − 3bᵀH_⊥⁺b``. Compared: the claimed
    ``abs_g_aa``, ``g_aaa`` and ``abs_ratio`` = |g_aa/g_aaa| (sign-free, since the paper's orientation of φ is
    unknown). Figure: the Lyapunov–Schmidt potential ψ(a), its quartic model, and the plain restriction."""
    p = ctx.params
    m, alpha = int(p["m"]), float(p["alpha"])
    tr = pc.traced(m, alpha, pc.s_max(ctx))
    rec = Recorder(ctx)
    dg = tr.degeneracy
    if not tr.converged or tr.lambda_star is None:
        why = f"did not converge ({tr.note})" if not tr.converged else f"no degenerate point to expand at ({tr.note or 'λ₁ has no zero on the branch in (0, 1]'})"
        return rec.result("reduced-coefficients", "", f"inconclusive: {why}", status=INCONCLUSIVE, measured={"note": why})
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
    cl = pc.Claims(rec)
    cl.problems += problems
    for q, val in (("abs_g_aa", abs(rc.g_aa)), ("g_aaa", rc.g_aaa), ("abs_ratio", ratio), ("g_aaa_ls", rc.g_aaa_ls)):
        cl.claim(q, f"m={m}, λ* = {lam:.6f}", val, "")
    scale = 4 * abs(rc.g_aa) / max(abs(rc.g_aaa_ls), abs(rc.g_aaa), 1e-12)
    a_max = min(0.05, 0.4 * scale)  # where the cubic term still dominates the quartic one
    a = np.linspace(-a_max, a_max, int(p["a_points"]))
    with single_blas_thread():
        psi, res = reduced_potential(hp, w, lam, phi, a)
    ph = orient_null_vector(phi)
    plain = np.array([hm.loss(hp, w + x * ph, lam) for x in a]) - hm.loss(hp, w, lam)
    ok = res <= 1e-9
    plot = Plot(
        "reduced-potential", f"Reduced potential at the degeneracy (m = {m}, λ* = {lam:.5f})", "a (coordinate along φ)", "ψ(a)",
        series=(
            Series("ψ(a), Lyapunov–Schmidt (numerical)", tuple(a[ok].tolist()), tuple(psi[ok].tolist()), "line+markers"),
            Series("g_aa a³/6 + g_aaa_LS a⁴/24", tuple(a.tolist()), tuple((rc.g_aa * a**3 / 6 + rc.g_aaa_ls * a**4 / 24).tolist())),
            Series("L(W* + aφ) − L(W*) (no reduction)", tuple(a.tolist()), tuple(plain.tolist())),
            Series("g_aa a³/6 + g_aaa a⁴/24", tuple(a.tolist()), tuple((rc.g_aa * a**3 / 6 + rc.g_aaa * a**4 / 24).tolist())),
        ),
        caption="φ is the unit null vector with its largest entry positive.",
    )
    measured = {
        "lambda_star": lam,
        "g_aa": rc.g_aa, "g_aaa": rc.g_aaa, "g_aaa_ls": rc.g_aaa_ls, "ls_correction": rc.correction,
        "g_aa_fd": rc.g_aa_fd, "g_aaa_fd": rc.g_aaa_fd, "g_aa_hessian_fd": rc.g_aa_hess_fd, "g_aaa_hessian_fd": rc.g_aaa_hess_fd,
        "ratio": rc.g_aa / rc.g_aaa, "abs_ratio": ratio, "abs_ratio_ls": abs(rc.g_aa / rc.g_aaa_ls),
        "phi_H_phi": rc.second, "phi_dot_grad_lam": rc.c_lam, "lambda2_at_star": dg.lambda2,
        "fd_step": rc.fd_step, "hessian_fd_step": rc.hess_step, "convention": "g_aa = D³L[φ,φ,φ], g_aaa = D⁴L[φ,φ,φ,φ], ‖φ‖ = 1, largest |φ_i| positive",
        "potential_max_residual": float(np.nanmax(res[ok])) if ok.any() else None, "potential_points_converged": int(ok.sum()),
    }
    head = f"g_aa = {rc.g_aa:.5g}, g_aaa = {rc.g_aaa:.5g} (Lyapunov–Schmidt-corrected {rc.g_aaa_ls:.5g}), |g_aa/g_aaa| = {ratio:.4g}"
    return rec.result(
        "reduced-coefficients",
        head,
        cl.fail_text(head),
        status=cl.status(),
        measured=measured,
        expected={k: v.value.text for k, v in ctx.expect.items()},
        tolerance={"witness_rtol": p["witness_rtol"]},
        certificates={"fd_rel_err_g_aa": abs(rc.g_aa_fd - rc.g_aa) / abs(rc.g_aa), "fd_rel_err_g_aaa": abs(rc.g_aaa_fd - rc.g_aaa) / abs(rc.g_aaa)},
        plots=(plot,),
    )
