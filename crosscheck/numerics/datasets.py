"""Data for the matrix-free checks: scikit-learn's 8×8 digits (read from the installed wheel, no
network) and synthetic data whose empirical covariance Σ̂ = XᵀX/N is exactly a chosen Σ.

Digits: the ``digits.csv.gz`` that ``sklearn.datasets.load_digits`` reads, located in the installed
scikit-learn without importing it — 1797 images, 64 pixels with integer values 0…16, used
**unscaled** (so Σ̂ = XᵀX/N is an integer matrix over N and its rank is decided exactly). Pixels 0, 32
and 39 are 0 in every image, so the raw Σ̂ is singular (rank 61 < 64): the hypothesis Σ ≻ 0 of
Proposition 7.4 fails there. Variant ``"nonconstant"`` keeps only the pixels that vary.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from crosscheck.numerics._validate import as_array, as_scalar

__all__ = ["Dataset", "DIGITS_VARIANTS", "digits", "integer_gram_rank", "synthetic", "spd_matrix"]

DIGITS_VARIANTS = ("raw", "nonconstant")
_PRIME = 2_147_483_647  # 2³¹ − 1: products of two residues fit in int64


@dataclass(frozen=True)
class Dataset:
    """Inputs X (N, d) and targets y (N,), with where they came from."""

    name: str
    X: np.ndarray
    y: np.ndarray
    source: str
    pixels: tuple[int, ...] = ()  # digits: the pixel indices kept (row-major in the 8×8 image)
    dropped: tuple[int, ...] = ()  # digits: constant pixels removed

    @property
    def N(self) -> int:
        return int(self.X.shape[0])

    @property
    def d(self) -> int:
        return int(self.X.shape[1])


def _digits_file() -> Path:
    """The CSV that ``sklearn.datasets.load_digits`` reads, located without importing scikit-learn
    (its import costs seconds; ``find_spec`` of a top-level package does not execute it)."""
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the digits data set needs scikit-learn (`pip install scikit-learn`)")
    return Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "digits.csv.gz"


@lru_cache(maxsize=1)
def _digits_raw() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 images: the bundled ``digits.csv.gz`` (64 pixel columns, then the label), parsed as
    ``load_digits`` parses it; falls back to ``load_digits`` itself if the file is not where expected."""
    path = _digits_file()
    if path.is_file():
        data = np.loadtxt(path, delimiter=",")
    else:  # pragma: no cover - a future scikit-learn layout
        from sklearn.datasets import load_digits

        X, y = load_digits(return_X_y=True)
        data = np.column_stack([X, y])
    if data.shape != (1797, 65):
        raise RuntimeError(f"digits: expected 1797 × 65 values in {path}, got {data.shape}")
    X = np.ascontiguousarray(data[:, :64])
    X.setflags(write=False)
    return X, np.ascontiguousarray(data[:, 64])


def digits(variant: str = "raw", N: int = 0) -> Dataset:
    """The first ``N`` digits images (``N = 0``: all 1797) as X (N, d) with pixel values 0…16.

    ``variant="raw"``: all 64 pixels (d = 64). ``"nonconstant"``: only pixels that are not constant over
    the N images used (d = 61 for all 1797), so Σ̂ has the rank of X restricted to varying pixels.
    """
    if variant not in DIGITS_VARIANTS:
        raise ValueError(f"variant: expected one of {DIGITS_VARIANTS}, got {variant!r}")
    Xall, yall = _digits_raw()
    if not 0 <= int(N) <= Xall.shape[0]:
        raise ValueError(f"N: digits has {Xall.shape[0]} images, got N={N}")
    n = int(N) or Xall.shape[0]
    X, y = Xall[:n], yall[:n]
    allpix = tuple(range(X.shape[1]))
    if variant == "raw":
        return Dataset("digits", X, y, "scikit-learn digits.csv.gz (the file load_digits reads; bundled in the wheel)", allpix, ())
    varies = np.ptp(X, axis=0) > 0
    kept = tuple(int(i) for i in np.flatnonzero(varies))
    dropped = tuple(int(i) for i in np.flatnonzero(~varies))
    return Dataset(
        "digits-nonconstant", np.ascontiguousarray(X[:, varies]), y, "sklearn.datasets.load_digits, constant pixels removed", kept, dropped
    )


