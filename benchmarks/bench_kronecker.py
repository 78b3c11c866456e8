"""Dense ``eigh`` on the explicit md×md matrix (vvᵀ)⊗Σ + αI against the methods the checks use, in one run.

The checks decide rank and α-multiplicity from eigenvalues only (``eigvalsh``) on the explicit matrix for
the grid (md ≤ 96), and matrix-free from Hessian-vector products for large md (see bench_matrix_free.py).
Printed: median seconds of each method over repeats, and the ratio eigh / method (> 1 means faster than
dense eigh). Also times the numerics stage of ``crosscheck verify`` (target: under 30 s).

Usage: python benchmarks/bench_kronecker.py [--quick] [--no-verify]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crosscheck.checks.cases import make_v, spd  # noqa: E402
from crosscheck.numerics import kronecker_hessian  # noqa: E402


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="smaller sizes")
    ap.add_argument("--no-verify", action="store_true", help="skip timing `crosscheck verify`")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    sizes = [(4, 4), (8, 8), (12, 8), (16, 16), (32, 16), (32, 32)] + ([] if args.quick else [(64, 32), (64, 48)])
    print("| m | d | md | eigh (s) | eigvalsh (s) | eigh/eigvalsh | ranks agree |")
    print("|---|---|---|---|---|---|---|")
    for m, d in sizes:
        H = kronecker_hessian(make_v(m, "distinct", rng), spd(d, 1e3, rng)) + 1e-2 * np.eye(m * d)
        reps = 5 if m * d <= 1024 else 2
        t_eigh = _median_time(lambda: np.linalg.eigh(H), reps)
        t_vals = _median_time(lambda: np.linalg.eigvalsh(H), reps)
        lam_a, lam_b = np.linalg.eigh(H)[0], np.linalg.eigvalsh(H)
        tol = 10 * m * d * np.finfo(float).eps * abs(lam_b).max()
        agree = int((abs(lam_a - 1e-2) <= tol).sum()) == int((abs(lam_b - 1e-2) <= tol).sum()) == (m - 1) * d
        print(f"| {m} | {d} | {m * d} | {t_eigh:.4f} | {t_vals:.4f} | {t_eigh / t_vals:.2f} | {agree} |")
    if not args.no_verify:
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "crosscheck", "verify", "--quiet", "--lean", "skip", "--out", tmp, "--claims", str(ROOT / "claims.toml"), "--lean-dir", str(ROOT / "lean")],
                cwd=ROOT,
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - t0
            data = json.loads((Path(tmp) / "results.json").read_text())
        sec = data["seconds"]
        print(f"\ncrosscheck verify (exit {proc.returncode}): numerics stage {sec['numerics']:.1f} s (target < 30 s), whole process {wall:.1f} s")
        per = sorted(((r["seconds"], r["check_id"]) for c in data["claims"] for r in c["checks"] + c["controls"]), reverse=True)
        for s, cid in per[:8]:
            print(f"  {cid:<40} {s:6.2f} s")


if __name__ == "__main__":
    main()
