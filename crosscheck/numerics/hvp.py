"""Hessian-vector products of the two-layer loss from data, never forming the md × md Hessian.

Model and conventions as in :mod:`crosscheck.numerics.model` (row-major vec(W), index (j, k) ↦ j·d + k),
whose :func:`~crosscheck.numerics.model.parts` (h', h'', r at W) are the only model code used here.
For a direction Δ (m × d) write ``D = X Δᵀ`` (N × m, ``D[n, j] = x_nᵀ Δ_j``). The exact Hessian of
``L_α(W, λ)`` applied to vec(Δ) is, entry (j, k),

* Gauss–Newton part ``(1/N) Σ_n s_n v_j h'_nj x_nk`` with ``s_n = Σ_j v_j h'_nj D[n, j]``,
* curvature part ``(1/N) Σ_n r_n v_j h''_nj D[n, j] x_nk`` (zero at λ = 0, since h'' = λσ''),
* ``+ α Δ[j, k]``,

which is ``∂/∂ε ∇L(W + εΔ)`` term by term (:func:`~crosscheck.numerics.model.hessian` written as
products). Cost O(N·m·d) per product (the "data path"). At λ = 0, h' ≡ 1 and the product collapses to
``H vec Δ = vec(v ⊗ (Xᵀ s / N)) + α vec Δ`` with ``s = X (Δᵀ v)``: O(md + N·d) per product, no m×d×d
and no N×m work at all (this is ``((v vᵀ) ⊗ Σ̂ + α I) vec Δ`` with ``Σ̂ = XᵀX/N``, applied factor by factor).

Both paths act on **blocks** V (n × k) at once: the λ = 0 path with two (k × d)·(d × N) products, the data
path with einsum contractions over the whole block (chunked to bound the N × m × k temporaries).
``structured=False`` forces the data path at λ = 0 too (the baseline of ``benchmarks/bench_matrix_free.py``
and an independent witness in the tests).
"""

from __future__ import annotations

import numpy as np
from scipy.sparse.linalg import LinearOperator

from crosscheck.numerics import model as mdl
from crosscheck.numerics._validate import as_scalar
from crosscheck.numerics.activation import Activation
from crosscheck.numerics.model import Model

__all__ = ["HessianOperator", "hvp", "loss_hvp", "problem_hvp"]

# columns per chunk in the general-λ path: bounds the N × m × chunk temporaries
_CHUNK_BYTES = 64 * 2**20


