"""Spectrum of the leaky-ReLU Hessian at the global minimum W = V = I_k, per Specht type, as α varies,
and the values of α where an eigenvalue reaches zero (bifurcation points of the global minimum).

Conventions. The model of :mod:`crosscheck.numerics.leaky` is written in the negative-side slope s. A
paper's "leaky parameter α" is read either as the slope (``"slope"``: s = α, so α = 0 is ReLU and α = 1 the
identity) or as one minus the slope (``"one-minus-slope"``: s = 1 − α, so α = 0 is the identity). Every
function here takes α and a convention and reports α in that convention.

Why a reduced pencil. ``∇²L_s(V) = (1−s)² H_relu + s H_lin`` exactly (the kernel identity
``K_s = (1−s)²κ + s w·u``), and both parts commute with the S_k action W ↦ PWPᵀ (V = I is fixed by it).
With the reduced bases U_λ of :mod:`crosscheck.numerics.symmetry`, ``M_λ(s) = (1−s)² A_λ + s B_λ``
(m_λ × m_λ, m_λ ≤ 3) carries the whole spectrum: each eigenvalue of M_λ is an eigenvalue of the Hessian
of multiplicity d_λ. A grid of thousands of α then costs one batched ``eigvalsh`` of tiny matrices.

Zeros. An eigenvalue is "zero" when ``|λ| <= zero_tol · ‖H(α)‖₂``. Each sorted eigenvalue branch e_j(α)
of each type is scanned on the grid; every grid-local minimum of |e_j| is refined by a root finder
(brentq on e_j if it changes sign in the bracket, else brentq on e_j' = v_jᵀ M'(α) v_j (Hellmann–Feynman),
else a bounded Brent minimisation) to an α* good to ~1e-14; a zero at α* is a *crossing* if e_j changes
sign there, a *touch* otherwise, with the contact order p in |e_j| ~ |α − α*|^p estimated from
e_j(α* + δ), e_j(α* + 2δ). Minima that do not reach zero are kept as *closest approaches*.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from crosscheck.numerics.leaky import hessian_parts, loss_hessian, slope_mix, slope_mix_derivative
from crosscheck.numerics.rank import eigen_cluster
from crosscheck.numerics.tolerance import BRENTQ_RTOL
from crosscheck.numerics.symmetry import IsotypicDecomposition, isotypic_decomposition

CONVENTIONS = ("slope", "one-minus-slope")


def _optimize():
    """scipy.optimize, imported on first use (it costs ~0.1 s at start-up)."""
    from scipy import optimize

    return optimize


def slope_of(alpha, convention: str):
    """The negative-side slope s for the paper's α under ``convention`` (works on arrays)."""
    if convention == "slope":
        return alpha
    if convention == "one-minus-slope":
        return 1.0 - np.asarray(alpha, dtype=np.float64) if np.ndim(alpha) else 1.0 - float(alpha)
    raise ValueError(f"convention: expected one of {CONVENTIONS}, got {convention!r}")


def _dslope(convention: str) -> float:
    return 1.0 if convention == "slope" else -1.0


@dataclass(frozen=True)
class ReducedPencil:
    """``H(s) = (1−s)² H_relu + s H_lin`` at W = V = I_k and its reduced blocks ``(1−s)² A_λ + s B_λ``."""

    k: int
    decomposition: IsotypicDecomposition
    H_relu: np.ndarray
    H_lin: np.ndarray
    A: tuple[np.ndarray, ...]
    B: tuple[np.ndarray, ...]

    def full(self, s: float) -> np.ndarray:
        return slope_mix(s, self.H_relu, self.H_lin)

    def block(self, t: int, s: float) -> np.ndarray:
        return slope_mix(s, self.A[t], self.B[t])

    def block_derivative(self, t: int, s: float) -> np.ndarray:
        """dM_λ/ds."""
        return slope_mix_derivative(s, self.A[t], self.B[t])

    def norm(self, s: float) -> float:
        """‖H(s)‖₂ = the largest |eigenvalue| over all blocks."""
        return max(float(np.abs(np.linalg.eigvalsh(self.block(t, s))).max()) for t in range(len(self.A)))


