"""Checks of J. Liu, "Nonlinear Dynamics In Optimization Landscape of Shallow Neural Networks with Tunable
Leaky ReLU" (arXiv 2510.25060), from its abstract only.

Model: the teacher–student network of :mod:`crosscheck.numerics.leaky` (teacher V = I_k, d = k, second
layer ones, Gaussian inputs, closed-form population loss), whose global minimum is W = V for every α.
"Bifurcation from the global minimum" is read as an eigenvalue of the Hessian at W = V reaching zero as α
varies (:mod:`crosscheck.numerics.leaky_spectrum`), decomposed into S_k Specht types
(:mod:`crosscheck.numerics.symmetry`). The abstract does not fix what α is: the claim checks evaluate
both readings (α = negative-side slope; α = 1 − slope) unless ``convention`` names one. A claim that holds
in every reading run passes, one that fails in every reading fails, and a split is *inconclusive* with
both outcomes in the summary.
"""

from __future__ import annotations

import math

import numpy as np

from crosscheck.checks.base import FAIL, INCONCLUSIVE, PASS, CheckContext, CheckResult, ParameterError, Plot, Recorder, Series, register
from crosscheck.numerics.leaky import kernel_by_monte_carlo, kernel_by_quadrature, leaky_kernel, loss_grad, loss_hessian
from crosscheck.numerics.leaky_fd import fd_certificates
from crosscheck.numerics.leaky_readings import reading_summary, sanity
from crosscheck.numerics.leaky_spectrum import CONVENTIONS, eigen_table, reduced_pencil, scan, slope_of, type_spectra
from crosscheck.numerics.symmetry import (
    block_leakage,
    character_projector,
    equivariance_defect,
    isotypic_decomposition,
    isotypic_multiplicities,
)

SCAN = {"ks": [4, 5, 6, 7, 8], "alpha_min": -5.0, "alpha_max": 5.0, "n_alpha": 2001, "zero_tol": 1e-10, "alpha_tol": 1e-8}


def _scan_params(ctx: CheckContext) -> dict:
    """The α grid and widths, validated (a bad value is a usage error, exit code 2)."""
    p = ctx.params
    ks = [int(k) for k in p["ks"]]
    if not ks or any(k < 4 or k > 10 for k in ks):
        raise ParameterError(f"ks: widths must lie in [4, 10] (the abstract's k ≥ 4; k² × k² matrices), got {ks}")
    n = int(p["n_alpha"])
    lo, hi = float(p["alpha_min"]), float(p["alpha_max"])
    if n < 3:
        raise ParameterError(f"n_alpha: need at least 3 grid points, got {n}")
    if not lo < hi:
        raise ParameterError(f"alpha_min, alpha_max: need alpha_min < alpha_max, got {lo} and {hi}")
    for name in ("zero_tol", "alpha_tol"):
        if not 0 < float(p[name]) < 1e-3:
            raise ParameterError(f"{name}: must lie in (0, 1e-3), got {p[name]}")
    if ctx.quick_for("ks"):
        ks = sorted(set(ks[:2]) | ({5} & set(ks)))
    if ctx.quick_for("n_alpha"):
        n = min(n, 401)
    return {"ks": ks, "alpha_min": lo, "alpha_max": hi, "n_alpha": n, "zero_tol": float(p["zero_tol"]), "alpha_tol": float(p["alpha_tol"])}


def _readings(ctx: CheckContext) -> list[str]:
    conv = str(ctx.params["convention"])
    if conv == "both":
        return list(CONVENTIONS)
    if conv not in CONVENTIONS:
        raise ParameterError(f"convention: expected 'both' or one of {CONVENTIONS}, got {conv!r}")
    return [conv]


def _scans(ctx: CheckContext, conv: str, ks: list[int], sp: dict) -> dict:
    out = {}
    for k in ks:
        out[k] = scan(k, conv, sp["alpha_min"], sp["alpha_max"], sp["n_alpha"], sp["zero_tol"], sp["alpha_tol"])
    ctx.progress(f"{conv}: scanned k = {ks} over {sp['n_alpha']} values of α")
    return out


