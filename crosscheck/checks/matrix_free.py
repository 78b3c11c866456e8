"""Matrix-free checks of Proposition 7.4 (dim ker H₀ = (m−1)d) and Theorem 7.6(i) (the eigenvalue α of
H₀,α = H₀ + αI has multiplicity (m−1)d) at network scale, md up to ~10⁶, never forming the Hessian.

H₀ = ∇²_W L(W, 0) = (v vᵀ) ⊗ Σ̂ is applied from the data by :func:`~crosscheck.numerics.hvp.loss_hvp`
(O(md + N·d) per product) and its kernel is certified by
:func:`~crosscheck.numerics.certify.certify_multiplicity` (randomized range finder with the a-posteriori
bound of Halko–Martinsson–Tropp, Rayleigh–Ritz, Weyl): with probability ≥ 1 − 10^(−probes), exactly
``kernel_dim`` eigenvalues of H₀ lie in [−ρ, ρ] and the others are ≥ ``lambda_min_plus`` − ρ. Since
H₀,α − αI = H₀, the same split gives the α-multiplicity and puts every other eigenvalue of H₀,α at
≥ α + λ_min⁺(H₀) − ρ; Lanczos (``eigsh``) on the H₀,α operator itself checks λ_max = α + λ_max(H₀), and
a vector orthogonal to the captured range is a certified Ritz vector for α.

Independently of the operator, rank Σ̂ is decided on the d × d matrix (exactly, in integers, for the
digits), predicting dim ker H₀ = md − rank(vvᵀ)·rank Σ̂. The claim is compared only where its
hypotheses hold (v ≠ 0, Σ̂ ≻ 0); elsewhere (raw digits: 3 constant pixels; v = 0; a singular Σ) the case
is a control: the certified kernel must equal the prediction, and the claimed formula is shown failing.
"""

from __future__ import annotations

import math
from typing import Any

from crosscheck.checks._matrix_free_case import (
    CERT_DEFAULTS,
    DATASETS,
    QUANTITIES,
    V_KINDS,
    Case,
    Outcome,
    measured_of,
    run_case,
)
from crosscheck.checks.base import FAIL, INCONCLUSIVE, PASS, CheckContext, CheckResult, ParameterError, Plot, Recorder, Series, register


def _opts(ctx: CheckContext) -> dict[str, Any]:
    """The certificate options, validated (a bad value is a usage error naming the parameter)."""
    p = ctx.params
    if not 0 < p["rtol"] < 1:
        raise ParameterError(f"rtol: must lie in (0, 1), got {p['rtol']}")
    if not p["gap_max"] > 0:
        raise ParameterError(f"gap_max: must be positive, got {p['gap_max']}")
    if p["probes"] < 1 or p["oversample"] < 0:
        raise ParameterError(f"probes >= 1 and oversample >= 0 are required, got {p['probes']} and {p['oversample']}")
    if p["alpha_certificate"] not in ("derived", "direct"):
        raise ParameterError(f"alpha_certificate: expected 'derived' or 'direct', got {p['alpha_certificate']!r}")
    return {k: p[k] for k in CERT_DEFAULTS}


def _validate_case(case: Case) -> Case:
    if case.dataset not in DATASETS:
        raise ParameterError(f"dataset: expected one of {DATASETS}, got {case.dataset!r}")
    if case.v_kind not in V_KINDS:
        raise ParameterError(f"v: expected one of {V_KINDS}, got {case.v_kind!r}")
    if not (case.alpha > 0 and math.isfinite(case.alpha)):
        raise ParameterError(f"alpha: must be positive (Theorem 7.6 needs α > 0), got {case.alpha}")
    if case.m < 1 or case.d < 1 or case.N < 0 or case.cond < 1:
        raise ParameterError(f"need m >= 1, d >= 1, N >= 0 and cond >= 1; got m={case.m}, d={case.d}, N={case.N}, cond={case.cond}")
    if case.dataset.startswith("digits") and case.N > 1797:
        raise ParameterError(f"N: the digits have 1797 images, got N={case.N}")
    if case.dataset == "synthetic" and (case.sigma_rank >= case.d or (case.N and case.N < case.d)):
        raise ParameterError(f"sigma_rank must be < d (or −1 for full rank) and N >= d; got sigma_rank={case.sigma_rank}, N={case.N}, d={case.d}")
    return case


