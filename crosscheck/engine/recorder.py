"""The recorder: every comparison a check makes goes through it, and it alone decides the status.

Rules (the shared design's "what makes a verdict sound"), enforced here so no check can bypass them:

* **Ledger tolerance.** A claimed quantity is compared with ``allowed = atol + rtol·|claimed| + floor``:
  the ledger's allowance, plus the check's stated numerical floor (with its reason). A check cannot pass
  its own rtol/atol for a claimed quantity; :meth:`Recorder.known` (a check's internal consistency
  against a known value) refuses a claimed quantity's name.
* **Applicable.** Comparisons belong to a case (:meth:`Recorder.case`). A case whose hypotheses fail is
  marked not applicable, counted and shown, and may not compare a claimed quantity.
* **Compared.** A check passes only when every quantity it reads that the claim states was compared in
  at least one applicable case; otherwise it is inconclusive, naming the quantity and why.
* **Counted.** True totals per quantity; the failures kept for display are capped at
  :data:`MAX_SHOWN` and are the worst (largest error/allowed, ties by absolute error).
* **Finite.** A NaN/inf is a broken computation: the check errors; it is never evidence.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Mapping

from crosscheck.engine.outcomes import Role, Sense, Status
from crosscheck.engine.results import Comparison, QuantityCount, within

MAX_SHOWN = 20  # failing comparisons kept for display (the worst ones); counts are always complete
MAX_NOT_APPLICABLE_SHOWN = 20


class ContractError(RuntimeError):
    """A check broke the contract (compared an undeclared quantity, a claimed quantity with its own
    tolerance, or in a case marked not applicable): a bug in the check, reported as an error."""


@dataclass
class _Count:
    claimed: bool
    sense: Sense
    compared: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Judgement:
    """The recorder's conclusion: status, the standard sentence, and the true counts."""

    status: Status
    summary: str
    reasons: tuple[str, ...]
    cases: int
    applicable: int
    not_applicable: tuple[str, ...]
    counts: tuple[QuantityCount, ...]
    failures: tuple[Comparison, ...]
    n_failures: int
    worst: Comparison | None


def _fmt(x: float) -> str:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6g}"


