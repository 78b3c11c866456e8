"""Registered numerical checks. Importing this package imports every module in it, which registers the
built-in checks (each module registers its own with :func:`crosscheck.checks.base.register`)."""

import importlib
import pkgutil

from crosscheck.checks.base import (
    CheckContext,
    CheckResult,
    CheckSpec,
    Comparison,
    Expectation,
    Plot,
    Series,
    registry,
    run_check,
)

for _mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if not _mod.name.startswith("_") and _mod.name not in ("base", "cases"):
        importlib.import_module(f"{__name__}.{_mod.name}")

__all__ = ["CheckContext", "CheckResult", "CheckSpec", "Comparison", "Expectation", "Plot", "Series", "registry", "run_check"]