def _spectrum_plot(k: int, conv: str, sp: dict, critical: list[float], name: str) -> Plot:
    """Eigenvalues of the Hessian at W = V against α, one series per Specht type (all its branches)."""
    pencil = reduced_pencil(k)
    alphas = np.linspace(sp["alpha_min"], sp["alpha_max"], min(int(sp["n_alpha"]), 401))
    spectra = type_spectra(pencil, alphas, conv)
    series = []
    for comp, spec in zip(pencil.decomposition.components, spectra):
        xs = np.tile(alphas, spec.shape[1])
        ys = spec.T.ravel()
        copies = f"{comp.multiplicity} cop{'y' if comp.multiplicity == 1 else 'ies'}"
        label = f"{comp.label} = {comp.name}, d={comp.dim_irrep}, {copies}"
        series.append(Series(label, tuple(map(float, xs)), tuple(map(float, ys)), "markers"))
    return Plot(
        name=name,
        title=f"k = {k}: Hessian at W = V by Specht type (α = {'slope' if conv == 'slope' else '1 − slope'})",
        xlabel="α" + (" (= slope)" if conv == "slope" else " (= 1 − slope)"),
        ylabel="eigenvalue (symlog)",
        symlogy=True,
        series=tuple(series),
        vlines=tuple((float(a), f"zero eigenvalue at α = {_fmt(a)}") for a in critical),
        caption="Each point of a type is an eigenvalue of multiplicity d_λ. W = V is the global minimum (L = 0) for "
        "every α, so the spectrum is ≥ 0; an eigenvalue reaching 0 marks a degenerate (bifurcation) value.",
    )


@register(
    "leaky-kernel-formula",
    title="closed-form E[σ(w·x)σ(u·x)] = (1−s)²κ + s w·u against planar quadrature and Monte Carlo",
    defaults={"n_pairs": 40, "dims": [2, 3, 5, 8], "slope_max": 5.0, "mc_samples": 20000, "z": 5.0, "quad_rtol": 1e-12},
)
def kernel_formula(ctx: CheckContext) -> CheckResult:
    """Random pairs (w, u) (dimension from ``dims``, norms 0.3–3, slope s uniform in ±``slope_max``) plus
    fixed geometries (parallel, anti-parallel, orthogonal, θ = 1e-6, s ∈ {−1, 0, 1}). The closed form must
    match the planar Gauss–Legendre quadrature (which uses only homogeneity, not the arc-cosine formula)
    within ``quad_rtol·max(1, |K|)`` and a seeded Monte Carlo mean within ``z`` standard errors
    (false-alarm probability ≈ 6e-7 per pair at z = 5)."""
    p = ctx.params
    rec = Recorder(ctx)
    rng = ctx.rng(1)
    dims = [int(d) for d in p["dims"]]
    if not dims or min(dims) < 2:
        raise ParameterError(f"dims: need dimensions >= 2 (a plane for w, u), got {dims}")
    if int(p["mc_samples"]) < 100 or float(p["z"]) <= 0 or float(p["quad_rtol"]) <= 0 or int(p["n_pairs"]) < 0:
        raise ParameterError("mc_samples >= 100, z > 0, quad_rtol > 0 and n_pairs >= 0 are required")
    n_pairs = min(10, int(p["n_pairs"])) if ctx.quick_for("n_pairs") else int(p["n_pairs"])
    cases = []
    for i in range(n_pairs):
        d = dims[i % len(dims)]
        w = rng.standard_normal(d)
        u = rng.standard_normal(d)
        w *= rng.uniform(0.3, 3.0) / np.linalg.norm(w)
        u *= rng.uniform(0.3, 3.0) / np.linalg.norm(u)
        cases.append((f"random #{i} d={d}", w, u, float(rng.uniform(-1, 1) * p["slope_max"])))
    w0 = np.array([1.0, 2.0, -0.5])
    tilt = np.array([2.0, -1.0, 0.0]) / math.sqrt(5.0)
    for s in (-1.0, 0.0, 1.0, 0.3):
        cases += [
            (f"parallel s={s}", w0, 1.7 * w0, s),
            (f"anti-parallel s={s}", w0, -0.6 * w0, s),
            (f"orthogonal s={s}", w0, 2.0 * tilt, s),
            (f"theta=1e-6 s={s}", w0, w0 + 1e-6 * np.linalg.norm(w0) * tilt, s),
        ]
    worst_q, worst_z = 0.0, 0.0
    mc_rng = ctx.rng(2)
    for label, w, u, s in cases:
        K = float(leaky_kernel(w[None], u[None], s)[0, 0])
        q = kernel_by_quadrature(w, u, s)
        mean, se = kernel_by_monte_carlo(w, u, s, mc_rng, int(p["mc_samples"]))
        eq = abs(K - q) / max(1.0, abs(K))
        zs = abs(mean - K) / se if se > 0 else (0.0 if mean == K else math.inf)
        worst_q, worst_z = max(worst_q, eq), max(worst_z, zs)
        rec.compare("quadrature_rel_error", label, eq, 0.0, atol=float(p["quad_rtol"]), rtol=0.0)
        rec.compare("monte_carlo_z", label, zs, 0.0, atol=float(p["z"]), rtol=0.0)
        rec.cases += 1
    return rec.result(
        "leaky-kernel-formula",
        f"closed form agrees with quadrature (worst rel. error {worst_q:.1e}) and Monte Carlo (worst |z| {worst_z:.2f}) on {rec.cases} pairs",
        f"{len(rec.failures)} disagreement(s) between the closed form and quadrature / Monte Carlo",
        measured={"worst_quadrature_rel_error": worst_q, "worst_monte_carlo_z": worst_z, "pairs": rec.cases},
        expected={"kernel": "(1−s)²·‖w‖‖u‖(sin θ + (π−θ)cos θ)/(2π) + s·w·u"},
        tolerance={"quadrature": f"|K − Q| <= {p['quad_rtol']:g}·max(1,|K|)",
                   "monte_carlo": f"|mean − K| <= {p['z']}·SE, n = {p['mc_samples']}",
                   "why": "Gauss–Legendre is spectrally accurate on the smooth pieces; z = 5 gives ~6e-7 false alarms per pair"},
    )


