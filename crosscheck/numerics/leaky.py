"""Population loss of the leaky-ReLU teacher–student network in closed form, with exact derivatives.

Model (the teacher–student setting of Arjevani and Field):

* student ``f_W(x) = Σ_i σ_s(w_i·x)``, rows ``w_i`` of W (k × d); teacher ``f_V`` with rows ``v_j`` of V
  (default ``V = I_k``, d = k); second layer fixed to ones; ``x ~ N(0, I_d)``;
* ``σ_s(z) = max(z, 0) + s·min(z, 0)``: **s is the slope on the negative side** (s = 0 ReLU, s = 1 the
  identity, s = −1 the absolute value). Which parameter a paper calls α is a convention, settled in
  :mod:`crosscheck.numerics.leaky_spectrum`; here the argument is always the slope ``s``;
* ``L_s(W) = ½ E[(f_W(x) − f_V(x))²]``.

Kernel. ``σ_s(z) = (1 − s) relu(z) + s z``, so

``K_s(w, u) := E[σ_s(w·x) σ_s(u·x)] = (1−s)² κ(w, u) + s(1−s)(E[relu(w·x) u·x] + E[w·x relu(u·x)]) + s² w·u
= (1−s)² κ(w, u) + s w·u``,

because ``E[relu(w·x) u·x] = w·u / 2`` (Stein's lemma), with the arc-cosine kernel
``κ(w, u) = E[relu(w·x) relu(u·x)] = (‖w‖‖u‖ sin θ + (π − θ) w·u) / (2π)``, θ = ∠(w, u). Hence

``L_s(W) = (1−s)² L_relu(W) + s·½‖Σ_i (w_i − v_i)‖²``  (exactly affine in ((1−s)², s)),

and the Hessian is ``(1−s)² H_relu + s H_lin`` with ``H_lin = (11ᵀ) ⊗ I_d``.

Derivatives of κ (θ ∈ (0, π); a = ‖w‖, b = ‖u‖, ŵ = w/a, ``u⊥ = u − (w·u/a²) w``, ``p = ‖u⊥‖ = b sin θ``,
``n = u⊥/p``), in forms that stay accurate as sin θ → 0:

* ``∇_w κ = (p ŵ + (π − θ) u) / (2π)``;
* ``∂²κ/∂w² = (p/a)(I − ŵŵᵀ + n nᵀ) / (2π)``;
* ``∂²κ/∂w∂u = ((π − θ) I + sin θ [sin θ (ŵnᵀ + nŵᵀ) + cos θ (ŵŵᵀ − nnᵀ)]) / (2π)``.

**Parallel pairs (θ = 0 or π).** At the global minimum W = V the student row w_i and the teacher row v_i
are parallel, where κ is not analytic. Write ``κ = (ab g(θ) + π w·u)/(2π)`` with
``g(θ) = sin θ − θ cos θ = θ³/3 + O(θ⁵)`` (at θ = π use φ = π − θ: ``κ = ab (sin φ − φ cos φ)/(2π)``).
Near a parallel pair θ is ``r·q(r², δ∥)`` with r the distance of w from the line of u and q smooth, so
the non-analytic part is ``r³ · (smooth)``: it is C² with zero first and second derivatives at r = 0.
Hence κ (and the loss) is **twice continuously differentiable** there, and its Hessian is that of the
analytic part: ``∂²κ/∂w² = 0``, ``∂²κ/∂w∂u = I/2`` at θ = 0 and both 0 at θ = π. The formulas above
tend to exactly these limits (every singular term carries a factor p or sin θ), and this module
evaluates them with ``n := 0`` when p = 0. It is not C³ there: second differences of the loss converge
at rate O(h), not O(h²) (tests check both one-sided limits against the analytic Hessian).

vec(W) is row-major (index (i, c) ↦ i·d + c), as everywhere in :mod:`crosscheck.numerics`.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from crosscheck.numerics._validate import as_array, as_scalar

TWO_PI = 2.0 * math.pi


def slope_mix(s, relu_part, linear_part):
    """``(1 − s)² · relu_part + s · linear_part``: the one way every slope-s quantity of this model is
    assembled from its ReLU and linear parts (kernel, loss, Hessian, reduced blocks); s may be an array
    broadcasting against the parts."""
    return (1.0 - s) ** 2 * relu_part + s * linear_part


def slope_mix_derivative(s, relu_part, linear_part):
    """``d/ds`` of :func:`slope_mix`: ``−2(1 − s) · relu_part + linear_part``."""
    return -2.0 * (1.0 - s) * relu_part + linear_part


def activation(z, slope: float) -> np.ndarray:
    """``σ_s(z) = max(z, 0) + s·min(z, 0)`` elementwise."""
    z = np.asarray(z, dtype=np.float64)
    s = as_scalar("slope", slope)
    return np.maximum(z, 0.0) + s * np.minimum(z, 0.0)


def _rows(name: str, M, d: int | None = None) -> np.ndarray:
    arr = as_array(name, M, 2, shape=(None, d))
    norms = np.linalg.norm(arr, axis=1)
    if np.any(norms == 0.0):
        raise ValueError(f"{name}: row {int(np.argmin(norms))} is zero; κ's derivatives need non-zero rows")
    return arr


def _teacher(W: np.ndarray, V) -> np.ndarray:
    if V is None:
        if W.shape[0] != W.shape[1]:
            raise ValueError(f"V: the default teacher I_k needs a square W, got shape {W.shape}")
        return np.eye(W.shape[0])
    return _rows("V", V, W.shape[1])


def _angles(W: np.ndarray, U: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For all pairs (w_i, u_j): ``c = w·u``, ``P = ab sin θ`` computed from the perpendicular component
    (no cancellation in ``a²b² − c²``), and ``θ = atan2(P, c)``."""
    C = W @ U.T
    a2 = np.einsum("ij,ij->i", W, W)
    U_perp = U[None, :, :] - (C / a2[:, None])[:, :, None] * W[:, None, :]
    P = np.sqrt(a2[:, None] * np.einsum("ijk,ijk->ij", U_perp, U_perp))
    return C, P, np.arctan2(P, C)


