"""The numerical-check framework: results, figures as data, expectations, and the registry.

A check is a plain function ``fn(ctx: CheckContext) -> CheckResult`` registered under an id with
:func:`register`. It receives its parameters (defaults, overridden by the ledger and the CLI), the
claimed quantities of the claim it serves (``ctx.expect``), a seed, and a progress callback. Figures are
returned as data (:class:`Plot`) and drawn by the report, so results stay JSON-serialisable.
"""

from __future__ import annotations

import inspect
import math
import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

from crosscheck.expr import Expr, ExprError

PASS, FAIL, ERROR, INCONCLUSIVE = "pass", "fail", "error", "inconclusive"
STATUSES = (PASS, FAIL, ERROR, INCONCLUSIVE)
EVIDENCE, CONTROL = "evidence", "control"


class ParameterError(ValueError):
    """A check parameter outside its domain (e.g. m_max = 0, α < 0): a usage error, exit code 2."""


@dataclass(frozen=True)
class Series:
    """One line/marker series of a plot."""

    label: str
    x: tuple[float, ...]
    y: tuple[float, ...]
    style: str = "line"  # "line" | "markers" | "line+markers" | "step"


@dataclass(frozen=True)
class Plot:
    """A figure as data. ``kind`` is ``"xy"`` (series) or ``"heatmap"`` (``z`` rows over ``x``/``y`` ticks).

    ``vlines``/``hlines`` are (position, label) marks, e.g. the paper's value and ours.
    """

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
class Comparison:
    """``|measured − expected| <= atol + rtol·|expected|`` (numpy.testing's rule), one case."""

    quantity: str
    case: str
    measured: float
    expected: float
    rtol: float
    atol: float
    ok: bool

    JSON_PROPERTIES = ("error", "allowed")

    @property
    def error(self) -> float:
        return abs(self.measured - self.expected)

    @property
    def allowed(self) -> float:
        return self.atol + self.rtol * abs(self.expected)


@dataclass(frozen=True)
class CheckResult:
    """What one run of one check found. ``measured``/``expected`` are JSON-ready summaries."""

    check_id: str
    status: str
    summary: str
    measured: Mapping[str, Any] = field(default_factory=dict)
    expected: Mapping[str, Any] = field(default_factory=dict)
    tolerance: Mapping[str, Any] = field(default_factory=dict)
    cases: int = 0
    failures: tuple[Comparison, ...] = ()  # failing comparisons (capped)
    worst: Comparison | None = None  # largest error relative to the allowed error
    certificates: Mapping[str, Any] = field(default_factory=dict)
    plots: tuple[Plot, ...] = ()
    seconds: float = 0.0
    seed: int = 0
    role: str = EVIDENCE
    params: Mapping[str, Any] = field(default_factory=dict)
    quick: bool = False  # run with thinned default grids (``--quick``); explicitly set parameters are kept


@dataclass(frozen=True)
class Expectation:
    """A claimed quantity from the ledger: an expression in case variables plus its tolerance."""

    name: str
    value: Expr
    rtol: float = 0.0
    atol: float = 0.0
    why: str = ""


@dataclass(frozen=True)
class CheckContext:
    seed: int
    params: Mapping[str, Any]
    expect: Mapping[str, Expectation]
    progress: Callable[[str], None] = lambda _msg: None
    quick: bool = False
    overridden: frozenset[str] = frozenset()  # parameters the user set explicitly (`--set`)

    def quick_for(self, *names: str) -> bool:
        """Thin these parameters' grids? Only in quick mode, and never a parameter the user set."""
        return self.quick and not (self.overridden & set(names))

    def rng(self, *keys: int) -> np.random.Generator:
        """A generator for the sub-stream ``keys`` of this run's seed (order-independent, reproducible)."""
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=tuple(int(k) for k in keys)))

    def expected(self, name: str, **variables: float) -> float:
        try:
            exp = self.expect[name]
        except KeyError:
            raise ExprError(f"the claim states no quantity {name!r}") from None
        return float(exp.value(**variables))

    def has(self, name: str) -> bool:
        return name in self.expect