@register(
    "leaky-hessian-at-minimum",
    title="Hessian of the leaky-ReLU loss at W = V: FD-checked, block-diagonal by Specht type, spectrum and zeros in α",
    defaults={**SCAN, "alpha": 0.0, "convention": "slope", "fd_k_max": 5, "fd_h": 1e-4, "fd_rtol": 1e-3,
              "one_sided_h": [1e-2, 1e-3, 1e-4], "one_sided_rtol": 1e-3, "bruteforce_k_max": 5, "leak_max": 1e-12, "plot_k": 5},
)
def hessian_at_minimum(ctx: CheckContext) -> CheckResult:
    """Per k: (1) the isotypic projectors (from the transposition class sum) sum to I, are idempotent,
    orthogonal, of rank m_λ d_λ with m_λ from characters, and equal the textbook character sum over S_k for
    k ≤ ``bruteforce_k_max``; (2) the analytic Hessian at W = V is S_k-equivariant, its leakage
    ``max ‖P_a H P_b‖/‖H‖`` ≤ ``leak_max``, its spectrum equals the union of the reduced blocks' spectra
    (each ×d_λ); (3) for k ≤ ``fd_k_max`` it matches a central FD Hessian of the closed-form loss within
    ``fd_rtol`` (error O(h): the loss is C² but not C³ at parallel pairs), and one-sided second differences
    along parallel / perpendicular / random directions from both sides converge to dᵀHd (the Hessian is a
    genuine two-sided second derivative); (4) the gradient vanishes; (5) the spectrum is ≥ 0 on the α grid
    (global minimum). ``measured`` lists the eigenvalues at ``alpha`` and every α where one reaches 0."""
    p = ctx.params
    sp = _scan_params(ctx)
    conv = str(p["convention"])
    if conv not in CONVENTIONS:
        raise ParameterError(f"convention: expected one of {CONVENTIONS}, got {conv!r}")
    alpha = float(p["alpha"])
    s = float(slope_of(alpha, conv))
    hs = [float(h) for h in p["one_sided_h"]]
    if not hs or min(hs) <= 0 or float(p["fd_h"]) <= 0 or float(p["fd_rtol"]) <= 0 or float(p["one_sided_rtol"]) <= 0:
        raise ParameterError("fd_h, fd_rtol, one_sided_rtol and every one_sided_h must be positive")
    rec = Recorder(ctx)
    per_k, certs = {}, {}
    fd_k_max = 4 if ctx.quick_for("fd_k_max") else int(p["fd_k_max"])
    for k in sp["ks"]:
        dec = isotypic_decomposition(k)
        P = [c.projector for c in dec.components]
        n = k * k
        c = {
            "sum_minus_identity": float(np.abs(sum(P) - np.eye(n)).max()),
            "idempotency": max(float(np.abs(q @ q - q).max()) for q in P),
            "mutual_orthogonality": max(float(np.abs(a @ b).max()) for i, a in enumerate(P) for j, b in enumerate(P) if i != j),
            "symmetry": max(float(np.abs(q - q.T).max()) for q in P),
        }
        for name, val in c.items():
            rec.compare(f"projector_{name}", f"k={k}", val, 0.0, atol=1e-12, rtol=0.0)
        mult = isotypic_multiplicities(k)
        for comp in dec.components:
            rec.compare("projector_rank", f"k={k} {comp.name}", float(np.trace(comp.projector)), comp.multiplicity * comp.dim_irrep, atol=1e-9)
            if k <= int(p["bruteforce_k_max"]):
                err = float(np.abs(character_projector(k, comp.partition) - comp.projector).max())
                c[f"bruteforce_{comp.name}"] = err
                rec.compare("projector_vs_character_sum", f"k={k} {comp.name}", err, 0.0, atol=1e-12, rtol=0.0)
        H = loss_hessian(np.eye(k), s)
        pencil = reduced_pencil(k)
        c["equivariance_defect"] = equivariance_defect(H, k)
        c["leakage"] = block_leakage(H, dec)
        rec.compare("equivariance_defect", f"k={k}", c["equivariance_defect"], 0.0, atol=1e-13, rtol=0.0)
        rec.compare("leakage", f"k={k}", c["leakage"], 0.0, atol=float(p["leak_max"]), rtol=0.0)
        table = eigen_table(pencil, alpha, conv, sp["zero_tol"])
        reduced = np.sort(np.concatenate([np.full(r["multiplicity"], r["value"]) for r in table]))
        full = np.linalg.eigvalsh(H)
        c["spectrum_match"] = float(np.abs(reduced - full).max() / max(float(np.abs(full).max()), 1e-300))
        rec.compare("reduced_vs_full_spectrum", f"k={k}", c["spectrum_match"], 0.0, atol=1e-12, rtol=0.0)
        c["gradient_max"] = float(np.abs(loss_grad(np.eye(k), s)).max())
        rec.compare("gradient_at_minimum", f"k={k}", c["gradient_max"], 0.0, atol=1e-13, rtol=0.0)
        if k <= fd_k_max:
            fd = fd_certificates(k, s, float(p["fd_h"]), hs, ctx.rng(10, k))
            c["fd"] = fd
            rec.compare("fd_gradient_at_minimum", f"k={k}", fd["grad_fd_max"], 0.0, atol=1e-7, rtol=0.0)
            err = fd["central_rel_error"][str(float(p["fd_h"]))]
            rec.compare("fd_hessian_rel_error", f"k={k} h={p['fd_h']}", err, 0.0, atol=float(p["fd_rtol"]), rtol=0.0)
            hmin = f"{min(hs):g}"
            for dname, dd in fd["one_sided"].items():
                for side in "+-":
                    rec.compare("one_sided_second_difference", f"k={k} {dname} {side}h={hmin}", dd["rel_errors"][side + hmin], 0.0,
                                atol=float(p["one_sided_rtol"]), rtol=0.0)
        sc = scan(k, conv, sp["alpha_min"], sp["alpha_max"], sp["n_alpha"], sp["zero_tol"], sp["alpha_tol"])
        san = sanity(sc, reduced_pencil(k))
        c.update(san)
        rec.compare("min_eigenvalue_over_grid_rel", f"k={k}", max(0.0, -san["min_eigenvalue_rel"]), 0.0, atol=10 * sp["zero_tol"], rtol=0.0)
        rec.compare("full_vs_reduced_kernel", f"k={k}", san["kernel_mismatches"], 0.0, atol=0.0, rtol=0.0)
        rec.cases += 1
        certs[str(k)] = c
        per_k[str(k)] = {
            "alpha": alpha,
            "slope": s,
            "eigenvalues": table,
            "kernel_dim": sum(r["multiplicity"] for r in table if r["zero"]),
            "multiplicities": {dec.components[i].label: m for i, m in enumerate(mult.values())},
            "degenerate_alphas": [_critical_row(cv) for cv in sc.critical],
        }
        ctx.progress(f"k={k}: {len(sc.critical)} degenerate α")
    plot_k = int(p["plot_k"])
    plots = ()
    if plot_k in sp["ks"]:
        crit = [r["alpha"] for r in per_k[str(plot_k)]["degenerate_alphas"]]
        plots = (_spectrum_plot(plot_k, conv, sp, crit, f"leaky-spectrum-k{plot_k}-{conv}"),)
    summary = "; ".join(
        f"k={k}: λ_min({conv} α={alpha:g}) = {per_k[str(k)]['eigenvalues'][0]['value']:.4g}, zeros at α = "
        + (", ".join(f"{_fmt(r['alpha'])} (dim {r['kernel_dim']})" for r in per_k[str(k)]["degenerate_alphas"]) or "none")
        for k in sp["ks"]
    )
    return rec.result(
        "leaky-hessian-at-minimum",
        f"all certificates hold for k = {sp['ks']}. {summary}",
        f"{len(rec.failures)} certificate(s) failed. {summary}",
        measured=per_k,
        expected={"hessian": "PSD at W = V, S_k-equivariant, block-diagonal by Specht type"},
        tolerance={"projectors": 1e-12, "leakage": p["leak_max"], "fd": f"{p['fd_rtol']} relative at h={p['fd_h']} (O(h): C² not C³)",
                   "one_sided": f"{p['one_sided_rtol']} relative at the smallest h", "zero": f"|λ| <= {sp['zero_tol']:g}·‖H‖₂"},
        certificates=certs,
        plots=plots,
    )


