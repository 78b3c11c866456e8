"""Matrix-free rank/multiplicity certificates (crosscheck.numerics.certify) against dense eigensolvers."""

from __future__ import annotations

import numpy as np
import pytest

from crosscheck.numerics import certify_multiplicity, kronecker_hessian, loss_hvp, numerical_rank
from crosscheck.numerics.certify import extreme_eigenvalue
from crosscheck.numerics.datasets import spd_matrix, synthetic
from crosscheck.numerics.hessian import empirical_covariance
from crosscheck.numerics.rank import eigen_cluster


def _sym(eigs: list[float], n: int, seed: int = 0) -> np.ndarray:
    """Symmetric n × n matrix with the given non-zero eigenvalues (the rest exactly 0) in a random basis."""
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    lam = np.zeros(n)
    lam[: len(eigs)] = eigs
    A = (Q * lam) @ Q.T
    return 0.5 * (A + A.T)


def _hvp_case(m: int, d: int, cond: float, seed: int, alpha: float = 0.0, v_zero: bool = False):
    rng = np.random.default_rng(seed)
    data = synthetic(max(4 * d, 32), d, cond, rng)
    v = np.zeros(m) if v_zero else rng.uniform(0.5, 1.5, m) * rng.choice([-1.0, 1.0], m)
    op = loss_hvp(data.X, data.y, v, np.zeros((m, d)), 0.0, alpha)
    dense = kronecker_hessian(v, empirical_covariance(data.X)) + alpha * np.eye(m * d)
    return op, dense


@pytest.mark.parametrize(
    "eigs",
    [[3.0, 1.0, 0.2], [5.0, -2.0, 1e-3, -1e-4], [1.0] * 7, list(np.logspace(0, -6, 12))],
    ids=["psd", "indefinite", "repeated", "graded"],
)
def test_certificate_statement_holds_for_the_dense_spectrum(eigs):
    n = 150
    A = _sym(eigs, n, seed=len(eigs))
    c = certify_multiplicity(A, rng=np.random.default_rng(1))
    lam = np.linalg.eigvalsh(A)
    assert c.certified, c.reason
    assert c.rank == len(eigs) and c.nullity == n - len(eigs)
    assert np.count_nonzero(np.abs(lam) <= c.zero_radius) == c.nullity
    assert np.all(np.abs(lam[np.abs(lam) > c.zero_radius]) >= c.nonzero_lower)
    nonzero = np.sort(lam[np.abs(lam) > c.zero_radius])
    np.testing.assert_allclose(np.sort(c.ritz), nonzero, rtol=0, atol=c.zero_radius + 1e-14)


@pytest.mark.parametrize("m, d, cond", [(1, 5, 1e2), (4, 3, 1.0), (7, 6, 1e4), (40, 8, 1e6), (200, 2, 10.0)])
def test_kernel_dimension_of_the_hvp_matches_dense_rank(m, d, cond):
    op, H = _hvp_case(m, d, cond, seed=m * 100 + d)
    c = certify_multiplicity(op, rng=np.random.default_rng(2), block=d + 5)
    r = numerical_rank(H, hermitian=True)
    assert c.certified, c.reason
    assert (c.rank, c.nullity) == (r.rank, m * d - r.rank) == (d, (m - 1) * d)
    lam = np.linalg.eigvalsh(H)
    np.testing.assert_allclose(max(c.ritz), lam[-1], rtol=1e-12)
    np.testing.assert_allclose(min(c.ritz), lam[m * d - d], rtol=1e-8)


@pytest.mark.parametrize("m, d", [(3, 4), (25, 6)])
def test_alpha_multiplicity_directly_on_the_regularised_operator(m, d):
    alpha = 0.3
    op, H = _hvp_case(m, d, 1e3, seed=7, alpha=alpha)
    c = certify_multiplicity(op, shift=alpha, scale=alpha, rng=np.random.default_rng(3), block=d + 5, op_error=4e-16 * alpha)
    lam = np.linalg.eigvalsh(H)
    cl = eigen_cluster(lam, alpha, 10 * m * d * 2.2e-16 * lam.max())
    assert c.certified, c.reason
    assert c.nullity == cl.count == (m - 1) * d


