"""Command line: ``crosscheck verify | list | check | doctor | lean | blueprint | diff``.

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


def _beside(claims: str, name: str) -> Path:
    """``name`` in the ledger's directory: the layout of a crosscheck project, wherever it is run from."""
    return Path(claims).resolve().parent / name


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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crosscheck", description="Check a paper's claims: Lean proof, independent numerics, report.")
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("verify", help="run every claim's witnesses and write the report")
    v.add_argument("--claims", default="claims.toml", help="the claim ledger (default: claims.toml)")
    v.add_argument("--lean", choices=("auto", "require", "skip"), default=os.environ.get("CROSSCHECK_LEAN", "auto"),
                   help="auto: run Lean if a toolchain is found; require: fail if Lean does not run; skip: static scan only")
    v.add_argument("--lean-dir", default=None, help="the Lean package (default: lean/ beside the ledger)")
    v.add_argument("--lean-timeout", type=_positive_seconds, default=os.environ.get("LEAN_TIMEOUT", "3600"),
                   help="seconds before the Lean build is killed (default 3600, or $LEAN_TIMEOUT)")
    v.add_argument("--only", nargs="+", default=[], metavar="CLAIM", help="only these claim ids")
    v.add_argument("--seed", type=int, default=None, help="seed of every random draw (default: fixed, shown in the report)")
    v.add_argument("--out", default="reports", help="output directory (default: reports)")
    v.add_argument("--quick", action="store_true", help="thin the case grids (for tests)")
    v.add_argument("--quiet", action="store_true", help="no progress output")

    ls = sub.add_parser("list", help="list claims and checks")
    ls.add_argument("--claims", default="claims.toml")

    c = sub.add_parser("check", help="run one check with its parameters overridden")
    c.add_argument("check_id")
    c.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="override a parameter (repeatable)")
    c.add_argument("--seed", type=int, default=None)
    c.add_argument("--claims", default="claims.toml", help="ledger whose claimed quantities the check compares with")
    c.add_argument("--claim", default=None, help="which claim's quantities to use (default: the first listing the check)")
    c.add_argument("--json", action="store_true", help="print the result object as JSON")
    c.add_argument("--quick", action="store_true")
    c.add_argument("--quiet", action="store_true")

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

    from crosscheck import blueprint_cli, diff

    blueprint_cli.add_parser(sub)
    diff.add_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "verify": _cmd_verify,
        "list": _cmd_list,
        "check": _cmd_check,
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
    from crosscheck.report import write_reports
    from crosscheck.verify import DEFAULT_SEED, verify

    from crosscheck.report.write import OutputDirError, check_out_dir

    progress = _Progress(args.quiet)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    try:
        check_out_dir(args.out)  # refuse before spending the time
    except OutputDirError as exc:
        return _error(str(exc))
    try:
        result = verify(
            args.claims,
            lean_dir=args.lean_dir or _beside(args.claims, "lean"),
            lean_mode=args.lean,
            only=args.only,
            seed=seed,
            quick=args.quick,
            lean_timeout=args.lean_timeout,
            out_dir=args.out,
            progress=progress,
        )
    except LedgerError as exc:
        return _error(f"{exc} (no report written)")
    except ValueError as exc:
        return _error(str(exc))
    extra = {}
    log = result.lean.build.get("log_path") if result.lean.build else None
    if log:
        extra["lean-build.log"] = Path(str(log))
    try:
        out = write_reports(result, args.out, root=Path(args.claims).resolve().parent, extra_files=extra)
    except OutputDirError as exc:
        return _error(str(exc))
    except OSError as exc:
        return _error(f"cannot write the report to {args.out}: {exc.strerror or exc} (the previous report, if any, is unchanged)")
    counts = ", ".join(f"{n} {k}" for k, n in result.counts().items())
    print(f"crosscheck: {len(result.claims)} claim(s): {counts}. Lean: {result.lean.summary}.")
    width = max((len(v.claim.id) for v in result.claims), default=10) + 2
    for v in result.claims:
        note = ""
        if v.recorded:
            note = "  [known finding, recorded in the ledger]" if not v.fails_run else f"  [ledger records {v.recorded!r}: CHANGED]"
        print(f"  {v.claim.id:<{width}} {v.verdict:<22} {v.explanation}{note}")
    if result.options.get("lean_required_but_not_run"):
        print("crosscheck: --lean=require, but Lean did not run: failing.", file=sys.stderr)
    print(f"crosscheck: report written to {out / 'index.html'} (exit code {result.exit_code})")
    return result.exit_code


