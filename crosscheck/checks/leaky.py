"""Checks of J. Liu, "Nonlinear Dynamics In Optimization Landscape of Shallow Neural Networks with Tunable
Leaky ReLU" (arXiv 2510.25060), from its abstract only.

Model: the teacher–student network of :mod:`crosscheck.numerics.leaky` (teacher V = I_k, d = k, second
layer ones, Gaussian inputs, closed-form population loss), whose global minimum is W = V for every α.
"Bifurcation from the global minimum" is read as an eigenvalue of the Hessian at W = V reaching zero as α
varies (:mod:`crosscheck.numerics.leaky_spectrum`), decomposed into S_k Specht types
(:mod:`crosscheck.numerics.symmetry`). The abstract does not fix what α is: the claim checks evaluate
both readings (α = negative-side slope; α = 1 − slope) unless ``convention`` names one. A claim that holds
in every reading run passes, one that fails in every reading fails, and a split is *inconclusive*, with
both readings' values in the reason.

Each claim check measures the same compact structure per reading (critical values of α per k with their
kernel dimensions and Specht types, the kernel at α = 0, and every claim quantity), so a report can show
it once; the full per-k detail of the scans (contact orders, closest approaches, kernel types at α = 0)
is kept by ``leaky-claim-a`` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from crosscheck.engine.api import CheckContext, Expectation, Param, ParameterError, Plot, Presentation, Recorder, Series, check
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

K_MIN, K_MAX = 4, 10  # the abstract's k ≥ 4 (all four Specht types present); k² × k² matrices up to 100 × 100
SCAN: dict[str, Param] = {
    "ks": Param(default=[4, 5, 6, 7, 8], ge=K_MIN, le=K_MAX, min_len=1, doc="widths k (teacher I_k, d = k)"),
    "alpha_min": Param(default=-5.0, doc="left end of the scanned α range"),
    "alpha_max": Param(default=5.0, doc="right end of the scanned α range (> alpha_min)"),
    "n_alpha": Param(default=2001, ge=3, doc="grid points in α (local minima of |eigenvalue| need 3 points)"),
    "zero_tol": Param(default=1e-10, gt=0.0, lt=1e-3, doc="an eigenvalue is zero when |λ| ≤ zero_tol·‖H(α)‖₂"),
    "alpha_tol": Param(default=1e-8, gt=0.0, lt=1e-3, doc="critical values closer than this are one; interval ends are shrunk by it"),
}
READING_WORDS = {"slope": "α = s (the negative-side slope)", "one-minus-slope": "α = 1 − s (one minus the slope)"}
SHORT = {"slope": "α = s", "one-minus-slope": "α = 1 − s"}


def _fmt(alpha: float) -> str:
    """α for text: 12 decimals (so 1 − 1.0000000000000002 prints as 0); ``measured`` keeps the float."""
    return f"{round(alpha, 12) + 0.0:.12g}"


def _words(items: list[str]) -> str:
    return "none" if not items else items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _validate_scan(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    lo, hi = float(p["alpha_min"]), float(p["alpha_max"])
    if not lo < hi:
        raise ParameterError(f"alpha_min, alpha_max: need alpha_min < alpha_max, got {lo:g} and {hi:g}")


def _scan_memory(p: Mapping[str, Any], extra_k: tuple[int, ...] = ()) -> float:
    """Bytes: per k the four isotypic projectors, both Hessian parts and a full Hessian (k² × k² each,
    with workspace), plus the batched reduced spectra on the α grid."""
    ks = set(int(k) for k in p["ks"]) | set(extra_k)
    return 8.0 * sum(12 * k**4 + 40 * int(p["n_alpha"]) for k in ks)


def _scan_grid(ctx: CheckContext, extra_k: tuple[int, ...] = ()) -> tuple[list[int], int]:
    """The widths and grid size used: ``--quick`` thins ks (first two, and 5 if listed) and n_alpha (≤ 401)
    unless set explicitly."""
    p = ctx.params
    ks = [int(k) for k in p["ks"]]
    if ctx.quick_for("ks"):
        ks = sorted(set(ks[:2]) | ({5} & set(ks)))
    n = int(p["n_alpha"])
    if ctx.quick_for("n_alpha"):
        n = min(n, 401)
    return sorted(set(ks) | set(extra_k)), n


def _spectrum_plot(k: int, conv: str, lo: float, hi: float, n_alpha: int, critical: list[float], name: str) -> Plot:
    """Eigenvalues of the Hessian at W = V against α, one series per Specht type (all its branches)."""
    pencil = reduced_pencil(k)
    alphas = np.linspace(lo, hi, min(int(n_alpha), 401))
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


# ---- leaky-kernel-formula ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class KernelPair:
    label: str
    quadrature_rel_error: float
    monte_carlo_z: float


@dataclass(frozen=True)
class KernelFormula:
    pairs: tuple[KernelPair, ...]
    quad_rtol: float
    z: float
    mc_samples: int
    n_pairs: int


def measure_kernel_formula(ctx: CheckContext) -> KernelFormula:
    """Random pairs (w, u) (dimension from ``dims``, norms 0.3–3, slope s uniform in ±``slope_max``) plus
    fixed geometries (parallel, anti-parallel, orthogonal, θ = 1e-6, s ∈ {−1, 0, 1, 0.3}). The closed form
    ``(1−s)²κ + s w·u`` is compared with the planar Gauss–Legendre quadrature (which uses only
    homogeneity, not the arc-cosine formula), relative error ``|K − Q|/max(1, |K|)`` ≤ ``quad_rtol``, and
    with a seeded Monte Carlo mean, ``|mean − K|/SE`` ≤ ``z`` (false-alarm probability ≈ 6e-7 per pair at
    z = 5)."""
    p = ctx.params
    rng = ctx.rng(1)
    dims = [int(d) for d in p["dims"]]
    n_pairs = min(10, int(p["n_pairs"])) if ctx.quick_for("n_pairs") else int(p["n_pairs"])
    cases = []
    for i in range(n_pairs):
        d = dims[i % len(dims)]
        w = rng.standard_normal(d)
        u = rng.standard_normal(d)
        w *= rng.uniform(0.3, 3.0) / np.linalg.norm(w)
        u *= rng.uniform(0.3, 3.0) / np.linalg.norm(u)
        cases.append((f"random #{i} d={d}", w, u, float(rng.uniform(-1, 1) * float(p["slope_max"]))))
    w0 = np.array([1.0, 2.0, -0.5])
    tilt = np.array([2.0, -1.0, 0.0]) / math.sqrt(5.0)
    for s in (-1.0, 0.0, 1.0, 0.3):
        cases += [
            (f"parallel s={s}", w0, 1.7 * w0, s),
            (f"anti-parallel s={s}", w0, -0.6 * w0, s),
            (f"orthogonal s={s}", w0, 2.0 * tilt, s),
            (f"theta=1e-6 s={s}", w0, w0 + 1e-6 * np.linalg.norm(w0) * tilt, s),
        ]
    mc_rng = ctx.rng(2)
    out = []
    for label, w, u, s in cases:
        K = float(leaky_kernel(w[None], u[None], s)[0, 0])
        q = kernel_by_quadrature(w, u, s)
        mean, se = kernel_by_monte_carlo(w, u, s, mc_rng, int(p["mc_samples"]))
        eq = abs(K - q) / max(1.0, abs(K))
        zs = abs(mean - K) / se if se > 0 else (0.0 if mean == K else math.inf)
        out.append(KernelPair(label, eq, zs))
    return KernelFormula(tuple(out), float(p["quad_rtol"]), float(p["z"]), int(p["mc_samples"]), n_pairs)


def judge_kernel_formula(m: KernelFormula, rec: Recorder) -> None:
    for c in m.pairs:
        rec.case(c.label)
        rec.known("quadrature_rel_error", c.quadrature_rel_error, 0.0, atol=m.quad_rtol,
                  why="Gauss–Legendre is spectrally accurate on the smooth pieces")
        rec.known("monte_carlo_z", c.monte_carlo_z, 0.0, atol=m.z, why=f"z = {m.z:g} standard errors (about 6e-7 false alarms per pair at z = 5)")


def present_kernel_formula(m: KernelFormula) -> Presentation:
    worst_q = max((c.quadrature_rel_error for c in m.pairs), default=0.0)
    worst_z = max((c.monte_carlo_z for c in m.pairs), default=0.0)
    return Presentation(
        note=f"on {len(m.pairs)} pairs the worst relative error against quadrature is {worst_q:.1e} and the worst Monte Carlo |z| is {worst_z:.2f}",
        measured={"worst_quadrature_rel_error": worst_q, "worst_monte_carlo_z": worst_z, "pairs": len(m.pairs)},
        tolerance={"quadrature": f"|K − Q| ≤ {m.quad_rtol:g}·max(1, |K|)", "monte_carlo": f"|mean − K| ≤ {m.z:g}·SE with {m.mc_samples} samples",
                   "why": "Gauss–Legendre is spectrally accurate on the smooth pieces; z = 5 gives about 6e-7 false alarms per pair"},
        params_used={"n_pairs": m.n_pairs},
    )


def _validate_kernel_formula(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    if int(p["n_pairs"]) == 0:
        idle = sorted({"dims", "slope_max"} & explicit)
        if idle:
            raise ParameterError(f"{_words(idle)} only shape the random pairs, and n_pairs = 0 draws none")


KERNEL_FORMULA = check(
    "leaky-kernel-formula",
    title="closed-form E[σ(w·x)σ(u·x)] = (1−s)²κ + s w·u against planar quadrature and Monte Carlo",
    measure=measure_kernel_formula, judge=judge_kernel_formula, present=present_kernel_formula,
    params={
        "n_pairs": Param(default=40, ge=0, doc="random pairs (w, u), besides 16 fixed geometries"),
        "dims": Param(default=[2, 3, 5, 8], ge=2, min_len=1, doc="dimensions of the random pairs (a plane for w, u needs ≥ 2)"),
        "slope_max": Param(default=5.0, ge=0.0, doc="random slopes s uniform in [−slope_max, slope_max]"),
        "mc_samples": Param(default=20000, ge=100, doc="Monte Carlo draws per pair (a standard error needs many)"),
        "z": Param(default=5.0, gt=0.0, doc="Monte Carlo acceptance in standard errors"),
        "quad_rtol": Param(default=1e-12, gt=0.0, lt=1.0, doc="relative tolerance against quadrature"),
    },
    validate=_validate_kernel_formula,
    memory=lambda p: 8.0 * 4 * int(p["mc_samples"]) * max(int(d) for d in p["dims"]),
)


# ---- leaky-hessian-at-minimum ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    """One internal consistency test: ``measured`` against the known ``expected`` within ``atol``."""

    quantity: str
    case: str | None
    measured: float
    expected: float
    atol: float
    why: str


@dataclass(frozen=True)
class HessianK:
    k: int
    certificates: tuple[Certificate, ...]
    detail: Mapping[str, Any]  # measured per-k data (eigenvalues at alpha, degenerate α)
    numbers: Mapping[str, Any]  # certificate values for display


@dataclass(frozen=True)
class HessianAtMinimum:
    per_k: tuple[HessianK, ...]
    convention: str
    alpha: float
    slope: float
    ks: tuple[int, ...]
    n_alpha: int
    fd_k_max: int
    zero_tol: float
    tolerance: Mapping[str, Any]
    plots: tuple[Plot, ...]


def measure_hessian_at_minimum(ctx: CheckContext) -> HessianAtMinimum:
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
    ks, n_alpha = _scan_grid(ctx)
    lo, hi, zero_tol, alpha_tol = float(p["alpha_min"]), float(p["alpha_max"]), float(p["zero_tol"]), float(p["alpha_tol"])
    conv = str(p["convention"])
    alpha = float(p["alpha"])
    s = float(slope_of(alpha, conv))
    hs = [float(h) for h in p["one_sided_h"]]
    fd_h = float(p["fd_h"])
    fd_k_max = 4 if ctx.quick_for("fd_k_max", "fd_h", "fd_rtol", "one_sided_h", "one_sided_rtol") else int(p["fd_k_max"])
    out = []
    for k in ks:
        certs: list[Certificate] = []
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
            certs.append(Certificate(f"projector_{name}", None, val, 0.0, 1e-12, "rounding of k² × k² products"))
        mult = isotypic_multiplicities(k)
        for comp in dec.components:
            certs.append(Certificate("projector_rank", comp.name, float(np.trace(comp.projector)), float(comp.multiplicity * comp.dim_irrep),
                                     1e-9, "trace of a projector = m_λ·d_λ from characters"))
            if k <= int(p["bruteforce_k_max"]):
                err = float(np.abs(character_projector(k, comp.partition) - comp.projector).max())
                c[f"bruteforce_{comp.name}"] = err
                certs.append(Certificate("projector_vs_character_sum", comp.name, err, 0.0, 1e-12, "textbook sum over all of S_k"))
        H = loss_hessian(np.eye(k), s)
        pencil = reduced_pencil(k)
        c["equivariance_defect"] = equivariance_defect(H, k)
        c["leakage"] = block_leakage(H, dec)
        certs.append(Certificate("equivariance_defect", None, c["equivariance_defect"], 0.0, 1e-13, "H commutes with the S_k action"))
        certs.append(Certificate("leakage", None, c["leakage"], 0.0, float(p["leak_max"]), "H is block-diagonal by Specht type"))
        table = eigen_table(pencil, alpha, conv, zero_tol)
        reduced = np.sort(np.concatenate([np.full(r["multiplicity"], r["value"]) for r in table]))
        full = np.linalg.eigvalsh(H)
        c["spectrum_match"] = float(np.abs(reduced - full).max() / max(float(np.abs(full).max()), 1e-300))
        certs.append(Certificate("reduced_vs_full_spectrum", None, c["spectrum_match"], 0.0, 1e-12, "relative to ‖H‖₂"))
        c["gradient_max"] = float(np.abs(loss_grad(np.eye(k), s)).max())
        certs.append(Certificate("gradient_at_minimum", None, c["gradient_max"], 0.0, 1e-13, "W = V is a critical point"))
        if k <= fd_k_max:
            fd = fd_certificates(k, s, fd_h, hs, ctx.rng(10, k))
            c["fd"] = fd
            certs.append(Certificate("fd_gradient_at_minimum", None, fd["grad_fd_max"], 0.0, 1e-7, "central differences, step 1e-6"))
            err = fd["central_rel_error"][str(fd_h)]
            certs.append(Certificate("fd_hessian_rel_error", f"h={fd_h:g}", err, 0.0, float(p["fd_rtol"]), "O(h): the loss is C² but not C³ at W = V"))
            hmin = f"{min(hs):g}"
            for dname, dd in fd["one_sided"].items():
                for side in "+-":
                    certs.append(Certificate("one_sided_second_difference", f"{dname} {side}h={hmin}", dd["rel_errors"][side + hmin], 0.0,
                                             float(p["one_sided_rtol"]), "one-sided second differences tend to dᵀHd from both sides"))
        sc = scan(k, conv, lo, hi, n_alpha, zero_tol, alpha_tol)
        san = sanity(sc, reduced_pencil(k))
        c.update(san)
        certs.append(Certificate("min_eigenvalue_over_grid_rel", None, max(0.0, -san["min_eigenvalue_rel"]), 0.0, 10 * zero_tol,
                                 "W = V is a global minimum: no eigenvalue below −10·zero_tol·‖H‖₂"))
        certs.append(Certificate("full_vs_reduced_kernel", None, float(san["kernel_mismatches"]), 0.0, 0.0,
                                 "kernel dimensions from the blocks equal those of the full Hessian"))
        detail = {
            "alpha": alpha,
            "slope": s,
            "eigenvalues": table,
            "kernel_dim": sum(r["multiplicity"] for r in table if r["zero"]),
            "multiplicities": {dec.components[i].label: mm for i, mm in enumerate(mult.values())},
            "degenerate_alphas": [_critical_row(cv) for cv in sc.critical],
        }
        out.append(HessianK(k, tuple(certs), detail, c))
        ctx.progress(f"k={k}: {len(sc.critical)} degenerate α")
    plot_k = int(p["plot_k"])
    plots: tuple[Plot, ...] = ()
    if plot_k in ks:
        crit = [r["alpha"] for r in next(h for h in out if h.k == plot_k).detail["degenerate_alphas"]]
        plots = (_spectrum_plot(plot_k, conv, lo, hi, n_alpha, crit, f"leaky-spectrum-k{plot_k}-{conv}"),)
    tolerance = {"projectors": 1e-12, "leakage": float(p["leak_max"]), "fd": f"{float(p['fd_rtol']):g} relative at h = {fd_h:g} (O(h): C² not C³)",
                 "one_sided": f"{float(p['one_sided_rtol']):g} relative at the smallest h", "zero": f"|λ| ≤ {zero_tol:g}·‖H‖₂"}
    return HessianAtMinimum(tuple(out), conv, alpha, s, tuple(ks), n_alpha, fd_k_max, zero_tol, tolerance, plots)


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


def judge_hessian_at_minimum(m: HessianAtMinimum, rec: Recorder) -> None:
    for h in m.per_k:
        rec.case(f"k={h.k}")
        for c in h.certificates:
            rec.known(c.quantity, c.measured, c.expected, atol=c.atol, case=c.case, why=c.why)


def present_hessian_at_minimum(m: HessianAtMinimum) -> Presentation:
    reading = "the slope s" if m.convention == "slope" else "1 − s"
    parts = []
    for h in m.per_k:
        zeros = _words([f"{_fmt(r['alpha'])} (kernel dimension {r['kernel_dim']})" for r in h.detail["degenerate_alphas"]])
        where = f"singular at α = {zeros}" if h.detail["degenerate_alphas"] else "nonsingular throughout the scanned range"
        parts.append(f"k = {h.k}: smallest eigenvalue {h.detail['eigenvalues'][0]['value']:.4g} at α = {_fmt(m.alpha)}, {where}")
    note = f"Reading α as {reading}: " + "; ".join(parts)
    return Presentation(
        note=note,
        measured={str(h.k): h.detail for h in m.per_k},
        tolerance=m.tolerance,
        certificates={str(h.k): h.numbers for h in m.per_k},
        plots=m.plots,
        params_used={"ks": list(m.ks), "n_alpha": m.n_alpha, "fd_k_max": m.fd_k_max},
    )


FD_PARAMS = ("fd_h", "fd_rtol", "one_sided_h", "one_sided_rtol")


def _validate_hessian(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
    _validate_scan(p, explicit)
    ks = [int(k) for k in p["ks"]]
    if min(ks) > int(p["fd_k_max"]):
        idle = [n for n in FD_PARAMS if n in explicit]
        if idle:
            raise ParameterError(f"{_words(idle)} set, but no width in ks is ≤ fd_k_max = {int(p['fd_k_max'])}, so no finite differences are taken")
    if "plot_k" in explicit and int(p["plot_k"]) not in ks:
        raise ParameterError(f"plot_k = {int(p['plot_k'])} is not among the widths ks, so nothing would be plotted")


def _hessian_memory(p: Mapping[str, Any]) -> float:
    """Bytes: the scan's matrices, plus the FD Hessian and the brute-force projector (k² × k²)."""
    kmax = max(int(k) for k in p["ks"])
    return _scan_memory(p) + 8.0 * 6 * kmax**4