def _extra(letter: str, summ: dict) -> str:
    """The numbers behind a claim's count, for its summary line."""
    if letter == "b":
        z = summ["kernel_at_zero"]
        dims = ", ".join(f"k={k}: {v['kernel_dim']}" for k, v in z.items())
        return f"; at α = 0: λ_min = {min(v['lambda_min'] for v in z.values()):.4g}, kernel dims {dims}"
    if letter == "e":
        dims = [r["kernel_dim"] for r in summ["kernels"]["5"]]
        return f"; k=5 kernel dim {dims}, types {', '.join(summ['k5_types'])}"
    return ""


def _fmt(alpha: float) -> str:
    """α for summaries: 12 decimals (so 1 − 1.0000000000000002 prints as 0); ``measured`` keeps the float."""
    return f"{round(alpha, 12) + 0.0:.12g}"


def _critical_row(cv) -> dict:
    return {
        "alpha": cv.alpha,
        "slope": cv.slope,
        "kernel_dim": cv.kernel_dim,
        "full_kernel_dim": cv.full_kernel_dim,
        "full_gap": cv.full_gap,
        "types": [{"type": t[0], "partition": t[1], "copies": t[2], "dim_irrep": t[3]} for t in cv.types],
        "contact": cv.contact,
        "contact_order": cv.order,
    }


