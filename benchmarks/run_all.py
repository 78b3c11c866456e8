"""``make bench``: say how long it will take, run every benchmark once, print the ratios, write RESULTS.md.

Each benchmark runs in its own process, one after the other (never in parallel: they time each other's
baselines in the same run). Every ratio is of two times measured in this run on this machine, so the
table is only as quiet as the machine was: regenerate it on an idle machine before quoting it.

    python benchmarks/run_all.py [--out benchmarks/RESULTS.md] [--only startup,width_sweep,...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (name, script, arguments, estimated seconds on a quiet 2-core machine)
BENCHMARKS = (
    ("startup", "bench_startup.py", [], 15),
    ("width_sweep", "bench_width_sweep.py", [], 40),
    ("verify", "bench_verify.py", [], 50),
    ("matrix_free", "bench_matrix_free.py", ["--speed", "--sizes", "100000,1000000"], 60),
    ("matrix_free_dense", "bench_matrix_free.py", ["--sizes", "100,1000,4000,100000,1000000", "--limit", "20"], 90),
    ("continuation", "bench_continuation.py", ["--quick"], 60),
    ("kronecker", "bench_kronecker.py", ["--quick", "--no-verify"], 20),
)
TAKES_JSON = {"startup", "width_sweep", "verify"}


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "unknown"
    return f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}; load average at start {load}"


def _speed_rows(text: str) -> dict[tuple[str, str], float]:
    """(md, variant) → seconds from the table of ``bench_matrix_free.py --speed``."""
    out = {}
    for ln in text.splitlines():
        cells = [c.strip() for c in ln.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[1] in ("baseline", "block", "block+cholqr"):
            try:
                out[(cells[0], cells[1])] = float(cells[2])
            except ValueError:
                pass
    return out


def _summary(name: str, data: dict | None, text: str) -> list[str]:
    """Headline rows (what, figure, target) of one benchmark."""
    if name == "matrix_free":
        r = _speed_rows(text)
        big, mid = r.get(("1,000,000", "block+cholqr")), r.get(("100,000", "block+cholqr"))
        if big is None:
            return []
        row = f"| matrix-free | md = 10⁶ (d = 100, N = 400) certified in {big:.2f} s"
        if ("1,000,000", "block") in r:
            row += f" ({r[('1,000,000', 'block')] / big:.1f}× the block/Householder variant)"
        if mid is not None and ("100,000", "baseline") in r:
            row += f"; md = 10⁵: **{r[('100,000', 'baseline')] / mid:.1f}×** the per-vector baseline"
        return [row + " | ≤ 5 s at md = 10⁶ |"]
    if data is None:
        return []
    if name == "startup":
        return [f"| start-up | `crosscheck --version` {data['version']:.2f} s; fixed overhead of `crosscheck check` {data['check_overhead']:.2f} s "
                f"(interpreter alone {data['python_floor']:.2f} s) | ≤ 0.3 s each |"]
    if name == "width_sweep":
        return [f"| width sweep | `crosscheck check width-scaling` {data['ours_seconds']:.2f} s end to end vs the paper's procedure "
                f"{data['baseline_seconds']:.1f} s: **{data['ratio']:.1f}×**; max ‖∇L‖ {data['max_grad_norm']:.1e} | ≥ 30×, ‖∇L‖ ≤ 1e-10 |"]
    if name == "verify":
        return [f"| verify | numerics stage {data['numerics_jobs']:.1f} s with --jobs {data['jobs']} for all {data.get('claims', '?')} claims "
                f"({data['numerics_1']:.1f} s with --jobs 1: {data['numerics_1'] / data['numerics_jobs']:.2f}×; whole process {data['wall_jobs']:.1f} s); "
                f"{data['numerics_first17']:.1f} s for the 17 claims the target was set on; same results: {'yes' if data['same_results'] else 'NO'} | ≤ 10 s |"]
    return []


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=str(HERE / "RESULTS.md"))
    ap.add_argument("--only", default=None, help="comma-separated benchmark names")
    args = ap.parse_args(argv)
    chosen = [b for b in BENCHMARKS if args.only is None or b[0] in args.only.split(",")]
    total = sum(b[3] for b in chosen)
    print(f"make bench: {len(chosen)} benchmarks, about {total // 60} min {total % 60} s on a quiet 2-core machine "
          f"(longer on a busy one): {', '.join(b[0] for b in chosen)}", flush=True)
    started = dt.datetime.now(dt.timezone.utc)
    machine = _machine()
    sections, headline, failed = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, script, extra, est in chosen:
            cmd = [sys.executable, str(HERE / script), *extra]
            js = Path(tmp) / f"{name}.json"
            if name in TAKES_JSON:
                cmd += ["--json", str(js)]
            print(f"\n===== {name} ({script} {' '.join(extra)}; about {est} s) =====", flush=True)
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            sec = time.perf_counter() - t0
            sys.stdout.write(proc.stdout)
            if proc.returncode:
                failed += 1
                sys.stderr.write(proc.stderr[-4000:])
            data = json.loads(js.read_text()) if js.exists() else None
            headline += _summary(name, data, proc.stdout)
            keep = [ln for ln in proc.stdout.splitlines() if ln.startswith("|") or any(w in ln for w in ("ratio", "target", "total", "ours:"))]
            sections.append(f"### {name}\n\n`python benchmarks/{script} {' '.join(extra)}` — {sec:.0f} s, exit {proc.returncode}\n\n" + "\n".join(keep) + "\n")
    date = started.strftime("%Y-%m-%d %H:%M UTC")
    md = [f"# Benchmarks ({date})", "", f"Machine: {machine}.", "",
          "Every ratio compares two times measured in the same run (`make bench`); figures from a busy machine are noisy. "
          "Regenerate with `make bench` on a quiet machine before quoting.", ""]
    if headline:
        md += ["| benchmark | result | target |", "|:---|:---|:---|", *headline, ""]
    md += sections
    Path(args.out).write_text("\n".join(md), encoding="utf-8")
    print(f"\nmake bench: done in {(dt.datetime.now(dt.timezone.utc) - started).total_seconds():.0f} s; wrote {args.out}")
    if headline:
        print("\n".join(headline))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
