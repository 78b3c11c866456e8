"""Numerical kernels of crosscheck. Conventions are stated once, in :mod:`crosscheck.numerics.model`:
vec(W) is row-major (index (j, k) ↦ j·d + k), so ``∇²_W L(W, 0) = (v vᵀ) ⊗ Σ̂ + α I``.
"""

from importlib import import_module
from typing import Any

# name → module: imported on first use, so importing crosscheck.numerics (and the check modules that use
# it) does not pull in scipy.sparse / scipy.linalg before a check actually computes (start-up time)
_WHERE = {
    "ACTIVATIONS": "activation", "SOFTPLUS": "activation", "TANH": "activation", "Activation": "activation", "activation": "activation",
    "loss": "hessian", "loss_grad": "hessian", "loss_hessian": "hessian",
    "Model": "model", "empirical_covariance": "model", "kronecker_hessian": "model", "make_model": "model",
    "Cluster": "rank", "RankResult": "rank", "eigen_cluster": "rank", "exact_rank": "rank", "numerical_rank": "rank",
    "loss_hvp": "hvp",
    "SpectralCertificate": "certify", "certify_multiplicity": "certify",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"crosscheck.numerics.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'crosscheck.numerics' has no attribute {name!r}")


__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Model",
    "SOFTPLUS",
    "TANH",
    "activation",
    "make_model",
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
