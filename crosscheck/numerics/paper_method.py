"""A replay of the paper's own branch-tracing method, as a diagnostic for where its numbers come from.

The paper traced the branch by warm-started L-BFGS-B in steps of Δλ = 1/400 with finite-difference Hessians.
This replay does the same: at each grid λ, ``scipy.optimize.minimize(method="L-BFGS-B")`` with the analytic
gradient and scipy's default tolerances, warm-started from the previous iterate; then the smallest eigenvalue
of the central-difference Hessian of the gradient (step 1e-5, symmetrised). It stops at the first grid point
where that eigenvalue is negative and reports the linearly interpolated crossing, together with the gradient
norms of the iterates it accepted (which, with default tolerances, are not critical points to 1e-10).
(``benchmarks/bench_continuation.py`` carries its own copy of this baseline, for timing.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.homotopy import Homotopy


@dataclass(frozen=True)
class Replay:
    lambda_star: float | None  # interpolated first crossing of the FD λ₁ below zero (None: none up to lam_max)
    last_lambda: float  # the last grid λ with FD λ₁ ≥ 0
    last_w: np.ndarray  # the L-BFGS-B iterate there
    last_lambda1: float
    last_lambda2: float
    grad_norm_median: float
    grad_norm_max: float
    points: int


def gradient(hp: Homotopy):
    """``(w, λ) ↦ ∇_W L_α(W, λ)`` for flat w: the arithmetic of :func:`crosscheck.numerics.model.grad`
    operation for operation (bit-identical results, tested), without its argument validation and the parts
    the gradient does not need — the replay evaluates it ~10⁴ times."""
    X, v, y, N, alpha, act, m, d = hp.X, hp.v, hp.y, hp.N, hp.alpha, hp.act, hp.m, hp.d

    def g(w: np.ndarray, lam: float) -> np.ndarray:
        W = w.reshape(m, d)
        Z = X @ W.T
        s0, s1 = act.series(Z, 1)[:2]
        h = Z + lam * (s0 - Z)
        h1 = 1.0 + lam * (s1 - 1.0)
        r = h @ v - y
        return (((r[:, None] * h1) * v[None, :]).T @ X / N).ravel() + alpha * W.ravel()

    return g


def fd_hessian(hp: Homotopy, w: np.ndarray, lam: float, h: float = 1e-5, grad=None) -> np.ndarray:
    """Central differences of the analytic gradient, one column per coordinate, symmetrised."""
    grad = grad or gradient(hp)
    n = w.size
    H = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        H[:, i] = (grad(w + e, lam) - grad(w - e, lam)) / (2 * h)
    return 0.5 * (H + H.T)


def replay_paper_method(hp: Homotopy, step: float = 1 / 400, lam_max: float = 1.0) -> Replay:
    """Warm-started L-BFGS-B on the grid ``λ_k = k·step`` (computed as ``k/(1/step)``) from the λ = 0
    minimum, FD-Hessian λ₁ at each."""
    from scipy.optimize import minimize  # on first use: it costs ~0.1 s of start-up

    if not 0.0 < step < 1.0:
        raise ValueError(f"step must be in (0, 1), got {step!r}")
    steps = 1.0 / step
    grad = gradient(hp)
    w = hm.linear_minimum(hp)
    gn: list[float] = []
    last = (0.0, w, np.nan, np.nan)
    star = None
    for k in range(int(lam_max * steps + 1e-9) + 1):
        lam = k / steps
        r = minimize(lambda x: (hm.loss(hp, x, lam), grad(x, lam)), w, jac=True, method="L-BFGS-B")
        w = r.x
        gn.append(float(np.linalg.norm(grad(w, lam))))
        e = np.linalg.eigvalsh(fd_hessian(hp, w, lam, grad=grad))
        if e[0] < 0:
            l0, _, e0, _ = last
            star = float(l0 + (lam - l0) * e0 / (e0 - e[0]))
            break
        last = (lam, w.copy(), float(e[0]), float(e[1]))
    g = np.array(gn)
    return Replay(star, last[0], last[1], last[2], last[3], float(np.median(g)), float(g.max()), len(gn))
