"""What the spectrum scans of :mod:`crosscheck.numerics.leaky_spectrum` say about the quantities the
abstract of arXiv 2510.25060 speaks of, under one reading of α. Pure bookkeeping over the scans: counts of
critical values in intervals, the kernel at α = 0, width independence, and the Specht types involved.

A *critical value* is an α at which the Hessian of the loss at the global minimum W = V is singular
(``|λ| <= zero_tol·‖H‖₂`` after root-finder refinement). Intervals are shrunk by ``alpha_tol`` so that a
critical value sitting on an end point (e.g. α = 1 under the slope reading) is not counted inside.
"""

from __future__ import annotations

from typing import Mapping

import numpy as np

from crosscheck.numerics.leaky import loss_hessian
from crosscheck.numerics.rank import eigen_cluster
from crosscheck.numerics.leaky_spectrum import ReducedPencil, SpectrumScan, eigen_table, reduced_pencil, slope_of


def sanity(sc: SpectrumScan, pencil: ReducedPencil) -> dict:
    """Certificates of one scan: the smallest eigenvalue over the grid relative to ‖H‖₂ (W = V is a global
    minimum, so it must be ≥ −rounding), kernel dimensions from the reduced blocks vs the full Hessian, and
    the worst full-spectrum gap (largest "zero" / smallest non-zero |eigenvalue|) at the critical values."""
    norms = np.max([np.abs(sp).max(axis=1) for sp in sc.spectra], axis=0)
    mins = np.min([sp[:, 0] for sp in sc.spectra], axis=0)
    rel = mins / np.maximum(norms, np.finfo(float).tiny)
    return {
        "min_eigenvalue_rel": float(rel.min()),
        "kernel_mismatches": sum(1 for cv in sc.critical if cv.kernel_dim != cv.full_kernel_dim),
        "worst_full_gap": max((cv.full_gap for cv in sc.critical), default=0.0),
    }


def kernel_at(k: int, alpha: float, convention: str, zero_tol: float) -> dict:
    """Kernel of the Hessian at W = V = I_k at α: dimension and Specht types from the reduced blocks, and
    the dimension counted on the full analytic Hessian (``|λ| <= zero_tol·‖H‖₂``)."""
    table = eigen_table(reduced_pencil(k), alpha, convention, zero_tol)
    types: dict[str, int] = {}
    for r in table:
        if r["zero"]:
            types[f"{r['type']} = {r['partition']}"] = types.get(f"{r['type']} = {r['partition']}", 0) + 1
    lam = np.abs(np.linalg.eigvalsh(loss_hessian(np.eye(k), float(slope_of(alpha, convention)))))
    return {
        "kernel_dim": sum(r["multiplicity"] for r in table if r["zero"]),
        "full_kernel_dim": eigen_cluster(lam, 0.0, zero_tol * lam.max()).count,
        "types": types,
        "lambda_min": table[0]["value"],
        "lambda_min_type": table[0]["type"],
    }


def reading_summary(scans: Mapping[int, SpectrumScan], alpha_tol: float, zero_tol: float) -> dict:
    """Every quantity the claim checks compare, for one reading (all scans share the convention)."""
    convs = {sc.convention for sc in scans.values()}
    if len(convs) != 1:
        raise ValueError(f"scans: mixed conventions {sorted(convs)}")
    conv = convs.pop()
    crit = {k: [cv.alpha for cv in sc.critical] for k, sc in scans.items()}
    kernels = {
        str(k): [
            {"alpha": cv.alpha, "kernel_dim": cv.kernel_dim, "full_kernel_dim": cv.full_kernel_dim, "contact": cv.contact,
             "contact_order": cv.order, "types": [f"{t[0]} = {t[1]} ×{t[2]} (d={t[3]})" for t in cv.types]}
            for cv in sc.critical
        ]
        for k, sc in scans.items()
    }
    at_zero = {str(k): kernel_at(k, 0.0, conv, zero_tol) for k in scans}
    negative = sum(1 for a in sum(crit.values(), []) if a < -alpha_tol)
    inside = sum(1 for a in sum(crit.values(), []) if alpha_tol < a < 1.0 - alpha_tol)
    ref = sorted(next(iter(crit.values())))
    same = all(len(v) == len(ref) and all(abs(x - y) <= alpha_tol * max(1.0, abs(y)) for x, y in zip(sorted(v), ref)) for v in crit.values())

    def near_misses(lo: float, hi: float) -> list[dict]:
        out = [{"k": k, "alpha": ev.alpha, "type": ev.label, "branch": ev.branch, "relative_value": ev.relative}
               for k, sc in scans.items() for ev in sc.events if not ev.is_zero and lo < ev.alpha < hi]
        return sorted(out, key=lambda r: r["relative_value"])[:5]

    k5 = scans.get(5)
    k5_types = sorted({f"{t[0]} = {t[1]}" for cv in k5.critical for t in cv.types}) if k5 else []
    return {
        "convention": conv,
        "critical_alphas": {str(k): v for k, v in crit.items()},
        "kernels": kernels,
        "kernel_at_zero": at_zero,
        "degeneracy_found_every_k": int(all(crit.values())),
        "degenerate_at_zero": int(all(v["kernel_dim"] > 0 for v in at_zero.values())),
        "negative_alpha_bifurcations": negative,
        "closest_approach_negative_alpha": near_misses(-np.inf, -alpha_tol),
        "width_independent": int(same),
        "engineering_regime_instabilities": inside,
        "closest_approach_engineering_regime": near_misses(alpha_tol, 1.0 - alpha_tol),
        "k5_critical_values": len(k5.critical) if k5 else -1,
        "k5_symmetry_types": len(k5_types) if k5 else -1,
        "k5_types": k5_types,
    }