# ---- the abstract's claims, one check each -----------------------------------------------------------------

CLAIMS = {
    "a": ("degeneracy_found_every_k",),
    "b": ("degenerate_at_zero",),
    "c": ("negative_alpha_bifurcations", "width_independent"),
    "d": ("engineering_regime_instabilities",),
    "e": ("k5_critical_values", "k5_symmetry_types"),
}


def _claim_check(letter: str, ctx: CheckContext) -> CheckResult:
    sp = _scan_params(ctx)
    ks = sorted(set(sp["ks"]) | ({5} if letter == "e" else set()))
    rec = Recorder(ctx)
    by_reading, held, bad = {}, {}, []
    plots = []
    for conv in _readings(ctx):
        scans = _scans(ctx, conv, ks, sp)
        summ = reading_summary(scans, sp["alpha_tol"], sp["zero_tol"])
        for k, sc in scans.items():
            san = sanity(sc, reduced_pencil(k))
            if san["kernel_mismatches"] or san["min_eigenvalue_rel"] < -10 * sp["zero_tol"]:
                bad.append(f"{conv} k={k}: {san}")
        before = len(rec.failures)
        for q in CLAIMS[letter]:
            rec.claim(q, conv, summ[q])
            rec.cases += 1
        held[conv] = len(rec.failures) == before
        by_reading[conv] = summ
        if letter == "e":
            plots.append(_spectrum_plot(5, conv, sp, summ["critical_alphas"]["5"], f"leaky-spectrum-k5-{conv}"))
    ok = [c for c, h in held.items() if h]
    status = INCONCLUSIVE if bad else (PASS if len(ok) == len(held) else FAIL if not ok else INCONCLUSIVE)
    crit = {c: sorted({_fmt(a) for v in by_reading[c]["critical_alphas"].values() for a in v}) for c in held}
    detail = "; ".join(
        f"{c}: " + ", ".join(f"{q} = {by_reading[c][q]}" for q in CLAIMS[letter]) + (" (as claimed)" if held[c] else " (claim differs)")
        + f" [critical α: {', '.join(crit[c]) or 'none'}{_extra(letter, by_reading[c])}]"
        for c in held
    )
    claimed = ", ".join(f"{q} = {ctx.expect[q].value.text}" for q in CLAIMS[letter])
    if bad:
        text = f"sanity certificates failed, nothing concluded: {bad[:2]}"
    elif status == INCONCLUSIVE:
        text = f"the readings disagree — holds under {ok}, not under {[c for c in held if c not in ok]}. Claimed {claimed}; measured {detail}"
    else:
        text = f"claimed {claimed}; measured {detail}"
    return rec.result(
        f"leaky-claim-{letter}",
        text,
        text,
        status=status,
        measured={"readings": by_reading, "ks": ks, "alpha_range": [sp["alpha_min"], sp["alpha_max"]], "n_alpha": sp["n_alpha"]},
        expected={q: ctx.expect[q].value.text for q in CLAIMS[letter]},
        tolerance={"zero": f"|λ| <= {sp['zero_tol']:g}·‖H(α)‖₂", "alpha": f"critical values equal within {sp['alpha_tol']:g}",
                   "verdict": "pass if every reading run agrees, fail if none does, inconclusive if they split"},
        plots=tuple(plots),
    )


