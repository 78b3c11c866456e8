"""Central finite differences, as an independent witness for analytic derivatives."""

from __future__ import annotations

from typing import Callable

import numpy as np


def fd_hessian(f: Callable[[np.ndarray], float], x: np.ndarray, h: float) -> np.ndarray:
    """Hessian of scalar ``f`` at flat ``x`` by central second differences of function values.

    ``H_ii ≈ (f(x+2h e_i) − 2f(x) + f(x−2h e_i)) / 4h²`` and
    ``H_ij ≈ (f(x+he_i+he_j) − f(x+he_i−he_j) − f(x−he_i+he_j) + f(x−he_i−he_j)) / 4h²``;
    the truncation error is O(h²) and is zero for a quadratic ``f``; rounding error is about
    ``eps·|f| / h²``.
    """
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    H = np.empty((n, n))
    E = np.eye(n) * h
    f0 = f(x)
    for i in range(n):
        H[i, i] = (f(x + 2 * E[i]) - 2 * f0 + f(x - 2 * E[i])) / (4 * h * h)
        for j in range(i + 1, n):
            val = (f(x + E[i] + E[j]) - f(x + E[i] - E[j]) - f(x - E[i] + E[j]) + f(x - E[i] - E[j])) / (4 * h * h)
            H[i, j] = H[j, i] = val
    return H


def fd_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float) -> np.ndarray:
    """Gradient of scalar ``f`` at flat ``x`` by central differences, O(h²) truncation error."""
    x = np.asarray(x, dtype=np.float64).ravel()
    g = np.empty_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        g[i] = (f(x + e) - f(x - e)) / (2 * h)
    return g
