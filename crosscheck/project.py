"""A project is a folder: its ledger's ``[project]`` and ``[lean]`` tables say where everything is.

::

    [project]
    name = "My paper"
    lean_dir = "lean"                      # the Lake package, relative to the ledger (default "lean")
    lean_modules = ["MyPaper.Main"]        # what to build and dump, with what they import (default: the whole library)
    checks = ["checks/"]                   # .py files, folders of them, or importable module names
    builtin_checks = true                  # also offer the checks that ship with crosscheck (default)

    [lean]
    allowed_axioms = ["propext", "Classical.choice", "Quot.sound"]   # the default allowlist

Paths are relative to the ledger file, so ``crosscheck verify --claims PATH`` works from any directory.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_ALLOWED_AXIOMS = ("propext", "Classical.choice", "Quot.sound")
PROJECT_KEYS = {"name", "lean_dir", "lean_modules", "checks", "builtin_checks"}
LEAN_KEYS = {"allowed_axioms"}


@dataclass(frozen=True, kw_only=True)
class Project:
    root: Path
    name: str = ""
    lean_dir: Path | None = None
    lean_modules: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    builtin_checks: bool = True
    allowed_axioms: tuple[str, ...] = DEFAULT_ALLOWED_AXIOMS

    @property
    def lean_path(self) -> Path:
        return self.lean_dir if self.lean_dir is not None else self.root / "lean"


def parse_project(root: Path, raw_project: Any, raw_lean: Any, err: Callable[[str, str], Exception]) -> Project:
    """Validate the two tables; ``err(field, message)`` builds the ledger error to raise."""
    proj = raw_project if raw_project is not None else {}
    lean = raw_lean if raw_lean is not None else {}
    if not isinstance(proj, dict):
        raise err("project", "must be a table")
    if not isinstance(lean, dict):
        raise err("lean", "must be a table")
    for table, keys, allowed in (("project", proj, PROJECT_KEYS), ("lean", lean, LEAN_KEYS)):
        unknown = set(keys) - allowed
        if unknown:
            raise err(table, f"unknown key(s) {sorted(unknown)}; allowed {sorted(allowed)}")

    def strs(table: dict, key: str, where: str) -> tuple[str, ...]:
        val = table.get(key, [])
        if not isinstance(val, list) or not all(isinstance(x, str) and x.strip() for x in val):
            raise err(where, "must be a list of non-empty strings")
        return tuple(val)

    name = proj.get("name", "")
    if not isinstance(name, str):
        raise err("project.name", "must be a string")
    lean_dir = proj.get("lean_dir")
    if lean_dir is not None and (not isinstance(lean_dir, str) or not lean_dir.strip()):
        raise err("project.lean_dir", "must be a non-empty string (a path relative to the ledger)")
    builtin = proj.get("builtin_checks", True)
    if not isinstance(builtin, bool):
        raise err("project.builtin_checks", "must be true or false")
    axioms = strs(lean, "allowed_axioms", "lean.allowed_axioms") if "allowed_axioms" in lean else DEFAULT_ALLOWED_AXIOMS
    return Project(
        root=root, name=name, lean_dir=(root / lean_dir) if lean_dir else None,
        lean_modules=strs(proj, "lean_modules", "project.lean_modules"),
        checks=strs(proj, "checks", "project.checks"), builtin_checks=builtin, allowed_axioms=axioms,
    )
