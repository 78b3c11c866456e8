"""Finite-difference certificates of the analytic Hessian of the leaky-ReLU loss at the global minimum.

At W = V each student row w_i is parallel to its teacher row v_i, where the loss is C² but not C³ (the
non-analytic part of the kernel is ``r³·smooth``, r the distance of w_i from the line of v_i; see
:mod:`crosscheck.numerics.leaky`). So second differences converge at rate O(h), not O(h²): a central FD
Hessian is compared at two step sizes, and one-sided second differences
``(L(V + 2tD) − 2L(V + tD) + L(V))/t²`` with t = ±h, which tend to ``DᵀHD`` from either side exactly when a
two-sided second directional derivative exists and equals the analytic one.
"""

from __future__ import annotations

import numpy as np

from crosscheck.numerics.fd import fd_gradient, fd_hessian
from crosscheck.numerics.leaky import loss, loss_hessian


def fd_certificates(k: int, s: float, h: float, hs: list[float], rng: np.random.Generator) -> dict:
    """At W = V = I_k and slope s: max relative error of the central FD Hessian (steps 10h and h) against
    :func:`loss_hessian`, the largest FD gradient entry, and, along a *parallel* direction (w_0 moves along
    v_0), a *perpendicular* one (w_0 tilts off v_0: the non-analytic direction) and a random one (from
    ``rng``), the relative errors ``|D^±(h) − DᵀHD| / max(|DᵀHD|, max|H|)`` of one-sided second differences
    for each h in ``hs`` and both signs."""
    V = np.eye(k)
    H = loss_hessian(V, s)
    scale = float(np.abs(H).max())
    f = lambda x: loss(x.reshape(k, k), s)  # noqa: E731
    central = {str(hh): float(np.abs(fd_hessian(f, V.ravel(), hh) - H).max() / scale) for hh in (10 * h, h)}
    grad_fd = float(np.abs(fd_gradient(f, V.ravel(), 1e-6)).max())
    dirs = {"parallel": np.zeros((k, k)), "perpendicular": np.zeros((k, k)), "random": rng.standard_normal((k, k))}
    dirs["parallel"][0, 0] = 1.0  # w_0 moves along v_0: the pair (w_0, v_0) stays parallel
    dirs["perpendicular"][0, 1] = 1.0  # w_0 leaves the line of v_0: the non-analytic |δ⊥|³ direction
    one_sided = {}
    for name, D in dirs.items():
        D = D / np.linalg.norm(D)
        exact = float(D.ravel() @ H @ D.ravel())
        errs = {}
        for side in (1.0, -1.0):
            for hh in hs:
                t = side * hh
                val = (loss(V + 2 * t * D, s) - 2 * loss(V + t * D, s) + loss(V, s)) / (t * t)
                errs[f"{'+' if side > 0 else '-'}{hh:g}"] = abs(val - exact) / max(abs(exact), scale)
        one_sided[name] = {"dHd": exact, "rel_errors": errs}
    return {"central_rel_error": central, "grad_fd_max": grad_fd, "one_sided": one_sided}
