"""One matrix-free case of Proposition 7.4 / Theorem 7.6(i): build the data, apply H₀ from it, certify
dim ker H₀ and the α-multiplicity of H₀,α, and record what they are compared with. Used by the checks in
:mod:`crosscheck.checks.matrix_free` and by ``benchmarks/bench_matrix_free.py``; the method and its
guarantee are stated in :mod:`crosscheck.numerics.certify`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from crosscheck.numerics.tolerance import EPS

from crosscheck.checks.cases import make_v
from crosscheck.numerics._blas import single_blas_thread
from crosscheck.numerics.certify import SpectralCertificate, certify_multiplicity, extreme_eigenvalue
from crosscheck.numerics.datasets import Dataset, digits, integer_gram_rank, synthetic
from crosscheck.numerics.hessian import empirical_covariance
from crosscheck.numerics.orth import reuse_buffers

QUANTITIES = ("kernel_dim", "alpha_multiplicity")
DATASETS = ("synthetic", "digits", "digits-nonconstant")
V_KINDS = ("distinct", "equal", "some-zero", "zero")
CERT_DEFAULTS = {"rtol": 1e-9, "gap_max": 1e-3, "probes": 10, "oversample": 5, "alpha_certificate": "derived", "lanczos": True}


@dataclass(frozen=True)
class Case:
    dataset: str
    m: int
    d: int  # synthetic only; digits fix d by the data
    N: int  # 0: the data set's default (synthetic: max(4d, 256); digits: all 1797)
    alpha: float
    cond: float = 1e3
    sigma_rank: int = -1  # synthetic: rank of Σ (−1: full)
    v_kind: str = "distinct"

    @property
    def label(self) -> str:
        if self.dataset == "synthetic":
            extra = f" rankΣ={self.sigma_rank}" if self.sigma_rank >= 0 else ""
            return f"synthetic m={self.m} d={self.d} cond={self.cond:.0e}{extra} v={self.v_kind}"
        return f"{self.dataset} m={self.m} v={self.v_kind}"


@dataclass(frozen=True)
class Outcome:
    """One certified (or refused) case: the certificate and what it is compared with."""

    case: Case
    data: Dataset
    n: int
    cert: SpectralCertificate
    alpha_cert: SpectralCertificate | None  # direct certificate on H₀,α (alpha_certificate="direct")
    alpha_multiplicity: int
    sigma_rank: int
    sigma_rank_method: str
    sigma_cond: float  # λ_max(Σ̂)/λ_min⁺(Σ̂)
    v_nonzero: bool
    predicted_kernel: int  # md − rank(vvᵀ)·rank Σ̂
    lanczos: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def hypotheses(self) -> list[str]:
        """The claim's hypotheses that fail in this case (empty: the claim applies)."""
        out = []
        if not self.v_nonzero:
            out.append("v ≠ 0 fails (v = 0)")
        if self.sigma_rank < self.data.d:
            out.append(f"Σ ≻ 0 fails (rank Σ̂ = {self.sigma_rank} < d = {self.data.d})")
        return out

    @property
    def not_applicable_why(self) -> str:
        """Why the claim does not apply here, in a reader's words ("" when it applies)."""
        out = []
        if not self.v_nonzero:
            out.append("v = 0")
        if self.sigma_rank < self.data.d:
            out.append(f"Σ̂ singular (rank {self.sigma_rank} < d = {self.data.d})")
        return "; ".join(out)

    @property
    def unresolved(self) -> str:
        """Why the exact kernel is out of reach at this tolerance although the certificate may hold: the
        non-zero eigenvalues of H₀ are ‖v‖²λ_k(Σ̂), so λ_min⁺(Σ̂)/λ_max(Σ̂) <= rtol puts some of them at
        or below the threshold τ (a certified *numerical* kernel, but not the exact one the claim is about)."""
        rtol = self.cert.rtol
        if self.v_nonzero and self.sigma_cond * rtol >= 1.0:
            return f"cond(Σ̂) = {self.sigma_cond:.1e} >= 1/rtol = {1 / rtol:.0e}: the smallest non-zero eigenvalue of H₀ is below the threshold"
        return ""

    @property
    def certified(self) -> bool:
        return self.cert.certified and (self.alpha_cert is None or self.alpha_cert.certified) and not self.unresolved

    @property
    def refusal(self) -> str:
        if not self.cert.certified:
            return self.cert.reason
        if self.alpha_cert is not None and not self.alpha_cert.certified:
            return "α-certificate: " + self.alpha_cert.reason
        return self.unresolved


