"""Find ``lake`` and ``lean`` (PATH first, then ``~/.elan/bin``), read their versions, compare with
``lean/lean-toolchain``.

Versions are read with the Lean package as working directory, so an elan-managed ``lean``/``lake``
(elan's proxies switch toolchains per ``lean-toolchain``) reports the pinned version. A mismatch that
remains is therefore real (a bare ``lean`` of another version first on PATH, or an ``elan override``)
and the driver fails the stage on it instead of building with the wrong Lean.

``CROSSCHECK_LEAN_PATH`` (a PATH-style list of directories), when set, replaces ``$PATH`` for
discovery; the Lean stage prepends it to the subprocesses' PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from crosscheck.lean.problems import Kind, Problem

ELAN_HINT = "install elan: curl https://elan.lean-lang.org/elan-init.sh -sSf | sh   (then restart the shell)"
PATH_ENV = "CROSSCHECK_LEAN_PATH"


@dataclass(frozen=True)
class Toolchain:
    lake: str | None
    lean: str | None
    lean_version: str | None  # e.g. "4.24.0"
    lake_version: str | None
    pinned: str | None  # contents of lean-toolchain, e.g. "leanprover/lean4:v4.24.0"
    problems: tuple[str, ...] = ()
    lake_lean_version: str | None = None  # the Lean version lake was built with ("Lean version 4.24.0")
    elan: str | None = None  # the elan executable, when one is installed

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

    @property
    def mismatches(self) -> tuple[str, ...]:
        """Every version disagreement with the pin (``lean`` and the Lean that ``lake`` was built with)."""
        out = [self.mismatch] if self.mismatch else []
        pv = self.pinned_version
        if self.lake_lean_version and pv and self.lake_lean_version != pv:
            out.append(f"lake is built for Lean {self.lake_lean_version}, but lean/lean-toolchain pins {pv}")
        return tuple(out)

    def as_dict(self) -> dict[str, object]:
        """What the report shows in its toolchain table."""
        return {
            "lake": self.lake,
            "lean": self.lean,
            "lean_version": self.lean_version,
            "lake_version": self.lake_version,
            "lake_lean_version": self.lake_lean_version,
            "pinned": self.pinned,
            "elan": self.elan,
            "problems": list(self.problems + self.mismatches),
        }


def _which(name: str, path: str | None) -> str | None:
    found = shutil.which(name, path=path)
    if found:
        return found
    elan = Path(os.path.expanduser("~/.elan/bin")) / name
    return str(elan) if elan.is_file() and os.access(elan, os.X_OK) else None


def _version_text(exe: str, timeout: float = 20.0, cwd: str | Path | None = None) -> tuple[str, int | None, str | None]:
    """(output, exit code, problem) of ``exe --version``; on timeout its whole process group is killed."""
    import os
    import signal

    try:
        proc = subprocess.Popen(
            [exe, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace", cwd=cwd, start_new_session=True
        )
    except OSError as exc:
        return "", None, f"{exe} cannot be run: {exc.strerror}"
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.communicate()
        return "", None, f"{exe} --version did not answer within {timeout:.0f} s (elan may be downloading the pinned toolchain)"
    return (stdout or "") + (stderr or ""), proc.returncode, None


def _version(exe: str, timeout: float = 20.0, cwd: str | Path | None = None) -> tuple[str | None, str | None]:
    """(version, problem) from ``exe --version``."""
    text, code, problem = _version_text(exe, timeout, cwd)
    if problem:
        return None, problem
    m = re.search(r"(?:Lean|Lake)[^\n]*?version (\d+\.\d+\.\d+(?:-rc\d+)?)", text) or re.search(r"(\d+\.\d+\.\d+(?:-rc\d+)?)", text)
    if code != 0 or not m:
        return None, f"{exe} --version gave no version (exit {code}): {text.strip()[:200]!r}"
    return m.group(1), None


def search_path(path: str | None = None) -> str | None:
    """The directories to search: ``path`` if given, else ``$CROSSCHECK_LEAN_PATH`` if set, else None ($PATH)."""
    return path if path is not None else (os.environ.get(PATH_ENV) or None)


def discover(lean_dir: str | Path, path: str | None = None, timeout: float = 20.0) -> Toolchain:
    """Look for the toolchain; ``path`` (or ``$CROSSCHECK_LEAN_PATH``) overrides ``$PATH``."""
    path = search_path(path)
    pin_file = Path(lean_dir) / "lean-toolchain"
    pinned = pin_file.read_text(encoding="utf-8", errors="replace").strip() if pin_file.is_file() else None
    cwd = Path(lean_dir) if Path(lean_dir).is_dir() else None
    lake, lean, elan = _which("lake", path), _which("lean", path), _which("elan", path)
    problems: list[str] = []
    lean_v = lake_v = lake_lean_v = None
    if lean:
        lean_v, p = _version(lean, timeout, cwd)
        if p:
            problems.append(Problem(Kind.VERSION, p))
    if lake:
        text, code, p = _version_text(lake, timeout, cwd)
        m = re.search(r"Lake version (\d+\.\d+\.\d+[^\s(]*)", text)
        ml = re.search(r"Lean version (\d+\.\d+\.\d+(?:-rc\d+)?)", text)
        lake_v = m.group(1) if m else None
        lake_lean_v = ml.group(1) if ml else None
        if p:
            problems.append(Problem(Kind.VERSION, p))
        elif code != 0 or not (m or ml):
            problems.append(Problem(Kind.VERSION, f"{lake} --version gave no version (exit {code}): {text.strip()[:200]!r}"))
    if not pinned:
        problems.append(Problem(Kind.PIN, f"{pin_file} is missing"))
    return Toolchain(lake, lean, lean_v, lake_v, pinned, tuple(problems), lake_lean_v, elan)
