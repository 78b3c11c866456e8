"""The paper's branch-tracing method against ours on the width sweep, in one run, width by width.

Not the baseline to quote: this replay uses Δλ = 1/400 at every width, finer (and slower) than the paper's
published procedure; ``bench_width_sweep.py`` replays that procedure faithfully and times the whole
``crosscheck check width-scaling`` against it.

* **Baseline (the paper's method)**: λ from 0 to 1 in steps of Δλ = 1/400; at each λ, scipy L-BFGS-B
  warm-started from the previous minimiser (analytic gradient, scipy's default tolerances); then a
  finite-difference Hessian (central differences of the analytic gradient, step 1e-5, symmetrised) and its
  smallest eigenvalue; λ* = the first grid point where it is negative, linearly interpolated.
* **Ours**: pseudo-arclength continuation with Newton correction to ‖∇L‖ ≤ 1e-10 at every accepted point,
  exact Hessians, partial eigensolver for λ₁, and the extended system at the first sign change of λ₁
  (:func:`crosscheck.numerics.branch.trace_homotopy`, :func:`~crosscheck.numerics.branch.locate_degeneracy`).

Printed per width: seconds of each and their ratio (target: ours ≥ 5× faster in total), the gradient norms at
the points each method accepts (target: ours ≤ 1e-10 everywhere), and λ* from each. Both run on one BLAS
thread (see crosscheck/numerics/_blas.py).

Usage: python benchmarks/bench_continuation.py [--quick | --all-widths]
  default   widths 3, 5, 8, 10, 15, 20, 30   (a few minutes; the baseline's FD Hessian costs 2md gradients
            per grid point, about 25 min at m = 100)
  --quick   widths 3, 5, 10
  --all-widths  the paper's whole sweep up to m = 100 (long)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crosscheck.numerics import homotopy as hm  # noqa: E402
from crosscheck.numerics._blas import single_blas_thread  # noqa: E402
from crosscheck.numerics.branch import first_sign_change, locate_degeneracy, trace_homotopy  # noqa: E402
from crosscheck.numerics.continuation import ContinuationOptions  # noqa: E402
from crosscheck.numerics.paper_data import PAPER_ALPHA, WIDTHS, paper_homotopy  # noqa: E402


def fd_hessian_from_gradient(grad, w: np.ndarray, h: float = 1e-5) -> np.ndarray:
    """Central differences of the gradient, column by column (2n gradient evaluations), symmetrised."""
    n = w.size
    H = np.empty((n, n))
    for i in range(n):
        e = np.zeros(n)
        e[i] = h
        H[:, i] = (grad(w + e) - grad(w - e)) / (2 * h)
    return 0.5 * (H + H.T)


def baseline(m: int, alpha: float, steps: int = 400) -> dict:
    """The paper's method on width m: warm-started L-BFGS-B in λ, FD Hessian at every grid point."""
    hp = paper_homotopy(m, alpha)
    w = hm.linear_minimum(hp)
    lams = np.linspace(0.0, 1.0, steps + 1)
    lam1, gnorm = [], []
    for lam in lams:
        r = minimize(lambda x: (hm.loss(hp, x, lam), hm.grad(hp, x, lam)), w, jac=True, method="L-BFGS-B")
        w = r.x
        gnorm.append(float(np.linalg.norm(hm.grad(hp, w, lam))))
        H = fd_hessian_from_gradient(lambda x: hm.grad(hp, x, lam), w)
        lam1.append(float(np.linalg.eigvalsh(H)[0]))
    lam1 = np.array(lam1)
    neg = np.nonzero(lam1 < 0)[0]
    star = None
    if neg.size:
        k = int(neg[0])
        star = float(lams[k - 1] + (lams[k] - lams[k - 1]) * lam1[k - 1] / (lam1[k - 1] - lam1[k]))
    return {"grad_norms": np.array(gnorm), "lambda_star": star, "points": len(lams)}


def ours(m: int, alpha: float) -> dict:
    hp = paper_homotopy(m, alpha)
    br = trace_homotopy(hp, 1.0, ContinuationOptions(s_max=0.05), stop_after_sign_change=20)
    i = first_sign_change(br, 0.0)
    star, res = None, [float(x) for x in br.residual]
    if i is not None:
        dg = locate_degeneracy(hp, br, i, certify=False)
        res.append(dg.point.residual_F)
        if dg.point.converged and 0 < dg.point.lam <= 1:
            star = float(dg.point.lam)
    return {"grad_norms": np.array(res), "lambda_star": star, "points": len(br.lam)}


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true", help="widths 3, 5, 10")
    g.add_argument("--all-widths", action="store_true", help="the whole sweep up to m = 100 (long)")
    ap.add_argument("--alpha", type=float, default=PAPER_ALPHA)
    args = ap.parse_args()
    widths = [3, 5, 10] if args.quick else (list(WIDTHS) if args.all_widths else [3, 5, 8, 10, 15, 20, 30])
    print(f"α = {args.alpha}; baseline: L-BFGS-B warm starts, Δλ = 1/400, FD Hessians; ours: pseudo-arclength + Newton")
    print("| m | baseline (s) | ours (s) | ratio | baseline ‖∇L‖ median / max | ours ‖∇L‖ max | λ* baseline | λ* ours |")
    print("|---|---|---|---|---|---|---|---|")
    tb = to = 0.0
    worst_ours = 0.0
    with single_blas_thread():
        for m in widths:
            b, sb = _timed(baseline, m, args.alpha)
            o, so = _timed(ours, m, args.alpha)
            tb, to = tb + sb, to + so
            worst_ours = max(worst_ours, float(o["grad_norms"].max()))
            fmt = lambda x: "none" if x is None else f"{x:.4f}"  # noqa: E731
            print(
                f"| {m} | {sb:.2f} | {so:.2f} | {sb / so:.1f} | {np.median(b['grad_norms']):.1e} / {b['grad_norms'].max():.1e} "
                f"| {o['grad_norms'].max():.1e} | {fmt(b['lambda_star'])} | {fmt(o['lambda_star'])} |",
                flush=True,
            )
    ratio = tb / to
    print(f"\ntotal: baseline {tb:.1f} s, ours {to:.1f} s, ratio {ratio:.1f}× (target ≥ 5×: {'met' if ratio >= 5 else 'NOT met'})")
    print(f"ours: max ‖∇L‖ over all accepted points {worst_ours:.1e} (target ≤ 1e-10: {'met' if worst_ours <= 1e-10 else 'NOT met'})")
    return 0 if ratio >= 5 and worst_ours <= 1e-10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
