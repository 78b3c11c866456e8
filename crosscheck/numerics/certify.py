"""Rank and eigenvalue-multiplicity certificates for a symmetric operator, from products alone.

Method (randomized range finder, Halko–Martinsson–Tropp 2011, §4.3 and Lemma 4.1, plus Rayleigh–Ritz):

1. ``B = A − σI`` (σ = ``shift``; σ = α turns "multiplicity of the eigenvalue α of A" into "dim ker B").
   ``Y = B Ω`` for a random ±1 (Rademacher) n × k block Ω, applied as one block (matrix–matrix products);
   ``Q₀`` an orthonormal basis of span Y (:func:`~crosscheck.numerics.orth.orthonormal_basis`: Householder
   QR for n < 65 536, else randomized Cholesky QR in place, which drops columns of Y that are rounding and
   measures its orthogonality defect δ = ‖Q₀ᵀQ₀ − I‖₂ <= 1e-12); ``T = Q₀ᵀ B Q₀`` (one product per
   column of Q₀) and its eigenpairs ``(θ_i, u_i)`` (Rayleigh–Ritz on the captured range, a k × k problem).
   The Ritz values with ``|θ| > τ`` are kept,
   ``Q = Q₀ U_keep`` (r columns). While r > k − ``oversample`` the block is doubled (the range may not
   have been captured); at ``max_block`` columns the certificate refuses.
2. A posteriori bound from p fresh Gaussian probes ω_i (HMT Lemma 4.1):
   ``‖(I − QQᵀ)B‖₂ <= ε := 10·sqrt(2/π)·max_i ‖(I − QQᵀ)Bω_i‖`` with probability ``>= 1 − 10^(−p)``.
3. B symmetric ⇒ ``‖B − Q diag(θ) Qᵀ‖₂ <= 2ε`` (split B into QQᵀBQQᵀ and two off-range parts of norm
   <= ε each), so by Weyl's inequality, adding ``op_error`` (the caller's bound on the rounding error of
   one product, relative to ‖x‖) and the rounding of T (its asymmetry + k·eps·max|θ| + 2δ·max|θ|), exactly
   ``n − r`` eigenvalues of B lie in ``[−ρ, ρ]``, ``ρ = 2ε + op_error + rounding(T)``, and the other r
   lie within ρ of the θ_i, hence ``|λ| >= min|θ| − ρ``. (When k reaches n, Q₀ spans ℝⁿ, ε = 0 and the
   discarded Ritz values themselves are added to ρ.)

Decision. "Zero" means ``|λ| <= τ = rtol·max(max|θ|, scale)`` (stated tolerance, as in
:func:`~crosscheck.numerics.rank.numerical_rank`). The result is ``"certified"`` only when the
intervals prove the split: ρ <= τ (every eigenvalue declared zero is below τ), ``min|θ| − ρ > τ``
(every one declared non-zero is above it), the **gap** ``ρ / (min|θ| − ρ) <= gap_max``, and no
discarded Ritz value exceeds ``gap_max·τ`` (nothing hides just below the threshold). Otherwise it is
``"inconclusive"`` and ``reason`` says which test failed, e.g. "the smallest non-zero eigenvalue is
below the threshold" or "two eigenvalues are too close to separate". The probability of a wrong
certificate is at most ``10^(−p)`` (the randomness is only in the probes; the claim is about the
operator as evaluated in floating point, up to ``op_error``).

Cost: about ``2k + p`` products (plus Lanczos for the extremes), O(n·k²) flops, O(n·k) memory.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # the real import is lazy (start-up time)
    from scipy.sparse.linalg import LinearOperator

import numpy as np
from crosscheck.numerics._lazy import scipy_linalg, sparse_linalg

from crosscheck.numerics._validate import as_scalar
from crosscheck.numerics.orth import ORTH_TOL, fortran_buffer, orthonormal_basis
from crosscheck.numerics.tolerance import EPS

CERTIFIED, INCONCLUSIVE = "certified", "inconclusive"
HMT_FACTOR = 10.0 * math.sqrt(2.0 / math.pi)

__all__ = ["SpectralCertificate", "ExtremeEigenvalue", "certify_multiplicity", "extreme_eigenvalue"]


@dataclass(frozen=True)
class SpectralCertificate:
    """Certified split of the spectrum of ``B = A − shift·I`` into a zero cluster and the rest.

    With probability ``>= 1 − failure_probability``: exactly ``nullity`` eigenvalues of A lie in
    ``[shift − zero_radius, shift + zero_radius]`` and the other ``rank`` satisfy
    ``|λ − shift| >= nonzero_lower``, each within ``zero_radius`` of one of ``ritz`` (+ shift).
    Valid as a decision only when ``status == "certified"``.
    """

    status: str
    reason: str
    n: int
    shift: float
    rank: int
    nullity: int
    ritz: tuple[float, ...]  # kept Ritz values θ of B, descending
    ritz_residual: float  # max ‖Bq − θq‖ over the largest and smallest kept Ritz pairs (θ is that close to an eigenvalue)
    dropped_ritz_max: float  # largest |θ| declared zero
    residual_bound: float  # ε
    failure_probability: float
    op_error: float
    zero_radius: float  # ρ = 2ε + op_error
    nonzero_lower: float  # min|θ| − ρ (or +inf when rank = 0)
    norm_upper: float  # max|θ| + ρ >= ‖B‖₂
    threshold: float  # τ = rtol·max|θ|
    rtol: float
    gap: float  # ρ / nonzero_lower
    gap_max: float
    products: int
    block: int
    probes: int
    method: str = "HMT randomized range finder + Rayleigh–Ritz, a-posteriori bound (Lemma 4.1), Weyl"
    basis: np.ndarray | None = field(default=None, repr=False, compare=False)  # n × rank Ritz vectors (return_basis)

    @property
    def certified(self) -> bool:
        return self.status == CERTIFIED

    def as_dict(self) -> dict:
        """JSON-ready (infinite bounds as strings)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "basis"}
        out["ritz"] = list(self.ritz)
        for k, val in out.items():
            if isinstance(val, float) and not math.isfinite(val):
                out[k] = str(val)
        return out