HESSIAN_AT_MINIMUM = check(
    "leaky-hessian-at-minimum",
    title="Hessian of the leaky-ReLU loss at W = V: FD-checked, block-diagonal by Specht type, spectrum and zeros in α",
    measure=measure_hessian_at_minimum, judge=judge_hessian_at_minimum, present=present_hessian_at_minimum,
    params={
        **SCAN,
        "alpha": Param(default=0.0, doc="α at which the eigenvalues, gradient and finite differences are evaluated"),
        "convention": Param(default="slope", choices=CONVENTIONS, doc="what α is: the slope s, or 1 − s"),
        "fd_k_max": Param(default=5, ge=0, doc="finite-difference certificates for widths k ≤ fd_k_max"),
        "fd_h": Param(default=1e-4, gt=0.0, lt=1.0, doc="central-difference step"),
        "fd_rtol": Param(default=1e-3, gt=0.0, lt=1.0, doc="relative tolerance of the central FD Hessian"),
        "one_sided_h": Param(default=[1e-2, 1e-3, 1e-4], gt=0.0, lt=1.0, min_len=1, doc="one-sided second-difference steps"),
        "one_sided_rtol": Param(default=1e-3, gt=0.0, lt=1.0, doc="relative tolerance at the smallest one-sided step"),
        "bruteforce_k_max": Param(default=5, ge=0, le=7, doc="projectors against the sum over all k! elements for k ≤ this (at most 7)"),
        "leak_max": Param(default=1e-12, gt=0.0, lt=1.0, doc="largest accepted off-block leakage of H"),
        "plot_k": Param(default=5, ge=K_MIN, le=K_MAX, doc="width whose spectrum is plotted (when in ks)"),
    },
    validate=_validate_hessian,
    memory=_hessian_memory,
    cost=0.4,  # seconds in one worker of a verify run (orders a parallel run; measured 2026-11-30)
)


