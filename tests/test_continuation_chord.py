"""The chord corrector of the continuation (reused bordered LU with a Sherman–Morrison row update): the
same solutions as full Newton, ‖∇L‖ ≤ tol at every accepted point, and fewer Jacobians."""

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.branch import first_sign_change, gradient_system, locate_degeneracy, trace_homotopy
from crosscheck.numerics.continuation import ContinuationOptions, _bordered, _tangent_chord
from crosscheck.numerics.paper_data import paper_homotopy


def test_sherman_morrison_row_update_solves_the_bordered_system_with_the_new_row():
    hp = paper_homotopy(8)  # n = 40
    system = gradient_system(hp)
    rng = np.random.default_rng(1)
    u = hm.linear_minimum(hp) + 0.01 * rng.standard_normal(hp.n)
    d = rng.standard_normal(hp.n + 1)
    Fu = system.jac_u(u, 0.3)
    ch = _tangent_chord(system, u, 0.3, d, Fu)
    assert ch.lu is not None and abs(np.linalg.norm(ch.t) - 1) < 1e-14 and ch.t @ d > 0
    r = rng.standard_normal(hp.n + 1)
    direct = np.linalg.solve(_bordered(Fu, system.jac_lam(u, 0.3), ch.t), r)
    assert np.allclose(ch.solve(r), direct, rtol=1e-9, atol=1e-12)
    wrong_row = np.linalg.solve(_bordered(Fu, system.jac_lam(u, 0.3), d / np.linalg.norm(d)), r)
    assert not np.allclose(ch.solve(r), wrong_row, rtol=1e-6)  # the update matters


def test_chord_and_full_newton_find_the_same_degenerate_point_and_converge_everywhere():
    hp = paper_homotopy(10)  # n = 50: the chord corrector is used
    base = dict(s_max=0.05)
    chord = trace_homotopy(hp, 1.0, ContinuationOptions(**base), stop_after_sign_change=3)
    full = trace_homotopy(hp, 1.0, ContinuationOptions(**base, chord_min_n=10**9), stop_after_sign_change=3)
    assert chord.residual.max() <= 1e-10 and full.residual.max() <= 1e-10
    for br in (chord, full):  # every stored point solves ∇L = 0 (recomputed, not the stored residual)
        assert max(np.linalg.norm(hm.grad(hp, u, lam)) for u, lam in zip(br.u, br.lam)) <= 1e-10
    stars = []
    for br in (chord, full):
        i = first_sign_change(br, 0.0)
        assert i is not None
        dg = locate_degeneracy(hp, br, i, certify=False)
        assert dg.point.converged
        stars.append(dg.point.lam)
    assert abs(stars[0] - stars[1]) <= 1e-9
    assert chord.evaluations < full.evaluations  # fewer Jacobians


def test_replay_gradient_is_bit_identical_to_the_model_gradient():
    from crosscheck.numerics.homotopy import make_homotopy
    from crosscheck.numerics.paper_method import gradient

    rng = np.random.default_rng(3)
    for act in ("tanh", "softplus"):
        for m in (3, 10):
            X, y = rng.standard_normal((40, 4)), rng.standard_normal(40)
            hp = make_homotopy(X, y, np.linspace(0.5, 1.5, m), 4e-3, act)
            g = gradient(hp)
            for lam in (0.0, 0.37, 1.0):
                w = 0.5 * rng.standard_normal(hp.n)
                assert np.array_equal(g(w, lam), hm.grad(hp, w, lam))


def test_replay_value_and_gradient_is_bit_identical_to_loss_and_gradient():
    from crosscheck.numerics.homotopy import make_homotopy
    from crosscheck.numerics.paper_method import value_and_gradient

    rng = np.random.default_rng(4)
    for m in (3, 10):
        X, y = rng.standard_normal((40, 4)), rng.standard_normal(40)
        hp = make_homotopy(X, y, np.linspace(0.5, 1.5, m), 4e-3, "tanh")
        fg = value_and_gradient(hp)
        for lam in (0.0, 0.37, 1.0):
            w = 0.5 * rng.standard_normal(hp.n)
            L, g = fg(w, lam)
            assert L == hm.loss(hp, w, lam) and np.array_equal(g, hm.grad(hp, w, lam))


def test_structured_fd_hessian_is_the_column_by_column_one_to_rounding():
    """Evaluating the 2n perturbed gradients together (only unit j's pre-activation moves) gives the central
    differences of the 2n gradients evaluated one by one, up to the difference's own rounding (eps·|∇L|/h);
    both are within the FD truncation error of the exact Hessian. A wrong column (a sign, a missed α, the
    wrong unit's row) would be off by O(1)."""
    from crosscheck.numerics.homotopy import make_homotopy
    from crosscheck.numerics.paper_method import fd_hessian, gradient

    rng = np.random.default_rng(5)
    for act in ("tanh", "softplus"):
        for m, d in ((1, 3), (3, 4), (7, 2)):
            X, y = rng.standard_normal((60, d)), rng.standard_normal(60)
            hp = make_homotopy(X, y, np.linspace(0.5, 1.5, m), 4e-3, act)
            for lam in (0.0, 0.6):
                w = 0.5 * rng.standard_normal(hp.n)
                fast, slow, exact = fd_hessian(hp, w, lam), fd_hessian(hp, w, lam, grad=gradient(hp)), hm.hessian(hp, w, lam)
                scale = np.abs(exact).max()
                assert np.abs(fast - slow).max() <= 1e-9 * scale
                assert np.abs(fast - exact).max() <= 1e-6 * scale


def test_lapack_lu_is_scipys_bit_for_bit():
    import scipy.linalg

    from crosscheck.numerics import _lapack

    rng = np.random.default_rng(6)
    for n in (1, 7, 60):
        A = rng.standard_normal((n, n))
        b = rng.standard_normal(n)
        ours, ref = _lapack.lu_factor(A), scipy.linalg.lu_factor(A)
        assert np.array_equal(ours[0], ref[0]) and np.array_equal(ours[1], ref[1])
        assert np.array_equal(_lapack.lu_solve(ours, b), scipy.linalg.lu_solve(ref, b))
        assert np.allclose(A @ _lapack.lu_solve(ours, b), b)
