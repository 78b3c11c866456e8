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
from typing import Iterator

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


def _gradient_from(hp: Homotopy, W: np.ndarray, Z: np.ndarray, s0: np.ndarray, s1: np.ndarray, lam: float) -> np.ndarray:
    """``∇_W L_α`` at W (m, d) from ``Z = X Wᵀ`` and σ, σ' there: :func:`crosscheck.numerics.model.grad`'s
    arithmetic operation for operation."""
    h = Z + lam * (s0 - Z)
    h1 = 1.0 + lam * (s1 - 1.0)
    r = h @ hp.v - hp.y
    return (((r[:, None] * h1) * hp.v[None, :]).T @ hp.X / hp.N).ravel() + hp.alpha * W.ravel()


def gradient(hp: Homotopy):
    """``(w, λ) ↦ ∇_W L_α(W, λ)`` for flat w: the arithmetic of :func:`crosscheck.numerics.model.grad`
    operation for operation (bit-identical results, tested), without its argument validation and the parts
    the gradient does not need — the replay evaluates it ~10⁴ times."""
    X, act, m, d = hp.X, hp.act, hp.m, hp.d

    def g(w: np.ndarray, lam: float) -> np.ndarray:
        W = w.reshape(m, d)
        Z = X @ W.T
        s0, s1 = act.series(Z, 1)[:2]
        return _gradient_from(hp, W, Z, s0, s1, lam)

    return g


def value_and_gradient(hp: Homotopy):
    """``(w, λ) ↦ (L_α(W, λ), ∇_W L_α(W, λ))`` from one evaluation of Z and σ — what L-BFGS-B asks for at
    every iterate. The loss is :func:`crosscheck.numerics.model.loss`'s arithmetic, the gradient
    :func:`gradient`'s (bit-identical to calling both, tested for tanh, the paper's activation)."""
    X, v, y, alpha, act, m, d = hp.X, hp.v, hp.y, hp.alpha, hp.act, hp.m, hp.d

    def fg(w: np.ndarray, lam: float) -> tuple[float, np.ndarray]:
        W = w.reshape(m, d)
        Z = X @ W.T
        s0, s1 = act.series(Z, 1)[:2]
        rl = ((1.0 - lam) * Z + lam * s0) @ v - y
        loss = 0.5 * float(np.mean(rl * rl)) + 0.5 * alpha * float(np.sum(W * W))
        return loss, _gradient_from(hp, W, Z, s0, s1, lam)

    return fg


def fd_hessian(hp: Homotopy, w: np.ndarray, lam: float, h: float = 1e-5, grad=None) -> np.ndarray:
    """Central differences of the analytic gradient, one column per coordinate: column (j, k) is
    ``(∇L(W + h E_jk) − ∇L(W − h E_jk)) / 2h``, symmetrised.

    Without ``grad``, the 2n perturbed gradients are evaluated together, using that moving W[j, k] changes
    only unit j's pre-activation (``z_j ± h·x_k``): the residual of each perturbed network, then one product
    for the rows of the unchanged units and one for unit j's own row. The same differences of the same
    gradients; the rounding of each gradient differs from evaluating it from scratch at the level the
    central difference already carries (≈ eps·|∇L|/h). With a ``grad`` function, it is called 2n times."""
    n = w.size
    if grad is not None:
        H = np.empty((n, n))
        for i in range(n):
            e = np.zeros(n)
            e[i] = h
            H[:, i] = (grad(w + e, lam) - grad(w - e, lam)) / (2 * h)
        return 0.5 * (H + H.T)
    X, v, y, N, alpha, act, m, d = hp.X, hp.v, hp.y, hp.N, hp.alpha, hp.act, hp.m, hp.d
    W = w.reshape(m, d)
    Z = X @ W.T  # (N, m)
    s0, s1 = act.series(Z, 1)[:2]
    Hh = Z + lam * (s0 - Z)
    H1 = 1.0 + lam * (s1 - 1.0)
    r = Hh @ v - y
    j = np.repeat(np.arange(m), d)  # coordinate c = j·d + k
    k = np.tile(np.arange(d), m)
    sign = np.concatenate([np.ones(n), -np.ones(n)])[:, None]
    jj, kk = np.concatenate([j, j]), np.concatenate([k, k])
    Zc = Z.T[jj] + sign * h * X.T[kk]  # (2n, N): unit j's perturbed pre-activation
    c0, c1 = act.series(Zc, 1)[:2]
    hc = Zc + lam * (c0 - Zc)
    h1c = 1.0 + lam * (c1 - 1.0)
    R = r[None, :] + v[jj][:, None] * (hc - Hh.T[jj])  # (2n, N): residuals of the perturbed networks
    K = (H1[:, :, None] * v[None, :, None] * X[:, None, :]).reshape(N, n)  # K[n, (j', k')] = h'_{nj'} v_j' x_{nk'}
    G = R @ K / N  # every row with the unperturbed h' ...
    own = ((R * h1c) @ X) * v[jj][:, None] / N  # ... and unit j's own row with its perturbed h'
    rows = np.arange(2 * n)[:, None]
    G[rows, jj[:, None] * d + np.arange(d)[None, :]] = own
    G += alpha * w[None, :]  # + αW of the perturbed W: αw, and ±αh in the perturbed coordinate
    G[np.arange(n), np.arange(n)] += alpha * h
    G[n + np.arange(n), np.arange(n)] -= alpha * h
    Hm = ((G[:n] - G[n:]) / (2 * h)).T
    return 0.5 * (Hm + Hm.T)


def paper_method_grid(hp: Homotopy, step: float = 1 / 400, lam_max: float = 1.0) -> Iterator[tuple[float, np.ndarray, np.ndarray]]:
    """The paper's method, point by point: ``(λ_k, W_k, eigenvalues of the FD Hessian at W_k)`` for the grid
    ``λ_k = k·step`` (computed as ``k/(1/step)``) up to ``lam_max``, W_k by L-BFGS-B with the analytic
    gradient and scipy's default tolerances, warm-started from W_{k−1} (W_{−1}: the λ = 0 minimum)."""
    from scipy.optimize import minimize  # on first use: it costs ~0.1 s of start-up

    if not 0.0 < step < 1.0:
        raise ValueError(f"step must be in (0, 1), got {step!r}")
    steps = 1.0 / step
    fg = value_and_gradient(hp)  # the loss and gradient of hm.loss and hm.grad, bit for bit, from one σ evaluation
    w = hm.linear_minimum(hp)
    for k in range(int(lam_max * steps + 1e-9) + 1):
        lam = k / steps
        w = minimize(lambda x: fg(x, lam), w, jac=True, method="L-BFGS-B").x
        yield lam, w, np.linalg.eigvalsh(fd_hessian(hp, w, lam))


def replay_paper_method(hp: Homotopy, step: float = 1 / 400, lam_max: float = 1.0) -> Replay:
    """:func:`paper_method_grid` from the λ = 0 minimum up to the first grid point with FD-Hessian λ₁ < 0."""
    grad = gradient(hp)
    gn: list[float] = []
    last = (0.0, hm.linear_minimum(hp), np.nan, np.nan)
    star = None
    for lam, w, e in paper_method_grid(hp, step, lam_max):
        gn.append(float(np.linalg.norm(grad(w, lam))))
        if e[0] < 0:
            l0, _, e0, _ = last
            star = float(l0 + (lam - l0) * e0 / (e0 - e[0]))
            break
        last = (lam, w.copy(), float(e[0]), float(e[1]))
    g = np.array(gn)
    return Replay(star, last[0], last[1], last[2], last[3], float(np.median(g)), float(g.max()), len(gn))
