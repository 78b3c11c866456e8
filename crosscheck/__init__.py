"""crosscheck: check a paper's claims three ways — Lean proof, independent numerics, and a report.

The dependency direction is one way: ``cli → verify → (lean | engine → checks) → numerics``; ``report``
only reads results. The public API for writing a check is re-exported here (imported lazily, so
``crosscheck --version`` stays fast)::

    from crosscheck import check, CheckContext, Param, Presentation, Recorder
"""

from __future__ import annotations

from typing import Any

__version__ = "0.2.0"

_API = {
    "CONTROL", "EVIDENCE", "CheckContext", "CheckResult", "CheckSpec", "Comparison", "ContractError", "Expectation",
    "Param", "ParameterError", "Plot", "Presentation", "QuantityCount", "Recorder", "Role", "Sense", "Series", "Status",
    "Verdict", "check",
}


def __getattr__(name: str) -> Any:
    if name in _API:
        from crosscheck.engine import api

        return getattr(api, name)
    raise AttributeError(f"module 'crosscheck' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _API)