def load_data(case: Case, rng: np.random.Generator) -> Dataset:
    if case.dataset == "synthetic":
        N = case.N or max(4 * case.d, 256)
        return synthetic(N, case.d, case.cond, rng, None if case.sigma_rank < 0 else case.sigma_rank)
    if case.dataset in ("digits", "digits-nonconstant"):
        return digits("raw" if case.dataset == "digits" else "nonconstant", case.N)
    raise ValueError(f"dataset: expected one of {DATASETS}, got {case.dataset!r}")


def _sigma_rank(data: Dataset) -> tuple[int, str, float]:
    """rank Σ̂ (exact for integer data), and cond = λ_max/λ_min⁺ from the d × d eigenvalues."""
    S = empirical_covariance(data.X)
    w = np.linalg.eigvalsh(S)
    smax = float(w[-1])
    if data.name.startswith("digits"):
        r, how = integer_gram_rank(data.X), "exact (integer Gram matrix, mod-p elimination + column count)"
    else:
        r, how = int(np.count_nonzero(w > data.d * EPS * smax)), "eigvalsh(Σ̂), |λ| > d·eps·λ_max"
    pos = w[w > data.d * EPS * smax]
    cond = smax / float(pos.min()) if pos.size else math.inf
    return r, how, cond


def run_case(case: Case, rng: np.random.Generator, opts: dict[str, Any], progress=lambda _m: None) -> Outcome:
    """Certify dim ker H₀ and the α-multiplicity of H₀,α for one case, matrix-free.

    Runs on one BLAS thread: the dense work is tall-skinny (n × k, k <= d + oversample), where a second
    OpenBLAS thread gains nothing measurable at md = 10⁶ and spin-waiting on a loaded 2-core machine
    made md = 4000 ten times slower (0.11 s against 0.01 s, measured). The α-certificate reuses the kernel
    certificate's free work buffers (:func:`~crosscheck.numerics.orth.reuse_buffers`; so do the cases of a
    grid run inside one block).
    """
    with single_blas_thread(), reuse_buffers():
        return _run_case(case, rng, opts, progress)