def record(rec: Recorder, o: Outcome, ctx: CheckContext, controls: list, uncertified: list) -> None:
    """Compare one outcome: with the prediction always, with the claim where its hypotheses hold."""
    c = o.case
    label = c.label
    rec.cases += 1
    if not o.certified:
        uncertified.append(f"{label}: {o.refusal}")
        return
    rec.compare("kernel_dim_vs_rank_sigma", label, o.cert.nullity, o.predicted_kernel)
    rec.compare("alpha_multiplicity_vs_kernel_dim", label, o.alpha_multiplicity, o.cert.nullity)
    if o.lanczos:
        lz = o.lanczos
        rec.compare("lambda_max_H0alpha", label, lz["lambda_max"], lz["lambda_max_expected"], rtol=0.0, atol=lz["lambda_max_allowed"])
        if "alpha_ritz_residual" in lz:
            rec.compare("alpha_ritz_residual", label, lz["alpha_ritz_residual"], 0.0, rtol=0.0, atol=lz["alpha_ritz_allowed"])
    claimed_k = ctx.expected("kernel_dim", m=c.m, d=o.data.d)
    claimed_a = ctx.expected("alpha_multiplicity", m=c.m, d=o.data.d, alpha=c.alpha)
    if not o.hypotheses:
        rec.claim("kernel_dim", label, o.cert.nullity, m=c.m, d=o.data.d)
        rec.claim("alpha_multiplicity", label, o.alpha_multiplicity, m=c.m, d=o.data.d, alpha=c.alpha)
    else:
        controls.append(
            {
                "case": label,
                "hypotheses_failing": o.hypotheses,
                "kernel_dim": o.cert.nullity,
                "predicted_md_minus_rank": o.predicted_kernel,
                "claimed_formula": claimed_k,
                "claimed_formula_holds": bool(o.cert.nullity == claimed_k and o.alpha_multiplicity == claimed_a),
            }
        )


def _ritz_plot(o: Outcome) -> Plot:
    th = [abs(t) for t in o.cert.ritz] or [0.0]
    idx = tuple(float(i) for i in range(1, len(th) + 1))
    hl = ((o.cert.threshold, "threshold τ"),) + (((o.cert.zero_radius, "zero radius ρ"),) if o.cert.zero_radius > 0 else ())
    return Plot(
        name="matrix-free-ritz",
        title=f"Certified non-zero eigenvalues of H₀, md = {o.n:,}",
        xlabel="index",
        ylabel="|θ| (Ritz value of H₀)",
        logy=True,
        series=(Series(f"{o.cert.rank} Ritz values", idx, tuple(th), "markers"),),
        hlines=hl,
        caption=f"{o.case.label}: {o.cert.nullity:,} eigenvalues of H₀ certified in [−ρ, ρ], the other {o.cert.rank} shown"
        f" (failure probability ≤ {o.cert.failure_probability:.0e}).",
    )