@pytest.mark.parametrize("which, index", [("LA", -1), ("SA", 0)])
def test_lanczos_extremes_within_their_residual(which, index):
    op, H = _hvp_case(6, 4, 1e2, seed=9, alpha=0.2)
    e = extreme_eigenvalue(op, which, rng=np.random.default_rng(4))
    exact = np.linalg.eigvalsh(H)[index]
    assert e.converged
    assert abs(e.value - exact) <= e.residual + 1e-12 * abs(exact)


def test_zero_v_gives_the_whole_space_as_kernel():
    op, _ = _hvp_case(30, 4, 10.0, seed=11, v_zero=True)
    c = certify_multiplicity(op, rng=np.random.default_rng(5), block=9)
    assert c.certified and c.nullity == 120 and c.rank == 0 and c.zero_radius == 0.0


def test_full_rank_block_reaches_n_and_has_no_kernel():
    A = spd_matrix(10, 100.0, np.random.default_rng(6))
    c = certify_multiplicity(A, rng=np.random.default_rng(7))
    assert c.certified and c.nullity == 0 and c.block == 10 and c.failure_probability == 0.0


def test_block_grows_until_the_range_is_captured():
    A = _sym(list(np.linspace(1.0, 2.0, 10)), 200, seed=3)
    c = certify_multiplicity(A, rng=np.random.default_rng(8), block=4, oversample=5)
    assert c.certified and c.rank == 10 and c.block >= 15


def test_cost_and_failure_probability_are_reported():
    A = _sym([2.0, 1.0], 300, seed=4)
    c = certify_multiplicity(A, rng=np.random.default_rng(9), block=8, probes=6)
    assert c.products == 2 * 8 + 6
    assert c.failure_probability == pytest.approx(1e-6)
    assert c.as_dict()["ritz"] == list(c.ritz)


def test_same_seed_same_certificate():
    A = _sym([1.0, 0.1], 80, seed=5)
    one = certify_multiplicity(A, rng=np.random.default_rng(10))
    two = certify_multiplicity(A, rng=np.random.default_rng(10))
    assert one == two


# ---- refusals: the certificate must say it cannot decide, and why ------------------------------------


def test_refuses_a_nonzero_eigenvalue_just_below_the_threshold():
    A = _sym([1.0, 0.5, 5e-10], 200, seed=6)
    c = certify_multiplicity(A, rng=np.random.default_rng(11), rtol=1e-9)
    assert c.status == "inconclusive"
    assert "threshold" in c.reason


def test_refuses_two_eigenvalues_too_close_to_separate():
    """λ = 2e-9 above τ = 1e-9, but a rounding bound of 1e-10 leaves a gap ρ/(λ − ρ) ≈ 0.05 > gap_max."""
    A = _sym([1.0, 2e-9], 200, seed=7)
    c = certify_multiplicity(A, rng=np.random.default_rng(12), rtol=1e-9, op_error=1e-10)
    assert c.status == "inconclusive"
    assert "too close to separate" in c.reason
    assert c.gap > c.gap_max


def test_refuses_when_the_range_is_not_captured():
    A = _sym(list(np.linspace(1.0, 2.0, 20)), 100, seed=8)
    c = certify_multiplicity(A, rng=np.random.default_rng(13), block=8, max_block=16)
    assert c.status == "inconclusive" and "range not captured" in c.reason