class Recorder:
    """Collects a check's cases and comparisons. ``expect`` maps each claimed quantity the claim states
    to an object with ``value(**variables)``, ``rtol``, ``atol``; ``reads`` are the quantities the check
    declared (quantity → case variables)."""

    def __init__(self, expect: Mapping[str, object], reads: Mapping[str, tuple[str, ...]], role: Role = Role.EVIDENCE) -> None:
        self._expect = expect
        self._reads = dict(reads)
        self.role = role
        self.cases = 0
        self.applicable = 0
        self._case: str | None = None
        self._case_ok = True
        self._na: list[str] = []
        self._counts: dict[str, _Count] = {}
        self._heap: list[tuple[float, float, int, Comparison]] = []
        self._n_failures = 0
        self._worst: tuple[float, float] | None = None
        self._worst_c: Comparison | None = None
        self._seq = 0
        self._reasons: list[str] = []
        self._nonfinite: list[str] = []
        self._why_not: dict[str, str] = {}
        self._undecided: list[str] = []

    # --- cases -------------------------------------------------------------------------------------
    def case(self, label: str, *, applicable: bool = True, why: str = "", undecided: str = "") -> None:
        """Start a case. ``applicable=False`` (the theorem's hypotheses fail here: ``why``) excludes it
        from the evidence; it is counted and shown. ``undecided`` (e.g. "rank split not certified, gap
        6e-2") says the computation cannot decide this case: it is excluded the same way, and the check is
        inconclusive unless another, decided case disagrees with the claim."""
        self.cases += 1
        ok = applicable and not undecided
        self._case, self._case_ok = label, ok
        if ok:
            self.applicable += 1
        elif undecided:
            self._undecided.append(f"{label}: {undecided}")
            self._na.append(f"{label}: not decided — {undecided}")
        else:
            self._na.append(f"{label}: {why or 'hypotheses do not hold'}")

    def stated(self, quantity: str) -> bool:
        """Does the claim state ``quantity`` (so the check must compare it)?"""
        return quantity in self._reads and quantity in self._expect

    def expected(self, quantity: str, **variables: float) -> float:
        """The claim's value of ``quantity`` at ``variables``."""
        self._declared(quantity)
        return float(self._expect[quantity].value(**variables))  # type: ignore[attr-defined]

    # --- comparisons -------------------------------------------------------------------------------
    def claim(self, quantity: str, measured: float, *, case: str | None = None, floor: float = 0.0, floor_why: str = "",
              **variables: float) -> Comparison | None:
        """Compare ``measured`` with the claimed ``quantity`` at ``variables``, allowed the ledger's
        allowance plus ``floor`` (``floor_why`` says where it comes from). A quantity the claim does not
        state (an optional read) is skipped: returns None."""
        return self._claimed(quantity, measured, Sense.AGREE, case, floor, floor_why, variables)

    def refute(self, quantity: str, measured: float, *, case: str | None = None, floor: float = 0.0, floor_why: str = "",
               **variables: float) -> Comparison | None:
        """A negative control: with a hypothesis dropped, the claimed value must be *wrong*. Passes when
        ``measured`` lies outside the allowed error of the claimed value."""
        return self._claimed(quantity, measured, Sense.REFUTE, case, floor, floor_why, variables)

    def absent(self, quantity: str, why: str, *, case: str | None = None, **variables: float) -> Comparison | None:
        """The claim states a value for something our computation shows does not exist (e.g. a zero of
        λ₁ where the branch has none): a failed comparison, with the reason."""
        if quantity not in self._reads:
            raise ContractError(f"the check compares {quantity!r}, which it does not declare in reads")
        if quantity not in self._expect:
            return None
        label = self._label(case, quantity)
        exp = self._expect[quantity]
        expected = float(exp.value(**variables))  # type: ignore[attr-defined]
        c = Comparison(quantity=quantity, case=label, measured=math.nan, expected=expected, ledger_rtol=exp.rtol,  # type: ignore[attr-defined]
                       ledger_atol=exp.atol, claimed=True, absent=why, ok=False)  # type: ignore[attr-defined]
        self._add(c)
        return c

    def known(self, quantity: str, measured: float, expected: float, *, atol: float, rtol: float = 0.0,
              case: str | None = None, why: str = "") -> Comparison:
        """The check's own consistency test against a known value (finite differences vs analytic, a
        projector's trace, …), with the check's tolerance. Never for a claimed quantity."""
        if quantity in self._reads:
            raise ContractError(f"{quantity!r} is a claimed quantity: compare it with claim(), under the ledger's tolerance")
        label = self._label(case, quantity)
        measured, expected = float(measured), float(expected)
        ok = within(measured, expected, atol + rtol * abs(expected))
        c = Comparison(quantity=quantity, case=label, measured=measured, expected=expected, ledger_rtol=rtol, ledger_atol=atol,
                       floor_why=why, claimed=False, ok=ok)
        self._add(c)
        return c

    def inconclusive(self, reason: str) -> None:
        """Something prevents a decision (an uncertified split, a branch that did not converge)."""
        if reason not in self._reasons:
            self._reasons.append(reason)

    def not_compared(self, quantity: str, why: str) -> None:
        """Say why ``quantity`` could not be compared (shown if it ends up never compared)."""
        self._why_not.setdefault(quantity, why)

    # --- internals ---------------------------------------------------------------------------------
    def _declared(self, quantity: str) -> None:
        if quantity not in self._reads:
            raise ContractError(f"the check compares {quantity!r}, which it does not declare in reads")
        if quantity not in self._expect:
            raise ContractError(f"the claim states no quantity {quantity!r}")

    def _label(self, case: str | None, quantity: str) -> str:
        if self._case is None:
            raise ContractError(f"{quantity!r} compared before any rec.case(...)")
        if not self._case_ok and quantity in self._reads:
            raise ContractError(f"{quantity!r} compared in case {self._case!r}, which is marked not applicable")
        return self._case if case is None else f"{self._case} · {case}" if case != self._case else case

    def _claimed(self, quantity: str, measured: float, sense: Sense, case: str | None, floor: float, floor_why: str,
                 variables: Mapping[str, float]) -> Comparison | None:
        if quantity not in self._reads:
            raise ContractError(f"the check compares {quantity!r}, which it does not declare in reads")
        if quantity not in self._expect:
            return None
        if not (floor >= 0 and math.isfinite(floor)):
            raise ContractError(f"floor for {quantity!r} must be finite and ≥ 0, got {floor!r}")
        label = self._label(case, quantity)
        exp = self._expect[quantity]
        expected = float(exp.value(**variables))  # type: ignore[attr-defined]
        measured = float(measured)
        allowed = exp.atol + exp.rtol * abs(expected) + floor  # type: ignore[attr-defined]
        held = within(measured, expected, allowed)
        ok = held if sense is Sense.AGREE else (math.isfinite(measured) and math.isfinite(expected) and not held)
        c = Comparison(quantity=quantity, case=label, measured=measured, expected=expected, ledger_rtol=exp.rtol,  # type: ignore[attr-defined]
                       ledger_atol=exp.atol, floor=float(floor), floor_why=floor_why, claimed=True, sense=sense, ok=ok)  # type: ignore[attr-defined]
        self._add(c)
        return c

    def _add(self, c: Comparison) -> None:
        if not c.absent and not (math.isfinite(c.measured) and math.isfinite(c.expected)):
            self._nonfinite.append(f"{c.case}: {c.quantity} measured {c.measured!r}, expected {c.expected!r}")
            return
        cnt = self._counts.setdefault(c.quantity, _Count(c.claimed, c.sense))
        cnt.compared += 1
        ratio = c.ratio
        if c.sense is Sense.REFUTE:  # closest to holding is worst
            ratio = math.inf if ratio == 0 else 1.0 / ratio
        key = (ratio, c.error if math.isfinite(c.error) else math.inf)
        self._seq += 1
        if c.sense is Sense.AGREE and (self._worst is None or key > self._worst):
            self._worst, self._worst_c = key, c
        if not c.ok:
            cnt.failed += 1
            self._n_failures += 1
            item = (key[0], key[1], -self._seq, c)
            if len(self._heap) < MAX_SHOWN:
                heapq.heappush(self._heap, item)
            elif item[:3] > self._heap[0][:3]:
                heapq.heapreplace(self._heap, item)

    # --- conclusion --------------------------------------------------------------------------------
    def finish(self) -> Judgement:
        """Decide the status from what was recorded: error (non-finite) > fail > inconclusive > pass."""
        counts = []
        for q in list(self._reads) + [q for q in self._counts if q not in self._reads]:
            if q in self._reads and q not in self._expect:
                continue
            cnt = self._counts.get(q)
            counts.append(QuantityCount(
                quantity=q, claimed=q in self._reads, compared=cnt.compared if cnt else 0, failed=cnt.failed if cnt else 0,
                sense=cnt.sense if cnt else (Sense.REFUTE if self.role is Role.CONTROL else Sense.AGREE),
                why_not="" if cnt else self._why_not.get(q, "the check made no comparison of it"),
            ))
        failures = tuple(c for *_, c in sorted(self._heap, key=lambda t: (t[0], t[1], t[2]), reverse=True))
        reasons: list[str] = []
        if self._nonfinite:
            status = Status.ERROR
            reasons.append(f"non-finite value in {len(self._nonfinite)} comparison(s), e.g. {self._nonfinite[0]}")
        elif self._n_failures:
            status = Status.FAIL
        else:
            reasons = list(self._reasons)
            if self._undecided:
                reasons.append(f"{len(self._undecided)} of {self.cases} case(s) could not be decided numerically "
                               f"(not compared), e.g. {self._undecided[0]}")
            if self.cases == 0:
                reasons.append("no cases were run")
            elif self.applicable == 0 and len(self._undecided) < self.cases:
                reasons.append(f"the hypotheses hold in none of the {self.cases} case(s): " + "; ".join(self._na[:3])
                               + (f"; … ({len(self._na) - 3} more)" if len(self._na) > 3 else ""))
            for qc in counts if self.applicable else ():  # with no applicable case, that is the one reason
                if qc.claimed and qc.compared == 0:
                    reasons.append(f"{qc.quantity} was never compared: {qc.why_not}")
            if not reasons and not any(qc.compared for qc in counts):
                reasons.append("nothing was compared")
            status = Status.INCONCLUSIVE if reasons else Status.PASS
        summary = self._sentence(status, counts, failures, reasons)
        na = tuple(self._na[:MAX_NOT_APPLICABLE_SHOWN])
        return Judgement(status, summary, tuple(reasons), self.cases, self.applicable, na, tuple(counts), failures,
                         self._n_failures, self._worst_c)

    def _sentence(self, status: Status, counts: list[QuantityCount], failures: tuple[Comparison, ...], reasons: list[str]) -> str:
        scope = f"{self.applicable} applicable case{'s' if self.applicable != 1 else ''}"
        if self.applicable != self.cases:
            scope += f" of {self.cases} ({self.cases - self.applicable} not applicable)"
        if status is Status.PASS:
            if self.role is Role.CONTROL:
                refuted = [f"{qc.quantity} wrong in all {qc.compared}" for qc in counts if qc.claimed]
                known = [f"{qc.quantity} as known in {qc.compared}" for qc in counts if not qc.claimed]
                return "hypothesis needed: without it, " + "; ".join(refuted + known) + f" ({scope})"
            parts = [f"{qc.quantity} as claimed in all {qc.compared} comparison{'s' if qc.compared != 1 else ''}" for qc in counts if qc.claimed]
            parts += [f"{qc.quantity} within tolerance in {qc.compared}" for qc in counts if not qc.claimed and qc.compared]
            return "; ".join(parts) + f" ({scope})"
        if status is Status.FAIL:
            bad = [qc for qc in counts if qc.failed]
            words = []
            for qc in bad:
                if qc.sense is Sense.REFUTE:
                    words.append(f"{qc.quantity}: the claimed value still held without the hypothesis in {qc.failed} of {qc.compared}")
                else:
                    words.append(f"{qc.quantity}: {qc.failed} of {qc.compared} comparison{'s' if qc.compared != 1 else ''} disagree")
            w = failures[0] if failures else None
            text = "; ".join(words) + f" ({scope})"
            if w is not None:
                if w.absent:
                    text += f"; worst: {w.case}: claimed {w.quantity} = {_fmt(w.expected)}, but {w.absent}"
                else:
                    text += (f"; worst: {w.case}: {w.quantity} measured {_fmt(w.measured)}, claimed {_fmt(w.expected)}, "
                             f"allowed error {w.allowed:.3g}")
            return text
        return "; ".join(reasons)