# ---- the abstract's claims, one check each -----------------------------------------------------------------

CLAIMS = {
    "a": ("degeneracy_found_every_k",),
    "b": ("degenerate_at_zero",),
    "c": ("negative_alpha_bifurcations", "width_independent"),
    "d": ("engineering_regime_instabilities",),
    "e": ("k5_critical_values", "k5_symmetry_types"),
}
QUANTITIES = tuple(q for qs in CLAIMS.values() for q in qs)


@dataclass(frozen=True)
class Reading:
    """One reading of α: the claim quantities, the compact structure, and the scan's certificates."""

    convention: str
    values: Mapping[str, int]  # every claim quantity of CLAIMS
    critical: Mapping[str, tuple[Mapping[str, Any], ...]]  # k → critical values (α, kernel dim, Specht types)
    at_zero: Mapping[str, Mapping[str, Any]]  # k → kernel at α = 0 (dim, Specht types)
    uncertified: tuple[str, ...]  # worded failures of the scan's certificates
    certificates: Mapping[str, float]  # the scan's certificates, worst over k
    detail: Mapping[str, Any]  # the full reading summary (shown by leaky-claim-a only)


@dataclass(frozen=True)
class ClaimMeasure:
    letter: str
    quantities: tuple[str, ...]
    ks: tuple[int, ...]
    alpha_range: tuple[float, float]
    n_alpha: int
    zero_tol: float
    alpha_tol: float
    readings: tuple[Reading, ...]
    expect: Mapping[str, Expectation]  # the claim's quantities (for deciding whether a reading holds as a whole)
    plots: tuple[Plot, ...]


