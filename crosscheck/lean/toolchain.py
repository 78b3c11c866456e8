"""Find ``lake`` and ``lean`` (PATH first, then ``~/.elan/bin``), read their versions, compare with
``lean/lean-toolchain``."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ELAN_HINT = "install elan: curl https://elan.lean-lang.org/elan-init.sh -sSf | sh   (then restart the shell)"


@dataclass(frozen=True)
class Toolchain:
    lake: str | None
    lean: str | None
    lean_version: str | None  # e.g. "4.24.0"
    lake_version: str | None
    pinned: str | None  # contents of lean-toolchain, e.g. "leanprover/lean4:v4.24.0"
    problems: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        return self.lake is not None and self.lean is not None

    @property
    def pinned_version(self) -> str | None:
        if not self.pinned:
            return None
        m = re.search(r"v?(\d+\.\d+\.\d+(?:-rc\d+)?)", self.pinned)
        return m.group(1) if m else None

    @property
    def mismatch(self) -> str | None:
        pv = self.pinned_version
        if self.lean_version and pv and self.lean_version != pv:
            return f"lean {self.lean_version} found, but lean/lean-toolchain pins {pv}"
        return None


def _which(name: str, path: str | None) -> str | None:
    found = shutil.which(name, path=path)
    if found:
        return found
    elan = Path(os.path.expanduser("~/.elan/bin")) / name
    return str(elan) if elan.is_file() and os.access(elan, os.X_OK) else None


def _version(exe: str, timeout: float = 20.0) -> tuple[str | None, str | None]:
    """(version, problem) from ``exe --version``."""
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=timeout, errors="replace")
    except subprocess.TimeoutExpired:
        return None, f"{exe} --version did not answer within {timeout:.0f} s"
    except OSError as exc:
        return None, f"{exe} cannot be run: {exc.strerror}"
    text = (out.stdout or "") + (out.stderr or "")
    m = re.search(r"(?:Lean|Lake)[^\n]*?version (\d+\.\d+\.\d+(?:-rc\d+)?)", text) or re.search(r"(\d+\.\d+\.\d+(?:-rc\d+)?)", text)
    if out.returncode != 0 or not m:
        return None, f"{exe} --version gave no version (exit {out.returncode}): {text.strip()[:200]!r}"
    return m.group(1), None


def discover(lean_dir: str | Path, path: str | None = None) -> Toolchain:
    """Look for the toolchain; ``path`` overrides ``$PATH`` (tests)."""
    pin_file = Path(lean_dir) / "lean-toolchain"
    pinned = pin_file.read_text(encoding="utf-8").strip() if pin_file.is_file() else None
    lake, lean = _which("lake", path), _which("lean", path)
    problems: list[str] = []
    lean_v = lake_v = None
    if lean:
        lean_v, p = _version(lean)
        if p:
            problems.append(p)
    if lake:
        lake_v, p = _version(lake)
        if p:
            problems.append(p)
    if not pinned:
        problems.append(f"{pin_file} is missing")
    return Toolchain(lake, lean, lean_v, lake_v, pinned, tuple(problems))
