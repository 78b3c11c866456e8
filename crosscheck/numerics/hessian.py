"""Fixed-λ wrappers around :mod:`crosscheck.numerics.model` (the former public API, kept for callers).

``loss``, ``loss_grad`` and ``loss_hessian`` take the raw data ``(X, y, v, W, lam, alpha, activation)``
and W as an (m, d) array; ``make_problem`` bundles them once for repeated evaluation. The mathematics,
conventions (row-major vec(W), ``∇²_W L(W, 0) = (vvᵀ)⊗Σ̂ + αI``) and tolerances are stated in
:mod:`crosscheck.numerics.model`; there is no second implementation here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics import model as mdl
from crosscheck.numerics._validate import as_scalar
from crosscheck.numerics.activation import ACTIVATIONS, Activation
from crosscheck.numerics.activation import activation as get_activation
from crosscheck.numerics.model import Model, empirical_covariance, kronecker_hessian

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "Problem",
    "empirical_covariance",
    "get_activation",
    "kronecker_hessian",
    "loss",
    "loss_grad",
    "loss_hessian",
    "make_problem",
    "problem_grad",
    "problem_hessian",
    "problem_loss",
]


@dataclass(frozen=True)
class Problem:
    """A :class:`~crosscheck.numerics.model.Model` at a fixed λ."""

    model: Model
    lam: float

    @property
    def X(self) -> np.ndarray:
        return self.model.X

    @property
    def y(self) -> np.ndarray:
        return self.model.y

    @property
    def v(self) -> np.ndarray:
        return self.model.v

    @property
    def alpha(self) -> float:
        return self.model.alpha

    @property
    def act(self) -> Activation:
        return self.model.act

    @property
    def shape(self) -> tuple[int, int]:
        return self.model.m, self.model.d


def make_problem(X, y, v, lam: float = 0.0, alpha: float = 0.0, activation: str | Activation = "tanh") -> Problem:
    """Validate and bundle the data of ``L_α(W, λ)`` (raises ``ValueError`` naming the bad argument)."""
    lam_ = as_scalar("lam", lam)
    return Problem(mdl.make_model(X, y, v, alpha, activation), lam_)


def problem_loss(p: Problem, W) -> float:
    return mdl.loss(p.model, W, p.lam)


def problem_grad(p: Problem, W) -> np.ndarray:
    """∇_W L as an (m, d) array."""
    return mdl.grad(p.model, W, p.lam).reshape(p.shape)


def problem_hessian(p: Problem, W) -> np.ndarray:
    return mdl.hessian(p.model, W, p.lam)


def loss(X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str | Activation = "tanh") -> float:
    """``L_α(W, λ) = ½·mean((Σ_j v_j h(w_jᵀx, λ) − y)²) + (α/2)‖W‖²_F``."""
    return problem_loss(make_problem(X, y, v, lam, alpha, activation), W)


def loss_grad(X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str | Activation = "tanh") -> np.ndarray:
    """Gradient of :func:`loss` with respect to W, shape (m, d)."""
    return problem_grad(make_problem(X, y, v, lam, alpha, activation), W)


def loss_hessian(X, y, v, W, lam: float = 0.0, alpha: float = 0.0, activation: str | Activation = "tanh") -> np.ndarray:
    """Exact Hessian of ``L_α(W, λ)`` in W, (md, md), row-major vec(W); ``(vvᵀ)⊗Σ̂ + αI`` at λ = 0."""
    return problem_hessian(make_problem(X, y, v, lam, alpha, activation), W)
