"""The closed-form leaky-ReLU kernel, loss, gradient and Hessian (crosscheck.numerics.leaky)."""

import math

import numpy as np
import pytest

from crosscheck.numerics.fd import fd_gradient, fd_hessian
from crosscheck.numerics.leaky import (
    _pair_hessians,
    activation,
    hessian_parts,
    kernel_by_monte_carlo,
    kernel_by_quadrature,
    leaky_kernel,
    loss,
    loss_grad,
    loss_hessian,
    relu_kernel,
)

SLOPES = [-5.0, -1.0, -0.3, 0.0, 0.2, 0.7, 1.0, 2.5]


def K(w, u, s):
    return float(leaky_kernel(np.asarray(w)[None], np.asarray(u)[None], s)[0, 0])


def random_pair(seed, d):
    rng = np.random.default_rng(seed)
    return rng.standard_normal(d) * rng.uniform(0.3, 3), rng.standard_normal(d) * rng.uniform(0.3, 3)


@pytest.mark.parametrize("s", SLOPES)
def test_activation_is_relu_plus_linear_mix(s):
    z = np.linspace(-3, 3, 61)
    assert np.allclose(activation(z, s), (1 - s) * np.maximum(z, 0) + s * z, atol=1e-15)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("s", [-2.0, 0.0, 0.4, 1.0, 3.0])
def test_kernel_matches_planar_quadrature(seed, s):
    w, u = random_pair(seed, 2 + seed)
    q = kernel_by_quadrature(w, u, s)
    assert abs(K(w, u, s) - q) <= 1e-12 * max(1.0, abs(q))


@pytest.mark.parametrize("seed", range(2))
def test_gauss_legendre_quadrature_matches_adaptive_quad(seed):
    w, u = random_pair(100 + seed, 4)
    assert kernel_by_quadrature(w, u, -0.7) == pytest.approx(kernel_by_quadrature(w, u, -0.7, adaptive=True), rel=1e-11, abs=1e-13)


def test_kernel_matches_two_dimensional_cartesian_integral():
    """A 2-D integral of the Gaussian density in Cartesian coordinates (no homogeneity, no polar form)."""
    from scipy import integrate

    w, u, s = np.array([1.2, -0.4]), np.array([0.3, 0.9]), -0.6

    def sig(z):
        return z if z > 0 else s * z

    (w0, w1), (u0, u1) = w.tolist(), u.tolist()

    def f(y, x):  # plain floats: dblquad calls it ~10⁵ times
        return sig(w0 * x + w1 * y) * sig(u0 * x + u1 * y) * math.exp(-(x * x + y * y) / 2) / (2 * math.pi)

    val, _ = integrate.dblquad(f, -8, 8, -8, 8, epsabs=1e-9, epsrel=1e-9)  # tail beyond 8: < 1e-13
    assert abs(val - K(w, u, s)) <= 1e-8


@pytest.mark.parametrize("s", [-1.5, 0.0, 0.5, 1.0])
def test_kernel_on_parallel_and_antiparallel_pairs(s):
    w = np.array([0.6, -1.0, 2.0])
    n2 = float(w @ w)
    assert K(w, 2.0 * w, s) == pytest.approx(2.0 * n2 * ((1 - s) ** 2 / 2 + s), abs=1e-13)
    assert K(w, -2.0 * w, s) == pytest.approx(-2.0 * s * n2, abs=1e-13)


def test_relu_kernel_of_a_zero_row_is_zero():
    W = np.array([[0.0, 0.0], [1.0, 2.0]])
    assert np.all(relu_kernel(W, W)[0] == 0) and relu_kernel(W, W)[1, 1] == pytest.approx(2.5)


@pytest.mark.parametrize("seed", range(3))
def test_kernel_within_five_standard_errors_of_monte_carlo(seed):
    w, u = random_pair(200 + seed, 5)
    s = [-1.0, 0.0, 0.6][seed]
    mean, se = kernel_by_monte_carlo(w, u, s, np.random.default_rng(seed), 100_000)
    assert abs(mean - K(w, u, s)) <= 5 * se  # false alarm ≈ 6e-7