def _run_case(case: Case, rng: np.random.Generator, opts: dict[str, Any], progress) -> Outcome:
    if not (case.alpha > 0 and math.isfinite(case.alpha)):
        raise ValueError(f"alpha: must be positive (Theorem 7.6 needs α > 0), got {case.alpha}")
    if case.m < 1 or case.d < 1:
        raise ValueError(f"m and d must be at least 1, got m={case.m}, d={case.d}")
    if case.v_kind not in V_KINDS:
        raise ValueError(f"v: expected one of {V_KINDS}, got {case.v_kind!r}")
    if opts["alpha_certificate"] not in ("derived", "direct"):
        raise ValueError(f"alpha_certificate: expected 'derived' or 'direct', got {opts['alpha_certificate']!r}")
    t0 = time.perf_counter()
    data = load_data(case, rng)
    m, d, N = case.m, data.d, data.N
    v = np.zeros(m) if case.v_kind == "zero" else make_v(m, case.v_kind, rng)
    W, n = np.zeros((m, d)), m * d
    r_sigma, how, cond = _sigma_rank(data)
    v_nonzero = bool(np.any(v != 0))
    predicted = n - (r_sigma if v_nonzero else 0)
    # rounding of one product: dot products of lengths m, d, N (first-order bound, Frobenius form)
    op_error = (m + N + d) * EPS * float(v @ v) * float(np.sum(data.X * data.X)) / N
    kw = dict(
        rtol=float(opts["rtol"]), gap_max=float(opts["gap_max"]), probes=int(opts["probes"]), oversample=int(opts["oversample"])
    )
    block = min(n, d + int(opts["oversample"]))  # rank H₀ <= d; the certificate grows the block if not
    from crosscheck.numerics.hvp import loss_hvp  # on first use: it subclasses scipy's LinearOperator (start-up)

    H0 = loss_hvp(data.X, data.y, v, W, 0.0, 0.0)
    cert = certify_multiplicity(H0, rng=rng, block=block, op_error=op_error, return_basis=True, progress=progress, **kw)
    Q = cert.basis
    Ha = loss_hvp(data.X, data.y, v, W, 0.0, case.alpha)
    a_err = op_error + 4 * EPS * case.alpha  # adding and removing α·x
    alpha_cert = None
    mult = cert.nullity
    if opts["alpha_certificate"] == "direct":
        # the range of H₀,α − αI is that of H₀: its range finder starts from the kernel certificate's basis
        start = Q if Q is not None and Q.shape[1] else None
        alpha_cert = certify_multiplicity(Ha, shift=case.alpha, rng=rng, block=block, op_error=a_err, scale=case.alpha, start=start, **kw)
        mult = alpha_cert.nullity
    lanczos: dict[str, Any] = {}
    if opts["lanczos"] and cert.certified:
        lanczos = _lanczos(Ha, cert, Q, case.alpha, a_err, rng)
    del Q
    return Outcome(case, data, n, cert, alpha_cert, mult, r_sigma, how, cond, v_nonzero, predicted, lanczos, time.perf_counter() - t0)


def _lanczos(Ha, cert: SpectralCertificate, Q: np.ndarray, alpha: float, a_err: float, rng) -> dict[str, Any]:
    """Checks on the H₀,α operator itself: λ_max by Lanczos against α + θ_max; and x = (I − QQᵀ)g, a
    Ritz vector for α: some eigenvalue of H₀,α lies within ‖H₀,α x − αx‖/‖x‖ <= ε (+ rounding) of α."""
    theta_max = cert.ritz[0] if cert.rank else 0.0
    lm = extreme_eigenvalue(Ha, "LA", rng=rng, ncv=8, maxiter=200)
    out: dict[str, Any] = {
        "lambda_max": lm.value,
        "lambda_max_residual": lm.residual,
        "lambda_max_expected": alpha + theta_max,
        "lambda_max_allowed": cert.zero_radius + lm.residual + a_err + 8 * EPS * (alpha + theta_max),
        "lambda_max_converged": lm.converged,
        "products": lm.products,
    }
    if cert.nullity:
        x = rng.standard_normal(cert.n)
        if cert.rank:
            x -= Q @ (Q.T @ x)
        x /= np.linalg.norm(x)
        out["alpha_ritz_residual"] = float(np.linalg.norm(np.asarray(Ha @ x).reshape(-1) - alpha * x))
        out["alpha_ritz_allowed"] = cert.residual_bound + cert.op_error + a_err
        out["products"] += 1
    return out


@dataclass(frozen=True)
class LanczosCheck:
    """Checks on the H₀,α operator itself (see :func:`_lanczos`); ``alpha_ritz_*`` only when ker H₀ ≠ 0."""

    lambda_max: float
    residual: float
    expected: float  # α + θ_max
    allowed: float
    converged: bool
    products: int
    alpha_ritz_residual: float | None = None
    alpha_ritz_allowed: float | None = None


@dataclass(frozen=True)
class CaseRecord:
    """What a check keeps of one :class:`Outcome`: the certificates and the values compared, without the
    data and without the certificate's basis (immutable: tuples and frozen dataclasses only)."""

    label: str
    dataset: str
    v_kind: str
    m: int
    d: int  # the data's d (digits: 64 or 61)
    N: int  # the data's N
    alpha: float
    n: int
    cert: SpectralCertificate
    alpha_cert: SpectralCertificate | None
    alpha_multiplicity: int
    certified: bool
    refusal: str
    sigma_rank: int
    sigma_rank_method: str
    sigma_cond: float
    v_nonzero: bool
    predicted_kernel: int
    hypotheses: tuple[str, ...]  # "Σ ≻ 0 fails (…)": the claim's hypotheses that fail
    not_applicable_why: str  # the same in a reader's words ("" when the claim applies)
    dropped_pixels: tuple[int, ...]
    lanczos: LanczosCheck | None
    seconds: float

    @property
    def applies(self) -> bool:
        return not self.hypotheses

    @property
    def products(self) -> int:
        return self.cert.products + (self.alpha_cert.products if self.alpha_cert else 0) + (self.lanczos.products if self.lanczos else 0)