@register(
    "matrix-free-kernel",
    title="dim ker((vvᵀ)⊗Σ̂) and the α-multiplicity of H₀,α certified from Hessian-vector products (md up to 10⁶)",
    defaults={"m": 256, "d": 16, "N": 0, "alpha": 0.1, "dataset": "synthetic", "cond": 1e3, "sigma_rank": -1, "v": "distinct", **CERT_DEFAULTS},
    quantities=QUANTITIES,
    variables={"kernel_dim": ("m", "d"), "alpha_multiplicity": ("m", "d", "alpha")},
)
def matrix_free_kernel(ctx: CheckContext) -> CheckResult:
    """One case (``dataset`` synthetic | digits | digits-nonconstant; digits fix d = 64 or 61): H₀ is
    applied from the data by ``loss_hvp``; a randomized range finder (block d + oversample, grown if
    needed) with ``probes`` fresh Gaussian probes certifies, with failure probability ≤ 10^(−probes),
    that exactly ``kernel_dim`` eigenvalues of H₀ lie within ρ = 2ε + op_error of 0 and the rest at
    ≥ λ_min⁺ − ρ (HMT Lemma 4.1 + Weyl); "zero" means ≤ rtol·‖H₀‖, the split must have gap ρ/(λ_min⁺ − ρ)
    ≤ gap_max, otherwise the result is inconclusive with the reason. α-multiplicity = dim ker H₀ since
    H₀,α − αI = H₀ (``alpha_certificate="direct"`` certifies it on the H₀,α operator instead); Lanczos
    checks λ_max(H₀,α). Compared with the claim's ``kernel_dim``/``alpha_multiplicity`` when v ≠ 0 and
    Σ̂ ≻ 0, and with md − rank Σ̂ (rank decided on the d × d Σ̂, exactly for the digits) always."""
    p = ctx.params
    case = _validate_case(
        Case(str(p["dataset"]), int(p["m"]), int(p["d"]), int(p["N"]), float(p["alpha"]), float(p["cond"]), int(p["sigma_rank"]), str(p["v"]))
    )
    opts = _opts(ctx)
    ctx.progress(f"{case.label}: certifying, md = {case.m * (case.d if case.dataset == 'synthetic' else 64):,}")
    o = run_case(case, ctx.rng(70_000), opts, ctx.progress)
    rec, controls, uncertified = Recorder(ctx), [], []
    record(rec, o, ctx, controls, uncertified)
    cl_k = ctx.expected("kernel_dim", m=case.m, d=o.data.d)
    if rec.failures:
        status, summary = FAIL, f"{len(rec.failures)} disagreement(s): " + "; ".join(
            f"{f.quantity} measured {f.measured:.8g}, expected {f.expected:.8g}" for f in rec.failures[:3]
        )
    elif uncertified:
        status, summary = INCONCLUSIVE, f"not certified ({o.case.label}): {o.refusal}"
    elif o.hypotheses:
        status = PASS
        holds = "holds anyway" if controls[0]["claimed_formula_holds"] else "does not hold"
        summary = (
            f"the claim does not apply: {'; '.join(o.hypotheses)}. Certified dim ker H₀ = {o.cert.nullity:,} = md − rank(vvᵀ)·rank Σ̂"
            f" as predicted; the claimed (m−1)d = {cl_k:,.0f} {holds} (md = {o.n:,}, gap {o.cert.gap:.1e})"
        )
    else:
        status = PASS
        summary = (
            f"dim ker H₀ = α-multiplicity = {o.cert.nullity:,} as claimed ((m−1)d), md = {o.n:,}, certified from"
            f" {measured_of(o)['products']} products: gap {o.cert.gap:.1e}, failure probability ≤ {o.cert.failure_probability:.0e}"
        )
    certs = {"kernel": o.cert.as_dict()}
    if o.alpha_cert is not None:
        certs["alpha"] = o.alpha_cert.as_dict()
    return CheckResult(
        check_id="matrix-free-kernel",
        status=status,
        summary=summary,
        measured=measured_of(o),
        expected={q: ctx.expect[q].value.text for q in QUANTITIES if q in ctx.expect},
        tolerance=_tolerance(ctx),
        cases=rec.cases,
        failures=tuple(rec.failures),
        worst=rec.worst,
        certificates=certs,
        plots=(_ritz_plot(o),),
        seed=ctx.seed,
    )


