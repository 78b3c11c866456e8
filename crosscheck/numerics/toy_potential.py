"""The symmetric toy model's potential along the anti-diagonal (Appendix B.1).

For d = 1, m = 2, v = (1, 1), α = 0 the swap w₁ ↔ w₂ is a symmetry of L(·, λ), so the gradient at a point
(c, c) lies along (1, 1): the symmetric critical point at λ solves the scalar equation
``(1, 1)·∇L((c, c), λ) = 0`` (Newton, from the minimum-norm λ = 0 minimiser). Along the anti-diagonal
``W(s) = (c + s, c − s)`` (s = (w₁ − w₂)/2) the potential ``ϕ(s; λ) = L(W(s), λ) − L((c, c), λ)`` is even in s
(the swap maps s to −s), so its Taylor coefficient ``c₃ = D³L[(1, −1)³]/6`` vanishes. At λ = 0 the network
is linear, ``f = (w₁ + w₂)x``, which does not depend on s: ϕ(·; 0) ≡ 0 identically (all coefficients zero).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.homotopy import Homotopy
from crosscheck.numerics.model import parts

ANTI = np.array([1.0, -1.0])
DIAG = np.array([1.0, 1.0])


def symmetric_point(hp: Homotopy, lam: float, c0: float, tol: float = 1e-14, max_iter: int = 50) -> tuple[float, float]:
    """(c, ‖∇L((c, c), λ)‖): Newton on ``(1, 1)·∇L = 0`` in the symmetric subspace, from c0."""
    c = float(c0)
    for _ in range(max_iter):
        w = np.array([c, c])
        g = float(DIAG @ hm.grad(hp, w, lam))
        if abs(g) <= tol:
            break
        c -= g / float(DIAG @ hm.hessian(hp, w, lam) @ DIAG)
    return c, float(np.linalg.norm(hm.grad(hp, np.array([c, c]), lam)))


@dataclass(frozen=True)
class AntiDiagonal:
    lam: float
    c: float
    grad_norm: float
    c2: float  # ½D²L[(1,−1)²]
    c3: float  # D³L[(1,−1)³]/6
    c4: float  # D⁴L[(1,−1)⁴]/24
    c3_scale: float  # mean of the absolute values summed in c₃ (for the rounding floor)
    max_abs_phi: float  # max |ϕ(s)| over the grid
    max_asymmetry: float  # max |ϕ(s) − ϕ(−s)| over the grid
    depth: float  # −min ϕ (0 if the minimum is at s = 0)
    s_min: float  # where ϕ is smallest (s ≥ 0 representative)


def anti_diagonal(hp: Homotopy, lam: float, c: float, grad_norm: float, s_max: float = 3.0, points: int = 601) -> AntiDiagonal:
    """ϕ(s; λ) on a symmetric grid of ``points`` values of s in [−s_max, s_max], its exact Taylor coefficients,
    and the depth of its well (the grid minimum refined by a bounded scalar minimisation on s ≥ 0)."""
    from scipy.optimize import minimize_scalar  # on first use: it costs ~0.1 s of start-up

    w = np.array([c, c])
    _, d2, d3, d4 = hm.directional_derivatives(hp, w, lam, ANTI)
    p = parts(hp, w.reshape(2, 1), lam)
    A = hp.X @ ANTI.reshape(2, 1).T
    r1 = (p.h1 * A) @ hp.v
    r2 = (lam * p.s2 * A**2) @ hp.v
    r3 = (lam * hp.act.d3f(p.Z) * A**3) @ hp.v
    scale = float(np.mean(np.abs(3 * r1 * r2)) + np.mean(np.abs(p.r * r3)))
    L0 = hm.loss(hp, w, lam)
    s = np.linspace(-s_max, s_max, int(points))
    phi = np.array([hm.loss(hp, w + x * ANTI, lam) - L0 for x in s])
    k = int(np.argmin(phi))
    depth, s_min = 0.0, 0.0
    if phi[k] < 0:
        sk = abs(float(s[k]))
        h = s[1] - s[0]
        res = minimize_scalar(lambda x: hm.loss(hp, w + x * ANTI, lam) - L0, bounds=(max(sk - h, 0.0), min(sk + h, s_max)),
                              method="bounded", options={"xatol": 1e-10})
        depth, s_min = float(-min(res.fun, phi[k])), float(res.x)
    return AntiDiagonal(float(lam), float(c), float(grad_norm), 0.5 * d2, d3 / 6.0, d4 / 24.0, scale,
                        float(np.abs(phi).max()), float(np.abs(phi - phi[::-1]).max()), depth, s_min)