def record_of(o: Outcome) -> CaseRecord:
    lz = None
    if o.lanczos:
        d = o.lanczos
        lz = LanczosCheck(
            float(d["lambda_max"]), float(d["lambda_max_residual"]), float(d["lambda_max_expected"]), float(d["lambda_max_allowed"]),
            bool(d["lambda_max_converged"]), int(d["products"]),
            float(d["alpha_ritz_residual"]) if "alpha_ritz_residual" in d else None,
            float(d["alpha_ritz_allowed"]) if "alpha_ritz_allowed" in d else None,
        )
    return CaseRecord(
        label=o.case.label, dataset=o.case.dataset, v_kind=o.case.v_kind, m=o.case.m, d=o.data.d, N=o.data.N, alpha=o.case.alpha,
        n=o.n, cert=replace(o.cert, basis=None), alpha_cert=o.alpha_cert, alpha_multiplicity=o.alpha_multiplicity, certified=o.certified,
        refusal=o.refusal, sigma_rank=o.sigma_rank, sigma_rank_method=o.sigma_rank_method, sigma_cond=o.sigma_cond,
        v_nonzero=o.v_nonzero, predicted_kernel=o.predicted_kernel, hypotheses=tuple(o.hypotheses),
        not_applicable_why=o.not_applicable_why, dropped_pixels=tuple(o.data.dropped), lanczos=lz, seconds=o.seconds,
    )


def measured_of(r: CaseRecord) -> dict[str, Any]:
    """The measured values of one case as plain data (keys without a value in this case are left out)."""
    c = r.cert
    out: dict[str, Any] = {
        "dataset": r.dataset,
        "m": r.m,
        "d": r.d,
        "N": r.N,
        "md": r.n,
        "kernel_dim": c.nullity,
        "rank": c.rank,
        "alpha_multiplicity": r.alpha_multiplicity,
        "alpha": r.alpha,
        "lambda_max_H0": float(max(c.ritz)) if c.rank else 0.0,
        "alpha_cluster": [r.alpha - c.zero_radius, r.alpha + c.zero_radius],
        "sigma_rank": r.sigma_rank,
        "sigma_rank_method": r.sigma_rank_method,
        "sigma_cond": r.sigma_cond,
        "predicted_kernel_dim": r.predicted_kernel,
        "hypotheses_failing": list(r.hypotheses),
        "claim_applies": r.applies,
        "constant_pixels_dropped": list(r.dropped_pixels),
        "residual_bound": c.residual_bound,
        "zero_radius": c.zero_radius,
        "failure_probability": c.failure_probability,
        "gap": c.gap,
        "products": r.products,
        "certificate_status": c.status,
        "certificate_reason": c.reason,
        "certified": r.certified,
    }
    if c.rank:
        out["lambda_min_plus"] = float(min(c.ritz))
        out["other_eigenvalues_at_least"] = r.alpha + c.nonzero_lower
    if not r.certified:
        out["refusal"] = r.refusal
    if r.lanczos is not None:
        lz = r.lanczos
        out["lanczos"] = {k: v for k, v in {
            "lambda_max": lz.lambda_max, "lambda_max_residual": lz.residual, "lambda_max_expected": lz.expected,
            "lambda_max_allowed": lz.allowed, "lambda_max_converged": lz.converged, "products": lz.products,
            "alpha_ritz_residual": lz.alpha_ritz_residual, "alpha_ritz_allowed": lz.alpha_ritz_allowed,
        }.items() if v is not None}
    return out