def _reading(conv: str, ks: list[int], lo: float, hi: float, n_alpha: int, zero_tol: float, alpha_tol: float) -> Reading:
    scans = {k: scan(k, conv, lo, hi, n_alpha, zero_tol, alpha_tol) for k in ks}
    summ = reading_summary(scans, alpha_tol, zero_tol)
    uncertified = []
    worst = {"min_eigenvalue_rel": 0.0, "kernel_mismatches": 0, "worst_full_gap": 0.0}
    for k, sc in scans.items():
        san = sanity(sc, reduced_pencil(k))
        worst = {"min_eigenvalue_rel": min(worst["min_eigenvalue_rel"], san["min_eigenvalue_rel"]),
                 "kernel_mismatches": worst["kernel_mismatches"] + san["kernel_mismatches"],
                 "worst_full_gap": max(worst["worst_full_gap"], san["worst_full_gap"])}
        if san["kernel_mismatches"]:
            uncertified.append(f"k = {k}: the kernel dimension from the Specht blocks differs from the full Hessian's at "
                               f"{san['kernel_mismatches']} critical value(s)")
        if san["min_eigenvalue_rel"] < -10 * zero_tol:
            uncertified.append(f"k = {k}: an eigenvalue {san['min_eigenvalue_rel']:.2g}·‖H‖₂ below zero at the global minimum")
    critical = {
        str(k): tuple({"alpha": cv.alpha, "kernel_dim": cv.kernel_dim, "types": [f"{t[0]} = {t[1]}" for t in cv.types]} for cv in sc.critical)
        for k, sc in scans.items()
    }
    at_zero = {k: {"kernel_dim": v["kernel_dim"], **({"types": sorted(v["types"])} if v["types"] else {})}
               for k, v in summ["kernel_at_zero"].items()}
    values = {q: int(summ[q]) for q in QUANTITIES if not (q.startswith("k5_") and 5 not in scans)}  # no −1 sentinel
    return Reading(conv, values, critical, at_zero, tuple(uncertified), worst, summ)


