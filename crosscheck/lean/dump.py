"""Read the declaration dump written by ``lake exe dump_decls --out FILE MODULE …`` (the Lean package's program).

Schema::

    {"lean_version": "4.24.0",
     "modules": ["NeuralLandscapes.A"],
     "declarations": [{"name": "NeuralLandscapes.x", "kind": "theorem", "type": "∀ …", "docstring": null,
                       "module": "NeuralLandscapes.A",
                       "range": {"start_line": 3, "start_col": 0, "end_line": 9, "end_col": 20} | null,
                       "axioms": ["propext", "Classical.choice"],
                       "uses": ["NeuralLandscapes.helper"]}, …]}

``axioms`` is transitive (Lean's ``CollectAxioms``); ``uses`` lists the package declarations the
declaration's value and type refer to directly (the edges along which a culprit is traced).
``name`` and ``axioms`` are what the audit needs, so they are required; every other field is optional
and type-checked when present; ``null`` entries are skipped. Anything else (not JSON, truncated, wrong types) is a :class:`DumpError`
whose message says what is wrong and where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

KINDS = ("theorem", "def", "abbrev", "instance", "axiom", "opaque", "inductive", "structure", "other")


class DumpError(ValueError):
    """The dump is not the JSON described above."""


@dataclass(frozen=True)
class DumpDecl:
    name: str
    kind: str
    type: str | None
    docstring: str | None
    module: str | None
    range: tuple[int, int, int, int] | None  # start_line, start_col, end_line, end_col
    axioms: tuple[str, ...]
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dump:
    lean_version: str | None
    decls: Mapping[str, DumpDecl]
    modules: tuple[str, ...] = ()


def merge(dumps: "list[Dump]") -> Dump:
    """One dump out of several (one per module, when the combined dump failed); first entry of a name wins."""
    decls: dict[str, DumpDecl] = {}
    for d in dumps:
        for n, dd in d.decls.items():
            decls.setdefault(n, dd)
    version = next((d.lean_version for d in dumps if d.lean_version), None)
    return Dump(version, decls, tuple(dict.fromkeys(m for d in dumps for m in d.modules)))


def _opt_str(entry: Mapping[str, Any], key: str, where: str) -> str | None:
    val = entry.get(key)
    if val is None or isinstance(val, str):
        return val
    raise DumpError(f"{where}: {key!r} must be a string or null, got {type(val).__name__}")


def _decl(entry: Any, i: int) -> DumpDecl:
    where = f"declarations[{i}]"
    if not isinstance(entry, dict):
        raise DumpError(f"{where}: expected an object, got {type(entry).__name__}")
    name = entry.get("name")
    if not isinstance(name, str) or not name:
        raise DumpError(f"{where}: 'name' must be a non-empty string")
    where = f"{where} ({name})"
    axioms = entry.get("axioms")
    if not isinstance(axioms, list) or not all(isinstance(a, str) for a in axioms):
        raise DumpError(f"{where}: 'axioms' must be a list of names")
    kind = entry.get("kind", "other")
    if not isinstance(kind, str):
        raise DumpError(f"{where}: 'kind' must be a string")
    rng = entry.get("range")
    r: tuple[int, int, int, int] | None = None
    if rng is not None:
        keys = ("start_line", "start_col", "end_line", "end_col")
        if not isinstance(rng, dict) or not all(isinstance(rng.get(k), int) for k in keys):
            raise DumpError(f"{where}: 'range' must be null or an object with integer {', '.join(keys)}")
        r = tuple(int(rng[k]) for k in keys)  # type: ignore[assignment]
    uses = entry.get("uses", [])
    if uses is None:
        uses = []
    if not isinstance(uses, list) or not all(isinstance(u, str) for u in uses):
        raise DumpError(f"{where}: 'uses' must be a list of names")
    return DumpDecl(name, kind, _opt_str(entry, "type", where), _opt_str(entry, "docstring", where), _opt_str(entry, "module", where), r,
                    tuple(axioms), tuple(dict.fromkeys(uses)))


def parse_dump(text: str) -> Dump:
    """Parse and validate the dump; raises :class:`DumpError`."""
    if not text.strip():
        raise DumpError("the dump is empty")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (truncated?)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise DumpError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}") from None
    except RecursionError:
        raise DumpError("not valid JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise DumpError(f"top level must be an object, got {type(data).__name__}")
    decls = data.get("declarations")
    if not isinstance(decls, list):
        raise DumpError("'declarations' must be a list")
    version = data.get("lean_version")
    if version is not None and not isinstance(version, str):
        raise DumpError("'lean_version' must be a string")
    modules = data.get("modules", [])
    if modules is None:
        modules = []
    if not isinstance(modules, list) or not all(isinstance(m, str) for m in modules):
        raise DumpError("'modules' must be a list of module names")
    out: dict[str, DumpDecl] = {}
    for i, entry in enumerate(decls):
        if entry is None:  # the dump program's "constant vanished" placeholder: nothing to audit
            continue
        d = _decl(entry, i)
        out.setdefault(d.name, d)
    return Dump(version, out, tuple(modules))


def read_dump(path: str) -> Dump:
    """Read ``path`` (UTF-8, undecodable bytes replaced) and parse it."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        raise DumpError("the dump program wrote no file") from None
    except OSError as exc:
        raise DumpError(f"cannot read the dump: {exc.strerror}") from None
    return parse_dump(raw.decode("utf-8", errors="replace"))
