"""What a check returns: comparisons, per-quantity counts, figures as data, and the result itself.

Tolerance rule (numpy.testing's, plus a floor): a comparison of a measured value with a claimed one
passes when ``|measured − claimed| <= ledger_atol + ledger_rtol·|claimed| + floor``, where the first two
terms are the ledger's allowance (never replaced by the check) and ``floor`` is the check's stated
numerical floor (rounding, certificate radius), recorded with its reason. A *refuting* comparison (a
negative control) passes when that inequality fails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

from crosscheck.engine.outcomes import Role, Sense, Status


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """One measured value against one expected value, in one case."""

    quantity: str
    case: str
    measured: float
    expected: float
    ledger_rtol: float = 0.0
    ledger_atol: float = 0.0
    floor: float = 0.0
    floor_why: str = ""
    claimed: bool = True  # the expected value is the claim's (else: a known value of the check's own)
    sense: Sense = Sense.AGREE
    absent: str = ""  # the claimed quantity does not exist in our computation (e.g. no zero): why
    ok: bool = False

    JSON_PROPERTIES = ("error", "allowed", "ledger_allowance")

    @property
    def error(self) -> float:
        return math.inf if self.absent else abs(self.measured - self.expected)

    @property
    def ledger_allowance(self) -> float:
        return self.ledger_atol + self.ledger_rtol * abs(self.expected)

    @property
    def allowed(self) -> float:
        return self.ledger_allowance + self.floor

    @property
    def ratio(self) -> float:
        """error / allowed; ∞ for a non-zero error with nothing allowed."""
        if self.allowed > 0:
            return self.error / self.allowed
        return 0.0 if self.error == 0 else math.inf


def within(measured: float, expected: float, allowed: float) -> bool:
    return math.isfinite(measured) and math.isfinite(expected) and abs(measured - expected) <= allowed


@dataclass(frozen=True, kw_only=True)
class QuantityCount:
    """True totals for one quantity: comparisons made, failed, and cases where it was absent."""

    quantity: str
    claimed: bool
    compared: int = 0
    failed: int = 0
    sense: Sense = Sense.AGREE
    why_not: str = ""  # when compared == 0: why it was never compared


@dataclass(frozen=True)
class Series:
    """One line/marker series of a plot."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    style: str = "line"  # "line" | "markers" | "line+markers" | "step"
    role: str = ""  # "paper" | "ours" | "replay" | "": drawn in a fixed colour/style per role


@dataclass(frozen=True, kw_only=True)
class Plot:
    """A figure as data. ``kind`` is ``"xy"`` (series) or ``"heatmap"`` (``z`` rows over ``x``/``y`` ticks).

    ``vlines``/``hlines`` are (position, label) marks, e.g. the paper's value and ours."""

    name: str
    title: str
    xlabel: str
    ylabel: str
    kind: str = "xy"
    series: tuple[Series, ...] = ()
    z: tuple[tuple[float, ...], ...] = ()
    xticks: tuple[str, ...] = ()
    yticks: tuple[str, ...] = ()
    vlines: tuple[tuple[float, str], ...] = ()
    hlines: tuple[tuple[float, str], ...] = ()
    logx: bool = False
    logy: bool = False
    symlogy: bool = False
    caption: str = ""


@dataclass(frozen=True)
class ErrorInfo:
    """A crashed check: the exception's type, message and traceback (shown folded in the report)."""

    type: str
    message: str
    traceback: str = ""


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """What one run of one check found. Counts are true totals; ``failures`` is capped and keeps the
    worst (largest error/allowed, ties by absolute error); ``n_failures`` is the full count."""

    check_id: str
    status: Status
    summary: str
    role: Role = Role.EVIDENCE
    note: str = ""  # the check's own sentence about what it measured
    reasons: tuple[str, ...] = ()  # why inconclusive / why error
    measured: Mapping[str, Any] = field(default_factory=dict)
    expected: Mapping[str, Any] = field(default_factory=dict)
    tolerance: Mapping[str, Any] = field(default_factory=dict)
    cases: int = 0
    applicable: int = 0
    not_applicable: tuple[str, ...] = ()  # "case: why" (capped)
    counts: tuple[QuantityCount, ...] = ()
    failures: tuple[Comparison, ...] = ()
    n_failures: int = 0
    worst: Comparison | None = None
    certificates: Mapping[str, Any] = field(default_factory=dict)
    plots: tuple[Plot, ...] = ()
    seconds: float = 0.0
    seed: int = 0
    params: Mapping[str, Any] = field(default_factory=dict)
    quick: bool = False
    error: ErrorInfo | None = None

    @property
    def comparisons(self) -> int:
        return sum(c.compared for c in self.counts)