def _rademacher_into(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """Fill ``out`` with independent ±1 (drawn as int8: ~10× faster than Gaussians)."""
    np.copyto(out, rng.integers(0, 2, out.shape[::-1], dtype=np.int8).T)
    out *= 2.0
    out -= 1.0
    return out


def _gaussian_into(rng: np.random.Generator, out: np.ndarray) -> np.ndarray:
    """Fill the Fortran-ordered ``out`` with standard normals (written through its C-ordered transpose)."""
    rng.standard_normal(out=out.T)
    return out


def _columns(buf: np.ndarray, a: int, b: int) -> np.ndarray:
    """Columns a:b of the Fortran-ordered work buffer (a view), or a fresh block if it is too narrow."""
    return buf[:, a:b] if b <= buf.shape[1] else fortran_buffer(buf.shape[0], b - a)


class _Counted:
    """``B = A − σI`` applied to blocks, counting column products; writes into ``out`` when given (an
    operator with ``matmat_into``, like :class:`~crosscheck.numerics.hvp.HessianOperator`, does so
    without temporaries). ``out`` must not alias V when σ ≠ 0."""

    def __init__(self, A: LinearOperator, shift: float) -> None:
        self.A, self.shift, self.products = A, shift, 0
        self._into = getattr(A, "matmat_into", None)

    def __call__(self, V: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        self.products += V.shape[1]
        if self._into is not None:
            res = self._into(V, out) if out is not None else self._into(V)
        else:
            res = np.asarray(self.A @ V, dtype=np.float64).reshape(V.shape)
            if out is not None:
                out[...] = res
                res = out
        if self.shift:
            for i in range(V.shape[1]):  # column by column: no n·k temporary
                res[:, i] -= self.shift * V[:, i]
        return res


def _max_column_norm(V: np.ndarray) -> float:
    """The largest column 2-norm of the Fortran-ordered V, column by column (no n × k temporary of squares)."""
    return max((float(np.linalg.norm(V[:, i])) for i in range(V.shape[1])), default=0.0)


def _start_block(S: np.ndarray, B: "_Counted", rng: np.random.Generator, out: np.ndarray, work: np.ndarray,
                 rtol: float) -> tuple[np.ndarray | None, float]:
    """``[S, E]`` in ``out`` (n × k, k > r) and its measured defect ‖[S, E]ᵀ[S, E] − I‖₂, or (None, nan) when S
    misses part of the range: ``BΩ`` for k − r random ±1 columns Ω (in ``work``) is projected off S (two passes
    of Gram–Schmidt); if a column keeps more than ``rtol`` of the largest column norm of BΩ, S does not span the
    range at the zero threshold. Otherwise E is an orthonormal basis (Householder QR) of what is left."""
    r = S.shape[1]
    out[:, :r] = S
    E = B(_rademacher_into(rng, work[:, : out.shape[1] - r]), out=out[:, r:])
    size = _max_column_norm(E)
    for _ in range(2):  # "twice is enough" (Kahan–Parlett)
        E -= S @ (S.T @ E)
    if not _max_column_norm(E) <= rtol * size:
        return None, math.nan
    out[:, r:] = scipy_linalg.qr(E, mode="economic", check_finite=False)[0]
    G = out.T @ out
    G[np.diag_indices_from(G)] -= 1.0
    return out, float(np.linalg.norm(G, 2))


def _operator(A) -> LinearOperator:
    if not isinstance(A, sparse_linalg.LinearOperator):
        A = np.asarray(A, dtype=np.float64)
        if A.ndim != 2:
            raise ValueError(f"A: expected a square matrix or LinearOperator, got shape {A.shape}")
    if A.shape[0] != A.shape[1] or A.shape[0] < 1:
        raise ValueError(f"A: must be square and non-empty, got shape {A.shape}")
    return A if isinstance(A, sparse_linalg.LinearOperator) else sparse_linalg.aslinearoperator(A)


def certify_multiplicity(
    A,
    *,
    shift: float = 0.0,
    rng: np.random.Generator,
    rtol: float = 1e-9,
    gap_max: float = 1e-3,
    probes: int = 10,
    oversample: int = 5,
    block: int | None = None,
    max_block: int | None = None,
    op_error: float = 0.0,
    scale: float = 0.0,
    return_basis: bool = False,
    start: np.ndarray | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> SpectralCertificate:
    """Certify the multiplicity of the eigenvalue ``shift`` of the symmetric operator ``A`` (shift = 0:
    its kernel dimension and rank) from products with ``A`` only; see the module docstring.

    Parameters
    ----------
    A : symmetric (n, n) ``LinearOperator`` or array (symmetry is assumed, not checked).
    shift : σ; the certificate is about ``B = A − σI``.
    rng : the generator of Ω and the probes (seeded by the caller). Ω only has to capture the range
        (Rademacher: cheap to draw); the guarantee rests on the probes, which are standard Gaussian.
    rtol : "zero" means ``|λ − σ| <= rtol·‖B‖`` (‖B‖ estimated by the largest Ritz value); choose it
        above the rounding level of one product relative to ‖B‖ (default 1e-9).
    gap_max : largest accepted ``ρ / (min|θ| − ρ)`` (default 1e-3: a 1000× separation).
    probes : p fresh Gaussian probes; failure probability ``10^(−p)``.
    oversample : the range counts as captured when ``rank <= k − oversample``.
    block : first block size k (default min(n, 32)); ``max_block`` its cap (default n).
    op_error : absolute bound on ``‖fl(Bx) − Bx‖ / ‖x‖`` added to the radius (default 0).
    scale : the threshold is ``τ = rtol·max(max|θ|, scale)``; pass a known norm (e.g. |σ| <= ‖A‖ when
        certifying the multiplicity of σ) so that a B that is all rounding noise has a scale (default 0).
    return_basis : also keep Q (n × rank), orthonormal Ritz vectors of the non-zero part, in ``.basis``.
    start : optional orthonormal (n × r) block thought to span the range of B (e.g. the basis of a
        certificate of a closely related operator). If ``BΩ`` for ``oversample`` random columns lies in its span
        up to ``rtol`` of its size, the first block is ``[start, E]`` (E an orthonormal basis of what is left of
        BΩ; k = r + oversample) instead of ``orth(BΩ)`` for k columns: about r fewer products and no tall
        orthonormalisation; otherwise (a start that misses part of the range, or is not orthonormal) the range
        finder begins from Ω as without it. The guarantee is unchanged either way: it rests on the fresh
        probes, and the block's orthogonality defect is measured (above ``ORTH_TOL`` it is orthonormalised).
        Ignored when ``oversample`` is 0 or r + oversample exceeds the largest block.
    """
    A = _operator(A)
    n = A.shape[0]
    shift = as_scalar("shift", shift)
    rtol = as_scalar("rtol", rtol, minimum=0.0, strict=True)
    if rtol >= 1.0:
        raise ValueError(f"rtol: must be below 1, got {rtol!r}")
    gap_max = as_scalar("gap_max", gap_max, minimum=0.0, strict=True)
    op_error = as_scalar("op_error", op_error, minimum=0.0)
    scale = as_scalar("scale", scale, minimum=0.0)
    if int(probes) < 1:
        raise ValueError(f"probes: must be at least 1, got {probes}")
    if int(oversample) < 0:
        raise ValueError(f"oversample: must be >= 0, got {oversample}")
    cap = n if max_block is None else max(1, min(n, int(max_block)))
    k = min(cap, int(block) if block else 32)
    if k < 1:
        raise ValueError(f"block: must be at least 1, got {block}")
    S = None if start is None else np.asarray(start, dtype=np.float64)
    if S is not None and (S.ndim != 2 or S.shape[0] != n):
        raise ValueError(f"start: expected an (n, r) block with n = {n}, got shape {S.shape}")
    k_start = 0  # the first block from ``start``: its r columns and ``oversample`` more (0: not used)
    if S is not None and S.shape[1] and oversample and S.shape[1] + oversample <= cap:
        k_start = S.shape[1] + int(oversample)
    B = _Counted(A, shift)
    p = int(probes)
    # Two Fortran-ordered work buffers reused throughout: at n ~ 10⁶ first-touching fresh memory (page
    # faults) costs more than the flops, so no n·k temporary is allocated after these.
    W1 = fortran_buffer(n, max(k, k_start, 3 * p))
    W2 = fortran_buffer(n, max(k, k_start))
    Y, given = None, math.nan  # given: the measured defect of a block built from ``start``
    if k_start:
        Y, given = _start_block(S, B, rng, W2[:, :k_start], W1, rtol)
        k = k_start if Y is not None else k
    started = Y is not None
    if Y is None:
        Y = B(_rademacher_into(rng, W1[:, :k]), out=W2[:, :k])
    while True:
        if given <= ORTH_TOL:
            Q0, orth = Y, given
        else:
            # orthonormal basis in place (Householder for small n; randomized Cholesky QR for tall blocks,
            # its orthogonality defect measured): Q₀ overwrites Y
            basis = orthonormal_basis(Y)
            Q0, orth = basis.Q, basis.defect
        given = math.nan
        Z = B(Q0, out=_columns(W1, 0, Q0.shape[1]))
        T = Q0.T @ Z
        asym = float(np.abs(T - T.T).max()) if T.size else 0.0
        theta, U = np.linalg.eigh(0.5 * (T + T.T))
        tmax = float(np.abs(theta).max()) if theta.size else 0.0
        tau = rtol * max(tmax, scale)
        keep = np.abs(theta) > tau
        r = int(keep.sum())
        captured = k == n or r <= k - oversample
        if captured or k >= cap:
            break
        grow = min(cap, 2 * k) - k
        progress(f"rank ≥ {r} with block {k}: growing the block to {k + grow}")
        # span(Q₀) ⊇ range(Y): extend the old basis by new sketch columns (rare: fresh buffers are fine)
        new = B(_rademacher_into(rng, fortran_buffer(n, grow)))
        Y = fortran_buffer(n, Q0.shape[1] + grow)
        Y[:, : Q0.shape[1]] = Q0
        Y[:, Q0.shape[1] :] = new
        del new
        k += grow
        W1 = fortran_buffer(n, max(k, 3 * p))

    order = np.argsort(-np.abs(theta[keep]))
    th = theta[keep][order]
    Uk = U[:, keep][:, order]
    ritz_res = 0.0
    for i in {0, r - 1} if r else ():
        ritz_res = max(ritz_res, float(np.linalg.norm(Z @ Uk[:, i] - th[i] * (Q0 @ Uk[:, i]))))
    dropped = float(np.abs(theta[~keep]).max()) if r < len(theta) else 0.0
    del Z, Y

    if k == n:
        eps_bound = 0.0  # Q₀ spans ℝⁿ: the off-range part is empty up to rounding (in asym/op_error)
        Gp = 0
    else:
        Gp = p
        G = _gaussian_into(rng, _columns(W1, 0, p))
        BG = B(G, out=_columns(W1, p, 2 * p))
        if r:
            C = Uk @ (Uk.T @ (Q0.T @ BG))
            BG -= np.matmul(Q0, C, out=_columns(W1, 2 * p, 3 * p))  # (I − QQᵀ)BG, Q = Q₀U_keep never formed
        eps_bound = HMT_FACTOR * _max_column_norm(BG)
        del G, BG
    # rounding of T = Q₀ᵀ(BQ₀) and of its eigendecomposition: its asymmetry plus k·eps·‖T‖; a measured
    # orthogonality defect δ = ‖Q₀ᵀQ₀ − I‖₂ (randomized Cholesky QR) moves Ritz values and the projector by
    # at most ~δ·‖B‖ each, hence 2δ·max|θ| more (zero for Householder, whose O(k·eps) is in k·eps·‖T‖)
    t_round = asym + k * EPS * tmax + 2.0 * orth * tmax
    # k = n: the dropped Ritz values are eigenvalues (up to t_round) themselves
    rho = 2.0 * eps_bound + op_error + t_round + (dropped if k == n else 0.0)
    lower = float(np.abs(th).min()) - rho if r else math.inf
    upper = (float(np.abs(th).max()) if r else 0.0) + rho
    gap = (rho / lower if lower > 0 else math.inf) if r else 0.0
    fail_p = 10.0 ** (-Gp) if Gp else 0.0

    reason = ""
    if not captured:
        reason = f"range not captured: {r} Ritz values above the threshold with the largest block {k} (max_block {cap})"
    elif r == 0 and rho > tau:
        reason = f"no Ritz value above τ = {tau:.2e}, but the zero-cluster radius {rho:.2e} exceeds it: cannot tell zero from small"
    elif r and rho > tau:
        reason = (
            f"the zero cluster is not certified below the threshold: radius {rho:.2e} > τ = {tau:.2e} "
            "(a non-zero eigenvalue below the threshold, or rounding above it)"
        )
    elif r and dropped > gap_max * tau:
        reason = (
            f"a Ritz value {dropped:.2e} lies below the threshold τ = {tau:.2e} but above gap_max·τ: "
            "the smallest non-zero eigenvalue may be below the threshold"
        )
    elif r and lower <= tau:
        reason = f"the smallest non-zero eigenvalue is not certified above the threshold: {float(np.abs(th).min()):.2e} − {rho:.2e} <= τ = {tau:.2e}"
    elif r and gap > gap_max:
        reason = f"two eigenvalues are too close to separate: gap ρ/(min|θ| − ρ) = {gap:.2e} > gap_max = {gap_max:.0e}"
    status = INCONCLUSIVE if reason else CERTIFIED
    if not reason:
        reason = (
            f"exactly {n - r} eigenvalue(s) of A within {rho:.2e} of {shift:g} and {r} at distance >= {lower:.2e}"
            f" (gap {gap:.1e}), failure probability <= {fail_p:.0e}"
        )
    cert = SpectralCertificate(
        status=status,
        reason=reason,
        n=n,
        shift=shift,
        rank=r,
        nullity=n - r,
        ritz=tuple(float(x) for x in th),
        ritz_residual=ritz_res,
        dropped_ritz_max=dropped,
        residual_bound=eps_bound,
        failure_probability=fail_p,
        op_error=op_error,
        zero_radius=rho,
        nonzero_lower=lower,
        norm_upper=upper,
        threshold=tau,
        rtol=rtol,
        gap=gap,
        gap_max=gap_max,
        products=B.products,
        block=k,
        probes=Gp,
    )
    if started:
        cert = replace(cert, method=cert.method.replace("range finder", "range finder (started from a given basis)", 1))
    if not return_basis:
        return cert
    if not r:
        return replace(cert, basis=np.zeros((n, 0)))
    # Q = Q₀U_keep written into the first work buffer (free after the probes): no fresh n × r block
    return replace(cert, basis=np.matmul(Q0, Uk, out=_columns(W1, 0, r)))


@dataclass(frozen=True)
class ExtremeEigenvalue:
    """A Lanczos (ARPACK ``eigsh``) Ritz value ``value`` with residual ``‖Au − θu‖`` for unit u: some
    eigenvalue of A lies in ``[value − residual, value + residual]`` (symmetric A, no assumption)."""

    which: str  # "LA" (largest) or "SA" (smallest algebraic)
    value: float
    residual: float
    products: int
    converged: bool


def extreme_eigenvalue(
    A, which: str, *, rng: np.random.Generator, tol: float = 1e-12, maxiter: int | None = None, ncv: int | None = None
) -> ExtremeEigenvalue:
    """Largest (``which="LA"``) or smallest (``"SA"``) eigenvalue of the symmetric ``A`` by Lanczos,
    with its residual bound; ``converged`` is False (and the last Ritz value reported) when ARPACK stops
    before ``tol``. Tiny operators (n < 3, where ARPACK cannot run) are applied to the identity."""
    if which not in ("LA", "SA"):
        raise ValueError(f"which: expected 'LA' or 'SA', got {which!r}")
    A = _operator(A)
    n = A.shape[0]
    count = [0]

    def mv(x: np.ndarray) -> np.ndarray:
        count[0] += 1
        return np.asarray(A @ x, dtype=np.float64).reshape(-1)

    if n < 3:
        M = np.column_stack([mv(e) for e in np.eye(n)])
        w, V = np.linalg.eigh(0.5 * (M + M.T))
        i = -1 if which == "LA" else 0
        res = float(np.linalg.norm(M @ V[:, i] - w[i] * V[:, i]))
        return ExtremeEigenvalue(which, float(w[i]), res, count[0], True)
    op = sparse_linalg.LinearOperator((n, n), matvec=mv, dtype=np.float64)
    v0 = rng.standard_normal(n)
    converged = True
    try:
        w, V = sparse_linalg.eigsh(op, k=1, which=which, v0=v0, tol=tol, maxiter=maxiter, ncv=min(n, ncv) if ncv else None)
    except sparse_linalg.ArpackNoConvergence as exc:
        converged = False
        if len(exc.eigenvalues) == 0:
            return ExtremeEigenvalue(which, math.nan, math.inf, count[0], False)
        w, V = exc.eigenvalues, exc.eigenvectors
    u = V[:, 0] / np.linalg.norm(V[:, 0])
    res = float(np.linalg.norm(mv(u) - w[0] * u))
    return ExtremeEigenvalue(which, float(w[0]), res, count[0], converged)
