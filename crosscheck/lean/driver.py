"""Drive a real Lean toolchain: cache, ``lake build``, declaration dump, axiom audit."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Mapping

from crosscheck.lean.static import StaticScan
from crosscheck.lean.toolchain import Toolchain
from crosscheck.lean.witness import LeanStage, static_witness


def run_driver(
    lean_dir: Path,
    names: Mapping[str, str | None],
    mode: str,
    tc: Toolchain,
    scan: StaticScan,
    *,
    out_dir: str | Path | None,
    timeout: float,
    progress: Callable[[str], None],
) -> LeanStage:
    why = "not run — the Lean driver is not implemented yet"
    decls = {n: static_witness(scan, n, fp, why) for n, fp in names.items()}
    return LeanStage(mode, False, why, decls, scan, toolchain={"lake": tc.lake, "lean": tc.lean, "pinned": tc.pinned})