def _tolerance(ctx: CheckContext) -> dict[str, Any]:
    p = ctx.params
    return {
        "zero": f"|λ| <= rtol·‖H₀‖, rtol = {p['rtol']:g} (‖H₀‖ estimated by the largest Ritz value)",
        "gap_max": p["gap_max"],
        "probes": p["probes"],
        "failure_probability": 10.0 ** (-int(p["probes"])),
        "certificate": "HMT Lemma 4.1: ‖(I−QQᵀ)H₀‖ <= 10·sqrt(2/π)·max_i‖(I−QQᵀ)H₀ω_i‖ w.p. >= 1 − 10^(−probes);"
        " Weyl: eigenvalues within ρ = 2ε + op_error of {θ_i} ∪ {0}",
        "op_error": "(m + N + d)·eps·‖v‖²·‖X‖²_F/N (rounding of one product)",
        "kernel_dim": "exact integer comparison",
    }


GRID_DEFAULTS = {
    "ms": [1, 3, 64, 1024],
    "ds": [1, 8, 32],
    "conds": [1.0, 1e6],
    "v_kinds": ["distinct", "some-zero"],
    "digits_ms": [1, 64, 4096],
    "raw_digits_ms": [64, 4096],
    "large_m": 65536,
    "large_d": 16,
    "alpha": 0.1,
    "direct_max_md": 20000,
    **CERT_DEFAULTS,
}


def grid_cases(ctx: CheckContext) -> list[Case]:
    """Synthetic grid (m × d × cond × v kind), one large synthetic case (md = large_m·large_d), digits
    with the constant pixels removed (the claim applies), raw digits and two synthetic controls
    (v = 0; rank Σ = d − 3) where a hypothesis fails."""
    p = ctx.params
    a = float(p["alpha"])
    ms, ds, conds, kinds = list(p["ms"]), list(p["ds"]), list(p["conds"]), list(p["v_kinds"])
    dms, rms = list(p["digits_ms"]), list(p["raw_digits_ms"])
    large = int(p["large_m"]) > 0
    if ctx.quick_for("ms", "ds", "conds", "v_kinds", "digits_ms", "raw_digits_ms", "large_m"):
        ms, ds, conds, kinds = [x for x in ms if x <= 64][:2], ds[:2], conds[:1], kinds[:1]
        dms, rms, large = [x for x in dms if x <= 64][-1:], [x for x in rms if x <= 64][:1], False
    cases = [Case("synthetic", m, d, 0, a, float(c), -1, k) for m in ms for d in ds for c in conds for k in kinds]
    if large:
        cases.append(Case("synthetic", int(p["large_m"]), int(p["large_d"]), 0, a, 1e3))
    cases += [Case("digits-nonconstant", m, 64, 0, a) for m in dms]
    cases += [Case("digits", m, 64, 0, a) for m in rms]
    cases += [Case("synthetic", 64, 8, 0, a, 1e3, -1, "zero"), Case("synthetic", 64, 8, 0, a, 1e3, 5)]
    return cases


