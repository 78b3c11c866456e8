"""The numerics stage of ``crosscheck verify`` (the part of ``make verify`` after the Lean stage).

Runs ``crosscheck verify --lean skip`` on the bundled ledger in fresh processes, once with ``--jobs 1`` and
once with ``--jobs N`` (default: the number of cores), and prints the numerics stage's seconds (from
results.json), their ratio (timed in the same run), whether the two runs gave the same verdicts and the
same results apart from timings, and the slowest check runs. Target (not asserted): numerics stage
≤ 10 s with the default jobs on a quiet 2-core machine.

Usage: python benchmarks/bench_verify.py [--jobs N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
def _strip(x):
    """The data without what may differ between two runs with the same seed: timings and dates (the
    report's own rule, :func:`crosscheck.report.serialize.stable_view`), the environment and the options
    (which name the number of workers)."""
    from crosscheck.report.serialize import stable_view

    data = stable_view(x)
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k not in ("environment", "options")}
    return data


#: the 17 claims of the ledger when the ≤ 10 s target was set (the ledger has grown since; both are timed)
FIRST_17 = ("prop-7.4", "thm-7.6i", "hessian-is-kronecker", "paper-alpha-floor", "paper-eigenvalue-derivative",
            "paper-eigenvalue-derivative-formula22", "paper-bifurcation-point", "paper-degeneracy-type", "paper-width-scaling",
            "paper-reduced-coefficients", "paper-alpha-0.01-line", "paper-symmetric-toy", "leaky-a", "leaky-b", "leaky-c",
            "leaky-d", "leaky-e")


def run(jobs: int, out: Path, only: tuple[str, ...] = ()) -> tuple[float, dict]:
    cmd = [sys.executable, "-m", "crosscheck", "verify", "--quiet", "--lean", "skip", "--out", str(out), "--jobs", str(jobs),
           "--claims", str(ROOT / "claims.toml"), "--lean-dir", str(ROOT / "lean")]
    if only:
        cmd += ["--only", *only]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        raise SystemExit(f"verify failed (exit {proc.returncode}):\n{proc.stderr}")
    return wall, json.loads((out / "results.json").read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wall_n, many = run(args.jobs, Path(tmp) / "many")
        wall_1, one = run(1, Path(tmp) / "one")
        wall_17, first = run(args.jobs, Path(tmp) / "first17", FIRST_17)
    num_17 = first["seconds"]["numerics"]
    num_n, num_1 = many["seconds"]["numerics"], one["seconds"]["numerics"]
    same_verdicts = [c["verdict"] for c in one["claims"]] == [c["verdict"] for c in many["claims"]]
    same = _strip(one) == _strip(many)
    per: dict[str, float] = {}
    for c in many["claims"]:
        for r in c["checks"] + c["controls"]:
            per[r.get("run_key", r["check_id"])] = r["seconds"], r["check_id"]  # type: ignore[assignment]
    runs = sorted(per.values(), reverse=True)  # type: ignore[arg-type]
    print("| run | numerics stage (s) | whole process (s) |")
    print("|:---|---:|---:|")
    print(f"| --jobs 1 | {num_1:.1f} | {wall_1:.1f} |")
    print(f"| --jobs {args.jobs} | {num_n:.1f} | {wall_n:.1f} |")
    print(f"\nratio jobs 1 / jobs {args.jobs}: {num_1 / num_n:.2f}×; same verdicts: {same_verdicts}; same results apart from timings: {same}")
    print(f"| --jobs {args.jobs}, the {len(FIRST_17)} claims of the ledger the target was set on | {num_17:.1f} | {wall_17:.1f} |")
    print(f"numerics stage with --jobs {args.jobs}: {num_n:.1f} s for all {len(many['claims'])} claims, {num_17:.1f} s for the first "
          f"{len(FIRST_17)} (target ≤ 10 s on a quiet 2-core machine: {'met' if num_n <= 10 else 'NOT met'} for all claims, "
          f"{'met' if num_17 <= 10 else 'NOT met'} for the first {len(FIRST_17)})")
    print(f"check runs: {len(runs)}, their seconds summed {sum(s for s, _ in runs):.1f} s; slowest:")
    for s, cid in runs[:8]:
        print(f"  {cid:<40} {s:6.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps({"jobs": args.jobs, "numerics_jobs": num_n, "numerics_1": num_1, "wall_jobs": wall_n, "wall_1": wall_1,
                                               "claims": len(many["claims"]), "numerics_first17": num_17, "wall_first17": wall_17,
                                               "same_verdicts": same_verdicts, "same_results": same, "slowest": runs[:8]}, indent=1))
    return 0 if same_verdicts and same else 1


if __name__ == "__main__":
    raise SystemExit(main())
