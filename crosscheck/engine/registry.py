"""The check registry: an explicit object built from the bundled checks and a project's check modules.

A check module exposes ``CHECKS``: a sequence of :class:`~crosscheck.engine.spec.CheckSpec`. Nothing is
registered as a side effect of importing. Loading a project's module that fails to import, or that
defines an id twice, is a :class:`CheckLoadError` naming the file (and line, where known).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Iterable, Iterator, Mapping, Sequence

from crosscheck.engine.spec import CheckSpec


class CheckLoadError(ValueError):
    """A check module could not be loaded (import error, no ``CHECKS``, an id defined twice)."""


@dataclass(frozen=True)
class Registry(Mapping[str, CheckSpec]):
    """Check id → spec. Immutable; build with :func:`build_registry`. ``lazy`` maps further ids to the module
    that defines them (the bundled checks): the module is imported the first time one of its ids is looked
    up, so running one check imports one check module. Membership and iteration never import."""

    specs: Mapping[str, CheckSpec]
    lazy: Mapping[str, str] = field(default_factory=dict)
    _loaded: dict[str, CheckSpec] = field(default_factory=dict, compare=False, repr=False)

    def __getitem__(self, key: str) -> CheckSpec:
        if key in self.specs:
            return self.specs[key]
        if key in self._loaded:
            return self._loaded[key]
        module = self.lazy[key]  # KeyError for an unknown id, as for any mapping
        try:
            mod = importlib.import_module(module)
        except Exception as exc:
            raise CheckLoadError(f"{module}: failed to import: {type(exc).__name__}: {exc}") from None
        for c in _module_checks(mod, module):
            if c.id in self.lazy and self.lazy[c.id] == module:
                self._loaded[c.id] = replace(c, origin="built-in")
        if key not in self._loaded:
            raise CheckLoadError(f"{module}: does not define check {key!r} (the index of bundled checks is out of date)")
        return self._loaded[key]

    def __contains__(self, key: object) -> bool:
        return key in self.specs or key in self.lazy

    def __iter__(self) -> Iterator[str]:
        yield from self.specs
        yield from (k for k in self.lazy if k not in self.specs)

    def __len__(self) -> int:
        return len(self.specs) + sum(1 for k in self.lazy if k not in self.specs)


def _module_checks(mod: ModuleType, where: str) -> Sequence[CheckSpec]:
    checks = getattr(mod, "CHECKS", None)
    if checks is None:
        raise CheckLoadError(f"{where}: defines no CHECKS (a sequence of crosscheck.check(...) specs)")
    if not all(isinstance(c, CheckSpec) for c in checks):
        raise CheckLoadError(f"{where}: CHECKS must hold crosscheck.check(...) specs")
    return tuple(checks)


def _import_file(path: Path) -> ModuleType:
    name = "crosscheck_project_" + "_".join(path.with_suffix("").parts[-3:]).replace("-", "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise CheckLoadError(f"{path}: cannot be imported as a Python module")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    try:
        spec.loader.exec_module(mod)
    except SyntaxError as exc:  # the line is the error's own, not the importer's
        sys.modules.pop(name, None)
        raise CheckLoadError(f"{path}:{exc.lineno or '?'}: failed to import: SyntaxError: {exc.msg}") from None
    except Exception as exc:  # a user's module: report where, never crash
        sys.modules.pop(name, None)
        tb = traceback.extract_tb(exc.__traceback__)
        frames = [f for f in tb if Path(f.filename).resolve() == path.resolve()] or tb[-1:]
        line = f":{frames[-1].lineno}" if frames else ""
        raise CheckLoadError(f"{path}{line}: failed to import: {type(exc).__name__}: {exc}") from None
    return mod


def load_check_modules(entries: Iterable[str], base: Path) -> list[tuple[str, Sequence[CheckSpec]]]:
    """Each entry is a ``.py`` file, a folder of them (files starting with ``_`` skipped), or an
    importable module name; paths are relative to ``base`` (the ledger's folder)."""
    out: list[tuple[str, Sequence[CheckSpec]]] = []
    for entry in entries:
        p = (base / entry) if not Path(entry).is_absolute() else Path(entry)
        if entry.endswith(".py") or entry.endswith("/") or p.is_dir() or p.suffix == ".py":
            if p.is_dir():
                files = sorted(f for f in p.glob("*.py") if not f.name.startswith("_"))
                if not files:
                    raise CheckLoadError(f"{p}: no check modules (*.py) in this folder")
            elif p.is_file():
                files = [p]
            else:
                raise CheckLoadError(f"{p}: no such file or folder (from [project].checks)")
            for f in files:
                mod = _import_file(f)
                out.append((str(f), [replace(c, origin=str(f)) for c in _module_checks(mod, str(f))]))
        else:
            try:
                mod = importlib.import_module(entry)
            except Exception as exc:
                raise CheckLoadError(f"{entry}: failed to import: {type(exc).__name__}: {exc}") from None
            out.append((entry, [replace(c, origin=entry) for c in _module_checks(mod, entry)]))
    return out


def build_registry(*groups: Iterable[CheckSpec], lazy: Mapping[str, str] | None = None) -> Registry:
    """Merge groups of specs, and ``lazy`` ids (id → defining module, imported on first use); an id defined
    twice is a :class:`CheckLoadError` naming both origins."""
    specs: dict[str, CheckSpec] = {}
    lazy = dict(lazy or {})
    for group in groups:
        for c in group:
            if c.id in specs and specs[c.id] is not c:
                raise CheckLoadError(f"check id {c.id!r} defined twice: in {specs[c.id].origin} ({specs[c.id].source}) and in {c.origin} ({c.source})")
            if c.id in lazy and c.origin != "built-in":
                raise CheckLoadError(f"check id {c.id!r} defined twice: built in ({lazy[c.id]}) and in {c.origin} ({c.source})")
            specs[c.id] = c
    return Registry(specs, {k: v for k, v in lazy.items() if k not in specs})
