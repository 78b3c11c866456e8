"""Combine the Lean witness and the numerical checks into one verdict per claim (shared design §Verdicts).

| Lean       | numerics        | verdict                                   |
|------------|-----------------|-------------------------------------------|
| any        | fail            | contradicted (a counterexample, shown)    |
| failed     | pass/none/…     | Lean failed                               |
| any        | error           | error (a check crashed; nothing concluded)|
| any        | inconclusive    | inconclusive (reason shown)               |
| verified   | pass or none    | confirmed                                 |
| not run    | pass            | supported numerically (Lean not run)      |
| none named | pass            | agrees (numerical claim, no Lean witness) |
| not run    | none            | not run                                   |

A failing negative control means the evidence cannot tell the claim from its negation, so it makes the
numerics *inconclusive*.
"""

from __future__ import annotations

from crosscheck.checks.base import ERROR, FAIL, INCONCLUSIVE, PASS, CheckResult
from crosscheck.lean.witness import FAILED, NOT_RUN, VERIFIED

CONFIRMED = "confirmed"
SUPPORTED = "supported numerically"
AGREES = "agrees"
CONTRADICTED = "contradicted"
LEAN_FAILED = "Lean failed"
INCONCLUSIVE_V = "inconclusive"
ERROR_V = "error"
NOT_RUN_V = "not run"
VERDICTS = (CONFIRMED, SUPPORTED, AGREES, CONTRADICTED, LEAN_FAILED, INCONCLUSIVE_V, ERROR_V, NOT_RUN_V)
BAD_VERDICTS = frozenset({CONTRADICTED, LEAN_FAILED, ERROR_V})


def numerics_state(evidence: list[CheckResult], controls: list[CheckResult]) -> str | None:
    """``fail`` > ``error`` > ``inconclusive`` > ``pass`` over evidence; ``None`` when there is none.
    A failed or errored control downgrades ``pass`` to ``inconclusive``."""
    if not evidence and not controls:
        return None
    statuses = {r.status for r in evidence}
    if FAIL in statuses:
        return FAIL
    if ERROR in statuses:
        return ERROR
    if INCONCLUSIVE in statuses:
        return INCONCLUSIVE
    if any(r.status != PASS for r in controls):
        return INCONCLUSIVE
    return PASS if evidence else None


def combine(lean_state: str | None, numerics: str | None) -> str:
    """The verdict for a claim; ``lean_state`` is None when the claim names no Lean declaration."""
    if numerics == FAIL:
        return CONTRADICTED
    if lean_state == FAILED:
        return LEAN_FAILED
    if numerics == ERROR:
        return ERROR_V
    if numerics == INCONCLUSIVE:
        return INCONCLUSIVE_V
    if lean_state == VERIFIED:
        return CONFIRMED
    if numerics == PASS:
        return SUPPORTED if lean_state == NOT_RUN else AGREES
    return NOT_RUN_V


def describe(verdict: str, lean_state: str | None) -> str:
    return {
        CONFIRMED: "Lean proof checked and numerics agree",
        SUPPORTED: "numerics agree; Lean not run",
        AGREES: "numerics agree (numerical claim; no Lean witness)",
        CONTRADICTED: "a numerical check disagrees with the claim",
        LEAN_FAILED: "the Lean witness failed",
        INCONCLUSIVE_V: "the evidence cannot decide",
        ERROR_V: "a check crashed; nothing was concluded",
        NOT_RUN_V: "no witness ran",
    }[verdict]
