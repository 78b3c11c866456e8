"""The bundled checks of this repository's two papers, as an explicit list.

Each module exposes ``CHECKS`` (a sequence of :class:`crosscheck.engine.spec.CheckSpec`);
:func:`bundled` collects them. Nothing registers itself on import: the registry is built by
:func:`crosscheck.engine.registry.build_registry` from these and a project's own check modules.
"""

from __future__ import annotations

import importlib

from crosscheck.engine.spec import CheckSpec

#: check id → the module (under ``crosscheck.checks``) that defines it, so that running one check imports one
#: module (the registry loads the others only when asked for them). Kept equal to the modules' ``CHECKS`` by a
#: test; a new bundled check is added here and to its module.
INDEX = {
    "kronecker-kernel-dim": "kronecker",
    "kronecker-nonzero-spectrum": "kronecker",
    "empirical-hessian-is-kronecker": "kronecker",
    "regularized-posdef": "kronecker",
    "regularized-alpha-multiplicity": "kronecker",
    "hypothesis-v-nonzero-needed": "kronecker_controls",
    "hypothesis-sigma-nonsingular-needed": "kronecker_controls",
    "hypothesis-alpha-positive-needed": "kronecker_controls",
    "matrix-free-kernel": "matrix_free",
    "matrix-free-kernel-grid": "matrix_free",
    "alpha-floor": "paper",
    "eigenvalue-derivative": "paper",
    "bifurcation-point": "paper",
    "reduced-coefficients": "paper",
    "symmetric-toy": "paper_toy",
    "width-scaling": "paper_width",
    "alpha-0.01-line": "paper_width",
    "paper-formulas": "paper_formulas",
    "phase-diagram": "paper_phase",
    "lambda-star-vs-alpha": "paper_phase",
    "unique-zero": "paper_phase",
    "width-fits": "paper_phase",
    "leaky-kernel-formula": "leaky",
    "leaky-hessian-at-minimum": "leaky",
    "leaky-claim-a": "leaky",
    "leaky-claim-b": "leaky",
    "leaky-claim-c": "leaky",
    "leaky-claim-d": "leaky",
    "leaky-claim-e": "leaky",
    "post-crossing": "paper_post_crossing",
    "restricted-potential-terms": "paper_appendix",
    "activation-degeneracy": "paper_softplus",
    "toy-antidiagonal-potential": "paper_toy_family",
    "toy-family-start": "paper_toy_family",
}


#: the modules, in index order
MODULES = tuple(dict.fromkeys(f"{__name__}.{mod}" for mod in INDEX.values()))


def lazy_index() -> dict[str, str]:
    """:data:`INDEX` with full module names (what :func:`crosscheck.engine.registry.build_registry` takes as
    ``lazy``)."""
    return {cid: f"{__name__}.{mod}" for cid, mod in INDEX.items()}


def bundled() -> tuple[CheckSpec, ...]:
    """Every bundled check, in module order."""
    out: list[CheckSpec] = []
    for name in MODULES:
        out.extend(importlib.import_module(name).CHECKS)
    return tuple(out)


def registry():
    """The registry of the bundled checks alone, each module imported when one of its checks is first asked
    for (for tests and scripts; ``verify`` builds its own from the ledger's ``[project]`` table)."""
    from crosscheck.engine.registry import build_registry

    return build_registry(lazy=lazy_index())


def __getattr__(name: str):
    if name == "CHECKS":  # what a [project].checks entry naming this package reads
        return bundled()
    raise AttributeError(f"module 'crosscheck.checks' has no attribute {name!r}")
