"""Shared numerical constants and tolerance rules, stated once.

* :data:`EPS` — the spacing of float64 at 1, ``2⁻⁵²`` (``numpy.finfo(float64).eps``); every rounding
  rule below is a multiple of it.
* :func:`rounding_floor` — the level below which a quantity computed from an n-dimensional matrix of norm
  ``‖A‖`` is indistinguishable from rounding: ``factor · n · eps · ‖A‖``. A backward-stable symmetric
  eigensolver (LAPACK ``syevd``) returns eigenvalues within ``O(n·eps·‖A‖₂)`` of the exact ones, so an
  eigenvalue at or below this floor cannot be told from zero; ``factor = 10`` (:data:`ROUNDING_FACTOR`) is a
  safety margin over the constant in that bound. The caller states which norm it passes (‖A‖₂ = max|λ| for
  a symmetric A; any larger norm — Frobenius, sum of |entries| — gives a larger, still valid floor).
* :func:`sign_changes` / :func:`first_sign_change` — where a sampled function changes sign.
* :data:`BRENTQ_RTOL` — the smallest relative tolerance ``scipy.optimize.brentq`` accepts (``4·eps``).

Eigenvalue clusters (how many eigenvalues lie within a tolerance of a target, with the gap to the rest) are
counted by :func:`crosscheck.numerics.rank.eigen_cluster`; ranks by
:func:`crosscheck.numerics.rank.numerical_rank`.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BRENTQ_RTOL", "EPS", "ROUNDING_FACTOR", "first_sign_change", "rounding_floor", "sign_changes"]

#: float64 machine epsilon 2⁻⁵² (the relative spacing of doubles at 1)
EPS: float = float(np.finfo(np.float64).eps)

#: safety margin over the O(n·eps·‖A‖) backward error of a symmetric eigensolver (decides zero vs non-zero)
ROUNDING_FACTOR: float = 10.0

#: scipy.optimize.brentq rejects rtol < 4·eps; root brackets are refined to this relative accuracy
BRENTQ_RTOL: float = 4.0 * EPS


def rounding_floor(n: int, norm: float, factor: float = ROUNDING_FACTOR) -> float:
    """``factor · n · eps · norm``: values at or below it are rounding for an n-dimensional computation on a
    matrix of norm ``norm`` (see the module docstring for the rule and the default factor 10)."""
    if n < 0 or not np.isfinite(norm) or norm < 0:
        raise ValueError(f"rounding_floor: need n >= 0 and a finite norm >= 0, got n={n}, norm={norm}")
    return float(factor) * int(n) * EPS * float(norm)


def sign_changes(values, zeros: str = "right") -> list[int]:
    """Indices i where the sampled function has a root in the interval between samples i and i+1.

    Always counted: ``values[i]`` and ``values[i+1]`` of strictly opposite signs. Exact zeros by ``zeros``:

    * ``"right"`` (default): also ``values[i] ≠ 0`` and ``values[i+1] == 0`` — a root in ``(x_i, x_{i+1}]``;
    * ``"left"``: also ``values[i] == 0`` — a root in ``[x_i, x_{i+1})`` (i = 0 included);
    * ``"open"``: strict sign changes only.

    Signs are compared directly (no product of values, so nothing underflows); NaN never counts.
    """
    if zeros not in ("right", "left", "open"):
        raise ValueError(f"zeros: expected 'right', 'left' or 'open', got {zeros!r}")
    t = np.asarray(values, dtype=np.float64).ravel()
    if t.size < 2:
        return []
    s = np.sign(t)
    a, b = s[:-1], s[1:]
    hit = a * b < 0
    if zeros == "right":
        hit |= (a != 0) & (b == 0) & ~np.isnan(a)
    elif zeros == "left":
        hit |= a == 0
    return [int(i) for i in np.flatnonzero(hit)]


def first_sign_change(values, zeros: str = "right") -> int | None:
    """The first index of :func:`sign_changes`, or ``None``."""
    idx = sign_changes(values, zeros)
    return idx[0] if idx else None
