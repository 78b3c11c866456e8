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

__all__ = [
    "Cluster",
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
