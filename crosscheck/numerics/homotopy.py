"""The loss family ``L_α(W, λ)`` with its λ-derivatives and third/fourth derivatives in W, on flat
vectors ``w = vec(W)`` — the former name of :mod:`crosscheck.numerics.model`, kept for callers.

``Homotopy`` is :class:`~crosscheck.numerics.model.Model` and every function is the model's; the
mathematics is stated there.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from crosscheck.numerics import model as _model
from crosscheck.numerics.activation import ACTIVATIONS, Activation
from crosscheck.numerics.model import (  # noqa: F401  (re-exported)
    Model,
    alpha_eigenspace_basis,
    directional_derivatives,
    grad,
    grad_lam,
    grad_lam2,
    hess_dir,
    hess_lam,
    hess_lam_vec,
    hess_lam2,
    hessian,
    linear_minimum,
    loss,
    third_vec,
)

Homotopy = Model

#: σ'''' by activation name (now carried by :class:`~crosscheck.numerics.activation.Activation` itself)
FOURTH_DERIVATIVES: dict[str, Callable[[np.ndarray], np.ndarray]] = {k: a.d4f for k, a in ACTIVATIONS.items()}


def make_homotopy(X, y, v, alpha: float = 0.0, activation: str | Activation = "tanh") -> Model:
    """:func:`~crosscheck.numerics.model.make_model` under its former name."""
    return _model.make_model(X, y, v, alpha, activation)
