"""Bounded minimisation of a function of one variable: Brent's method (golden section + parabolic steps).

:func:`brent_bounded` finds a local minimiser of ``f`` on ``[a, b]`` to within ``xatol`` in x (R. P. Brent,
*Algorithms for Minimization without Derivatives*, 1973, ch. 5; the algorithm of ``scipy.optimize.fminbound``,
tested against it). It is here so that refining a sampled minimum along a branch does not import
``scipy.optimize`` (~0.13 s of start-up in every process that refines one).

Each step is either a parabola through the three best points (accepted when it falls inside the bracket and
moves less than half the step before last) or a golden-section step into the larger part; ``f`` is never
evaluated closer than ``tol = √eps·|x| + xatol/3`` to a point already evaluated. On return ``|x − x*| ≤ 2·tol``
for the local minimiser x* bracketed, as in Brent's analysis; a non-finite ``f`` value counts as +∞.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

GOLDEN = 0.5 * (3.0 - math.sqrt(5.0))  # 0.381966…: the golden-section fraction
SQRT_EPS = math.sqrt(2.220446049250313e-16)


@dataclass(frozen=True)
class Minimum:
    x: float
    fun: float
    evaluations: int
    converged: bool


def brent_bounded(f: Callable[[float], float], a: float, b: float, xatol: float = 1e-5, max_evaluations: int = 500) -> Minimum:
    """A local minimiser of ``f`` on ``[a, b]`` (a < b) to within ``xatol`` (see the module docstring)."""
    if not (math.isfinite(a) and math.isfinite(b) and a < b):
        raise ValueError(f"bounds: need finite a < b, got [{a!r}, {b!r}]")
    if not xatol > 0:
        raise ValueError(f"xatol: must be positive, got {xatol!r}")

    def val(x: float) -> float:
        y = float(f(x))
        return y if math.isfinite(y) else math.inf

    x = w = v = a + GOLDEN * (b - a)
    fx = fw = fv = val(x)
    evals = 1
    d = e = 0.0
    while evals < max_evaluations:
        mid = 0.5 * (a + b)
        tol1 = SQRT_EPS * abs(x) + xatol / 3.0
        tol2 = 2.0 * tol1
        if abs(x - mid) <= tol2 - 0.5 * (b - a):
            return Minimum(x, fx, evals, True)
        golden = True
        if abs(e) > tol1:  # try a parabola through (v, fv), (w, fw), (x, fx)
            r = (x - w) * (fx - fv)
            q = (x - v) * (fx - fw)
            p = (x - v) * q - (x - w) * r
            q = 2.0 * (q - r)
            if q > 0.0:
                p = -p
            q = abs(q)
            if abs(p) < abs(0.5 * q * e) and q * (a - x) < p < q * (b - x):
                e, d = d, p / q
                u = x + d
                if (u - a) < tol2 or (b - u) < tol2:  # not too close to the bounds
                    d = tol1 if x < mid else -tol1
                golden = False
        if golden:
            e = (b - x) if x < mid else (a - x)
            d = GOLDEN * e
        u = x + (d if abs(d) >= tol1 else (tol1 if d > 0 else -tol1))
        fu = val(u)
        evals += 1
        if fu <= fx:
            if u < x:
                b = x
            else:
                a = x
            v, fv, w, fw, x, fx = w, fw, x, fx, u, fu
        else:
            if u < x:
                a = u
            else:
                b = u
            if fu <= fw or w == x:
                v, fv, w, fw = w, fw, u, fu
            elif fu <= fv or v == x or v == w:
                v, fv = u, fu
    return Minimum(x, fx, evals, False)


__all__ = ["Minimum", "brent_bounded"]