def _relu_kernel(W: np.ndarray, U: np.ndarray) -> np.ndarray:
    """κ for validated float arrays; zero rows give κ = 0."""
    nz_w = np.einsum("ij,ij->i", W, W) > 0
    nz_u = np.einsum("ij,ij->i", U, U) > 0
    if nz_w.all() and nz_u.all():  # the common case, without index bookkeeping
        C, P, th = _angles(W, U)
        return (P + (math.pi - th) * C) / TWO_PI
    out = np.zeros((W.shape[0], U.shape[0]))
    if nz_w.any() and nz_u.any():
        C, P, th = _angles(W[nz_w], U[nz_u])
        out[np.ix_(nz_w, nz_u)] = (P + (math.pi - th) * C) / TWO_PI
    return out


def relu_kernel(W, U) -> np.ndarray:
    """Matrix ``κ(w_i, u_j) = E[relu(w_i·x) relu(u_j·x)] = (ab sin θ + (π − θ) w·u)/(2π)`` (k₁ × k₂).

    Rows may be zero (κ = 0 then)."""
    Wa = as_array("W", W, 2)
    return _relu_kernel(Wa, as_array("U", U, 2, shape=(None, Wa.shape[1])))


def leaky_kernel(W, U, slope: float) -> np.ndarray:
    """Matrix ``K_s(w_i, u_j) = E[σ_s(w_i·x) σ_s(u_j·x)] = (1−s)² κ(w_i, u_j) + s w_i·u_j``."""
    s = as_scalar("slope", slope)
    Wa = as_array("W", W, 2)
    Ua = as_array("U", U, 2, shape=(None, Wa.shape[1]))
    return slope_mix(s, _relu_kernel(Wa, Ua), Wa @ Ua.T)


