"""The package's modules and their import graph, read from the sources (no Lean needed).

Rules:

* the **libraries** are the ``[[lean_lib]]`` names of ``lakefile.toml`` (or ``lean_lib «X»`` in
  ``lakefile.lean``); with neither, the package ``name``;
* the **modules** of a library ``L`` are ``L.lean`` (its root module) and every ``L/**/*.lean``;
  ``lean_exe`` roots (the dump program) and ``.lake``/``build`` are not modules of the package;
* a module's **imports** are its ``import X`` lines (before the first non-import command) that name a
  module of the package; imports of Mathlib or Lean are outside the graph;
* a module is **blocked** when it imports, directly or through other package modules, a module that
  failed to build: its chain is the import path from it to the failed module.
"""

from __future__ import annotations

import re
import tomllib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

from crosscheck.lean.static import exe_roots, strip_comments

_IMPORT_RE = re.compile(r"^\s*import\s+(.+)$")
_LAKE_LEAN_LIB_RE = re.compile(r"^\s*lean_lib\s+(?:«([^»]+)»|([\w.]+))", re.M)
_LAKE_LEAN_NAME_RE = re.compile(r"^\s*package\s+(?:«([^»]+)»|([\w.]+))", re.M)


@dataclass(frozen=True)
class ModuleGraph:
    """Package modules (sorted, root modules first) and, per module, the package modules it imports."""

    libs: tuple[str, ...]
    modules: tuple[str, ...]
    imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def importers(self, module: str) -> tuple[str, ...]:
        """Modules that import ``module`` directly."""
        return tuple(m for m in self.modules if module in self.imports.get(m, ()))

    def depends_on(self, module: str) -> set[str]:
        """Every package module ``module`` imports, directly or not."""
        seen: set[str] = set()
        todo = list(self.imports.get(module, ()))
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo += self.imports.get(m, ())
        return seen

    def restricted(self, keep: Iterable[str]) -> "ModuleGraph":
        """The graph of ``keep`` and every package module they import (what must build for them)."""
        want = set(keep)
        for m in list(want):
            want |= self.depends_on(m)
        mods = tuple(m for m in self.modules if m in want)
        return ModuleGraph(self.libs, mods, {m: self.imports.get(m, ()) for m in mods})

    def blocked(self, failed: Iterable[str]) -> dict[str, tuple[str, ...]]:
        """Every module that imports a failed module (transitively) → its import chain, itself first,
        the failed module last (shortest chain; failed modules themselves are not in the result)."""
        failed = set(failed)
        out: dict[str, tuple[str, ...]] = {}
        queue = deque((f, (f,)) for f in sorted(failed))
        while queue:
            mod, chain = queue.popleft()
            for imp in self.importers(mod):
                if imp not in failed and imp not in out:
                    out[imp] = (imp, *chain)
                    queue.append((imp, out[imp]))
        return out


def library_names(lean_dir: Path) -> tuple[str, ...]:
    """The ``lean_lib`` names of the lakefile (``lakefile.toml`` first), else the package name."""
    toml = lean_dir / "lakefile.toml"
    if toml.is_file():
        try:
            data = tomllib.loads(toml.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        libs = [str(lib["name"]) for lib in data.get("lean_lib", []) if isinstance(lib, dict) and lib.get("name")]
        if libs:
            return tuple(libs)
        if data.get("name"):
            return (str(data["name"]),)
    lean = lean_dir / "lakefile.lean"
    if lean.is_file():
        text = lean.read_text(encoding="utf-8", errors="replace")
        libs = [a or b for a, b in _LAKE_LEAN_LIB_RE.findall(text)]
        if libs:
            return tuple(libs)
        pkg = _LAKE_LEAN_NAME_RE.search(text)
        if pkg:
            return (pkg.group(1) or pkg.group(2),)
    return ()


def read_imports(path: Path) -> tuple[str, ...]:
    """The modules named on the ``import`` lines at the head of ``path`` (comments ignored)."""
    text, _ = strip_comments(path.read_text(encoding="utf-8", errors="replace"))
    out: list[str] = []
    for line in text.splitlines():
        if not line.strip() or line.strip() == "prelude":
            continue
        m = _IMPORT_RE.match(line)
        if not m:
            break  # imports come first: the first other command ends them
        out += [w for w in m.group(1).split() if w not in ("runtime",)]
    return tuple(out)


def module_graph(lean_dir: str | Path) -> ModuleGraph:
    """Scan ``lean_dir`` for the package's modules and their package imports (see the module docstring)."""
    root = Path(lean_dir)
    libs = library_names(root)
    exes = set(exe_roots(root))
    files: dict[str, Path] = {}
    for lib in libs:
        base = root / Path(*lib.split("."))
        cands = [base.with_suffix(".lean")] + (sorted(base.rglob("*.lean")) if base.is_dir() else [])
        for f in cands:
            rel = f.relative_to(root)
            if not f.is_file() or {".lake", "build"} & set(rel.parts) or rel.as_posix() in exes:
                continue
            files[".".join(rel.with_suffix("").parts)] = f
    imports: dict[str, tuple[str, ...]] = {}
    for mod, f in files.items():
        try:
            imports[mod] = tuple(i for i in read_imports(f) if i in files)
        except OSError:
            imports[mod] = ()
    roots = [m for m in libs if m in files]
    ordered = tuple(roots + sorted(m for m in files if m not in roots))
    return ModuleGraph(libs, ordered, imports)
