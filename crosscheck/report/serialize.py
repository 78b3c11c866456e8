"""Results as plain JSON data. Keys that vary run to run with the same seed are only timings (``seconds``
and keys starting with ``seconds``), ``generated_at`` and ``log_path``: see :func:`is_volatile`."""

from __future__ import annotations

import dataclasses
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from enum import Enum

from crosscheck.expr import Expr
from crosscheck.report.results_file import SCHEMA

VOLATILE_KEYS = frozenset({"seconds", "generated_at", "log_path", "argv"})  # argv: the command names the output directory


def is_volatile(key: str) -> bool:
    """Whether a results.json key may differ between two runs with the same seed (timings, dates)."""
    return key in VOLATILE_KEYS or key.startswith("seconds")


def stable_view(data: Any) -> Any:
    """``data`` without its volatile keys: equal for two runs with the same seed."""
    if isinstance(data, dict):
        return {k: stable_view(v) for k, v in data.items() if not is_volatile(k)}
    if isinstance(data, list):
        return [stable_view(x) for x in data]
    return data


def to_data(obj: Any) -> Any:
    """Convert dataclasses, numpy scalars/arrays, Expr, tuples, mappings to JSON-ready data.
    Non-finite floats become the strings "nan"/"inf"/"-inf" (JSON has none)."""
    if isinstance(obj, Expr):
        return obj.text
    if isinstance(obj, Enum):
        return obj.value
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for name in getattr(type(obj), "JSON_PROPERTIES", ()):  # derived values worth keeping in the data
            out[name] = to_data(getattr(obj, name))
        return out
    if isinstance(obj, dict) or hasattr(obj, "items"):
        return {str(k): to_data(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [to_data(x) for x in obj]
        return sorted(items, key=str) if isinstance(obj, (set, frozenset)) else items
    if isinstance(obj, np.ndarray):
        return to_data(obj.tolist())
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    if isinstance(obj, np.integer):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        x = float(obj)
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
        return x
    return obj


def _relative(source: str, root: str | Path) -> str:
    path, _, line = source.rpartition(":")
    try:
        return f"{os.path.relpath(path, root)}:{line}" if path and path != "?" else source
    except ValueError:
        return source


def check_data(r, registry, root: str | Path) -> dict[str, Any]:
    """One check result, with what the page shows about the check itself (title, method, code location)."""
    d = to_data(r)
    spec = registry.get(r.check_id) if registry is not None else None
    d["title"] = spec.title if spec else ""
    d["method"] = spec.method if spec else ""
    d["source"] = _relative(spec.source, root) if spec else ""
    d["origin"] = spec.origin if spec else ""
    d["comparisons"] = r.comparisons
    return d


def result_data(result, root: str | Path = ".", lean_href: str = "../lean") -> dict[str, Any]:
    """The whole run as JSON data: everything the HTML shows (the page is rendered from this alone)."""
    lean = result.lean
    scan = lean.scan
    reg = result.ledger.registry
    o = result.options
    runs: dict[int, str] = {}  # one check run may serve several claims: same object, same key

    def run_key(r) -> str:
        return runs.setdefault(id(r), f"run-{len(runs) + 1}")

    def checks(results) -> list[dict[str, Any]]:
        return [{**check_data(r, reg, root), "run_key": run_key(r)} for r in results]

    return {
        "schema": SCHEMA,
        "title": result.ledger.title,
        "summary": {
            "counts": result.counts(), "exit_code": result.exit_code, "claims": len(result.claims),
            "claims_total": o.get("claims_total", len(result.claims)), "quick": bool(o.get("quick")), "only": list(o.get("only", [])),
            "failing": list(result.failing), "check_runs": o.get("check_runs"), "check_listings": o.get("check_listings"),
        },
        "seed": result.seed,
        "lean_href": lean_href,
        "environment": to_data(result.environment),
        "options": to_data(result.options),
        "seconds": to_data(result.seconds),
        "lean": {
            "mode": lean.mode,
            "ran": lean.ran,
            "summary": lean.summary,
            "toolchain": to_data(lean.toolchain),
            "build": to_data(lean.build),
            "log_tail": lean.log_tail,
            "modules": to_data(lean.modules),
            "warning_count": lean.warning_count,
            "allowed_axioms": list(lean.allowed_axioms),
            "static_scan": None
            if scan is None
            else {
                "root": scan.root,
                "files": list(scan.files),
                "declarations": len(scan.decls),
                "hatches": to_data(scan.hatches),
                "exe_files": list(scan.exe_files),
                "errors": list(scan.errors),
            },
        },
        "claims": [
            {
                "id": v.claim.id,
                "title": v.claim.title,
                "paper": v.claim.paper,
                "source": v.claim.source,
                "statement": v.claim.statement,
                "kind": v.claim.kind,
                "notes": v.claim.notes,
                "verdict": v.verdict,
                "explanation": v.explanation,
                "recorded_verdict": v.recorded,
                "fails_run": v.fails_run,
                "lean_state": v.lean_state,
                "numerics": v.numerics,
                "expect": to_data(v.claim.expect),
                "coverage": [
                    {"quantity": row.quantity, "lean": [list(x) for x in row.lean], "lean_state": row.lean_state,
                     "checks": [{"check_id": c, "status": s, "compared": n, "failed": f} for c, s, n, f in row.checks]}
                    for row in v.coverage
                ],
                "lean": to_data(v.lean),
                "checks": checks(v.evidence),
                "controls": checks(v.controls),
            }
            for v in result.claims
        ],
    }