@lru_cache(maxsize=16)
def reduced_pencil(k: int) -> ReducedPencil:
    """Build the pencil for width k (teacher I_k, d = k), from :func:`crosscheck.numerics.leaky.hessian_parts`."""
    dec = isotypic_decomposition(k)
    Hr, Hl = hessian_parts(np.eye(k))
    A = tuple(c.reduced_basis.T @ Hr @ c.reduced_basis for c in dec.components)
    B = tuple(c.reduced_basis.T @ Hl @ c.reduced_basis for c in dec.components)
    return ReducedPencil(k, dec, Hr, Hl, tuple(0.5 * (a + a.T) for a in A), tuple(0.5 * (b + b.T) for b in B))


def type_spectra(pencil: ReducedPencil, alphas: np.ndarray, convention: str) -> list[np.ndarray]:
    """Sorted eigenvalues of each reduced block on the grid: one (n_alpha × m_λ) array per type."""
    s = np.asarray(slope_of(np.asarray(alphas, dtype=np.float64), convention))
    s3 = s[:, None, None]
    return [np.linalg.eigvalsh(slope_mix(s3, A, B)) for A, B in zip(pencil.A, pencil.B)]


@dataclass(frozen=True)
class ZeroEvent:
    """Branch ``branch`` (0 = smallest) of type ``label`` has value ``value`` at its refined minimum α."""

    alpha: float
    label: str
    branch: int
    value: float  # e_j(α*)
    relative: float  # |value| / ‖H(α*)‖₂
    is_zero: bool
    contact: str  # "touch" | "cross" | "none"
    order: float  # estimated p in |e| ~ |α − α*|^p (nan when not a zero)
    method: str


@dataclass(frozen=True)
class CriticalValue:
    """An α at which the Hessian at the global minimum is singular."""

    alpha: float
    slope: float
    kernel_dim: int  # Σ_types copies · d_λ, from the reduced blocks
    types: tuple[tuple[str, str, int, int], ...]  # (generic label, partition, vanishing copies, d_λ)
    contact: str  # "touch" if every vanishing branch touches, "cross" if any crosses
    order: float
    full_kernel_dim: int  # from eigvalsh of the full k² × k² analytic Hessian at α*
    full_gap: float  # largest "zero" / smallest non-zero |eigenvalue| of the full Hessian


@dataclass(frozen=True)
class SpectrumScan:
    k: int
    convention: str
    alphas: np.ndarray
    spectra: tuple[np.ndarray, ...]
    labels: tuple[str, ...]
    events: tuple[ZeroEvent, ...]
    critical: tuple[CriticalValue, ...]
    min_eigenvalue: float  # over the grid and all types (PSD ⇔ >= −zero_tol·‖H‖)
    zero_tol: float


def _branch(pencil: ReducedPencil, t: int, j: int, convention: str):
    def value(alpha: float) -> float:
        return float(np.linalg.eigvalsh(pencil.block(t, float(slope_of(alpha, convention))))[j])

    def deriv(alpha: float) -> float:
        s = float(slope_of(alpha, convention))
        _, vec = np.linalg.eigh(pencil.block(t, s))
        v = vec[:, j]
        return float(v @ pencil.block_derivative(t, s) @ v) * _dslope(convention)

    return value, deriv


