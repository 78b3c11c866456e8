"""Results as plain JSON data. Keys that vary run to run with the same seed are only timings (``seconds``
and keys starting with ``seconds``), ``generated_at`` and ``log_path``: see :func:`is_volatile`."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

import numpy as np

from crosscheck.expr import Expr

VOLATILE_KEYS = frozenset({"seconds", "generated_at", "log_path"})


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
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: to_data(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name != "fn"}
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


def result_data(result) -> dict[str, Any]:
    """The whole run as JSON data (everything the HTML shows, and more)."""
    lean = result.lean
    scan = lean.scan
    return {
        "schema": "crosscheck-results/1",
        "summary": {"counts": result.counts(), "exit_code": result.exit_code, "claims": len(result.claims)},
        "seed": result.seed,
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
                "lean": to_data(v.lean),
                "checks": to_data(v.evidence),
                "controls": to_data(v.controls),
            }
            for v in result.claims
        ],
    }
