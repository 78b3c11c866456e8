"""``crosscheck lean build`` and ``crosscheck lean trace``.

``lean build`` runs the same steps as the Lean stage of ``verify`` (cache, ``lake build`` of every module
without ``--wfail``, declaration dump of the modules that built), without a ledger: it prints the
diagnostics (warnings too: shown, not failures) and audits the axioms of every dumped declaration. It
copies the build log (``lean-build.log``) and the dump (``lean-declarations.json``) into ``out``, each
written atomically. Exit 0 when every module built, the dump was read and no declaration uses an axiom
outside {propext, Classical.choice, Quot.sound}; 1 otherwise.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from crosscheck.lean.audit import DEFAULT_ALLOWED_AXIOMS, bad_axioms, describe_allowlist
from crosscheck.lean.toolchain import ELAN_HINT, discover, search_path


def _progress(t0: float):
    def emit(msg: str) -> None:
        print(f"[{time.monotonic() - t0:6.1f}s] {msg}", file=sys.stderr, flush=True)

    return emit


def _atomic_copy(src: str | Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    os.close(fd)
    try:
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write(text: str, dst: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, dst)


def lean_build(lean_dir: str | Path, timeout: float, out: str | Path) -> int:
    from crosscheck.lean.driver import build_package

    lean_dir, out = Path(lean_dir), Path(out)
    path = search_path()
    tc = discover(lean_dir, path=path)
    if not tc.found:
        missing = " and ".join(n for n, v in (("lake", tc.lake), ("lean", tc.lean)) if v is None)
        print(f"crosscheck lean build: {missing} not found (PATH, ~/.elan/bin). {ELAN_HINT}; `crosscheck doctor` lists what else is missing.", file=sys.stderr)
        return 1
    res = build_package(lean_dir, tc, timeout=timeout, progress=_progress(time.monotonic()), path=path)
    _atomic_copy(res.log_path, out / "lean-build.log")
    for d in res.diagnostics:
        if d.severity in ("error", "warning"):
            print(str(d))
    if res.failure:
        print(f"crosscheck lean build: FAILED — {res.failure}\n--- log tail ---\n{res.log_tail}")
        return 1
    bad: dict[str, list[str]] = {}
    if res.dump is not None:
        dump_data = {"lean_version": res.dump.lean_version, "declarations": [
            {"name": d.name, "kind": d.kind, "type": d.type, "module": d.module, "axioms": list(d.axioms), "uses": list(d.uses)}
            for d in res.dump.decls.values()]}
        _atomic_write(json.dumps(dump_data, indent=1, ensure_ascii=False), out / "lean-declarations.json")
        bad = {n: list(bad_axioms(d.axioms, DEFAULT_ALLOWED_AXIOMS)) for n, d in res.dump.decls.items()}
        bad = {n: a for n, a in bad.items() if a}
        for n, axioms in sorted(bad.items()):
            print(f"{n}: uses {', '.join('sorry (sorryAx)' if a == 'sorryAx' else a for a in axioms)}")
        print(f"crosscheck lean build: {len(res.dump.decls)} declaration(s) dumped, {len(bad)} with axioms outside {describe_allowlist(DEFAULT_ALLOWED_AXIOMS)}")
    else:
        print(f"crosscheck lean build: no declaration dump ({res.dump_error})")
    for m, why in res.dump_failed.items():
        print(f"crosscheck lean build: {m} built but was not dumped: {why}")
    mods = res.graph.modules
    state = "succeeded" if res.build_ok else f"failed ({len(res.built)} of {len(mods)} module(s) built; failed: {', '.join(res.failed_modules)})"
    print(f"crosscheck lean build: lake build {state}; log in {out / 'lean-build.log'}")
    return 0 if res.build_ok and res.dump is not None and not bad and not res.dump_failed else 1


def lean_trace(lean_dir: str | Path, out: str | Path) -> int:
    """Premises of each theorem with LeanDojo (optional extra); see :mod:`crosscheck.lean.dojo`."""
    from crosscheck.lean.dojo import trace_premises

    return trace_premises(Path(lean_dir), Path(out))
