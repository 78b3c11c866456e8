"""Numerical kernels of crosscheck. Conventions are stated once, in :mod:`crosscheck.numerics.hessian`:
vec(W) is row-major (index (j, k) ↦ j·d + k), so ``∇²_W L(W, 0) = (v vᵀ) ⊗ Σ̂ + α I``.
"""

from crosscheck.numerics.hessian import (
    empirical_covariance,
    kronecker_hessian,
    loss,
    loss_grad,
    loss_hessian,
)
from crosscheck.numerics.rank import Cluster, RankResult, eigen_cluster, exact_rank, numerical_rank
from crosscheck.numerics.hvp import loss_hvp
from crosscheck.numerics.certify import SpectralCertificate, certify_multiplicity

__all__ = [
    "Cluster",
    "SpectralCertificate",
    "certify_multiplicity",
    "loss_hvp",
    "RankResult",
    "eigen_cluster",
    "empirical_covariance",
    "exact_rank",
    "kronecker_hessian",
    "loss",
    "loss_grad",
    "loss_hessian",
    "numerical_rank",
]
