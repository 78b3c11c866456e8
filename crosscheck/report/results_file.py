"""Read a saved ``results.json`` (the file, or a report directory holding it), with readable errors.
Light: no numpy, no jinja2, so ``crosscheck diff`` starts fast."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEMA = "crosscheck-results/2"


class ResultsFileError(ValueError):
    """Not a readable crosscheck results.json."""


def read_results(path: str | Path, *, exact_schema: bool = False) -> dict[str, Any]:
    """The data of ``path``; ``exact_schema`` demands this version's schema (to render a page), otherwise
    any ``crosscheck-results/…`` (to compare runs across versions)."""
    p = Path(path)
    if p.is_dir():
        p = p / "results.json"
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ResultsFileError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ResultsFileError(f"{path}: not JSON ({exc})") from None
    schema = str(data.get("schema", "")) if isinstance(data, dict) else ""
    if not schema.startswith("crosscheck-results/"):
        raise ResultsFileError(f"{path}: not a crosscheck results.json (no 'schema': 'crosscheck-results/…')")
    if exact_schema and schema != SCHEMA:
        raise ResultsFileError(f"{path}: written by another version of crosscheck ({schema}; this one reads {SCHEMA})")
    return data
