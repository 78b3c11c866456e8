"""The Lean stage of ``crosscheck verify``: decide per declaration verified / failed / not run."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

from crosscheck.lean import static
from crosscheck.lean.audit import allowlist
from crosscheck.lean.toolchain import discover, search_path
from crosscheck.lean.witness import FAILED, DeclWitness, LeanStage, static_witness

MODES = ("auto", "require", "skip")


def run_lean_stage(
    lean_dir: str | Path,
    names: Mapping[str, str | None],
    mode: str = "auto",
    *,
    timeout: float = 3600.0,
    progress: Callable[[str], None] = lambda _m: None,
    path: str | None = None,
    allowed_axioms: Iterable[str] | None = None,
    modules: Sequence[str] = (),
) -> LeanStage:
    """``names`` maps each Lean name in the ledger to its recorded fingerprint (or None).

    ``path`` (else ``$CROSSCHECK_LEAN_PATH``) replaces ``$PATH`` when looking for ``lake``/``lean`` and is
    put first on the PATH of every subprocess the driver starts. ``allowed_axioms`` is the axiom audit's
    allowlist (a declaration whose axioms are a subset passes); None means the standard three,
    {propext, Classical.choice, Quot.sound} (the ledger's ``[lean] allowed_axioms``). ``modules`` (the
    ledger's ``[project].lean_modules``) restricts what is built and dumped; empty: the whole library."""
    if mode not in MODES:
        raise ValueError(f"lean mode: must be one of {MODES}, got {mode!r}")
    allowed = allowlist(allowed_axioms)
    lean_dir = Path(lean_dir)
    scan = static.scan(lean_dir) if lean_dir.is_dir() else static.StaticScan(str(lean_dir), (), (), (), (f"{lean_dir} not found",))
    if mode == "skip":
        why = "not run — --lean=skip"
        tc = None
    else:
        path = search_path(path)
        tc = discover(lean_dir, path=path, timeout=min(20.0, timeout))
        why = "not run — no Lean toolchain found" if not tc.found else None
        if why and (tc.lake or tc.lean):  # half a toolchain: say which half
            have, miss = ("lake", "lean") if tc.lake else ("lean", "lake")
            why += f" ({have} at {tc.lake or tc.lean}, but no {miss})"
    if why is None:
        from crosscheck.lean.driver import run_driver  # only when a toolchain exists

        try:
            return run_driver(lean_dir, names, mode, tc, scan, timeout=timeout, progress=progress, path=path,
                              allowed_axioms=allowed, modules=tuple(modules))
        except Exception as exc:  # a bug in the driver must not become a traceback: every declaration fails
            why = f"internal error in the Lean driver ({type(exc).__name__}: {exc}); please report it"
            decls = {n: DeclWitness(n, FAILED, why, decl=scan.find(n), expected_fingerprint=fp) for n, fp in names.items()}
            return LeanStage(mode, False, f"failed — {why}", decls=decls, scan=scan, toolchain=tc.as_dict(), allowed_axioms=tuple(sorted(allowed)))
    decls = {n: static_witness(scan, n, fp) for n, fp in names.items()}
    toolchain = {} if tc is None else tc.as_dict()
    return LeanStage(mode, False, why, decls=decls, scan=scan, toolchain=toolchain, allowed_axioms=tuple(sorted(allowed)))