def _measure_claim(letter: str, ctx: CheckContext) -> ClaimMeasure:
    p = ctx.params
    ks, n_alpha = _scan_grid(ctx, (5,) if letter == "e" else ())
    lo, hi, zero_tol, alpha_tol = float(p["alpha_min"]), float(p["alpha_max"]), float(p["zero_tol"]), float(p["alpha_tol"])
    conv = str(p["convention"])
    readings, plots = [], []
    for c in (CONVENTIONS if conv == "both" else (conv,)):
        r = _reading(c, ks, lo, hi, n_alpha, zero_tol, alpha_tol)
        readings.append(r)
        ctx.progress(f"{c}: scanned k = {', '.join(map(str, ks))} over {n_alpha} values of α")
        if letter == "e":
            plots.append(_spectrum_plot(5, c, lo, hi, n_alpha, [row["alpha"] for row in r.critical["5"]], f"leaky-spectrum-k5-{c}"))
    expect = {q: ctx.expect[q] for q in CLAIMS[letter] if q in ctx.expect}
    return ClaimMeasure(letter, CLAIMS[letter], tuple(ks), (lo, hi), n_alpha, zero_tol, alpha_tol, tuple(readings), expect, tuple(plots))


def _holds(m: ClaimMeasure, r: Reading) -> bool:
    """Does the whole claim hold under this reading, under the ledger's tolerance? Decided by a scratch
    recorder, so the rule is the engine's own (nothing is recorded)."""
    trial = Recorder(m.expect, {q: () for q in m.quantities})
    trial.case(r.convention)
    return all((c := trial.claim(q, r.values[q])) is None or c.ok for q in m.quantities)


