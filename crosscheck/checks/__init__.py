"""The bundled checks of this repository's two papers, as an explicit list.

Each module exposes ``CHECKS`` (a sequence of :class:`crosscheck.engine.spec.CheckSpec`);
:func:`bundled` collects them. Nothing registers itself on import: the registry is built by
:func:`crosscheck.engine.registry.build_registry` from these and a project's own check modules.
"""

from __future__ import annotations

import importlib

from crosscheck.engine.spec import CheckSpec

MODULES = (
    "crosscheck.checks.kronecker",
    "crosscheck.checks.kronecker_controls",
    "crosscheck.checks.matrix_free",
    "crosscheck.checks.paper",
    "crosscheck.checks.paper_toy",
    "crosscheck.checks.paper_width",
    "crosscheck.checks.paper_formulas",
    "crosscheck.checks.paper_phase",
    "crosscheck.checks.leaky",
    "crosscheck.checks.paper_post_crossing",
    "crosscheck.checks.paper_appendix",
    "crosscheck.checks.paper_softplus",
    "crosscheck.checks.paper_toy_family",
)


def bundled() -> tuple[CheckSpec, ...]:
    """Every bundled check, in module order."""
    out: list[CheckSpec] = []
    for name in MODULES:
        out.extend(importlib.import_module(name).CHECKS)
    return tuple(out)


def registry():
    """The registry of the bundled checks alone (for tests and scripts; ``verify`` builds its own from
    the ledger's ``[project]`` table)."""
    from crosscheck.engine.registry import build_registry

    return build_registry(bundled())


def __getattr__(name: str):
    if name == "CHECKS":  # what a [project].checks entry naming this package reads
        return bundled()
    raise AttributeError(f"module 'crosscheck.checks' has no attribute {name!r}")
