"""``crosscheck blueprint import|audit``: the command-line side of :mod:`crosscheck.blueprint`.

Exit codes: ``import`` 0 (also when nothing was new), 2 on a bad blueprint or ledger. ``audit`` 1 when a
mark is wrong, 0 otherwise (missing marks are reported, not failed), 2 on a bad blueprint, ledger or
``--lean-dir``; ``--lean require`` without a toolchain is 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``blueprint import`` and ``blueprint audit`` on the top-level subparsers."""
    bp = sub.add_parser("blueprint", help="leanblueprint sources: import claims, audit \\leanok marks")
    bsub = bp.add_subparsers(dest="blueprint_command", required=True)
    imp = bsub.add_parser("import", help="add a claim per labelled blueprint entry with \\lean names")
    imp.add_argument("tex", metavar="FILE.tex")
    imp.add_argument("--claims", default="claims.toml", help="the ledger to extend or create (default: claims.toml)")
    aud = bsub.add_parser("audit", help="compare \\leanok/\\mathlibok marks with what Lean (or the static scan) sees")
    aud.add_argument("tex", metavar="FILE.tex")
    aud.add_argument("--claims", default="claims.toml", help="ledger whose fingerprints are used, if it exists; also locates lean/")
    aud.add_argument("--lean-dir", default=None, help="the Lean package (default: lean/ beside the ledger)")
    aud.add_argument("--lean", choices=("auto", "skip", "require"), default="auto")
    aud.add_argument("--lean-timeout", type=float, default=3600.0)


def _error(msg: str) -> int:
    print(f"crosscheck: error: {msg}", file=sys.stderr)
    return EXIT_USAGE


def run(args: argparse.Namespace) -> int:
    from crosscheck.blueprint import BlueprintError, parse_blueprint

    try:
        bp = parse_blueprint(args.tex)
    except BlueprintError as exc:
        return _error(f"blueprint {exc}")
    if args.blueprint_command == "import":
        for w in bp.warnings:
            print(f"crosscheck: warning: {w}", file=sys.stderr)
        return _import(bp, args)
    return _audit(bp, args)  # its table lists the warnings


def _import(bp, args: argparse.Namespace) -> int:
    from crosscheck.blueprint_import import plan_import, write_atomically
    from crosscheck.checks import registry
    from crosscheck.claims import LedgerError, load_ledger

    path = Path(args.claims)
    if not path.parent.is_dir():
        return _error(f"{path}: the folder {path.parent} does not exist (create it, or pass --claims in an existing folder)")
    try:
        existing = path.read_text(encoding="utf-8") if path.exists() else None
    except (OSError, UnicodeDecodeError) as exc:
        return _error(f"{path}: cannot read: {exc}")
    try:
        plan = plan_import(bp, existing, args.tex)
    except ValueError as exc:
        return _error(f"{path}: {exc}")
    for label, why in plan.skipped:
        print(f"  skipped \\label{{{label}}}: {why}")
    if not plan.added:
        print(f"crosscheck: no new claims for {path} from {args.tex}")
        return EXIT_OK
    # validate the result before touching the file
    tmp = path.parent / f".{path.name}.check.toml"
    try:
        tmp.write_text(plan.text, encoding="utf-8")
        load_ledger(tmp, registry())
    except LedgerError as exc:
        return _error(f"the ledger would not load after the import, nothing written: {str(exc).replace(str(tmp), str(path))}")
    finally:
        tmp.unlink(missing_ok=True)
    write_atomically(path, plan.text)
    for cid, e in plan.added:
        print(f"  added {cid:<28} {', '.join(e.lean)}  [{e.where}]")
    print(f"crosscheck: {len(plan.added)} claim(s) added to {'new ledger ' if plan.new_file else ''}{path}")
    return EXIT_OK


def _audit(bp, args: argparse.Namespace) -> int:
    from crosscheck.blueprint_audit import audit, render_table, stage_names
    from crosscheck.checks import registry
    from crosscheck.claims import LedgerError, load_ledger
    from crosscheck.lean.stage import run_lean_stage

    lean_dir = Path(args.lean_dir) if args.lean_dir else Path(args.claims).resolve().parent / "lean"
    if not lean_dir.is_dir():
        return _error(f"--lean-dir {lean_dir}: not a directory")
    names = stage_names(bp)
    if Path(args.claims).exists():
        try:
            ledger = load_ledger(args.claims, registry())
        except LedgerError as exc:
            return _error(str(exc))
        for c in ledger.claims:
            for n, fp in c.fingerprints.items():
                if n in names:
                    names[n] = fp
    if not names:
        print("crosscheck: the blueprint names no Lean declarations (no \\lean{…}); nothing to audit")
    stage = run_lean_stage(lean_dir, names, args.lean, timeout=args.lean_timeout,
                           progress=lambda m: print(m, file=sys.stderr, flush=True))
    if stage.scan is not None and not stage.scan.files:
        return _error(f"--lean-dir {lean_dir}: no .lean files found")
    a = audit(bp, stage)
    print(render_table(a))
    if args.lean == "require" and not stage.ran:
        print(f"crosscheck: --lean=require, but Lean did not run ({stage.summary}): failing", file=sys.stderr)
        return EXIT_FAIL
    return a.exit_code
