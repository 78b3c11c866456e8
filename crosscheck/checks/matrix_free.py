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
digits), predicting dim ker H₀ = md − rank(vvᵀ)·rank Σ̂: every certified case is compared with that
prediction (the check's own consistency test). The claim's quantities are compared, exactly (integers,
no floor), only in cases where its hypotheses hold (v ≠ 0, Σ̂ ≻ 0). Elsewhere (raw digits: 3 constant
pixels; v = 0; a singular Σ) the case is not applicable: counted and shown, and it serves as a control
(the certified kernel is md − rank Σ̂, where the claimed formula must not hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from crosscheck.checks._matrix_free_case import (
    CERT_DEFAULTS,
    DATASETS,
    QUANTITIES,
    V_KINDS,
    Case,
    CaseRecord,
    measured_of,
    record_of,
    run_case,
)
from crosscheck.engine.api import CheckContext, Param, ParameterError, Plot, Presentation, Recorder, Series, check
from crosscheck.numerics.orth import reuse_buffers

DIGITS_N = 1797  # images in scikit-learn's digits
DIGITS_D = 64  # pixels (61 vary over all 1797 images)

CERT_PARAMS: dict[str, Param] = {
    "rtol": Param(default=CERT_DEFAULTS["rtol"], gt=0.0, lt=1.0, doc="an eigenvalue is zero when |λ| ≤ rtol·‖H₀‖"),
    "gap_max": Param(default=CERT_DEFAULTS["gap_max"], gt=0.0, doc="largest accepted certificate gap ρ/(λ_min⁺ − ρ)"),
    "probes": Param(default=CERT_DEFAULTS["probes"], ge=1, doc="Gaussian probes of the a-posteriori bound: failure probability 10^(−probes)"),
    "oversample": Param(default=CERT_DEFAULTS["oversample"], ge=0, doc="extra columns of the range finder's block"),
    "alpha_certificate": Param(
        default=CERT_DEFAULTS["alpha_certificate"], choices=("derived", "direct"),
        doc="derived: α-multiplicity = dim ker H₀ (H₀,α − αI = H₀); direct: certified on the H₀,α operator",
    ),
    "lanczos": Param(default=CERT_DEFAULTS["lanczos"], doc="check λ_max(H₀,α) by Lanczos and a Ritz vector for α"),
}

QUANTITY_VARS = {"kernel_dim": ("m", "d"), "alpha_multiplicity": ("m", "d", "alpha")}
FLOOR_WHY = "exact integer comparison"


def _opts(p: Mapping[str, Any], **override: Any) -> dict[str, Any]:
    return {**{k: p[k] for k in CERT_DEFAULTS}, **override}


def _case_bytes(m: int, d: int, N: int, p: Mapping[str, Any]) -> float:
    """Bytes of one case: the certificate's two n × k work buffers (k = d + oversample, at least 3·probes
    columns for the first), the kept basis Q (n × d, alive during the direct α-certificate), Lanczos and
    product temporaries (~14 vectors of length n), and the data (N × d, a few copies)."""
    n = m * d
    k = min(n, d + int(p["oversample"]))
    cols = max(k, 3 * int(p["probes"])) + k + min(n, d) + 14
    return 8.0 * (n * cols + 4 * N * d)


def _data_shape(dataset: str, d: int, N: int) -> tuple[int, int]:
    """(d, N) of the data a case will use (digits: 64 pixels at most, all 1797 images for N = 0)."""
    if dataset == "synthetic":
        return d, (N or max(4 * d, 256))
    return DIGITS_D, (N or DIGITS_N)


def _certificate_tolerance(rtol: float, gap_max: float, probes: int) -> dict[str, Any]:
    return {
        "zero": f"|λ| ≤ rtol·‖H₀‖, rtol = {rtol:g} (‖H₀‖ estimated by the largest Ritz value)",
        "gap_max": gap_max,
        "probes": probes,
        "failure_probability": 10.0 ** (-probes),
        "certificate": "HMT Lemma 4.1: ‖(I−QQᵀ)H₀‖ ≤ 10·sqrt(2/π)·max_i‖(I−QQᵀ)H₀ω_i‖ with probability ≥ 1 − 10^(−probes);"
        " Weyl: eigenvalues within ρ = 2ε + op_error of {θ_i} ∪ {0}",
        "op_error": "(m + N + d)·eps·‖v‖²·‖X‖²_F/N (rounding of one product)",
        "kernel_dim": "exact integer comparison under the ledger's tolerance, no floor",
        "alpha_multiplicity": "exact integer comparison under the ledger's tolerance, no floor",
    }


# ---- the shared judge -------------------------------------------------------------------------------


def _claimed_formula_holds(r: CaseRecord, rec: Recorder) -> bool:
    """In a case where the hypotheses fail: does the claim's formula give the certified values anyway
    (then the case shows nothing about the hypothesis being needed)?"""
    vals = {"kernel_dim": (r.cert.nullity, {"m": r.m, "d": r.d}),
            "alpha_multiplicity": (r.alpha_multiplicity, {"m": r.m, "d": r.d, "alpha": r.alpha})}
    stated = [q for q in vals if rec.stated(q)]
    return bool(stated) and all(rec.expected(q, **vals[q][1]) == vals[q][0] for q in stated)


def judge_case(r: CaseRecord, rec: Recorder) -> None:
    """One case: applicable exactly when v ≠ 0 and Σ̂ ≻ 0 (rank decided on the d × d Σ̂). A refused
    certificate decides nothing (inconclusive, with its reason). A certified one is compared with the
    prediction md − rank(vvᵀ)·rank Σ̂ and its Lanczos checks always, and with the claim where it applies;
    in a case where the claim does not apply, the claimed formula must not hold (a control)."""
    rec.case(r.label, applicable=r.applies, why=r.not_applicable_why)
    if not r.certified:
        rec.inconclusive(f"not certified ({r.label}): {r.refusal}")
        return
    rec.known("kernel_dim_vs_rank_sigma", r.cert.nullity, r.predicted_kernel, atol=0.0,
              why="md − rank(vvᵀ)·rank Σ̂, rank Σ̂ decided on the d × d matrix")
    rec.known("alpha_multiplicity_vs_kernel_dim", r.alpha_multiplicity, r.cert.nullity, atol=0.0, why="H₀,α − αI = H₀")
    if r.lanczos is not None:
        lz = r.lanczos
        rec.known("lambda_max_H0alpha", lz.lambda_max, lz.expected, atol=lz.allowed,
                  why="ρ + Lanczos residual + rounding of the product")
        if lz.alpha_ritz_residual is not None:
            rec.known("alpha_ritz_residual", lz.alpha_ritz_residual, 0.0, atol=float(lz.alpha_ritz_allowed or 0.0),
                      why="a vector off the captured range is a Ritz vector for α: residual ≤ ε + rounding")
    if r.applies:
        rec.claim("kernel_dim", r.cert.nullity, floor_why=FLOOR_WHY, m=r.m, d=r.d)
        rec.claim("alpha_multiplicity", r.alpha_multiplicity, floor_why=FLOOR_WHY, m=r.m, d=r.d, alpha=r.alpha)
    elif _claimed_formula_holds(r, rec):
        rec.inconclusive(f"the claimed formula held without its hypothesis in {r.label}: this control does not show the hypothesis is needed")


def _never_compared(records: tuple[CaseRecord, ...], rec: Recorder) -> None:
    if not any(r.applies and r.certified for r in records):
        why = ("no case where the claim's hypotheses hold" if not any(r.applies for r in records)
               else "no case where the claim applies was certified")
        for q in QUANTITIES:
            rec.not_compared(q, why)


def _ritz_plot(r: CaseRecord) -> Plot:
    th = [abs(t) for t in r.cert.ritz] or [0.0]
    idx = tuple(float(i) for i in range(1, len(th) + 1))
    hl = ((r.cert.threshold, "threshold τ"),) + (((r.cert.zero_radius, "zero radius ρ"),) if r.cert.zero_radius > 0 else ())
    return Plot(
        name="matrix-free-ritz",
        title=f"Certified non-zero eigenvalues of H₀, md = {r.n:,}",
        xlabel="index",
        ylabel="|θ| (Ritz value of H₀)",
        logy=True,
        series=(Series(f"{r.cert.rank} Ritz values", idx, tuple(th), "markers"),),
        hlines=hl,
        caption=f"{r.label}: {r.cert.nullity:,} eigenvalues of H₀ certified in [−ρ, ρ], the other {r.cert.rank} shown"
        f" (failure probability ≤ {r.cert.failure_probability:.0e}).",
    )


# ---- matrix-free-kernel -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Single:
    record: CaseRecord
    rtol: float
    gap_max: float
    probes: int


def validate_single(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    ds = p["dataset"]
    if ds.startswith("digits"):
        unused = [k for k in ("d", "cond", "sigma_rank") if k in explicit]
        if unused:
            raise ParameterError(
                f"{', '.join(unused)} {'has' if len(unused) == 1 else 'have'} no effect with dataset = {ds!r}: the digits fix d "
                f"({DIGITS_D} pixels, 61 without the constant ones) and Σ̂ by the data; leave {'it' if len(unused) == 1 else 'them'} unset"
            )
        if p["N"] > DIGITS_N:
            raise ParameterError(f"N = {p['N']}: the digits have {DIGITS_N} images (N = 0 uses all of them)")
        return
    if p["sigma_rank"] >= p["d"]:
        raise ParameterError(f"sigma_rank = {p['sigma_rank']} must be below d = {p['d']} (or −1 for full rank)")
    if p["N"] and p["N"] < p["d"]:
        raise ParameterError(f"N = {p['N']} is below d = {p['d']}: synthetic data needs N ≥ d so that Σ̂ can be Σ (N = 0: max(4d, 256))")


def memory_single(p: Mapping[str, Any]) -> float:
    d, N = _data_shape(p["dataset"], int(p["d"]), int(p["N"]))
    return _case_bytes(int(p["m"]), d, N, p)


def measure_single(ctx: CheckContext) -> Single:
    """One case (``dataset`` synthetic | digits | digits-nonconstant; the digits fix d = 64 or 61): H₀ is
    applied from the data by ``loss_hvp``; a randomized range finder (block d + oversample, grown if
    needed) with ``probes`` fresh Gaussian probes certifies, with failure probability ≤ 10^(−probes),
    that exactly ``kernel_dim`` eigenvalues of H₀ lie within ρ = 2ε + op_error of 0 and the rest at
    ≥ λ_min⁺ − ρ (HMT Lemma 4.1 + Weyl); "zero" means ≤ rtol·‖H₀‖, and the split must have gap
    ρ/(λ_min⁺ − ρ) ≤ gap_max, otherwise the certificate is refused with the reason. α-multiplicity =
    dim ker H₀ since H₀,α − αI = H₀ (``alpha_certificate="direct"`` certifies it on the H₀,α operator
    instead, its range finder started from the kernel certificate's basis when BΩ lies in its span);
    Lanczos checks λ_max(H₀,α). rank Σ̂ is decided on the d × d Σ̂ (exactly for the digits)."""
    p = ctx.params
    digits = str(p["dataset"]).startswith("digits")
    case = Case(str(p["dataset"]), int(p["m"]), DIGITS_D if digits else int(p["d"]), int(p["N"]), float(p["alpha"]),
                1e3 if digits else float(p["cond"]), -1 if digits else int(p["sigma_rank"]), str(p["v"]))
    d, _ = _data_shape(case.dataset, case.d, case.N)
    ctx.progress(f"{case.label}: certifying, md = {case.m * d:,}")
    o = run_case(case, ctx.rng(70_000), _opts(p), ctx.progress)
    return Single(record_of(o), float(p["rtol"]), float(p["gap_max"]), int(p["probes"]))


def judge_single(s: Single, rec: Recorder) -> None:
    judge_case(s.record, rec)
    _never_compared((s.record,), rec)


def present_single(s: Single) -> Presentation:
    r = s.record
    if not r.certified:
        note = f"the certificate was refused at md = {r.n:,}"
    elif r.applies:
        note = (f"certified from {r.products:,} Hessian-vector products at md = {r.n:,}: dim ker H₀ = {r.cert.nullity:,}, "
                f"α-multiplicity {r.alpha_multiplicity:,}, gap {r.cert.gap:.1e}, failure probability ≤ {r.cert.failure_probability:.0e}")
    else:
        note = (f"{'; '.join(r.hypotheses)}, so the claim does not apply: certified dim ker H₀ = {r.cert.nullity:,} "
                f"and md − rank(vvᵀ)·rank Σ̂ = {r.predicted_kernel:,}")
    certs: dict[str, Any] = {"kernel": r.cert.as_dict()}
    if r.alpha_cert is not None:
        certs["alpha"] = r.alpha_cert.as_dict()
    used: dict[str, Any] = {"d": r.d, "N": r.N}
    if r.dataset.startswith("digits"):
        used.update(cond="not used (the digits fix Σ̂)", sigma_rank="not used (the digits fix Σ̂)")
    return Presentation(
        note=note,
        measured=measured_of(r),
        certificates=certs,
        plots=(_ritz_plot(r),),
        tolerance=_certificate_tolerance(s.rtol, s.gap_max, s.probes),
        params_used=used,
    )


SINGLE = check(
    "matrix-free-kernel",
    title="dim ker((vvᵀ)⊗Σ̂) and the α-multiplicity of H₀,α certified from Hessian-vector products (md up to 10⁶)",
    measure=measure_single, judge=judge_single, present=present_single,
    reads=QUANTITY_VARS,
    params={
        "m": Param(default=256, ge=1, doc="width (rows of W)"),
        "d": Param(default=16, ge=1, doc="input dimension (synthetic only; the digits fix it)"),
        "N": Param(default=0, ge=0, doc="samples; 0: the data set's default (synthetic max(4d, 256), digits all 1797)"),
        "alpha": Param(default=0.1, gt=0.0, doc="regularisation α > 0 (Theorem 7.6)"),
        "dataset": Param(default="synthetic", choices=DATASETS, doc="synthetic data with Σ̂ = Σ, or scikit-learn's digits"),
        "cond": Param(default=1e3, ge=1.0, doc="condition number of Σ (synthetic only)"),
        "sigma_rank": Param(default=-1, ge=-1, doc="rank of Σ, −1 for full rank (synthetic only)"),
        "v": Param(default="distinct", choices=V_KINDS, doc="pattern of the output weights v"),
        **CERT_PARAMS,
    },
    validate=validate_single,
    memory=memory_single,
    cost=1.3,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- matrix-free-kernel-grid ------------------------------------------------------------------------

GRID_PARAMS: dict[str, Param] = {
    "ms": Param(default=[1, 3, 64, 1024], ge=1, min_len=1, doc="widths of the synthetic grid"),
    "ds": Param(default=[1, 8, 32], ge=1, min_len=1, doc="input dimensions of the synthetic grid"),
    "conds": Param(default=[1.0, 1e6], ge=1.0, min_len=1, doc="condition numbers of Σ in the synthetic grid"),
    "v_kinds": Param(default=["distinct", "some-zero"], choices=V_KINDS, min_len=1, doc="patterns of v in the synthetic grid"),
    "digits_ms": Param(default=[1, 64, 4096], ge=1, doc="widths with the digits without constant pixels (empty: none)"),
    "raw_digits_ms": Param(default=[64, 4096], ge=1, doc="widths with the raw digits, a control (empty: none)"),
    "large_m": Param(default=65536, ge=0, doc="width of the one large synthetic case (0: none)"),
    "large_d": Param(default=16, ge=1, doc="input dimension of the large case"),
    "alpha": Param(default=0.1, gt=0.0, doc="regularisation α > 0 (Theorem 7.6)"),
    "direct_max_md": Param(default=20000, ge=0, doc="cases with md up to this certify the α-multiplicity on H₀,α directly"),
    **CERT_PARAMS,
}
CONTROL_CASES = ((64, 8, "zero", -1), (64, 8, "distinct", 5))  # (m, d, v, rank Σ): v = 0; rank Σ = d − 3


@dataclass(frozen=True)
class GridRun:
    records: tuple[CaseRecord, ...]  # in case order (cases run one after another: no timing dependence)
    used: tuple[tuple[str, Any], ...]  # the grid actually run (quick mode thins it)
    rtol: float
    gap_max: float
    probes: int


def grid_cases(ctx: CheckContext) -> tuple[list[Case], dict[str, Any]]:
    """Synthetic grid (m × d × cond × v kind), one large synthetic case (md = large_m·large_d), digits
    with the constant pixels removed (the claim applies), raw digits and two synthetic controls
    (v = 0; rank Σ = d − 3) where a hypothesis fails. Also returns the grid actually used."""
    p = ctx.params
    a = float(p["alpha"])
    ms, ds, conds, kinds = list(p["ms"]), list(p["ds"]), list(p["conds"]), list(p["v_kinds"])
    dms, rms = list(p["digits_ms"]), list(p["raw_digits_ms"])
    large_m = int(p["large_m"])
    # quick mode thins each list that was not set explicitly (an explicit one is run as given)
    ms = [x for x in ms if x <= 64][:2] if ctx.quick_for("ms") else ms
    ds = ds[:2] if ctx.quick_for("ds") else ds
    conds = conds[:1] if ctx.quick_for("conds") else conds
    kinds = kinds[:1] if ctx.quick_for("v_kinds") else kinds
    dms = [x for x in dms if x <= 64][-1:] if ctx.quick_for("digits_ms") else dms
    rms = [x for x in rms if x <= 64][:1] if ctx.quick_for("raw_digits_ms") else rms
    large_m = 0 if ctx.quick_for("large_m", "large_d") else large_m
    cases = [Case("synthetic", m, d, 0, a, float(c), -1, k) for m in ms for d in ds for c in conds for k in kinds]
    if large_m > 0:
        cases.append(Case("synthetic", large_m, int(p["large_d"]), 0, a, 1e3))
    cases += [Case("digits-nonconstant", m, DIGITS_D, 0, a) for m in dms]
    cases += [Case("digits", m, DIGITS_D, 0, a) for m in rms]
    cases += [Case("synthetic", m, d, 0, a, 1e3, r, v) for m, d, v, r in CONTROL_CASES]
    used = {"ms": ms, "ds": ds, "conds": conds, "v_kinds": kinds, "digits_ms": dms, "raw_digits_ms": rms, "large_m": large_m}
    return cases, used


def validate_grid(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    if "large_d" in explicit and int(p["large_m"]) == 0:
        raise ParameterError("large_d has no effect with large_m = 0 (no large case is run)")
    if "direct_max_md" in explicit and p["alpha_certificate"] == "direct":
        raise ParameterError("direct_max_md has no effect with alpha_certificate = 'direct' (every case is certified directly)")


def memory_grid(p: Mapping[str, Any]) -> float:
    """The largest single case (cases run one after another and keep only their certificates)."""
    sizes = [(m, d, max(4 * d, 256)) for m in p["ms"] for d in p["ds"]]
    if int(p["large_m"]) > 0:
        sizes.append((int(p["large_m"]), int(p["large_d"]), max(4 * int(p["large_d"]), 256)))
    sizes += [(m, DIGITS_D, DIGITS_N) for m in list(p["digits_ms"]) + list(p["raw_digits_ms"])]
    sizes += [(m, d, 256) for m, d, _, _ in CONTROL_CASES]
    return max(_case_bytes(m, d, N, p) for m, d, N in sizes)


def measure_grid(ctx: CheckContext) -> GridRun:
    """Runs the ``matrix-free-kernel`` certificate (HMT range finder + a-posteriori bound with failure
    probability 10^(−probes) per case, Rayleigh–Ritz, Weyl, Lanczos for λ_max(H₀,α)) over
    ``grid_cases``, one case after another, case i drawing from its own seeded stream; cases with
    md ≤ ``direct_max_md`` (all with ``alpha_certificate="direct"``) certify the α-multiplicity directly
    on the H₀,α operator, the others derive it from dim ker H₀."""
    p = ctx.params
    cases, used = grid_cases(ctx)
    out = []
    with reuse_buffers():  # a case's big work buffers serve the next ones (no fresh pages to fault in)
        for i, case in enumerate(cases, 1):
            n_est = case.m * _data_shape(case.dataset, case.d, case.N)[0]
            direct = p["alpha_certificate"] == "direct" or n_est <= int(p["direct_max_md"])
            o = run_case(case, ctx.rng(80_000, i), _opts(p, alpha_certificate="direct" if direct else "derived"))
            out.append(record_of(o))
            del o
            if i == len(cases) or i % max(1, len(cases) // 4) == 0:
                ctx.progress(f"{i}/{len(cases)} cases (last: {case.label}, md = {out[-1].n:,})")
    return GridRun(tuple(out), tuple(used.items()), float(p["rtol"]), float(p["gap_max"]), int(p["probes"]))


def judge_grid(g: GridRun, rec: Recorder) -> None:
    for r in g.records:
        judge_case(r, rec)
    _never_compared(g.records, rec)


def present_grid(g: GridRun) -> Presentation:
    rows = [
        {
            "case": r.label,
            "md": r.n,
            "kernel_dim": r.cert.nullity,
            "alpha_multiplicity": r.alpha_multiplicity,
            "alpha_certificate": "direct" if r.alpha_cert is not None else "derived",
            "claim_applies": r.applies,
            "status": r.cert.status if r.certified else "refused",
            "gap": r.cert.gap,
            "products": r.products,
        }
        for r in g.records
    ]
    controls = [
        {"case": r.label, "hypotheses_failing": list(r.hypotheses), "kernel_dim": r.cert.nullity,
         "predicted_md_minus_rank": r.predicted_kernel}
        for r in g.records if not r.applies and r.certified
    ]
    refused = [f"{r.label}: {r.refusal}" for r in g.records if not r.certified]
    gaps = [(float(r.n), r.cert.gap) for r in g.records if r.certified]
    worst_gap = max((x for _, x in gaps if x < float("inf")), default=0.0)
    largest = max((r.n for r in g.records), default=0)
    applies = sum(1 for r in g.records if r.applies and r.certified)
    note = (f"{applies} case{'s' if applies != 1 else ''} where the claim applies certified matrix-free up to md = {largest:,} "
            f"(worst gap {worst_gap:.1e}); in {len(controls)} control{'s' if len(controls) != 1 else ''} the certified kernel "
            f"is md − rank(vvᵀ)·rank Σ̂")
    plot = Plot(
        name="matrix-free-gap",
        title="Certificate gap ρ / (λ_min⁺ − ρ) per case",
        xlabel="md",
        ylabel="gap",
        logx=True,
        logy=True,
        series=(Series("cases", tuple(x for x, y in gaps if y > 0), tuple(y for _, y in gaps if y > 0), "markers"),),
        hlines=((g.gap_max, "gap_max"),),
        caption="Below gap_max the zero cluster and the non-zero eigenvalues are certified apart (cases with nothing to separate, gap 0, are not drawn).",
    )
    return Presentation(
        note=note,
        measured={"cases": rows, "controls": controls, "refused": refused[:10], "worst_gap": worst_gap, "largest_md": largest},
        certificates={"worst_gap": worst_gap, "failure_probability_per_case": 10.0 ** (-g.probes), "cases": len(rows)},
        tolerance=_certificate_tolerance(g.rtol, g.gap_max, g.probes),
        plots=(plot,),
        params_used=dict(g.used),
    )


GRID = check(
    "matrix-free-kernel-grid",
    title="matrix-free kernel and α-multiplicity certificates over a synthetic grid, md ≈ 10⁶ and the digits",
    measure=measure_grid, judge=judge_grid, present=present_grid,
    reads=QUANTITY_VARS,
    params=GRID_PARAMS,
    validate=validate_grid,
    memory=memory_grid,
    cost=3.2,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)

CHECKS = (SINGLE, GRID)