def _values_text(m: ClaimMeasure, r: Reading) -> str:
    return ", ".join(f"{q} = {r.values[q]}" for q in m.quantities if q in m.expect)


def judge_claim(m: ClaimMeasure, rec: Recorder) -> None:
    """Each reading of α is a case. A reading whose scan certificates fail is not applicable, and then the
    readings cannot be weighed against each other (inconclusive). If the claim holds in every reading, or
    in none, every reading's values are compared (pass, or fail). If it holds in some readings only, those
    are compared and the split is inconclusive, naming both readings' values."""
    bad = [r for r in m.readings if r.uncertified]
    held = {r.convention: _holds(m, r) for r in m.readings}
    split = not bad and len(set(held.values())) > 1
    for r in m.readings:
        rec.case(READING_WORDS[r.convention], applicable=not r.uncertified,
                 why="the spectrum scan is not certified: " + "; ".join(r.uncertified))
        if bad or (split and not held[r.convention]):
            continue
        for q in m.quantities:
            rec.claim(q, r.values[q])
    if bad:
        names = _words([SHORT[r.convention] for r in bad])
        rec.inconclusive(f"the spectrum scan is not certified under {names}, so nothing is concluded")
        for q in m.quantities:
            rec.not_compared(q, f"the scan under {names} is not certified")
    elif split:
        words = []
        for r in m.readings:
            words.append(f"under {SHORT[r.convention]} {_values_text(m, r)} ({'as claimed' if held[r.convention] else 'not as claimed'})")
        claimed = ", ".join(f"{q} = {exp.value.text}" for q, exp in m.expect.items())
        rec.inconclusive(f"the readings of α disagree: claimed {claimed}; measured " + "; ".join(words))


