"""Start-up cost of the command line: what a user waits for before any check runs.

Each command runs in a fresh process, ``--repeats`` times; the median wall time is printed:

* ``python -c pass`` — the interpreter alone (the floor no change of ours can go below);
* ``crosscheck --version``;
* ``crosscheck check hypothesis-alpha-positive-needed`` — a check that computes almost nothing, so its wall
  time is the fixed overhead of ``crosscheck check`` (imports, ledger, registry, the result text); the
  check's own reported seconds are subtracted.

Then, in one more process, which heavy modules ``crosscheck check`` imported (matplotlib, scikit-learn,
jinja2, the report, scipy.optimize/special/stats/sparse) and the ten slowest imports by
``python -X importtime``. Target (not asserted): ``--version`` and the fixed overhead ≤ 0.3 s.

Usage: python benchmarks/bench_startup.py [--repeats 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRIVIAL = "hypothesis-alpha-positive-needed"
HEAVY = ("matplotlib", "sklearn", "jinja2", "crosscheck.report.html", "crosscheck.report.plots", "scipy.optimize", "scipy.special",
         "scipy.stats", "scipy.sparse", "markdown_it")


def _wall(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - t0, proc.stdout


def _median(cmd: list[str], repeats: int) -> tuple[float, list[str]]:
    runs = [_wall(cmd) for _ in range(repeats)]
    return statistics.median(t for t, _ in runs), [o for _, o in runs]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--json", default=None)
    args = ap.parse_args(argv)
    py = sys.executable
    claims = str(ROOT / "claims.toml")
    floor, _ = _median([py, "-c", "pass"], args.repeats)
    version, _ = _median([py, "-m", "crosscheck", "--version"], args.repeats)
    check_wall, outs = _median([py, "-m", "crosscheck", "check", TRIVIAL, "--quiet", "--claims", claims], args.repeats)
    secs = [float(m.group(1)) for o in outs for m in [re.search(r", ([0-9.]+) s, seed", o)] if m]
    check_own = statistics.median(secs) if secs else 0.0
    overhead = check_wall - check_own
    probe = ("import sys, io, contextlib; from crosscheck.cli import main\n"
             f"with contextlib.redirect_stdout(io.StringIO()): main(['check', {TRIVIAL!r}, '--quiet', '--claims', {claims!r}])\n"
             f"print(' '.join(sorted(h for h in {HEAVY!r} if h in sys.modules)))")
    heavy = subprocess.run([py, "-c", probe], cwd=ROOT, capture_output=True, text=True).stdout.split()
    imp = subprocess.run([py, "-X", "importtime", "-m", "crosscheck", "check", TRIVIAL, "--quiet", "--claims", claims],
                         cwd=ROOT, capture_output=True, text=True).stderr
    rows = []
    for line in imp.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if m and len(m.group(3)) <= 1:  # top-level imports only (cumulative times of nested ones are included)
            rows.append((int(m.group(2)) / 1e6, m.group(4)))
    rows.sort(reverse=True)
    print(f"median of {args.repeats} fresh processes:")
    print("| command | seconds |")
    print("|:---|---:|")
    print(f"| `python -c pass` (interpreter floor) | {floor:.3f} |")
    print(f"| `crosscheck --version` | {version:.3f} |")
    print(f"| `crosscheck check {TRIVIAL}` | {check_wall:.3f} |")
    print(f"| fixed overhead of `crosscheck check` (wall − the check's own {check_own:.3f} s) | {overhead:.3f} |")
    print(f"\nheavy modules imported by `crosscheck check`: {', '.join(heavy) or 'none'}")
    print("slowest top-level imports (cumulative, one run):")
    for sec, name in rows[:10]:
        print(f"  {sec:6.3f} s  {name}")
    ok = version <= 0.3 and overhead <= 0.3
    print(f"\ntarget ≤ 0.3 s for --version and the fixed overhead: {'met' if ok else 'NOT met'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"python_floor": floor, "version": version, "check_wall": check_wall, "check_overhead": overhead,
                                               "heavy_imported": heavy, "slowest_imports": rows[:10]}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