def loss(W, slope: float, V=None) -> float:
    """``L_s(W) = ½ E[(f_W − f_V)²] = ½ ΣK(w_i, w_j) − ΣK(w_i, v_j) + ½ ΣK(v_i, v_j)`` (closed form)."""
    s = as_scalar("slope", slope)
    Wa = as_array("W", W, 2)
    Va = _teacher(Wa, V)
    kww = slope_mix(s, _relu_kernel(Wa, Wa).sum(), float(Wa.sum(axis=0) @ Wa.sum(axis=0)))
    kwv = slope_mix(s, _relu_kernel(Wa, Va).sum(), float(Wa.sum(axis=0) @ Va.sum(axis=0)))
    kvv = slope_mix(s, _relu_kernel(Va, Va).sum(), float(Va.sum(axis=0) @ Va.sum(axis=0)))
    return float(0.5 * kww - kwv + 0.5 * kvv)


def loss_grad(W, slope: float, V=None) -> np.ndarray:
    """``∂L/∂w_i = Σ_j ∇₁K(w_i, w_j) − Σ_j ∇₁K(w_i, v_j)`` with ``∇₁K(w, u) = (1−s)² ∇_w κ + s u``.

    Returned as a (k, d) array. ``∇_w κ(w, w) = w/2`` (θ = 0) is the exact value, not a limit."""
    s = as_scalar("slope", slope)
    Wa = _rows("W", W)
    Va = _teacher(Wa, V)
    a2 = np.einsum("ij,ij->i", Wa, Wa)
    out = np.zeros_like(Wa)
    for U, sign in ((Wa, 1.0), (Va, -1.0)):
        C, P, th = _angles(Wa, U)
        # Σ_j ∇_w κ(w_i, u_j)·2π = Σ_j (p_ij ŵ_i + (π − θ_ij) u_j), with p ŵ = (ab sin θ / a²) w = P w / a²
        grad_k = (P.sum(axis=1) / a2)[:, None] * Wa + (math.pi - th) @ U
        out += sign * ((1.0 - s) ** 2 * grad_k / TWO_PI + s * U.sum(axis=0)[None, :])
    return out


