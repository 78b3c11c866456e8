"""The terms of the third and fourth directional derivatives of the loss, and the Taylor coefficients of the
restricted potential, as the paper writes them (formula (34) and Appendix B.2).

Along a direction U at (W, λ), write ``Df = Σ_j v_j h'(z_j) a_j``, ``D²f = Σ_j v_j h''(z_j) a_j²``, …,
``a_j = x·u_j`` (the derivatives of ``t ↦ f(x; W + tU)`` at 0) and ``r* = f − y``. Then, with E the sample mean,

* ``g_aa = D³L[U³] = 3E[Df·D²f] + E[r*·D³f]``,
* ``g_aaa = D⁴L[U⁴] = 3E[(D²f)²] + 4E[Df·D³f] + E[r*·D⁴f]``

(the regularisation (α/2)‖W‖² contributes nothing beyond second order). The restricted potential
``ϕ(a) = L(W + aU) − L(W)`` has Taylor coefficients ``c₂ = ½D²L[U²]``, ``c₃ = g_aa/6``, ``c₄ = g_aaa/24``.
The odd terms change sign with U; :func:`terms` keeps the orientation it is given.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics.model import Model, parts, point


@dataclass(frozen=True)
class Terms:
    df_d2f: float  # 3E[Df·D²f]
    r_d3f: float  # E[r*·D³f]
    d2f_sq: float  # 3E[(D²f)²]
    df_d3f: float  # 4E[Df·D³f]
    r_d4f: float  # E[r*·D⁴f]
    second: float  # D²L[U²] (with the regularisation)

    @property
    def g_aa(self) -> float:
        return self.df_d2f + self.r_d3f

    @property
    def g_aaa(self) -> float:
        return self.d2f_sq + self.df_d3f + self.r_d4f

    @property
    def c2(self) -> float:
        return 0.5 * self.second

    @property
    def c3(self) -> float:
        return self.g_aa / 6.0

    @property
    def c4(self) -> float:
        return self.g_aaa / 24.0


def terms(model: Model, w, lam: float, u) -> Terms:
    """The terms of the module docstring at (W, λ) along U (flat or (m, d); not normalised here)."""
    W, U = point(model, w), point(model, u, "u")
    p = parts(model, W, lam)
    A = model.X @ U.T
    v = model.v
    d1 = (p.h1 * A) @ v
    d2 = (lam * p.s2 * A**2) @ v
    d3 = (lam * model.act.d3f(p.Z) * A**3) @ v
    d4 = (lam * model.act.d4f(p.Z) * A**4) @ v
    r = p.r
    second = float(np.mean(d1 * d1 + r * d2)) + model.alpha * float(np.sum(U * U))
    return Terms(3.0 * float(np.mean(d1 * d2)), float(np.mean(r * d3)), 3.0 * float(np.mean(d2 * d2)),
                 4.0 * float(np.mean(d1 * d3)), float(np.mean(r * d4)), second)


def potential_fd_coefficients(model: Model, w, lam: float, u, t: float = 0.02) -> tuple[float, float, float]:
    """Witness for (c₂, c₃, c₄) from loss values only: ``ϕ(±h), ϕ(±2h)`` give the central differences
    ``c₂ ≈ [16(ϕ(h)+ϕ(−h)) − (ϕ(2h)+ϕ(−2h))]/(24h²)`` (the ``h⁴`` term cancels), ``c₃ ≈ [ϕ(2h) − 2ϕ(h) +
    2ϕ(−h) − ϕ(−2h)]/(12h³)`` and ``c₄ ≈ [ϕ(2h) − 4ϕ(h) + 6ϕ(0) − 4ϕ(−h) + ϕ(−2h)]/(24h⁴)``, each with
    truncation O(h²); evaluated at h = t and h = t/2 and Richardson-combined ((4·D(t/2) − D(t))/3, truncation
    O(t⁴)). Rounding ~ eps·|L|/t⁴."""
    from crosscheck.numerics.model import loss

    W, U = point(model, w), point(model, u, "u")
    L0 = loss(model, W, lam)

    def stencils(h: float) -> np.ndarray:
        f = {k: loss(model, W + k * h * U, lam) - L0 for k in (-2, -1, 1, 2)}
        return np.array([(16 * (f[1] + f[-1]) - (f[2] + f[-2])) / (24 * h * h),
                         (f[2] - 2 * f[1] + 2 * f[-1] - f[-2]) / (12 * h**3),
                         (f[2] - 4 * f[1] - 4 * f[-1] + f[-2]) / (24 * h**4)])

    c = (4 * stencils(t / 2) - stencils(t)) / 3
    return float(c[0]), float(c[1]), float(c[2])