@register(
    "matrix-free-kernel-grid",
    title="matrix-free kernel and α-multiplicity certificates over a synthetic grid, md ≈ 10⁶ and the digits",
    defaults=GRID_DEFAULTS,
    quantities=QUANTITIES,
    variables={"kernel_dim": ("m", "d"), "alpha_multiplicity": ("m", "d", "alpha")},
)
def matrix_free_kernel_grid(ctx: CheckContext) -> CheckResult:
    """Runs the ``matrix-free-kernel`` certificate (see there: HMT range finder + a-posteriori bound with
    failure probability 10^(−probes) per case, Rayleigh–Ritz, Weyl, Lanczos for λ_max(H₀,α)) over
    ``grid_cases``; cases with md ≤ ``direct_max_md`` (all with ``alpha_certificate="direct"``) certify
    the α-multiplicity directly on the H₀,α operator, the others derive it from dim ker H₀. The claim's ``kernel_dim``/``alpha_multiplicity`` are compared exactly where v ≠ 0
    and Σ̂ ≻ 0; every case is compared with md − rank(vvᵀ)·rank Σ̂; controls (raw digits, v = 0,
    singular Σ) must show the claimed formula failing. Inconclusive if any case is refused."""
    rec, controls, uncertified = Recorder(ctx), [], []
    opts = _opts(ctx)
    cases = [_validate_case(c) for c in grid_cases(ctx)]
    rows, gaps = [], []
    for i, case in enumerate(cases, 1):
        n_est = case.m * (case.d if case.dataset == "synthetic" else 64)
        direct = opts["alpha_certificate"] == "direct" or n_est <= int(ctx.params["direct_max_md"])
        o = run_case(case, ctx.rng(80_000, i), {**opts, "alpha_certificate": "direct" if direct else "derived"})
        record(rec, o, ctx, controls, uncertified)
        gaps.append((float(o.n), o.cert.gap))
        rows.append(
            {
                "case": case.label,
                "md": o.n,
                "kernel_dim": o.cert.nullity,
                "alpha_multiplicity": o.alpha_multiplicity,
                "alpha_certificate": "direct" if o.alpha_cert is not None else "derived",
                "claim_applies": not o.hypotheses,
                "status": o.cert.status,
                "gap": o.cert.gap,
                "products": measured_of(o)["products"],
                "seconds": round(o.seconds, 3),
            }
        )
        if i == len(cases) or i % max(1, len(cases) // 4) == 0:
            ctx.progress(f"{i}/{len(cases)} cases (last: {case.label}, md = {o.n:,})")
    held = [c["case"] for c in controls if c["claimed_formula_holds"]]
    if rec.failures:
        status = FAIL
    elif uncertified or held:
        status = INCONCLUSIVE
    else:
        status = PASS
    applies = sum(1 for r in rows if r["claim_applies"])
    worst_gap = max((g for _, g in gaps if math.isfinite(g)), default=0.0)
    biggest = max(rows, key=lambda r: r["md"])
    summary_pass = (
        f"kernel dimension and α-multiplicity (m−1)d certified matrix-free in all {applies} cases where the claim applies"
        f" (largest md = {biggest['md']:,}); {len(controls)} controls show md − rank Σ̂ instead; worst gap {worst_gap:.1e}"
    )
    if rec.failures:
        summary_fail = f"{len(rec.failures)} disagreement(s), first: {rec.failures[0].case}: {rec.failures[0].quantity}"
    elif uncertified:
        summary_fail = f"{len(uncertified)} case(s) not certified, first: {uncertified[0]}"
    else:
        summary_fail = f"the claimed formula held without its hypothesis in {held}"
    plots = (
        Plot(
            name="matrix-free-gap",
            title="Certificate gap ρ / (λ_min⁺ − ρ) per case",
            xlabel="md",
            ylabel="gap",
            logx=True,
            logy=True,
            series=(Series("cases", tuple(x for x, g in gaps if g > 0), tuple(g for _, g in gaps if g > 0), "markers"),),
            hlines=((float(ctx.params["gap_max"]), "gap_max"),),
            caption="Below gap_max the zero cluster and the non-zero eigenvalues are certified apart (cases with nothing to separate, gap 0, are not drawn).",
        ),
    )
    return rec.result(
        "matrix-free-kernel-grid",
        summary_pass,
        summary_fail,
        status=status,
        measured={"cases": rows, "controls": controls, "uncertified": uncertified[:10], "worst_gap": worst_gap, "largest_md": biggest["md"]},
        expected={q: ctx.expect[q].value.text for q in QUANTITIES if q in ctx.expect},
        tolerance=_tolerance(ctx),
        certificates={"worst_gap": worst_gap, "failure_probability_per_case": 10.0 ** (-int(ctx.params["probes"])), "cases": len(rows)},
        plots=plots,
    )
