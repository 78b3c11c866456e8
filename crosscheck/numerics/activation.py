"""Activations σ with their derivatives up to the fourth, and a registry by name.

Every activation here is smooth and normalised so that σ(0) = 0 and σ'(0) = 1 where the paper needs it
(the homotopy ``h(z, λ) = (1 − λ) z + λ σ(z)`` then starts and ends with unit slope at the origin):

* ``tanh``: σ = tanh, σ' = 1 − t², σ'' = −2tσ', σ''' = −2σ'(1 − 3t²), σ'''' = 8tσ'(2 − 3t²) with t = tanh z
  (one ``tanh`` per evaluation; 1 − t² loses *relative* accuracy for |z| ≳ 18, its absolute error stays
  below eps, which is what the losses need);
* ``softplus`` (normalised): ``σ(z) = 2(log(1 + eᶻ) − log 2)``, so σ(0) = 0, σ'(0) = 1, σ''(0) = ½. With
  s the logistic function and ``p = s(1 − s)``: σ' = 2s, σ'' = 2p, σ''' = 2p(1 − 2s), σ'''' = 2p(1 − 6p);
* ``sigmoid`` (the logistic function s itself, kept for existing callers): σ' = p, σ'' = p(1 − 2s),
  σ''' = p(1 − 6p), σ'''' = p(1 − 2s)(1 − 12p).

Stability: ``log(1 + eᶻ)`` is ``logaddexp(0, z)``; ``p = e^{−|z|}/(1 + e^{−|z|})²`` and
``1 − 2s = −tanh(z/2)`` never subtract nearly equal numbers, so every derivative keeps full relative
accuracy for all finite z (no overflow: ``e^{−|z|} <= 1``). Each derivative is tested against central
differences of the one below in ``tests/test_model.py``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

Array = np.ndarray
Fn = Callable[[Array], Array]

__all__ = ["Activation", "ACTIVATIONS", "SIGMOID", "SOFTPLUS", "TANH", "activation"]


@dataclass(frozen=True)
class Activation:
    """σ and its first four derivatives, vectorised (``f, df, d2f, d3f, d4f``).

    ``series(z, k)`` returns ``(σ, σ', …, σ⁽ᵏ⁾)`` at z for k <= 4, sharing work between the derivatives
    where the activation allows it (tanh: one ``tanh``); the values are those of the single functions.
    """

    name: str
    f: Fn
    df: Fn
    d2f: Fn
    d3f: Fn
    d4f: Fn
    shared: Callable[[Array, int], tuple[Array, ...]] | None = None

    def derivative(self, order: int) -> Fn:
        """σ⁽ᵒʳᵈᵉʳ⁾ for order 0..4."""
        return (self.f, self.df, self.d2f, self.d3f, self.d4f)[order]

    def series(self, z: Array, k: int) -> tuple[Array, ...]:
        if not 0 <= k <= 4:
            raise ValueError(f"k: derivatives 0..4 are available, got {k}")
        if self.shared is not None:
            return self.shared(z, k)
        return tuple(self.derivative(i)(z) for i in range(k + 1))


# --- tanh -------------------------------------------------------------------------------------------


def _tanh_series(z: Array, k: int) -> tuple[Array, ...]:
    t = np.tanh(z)
    out = [t]
    if k >= 1:
        s = 1.0 - t * t
        out.append(s)
    if k >= 2:
        out.append(-2.0 * t * s)
    if k >= 3:
        out.append(-2.0 * s * (1.0 - 3.0 * t * t))
    if k >= 4:
        out.append(8.0 * t * s * (2.0 - 3.0 * t * t))
    return tuple(out)


def _tanh_d1(z: Array) -> Array:
    return _tanh_series(z, 1)[1]


def _tanh_d2(z: Array) -> Array:
    return _tanh_series(z, 2)[2]


def _tanh_d3(z: Array) -> Array:
    return _tanh_series(z, 3)[3]


def _tanh_d4(z: Array) -> Array:
    return _tanh_series(z, 4)[4]


# --- logistic pieces (stable) -----------------------------------------------------------------------


def _logistic(z: Array) -> Array:
    """``s(z) = 1/(1 + e^{−z}) = ½(1 + tanh(z/2))`` (no overflow)."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def _p(z: Array) -> Array:
    """``p = s(1 − s) = e^{−|z|}/(1 + e^{−|z|})²``: no cancellation for large |z|."""
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / ((1.0 + e) * (1.0 + e))


def _one_minus_2s(z: Array) -> Array:
    """``1 − 2s(z) = −tanh(z/2)``."""
    return -np.tanh(0.5 * np.asarray(z, dtype=np.float64))


def _sigmoid_series(z: Array, k: int) -> tuple[Array, ...]:
    out = [_logistic(z)]
    if k >= 1:
        p = _p(z)
        out.append(p)
    if k >= 2:
        q = _one_minus_2s(z)
        out.append(p * q)
    if k >= 3:
        out.append(p * (1.0 - 6.0 * p))
    if k >= 4:
        out.append(p * q * (1.0 - 12.0 * p))
    return tuple(out)


LOG2 = math.log(2.0)


def _softplus(z: Array) -> Array:
    """``2(log(1 + eᶻ) − log 2)`` via ``logaddexp`` (exact to rounding for all finite z)."""
    return 2.0 * (np.logaddexp(0.0, np.asarray(z, dtype=np.float64)) - LOG2)


def _softplus_series(z: Array, k: int) -> tuple[Array, ...]:
    out = [_softplus(z)]
    if k >= 1:
        out.extend(2.0 * x for x in _sigmoid_series(z, k - 1))
    return tuple(out)


def _pick(series: Callable[[Array, int], tuple[Array, ...]], i: int) -> Fn:
    def fn(z: Array) -> Array:
        return series(z, i)[i]

    return fn


TANH = Activation("tanh", np.tanh, _tanh_d1, _tanh_d2, _tanh_d3, _tanh_d4, _tanh_series)
SIGMOID = Activation("sigmoid", _logistic, *(_pick(_sigmoid_series, i) for i in range(1, 5)), _sigmoid_series)
SOFTPLUS = Activation("softplus", _softplus, *(_pick(_softplus_series, i) for i in range(1, 5)), _softplus_series)

#: the registry: name → activation
ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (TANH, SOFTPLUS, SIGMOID)}


def activation(name: str | Activation) -> Activation:
    """Look an activation up by name (an :class:`Activation` is returned as is); unknown names raise
    ``ValueError`` starting with ``activation:``."""
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[name]
    except (KeyError, TypeError):
        raise ValueError(f"activation: unknown {name!r}; known: {', '.join(sorted(ACTIVATIONS))}") from None