def _refine(value, deriv, lo: float, hi: float, guess: float) -> tuple[float, str]:
    xtol = 1e-15 * max(1.0, abs(guess))
    flo, fhi = value(lo), value(hi)
    if flo * fhi < 0:
        return _optimize().brentq(value, lo, hi, xtol=xtol, rtol=BRENTQ_RTOL), "brentq(e)"
    dlo, dhi = deriv(lo), deriv(hi)
    sign = 1.0 if value(guess) >= 0 else -1.0  # minimise |e|: for e < 0 look for a maximum of e
    if sign * dlo < 0 < sign * dhi:
        return _optimize().brentq(deriv, lo, hi, xtol=xtol, rtol=BRENTQ_RTOL), "brentq(e')"
    res = _optimize().minimize_scalar(lambda x: abs(value(x)), bounds=(lo, hi), method="bounded", options={"xatol": 1e-12})
    return float(res.x), "bounded-brent(|e|)"


def _polish(pencil: ReducedPencil, t: int, convention: str, a0: float, scale: float, zero_tol: float) -> tuple[float, int]:
    """Second stage for a zero found at ``a0``: when r ≥ 1 eigenvalues of the block vanish together, single
    branches mix under rounding within ~sqrt(eps) of α*, so minimise the sum S_r of the r lowest instead:
    ``S_r' = tr(Q_rᵀ M' Q_r)`` (Q_r spans the vanishing cluster, well separated from the rest) is accurate
    to rounding, and brentq on it locates α* to ~1e-14. Returns (α*, r)."""
    s0 = float(slope_of(a0, convention))
    r = eigen_cluster(np.linalg.eigvalsh(pencil.block(t, s0)), 0.0, math.sqrt(zero_tol) * scale).count
    if r == 0:
        return a0, 0

    def dsum(alpha: float) -> float:
        s = float(slope_of(alpha, convention))
        _, vec = np.linalg.eigh(pencil.block(t, s))
        Q = vec[:, :r]
        return float(np.trace(Q.T @ pencil.block_derivative(t, s) @ Q)) * _dslope(convention)

    w = 1e-6 * max(1.0, abs(a0))
    lo, hi = a0 - w, a0 + w
    if dsum(lo) < 0 < dsum(hi):
        return _optimize().brentq(dsum, lo, hi, xtol=1e-15 * max(1.0, abs(a0)), rtol=BRENTQ_RTOL), r
    return a0, r


def _contact(value, a0: float, e0: float, tol: float, span: float) -> tuple[str, float]:
    d = 1e-3 * span
    left, right = value(a0 - d), value(a0 + d)
    if (left > tol and right < -tol) or (left < -tol and right > tol):
        contact = "cross"
    else:
        contact = "touch"
    r1, r2 = abs(value(a0 + d) - e0), abs(value(a0 + 2 * d) - e0)
    order = math.log2(r2 / r1) if r1 > 0 and r2 > 0 else float("nan")
    return contact, order