def test_monte_carlo_detects_a_wrong_kernel():
    """Negative control: dropping the cross terms (the classic mistake (1−s)²κ + s² w·u) is rejected."""
    w, u, s = np.array([1.0, 0.5, 0.0]), np.array([0.2, 1.0, -0.7]), 0.5
    wrong = (1 - s) ** 2 * float(relu_kernel(w[None], u[None])[0, 0]) + s * s * float(w @ u)
    mean, se = kernel_by_monte_carlo(w, u, s, np.random.default_rng(9), 200_000)
    assert abs(mean - wrong) > 5 * se


@pytest.mark.parametrize("s", [-0.5, 0.0, 0.3])
def test_loss_matches_monte_carlo(s):
    rng = np.random.default_rng(3)
    k = 4
    W = np.eye(k) + 0.4 * rng.standard_normal((k, k))
    X = rng.standard_normal((200_000, k))
    r = activation(X @ W.T, s).sum(axis=1) - activation(X, s).sum(axis=1)
    vals = 0.5 * r * r
    assert abs(vals.mean() - loss(W, s)) <= 5 * vals.std(ddof=1) / math.sqrt(vals.size)


@pytest.mark.parametrize("s", SLOPES)
@pytest.mark.parametrize("k", [4, 6])
def test_teacher_is_a_zero_loss_critical_point(k, s):
    assert loss(np.eye(k), s) == 0.0
    assert np.abs(loss_grad(np.eye(k), s)).max() <= 1e-14


@pytest.mark.parametrize("s", [-2.0, 0.3, 1.7])
def test_loss_is_affine_in_relu_and_linear_parts(s):
    rng = np.random.default_rng(4)
    W = rng.standard_normal((5, 5))
    lin = 0.5 * float(np.sum((W - np.eye(5)).sum(axis=0) ** 2))
    assert loss(W, s) == pytest.approx((1 - s) ** 2 * loss(W, 0.0) + s * lin, rel=1e-12)


@pytest.mark.parametrize("s", [-1.2, 0.0, 0.3, 2.0])
def test_gradient_matches_finite_differences(s):
    rng = np.random.default_rng(5)
    W = rng.standard_normal((4, 4))
    g = fd_gradient(lambda x: loss(x.reshape(4, 4), s), W.ravel(), 1e-6)
    assert np.abs(loss_grad(W, s).ravel() - g).max() <= 1e-7


@pytest.mark.parametrize("s", [-1.2, 0.0, 0.3, 2.0])
def test_hessian_matches_finite_differences_at_generic_w(s):
    """Away from parallel pairs the loss is smooth: central FD error O(h²)."""
    rng = np.random.default_rng(6)
    W = rng.standard_normal((4, 3))
    V = rng.standard_normal((3, 3))
    H = loss_hessian(W, s, V)
    Hfd = fd_hessian(lambda x: loss(x.reshape(4, 3), s, V), W.ravel(), 1e-4)
    assert np.abs(H - Hfd).max() <= 1e-6 * max(1.0, np.abs(H).max())


@pytest.mark.parametrize("s", [0.0, 0.4, -1.0])
def test_hessian_at_teacher_matches_fd_at_first_order(s):
    """At W = V the pair (w_i, v_i) is parallel: the loss is C² but not C³ there, so the central FD error
    is O(h) (ratio ≈ 10 per decade of h) and goes to zero."""
    k = 4
    H = loss_hessian(np.eye(k), s)
    f = lambda x: loss(x.reshape(k, k), s)  # noqa: E731
    e3 = np.abs(fd_hessian(f, np.eye(k).ravel(), 1e-3) - H).max()
    e4 = np.abs(fd_hessian(f, np.eye(k).ravel(), 1e-4) - H).max()
    assert e4 <= 1e-4 * max(1.0, (1 - s) ** 2)
    assert 5.0 <= e3 / e4 <= 20.0


