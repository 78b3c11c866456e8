"""Pseudo-arclength continuation of ``F(u, λ) = 0`` and Newton on the extended (Moore–Spence) system.

For ``F : ℝⁿ × ℝ → ℝⁿ`` with Jacobians ``F_u`` (n × n) and ``F_λ`` (n), a solution curve ``x(s) = (u, λ)(s)``
is followed by

* **tangent**: ``t`` solves ``[F_u F_λ; t_prevᵀ] t = [0; 1]``, normalised, oriented along ``t_prev``;
* **predictor**: ``x̂ = x + s·t``;
* **corrector**: Newton on ``[F(x); tᵀ(x − x̂)] = 0`` with the bordered Jacobian ``[F_u F_λ; tᵀ]``, until
  ``‖F‖₂ ≤ tol`` (every accepted point satisfies it; the residual is stored). It is first tried as a
  *chord* iteration with the LU factorisation of the previous point's bordered matrix (the one its tangent
  was solved with; the last row is changed to the new tangent by a Sherman–Morrison correction), so a step
  costs one Jacobian and one factorisation instead of one per Newton iteration; the chord iterates are
  held to the same contraction rule, and where it fails the full Newton corrector runs from the predictor.
  Both solve the same equations from the same start, so an accepted point is the same solution. Used from
  ``chord_min_n`` unknowns: for small systems a residual costs as much as a Jacobian;
* **step control**: a step is rejected (and halved) when Newton needs more than ``max_newton`` iterations
  or contracts poorly (``‖δ_{k+1}‖ > max_contraction·‖δ_k‖``), when the corrector moves farther than ``max_correction·s`` from the predictor, or when the tangent turns by
  more than ``max_angle`` radians — the safeguards that keep the corrector from jumping to another branch.
  After an easy step (≤ 3 iterations) the step grows by ``grow`` up to ``s_max``. A step across which the
  test function (monitor column 0) changes sign is retried with smaller steps until ``s ≤ event_step``,
  so sign changes are bracketed tightly and a large step cannot carry the run past a fold onto a
  neighbouring branch unnoticed. Where the test function heads towards zero (same sign, decreasing in
  magnitude over the last step), the next step is at most ``monitor_fraction`` of the linearly predicted
  distance to its zero (never below ``event_step``): steps are long where the test function is far from
  zero and short where it approaches it, so a zero (or a dip towards one) is sampled densely without a
  small ``s_max`` everywhere.

The bordered Jacobian stays regular at simple folds, where ``F_u`` is singular but ``[F_u F_λ]`` has full
rank, so the curve is followed around a fold (λ then decreases; ``tλ`` changes sign).

Singular points on the curve are solved for in :mod:`crosscheck.numerics.singular`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from crosscheck.numerics import _lapack

from crosscheck.numerics.tolerance import sign_changes

Vec = np.ndarray
Monitor = Callable[[np.ndarray, float, np.ndarray], tuple[float, ...]]


@dataclass(frozen=True)
class System:
    """``F(u, λ)`` and its derivatives. ``jac_u_dir(u, λ, φ)`` is the matrix ``δ ↦ F_uu[φ, δ]`` and
    ``jac_u_lam_vec(u, λ, φ)`` the vector ``(∂_λ F_u) φ``; both are needed only by :func:`solve_singular_point`."""

    residual: Callable[[Vec, float], Vec]
    jac_u: Callable[[Vec, float], np.ndarray]
    jac_lam: Callable[[Vec, float], Vec]
    jac_u_dir: Callable[[Vec, float, Vec], np.ndarray] | None = None
    jac_u_lam_vec: Callable[[Vec, float, Vec], Vec] | None = None


@dataclass(frozen=True)
class ContinuationOptions:
    """Step control of :func:`continue_branch` (see the module docstring)."""

    s0: float = 0.02
    s_min: float = 1e-7
    s_max: float = 0.1
    tol: float = 1e-10
    max_newton: int = 8
    max_correction: float = 0.5
    max_contraction: float = 0.5
    max_angle: float = 0.3
    grow: float = 1.5
    max_steps: int = 2000
    lam_min: float = -math.inf
    lam_max: float = math.inf
    stop_after_sign_change: int | None = None  # stop this many points after the first sign change of monitor[0]
    event_step: float | None = 2e-3  # a step over which monitor[0] changes sign is retried until s <= event_step
    chord_min_n: int = 40  # chord corrector from n = chord_min_n unknowns (below, a Jacobian costs no more than a residual)
    monitor_fraction: float | None = 0.5  # test-function step limit (see the module docstring); None: off

    def __post_init__(self) -> None:
        for name in ("s0", "s_min", "s_max", "tol", "grow", "max_angle"):
            val = getattr(self, name)
            if not (math.isfinite(val) and val > 0):
                raise ValueError(f"{name}: must be a positive finite number, got {val!r}")
        if self.s_min > self.s_max:
            raise ValueError(f"s_min: must not exceed s_max = {self.s_max}, got {self.s_min}")
        if self.monitor_fraction is not None and not (0.0 < self.monitor_fraction <= 1.0):
            raise ValueError(f"monitor_fraction: must be in (0, 1] or None, got {self.monitor_fraction!r}")
        if self.max_newton < 1:
            raise ValueError(f"max_newton: must be at least 1, got {self.max_newton}")


@dataclass(frozen=True)
class Branch:
    """Accepted points of a continuation run, in order; ``status`` says why it stopped."""

    u: np.ndarray  # (k, n)
    lam: np.ndarray  # (k,)
    tangent: np.ndarray  # (k, n + 1), unit, oriented along the run
    residual: np.ndarray  # (k,) ‖F‖₂ at each accepted point
    monitor: np.ndarray  # (k, p) monitor values (column 0 is the test function)
    newton_iters: np.ndarray  # (k,)
    status: str
    rejected: int
    evaluations: int = 0  # Jacobian factorizations

    def sign_changes(self, col: int = 0) -> list[int]:
        """Indices i with ``monitor[i, col]`` and ``monitor[i+1, col]`` of strictly opposite sign (or
        ``monitor[i+1, col] == 0``)."""
        return sign_changes(self.monitor[:, col])

    def folds(self) -> list[int]:
        """Indices i where ``dλ/ds`` (the tangent's λ-component) changes sign between i and i+1."""
        return sign_changes(self.tangent[:, -1], zeros="open")


def _bordered(Fu: np.ndarray, Fl: Vec, t: Vec) -> np.ndarray:
    n = Fu.shape[0]
    B = np.empty((n + 1, n + 1))
    B[:n, :n] = Fu
    B[:n, n] = Fl
    B[n, :] = t
    return B


def tangent(system: System, u: Vec, lam: float, direction: Vec, Fu: np.ndarray | None = None) -> Vec:
    """Unit tangent of the solution curve at (u, λ), oriented so that ``t·direction > 0``
    (``Fu`` may be passed to reuse an evaluated Jacobian)."""
    n = u.size
    rhs = np.zeros(n + 1)
    rhs[n] = 1.0
    d = direction / np.linalg.norm(direction)
    Fu = system.jac_u(u, lam) if Fu is None else Fu
    t = np.linalg.solve(_bordered(Fu, system.jac_lam(u, lam), d), rhs)
    t /= np.linalg.norm(t)
    return t if t @ d > 0 else -t


@dataclass(frozen=True)
class _Chord:
    """The LU factorisation of ``B = [F_u F_λ; dᵀ]`` at an accepted point, ``z = B⁻¹e_{n+1}`` (the unnormalised
    tangent, ``dᵀz = 1``) and the unit tangent ``t = z/‖z‖``. ``B' = B + e_{n+1}(t − d)ᵀ`` (last row ``tᵀ``) is
    solved by Sherman–Morrison: ``B'⁻¹r = y − z·(t − d)ᵀy / (1 + (t − d)ᵀz)`` with ``y = B⁻¹r``, and
    ``1 + (t − d)ᵀz = ‖z‖ ≥ 1``."""

    lu: tuple | None  # None: not reusable (the tangent is still valid)
    z: Vec
    d: Vec
    t: Vec

    def solve(self, r: Vec) -> Vec:
        y = _lapack.lu_solve(self.lu, r)
        c = self.t - self.d
        return y - self.z * (float(c @ y) / (1.0 + float(c @ self.z)))


def _tangent_chord(system: System, u: Vec, lam: float, direction: Vec, Fu: np.ndarray) -> _Chord:
    """:func:`tangent` keeping the factorisation for the next step's chord corrector."""
    n = u.size
    d = direction / np.linalg.norm(direction)
    B = _bordered(Fu, system.jac_lam(u, lam), d)
    lu = _lapack.lu_factor(B)
    if not np.all(np.isfinite(lu[0])) or np.min(np.abs(np.diag(lu[0]))) == 0.0:
        raise np.linalg.LinAlgError("singular bordered matrix")
    rhs = np.zeros(n + 1)
    rhs[n] = 1.0
    z = _lapack.lu_solve(lu, rhs)
    nz = float(np.linalg.norm(z))
    if not np.isfinite(nz) or nz == 0.0:
        raise np.linalg.LinAlgError("singular bordered matrix")
    if not z @ d > 0:  # dᵀz = 1 in exact arithmetic: the factorisation is too inaccurate to reuse
        return _Chord(None, z, d, -z / nz)
    return _Chord(lu, z, d, z / nz)


def _bordered_newton(system: System, xp: Vec, t: Vec, opts: ContinuationOptions, max_iter: int,
                     step: Callable[[Vec, Vec], Vec]) -> tuple[Vec, float, int, bool]:
    """Newton-type iteration on ``[F(x); tᵀ(x − x̂)] = 0`` from x̂, ``delta = step(x, rhs)``. Fails on a
    non-finite residual or step, on a singular system (LinAlgError), and on poor contraction
    (``‖δ_{k+1}‖ > max_contraction·‖δ_k‖`` while ``‖δ‖`` is not yet negligible), the usual sign that the
    iterate is heading for another branch rather than converging to this one. Returns (x, ‖F‖, iterations,
    converged)."""
    n = xp.size - 1
    x = xp.copy()
    prev = math.inf
    scale = 1.0 + float(np.linalg.norm(xp))
    for it in range(max_iter + 1):
        F = system.residual(x[:n], x[n])
        res = float(np.linalg.norm(F))
        if not np.isfinite(res):
            return x, res, it, False
        if res <= opts.tol:
            return x, res, it, True
        if it == max_iter:
            break
        try:
            delta = step(x, np.append(F, t @ (x - xp)))
        except np.linalg.LinAlgError:
            return x, res, it, False
        size = float(np.linalg.norm(delta))
        if not np.isfinite(size) or (size > opts.max_contraction * prev and size > 1e-10 * scale):
            return x, res, it, False
        prev = size
        x = x - delta
    return x, res, max_iter, False


def _chord_corrector(system: System, xp: Vec, chord: _Chord, opts: ContinuationOptions, max_iter: int = 12) -> tuple[Vec, float, int, bool]:
    """Chord Newton with the fixed factorisation ``chord`` (t = chord.t): one Hessian per step, not per
    iteration; the same rules as :func:`_corrector`."""
    return _bordered_newton(system, xp, chord.t, opts, max_iter, lambda _x, rhs: chord.solve(rhs))


def correct_fixed_lambda(system: System, u: Vec, lam: float, tol: float = 1e-10, max_iter: int = 20, chord: bool = False) -> tuple[Vec, float, bool]:
    """Newton on ``F(·, λ) = 0`` at fixed λ; returns (u, ‖F‖, converged to ‖F‖₂ ≤ tol). ``chord`` keeps the
    factorised Jacobian while the residual falls at least fourfold per step and refactorises at the current
    iterate otherwise (for a good start: one Jacobian instead of one per step; the same solution)."""
    u = np.array(u, dtype=float)
    lu, last = None, math.inf
    for _ in range(max_iter + 1):
        F = system.residual(u, lam)
        res = float(np.linalg.norm(F))
        if res <= tol:
            return u, res, True
        if not chord:
            u = u - np.linalg.solve(system.jac_u(u, lam), F)
            continue
        if lu is None or res > 0.25 * last:
            lu = _lapack.lu_factor(system.jac_u(u, lam))
        last = res
        u = u - _lapack.lu_solve(lu, F)
    return u, res, False


def _corrector(system: System, xp: Vec, t: Vec, opts: ContinuationOptions) -> tuple[Vec, float, int, bool]:
    """Full Newton on ``[F(x); tᵀ(x − x̂)] = 0`` from x̂ (the bordered Jacobian at every iterate); the rules of
    :func:`_bordered_newton`."""
    n = xp.size - 1

    def step(x: Vec, rhs: Vec) -> Vec:
        return np.linalg.solve(_bordered(system.jac_u(x[:n], x[n]), system.jac_lam(x[:n], x[n]), t), rhs)

    return _bordered_newton(system, xp, t, opts, opts.max_newton, step)


def _monitor_limit(s: float, prev: float, cur: float, ds: float, opts: ContinuationOptions) -> float:
    """The next step after a step of length ``ds`` that moved the test function from ``prev`` to ``cur``: where
    it heads towards zero (same sign, |value| decreasing), at most ``monitor_fraction`` of the linearly
    predicted distance ``|cur|·ds/|cur − prev|`` to its zero, but not below ``event_step`` (or ``s_min``)."""
    if not (ds > 0 and prev * cur > 0 and abs(cur) < abs(prev)):
        return s
    floor = opts.event_step if opts.event_step is not None else opts.s_min
    return max(min(s, opts.monitor_fraction * abs(cur) * ds / abs(cur - prev)), min(floor, s))


def continue_branch(
    system: System,
    u0: Vec,
    lam0: float,
    direction: float = 1.0,
    options: ContinuationOptions | None = None,
    monitor: Monitor | None = None,
    progress: Callable[[str], None] | None = None,
) -> Branch:
    """Follow the solution curve through ``(u0, lam0)`` (which must satisfy ``‖F‖ ≤ tol``; it is first
    corrected at fixed λ) in the direction of increasing λ (``direction = +1``) or decreasing λ (−1).

    ``monitor(u, λ, F_u)`` returns a tuple of floats stored per point; column 0 is the test function
    whose sign changes :meth:`Branch.sign_changes` reports. Stops at ``lam_min``/``lam_max`` (the first point
    beyond is kept), after ``max_steps``, after ``stop_after_sign_change`` points past a sign change, or when
    the step falls below ``s_min`` (status says which).
    """
    opts = options or ContinuationOptions()
    u0 = np.asarray(u0, dtype=float).ravel()
    n = u0.size
    u, res, ok = correct_fixed_lambda(system, u0, lam0, opts.tol)
    if not ok:
        raise ValueError(f"u0: not a solution at lam0 = {lam0} (Newton left ‖F‖ = {res:.2e} > tol = {opts.tol:.0e})")
    hint = np.zeros(n + 1)
    hint[n] = 1.0 if direction >= 0 else -1.0
    Fu0 = system.jac_u(u, lam0)
    chord: _Chord | None
    try:
        chord = _tangent_chord(system, u, lam0, hint, Fu0)
        t = chord.t
    except np.linalg.LinAlgError:
        chord, t = None, tangent(system, u, lam0, hint, Fu0)
    x = np.append(u, lam0)
    mon = monitor(u, lam0, Fu0) if monitor else ()
    pts_x, pts_t, pts_r, pts_m, pts_it = [x], [t], [res], [tuple(mon)], [0]
    s, rejected, evals, status = min(opts.s0, opts.s_max), 0, 0, "max_steps"
    first_change: int | None = None
    while len(pts_x) <= opts.max_steps:
        if s < opts.s_min:
            status = f"step below s_min at λ = {x[n]:.6g}"
            break
        xp = x + s * t
        ok = False
        if chord is not None and chord.lu is not None and n >= opts.chord_min_n:
            xc, res, cit, ok = _chord_corrector(system, xp, chord, opts)
            it = 1 if cit <= 4 else 4  # a chord step counts as easy (for step growth) when it contracts fast
        if not ok:
            xc, res, it, ok = _corrector(system, xp, t, opts)
            evals += it
        if ok and np.linalg.norm(xc - xp) > opts.max_correction * s:
            ok = False
        if ok:
            Fu = system.jac_u(xc[:n], xc[n])
            evals += 1
            try:
                nchord = _tangent_chord(system, xc[:n], xc[n], t, Fu)
                tn = nchord.t
            except np.linalg.LinAlgError:
                ok = False
            else:
                if math.acos(min(1.0, max(-1.0, float(tn @ t)))) > opts.max_angle:
                    ok = False
        if not ok:
            rejected += 1
            s *= 0.5
            continue
        mon = monitor(xc[:n], xc[n], Fu) if monitor else ()
        if monitor and opts.event_step is not None and s > opts.event_step and pts_m[-1][0] * mon[0] <= 0 and pts_m[-1][0] != 0:
            s = max(0.5 * s, opts.event_step)  # bracket the sign change by a short step (event refinement)
            continue
        x, t, chord = xc, tn, nchord
        pts_x.append(x)
        pts_t.append(t)
        pts_r.append(res)
        pts_m.append(tuple(mon))
        pts_it.append(it)
        if monitor and first_change is None and len(pts_m) >= 2 and sign_changes([pts_m[-2][0], pts_m[-1][0]]):
            first_change = len(pts_m) - 1
        if progress and len(pts_x) % 50 == 0:
            progress(f"continuation: {len(pts_x)} points, λ = {x[n]:.4f}")
        if x[n] > opts.lam_max:
            status = "reached lam_max"
            break
        if x[n] < opts.lam_min:
            status = "reached lam_min"
            break
        if first_change is not None and opts.stop_after_sign_change is not None:
            if len(pts_x) - 1 - first_change >= opts.stop_after_sign_change:
                status = "stopped after sign change"
                break
        if it <= 3:
            s = min(s * opts.grow, opts.s_max)
        if monitor and opts.monitor_fraction is not None:
            s = _monitor_limit(s, pts_m[-2][0], pts_m[-1][0], float(np.linalg.norm(pts_x[-1] - pts_x[-2])), opts)
    X = np.array(pts_x)
    M = np.array(pts_m, dtype=float) if monitor else np.zeros((len(pts_x), 0))
    return Branch(X[:, :n], X[:, n], np.array(pts_t), np.array(pts_r), M, np.array(pts_it), status, rejected, evals)


def point_along(system: System, branch: Branch, k: int, sigma: float, tol: float = 1e-10) -> tuple[Vec, float, bool]:
    """The curve point whose projection on the tangent at point k is ``σ`` (corrector from
    ``x_k + σ t_k``); returns (x, ‖F‖, converged)."""
    n = branch.u.shape[1]
    x0 = np.append(branch.u[k], branch.lam[k])
    t = branch.tangent[k]
    opts = ContinuationOptions(tol=tol, max_newton=12, max_contraction=0.9)
    x, res, _, ok = _corrector(system, x0 + sigma * t, t, opts)
    return x, res, ok and x.size == n + 1


def refine_monitor_minimum(system: System, branch: Branch, k: int, monitor: Monitor, xtol: float = 1e-4) -> tuple[float, float]:
    """Refine a sampled interior local minimum ``k`` of monitor column 0 by bounded Brent minimisation over
    the curve between points k−1 and k+1 (parametrised by the projection on the tangent at k−1, relative
    tolerance ``xtol`` of that interval). Returns (minimum value, λ there); the sampled value if a corrector
    fails."""
    from crosscheck.numerics.minimize1d import brent_bounded

    if not 0 < k < len(branch.lam) - 1:
        raise ValueError(f"k: must index an interior point, got {k}")
    n = branch.u.shape[1]
    a = np.append(branch.u[k - 1], branch.lam[k - 1])
    b = np.append(branch.u[k + 1], branch.lam[k + 1])
    span = float((b - a) @ branch.tangent[k - 1])
    best = (float(branch.monitor[k, 0]), float(branch.lam[k]))
    if span <= 0:
        return best
    cache: dict[float, tuple[float, float]] = {}

    def f(sig: float) -> float:
        x, _, ok = point_along(system, branch, k - 1, sig)
        if not ok:
            return math.inf
        val = float(monitor(x[:n], x[n], system.jac_u(x[:n], x[n]))[0])
        cache[sig] = (val, float(x[n]))
        return val

    r = brent_bounded(f, 0.0, span, xatol=xtol * span)
    got = cache.get(r.x)
    if got is not None and got[0] < best[0]:
        best = got
    return best
