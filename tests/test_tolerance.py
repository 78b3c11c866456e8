"""crosscheck.numerics.tolerance: EPS, the rounding floor, and the sign-change helper (all three zero rules)."""

import numpy as np
import pytest

from crosscheck.numerics.tolerance import BRENTQ_RTOL, EPS, first_sign_change, rounding_floor, sign_changes


def test_constants():
    assert EPS == 2.0**-52 and BRENTQ_RTOL == 4 * EPS


def test_rounding_floor_is_factor_n_eps_norm():
    assert rounding_floor(12, 3.0) == 10 * 12 * EPS * 3.0
    assert rounding_floor(12, 3.0, factor=1.0) == 12 * EPS * 3.0
    with pytest.raises(ValueError, match="rounding_floor"):
        rounding_floor(3, float("nan"))


@pytest.mark.parametrize(
    ("values", "zeros", "expected"),
    [
        ([1.0, -1.0, -2.0, 3.0], "right", [0, 2]),
        ([1.0, 0.0, -1.0], "right", [0]),  # lands on zero at 1; 0 → −1 is not counted again
        ([1.0, 0.0, -1.0], "left", [1]),
        ([1.0, 0.0, -1.0], "open", []),
        ([0.0, 1.0, 2.0], "left", [0]),
        ([0.0, 1.0, 2.0], "right", []),
        ([1e-200, -1e-200], "open", [0]),  # the product would underflow to −0
        ([np.nan, 0.0, 1.0], "right", []),
        ([3.0], "right", []),
    ],
)
def test_sign_changes(values, zeros, expected):
    assert sign_changes(values, zeros) == expected


def test_sign_changes_equals_the_former_product_rule():
    rng = np.random.default_rng(0)
    t = rng.integers(-2, 3, 200).astype(float)
    old_right = [i for i in range(len(t) - 1) if t[i] * t[i + 1] < 0 or (t[i] != 0 and t[i + 1] == 0)]
    old_left = [i for i in range(len(t) - 1) if t[i] == 0.0 or t[i] * t[i + 1] < 0]
    old_open = [i for i in range(len(t) - 1) if t[i] * t[i + 1] < 0]
    assert sign_changes(t) == old_right and sign_changes(t, "left") == old_left and sign_changes(t, "open") == old_open
    assert first_sign_change(t) == old_right[0]
    assert first_sign_change([1.0, 2.0]) is None
    with pytest.raises(ValueError, match="zeros"):
        sign_changes(t, "both")