def _cmd_list(args: argparse.Namespace) -> int:
    from crosscheck.checks import registry
    from crosscheck.claims import LedgerError, load_ledger

    reg = registry()
    try:
        ledger = load_ledger(args.claims, reg)
    except LedgerError as exc:
        return _error(str(exc))
    print("Claims:")
    w = max(len(c.id) for c in ledger.claims) + 2
    for c in ledger.claims:
        print(f"  {c.id:<{w}}{c.title}  [{c.source}]")
        for n in c.lean:
            print(f"      lean   {n}")
        for cid in c.checks:
            print(f"      {'control' if reg[cid].role == 'control' else 'check  '} {cid}")
    print("Checks:")
    w = max(len(k) for k in reg) + 2
    for cid, spec in sorted(reg.items()):
        defaults = ", ".join(f"{k}={v}" for k, v in spec.defaults.items())
        print(f"  {cid:<{w}}{spec.title}")
        if defaults:
            print(f"      parameters: {defaults}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from crosscheck.checks import registry, run_check
    from crosscheck.checks.base import CheckContext, resolve_params
    from crosscheck.claims import LedgerError, load_ledger
    from crosscheck.report.serialize import to_data
    from crosscheck.verify import DEFAULT_SEED

    reg = registry()
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
    expect = {}
    claim_params = {}
    if spec.quantities or Path(args.claims).exists():
        try:
            ledger = load_ledger(args.claims, reg)
        except LedgerError as exc:
            return _error(str(exc))
        users = [c for c in ledger.claims if args.check_id in c.checks and (args.claim is None or c.id == args.claim)]
        if not users and spec.quantities:
            return _error(f"no claim in {args.claims} lists check {args.check_id!r}" + (f" (claim {args.claim!r})" if args.claim else ""))
        if users:
            expect = dict(users[0].expect)
            claim_params = dict(users[0].params.get(args.check_id, {}))
    try:
        params = resolve_params(spec, {**claim_params, **overrides})
    except ValueError as exc:
        return _error(str(exc))
    seed = DEFAULT_SEED if args.seed is None else args.seed
    progress = _Progress(args.quiet or args.json)
    ctx = CheckContext(seed=seed, params=params, expect=expect, progress=progress, quick=args.quick, overridden=frozenset(overrides))
    res = run_check(spec, ctx)
    if args.json:
        data = to_data(res)
        data.pop("plots", None)
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print(f"{res.check_id}: {res.status} — {res.summary} ({res.cases} cases, {res.seconds:.2f} s, seed {seed})")
        if res.worst:
            w = res.worst
            print(f"  worst: {w.case}: {w.quantity} measured {w.measured:.6g}, expected {w.expected:.6g}, allowed error {w.allowed:.3g}")
        for f in res.failures:
            print(f"  FAIL {f.case}: {f.quantity} measured {f.measured:.6g}, expected {f.expected:.6g}")
    if res.status == "error" and res.summary.startswith("invalid parameter"):
        print(f"crosscheck: error: {res.summary}", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_OK if res.status in ("pass", "inconclusive") else EXIT_FAIL


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
    from crosscheck.checks import registry
    from crosscheck.claims import LedgerError, load_ledger
    from crosscheck.lean.static import scan

    try:
        ledger = load_ledger(args.claims, registry())
    except LedgerError as exc:
        return _error(str(exc))
    lean_dir = Path(args.lean_dir) if args.lean_dir else _beside(args.claims, "lean")
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