def _critical_text(r: Reading) -> str:
    """Where the Hessian is singular under one reading, in words."""
    sets = {k: tuple(_fmt(row["alpha"]) for row in rows) for k, rows in r.critical.items()}
    ks = list(sets)
    if len(set(sets.values())) == 1:
        alphas = next(iter(sets.values()))
        if not alphas:
            return f"nonsingular throughout the range for every k in {_words(ks)}"
        return f"singular at α = {_words(list(alphas))} for every k in {_words(ks)}"
    return _words([f"singular at α = {_words(list(a))} for k = {k}" if a else f"nonsingular for k = {k}" for k, a in sets.items()])


def _extra_text(m: ClaimMeasure, r: Reading) -> str:
    if m.letter == "b":
        dims = ", ".join(f"{v['kernel_dim']} (k = {k})" for k, v in r.at_zero.items())
        return f"; at α = 0 the kernel dimensions are {dims}"
    if m.letter == "e":
        rows = r.critical.get("5", ())
        if not rows:
            return "; for k = 5 there is no critical value"
        dims = _words([f"{row['kernel_dim']} at α = {_fmt(row['alpha'])}" for row in rows])
        types = _words(sorted({t for row in rows for t in row["types"]}))
        return f"; for k = 5 kernel dimension {dims}, Specht types {types}"
    return ""