class Recorder:
    """Collects comparisons while a check runs and turns them into a :class:`CheckResult`."""

    MAX_FAILURES = 20

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.cases = 0
        self.failures: list[Comparison] = []
        self.worst: Comparison | None = None
        self._worst_ratio = -1.0
        self.nonfinite: list[str] = []

    def compare(
        self, quantity: str, case: str, measured: float, expected: float, rtol: float | None = None, atol: float | None = None
    ) -> Comparison:
        exp = self.ctx.expect.get(quantity)
        rtol = rtol if rtol is not None else (exp.rtol if exp else 0.0)
        atol = atol if atol is not None else (exp.atol if exp else 0.0)
        measured, expected = float(measured), float(expected)
        finite = math.isfinite(measured) and math.isfinite(expected)
        ok = finite and abs(measured - expected) <= atol + rtol * abs(expected)
        c = Comparison(quantity, case, measured, expected, rtol, atol, ok)
        self.record(c)
        return c

    def claim(self, quantity: str, case: str, measured: float, **variables: float) -> Comparison:
        """Compare ``measured`` with the claim's expression for ``quantity`` at ``variables``."""
        return self.compare(quantity, case, measured, self.ctx.expected(quantity, **variables))

    def record(self, c: Comparison) -> None:
        if not (math.isfinite(c.measured) and math.isfinite(c.expected)):
            # a NaN/inf is a broken computation, not evidence against the claim
            self.nonfinite.append(f"{c.case}: {c.quantity} measured {c.measured!r}, expected {c.expected!r}")
            return
        if not c.ok and len(self.failures) < self.MAX_FAILURES:
            self.failures.append(c)
        ratio = c.error / c.allowed if c.allowed > 0 else (0.0 if c.error == 0 else math.inf)
        if ratio > self._worst_ratio:
            self._worst_ratio, self.worst = ratio, c

    def result(self, check_id: str, summary_pass: str, summary_fail: str, **fields: Any) -> CheckResult:
        status = fields.pop("status", PASS if not self.failures else FAIL)
        summary = summary_pass if status == PASS else summary_fail
        if self.nonfinite:
            status = ERROR
            summary = f"non-finite value in {len(self.nonfinite)} comparison(s), e.g. {self.nonfinite[0]}"
        return CheckResult(
            check_id=check_id,
            status=status,
            summary=summary,
            cases=self.cases,
            failures=tuple(self.failures),
            worst=self.worst,
            seed=self.ctx.seed,
            **fields,
        )


@dataclass(frozen=True)
class CheckSpec:
    """A registered check: its id, function, defaults and the claimed quantities it reads."""

    id: str
    fn: Callable[[CheckContext], CheckResult]
    title: str
    role: str
    defaults: Mapping[str, Any]
    quantities: tuple[str, ...]
    source: str  # "path:line" of the function, for the report's links
    method: str  # what it does, in one paragraph (from the docstring)
    variables: Mapping[str, tuple[str, ...]] | None = None  # quantity → case variables it is evaluated with


_REGISTRY: dict[str, CheckSpec] = {}


