"""LU factorisation and solves straight from LAPACK (``dgetrf``/``dgetrs``): bit for bit what
``scipy.linalg.lu_factor``/``lu_solve`` return (tested), without their per-call argument handling (~7 µs a
call; the continuation and the phase scan make ~10⁴ of them per run). Real float64 only; scipy.linalg is
imported on first use."""

from __future__ import annotations

import numpy as np

from crosscheck.numerics._lazy import scipy_linalg


def lu_factor(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(LU, pivots) of the square float64 matrix ``a`` (not modified). An exactly singular matrix is
    factorised anyway (a zero on U's diagonal), as scipy does; the callers test for it."""
    lu, piv, info = scipy_linalg.lapack.dgetrf(a)
    if info < 0:  # pragma: no cover - a programming error
        raise ValueError(f"dgetrf: illegal value in argument {-info}")
    return lu, piv


def lu_solve(lu_piv: tuple[np.ndarray, np.ndarray], b: np.ndarray) -> np.ndarray:
    """``A⁻¹b`` from :func:`lu_factor`'s result."""
    x, info = scipy_linalg.lapack.dgetrs(lu_piv[0], lu_piv[1], b)
    if info != 0:  # pragma: no cover - a programming error
        raise ValueError(f"dgetrs: illegal value in argument {-info}")
    return x
