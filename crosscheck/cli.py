"""Command line: ``crosscheck verify | list | check | report | doctor | lean | blueprint | diff``.

Exit codes: 0 success (no claim contradicted or failed); 1 a claim contradicted, Lean failed, a check
errored, or ``--lean=require`` and Lean did not run; 2 bad input (ledger, arguments, parameters).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class _Progress:
    """Progress lines on stderr with elapsed time; silent when quiet."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def __call__(self, msg: str) -> None:
        if not self.quiet:
            print(f"[{time.perf_counter() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)


def _positive_seconds(text: str) -> float:
    try:
        x = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not (x > 0 and x < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return x


def _memory(text: str) -> float:
    """``12G``, ``500M``, ``2048K`` or plain bytes."""
    t = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(t[-1:], 1)
    try:
        x = float(t[:-1] if scale != 1 else t) * scale
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a size such as 8G or 500M, got {text!r}") from None
    if not (x > 0 and x < float("inf")):
        raise argparse.ArgumentTypeError(f"must be a positive size, got {text!r}")
    return x


def _int_at_least(minimum: int, expected: str, bound: str) -> Callable[[str], int]:
    """An argparse type: an integer ≥ ``minimum``; ``expected``/``bound`` word the two errors."""

    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {expected}, got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text!r}")
        return n

    return parse


_jobs = _int_at_least(1, "a number of worker processes", "at least 1")
_seed = _int_at_least(0, "a non-negative integer", "≥ 0 (numpy seeds are non-negative)")


def _parser() -> argparse.ArgumentParser:
    from crosscheck import __version__

    p = argparse.ArgumentParser(prog="crosscheck", description="Check a paper's claims: Lean proof, independent numerics, report.")
    p.add_argument("--version", action="version", version=f"crosscheck {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="run every claim's witnesses and write the report")
    v.add_argument("--claims", default="claims.toml", help="the claim ledger (default: claims.toml)")
    v.add_argument("--lean", choices=("auto", "require", "skip"), default=os.environ.get("CROSSCHECK_LEAN", "auto"),
                   help="auto: run Lean if a toolchain is found; require: fail if Lean does not run; skip: static scan only")
    v.add_argument("--lean-dir", default=None, help="the Lean package (default: lean/ beside the ledger)")
    v.add_argument("--lean-timeout", type=_positive_seconds, default=os.environ.get("LEAN_TIMEOUT", "3600"),
                   help="seconds before the Lean build is killed (default 3600, or $LEAN_TIMEOUT)")
    v.add_argument("--only", nargs="+", default=[], metavar="CLAIM", help="only these claim ids")
    v.add_argument("--seed", type=_seed, default=None, help="seed of every random draw (default: fixed, shown in the report)")
    v.add_argument("--out", default="reports", help="output directory (default: reports)")
    v.add_argument("--quick", action="store_true", help="thin the default case grids (explicit parameters are kept)")
    v.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, help="worker processes for the checks (default: the number of cores)")
    v.add_argument("--max-memory", type=_memory, default=None, help="refuse checks whose estimated memory exceeds this (default: half the machine's)")
    v.add_argument("--executor", default="process", metavar="process|dask:ADDRESS",
                   help="where the checks run: process (--jobs forked workers, the default) or dask:ADDRESS, a Dask "
                        "cluster's scheduler (optional extra: pip install 'crosscheck[dask]')")
    v.add_argument("--strict", action="store_true", help="also fail the run on an inconclusive or not-run claim the ledger does not record")
    v.add_argument("--quiet", action="store_true", help="no progress output")

    ls = sub.add_parser("list", help="list claims and checks")
    ls.add_argument("--claims", default="claims.toml")

    c = sub.add_parser("check", help="run one check with its parameters overridden")
    c.add_argument("check_id")
    c.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a parameter (repeatable)")
    c.add_argument("--seed", type=_seed, default=None)
    c.add_argument("--max-memory", type=_memory, default=None, help="refuse if the estimated memory exceeds this")
    c.add_argument("--claims", default="claims.toml", help="ledger whose claimed quantities the check compares with")
    c.add_argument("--claim", default=None, help="which claim's quantities to use (default: the first listing the check)")
    c.add_argument("--json", action="store_true", help="print the result object as JSON")
    c.add_argument("--quick", action="store_true")
    c.add_argument("--quiet", action="store_true")
    c.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1,
                   help="worker processes for the check's independent parts, e.g. one per width (default: the number of cores)")

    i = sub.add_parser("init", help="scaffold a new project (ledger, Lean package, checks, workflow) in an empty directory")
    i.add_argument("dir")
    i.add_argument("--title", default="My paper")

    r = sub.add_parser("report", help="re-render the HTML report from a results.json, without re-running anything")
    r.add_argument("results", help="a results.json written by verify")
    r.add_argument("--out", default=None, help="output directory (default: the results.json's folder)")
    r.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, help="worker processes drawing the figures (default: the number of cores)")

    d = sub.add_parser("doctor", help="what was found, what is missing, and how to fix it")
    d.add_argument("--lean-dir", default="lean")

    lean = sub.add_parser("lean", help="Lean tasks: build, trace")
    lsub = lean.add_subparsers(dest="lean_command", required=True)
    b = lsub.add_parser("build", help="fetch the Mathlib cache and run lake build")
    b.add_argument("--lean-dir", default="lean")
    b.add_argument("--lean-timeout", type=_positive_seconds, default=os.environ.get("LEAN_TIMEOUT", "3600"))
    b.add_argument("--out", default="reports")
    f = lsub.add_parser("fingerprints", help="print [claim.fingerprints] tables for the ledger's Lean names, from the current sources")
    f.add_argument("--claims", default="claims.toml")
    f.add_argument("--lean-dir", default=None, help="the Lean package (default: lean/ beside the ledger)")
    t = lsub.add_parser("trace", help="list each theorem's premises with LeanDojo (optional extra)")
    t.add_argument("--lean-dir", default="lean")
    t.add_argument("--out", default="reports")

    from crosscheck import blueprint_cli

    blueprint_cli.add_parser(sub)
    df = sub.add_parser("diff", help="what changed between two results.json files (Markdown)")  # run by crosscheck.diff
    df.add_argument("old", metavar="OLD/results.json")
    df.add_argument("new", metavar="NEW/results.json")
    df.add_argument("--fail-on-regression", action="store_true",
                    help="exit 1 when a claim's verdict got worse, a claim was removed, or a claim's statement in the ledger changed")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.argv = None if argv is None else list(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "verify": _cmd_verify,
        "list": _cmd_list,
        "check": _cmd_check,
        "report": _cmd_report,
        "init": _cmd_init,
        "doctor": _cmd_doctor,
        "lean": _cmd_lean,
        "blueprint": _cmd_blueprint,
        "diff": _cmd_diff,
    }
    try:
        return handlers[args.command](args)
    except KeyboardInterrupt:
        print("crosscheck: interrupted; the previous report is left as it was", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `crosscheck list | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _error(msg: str) -> int:
    print(f"crosscheck: error: {msg}", file=sys.stderr)
    return EXIT_USAGE


def _cmd_verify(args: argparse.Namespace) -> int:
    from crosscheck.claims import LedgerError
    from crosscheck.engine.params import ParameterError
    from crosscheck.report import write_reports
    from crosscheck.report.write import OutputDirError, check_out_dir
    from crosscheck.verify import DEFAULT_SEED, make_executor, previous_timings, verify

    progress = _Progress(args.quiet)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        check_out_dir(args.out)  # refuse before spending the time
    except OutputDirError as exc:
        return _error(str(exc))
    executor = None
    if args.executor != "process":
        try:
            executor = make_executor(args.executor, args.jobs)
        except ParameterError as exc:
            return _error(f"{exc} (nothing was run)")
        except OSError as exc:
            return _error(f"--executor {args.executor}: cannot connect: {exc} (nothing was run)")
    try:
        result = verify(
            args.claims,
            lean_dir=args.lean_dir,
            lean_mode=args.lean,
            only=args.only,
            seed=seed,
            quick=args.quick,
            lean_timeout=args.lean_timeout,
            jobs=args.jobs,
            max_memory=args.max_memory,
            strict=args.strict,
            command=" ".join(["crosscheck", *(sys.argv[1:] if args.argv is None else args.argv)]),
            progress=progress,
            executor=executor,
            cost_hints=previous_timings(Path(args.out) / "results.json"),  # the last run's times order this one
        )
    except LedgerError as exc:
        return _error(f"{exc} (no report written)")
    except ParameterError as exc:
        return _error(f"{exc} (nothing was run; no report written)")
    finally:
        if executor is not None:
            executor.shutdown()
    extra = {}
    log = result.lean.build.get("log_path") if result.lean.build else None
    if log:
        extra["lean-build.log"] = Path(str(log))
    try:
        out = write_reports(result, args.out, root=Path(args.claims).resolve().parent, extra_files=extra, jobs=args.jobs)
    except OutputDirError as exc:
        return _error(str(exc))
    except OSError as exc:
        return _error(f"cannot write the report to {args.out}: {exc.strerror or exc} (the previous report, if any, is unchanged)")
    print(summary_line(result))
    width = max((len(v.claim.id) for v in result.claims), default=10) + 2
    for v in result.claims:
        note = ""
        if v.recorded:
            note = "  [known finding, recorded in the ledger]" if not v.fails_run else f"  [ledger records {v.recorded!r}: CHANGED]"
        print(f"  {v.claim.id:<{width}} {str(v.verdict):<22} {v.explanation}{note}")
    print(f"crosscheck: report written to {out / 'index.html'}")
    if result.exit_code:
        print(f"crosscheck: exit code {result.exit_code}, because:", file=sys.stderr)
        for line in result.failing:
            print(f"  - {line}", file=sys.stderr)
    else:
        print("crosscheck: exit code 0")
    return result.exit_code


def summary_line(result) -> str:
    """``crosscheck: 2 of 17 claims (--only, quick mode): … Lean: …`` — partial runs say so."""
    counts = ", ".join(f"{n} {k}" for k, n in result.counts().items())
    o = result.options
    scope = f"{o.get('claims_run', len(result.claims))} of {o.get('claims_total', len(result.claims))} claims"
    marks = [m for m in ("--only" if o.get("only") else "", "quick mode" if o.get("quick") else "") if m]
    if marks:
        scope += f" ({', '.join(marks)})"
    return f"crosscheck: {scope}: {counts}. Lean: {result.lean.summary}."


def _load(claims: str, max_memory: float | None = None, only_check: str | None = None):
    from crosscheck.claims import LedgerError, load_ledger

    try:
        return load_ledger(claims, max_memory=max_memory, only_check=only_check)
    except LedgerError as exc:
        if exc.message == "file not found" and exc.claim is None:
            raise LedgerError(exc.path, "file not found (run from a project folder, pass --claims PATH, or `crosscheck init DIR` to start one)") from None
        raise


def _cmd_list(args: argparse.Namespace) -> int:
    from crosscheck.claims import LedgerError
    from crosscheck.engine.params import describe

    try:
        ledger = _load(args.claims)
    except LedgerError as exc:
        return _error(str(exc))
    reg = ledger.registry
    print("Claims:")
    w = max(len(c.id) for c in ledger.claims) + 2
    for c in ledger.claims:
        print(f"  {c.id:<{w}}{c.title}  [{c.source}]")
        for n in c.lean:
            print(f"      lean    {n}")
        for cid in c.checks:
            print(f"      {'control' if reg[cid].role == 'control' else 'check  '} {cid}")
            for k, v in c.params.get(cid, {}).items():
                print(f"              {k} = {v!r}  (set by this claim)")
        for q, e in c.expect.items():
            tol = f"  (rtol {e.rtol:g}, atol {e.atol:g})" if (e.rtol or e.atol) else ""
            print(f"      claims  {q} = {e.value.text}{tol}" + (f"  [Lean: {', '.join(e.lean)}]" if e.lean else ""))
    print("Checks:")
    w = max(len(k) for k in reg) + 2
    for cid, spec in sorted(reg.items()):
        print(f"  {cid:<{w}}{spec.title}")
        print(f"      {'control' if spec.role == 'control' else 'evidence'}; from {spec.origin}")
        for q, variables in spec.reads.items():
            opt = " (optional)" if q in spec.optional else ""
            print(f"      reads {q}{opt}, evaluated with {', '.join(variables) or 'no variables'}")
        for line in describe(spec.params):
            print(f"      param {line}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from crosscheck.claims import LedgerError
    from crosscheck.engine.params import ParameterError
    from crosscheck.engine.runner import prepare, run_check
    from crosscheck.engine.spec import CheckContext
    from crosscheck.engine.runner import DEFAULT_SEED

    try:
        ledger = _load(args.claims, args.max_memory, only_check=args.check_id)  # the claims that list this check
    except LedgerError as exc:
        return _error(str(exc))
    reg = ledger.registry
    if args.check_id not in reg:
        import difflib

        close = difflib.get_close_matches(args.check_id, list(reg), 1)
        return _error(f"unknown check id {args.check_id!r}" + (f" (did you mean {close[0]!r}?)" if close else "") + "; see `crosscheck list`")
    spec = reg[args.check_id]
    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            return _error(f"--set {item!r}: expected NAME=VALUE")
        overrides[name.strip()] = value
    all_ids = [c.id for c in ledger.claims] + list(ledger.other_claim_ids)
    if args.claim is not None and args.claim not in all_ids:
        import difflib

        close = difflib.get_close_matches(args.claim, all_ids, 1)
        return _error(f"--claim: unknown claim id {args.claim!r}" + (f" (did you mean {close[0]!r}?)" if close else "") + "; see `crosscheck list`")
    users = [c for c in ledger.claims if args.check_id in c.checks and (args.claim is None or c.id == args.claim)]
    if not users and args.claim:
        return _error(f"claim {args.claim!r} does not list check {args.check_id!r} in {args.claims}")
    if not users and spec.required:
        return _error(f"no claim in {args.claims} lists check {args.check_id!r}, which needs claimed quantities {list(spec.required)}")
    expect, claim_params = {}, {}
    if users:
        expect = {q: e for q, e in users[0].expect.items() if q in spec.reads}
        claim_params = dict(users[0].params.get(args.check_id, {}))
    explicit = {**claim_params, **overrides}
    try:
        params = prepare(spec, explicit, max_memory=args.max_memory)
    except ParameterError as exc:
        from_claim = f"; claim {users[0].id} sets {', '.join(f'{k} = {v!r}' for k, v in claim_params.items())}" if claim_params else ""
        return _error(f"{exc} (nothing was run{from_claim})")
    seed = DEFAULT_SEED if args.seed is None else args.seed
    progress = _Progress(args.quiet or args.json)
    from crosscheck.engine.parallel import process_map

    ctx = CheckContext(seed=seed, params=params, expect=expect, progress=progress, quick=args.quick, overridden=frozenset(explicit),
                       map=process_map(args.jobs))
    try:
        res = run_check(spec, ctx)
    except ParameterError as exc:
        return _error(f"{exc}")
    if args.json:
        from crosscheck.report.serialize import to_data

        data = to_data(res)
        data.pop("plots", None)
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        claim = f", claim {users[0].id}" if users else ""
        if users and users[0].recorded_verdict:
            claim += f"; the ledger records this claim as a known finding ({users[0].recorded_verdict})"
        print(f"{res.check_id}: {res.status} — {res.summary} ({res.cases} cases, {res.seconds:.2f} s, seed {seed}{claim})")
        if res.worst:
            w = res.worst
            print(f"  worst: {w.case}: {w.quantity} measured {w.measured:.6g}, expected {w.expected:.6g}, allowed error {w.allowed:.3g}")
        shown = f" ({len(res.failures)} of {res.n_failures} shown, worst first)" if res.n_failures > len(res.failures) else ""
        if res.failures:
            print(f"  failing comparisons{shown}:")
        for f in res.failures:
            print(f"  FAIL {f.case}: {f.quantity} measured {f.measured:.6g}, expected {f.expected:.6g}, allowed {f.allowed:.3g}")
        if res.error:
            print(res.error.traceback, file=sys.stderr)
    return EXIT_OK if res.status in ("pass", "inconclusive") else EXIT_FAIL


def _cmd_init(args: argparse.Namespace) -> int:
    from crosscheck.scaffold import InitError, init_project

    try:
        files = init_project(args.dir, args.title)
    except InitError as exc:
        return _error(str(exc))
    for f in files:
        print(f"  wrote {f}")
    print(f"crosscheck: new project in {args.dir}; next: crosscheck verify --claims {Path(args.dir) / 'claims.toml'}")
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from crosscheck.report.write import OutputDirError, rerender

    try:
        out = rerender(args.results, args.out, args.jobs)
    except (OutputDirError, OSError, ValueError) as exc:
        return _error(str(exc))
    print(f"crosscheck: report re-rendered to {out / 'index.html'}")
    return EXIT_OK


def _cmd_blueprint(args: argparse.Namespace) -> int:
    from crosscheck.blueprint_cli import run

    return run(args)


def _cmd_diff(args: argparse.Namespace) -> int:
    from crosscheck.diff import run

    return run(args)


def _cmd_doctor(args: argparse.Namespace) -> int:
    from crosscheck.lean.doctor import doctor

    return doctor(args.lean_dir)


def _cmd_lean(args: argparse.Namespace) -> int:
    from crosscheck.lean.commands import lean_build, lean_trace

    if args.lean_command == "fingerprints":
        return _cmd_fingerprints(args)
    if args.lean_command == "build":
        return lean_build(args.lean_dir, args.lean_timeout, args.out)
    return lean_trace(args.lean_dir, args.out)


def _cmd_fingerprints(args: argparse.Namespace) -> int:
    """Print, per claim, the ``[claim.fingerprints]`` table for the current Lean sources (to paste into
    the ledger after a deliberate change of a statement)."""
    from crosscheck.claims import LedgerError
    from crosscheck.lean.static import scan

    try:
        ledger = _load(args.claims)
    except LedgerError as exc:
        return _error(str(exc))
    lean_dir = Path(args.lean_dir) if args.lean_dir else ledger.project.lean_path
    if not lean_dir.is_dir():
        return _error(f"--lean-dir {lean_dir}: not a directory")
    s = scan(lean_dir)
    missing = 0
    for c in ledger.claims:
        if not c.lean:
            continue
        print(f"# claim {c.id}\n[claim.fingerprints]")
        for n in c.lean:
            d = s.find(n)
            if d is None:
                print(f"# {n}: not found in {lean_dir}")
                missing += 1
                continue
            mark = "" if c.fingerprints.get(n) == d.fingerprint else "   # changed" if n in c.fingerprints else "   # new"
            print(f'"{n}" = {{ fingerprint = "{d.fingerprint}", statement = {json.dumps(d.statement, ensure_ascii=False)} }}{mark}')
        print()
    return EXIT_FAIL if missing else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
