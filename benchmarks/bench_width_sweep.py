"""The width sweep end to end against a faithful replay of the paper's published procedure, in one run.

* **Baseline (the paper's width-scaling procedure)**, per width m ∈ {3, 5, 8, 10, 15, 20, 30, 50, 75, 100}
  (d = 5, N = 500, α = 4e-3, v_j = 0.5 + j/(m−1)):

  1. L-BFGS-B with the analytic gradient from a small random start at λ = 0 (gtol 1e-14, maxiter 8000);
  2. two forward-difference Hessians of the analytic gradient (step 1e-5) at λ = 0 and λ = 1e-4, at that
     point, for λ₁'(0) ≈ (λ₁(1e-4) − λ₁(0)) / 1e-4;
  3. warm-started L-BFGS-B (gtol 1e-13, maxiter 2000) at n_λ = min(201, max(101, ⌊401 / max(1, ⌊m/5⌋)⌋))
     evenly spaced λ in [0, 1], and at each λ the smallest Hessian eigenvalue — for md ≤ 200 from a
     symmetrised forward-difference Hessian (step 1e-5) and a full ``eigh``, otherwise
     ``eigsh(k=3, which='SA', tol=1e-6)`` on central-difference Hessian-vector products (step 1e-5).

  Timed in this process (imports excluded, which favours the baseline), one BLAS thread.
* **Ours**: ``crosscheck check width-scaling`` as a subprocess with its defaults (one worker process per
  core for the widths), timed from process start to exit (imports, ledger, the paper-method diagnostic at
  m = 3 and the report text included); the median of three fresh runs, which must give the same results.
  Its ``--json`` output gives the largest ‖∇L‖ over every reported branch point (target ≤ 1e-10).

Printed: both times, their ratio (target ≥ 30×; a ratio of times measured in the same run, never asserted
in tests) and the gradient norms. ``--json PATH`` writes the figures for ``run_all.py``.

Usage: python benchmarks/bench_width_sweep.py [--widths 3,5,10] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FD_STEP = 1e-5


def n_lambda(m: int) -> int:
    """The paper's number of λ grid points at width m."""
    return min(201, max(101, 401 // max(1, m // 5)))


def baseline_width(m: int, alpha: float) -> dict:
    """The paper's procedure at width m (see the module docstring)."""
    from scipy.optimize import minimize
    from scipy.sparse.linalg import LinearOperator, eigsh

    from crosscheck.numerics import homotopy as hm
    from crosscheck.numerics.paper_data import paper_homotopy

    hp = paper_homotopy(m, alpha)
    n = hp.n

    def fg(lam):
        return lambda x: (hm.loss(hp, x, lam), hm.grad(hp, x, lam))

    def fd_hessian(w, lam):  # forward differences of the analytic gradient, symmetrised
        g0 = hm.grad(hp, w, lam)
        H = np.empty((n, n))
        for i in range(n):
            e = np.zeros(n)
            e[i] = FD_STEP
            H[:, i] = (hm.grad(hp, w + e, lam) - g0) / FD_STEP
        return 0.5 * (H + H.T)

    def lambda1(w, lam):
        if n <= 200:
            return float(np.linalg.eigh(fd_hessian(w, lam))[0][0])
        hv = lambda v: (hm.grad(hp, w + FD_STEP * v, lam) - hm.grad(hp, w - FD_STEP * v, lam)) / (2 * FD_STEP)  # noqa: E731
        op = LinearOperator((n, n), matvec=lambda v: hv(np.ravel(v)), dtype=float)
        return float(eigsh(op, k=3, which="SA", tol=1e-6, return_eigenvectors=False).min())

    rng = np.random.default_rng(m)
    w = 0.01 * rng.standard_normal(n)
    w = minimize(fg(0.0), w, jac=True, method="L-BFGS-B", options={"gtol": 1e-14, "maxiter": 8000}).x
    prime = (np.linalg.eigh(fd_hessian(w, 1e-4))[0][0] - np.linalg.eigh(fd_hessian(w, 0.0))[0][0]) / 1e-4
    lams = np.linspace(0.0, 1.0, n_lambda(m))
    lam1, gnorm = [], []
    for lam in lams:
        w = minimize(fg(lam), w, jac=True, method="L-BFGS-B", options={"gtol": 1e-13, "maxiter": 2000}).x
        gnorm.append(float(np.linalg.norm(hm.grad(hp, w, lam))))
        lam1.append(lambda1(w, lam))
    lam1a = np.array(lam1)
    neg = np.nonzero(lam1a < 0)[0]
    star = None
    if neg.size and neg[0] > 0:
        k = int(neg[0])
        star = float(lams[k - 1] + (lams[k] - lams[k - 1]) * lam1a[k - 1] / (lam1a[k - 1] - lam1a[k]))
    return {"m": m, "points": int(lams.size), "lambda1_prime": float(prime), "lambda_star": star,
            "grad_max": float(max(gnorm)), "grad_median": float(np.median(gnorm))}


def baseline(widths: list[int], alpha: float) -> tuple[float, list[dict]]:
    from crosscheck.numerics._blas import single_blas_thread

    rows = []
    t0 = time.perf_counter()
    with single_blas_thread():
        for m in widths:
            t = time.perf_counter()
            r = baseline_width(m, alpha)
            r["seconds"] = time.perf_counter() - t
            rows.append(r)
            print(f"  baseline m = {m:>3}: {r['seconds']:6.2f} s, {r['points']} λ points, max ‖∇L‖ {r['grad_max']:.1e}", flush=True)
    return time.perf_counter() - t0, rows


def ours(widths: list[int] | None, repeats: int = 3) -> tuple[float, dict, list[float]]:
    """``crosscheck check width-scaling --json`` in ``repeats`` fresh processes (default jobs: one per core);
    (median wall seconds, parsed output of the last run, every wall time). The outputs must agree apart from
    timings (seeded, and independent of the number of workers)."""
    cmd = [sys.executable, "-m", "crosscheck", "check", "width-scaling", "--json", "--claims", str(ROOT / "claims.toml")]
    if widths is not None:
        cmd += ["--set", f"widths={json.dumps(widths)}"]
    walls, outs = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        walls.append(time.perf_counter() - t0)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"crosscheck check width-scaling failed (exit {proc.returncode}):\n{proc.stderr}")
        outs.append(json.loads(proc.stdout))
    same = {json.dumps(_untimed(o), sort_keys=True) for o in outs}
    if len(same) != 1:
        raise SystemExit("crosscheck check width-scaling gave different results in repeated runs")
    return statistics.median(walls), outs[-1], walls


def _untimed(data: dict) -> dict:
    out = {k: v for k, v in data.items() if k != "seconds"}
    out["measured"] = {k: v for k, v in data.get("measured", {}).items() if k != "seconds_by_m"}
    return out


def main(argv: list[str] | None = None) -> int:
    from crosscheck.numerics.paper_data import PAPER_ALPHA, WIDTHS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--widths", default=None, help="comma-separated widths (default: the paper's ten)")
    ap.add_argument("--json", default=None, help="write the figures to this file")
    args = ap.parse_args(argv)
    widths = [int(x) for x in args.widths.split(",")] if args.widths else list(WIDTHS)
    print(f"width sweep, widths {widths}, α = {PAPER_ALPHA}", flush=True)
    ours_s, data, walls = ours(None if args.widths is None else widths)  # ours first: the baseline cannot warm its caches
    tb, rows = baseline(widths, PAPER_ALPHA)
    meas = data.get("measured", {})
    grad = float(meas.get("max_grad_norm", float("nan")))
    ratio = tb / ours_s
    print("\n| m | baseline (s) | λ points | baseline max ‖∇L‖ | baseline λ* | ours λ* |")
    print("|---:|---:|---:|---:|---:|---:|")
    stars = meas.get("lambda_star_by_m", {})
    for r in rows:
        b = "none" if r["lambda_star"] is None else f"{r['lambda_star']:.4f}"
        o = stars.get(str(r["m"]))
        print(f"| {r['m']} | {r['seconds']:.2f} | {r['points']} | {r['grad_max']:.1e} | {b} | {'none' if o is None else f'{o:.4f}'} |")
    ok_ratio, ok_grad = ratio >= 30, grad <= 1e-10
    print(f"\nbaseline {tb:.2f} s; `crosscheck check width-scaling` {ours_s:.2f} s (process start to exit, median of "
          f"{', '.join(f'{w:.2f}' for w in walls)}); "
          f"ratio {ratio:.1f}× (target ≥ 30×: {'met' if ok_ratio else 'NOT met'})")
    print(f"ours: max ‖∇L‖ over reported branch points {grad:.1e} (target ≤ 1e-10: {'met' if ok_grad else 'NOT met'})")
    if args.json:
        Path(args.json).write_text(json.dumps({"baseline_seconds": tb, "ours_seconds": ours_s, "ratio": ratio, "max_grad_norm": grad,
                                               "baseline_rows": rows, "widths": widths}, indent=1))
    return 0 if ok_grad else 1


if __name__ == "__main__":
    raise SystemExit(main())
