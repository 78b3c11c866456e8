"""The S_k action W ↦ P W Pᵀ on ℝ^{k×k}, S_k characters, and the isotypic (Specht-type) decomposition.

Conventions. A permutation π of {0, …, k−1} acts by the permutation matrix ``P e_a = e_{π(a)}`` and on
W by ``W ↦ P W Pᵀ``; on row-major vec(W) this is the k² × k² permutation matrix ``T(π)`` sending index
``a·k + b`` to ``π(a)·k + π(b)``. Its character is ``χ_T(π) = (#fixed points of π)²``.

Irreducible characters ``χ^λ`` (λ a partition of k, the Specht module S^λ) come from the
Murnaghan–Nakayama rule; class functions are summed over conjugacy classes (cycle types μ, class size
``k!/z_μ``), never over group elements, so multiplicities ``m_λ = ⟨χ_T, χ^λ⟩`` cost nothing even for k = 8.
For W ↦ PWPᵀ, ℝ^k ⊗ ℝ^k = ([k] ⊕ [k−1,1])^{⊗2} = 2[k] ⊕ 3[k−1,1] ⊕ [k−2,2] ⊕ [k−2,1,1] (k ≥ 4).

Isotypic projectors. The class sum of transpositions ``Z = Σ_{i<j} T((i j))`` is central; it acts on the
λ-isotypic component as the scalar ``ω_λ = |C_(2,1^{k−2})| χ^λ(τ)/χ^λ(1)`` (= the content sum of λ). When
the ω_λ of the types present are distinct (true for k ≥ 4 here), the projector is the Lagrange polynomial
``P_λ = Π_{μ≠λ} (Z − ω_μ)/(ω_λ − ω_μ)`` in Z, computed in exact integer arithmetic and divided once. For
small k, :func:`character_projector` gives the textbook ``(d_λ/k!) Σ_g χ^λ(g) T(g)`` as a cross-check.

Reduced blocks. An S_k-equivariant symmetric H acts on the λ-isotypic component as ``I_{d_λ} ⊗ M_λ``
(Schur), M_λ of size m_λ × m_λ. The subspace ``range(P_λ) ∩ Fix(S_λ)`` (S_λ the Young subgroup) has
dimension ``m_λ · K_{λλ} = m_λ`` (Kostka number 1) and is H-invariant, so with an orthonormal basis U_λ of
it, ``U_λᵀ H U_λ`` has exactly the eigenvalues of M_λ; each is an eigenvalue of H of multiplicity d_λ.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

Partition = tuple[int, ...]


def _check_k(k: int, minimum: int = 1, maximum: int = 12) -> int:
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not (minimum <= int(k) <= maximum):
        raise ValueError(f"k: must be an integer in [{minimum}, {maximum}], got {k!r}")
    return int(k)


def _check_partition(name: str, lam) -> Partition:
    lam = tuple(int(x) for x in lam)
    if any(x <= 0 for x in lam) or list(lam) != sorted(lam, reverse=True):
        raise ValueError(f"{name}: must be a non-increasing tuple of positive integers, got {lam!r}")
    return lam


def partitions(n: int) -> list[Partition]:
    """All partitions of n, in reverse lexicographic order ((n) first, (1,…,1) last)."""
    n = _check_k(n, 0, 30)
    out: list[Partition] = []

    def rec(rest: int, cap: int, prefix: tuple[int, ...]) -> None:
        if rest == 0:
            out.append(prefix)
            return
        for p in range(min(rest, cap), 0, -1):
            rec(rest - p, p, prefix + (p,))

    rec(n, n, ())
    return out


def cycle_type(perm) -> Partition:
    """Cycle lengths of a permutation (given as the image list), sorted non-increasingly."""
    perm = list(perm)
    seen = [False] * len(perm)
    lengths = []
    for i in range(len(perm)):
        if not seen[i]:
            n, j = 0, i
            while not seen[j]:
                seen[j] = True
                j = perm[j]
                n += 1
            lengths.append(n)
    return tuple(sorted(lengths, reverse=True))


def class_size(mu) -> int:
    """Size ``k!/z_μ`` of the conjugacy class of cycle type μ, ``z_μ = Π_i i^{m_i} m_i!``."""
    mu = _check_partition("mu", mu)
    z = 1
    for i in set(mu):
        m = mu.count(i)
        z *= i**m * math.factorial(m)
    return math.factorial(sum(mu)) // z


@lru_cache(maxsize=None)
def _mn(lam: Partition, mu: Partition) -> int:
    if not mu:
        return 1 if not lam else 0
    r, rest = mu[0], mu[1:]
    L = len(lam)
    beta = [lam[i] + (L - 1 - i) for i in range(L)]  # β-set: strictly decreasing
    bset = set(beta)
    total = 0
    for b in beta:
        t = b - r
        if t >= 0 and t not in bset:  # a rim hook of length r ↔ moving bead b to b − r
            sign = -1 if sum(1 for x in beta if t < x < b) % 2 else 1
            new = sorted((bset - {b}) | {t}, reverse=True)
            nlam = tuple(x - (L - 1 - i) for i, x in enumerate(new))
            total += sign * _mn(tuple(p for p in nlam if p > 0), rest)
    return total


def character(lam, mu) -> int:
    """``χ^λ(μ)`` by the Murnaghan–Nakayama rule (β-set / abacus form): remove rim hooks of the lengths in
    μ one at a time, each with sign (−1)^{height}. Exact integers."""
    lam, mu = _check_partition("lam", lam), _check_partition("mu", mu)
    if sum(lam) != sum(mu):
        raise ValueError(f"lam, mu: partitions of different sizes {sum(lam)} and {sum(mu)}")
    return _mn(lam, mu)


def irrep_dim(lam) -> int:
    """``d_λ = χ^λ(1^k)`` by the hook length formula ``k! / Π hooks``."""
    lam = _check_partition("lam", lam)
    conj = [sum(1 for x in lam if x > j) for j in range(lam[0])] if lam else []
    hooks = 1
    for i, row in enumerate(lam):
        for j in range(row):
            hooks *= (row - j - 1) + (conj[j] - i - 1) + 1
    return math.factorial(sum(lam)) // hooks


def content_sum(lam) -> int:
    """``Σ_{boxes (i,j)} (j − i)``: the scalar by which the class sum of transpositions acts on S^λ."""
    lam = _check_partition("lam", lam)
    return sum(j - i for i, row in enumerate(lam) for j in range(row))


def pair_action_character(mu) -> int:
    """Trace of W ↦ PWPᵀ on ℝ^{k×k} for π of cycle type μ: ``(#fixed points)²``."""
    return _check_partition("mu", mu).count(1) ** 2


def isotypic_multiplicities(k: int) -> dict[Partition, int]:
    """``m_λ = (1/k!) Σ_μ |C_μ| χ_T(μ) χ^λ(μ)`` for every λ ⊢ k (characters of S_k are real); zeros dropped."""
    k = _check_k(k)
    classes = partitions(k)
    out = {}
    for lam in classes:
        num = sum(class_size(mu) * pair_action_character(mu) * _mn(lam, mu) for mu in classes)
        m, rem = divmod(num, math.factorial(k))
        if rem:
            raise ArithmeticError(f"non-integral multiplicity {num}/{k}! for {lam}")  # pragma: no cover
        if m:
            out[lam] = m
    return out


def generic_label(lam: Partition, k: int) -> str:
    """``[k-2,1,1]``-style name of λ (first part written relative to k), for comparing across k."""
    head = lam[0]
    first = "k" if head == k else f"k-{k - head}"
    return "[" + ",".join([first] + [str(p) for p in lam[1:]]) + "]"


def action_index(perm) -> np.ndarray:
    """Index map of T(π) on row-major vec: ``idx[a·k + b] = π(a)·k + π(b)``."""
    p = np.asarray(perm, dtype=np.int64)
    k = p.size
    if sorted(p.tolist()) != list(range(k)):
        raise ValueError(f"perm: not a permutation of 0..{k - 1}: {perm!r}")
    return (p[:, None] * k + p[None, :]).ravel()


def action_matrix(perm) -> np.ndarray:
    """The k² × k² permutation matrix T(π) with ``T vec(W) = vec(P W Pᵀ)``, ``P e_a = e_{π(a)}``."""
    idx = action_index(perm)
    T = np.zeros((idx.size, idx.size))
    T[idx, np.arange(idx.size)] = 1.0
    return T


def transposition_class_sum(k: int) -> np.ndarray:
    """``Z = Σ_{i<j} T((i j))`` as an integer matrix (symmetric: transpositions are involutions)."""
    k = _check_k(k, 2)
    Z = np.zeros((k * k, k * k), dtype=np.int64)
    cols = np.arange(k * k)
    for i, j in itertools.combinations(range(k), 2):
        p = list(range(k))
        p[i], p[j] = j, i
        Z[action_index(p), cols] += 1
    return Z


def character_projector(k: int, lam) -> np.ndarray:
    """Textbook projector ``(d_λ/k!) Σ_{g∈S_k} χ^λ(g) T(g)`` by summing over all k! elements (k ≤ 7)."""
    k = _check_k(k, 1, 7)
    lam = _check_partition("lam", lam)
    n = k * k
    P = np.zeros((n, n))
    cols = np.arange(n)
    chi: dict[Partition, int] = {}
    for perm in itertools.permutations(range(k)):
        mu = cycle_type(perm)
        if mu not in chi:
            chi[mu] = _mn(lam, mu)
        if chi[mu]:
            P[action_index(perm), cols] += chi[mu]
    return P * irrep_dim(lam) / math.factorial(k)


def young_fixed_basis(k: int, lam) -> np.ndarray:
    """Orthonormal basis (columns) of the vectors of ℝ^{k×k} fixed by the Young subgroup S_λ (permuting
    consecutive blocks of sizes λ₁, λ₂, …): indicator vectors of its orbits on index pairs (a, b), an orbit
    being fixed by (block(a), block(b), a = b)."""
    lam = _check_partition("lam", lam)
    if sum(lam) != k:
        raise ValueError(f"lam: not a partition of k = {k}: {lam!r}")
    block = np.repeat(np.arange(len(lam)), lam)
    keys: dict[tuple[int, int, bool], list[int]] = {}
    for a in range(k):
        for b in range(k):
            keys.setdefault((int(block[a]), int(block[b]), a == b), []).append(a * k + b)
    F = np.zeros((k * k, len(keys)))
    for col, idx in enumerate(keys.values()):
        F[idx, col] = 1.0 / math.sqrt(len(idx))
    return F


@dataclass(frozen=True)
class IsotypicComponent:
    """One Specht type λ in ℝ^{k×k}: projector P (k² × k²), reduced basis U (k² × m)."""

    partition: Partition
    label: str  # generic name, e.g. "[k-1,1]"
    dim_irrep: int
    multiplicity: int
    central_value: int  # ω_λ, eigenvalue of the transposition class sum
    projector: np.ndarray
    reduced_basis: np.ndarray

    @property
    def name(self) -> str:
        return "(" + ",".join(map(str, self.partition)) + ")"


@dataclass(frozen=True)
class IsotypicDecomposition:
    k: int
    components: tuple[IsotypicComponent, ...]
    reduced_gap: float  # worst (largest "zero" / smallest kept) singular value ratio building U_λ

    def labels(self) -> list[str]:
        return [c.label for c in self.components]


def _lagrange_projectors(k: int, types: list[Partition]) -> dict[Partition, np.ndarray]:
    omegas = {lam: content_sum(lam) for lam in types}
    if len(set(omegas.values())) != len(omegas):
        raise ValueError(f"k = {k}: central characters {omegas} do not separate the types; use character_projector")
    Z = transposition_class_sum(k)
    eye = np.eye(k * k, dtype=np.int64)
    out = {}
    for lam in types:
        num, den = eye.copy(), 1
        for mu in types:
            if mu != lam:
                num = num @ (Z - omegas[mu] * eye)
                den *= omegas[lam] - omegas[mu]
        out[lam] = num.astype(np.float64) / float(den)
    return out


@lru_cache(maxsize=16)
def isotypic_decomposition(k: int) -> IsotypicDecomposition:
    """Projectors and reduced bases of every Specht type in ℝ^{k×k} under W ↦ PWPᵀ (cached per k).

    U_λ: left singular vectors of ``P_λ F_λ`` (F_λ = :func:`young_fixed_basis`) with singular value above
    ``1e-8`` (the others are exactly 0 in exact arithmetic; ``reduced_gap`` reports the worst ratio seen);
    its column count must equal m_λ, else ``ArithmeticError``."""
    k = _check_k(k, 2, 10)
    mult = isotypic_multiplicities(k)
    types = list(mult)
    projs = _lagrange_projectors(k, types)
    comps, worst = [], 0.0
    for lam in types:
        P = projs[lam]
        Uf, sv, _ = np.linalg.svd(P @ young_fixed_basis(k, lam), full_matrices=False)
        keep = sv > 1e-8
        if int(keep.sum()) != mult[lam]:
            raise ArithmeticError(f"k = {k}, {lam}: reduced space has dim {int(keep.sum())}, expected m_λ = {mult[lam]}")
        if (~keep).any():
            worst = max(worst, float(sv[~keep].max() / sv[keep].min()))
        comps.append(
            IsotypicComponent(lam, generic_label(lam, k), irrep_dim(lam), mult[lam], content_sum(lam), P, Uf[:, keep])
        )
    return IsotypicDecomposition(k, tuple(comps), worst)


def block_leakage(H: np.ndarray, dec: IsotypicDecomposition) -> float:
    """``max_{a≠b} ‖P_a H P_b‖₂ / ‖H‖₂``: zero for an S_k-equivariant H (block diagonality)."""
    norm = float(np.linalg.norm(H, 2)) or 1.0
    worst = 0.0
    for ca, cb in itertools.permutations(dec.components, 2):
        worst = max(worst, float(np.linalg.norm(ca.projector @ H @ cb.projector, 2)) / norm)
    return worst


def equivariance_defect(H: np.ndarray, k: int) -> float:
    """``max ‖T H Tᵀ − H‖_max / ‖H‖_max`` over the generators (0 1) and (0 1 … k−1) of S_k."""
    scale = float(np.abs(H).max()) or 1.0
    out = 0.0
    for perm in ([1, 0] + list(range(2, k)), list(range(1, k)) + [0]):
        idx = action_index(perm)
        out = max(out, float(np.abs(H[np.ix_(idx, idx)] - H).max()) / scale)
    return out
