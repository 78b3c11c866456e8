"""Orthonormal bases of tall blocks, in place, and big work buffers without transparent huge pages.

:func:`orthonormal_basis` returns Q with ``span Q = span Y`` (up to columns that are rounding) and
``‖QᵀQ − I‖₂`` stated:

* **small blocks** (``n < HOUSEHOLDER_MAX_ROWS``): Householder QR (LAPACK ``geqrf``/``orgqr``), exactly as
  before — bit-for-bit the same bases, so small certificates do not change;
* **tall blocks**: randomized Cholesky QR (sketch-preconditioned CholeskyQR, Fan–Guo–Lin 2021; Balabanov
  2022; Higgins et al. 2023). A random-sign sketch ``S Y`` (s × k, rows of Y summed in blocks of s with
  independent ±1 signs) is factored by column-pivoted Householder QR, ``S Y P = Q_s R_s``; columns whose
  ``|R_s[i, i]| <= RANK_RTOL_FACTOR·k·eps·|R_s[0, 0]|`` are rounding (the backward error of that QR) and are dropped;
  ``Y₁ = Y P R_s⁻¹`` is then well conditioned whenever S embeds span Y, and one or two Cholesky-QR passes
  (``Q = Y₁ R⁻¹``, ``RᵀR = Y₁ᵀY₁``) make it orthonormal. Each pass is an in-place triangular solve (BLAS
  ``trsm``, no n × k temporary) followed by the Gram matrix of its *output*, so the orthogonality defect
  ``δ = ‖QᵀQ − I‖₂`` of the returned Q is measured, not assumed; a pass is accepted when
  ``δ <= ORTH_TOL``, and after ``MAX_PASSES`` (or a failed Cholesky) the block falls back to Householder.
  Cost: 2–3 passes of n·k² flops at matrix–matrix speed, against the BLAS-2-bound panel factorisation of
  Householder QR (measured 7.8 s → ≈1.5 s for n = 10⁶, k = 105 on one thread).

The sketch only preconditions: its randomness (a fixed private seed, so the caller's generator is not
touched) affects the speed, never the result's orthonormality, which is measured.
"""

from __future__ import annotations

import mmap
import sys
import threading
import warnings
from contextlib import contextmanager
from typing import Iterator

import numpy as np
from crosscheck.numerics._lazy import scipy_linalg

from crosscheck.numerics.tolerance import EPS

__all__ = ["HOUSEHOLDER_MAX_ROWS", "ORTH_TOL", "OrthoBasis", "fortran_buffer", "orthonormal_basis", "reuse_buffers"]

#: below this many rows Householder QR is cheap and is used as before (identical small-case results)
HOUSEHOLDER_MAX_ROWS = 65_536

#: accepted orthogonality defect ‖QᵀQ − I‖₂: Householder QR reaches O(k·eps) ≈ 1e-14; the certificates add
#: δ·‖B‖ to their radius, so 1e-12 costs nothing against thresholds ≥ 1e-9·‖B‖
ORTH_TOL = 1e-12

#: a pivoted-QR diagonal entry below RANK_RTOL_FACTOR·k·eps·|R[0,0]| is the QR's own rounding (its backward
#: error is ~k·eps·‖R‖; the factor 10 is a margin); such columns of Y carry no range and are dropped
RANK_RTOL_FACTOR = 10.0

#: Cholesky-QR passes after the sketch preconditioning before falling back to Householder
MAX_PASSES = 3

_SKETCH_SEED = 0x5EED_0C7  # private, fixed: the sketch does not consume the caller's random stream


_BIG = 64 * 2**20  # bytes from which fortran_buffer maps memory itself
_pool: list[mmap.mmap] | None = None  # the big buffers of the open reuse_buffers() block (None: no block)
_pool_lock = threading.Lock()


def fortran_buffer(n: int, k: int) -> np.ndarray:
    """An uninitialised Fortran-ordered (n, k) float64 array on anonymous memory *without*
    ``MADV_HUGEPAGE``: numpy advises huge pages for large arrays, and on kernels with THP defrag in
    ``madvise`` mode the first touch then compacts memory (measured 2.0 s against 0.65 s for 840 MB).
    Small buffers come from numpy as usual. Inside :func:`reuse_buffers` a big buffer that no array uses
    any more is handed out again (its old contents are there: uninitialised, like fresh memory)."""
    nbytes = 8 * n * k
    if nbytes < _BIG or nbytes == 0:
        return np.empty((n, k), order="F")
    with _pool_lock:
        buf = _reusable(nbytes) if _pool is not None else None
        if buf is None:
            buf = mmap.mmap(-1, nbytes)
            if _pool is not None:
                _pool.append(buf)
        return np.frombuffer(buf, dtype=np.float64, count=n * k).reshape(k, n).T