def test_refuses_alpha_multiplicity_when_alpha_swamps_the_spectrum():
    """α = 10⁸·‖H₀‖: rounding of αx alone exceeds the small eigenvalues of H₀, so the eigenvalue α cannot
    be told apart from α + λ_min⁺(H₀)."""
    op0, H0 = _hvp_case(20, 5, 1e3, seed=12)
    alpha = 1e8 * float(np.linalg.eigvalsh(H0)[-1])
    op, _ = _hvp_case(20, 5, 1e3, seed=12, alpha=alpha)
    c = certify_multiplicity(op, shift=alpha, scale=alpha, rng=np.random.default_rng(14), block=10, op_error=4 * 2.2e-16 * alpha)
    assert c.status == "inconclusive", c.reason


@pytest.mark.parametrize(
    "kwargs, name",
    [({"rtol": 1.0}, "rtol"), ({"probes": 0}, "probes"), ({"gap_max": 0.0}, "gap_max"), ({"op_error": -1.0}, "op_error")],
)
def test_bad_parameters_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        certify_multiplicity(np.eye(3), rng=np.random.default_rng(0), **kwargs)


def test_non_square_operator_is_rejected():
    with pytest.raises(ValueError, match="A"):
        certify_multiplicity(np.zeros((3, 4)), rng=np.random.default_rng(0))


# ---- a range finder that starts from a given block -------------------------------------------------------


@pytest.mark.parametrize("m, d", [(3, 4), (25, 6)])
def test_alpha_multiplicity_from_the_kernel_certificates_basis(m, d):
    """The α-certificate started from the kernel certificate's basis certifies the same multiplicity as from
    a random sketch, with fewer products, and its statement holds for the dense spectrum."""
    alpha = 0.3
    op0, _ = _hvp_case(m, d, 1e3, seed=7)
    op, H = _hvp_case(m, d, 1e3, seed=7, alpha=alpha)
    k0 = certify_multiplicity(op0, rng=np.random.default_rng(2), block=d + 5, return_basis=True)
    kw = dict(shift=alpha, scale=alpha, block=d + 5, op_error=4e-16 * alpha)
    plain = certify_multiplicity(op, rng=np.random.default_rng(3), **kw)
    started = certify_multiplicity(op, rng=np.random.default_rng(3), start=k0.basis, **kw)
    assert plain.certified and started.certified, started.reason
    assert started.nullity == plain.nullity == (m - 1) * d
    assert started.products < plain.products
    assert "started from a given basis" in started.method and "started" not in plain.method
    lam = np.linalg.eigvalsh(H)
    assert np.count_nonzero(np.abs(lam - alpha) <= started.zero_radius) == started.nullity
    np.testing.assert_allclose(sorted(started.ritz), sorted(plain.ritz), rtol=1e-10)


def test_a_start_missing_part_of_the_range_still_gives_the_true_rank():
    """A start block spanning only part of the range (or a wrong subspace, or a non-orthonormal block) is
    detected (BΩ does not lie in its span) and the range finder begins from Ω as without it: the true split is
    certified, at the cost of the ``oversample`` products spent on the test."""
    n, eigs = 200, [4.0, 2.0, 1.0, 0.5, 0.25, 0.1]
    A = _sym(eigs, n, seed=9)
    lam, V = np.linalg.eigh(A)
    range_part = V[:, -3:]  # three of the six range directions
    wrong = np.linalg.qr(np.random.default_rng(4).standard_normal((n, 6)))[0]
    skewed = V[:, -6:] @ np.triu(np.ones((6, 6)))  # spans the range, far from orthonormal
    plain = certify_multiplicity(A, rng=np.random.default_rng(5), oversample=5)
    for start in (range_part, wrong, skewed):
        c = certify_multiplicity(A, rng=np.random.default_rng(5), start=start, oversample=5)
        assert c.certified, c.reason
        assert (c.rank, c.nullity) == (6, n - 6) and c.products == plain.products + 5 and c.method == plain.method
        assert np.count_nonzero(np.abs(lam) <= c.zero_radius) == c.nullity


def test_a_start_block_of_the_wrong_shape_is_rejected():
    with pytest.raises(ValueError, match="start"):
        certify_multiplicity(np.eye(5), rng=np.random.default_rng(0), start=np.zeros((4, 2)))