class HessianOperator(LinearOperator):
    """Symmetric ``LinearOperator`` for ``∇²_W L_α(W, λ)`` of shape (md, md) that counts its products.

    ``products`` is the number of vectors the operator has been applied to (a block of k columns
    counts k), the unit in which matrix-free certificates report their cost.
    """

    def __init__(self, model: Model, W: np.ndarray, lam: float = 0.0, *, structured: bool = True) -> None:
        m, d = model.m, model.d
        super().__init__(dtype=np.float64, shape=(m * d, m * d))
        self.model, self.lam = model, float(lam)
        self.m, self.d = m, d
        self.products = 0
        self._linear = self.lam == 0.0 and structured
        if not self._linear:
            p = mdl.parts(model, W, self.lam)
            self._gv = p.h1 * model.v[None, :]  # v_j h'_nj, (N, m)
            self._curv = p.r[:, None] * p.h2 * model.v[None, :]  # r_n v_j h''_nj, (N, m)

    @property
    def problem(self):
        """The fixed-λ view (compatibility)."""
        return self.model.problem(self.lam)

    # scipy calls _matmat for blocks and _matvec for vectors; both go through matmat_into
    def _matvec(self, x: np.ndarray) -> np.ndarray:
        return self.matmat_into(np.asarray(x, dtype=np.float64).reshape(-1, 1)).reshape(-1)

    def _matmat(self, X: np.ndarray) -> np.ndarray:
        return self.matmat_into(np.asarray(X, dtype=np.float64))

    def _rmatvec(self, x: np.ndarray) -> np.ndarray:
        return self._matvec(x)

    def _rmatmat(self, X: np.ndarray) -> np.ndarray:
        return self._matmat(X)

    def _adjoint(self) -> "HessianOperator":
        return self

    def matmat_into(self, V: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``H V`` for V of shape (md, k), written into ``out`` when given (``out`` may be V itself).

        Row-major vec: ``V.reshape(m, d, k)[j, c, i] = Δ_i[j, c]``. At λ = 0 a Fortran-ordered block (as
        LAPACK's QR returns) is read as ``V.T.reshape(k, m, d)`` and written in place, so a product of an
        n × k block allocates nothing of size n·k (fresh memory is costly: page faults dominate at n ~ 10⁶).
        """
        if V.ndim != 2 or V.shape[0] != self.shape[0]:
            raise ValueError(f"V: expected shape ({self.shape[0]}, k), got {V.shape}")
        m, d = self.m, self.d
        k = V.shape[1]
        self.products += k
        p = self.model
        N = p.N
        fast = self._linear and V.flags.f_contiguous and (out is None or out.flags.f_contiguous)
        if fast:
            Vt = V.T.reshape(k, m, d)
            # (k, d): Δᵢᵀ v, read before V may be overwritten (plain einsum: no reshaped copy of V)
            u = np.einsum("kmd,m->kd", Vt, p.v)
            g = (u @ p.X.T) @ p.X / N  # (k, d): (Σ̂ Δᵢᵀ v)ᵀ
            if out is None:
                out = np.empty((m * d, k), order="F")
            Ot = out.T.reshape(k, m, d)
            if p.alpha:
                if out is not V:
                    np.multiply(Vt, p.alpha, out=Ot)
                else:
                    Ot *= p.alpha
                tmp = np.empty((m, d))
                for i in range(k):  # column by column: temporaries of size md, not md·k
                    Ot[i] += np.multiply(p.v[:, None], g[i][None, :], out=tmp)
            else:
                np.multiply(g[:, None, :], p.v[None, :, None], out=Ot)
            return out
        V3 = V.reshape(m, d, k)
        if self._linear:
            u = np.einsum("m,mdk->dk", p.v, V3)  # (d, k): Δᵀ v per column
            g = p.X.T @ (p.X @ u) / N  # (d, k): Σ̂ Δᵀ v
            res = p.v[:, None, None] * g[None, :, :]
        else:
            res = np.empty_like(V3)
            step = max(1, _CHUNK_BYTES // (8 * N * m))
            for a in range(0, k, step):
                b = min(k, a + step)
                res[:, :, a:b] = self._general(V3[:, :, a:b])
        if p.alpha:
            res += p.alpha * V3
        res = res.reshape(m * d, k)
        if out is None:
            return res
        out[...] = res
        return out

    def _general(self, V3: np.ndarray) -> np.ndarray:
        p = self.model
        N = p.N
        D = np.einsum("nc,jci->nji", p.X, V3, optimize=True)  # (N, m, k): x_nᵀ Δ_j
        s = np.einsum("nj,nji->ni", self._gv, D, optimize=True)  # (N, k)
        gn = np.einsum("nj,ni,nc->jci", self._gv, s, p.X, optimize=True)
        cv = np.einsum("nj,nji,nc->jci", self._curv, D, p.X, optimize=True)
        return (gn + cv) / N


def hvp(model: Model, w, lam: float = 0.0, *, structured: bool = True) -> HessianOperator:
    """``∇²_W L_α(W, λ)`` of ``model`` as a symmetric, product-counting ``LinearOperator`` (md × md); ``w``
    flat or (m, d). ``structured=False`` uses the O(N·m·d) data path even at λ = 0."""
    return HessianOperator(model, mdl.point(model, w), as_scalar("lam", lam), structured=structured)


def problem_hvp(p, W) -> HessianOperator:
    """:func:`hvp` for a :class:`~crosscheck.numerics.hessian.Problem` (compatibility)."""
    return hvp(p.model, W, p.lam)


def loss_hvp(
    X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str | Activation = "tanh", *, structured: bool = True
) -> HessianOperator:
    """The Hessian ``∇²_W L_α(W, λ)`` as a symmetric ``scipy.sparse.linalg.LinearOperator`` of shape (md, md).

    Row-major vec(W) (index (j, k) ↦ j·d + k), the same matrix as :func:`~crosscheck.numerics.model.hessian`
    (tests compare them to ~1e-13 relative), applied from the data at O(N·m·d) per product for λ ≠ 0 and
    O(md + N·d) at λ = 0, where it is ``(v vᵀ) ⊗ Σ̂ + α I`` (independent of W and y). Memory O(N·m) for
    λ ≠ 0 (h', h'' at W), O(1) extra at λ = 0. Raises ``ValueError`` naming a bad argument.
    """
    lam_ = as_scalar("lam", lam)
    return hvp(mdl.make_model(X, y, v, alpha, activation), W, lam_, structured=structured)
