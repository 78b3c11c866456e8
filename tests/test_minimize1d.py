"""Brent's bounded minimisation against scipy.optimize.fminbound (the same algorithm): the same minimiser and
the same number of evaluations on smooth, kinked, monotone and partly infinite functions; bad input refused."""

from __future__ import annotations

import math

import pytest
from scipy.optimize import minimize_scalar

from crosscheck.numerics.minimize1d import brent_bounded

CASES = [
    (lambda x: (x - 0.3) ** 2, 0.0, 1.0),
    (lambda x: math.cos(3 * x) + 0.1 * x, 0.0, 2.0),
    (lambda x: abs(x - 0.71) ** 1.5, 0.0, 1.0),
    (lambda x: x, 0.0, 1.0),  # minimum at the lower bound
    (lambda x: -x, 0.0, 1.0),  # at the upper bound
    (lambda x: (x - 2.0) ** 4, 0.0, 5.0),  # flat bottom
    (lambda x: math.inf if x > 0.8 else (x - 0.5) ** 2, 0.0, 1.0),  # infinite part (a failed corrector)
]


@pytest.mark.parametrize("i", range(len(CASES)))
@pytest.mark.parametrize("xatol", [1e-3, 1e-6])
def test_same_minimiser_and_evaluations_as_scipy(i, xatol):
    f, a, b = CASES[i]
    ref = minimize_scalar(f, bounds=(a, b), method="bounded", options={"xatol": xatol})
    got = brent_bounded(f, a, b, xatol)
    assert got.converged
    assert got.x == pytest.approx(ref.x, abs=1e-9)  # the same steps; the arithmetic order differs in the last bits
    assert got.evaluations == ref.nfev
    assert got.fun == f(got.x)


def test_minimiser_within_tolerance_of_the_true_one():
    got = brent_bounded(lambda x: (x - 0.123456) ** 2 + 1.0, -3.0, 4.0, 1e-7)
    assert abs(got.x - 0.123456) <= 2e-7 and got.fun == pytest.approx(1.0)


@pytest.mark.parametrize("a,b,xatol", [(1.0, 0.0, 1e-5), (0.0, math.inf, 1e-5), (0.0, 1.0, 0.0)])
def test_bad_input_refused(a, b, xatol):
    with pytest.raises(ValueError):
        brent_bounded(lambda x: x * x, a, b, xatol)