def spd_matrix(d: int, cond: float, rng: np.random.Generator, rank: int | None = None) -> np.ndarray:
    """``Q diag(λ) Qᵀ`` with Q Haar-random and λ log-spaced from 1 to 1/cond; with ``rank = r < d`` the
    last d − r eigenvalues are exactly 0."""
    if d < 1:
        raise ValueError(f"d: must be at least 1, got {d}")
    cond = as_scalar("cond", cond, minimum=1.0)
    Q, R = np.linalg.qr(rng.standard_normal((d, d)))
    Q = Q * np.sign(np.diag(R))
    lam = np.logspace(0.0, -np.log10(cond), d) if d > 1 else np.ones(1)
    if rank is not None:
        if not 0 <= rank <= d:
            raise ValueError(f"rank: must be in 0…{d}, got {rank}")
        lam[rank:] = 0.0
    return (Q * lam) @ Q.T


def synthetic(N: int, d: int, cond: float, rng: np.random.Generator, rank: int | None = None) -> Dataset:
    """X = √N · U · Σ^{1/2} with U (N × d) orthonormal columns, so ``XᵀX/N = Σ`` exactly up to rounding,
    Σ = :func:`spd_matrix` (condition ``cond``, or rank ``rank``); y standard normal. Needs N >= d."""
    if N < d:
        raise ValueError(f"N: synthetic data needs N >= d so that Σ̂ can be Σ; got N={N}, d={d}")
    S = spd_matrix(d, cond, rng, rank)
    w, V = np.linalg.eigh(S)
    root = (V * np.sqrt(np.clip(w, 0.0, None))) @ V.T
    U, _ = np.linalg.qr(rng.standard_normal((N, d)))
    X = np.sqrt(N) * U @ root
    label = f"synthetic cond={cond:.0e}" + (f" rank={rank}" if rank is not None and rank < d else "")
    return Dataset(label, np.ascontiguousarray(X), rng.standard_normal(N), "Gaussian, Σ̂ = Σ by construction")


def _rank_mod_p(A: np.ndarray) -> int:
    """Rank over GF(p) by Gaussian elimination in int64 (p = 2³¹ − 1)."""
    M = np.mod(A.astype(np.int64), _PRIME)
    rows, cols = M.shape
    rank = 0
    for c in range(cols):
        nz = np.flatnonzero(M[rank:, c])
        if nz.size == 0:
            continue
        piv = rank + int(nz[0])
        M[[rank, piv]] = M[[piv, rank]]
        inv = pow(int(M[rank, c]), _PRIME - 2, _PRIME)
        M[rank] = (M[rank] * inv) % _PRIME
        below = M[rank + 1 :, c].copy()
        M[rank + 1 :] = (M[rank + 1 :] - np.outer(below, M[rank]) % _PRIME) % _PRIME
        rank += 1
        if rank == rows:
            break
    return rank


def integer_gram_rank(X) -> int:
    """rank(XᵀX) = rank(X) for an integer matrix X, exactly, with no floating point decision.

    Lower bound: the rank of XᵀX modulo the prime p = 2³¹ − 1 (a non-zero minor mod p is non-zero over
    ℚ). Upper bound: the number of non-zero columns of X. When they agree that is the rank; otherwise
    the fraction-exact :func:`~crosscheck.numerics.rank.exact_rank` decides.
    """
    Xa = as_array("X", X, 2)
    if not np.array_equal(Xa, np.round(Xa)) or np.abs(Xa).max() > 2**20:
        raise ValueError("X: integer_gram_rank needs integer entries of modest size (|x| <= 2^20)")
    Xi = Xa.astype(np.int64)
    G = Xi.T @ Xi  # exact in int64 for |x| <= 2^20 and N <= 2^20
    lower = _rank_mod_p(G)
    upper = int(np.count_nonzero(np.any(Xi != 0, axis=0)))
    if lower == upper:
        return lower
    from crosscheck.numerics.rank import exact_rank

    return exact_rank(G)
