"""What a critical branch does past its first degeneracy, and where a replayed optimizer lands.

**Sheets.** A branch ``∇L(W, λ) = 0`` traced by pseudo-arclength continuation is cut at its folds (sign
changes of dλ/ds) into *sheets*, each a graph over an interval of λ. A sheet is *minimum type* when the
smallest Hessian eigenvalue λ₁ is positive at its interior points, *saddle type* when negative. The λ at
which a sheet starts is its *birth*: for the first sheet λ = 0, for any other the fold where it begins.

**Replay through the degeneracy.** :func:`replay_through` runs the paper's method
(:mod:`crosscheck.numerics.paper_method`: warm-started L-BFGS-B with scipy's default tolerances on the
grid λ_k = k·step, finite-difference Hessians) over the whole grid, without stopping where λ₁ turns
negative, and records λ₁, λ₂, the loss and ‖∇L‖ of every iterate. A **jump** is the first grid step after
which the finite-difference λ₁ is positive again having been negative, with the loss dropping (the iterate
left the dying sheet for another minimum).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.continuation import Branch
from crosscheck.numerics.homotopy import Homotopy
from crosscheck.numerics.paper_method import paper_method_grid


@dataclass(frozen=True)
class Sheet:
    """Points ``start..stop`` (inclusive) of a branch between folds."""

    start: int
    stop: int
    lam_lo: float
    lam_hi: float
    birth: float  # λ where the sheet starts (0 for the first, the fold λ otherwise)
    kind: str  # "minimum" | "saddle" | "mixed"


def sheets(branch: Branch) -> tuple[Sheet, ...]:
    """Cut ``branch`` at its folds (:meth:`Branch.folds`, the index before each sign change of dλ/ds; the
    fold point itself is shared by both sheets) and type each sheet by the sign of λ₁ (monitor column 0)
    at its points away from the two ends."""
    cuts = [0, *[f + 1 for f in branch.folds()], len(branch.lam) - 1]
    out = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        lam = branch.lam[a : b + 1]
        inner = branch.monitor[a : b + 1, 0][1:-1] if b - a >= 2 else branch.monitor[a : b + 1, 0]
        kind = "minimum" if np.all(inner > 0) else "saddle" if np.all(inner < 0) else "mixed"
        out.append(Sheet(a, b, float(lam.min()), float(lam.max()), float(branch.lam[a]), kind))
    return tuple(out)


@dataclass(frozen=True)
class ReplayTrace:
    lam: np.ndarray  # grid λ_k
    lambda1: np.ndarray  # FD-Hessian λ₁ of the iterate
    lambda2: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    iterates: np.ndarray  # (K, n)


def replay_through(hp: Homotopy, step: float = 1 / 400, lam_max: float = 1.0) -> ReplayTrace:
    """The paper's method on the whole grid (module docstring; :func:`paper_method_grid`), from the closed-form
    λ = 0 minimum."""
    rows, its = [], []
    for lam, w, e in paper_method_grid(hp, step, lam_max):
        rows.append((lam, e[0], e[1], hm.loss(hp, w, lam), np.linalg.norm(hm.grad(hp, w, lam))))
        its.append(w.copy())
    a = np.array(rows)
    return ReplayTrace(a[:, 0], a[:, 1], a[:, 2], a[:, 3], a[:, 4], np.array(its))


@dataclass(frozen=True)
class Jump:
    index: int  # grid index of the first iterate after the jump
    lam: float
    lambda1_before: float
    lambda1_after: float
    loss_drop: float  # loss(before) − loss(after) at neighbouring grid points (> 0)


def first_jump(rp: ReplayTrace) -> Jump | None:
    """The first k with λ₁[k−1] < 0 < λ₁[k] and loss[k] < loss[k−1] (None if there is none)."""
    for k in range(1, rp.lam.size):
        if rp.lambda1[k - 1] < 0 < rp.lambda1[k] and rp.loss[k] < rp.loss[k - 1]:
            return Jump(k, float(rp.lam[k]), float(rp.lambda1[k - 1]), float(rp.lambda1[k]), float(rp.loss[k - 1] - rp.loss[k]))
    return None


def nearest_sheet_point(branch: Branch, shs: tuple[Sheet, ...], w: np.ndarray, lam: float) -> tuple[int, int, float]:
    """(sheet index, branch index, ‖W − W_branch‖) of the traced point closest to ``w`` among the points of
    sheets whose λ-range contains ``lam``, with |λ − λ_point| at most one continuation step (the caller
    refines by Newton at fixed λ)."""
    best = (-1, -1, np.inf)
    for s_i, s in enumerate(shs):
        if not s.lam_lo <= lam <= s.lam_hi:
            continue
        idx = np.arange(s.start, s.stop + 1)
        j = int(idx[np.argmin(np.abs(branch.lam[idx] - lam))])
        dist = float(np.linalg.norm(branch.u[j] - w))
        if dist < best[2]:
            best = (s_i, j, dist)
    return best