@pytest.mark.parametrize("side", [1.0, -1.0])
@pytest.mark.parametrize("direction", [(0, 1), (0, 0), (2, 3)])
def test_one_sided_second_differences_converge_to_the_hessian(side, direction):
    """One-sided second differences from either side tend to dᵀHd: a two-sided second derivative exists
    even along the direction that tilts w_i away from v_i (the non-analytic |δ⊥|³ direction)."""
    k, s = 4, 0.2
    D = np.zeros((k, k))
    D[direction] = 1.0
    V = np.eye(k)
    exact = float(D.ravel() @ loss_hessian(V, s) @ D.ravel())
    errs = []
    for h in (1e-2, 1e-3):
        t = side * h
        errs.append(abs((loss(V + 2 * t * D, s) - 2 * loss(V + t * D, s) + loss(V, s)) / (t * t) - exact))
    assert errs[1] <= 1e-3 and errs[1] <= errs[0] + 1e-9


def test_pair_hessians_at_parallel_and_antiparallel_limits():
    w = np.array([1.0, -2.0, 0.5])
    h11, h12 = _pair_hessians(w, 3.0 * w)
    assert np.abs(h11).max() == 0.0 and np.allclose(h12, np.eye(3) / 2, atol=1e-15)
    h11, h12 = _pair_hessians(w, -3.0 * w)
    assert np.abs(h11).max() == 0.0 and np.abs(h12).max() <= 1e-16


def test_pair_hessians_tend_continuously_to_the_limit():
    w = np.array([1.0, 0.0, 0.0])
    for eps in (1e-3, 1e-6, 1e-9):
        h11, h12 = _pair_hessians(w, np.array([1.0, eps, 0.0]))
        assert np.abs(h11).max() <= 2 * eps and np.abs(h12 - np.eye(3) / 2).max() <= 2 * eps


@pytest.mark.parametrize("k", [4, 5, 6])
def test_relu_hessian_at_teacher_has_the_derived_closed_form(k):
    """H_relu(V) = ¼I + ¼(11ᵀ)⊗I + C/(2π), C swapping (i,j)↔(j,i) off the diagonal and acting as 11ᵀ − I
    on the diagonal entries (i,i): derived by hand from the pair Hessians at θ = π/2 and θ = 0."""
    n = k * k
    C = np.zeros((n, n))
    for i in range(k):
        for j in range(k):
            if i != j:
                C[i * k + j, j * k + i] = 1.0
                C[i * k + i, j * k + j] = 1.0
    expected = 0.25 * np.eye(n) + 0.25 * np.kron(np.ones((k, k)), np.eye(k)) + C / (2 * math.pi)
    Hr, Hl = hessian_parts(np.eye(k))
    assert np.abs(Hr - expected).max() <= 1e-15
    assert np.array_equal(Hl, np.kron(np.ones((k, k)), np.eye(k)))


@pytest.mark.parametrize("k", [4, 5, 6, 7, 8])
def test_relu_minimum_eigenvalue_is_quarter_minus_one_over_two_pi(k):
    """Arjevani–Field: the ReLU global minimum is non-degenerate, λ_min = 1/4 − 1/(2π) for every k."""
    assert np.linalg.eigvalsh(loss_hessian(np.eye(k), 0.0))[0] == pytest.approx(0.25 - 1 / (2 * math.pi), abs=1e-14)


@pytest.mark.parametrize("s", [-5.0, -1.0, -0.5, 0.5, 0.99, 1.01, 3.0])
def test_hessian_at_teacher_is_positive_definite_off_slope_one(s):
    lam = np.linalg.eigvalsh(loss_hessian(np.eye(5), s))
    assert lam[0] > 1e-6 * lam[-1]


@pytest.mark.parametrize("k", [4, 5, 7])
def test_linear_network_kernel_has_dimension_k_squared_minus_k(k):
    lam = np.abs(np.linalg.eigvalsh(loss_hessian(np.eye(k), 1.0)))
    assert int(np.count_nonzero(lam <= 1e-12 * lam.max())) == k * k - k


@pytest.mark.parametrize(
    ("call", "word"),
    [
        (lambda: loss_hessian(np.array([[1.0, 0.0], [0.0, 0.0]]), 0.1), "W"),
        (lambda: loss(np.ones((2, 3)), 0.1), "V"),
        (lambda: loss(np.eye(2), float("nan")), "slope"),
        (lambda: loss_grad(np.eye(2), 0.0, V=np.ones((2, 3))), "V"),
    ],
)
def test_bad_inputs_raise_value_error_naming_the_argument(call, word):
    with pytest.raises(ValueError, match=word):
        call()
