"""Ranks and multiplicities with a stated tolerance and a spectral-gap certificate, or exactly.

Rule for "zero" (as in ``numpy.linalg.matrix_rank`` and ``scipy.linalg.null_space``): a singular value
``s`` counts as zero when ``s <= tol`` with, by default, ``tol = max(M, N) · eps · s_max``. The
**gap** is the ratio ``s_zero_max / s_nonzero_min`` of the largest value declared zero to the smallest
declared non-zero: a decision is well separated when ``gap << 1`` (e.g. 1e-8); ``gap`` is 0 when either
set is empty, i.e. there was nothing to separate.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import numpy as np

from crosscheck.numerics._validate import as_array
from crosscheck.numerics.tolerance import EPS


@dataclass(frozen=True)
class RankResult:
    """``rank`` of a matrix decided with threshold ``tol``; ``gap`` certifies the separation."""

    rank: int
    tol: float
    gap: float
    smax: float
    values: tuple[float, ...]  # singular values (or |eigenvalues|), descending
    rule: str

    @property
    def nullity(self) -> int:
        return len(self.values) - self.rank if len(self.values) else 0


def _gap(values: np.ndarray, rank: int) -> float:
    if rank == 0 or rank == len(values):
        return 0.0
    return float(values[rank] / values[rank - 1])


def numerical_rank(A, rtol: float | None = None, *, hermitian: bool = False) -> RankResult:
    """Numerical rank of ``A`` with a stated tolerance and a gap certificate.

    Parameters
    ----------
    A : (M, N) array_like, finite.
    rtol : relative tolerance; singular values ``<= rtol · s_max`` count as zero.
        Default ``max(M, N) · eps`` (the LAPACK/NumPy convention).
    hermitian : if True, ``A`` is taken as symmetric and ``|eigvalsh(A)|`` replace the singular values
        (the same numbers for a symmetric matrix, computed faster).
    """
    a = as_array("A", A, 2)
    if hermitian:
        if a.shape[0] != a.shape[1]:
            raise ValueError(f"A: hermitian=True needs a square matrix, got shape {a.shape}")
        s = np.sort(np.abs(np.linalg.eigvalsh(a)))[::-1]
    else:
        s = np.linalg.svd(a, compute_uv=False)
    if rtol is None:
        rtol = max(a.shape) * EPS  # the LAPACK/NumPy matrix_rank convention
        rule = "s <= max(M, N) * eps * s_max"
    else:
        if not (np.isfinite(rtol) and rtol > 0):
            raise ValueError(f"rtol: must be a positive finite number, got {rtol!r}")
        rule = f"s <= {rtol:.3g} * s_max"
    smax = float(s[0]) if s.size else 0.0
    tol = float(rtol * smax)
    rank = int(np.count_nonzero(s > tol))
    return RankResult(rank, tol, _gap(s, rank), smax, tuple(float(x) for x in s), rule)


@dataclass(frozen=True)
class Cluster:
    """How many eigenvalues of a symmetric matrix lie within ``tol`` of ``target``."""

    target: float
    count: int
    tol: float
    gap: float  # max |λ − target| inside / min |λ − target| outside (0 when a side is empty)
    nearest_outside: float | None


def eigen_cluster(eigenvalues, target: float, tol: float) -> Cluster:
    """Count eigenvalues with ``|λ − target| <= tol`` and certify the separation from the rest."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    dist = np.abs(lam - target)
    inside = dist <= tol
    count = int(inside.sum())
    out = dist[~inside]
    nearest = float(lam[~inside][np.argmin(out)]) if out.size else None
    gap = float(dist[inside].max() / out.min()) if count and out.size and out.min() > 0 else 0.0
    return Cluster(float(target), count, float(tol), gap, nearest)


def _to_fraction(x: object) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, (int, np.integer)):
        return Fraction(int(x))
    if isinstance(x, (float, np.floating)):
        if not np.isfinite(x):
            raise ValueError(f"A: entry {x!r} is not finite")
        return Fraction(float(x))  # exact binary value of the float
    if isinstance(x, str):
        return Fraction(x)
    raise ValueError(f"A: entry {x!r} of type {type(x).__name__} is not rational")


def exact_rank(A: Sequence[Sequence[object]] | np.ndarray) -> int:
    """Rank of a rational matrix by fraction-exact Gaussian elimination (no floating point at all).

    Entries may be ints, ``Fraction``s, decimal strings, or floats (taken at their exact binary value).
    """
    rows = [[_to_fraction(x) for x in row] for row in (A.tolist() if isinstance(A, np.ndarray) else A)]
    if not rows or not rows[0]:
        raise ValueError("A: is empty; sizes must be at least 1")
    ncols = len(rows[0])
    if any(len(r) != ncols for r in rows):
        raise ValueError("A: rows have different lengths")
    rank = 0
    for col in range(ncols):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        p = rows[rank]
        for i in range(rank + 1, len(rows)):
            if rows[i][col] != 0:
                f = rows[i][col] / p[col]
                rows[i] = [a - f * b for a, b in zip(rows[i], p)]
        rank += 1
        if rank == len(rows):
            break
    return rank