def scan(
    k: int,
    convention: str,
    alpha_min: float = -5.0,
    alpha_max: float = 5.0,
    n_alpha: int = 2001,
    zero_tol: float = 1e-10,
    merge_tol: float = 1e-8,
) -> SpectrumScan:
    """Scan α ∈ [alpha_min, alpha_max] (``n_alpha`` grid points) for zero eigenvalues of the Hessian at
    W = V = I_k; ``merge_tol`` joins zeros of different branches/types found within that distance in α."""
    slope_of(0.0, convention)  # validates the convention
    if not (math.isfinite(alpha_min) and math.isfinite(alpha_max) and alpha_min < alpha_max):
        raise ValueError(f"alpha_min, alpha_max: need finite alpha_min < alpha_max, got {alpha_min}, {alpha_max}")
    if n_alpha < 3:
        raise ValueError(f"n_alpha: need at least 3 grid points, got {n_alpha}")
    if not (0 < zero_tol < 1):
        raise ValueError(f"zero_tol: must lie in (0, 1), got {zero_tol}")
    pencil = reduced_pencil(k)
    alphas = np.linspace(alpha_min, alpha_max, int(n_alpha))
    spectra = type_spectra(pencil, alphas, convention)
    labels = tuple(c.label for c in pencil.decomposition.components)
    span = alpha_max - alpha_min
    events: list[ZeroEvent] = []
    for t, sp in enumerate(spectra):
        for j in range(sp.shape[1]):
            e = np.abs(sp[:, j])
            n = e.size
            minima = [i for i in range(n) if (i == 0 or e[i] <= e[i - 1]) and (i == n - 1 or e[i] <= e[i + 1])]
            value, deriv = _branch(pencil, t, j, convention)
            for i in minima:
                lo, hi = alphas[max(i - 1, 0)], alphas[min(i + 1, n - 1)]
                a0, method = _refine(value, deriv, float(lo), float(hi), float(alphas[i]))
                scale = max(pencil.norm(float(slope_of(a0, convention))), np.finfo(float).tiny)
                if abs(value(a0)) <= zero_tol * scale and method != "brentq(e)":
                    a0, r = _polish(pencil, t, convention, a0, scale, zero_tol)
                    method += f" + brentq(S_{r}')"
                e0 = value(a0)
                is_zero = abs(e0) <= zero_tol * scale
                contact, order = _contact(value, a0, e0, zero_tol * scale, span) if is_zero else ("none", float("nan"))
                events.append(ZeroEvent(a0, labels[t], j, e0, abs(e0) / scale, bool(is_zero), contact, order, method))
    zeros = sorted((ev for ev in events if ev.is_zero), key=lambda ev: ev.alpha)
    groups: list[list[ZeroEvent]] = []
    for ev in zeros:
        if groups and abs(ev.alpha - groups[-1][0].alpha) <= merge_tol * max(1.0, abs(ev.alpha)):
            groups[-1].append(ev)
        else:
            groups.append([ev])
    critical = tuple(_critical(pencil, g, convention, zero_tol) for g in groups)
    min_eig = float(min(sp.min() for sp in spectra))
    return SpectrumScan(k, convention, alphas, tuple(spectra), labels, tuple(events), critical, min_eig, zero_tol)


def _critical(pencil: ReducedPencil, group: list[ZeroEvent], convention: str, zero_tol: float) -> CriticalValue:
    best = min(group, key=lambda ev: ev.relative)
    a0 = best.alpha
    s0 = float(slope_of(a0, convention))
    scale = pencil.norm(s0)
    types, kdim = [], 0
    for t, comp in enumerate(pencil.decomposition.components):
        copies = eigen_cluster(np.linalg.eigvalsh(pencil.block(t, s0)), 0.0, zero_tol * scale).count
        if copies:
            types.append((comp.label, comp.name, copies, comp.dim_irrep))
            kdim += copies * comp.dim_irrep
    # independent count on the full analytic Hessian (not through the pencil or the reduced bases)
    lam = np.sort(np.abs(np.linalg.eigvalsh(loss_hessian(np.eye(pencil.k), s0))))
    zero = eigen_cluster(lam, 0.0, zero_tol * float(lam[-1]))
    nz, gap = zero.count, zero.gap
    contact = "cross" if any(ev.contact == "cross" for ev in group) else "touch"
    orders = [ev.order for ev in group if math.isfinite(ev.order)]
    return CriticalValue(a0, s0, kdim, tuple(types), contact, float(np.median(orders)) if orders else float("nan"), nz, gap)


def eigen_table(pencil: ReducedPencil, alpha: float, convention: str, zero_tol: float = 1e-10) -> list[dict]:
    """Eigenvalues of the Hessian at α: one row per (type, branch) with value, multiplicity d_λ, type."""
    s = float(slope_of(alpha, convention))
    scale = pencil.norm(s)
    rows = []
    for t, comp in enumerate(pencil.decomposition.components):
        for j, v in enumerate(np.linalg.eigvalsh(pencil.block(t, s))):
            rows.append(
                {
                    "value": float(v),
                    "multiplicity": comp.dim_irrep,
                    "type": comp.label,
                    "partition": comp.name,
                    "zero": bool(abs(v) <= zero_tol * scale),
                }
            )
    return sorted(rows, key=lambda r: r["value"])
