"""The branch out of a degenerate λ = 0 minimum (α = 0), by a desingularised system.

With α = 0 the quadratic ``L(·, 0)`` is minimal on the whole affine set ``{W : Σ̂Wᵀv = Xᵀy/N}`` (directions
``E = v^⊥ ⊗ ℝ^d`` are flat), so ``∇L = 0`` has a singular Jacobian at every λ = 0 solution and continuation
cannot start there. Two exact facts remove the singularity:

* ``∇L(W, 0) = v ⊗ mean(r x)`` lies in ``range(v ⊗ I)``, so ``P_E ∇L(W, 0) = 0`` for every W;
* ``∇L`` is a quadratic polynomial in λ (``r`` and ``h'`` are affine in λ).

Hence for λ ≠ 0, ``∇L(W, λ) = 0`` iff ``G(W, λ) = P_v∇L(W, λ) + P_E q(W, λ) = 0`` with
``q = ∂_λ∇L(W, 0) + (λ/2) ∂²_λ∇L(W)`` (= ``P_E∇L/λ`` on E; ``P_v = I − P_E``). G is smooth through λ = 0, and
its λ = 0 zeros are the points of the flat set from which a branch of critical points emanates (the
Lyapunov–Schmidt selection ``P_E ∂_λ∇L = 0``). Its Jacobian is
``G_W = P_v H(W, λ) + P_E(∂_λH(W, 0) + (λ/2)∂²_λH)`` and ``G_λ = P_v ∂_λ∇L(W, λ) + ½P_E ∂²_λ∇L``.
"""

from __future__ import annotations

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.continuation import System, correct_fixed_lambda
from crosscheck.numerics.homotopy import Homotopy
from crosscheck.numerics.model import hess_lam_on_alpha_eigenspace
from crosscheck.numerics.tolerance import sign_changes


def desingularized_system(hp: Homotopy) -> System:
    """The system G of the module docstring (α must be 0; v must have no zero entry, else a row of W does not
    enter the loss and the flat direction is never lifted)."""
    if hp.alpha != 0.0:
        raise ValueError(f"alpha: the desingularised system needs alpha = 0, got {hp.alpha!r}")
    if np.any(hp.v == 0):
        raise ValueError("v: has a zero entry; that row of W never enters the loss (flat for every λ)")
    B = hm.alpha_eigenspace_basis(hp.v, hp.d)
    PE = B @ B.T
    Pv = np.eye(hp.n) - PE

    def residual(u, lam):
        q = hm.grad_lam(hp, u, 0.0) + 0.5 * lam * hm.grad_lam2(hp, u, 0.0)
        return Pv @ hm.grad(hp, u, lam) + PE @ q

    def jac_u(u, lam):
        Q = hm.hess_lam(hp, u, 0.0) + 0.5 * lam * hm.hess_lam2(hp, u, 0.0)
        return Pv @ hm.hessian(hp, u, lam) + PE @ Q

    def jac_lam(u, lam):
        return Pv @ hm.grad_lam(hp, u, lam) + 0.5 * (PE @ hm.grad_lam2(hp, u, 0.0))

    return System(residual, jac_u, jac_lam)


def branch_start(hp: Homotopy, tol: float = 1e-12) -> tuple[np.ndarray, float, bool]:
    """The λ = 0 point of the branch: Newton on ``G(·, 0) = 0`` from the minimum-norm λ = 0 minimiser.
    Returns (w, ‖G‖, converged)."""
    return correct_fixed_lambda(desingularized_system(hp), hm.linear_minimum(hp), 0.0, tol=tol, max_iter=50)


def kernel_eigenvalue_slope(hp: Homotopy, w0: np.ndarray) -> np.ndarray:
    """Eigenvalues μ of ``Bᵀ ∂_λH(W₀, 0) B`` (B a basis of the kernel E of H(W₀, 0) = (vvᵀ)⊗Σ̂): the kernel
    eigenvalues of H along the branch are ``λμ + O(λ²)`` (``D_WH = 0`` at λ = 0, so ``Ḣ = ∂_λH`` there)."""
    return np.linalg.eigvalsh(hess_lam_on_alpha_eigenspace(hp, w0))


def selection_roots(hp: Homotopy, span: float = 4.0, points: int = 801, tol: float = 1e-12) -> list[np.ndarray]:
    """All λ = 0 branch points on the flat line when ``dim E = 1`` (m = 2, d = 1): the zeros of the scalar
    ``s ↦ kᵀ∂_λ∇L(W_mn + s k, 0)`` (k the unit vector spanning E, W_mn the minimum-norm minimiser) for
    ``|s| ≤ span``, bracketed on a grid of ``points`` and refined by Brent to ``xtol = tol``; each is then
    polished by Newton on G(·, 0). Roots closer than the grid spacing can be missed (stated limitation)."""
    from scipy.optimize import brentq

    B = hm.alpha_eigenspace_basis(hp.v, hp.d)
    if B.shape[1] != 1:
        raise ValueError(f"hp: selection_roots needs a one-dimensional flat set, got dimension {B.shape[1]}")
    k = B[:, 0]
    w_mn = hm.linear_minimum(hp)

    def f(s: float) -> float:
        return float(k @ hm.grad_lam(hp, w_mn + s * k, 0.0))

    grid = np.linspace(-span, span, int(points))
    vals = np.array([f(s) for s in grid])
    roots = []
    system = desingularized_system(hp)
    for i in sign_changes(vals, zeros="left"):
        s = grid[i] if vals[i] == 0.0 else brentq(f, grid[i], grid[i + 1], xtol=tol)
        w, _, ok = correct_fixed_lambda(system, w_mn + s * k, 0.0, tol=1e-12)
        roots.append(w if ok else w_mn + s * k)
    return roots