def _pair_hessians(w: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(∂²κ/∂w², ∂²κ/∂w∂u)`` at one pair, in the stable forms of the module docstring (n := 0 if p = 0)."""
    d = w.size
    a = float(np.linalg.norm(w))
    wh = w / a
    c = float(w @ u)
    u_perp = u - (c / (a * a)) * w
    p = float(np.linalg.norm(u_perp))
    n = u_perp / p if p > 0.0 else np.zeros(d)
    th = math.atan2(a * p, c)
    st, ct = math.sin(th), math.cos(th)
    eye = np.eye(d)
    ww, nn = np.outer(wh, wh), np.outer(n, n)
    h11 = (p / a) * (eye - ww + nn) / TWO_PI
    wn = np.outer(wh, n)
    h12 = ((math.pi - th) * eye + st * (st * (wn + wn.T) + ct * (ww - nn))) / TWO_PI
    return h11, h12


def hessian_parts(W, V=None) -> tuple[np.ndarray, np.ndarray]:
    """``(H_relu, H_lin)`` with ``∇²L_s(W) = (1−s)² H_relu + s H_lin`` (kd × kd, row-major vec(W)).

    ``H_relu`` blocks: (i, i) = ``Σ_{j≠i} ∂²κ/∂w²(w_i, w_j) + ½ I − Σ_j ∂²κ/∂w²(w_i, v_j)``
    (½I is the Hessian of ½κ(w_i, w_i) = ‖w_i‖²/4); (i, j ≠ i) = ``∂²κ/∂w∂u(w_i, w_j)``.
    ``H_lin = (11ᵀ) ⊗ I_d`` (Hessian of ½‖Σ_i(w_i − v_i)‖²), independent of W.
    Valid at parallel pairs by the C² argument of the module docstring."""
    Wa = _rows("W", W)
    Va = _teacher(Wa, V)
    k, d = Wa.shape
    H = np.zeros((k * d, k * d))
    for i in range(k):
        blk = 0.5 * np.eye(d)
        for j in range(k):
            if j != i:
                h11, h12 = _pair_hessians(Wa[i], Wa[j])
                blk += h11
                H[i * d : (i + 1) * d, j * d : (j + 1) * d] = h12
        for j in range(Va.shape[0]):
            blk -= _pair_hessians(Wa[i], Va[j])[0]
        H[i * d : (i + 1) * d, i * d : (i + 1) * d] = blk
    H = 0.5 * (H + H.T)
    return H, np.kron(np.ones((k, k)), np.eye(d))


def loss_hessian(W, slope: float, V=None) -> np.ndarray:
    """Exact Hessian ``∇²L_s(W) = (1−s)² H_relu + s H_lin`` (see :func:`hessian_parts`), kd × kd."""
    s = as_scalar("slope", slope)
    Hr, Hl = hessian_parts(W, V)
    return slope_mix(s, Hr, Hl)


@lru_cache(maxsize=8)
def _gauss_legendre(n: int) -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(n)


def kernel_by_quadrature(w, u, slope: float, nodes: int = 48, adaptive: bool = False) -> float:
    """``E[σ_s(w·x) σ_s(u·x)]`` by quadrature in the plane of w and u, independent of the arc-cosine
    formula: with an orthonormal basis (ŵ, e₂) of span{w, u}, ``w·x = a r cos φ`` and
    ``u·x = r (u₁ cos φ + u₂ sin φ)`` for the planar Gaussian in polar form; positive homogeneity
    ``σ(rt) = r σ(t)`` and ``∫₀^∞ r³ e^{−r²/2} dr = 2`` give
    ``(1/π) ∫₀^{2π} σ(a cos φ) σ(u₁ cos φ + u₂ sin φ) dφ``.

    The integrand is a product of trigonometric polynomials between consecutive kinks (zeros of the two
    arguments), so Gauss–Legendre with ``nodes`` points per piece converges spectrally (48 points on
    pieces of length ≤ π reach rounding level); ``adaptive=True`` uses scipy.integrate.quad per piece
    instead (slower; tests compare the two)."""
    wa = as_array("w", w, 1)
    ua = as_array("u", u, 1, shape=(wa.size,))
    s = as_scalar("slope", slope)
    a = float(np.linalg.norm(wa))
    if a == 0.0:
        return 0.0
    e1 = wa / a
    u1 = float(ua @ e1)
    u2 = float(np.linalg.norm(ua - u1 * e1))

    def f(phi):
        z1 = a * np.cos(phi)
        z2 = u1 * np.cos(phi) + u2 * np.sin(phi)
        return (np.maximum(z1, 0.0) + s * np.minimum(z1, 0.0)) * (np.maximum(z2, 0.0) + s * np.minimum(z2, 0.0))

    kinks = [math.pi / 2, 3 * math.pi / 2]
    if u1 != 0.0 or u2 != 0.0:
        t = math.atan2(-u1, u2)
        kinks += [t % (2 * math.pi), (t + math.pi) % (2 * math.pi)]
    pts = sorted({0.0, 2 * math.pi, *kinks})
    pieces = [(lo, hi) for lo, hi in zip(pts[:-1], pts[1:]) if hi > lo]
    if adaptive:
        from scipy import integrate

        total = sum(integrate.quad(lambda x: float(f(x)), lo, hi, epsabs=1e-14, epsrel=1e-13, limit=200)[0] for lo, hi in pieces)
    else:
        x, wq = _gauss_legendre(int(nodes))
        total = 0.0
        for lo, hi in pieces:
            half = 0.5 * (hi - lo)
            total += half * float(wq @ f(lo + half * (x + 1.0)))
    return total / math.pi


def kernel_by_monte_carlo(w, u, slope: float, rng: np.random.Generator, n: int) -> tuple[float, float]:
    """Monte Carlo ``(mean, standard error)`` of ``σ_s(w·x) σ_s(u·x)`` over ``n`` draws x ~ N(0, I_d)."""
    wa = as_array("w", w, 1)
    ua = as_array("u", u, 1, shape=(wa.size,))
    if n < 2:
        raise ValueError(f"n: need at least 2 samples, got {n}")
    X = rng.standard_normal((int(n), wa.size))
    v = activation(X @ wa, slope) * activation(X @ ua, slope)
    return float(v.mean()), float(v.std(ddof=1) / math.sqrt(n))
