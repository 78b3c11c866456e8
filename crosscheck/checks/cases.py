"""Seeded test instances for the Kronecker-Hessian checks: widths, dimensions, v patterns, SPD Σ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from crosscheck.numerics.datasets import spd_matrix

V_KINDS = ("distinct", "equal", "some-zero")


@dataclass(frozen=True)
class Case:
    m: int
    d: int
    v_kind: str
    cond: float
    v: np.ndarray
    sigma: np.ndarray

    @property
    def label(self) -> str:
        return f"m={self.m} d={self.d} v={self.v_kind} cond={self.cond:.0e}"


def make_v(m: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    """v ≠ 0 of the given pattern: distinct entries, all equal, or some (not all) entries zero."""
    if kind == "distinct":
        v = rng.uniform(0.5, 1.5, m) * rng.choice([-1.0, 1.0], m)
        v[:] = v[np.argsort(np.abs(v))]  # distinctness holds almost surely; order is irrelevant
        return v
    if kind == "equal":
        return np.full(m, rng.uniform(0.5, 1.5))
    if kind == "some-zero":
        v = rng.uniform(0.5, 1.5, m)
        if m > 1:
            zeros = rng.choice(m, size=max(1, m // 2), replace=False)
            v[zeros] = 0.0
        return v
    raise ValueError(f"v kind: unknown {kind!r}")


def spd(d: int, cond: float, rng: np.random.Generator, rank: int | None = None) -> np.ndarray:
    """Random symmetric PSD matrix ``Q diag(λ) Qᵀ`` with λ log-spaced from 1 down to 1/cond
    (:func:`crosscheck.numerics.datasets.spd_matrix`), symmetrised exactly.

    With ``rank = r < d`` the last ``d − r`` eigenvalues are exactly zero (Σ singular).
    """
    S = spd_matrix(d, cond, rng, rank)
    return 0.5 * (S + S.T)


def grid(
    ms: list[int], ds: list[int], conds: list[float], seed_rng: "callable", kinds: tuple[str, ...] = V_KINDS
) -> Iterator[Case]:
    """All (m, d, v kind, cond) cases; ``seed_rng(i)`` gives the generator for case ``i``."""
    i = 0
    for m in ms:
        for d in ds:
            for kind in kinds:
                for cond in conds:
                    rng = seed_rng(i)
                    yield Case(m, d, kind, float(cond), make_v(m, kind, rng), spd(d, cond, rng))
                    i += 1