def present_claim(m: ClaimMeasure) -> Presentation:
    lo, hi = m.alpha_range
    note = f"Over α in [{lo:g}, {hi:g}] ({m.n_alpha} points): " + "; ".join(
        f"under {SHORT[r.convention]} the Hessian at W = V is {_critical_text(r)}{_extra_text(m, r)}" for r in m.readings
    )
    readings = {
        r.convention: {
            "alpha_is": READING_WORDS[r.convention],
            "critical_values": {k: list(rows) for k, rows in r.critical.items()},
            "kernel_at_zero": dict(r.at_zero),
            "quantities": dict(r.values),
        }
        for r in m.readings
    }
    measured: dict[str, Any] = {q: {r.convention: r.values[q] for r in m.readings} for q in m.quantities}
    measured.update({"ks": list(m.ks), "alpha_range": [lo, hi], "n_alpha": m.n_alpha, "readings": readings})
    if m.letter == "a":
        measured["detail"] = {r.convention: dict(r.detail) for r in m.readings}
    return Presentation(
        note=note,
        measured=measured,
        tolerance={"zero": f"|λ| ≤ {m.zero_tol:g}·‖H(α)‖₂", "alpha": f"critical values equal within {m.alpha_tol:g}",
                   "readings": "pass if the claim holds in every reading of α, fail if in none, inconclusive if they split"},
        certificates={r.convention: dict(r.certificates) for r in m.readings},
        plots=m.plots,
        params_used={"ks": list(m.ks), "n_alpha": m.n_alpha},
    )


def _validate_claim(letter: str):
    def validate(p: Mapping[str, Any], explicit: frozenset[str]) -> None:
        _validate_scan(p, explicit)
        lo, hi = float(p["alpha_min"]), float(p["alpha_max"])
        if letter == "c" and not lo < 0.0:
            raise ParameterError(f"the claim is about negative α, but the range [{lo:g}, {hi:g}] has none (alpha_min must be < 0)")
        if letter == "d" and not (lo <= 0.0 and hi >= 1.0):
            raise ParameterError(f"the claim is about α in (0, 1), which the range [{lo:g}, {hi:g}] does not cover")
    return validate


_CLAIM_PARAMS = {**SCAN, "convention": Param(default="both", choices=(*CONVENTIONS, "both"), doc="what α is: the slope s, 1 − s, or both readings")}


def _claim_spec(letter: str, title: str, doc: str):
    def measure(ctx: CheckContext) -> ClaimMeasure:
        return _measure_claim(letter, ctx)

    measure.__doc__ = doc
    return check(
        f"leaky-claim-{letter}", title=title, measure=measure, judge=judge_claim, present=present_claim,
        reads={q: () for q in CLAIMS[letter]}, params=_CLAIM_PARAMS, validate=_validate_claim(letter),
        memory=lambda p: _scan_memory(p, (5,) if letter == "e" else ()),
    )


CLAIM_A = _claim_spec(
    "a", "(a) for every k ≥ 4 tested, the global minimum degenerates (bifurcates) at some α, with its Specht types",
    """``degeneracy_found_every_k`` = 1 when, for every k in ``ks``, some α in the range makes the Hessian at
    W = V singular (a zero eigenvalue found by the scan and confirmed on the full Hessian).""")
CLAIM_B = _claim_spec(
    "b", "(b) multi-mode degeneracy at α = 0 for every k",
    """``degenerate_at_zero`` = 1 when the Hessian at W = V is singular at α = 0 for every k in ``ks``
    (kernel dimensions and types in ``measured``).""")
CLAIM_C = _claim_spec(
    "c", "(c) bifurcations are width-independent and occur only for α ≥ 0",
    """``negative_alpha_bifurcations`` counts zero eigenvalues at α < −alpha_tol over all k;
    ``width_independent`` = 1 when every k has the same set of critical α (within alpha_tol).""")
CLAIM_D = _claim_spec(
    "d", "(d) no instability of the global minimum for α in (0, 1)",
    """``engineering_regime_instabilities`` counts critical α in the open interval (alpha_tol, 1 − alpha_tol),
    over all k; the closest approach of λ_min to 0 inside the interval is in ``measured`` of leaky-claim-a.""")
CLAIM_E = _claim_spec(
    "e", "(e) k = 5: number of critical values and of Specht types of the bifurcations",
    """For k = 5: ``k5_critical_values`` = number of distinct α in the range where the Hessian at W = V is
    singular; ``k5_symmetry_types`` = number of distinct Specht types in those kernels.""")

CHECKS = (KERNEL_FORMULA, HESSIAN_AT_MINIMUM, CLAIM_A, CLAIM_B, CLAIM_C, CLAIM_D, CLAIM_E)