def register(
    check_id: str,
    *,
    title: str,
    role: str = EVIDENCE,
    defaults: Mapping[str, Any] | None = None,
    quantities: tuple[str, ...] = (),
    variables: Mapping[str, tuple[str, ...]] | None = None,
) -> Callable[[Callable[[CheckContext], CheckResult]], Callable[[CheckContext], CheckResult]]:
    """Register ``fn`` as check ``check_id``. ``quantities`` are the claim's expectations it reads;
    ``variables`` (optional) names the case variables each is evaluated with, so the ledger loader can
    reject an expression that uses any other name (a typo) before anything runs."""
    if role not in (EVIDENCE, CONTROL):
        raise ValueError(f"role: {role!r}")

    def deco(fn: Callable[[CheckContext], CheckResult]) -> Callable[[CheckContext], CheckResult]:
        if check_id in _REGISTRY and _REGISTRY[check_id].fn is not fn:
            raise ValueError(f"check id {check_id!r} registered twice")
        try:
            src = inspect.getsourcefile(fn) or "?"
            line = inspect.getsourcelines(fn)[1]
        except (OSError, TypeError):
            src, line = "?", 0
        _REGISTRY[check_id] = CheckSpec(
            check_id, fn, title, role, dict(defaults or {}), tuple(quantities), f"{src}:{line}", inspect.getdoc(fn) or "",
            None if variables is None else {q: tuple(v) for q, v in variables.items()},
        )
        return fn

    return deco


def registry() -> Mapping[str, CheckSpec]:
    """All registered checks (importing :mod:`crosscheck.checks` registers the built-in ones)."""
    return dict(_REGISTRY)


def coerce_param(name: str, default: Any, value: Any) -> Any:
    """Coerce a CLI/ledger value to the type of the default (bool, int, float, str, list)."""
    if isinstance(value, str) and not isinstance(default, str):
        text = value.strip()
        if isinstance(default, bool):
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"parameter {name}: expected true/false, got {value!r}")
        if isinstance(default, (list, tuple)):
            # "1,1000" or the form `crosscheck list` prints, "[1.0, 1000.0]"
            items = [t for t in text.strip("[]() ").replace(";", ",").split(",") if t.strip()]
            elem = default[0] if default else 0.0
            return [coerce_param(name, elem, t) for t in items]
        try:
            if isinstance(default, int):
                return int(text)
            if isinstance(default, float):
                x = float(text)
                if not math.isfinite(x):
                    raise ValueError
                return x
        except ValueError:
            raise ValueError(f"parameter {name}: expected {type(default).__name__}, got {value!r}") from None
    if isinstance(default, bool) and not isinstance(value, bool):
        raise ValueError(f"parameter {name}: expected true/false, got {value!r}")
    if isinstance(default, int) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"parameter {name}: expected an integer, got {value!r}")
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ValueError(f"parameter {name}: expected a finite number, got {value!r}")
        value = float(value)
    return value


def resolve_params(spec: CheckSpec, overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Defaults of ``spec`` overridden by ``overrides``; an unknown name is an error (likely a typo)."""
    params = dict(spec.defaults)
    for name, value in overrides.items():
        if name not in spec.defaults:
            known = ", ".join(sorted(spec.defaults)) or "none"
            raise ValueError(f"check {spec.id}: unknown parameter {name!r} (known: {known})")
        params[name] = coerce_param(name, spec.defaults[name], value)
    return params


def run_check(spec: CheckSpec, ctx: CheckContext) -> CheckResult:
    """Run one check, timing it; an exception becomes status ``error`` with its message, never a pass."""
    t0 = time.perf_counter()
    try:
        res = spec.fn(ctx)
        if res.status not in STATUSES:
            raise RuntimeError(f"check returned unknown status {res.status!r}")
        if res.status == PASS and res.cases == 0:
            res = replace(res, status=INCONCLUSIVE, summary="inconclusive: no cases were run")
    except ParameterError as exc:
        res = CheckResult(check_id=spec.id, status=ERROR, summary=f"invalid parameter: {exc}", seed=ctx.seed)
    except Exception as exc:  # a broken check must be reported, not crash the run
        res = CheckResult(
            check_id=spec.id,
            status=ERROR,
            summary=f"error: {type(exc).__name__}: {exc}",
            seed=ctx.seed,
        )
    return replace(res, seconds=time.perf_counter() - t0, role=spec.role, params=dict(ctx.params), seed=ctx.seed, quick=ctx.quick)
