"""Combine the Lean witness and the numerical checks into one verdict per claim (shared design §Verdicts).

| Lean       | numerics        | verdict                                   |
|------------|-----------------|-------------------------------------------|
| any        | fail            | contradicted (a counterexample, shown)    |
| failed     | pass/none/…     | Lean failed                               |
| any        | error           | error (a check crashed; nothing concluded)|
| any        | inconclusive    | inconclusive (reason shown)               |
| verified   | pass or none    | confirmed — if every claimed quantity is proved by a verified declaration |
| verified   | pass            | supported numerically, naming what Lean confirmed and what only numerics support |
| not run    | pass            | supported numerically (Lean not run)      |
| none named | pass            | agrees (numerical claim, no Lean witness) |
| not run    | none            | not run                                   |

A failing negative control means the evidence cannot tell the claim from its negation, so it makes the
numerics *inconclusive*. *Confirmed* is only for what Lean proves: a claim with claimed quantities is
confirmed when each quantity names (``lean = [...]`` in the ledger) verified declarations that prove it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

from crosscheck.engine.outcomes import Status, Verdict
from crosscheck.engine.results import CheckResult
from crosscheck.lean.states import FAILED, NOT_RUN, VERIFIED

CONFIRMED, SUPPORTED, AGREES = Verdict.CONFIRMED, Verdict.SUPPORTED, Verdict.AGREES
CONTRADICTED, LEAN_FAILED = Verdict.CONTRADICTED, Verdict.LEAN_FAILED
INCONCLUSIVE_V, ERROR_V, NOT_RUN_V = Verdict.INCONCLUSIVE, Verdict.ERROR, Verdict.NOT_RUN
VERDICTS = tuple(Verdict)
BAD_VERDICTS = frozenset({CONTRADICTED, LEAN_FAILED, ERROR_V})
GREEN_VERDICTS = frozenset({CONFIRMED, SUPPORTED, AGREES})


@dataclass(frozen=True)
class QuantityCoverage:
    """One row of a claim's coverage table: a claimed quantity, the Lean declarations that prove it
    (with their states), and each check that reads it (status, comparisons, failures)."""

    quantity: str
    lean: tuple[tuple[str, str], ...]  # (declaration, state)
    checks: tuple[tuple[str, str, int, int], ...]  # (check id, status, compared, failed)

    @property
    def lean_state(self) -> str | None:
        if not self.lean:
            return None
        states = {s for _, s in self.lean}
        return FAILED if FAILED in states else NOT_RUN if NOT_RUN in states else VERIFIED


def numerics_state(evidence: Sequence[CheckResult], controls: Sequence[CheckResult]) -> Status | None:
    """``fail`` > ``error`` > ``inconclusive`` > ``pass`` over evidence; ``None`` when there is none.
    A failed or errored control downgrades ``pass`` to ``inconclusive``."""
    if not evidence and not controls:
        return None
    statuses = {r.status for r in evidence}
    for s in (Status.FAIL, Status.ERROR, Status.INCONCLUSIVE):
        if s in statuses:
            return s
    if any(r.status != Status.PASS for r in controls):
        return Status.INCONCLUSIVE
    return Status.PASS if evidence else None


def coverage(expect: Mapping[str, object], lean_states: Mapping[str, str], results: Sequence[CheckResult]) -> tuple[QuantityCoverage, ...]:
    rows = []
    for q, e in expect.items():
        lean = tuple((n, lean_states.get(n, NOT_RUN)) for n in getattr(e, "lean", ()))
        checks = []
        for r in results:
            for qc in r.counts:
                if qc.quantity == q and qc.claimed:
                    checks.append((r.check_id, str(r.status), qc.compared, qc.failed))
        rows.append(QuantityCoverage(q, lean, tuple(checks)))
    return tuple(rows)


def combine(lean_state: str | None, numerics: Status | None, rows: Sequence[QuantityCoverage] = ()) -> Verdict:
    """The verdict for a claim; ``lean_state`` is None when the claim names no Lean declaration."""
    if numerics == Status.FAIL:
        return CONTRADICTED
    if lean_state == FAILED:
        return LEAN_FAILED
    if numerics == Status.ERROR:
        return ERROR_V
    if numerics == Status.INCONCLUSIVE:
        return INCONCLUSIVE_V
    if lean_state == VERIFIED:
        if all(r.lean_state == VERIFIED for r in rows):
            return CONFIRMED
        return SUPPORTED if numerics == Status.PASS else NOT_RUN_V
    if numerics == Status.PASS:
        return SUPPORTED if lean_state == NOT_RUN else AGREES
    return NOT_RUN_V


def shorten(text: str, n: int = 160) -> str:
    """``text`` on one line, cut to ``n`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def reason(verdict: Verdict, results: Sequence[CheckResult], lean: Sequence[object] = ()) -> str:
    """The first concrete reason behind a non-green verdict: the failing check and what disagreed, the
    failed declaration and why, the reason a check could not decide, or the crash."""
    if verdict == CONTRADICTED:
        for r in results:
            if r.status == Status.FAIL:
                bad = [f"{q.quantity} ({q.failed} of {q.compared} disagree)" for q in r.counts if q.failed]
                return shorten(f"{r.check_id}: " + ("; ".join(bad) or r.summary))
    if verdict == LEAN_FAILED:
        for w in lean:
            if getattr(w, "state", None) == FAILED:
                return shorten(f"{w.name}: {w.reason}")
    if verdict == INCONCLUSIVE_V:
        for r in results:
            if r.status != Status.PASS:
                return shorten(f"{r.check_id}: " + ("; ".join(r.reasons) or r.summary))
    if verdict == ERROR_V:
        for r in results:
            if r.status == Status.ERROR:
                return shorten(f"{r.check_id}: {r.summary}")
    return ""


def describe(verdict: Verdict, lean_state: str | None, rows: Sequence[QuantityCoverage] = ()) -> str:
    """One line for a reader: what the verdict rests on."""
    if verdict == SUPPORTED and lean_state == VERIFIED:
        proved = [r.quantity for r in rows if r.lean_state == VERIFIED]
        rest = [r.quantity for r in rows if r.lean_state != VERIFIED]
        return (f"confirmed by Lean: {', '.join(proved) or 'no claimed quantity'}; "
                f"numerics only: {', '.join(rest)}")
    if verdict == NOT_RUN_V and lean_state == VERIFIED:
        return "Lean verified its declarations, but they prove none of the claimed quantities and no check ran"
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
