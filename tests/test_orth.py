"""crosscheck.numerics.orth: the randomized Cholesky QR path (forced on small blocks by lowering the row
threshold) gives an orthonormal basis of the same span as Householder QR, and certificates built on it make
the same decisions as on the Householder path."""

from __future__ import annotations

import numpy as np
import pytest

from crosscheck.numerics import certify_multiplicity, kronecker_hessian, loss_hvp
from crosscheck.numerics import orth
from crosscheck.numerics.datasets import synthetic
from crosscheck.numerics.hessian import empirical_covariance


@pytest.fixture
def tall(monkeypatch):
    monkeypatch.setattr(orth, "HOUSEHOLDER_MAX_ROWS", 0)


def _block(n: int, k: int, rank: int, cond: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    U = np.linalg.qr(rng.standard_normal((n, rank)))[0]
    V = np.linalg.qr(rng.standard_normal((k, rank)))[0]
    s = np.logspace(0, -np.log10(cond), rank)
    return np.asfortranarray((U * s) @ V.T)


@pytest.mark.parametrize("rank, cond", [(12, 1.0), (12, 1e8), (9, 1e3), (1, 1.0)])
def test_basis_is_orthonormal_and_spans_the_block(tall, rank, cond):
    Y = _block(600, 12, rank, cond, seed=rank)
    Y0 = Y.copy()
    b = orth.orthonormal_basis(Y)
    Q = b.Q
    assert b.method == "randomized Cholesky QR"
    assert Q.shape == (600, rank)  # columns that are rounding are dropped
    assert np.linalg.norm(Q.T @ Q - np.eye(rank), 2) <= orth.ORTH_TOL and b.defect <= orth.ORTH_TOL
    assert np.linalg.norm(Y0 - Q @ (Q.T @ Y0), 2) <= 1e-13 * np.linalg.norm(Y0, 2)
    assert np.shares_memory(Q, Y)  # in place


def test_small_blocks_keep_householder_bit_for_bit():
    Y = _block(300, 10, 10, 1e2, seed=3)
    import scipy.linalg

    ref = scipy.linalg.qr(Y.copy(order="F"), mode="economic")[0]
    b = orth.orthonormal_basis(Y)
    assert b.method == "householder" and b.defect == 0.0
    np.testing.assert_array_equal(b.Q, ref)


def test_zero_block_falls_back_to_householder(tall):
    b = orth.orthonormal_basis(np.zeros((400, 5), order="F"))
    assert b.method == "householder" and b.Q.shape == (400, 5)


def test_permute_columns_in_place():
    Y = np.asfortranarray(np.arange(24.0).reshape(4, 6))
    perm = np.array([3, 0, 5, 1, 2, 4])
    ref = Y[:, perm].copy()
    orth._permute_columns(Y, perm)
    np.testing.assert_array_equal(Y, ref)


def test_fortran_buffer_is_fortran_and_writable():
    a = orth.fortran_buffer(2**20, 9)  # 72 MB: anonymous mapping
    assert a.flags.f_contiguous and a.flags.writeable and a.shape == (2**20, 9)
    a[:, 3] = 1.0
    assert a[:, 3].sum() == 2**20


def test_reuse_buffers_hands_out_only_unreferenced_buffers(monkeypatch):
    """Inside reuse_buffers a buffer is handed out again only when no array (not even a view) uses it; the
    smallest fitting one is taken; free buffers too small for a request leave the pool; outside a block
    nothing is pooled."""
    monkeypatch.setattr(orth, "_BIG", 1)
    with orth.reuse_buffers():
        a = orth.fortran_buffer(1000, 4)
        view = a[:, 1:3]
        del a
        b = orth.fortran_buffer(1000, 4)  # a's memory is still used by its view
        assert not np.shares_memory(b, view)
        del view
        c = orth.fortran_buffer(1000, 3)  # a's buffer is free now (b is in use)
        c[:] = 7.0
        assert len(orth._pool) == 2
        del c
        big = orth.fortran_buffer(1000, 8)  # nothing free fits: a new one; the free 4-column one leaves the pool
        assert big.shape == (1000, 8) and big.flags.f_contiguous and len(orth._pool) == 2
        del b
        d = orth.fortran_buffer(1000, 2)
        assert d.flags.f_contiguous and d.shape == (1000, 2) and len(orth._pool) == 2
        with orth.reuse_buffers():  # nested: the same pool
            assert orth._pool is not None and len(orth._pool) == 2
        assert orth._pool is not None
    assert orth._pool is None
    orth.fortran_buffer(1000, 4)
    assert orth._pool is None


def test_reused_buffers_give_bit_for_bit_the_same_certificates(monkeypatch):
    """Matrix-free cases one after another give the same certificates (every number, every bit) whether their
    work buffers are fresh or reused from earlier cases: no reader sees a previous case's contents. Every
    buffer goes through the pool here, and buffers are in fact reused."""
    from dataclasses import replace

    from crosscheck.checks._matrix_free_case import CERT_DEFAULTS, Case, record_of, run_case

    monkeypatch.setattr(orth, "_BIG", 1)
    made = []
    real_mmap = orth.mmap.mmap
    monkeypatch.setattr(orth.mmap, "mmap", lambda *a: made.append(a) or real_mmap(*a))
    cases = [Case("synthetic", 64, 8, 0, 0.1), Case("synthetic", 40, 6, 0, 0.1, 1e3, -1, "some-zero"),
             Case("synthetic", 64, 8, 0, 0.1, 1e3, 5), Case("synthetic", 30, 4, 0, 0.1)]

    def run(opts):
        return [record_of(run_case(c, np.random.default_rng(i), opts)) for i, c in enumerate(cases)]

    for alpha_certificate in ("derived", "direct"):
        opts = {**CERT_DEFAULTS, "alpha_certificate": alpha_certificate}
        fresh = run(opts)
        made.clear()
        with orth.reuse_buffers():
            reused = run(opts)
        calls = len(made)
        assert [replace(r, seconds=0.0) for r in reused] == [replace(r, seconds=0.0) for r in fresh]  # all but the timing
        made.clear()
        run(opts)
        assert calls < len(made)  # the pool mapped fewer buffers than fresh runs do


def _sym(eigs, n, seed):
    Q, _ = np.linalg.qr(np.random.default_rng(seed).standard_normal((n, n)))
    lam = np.zeros(n)
    lam[: len(eigs)] = eigs
    A = (Q * lam) @ Q.T
    return 0.5 * (A + A.T)


@pytest.mark.parametrize("eigs", [[3.0, 1.0, 0.2], [5.0, -2.0, 1e-3, -1e-4], list(np.logspace(0, -6, 12))])
def test_certificate_decisions_agree_on_both_paths(monkeypatch, eigs):
    A = _sym(eigs, 400, seed=len(eigs))
    ref = certify_multiplicity(A, rng=np.random.default_rng(1))
    monkeypatch.setattr(orth, "HOUSEHOLDER_MAX_ROWS", 0)
    got = certify_multiplicity(A, rng=np.random.default_rng(1))
    assert ref.certified and got.certified, got.reason
    assert (got.rank, got.nullity) == (ref.rank, ref.nullity)
    np.testing.assert_allclose(got.ritz, ref.ritz, rtol=1e-12)
    lam = np.linalg.eigvalsh(A)
    assert np.count_nonzero(np.abs(lam) <= got.zero_radius) == got.nullity


def test_kernel_of_the_hessian_operator_on_the_tall_path(tall):
    m, d = 60, 8
    rng = np.random.default_rng(4)
    data = synthetic(64, d, 1e4, rng)
    v = rng.uniform(0.5, 1.5, m)
    op = loss_hvp(data.X, data.y, v, np.zeros((m, d)))
    c = certify_multiplicity(op, rng=np.random.default_rng(2), block=d + 5)
    assert c.certified and c.nullity == (m - 1) * d
    lam = np.linalg.eigvalsh(kronecker_hessian(v, empirical_covariance(data.X)))
    np.testing.assert_allclose(sorted(c.ritz), lam[-d:], rtol=1e-10)


def test_refusal_just_below_the_threshold_survives_the_tall_path(tall):
    A = _sym([1.0, 0.5, 5e-10], 200, seed=6)
    c = certify_multiplicity(A, rng=np.random.default_rng(11), rtol=1e-9)
    assert c.status == "inconclusive" and "threshold" in c.reason


def test_alpha_multiplicity_with_a_shift_on_the_tall_path(tall):
    m, d, alpha = 40, 6, 0.3
    rng = np.random.default_rng(5)
    data = synthetic(48, d, 1e3, rng)
    v = rng.uniform(0.5, 1.5, m)
    op = loss_hvp(data.X, data.y, v, np.zeros((m, d)), 0.0, alpha)
    c = certify_multiplicity(op, shift=alpha, scale=alpha, rng=np.random.default_rng(3), block=d + 5, op_error=4e-16 * alpha)
    assert c.certified, c.reason
    assert c.nullity == (m - 1) * d and c.rank == d