_CLAIM_DEFAULTS = {**SCAN, "convention": "both"}


@register("leaky-claim-a", title="(a) for every k ≥ 4 tested, the global minimum degenerates (bifurcates) at some α, with its Specht types",
          defaults=_CLAIM_DEFAULTS, quantities=CLAIMS["a"])
def claim_a(ctx: CheckContext) -> CheckResult:
    """``degeneracy_found_every_k`` = 1 when, for every k in ``ks``, some α in the range makes the Hessian at
    W = V singular (a zero eigenvalue found by the scan and confirmed on the full Hessian)."""
    return _claim_check("a", ctx)


@register("leaky-claim-b", title="(b) multi-mode degeneracy at α = 0 for every k", defaults=_CLAIM_DEFAULTS, quantities=CLAIMS["b"])
def claim_b(ctx: CheckContext) -> CheckResult:
    """``degenerate_at_zero`` = 1 when the Hessian at W = V is singular at α = 0 for every k in ``ks``
    (kernel dimensions and types in ``measured``)."""
    return _claim_check("b", ctx)


@register("leaky-claim-c", title="(c) bifurcations are width-independent and occur only for α ≥ 0",
          defaults=_CLAIM_DEFAULTS, quantities=CLAIMS["c"])
def claim_c(ctx: CheckContext) -> CheckResult:
    """``negative_alpha_bifurcations`` counts zero eigenvalues at α < −alpha_tol over all k;
    ``width_independent`` = 1 when every k has the same set of critical α (within alpha_tol)."""
    return _claim_check("c", ctx)


@register("leaky-claim-d", title="(d) no instability of the global minimum for α in (0, 1)",
          defaults=_CLAIM_DEFAULTS, quantities=CLAIMS["d"])
def claim_d(ctx: CheckContext) -> CheckResult:
    """``engineering_regime_instabilities`` counts critical α in the open interval (alpha_tol, 1 − alpha_tol),
    over all k; the closest approach of λ_min to 0 inside the interval is in ``measured``."""
    return _claim_check("d", ctx)


@register("leaky-claim-e", title="(e) k = 5: number of critical values and of Specht types of the bifurcations",
          defaults=_CLAIM_DEFAULTS, quantities=CLAIMS["e"])
def claim_e(ctx: CheckContext) -> CheckResult:
    """For k = 5: ``k5_critical_values`` = number of distinct α in the range where the Hessian at W = V is
    singular; ``k5_symmetry_types`` = number of distinct Specht types in those kernels."""
    return _claim_check("e", ctx)