def _reusable(nbytes: int) -> mmap.mmap | None:
    """The smallest pooled buffer of at least ``nbytes`` that no array references (only the pool's list and
    ``getrefcount``'s argument hold it), or None; unreferenced buffers too small for this request leave the
    pool (unmapped when collected), so it never holds more than the in-use buffers and larger free ones."""
    assert _pool is not None
    free = [i for i in range(len(_pool)) if sys.getrefcount(_pool[i]) == 2]
    fits = [i for i in free if len(_pool[i]) >= nbytes]
    best = min(fits, key=lambda i: len(_pool[i])) if fits else None
    buf = _pool[best] if best is not None else None
    _pool[:] = [b for i, b in enumerate(_pool) if i not in free or i == best or len(b) >= nbytes]
    return buf


@contextmanager
def reuse_buffers() -> Iterator[None]:
    """Within the block, :func:`fortran_buffer` reuses big buffers that are no longer referenced instead of
    mapping fresh memory, whose first touch costs a page fault per 4 KiB (measured ~0.1 s per 150 MB on the
    2-core machine); for a run of certificates one after another. Results do not change: every user writes a
    buffer before reading it (tested bit for bit). Free buffers too small for a request leave the pool, so it
    holds about the largest case's buffers, and only until the outermost block ends."""
    global _pool
    with _pool_lock:
        outer = _pool is None
        if outer:
            _pool = []
    try:
        yield
    finally:
        if outer:
            with _pool_lock:
                _pool = None


class OrthoBasis:
    """Result of :func:`orthonormal_basis`: ``Q`` (a view into the input block), the measured ``defect``
    ``‖QᵀQ − I‖₂`` (0.0 for Householder, whose O(k·eps) is not measured) and the ``method`` used."""

    __slots__ = ("Q", "defect", "method")

    def __init__(self, Q: np.ndarray, defect: float, method: str) -> None:
        self.Q, self.defect, self.method = Q, defect, method


def _householder(Y: np.ndarray) -> np.ndarray:
    return scipy_linalg.qr(Y, mode="economic", overwrite_a=True, check_finite=False)[0]


def _sketch(Y: np.ndarray) -> np.ndarray:
    n, k = Y.shape
    s = int(min(n, max(4 * k, min(k * k, n // 8))))
    signs = np.random.default_rng(_SKETCH_SEED).integers(0, 2, n).astype(np.float64) * 2.0 - 1.0
    SY = np.zeros((s, k))
    for a in range(0, n, s):
        b = min(n, a + s)
        SY[: b - a] += signs[a:b, None] * Y[a:b]
    return SY


def _permute_columns(Y: np.ndarray, perm: np.ndarray) -> None:
    """``Y[:, i] ← Y[:, perm[i]]`` in place, cycle by cycle (one column of temporary memory)."""
    k = Y.shape[1]
    done = np.zeros(k, dtype=bool)
    for start in range(k):
        if done[start]:
            continue
        done[start] = True
        if perm[start] == start:
            continue
        tmp = Y[:, start].copy()
        i = start
        while perm[i] != start:
            Y[:, i] = Y[:, perm[i]]
            i = int(perm[i])
            done[i] = True
        Y[:, i] = tmp


def _solve_right(Q: np.ndarray, R: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``Q ← Q R⁻¹`` in place (BLAS ``trsm``, R upper triangular) and the Gram matrix ``QᵀQ`` of the result."""
    out = scipy_linalg.blas.dtrsm(1.0, R, Q, side=1, lower=0, overwrite_b=1)
    if not np.shares_memory(out, Q):  # pragma: no cover - f2py copies only non-Fortran input
        Q[...] = out
    return Q, Q.T @ Q


def orthonormal_basis(Y: np.ndarray) -> OrthoBasis:
    """An orthonormal basis of span Y, overwriting the Fortran-ordered (n, k) block Y (see the module
    docstring for the method and the tolerances)."""
    n, k = Y.shape
    if n < HOUSEHOLDER_MAX_ROWS or k == 0 or n < 8 * k:
        return OrthoBasis(_householder(Y), 0.0, "householder")
    R, piv = scipy_linalg.qr(_sketch(Y), mode="r", pivoting=True, check_finite=False)
    diag = np.abs(np.diag(R))
    r = int(np.count_nonzero(diag > RANK_RTOL_FACTOR * k * EPS * diag[0])) if diag.size and diag[0] > 0 else 0
    if r == 0:
        return OrthoBasis(_householder(Y), 0.0, "householder")
    _permute_columns(Y, piv)
    Q, G = _solve_right(Y[:, :r], np.ascontiguousarray(R[:r, :r]).copy(order="F"))
    for _ in range(MAX_PASSES):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                C = scipy_linalg.cholesky(0.5 * (G + G.T), lower=False, check_finite=False)
        except (np.linalg.LinAlgError, RuntimeWarning, ValueError):
            break
        Q, G = _solve_right(Q, np.asfortranarray(C))
        defect = float(np.linalg.norm(G - np.eye(r), 2))
        if defect <= ORTH_TOL:
            return OrthoBasis(Q, defect, "randomized Cholesky QR")
    return OrthoBasis(_householder(Q), 0.0, "householder")
