"""The check contract: a check is **measure** → **judge** → **present**.

* ``measure(ctx) -> M`` computes and returns a small frozen dataclass of measured values and case
  records. It decides nothing.
* ``judge(m, rec) -> None`` walks the measurement and tells the :class:`~crosscheck.engine.recorder.Recorder`
  each case (applicable or not, and why) and each comparison: ``rec.claim`` for a claimed quantity (the
  ledger's tolerance plus a stated floor), ``rec.refute`` in a negative control, ``rec.known`` for the
  check's own consistency tests, ``rec.absent`` / ``rec.inconclusive`` where there is nothing to compare.
  No prose, no status: the recorder decides.
* ``present(m) -> Presentation`` (optional) words what was measured (one sentence), and gives the
  measured values, certificates and plots to show. It reads only the measurement.

The framework fills ``expected``, counts cases and comparisons, combines tolerances, decides the status
and words the standard part of the summary.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np

from crosscheck.engine.outcomes import Role
from crosscheck.engine.parallel import Mapper, serial_map
from crosscheck.engine.params import Param, ParameterError
from crosscheck.engine.results import Plot
from crosscheck.expr import Expr, ExprError


@dataclass(frozen=True)
class Expectation:
    """A claimed quantity from the ledger: an expression in case variables, its tolerance (the ledger's
    allowance ``atol + rtol·|value|``), why, and the Lean declarations that prove it (if any)."""

    name: str
    value: Expr
    rtol: float = 0.0
    atol: float = 0.0
    why: str = ""
    lean: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """What a check's ``measure`` receives: seeded randomness, its parameters, the claim's quantities."""

    seed: int
    params: Mapping[str, Any]
    expect: Mapping[str, Expectation] = field(default_factory=dict)
    progress: Callable[[str], None] = lambda _msg: None
    quick: bool = False
    overridden: frozenset[str] = frozenset()  # parameters the user set explicitly (ledger or --set)
    map: Mapper = serial_map  # the check's own parallel map (see crosscheck.engine.parallel); serial by default

    def quick_for(self, *names: str) -> bool:
        """Thin these parameters' grids? Only in quick mode, and never a parameter set explicitly."""
        return self.quick and not (self.overridden & set(names))

    def rng(self, *keys: int) -> np.random.Generator:
        """A generator for the sub-stream ``keys`` of this run's seed (order-independent, reproducible)."""
        return np.random.default_rng(np.random.SeedSequence(self.seed, spawn_key=tuple(int(k) for k in keys)))

    def has(self, name: str) -> bool:
        return name in self.expect

    def expected(self, name: str, **variables: float) -> float:
        """The claim's value of ``name`` at ``variables`` (for choosing where to look, e.g. the paper's λ*)."""
        try:
            exp = self.expect[name]
        except KeyError:
            raise ExprError(f"the claim states no quantity {name!r}") from None
        return float(exp.value(**variables))


@dataclass(frozen=True, kw_only=True)
class Presentation:
    """What a check shows besides the standard counts: one sentence about what was measured, the
    measured values (nested plain data), certificates, plots, the tolerance rule in words, and any
    parameters actually used that differ from the requested ones (e.g. the data set's true ``d``)."""

    note: str = ""
    measured: Mapping[str, Any] = field(default_factory=dict)
    certificates: Mapping[str, Any] = field(default_factory=dict)
    plots: tuple[Plot, ...] = ()
    tolerance: Mapping[str, Any] = field(default_factory=dict)
    params_used: Mapping[str, Any] = field(default_factory=dict)


def _no_presentation(_m: Any) -> Presentation:
    return Presentation()


@dataclass(frozen=True, kw_only=True)
class CheckSpec:
    """A check: its id, the three steps, what it reads, its parameters and their domains, an optional
    cross-parameter validation (a parameter without effect in the chosen mode is an error) and a memory
    estimate in bytes (refused beyond the budget before any work)."""

    id: str
    title: str
    measure: Callable[[CheckContext], Any]
    judge: Callable[[Any, Any], None]
    present: Callable[[Any], Presentation] = _no_presentation
    role: Role = Role.EVIDENCE
    reads: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # quantity → case variables
    optional: frozenset[str] = frozenset()  # reads the claim may omit
    params: Mapping[str, Param] = field(default_factory=dict)
    validate: Callable[[Mapping[str, Any], frozenset[str]], None] | None = None
    memory: Callable[[Mapping[str, Any]], float] | None = None
    cost: Callable[[Mapping[str, Any]], float] | float | None = None  # seconds of a run on one core (scheduling only)
    origin: str = "built-in"
    source: str = "?"  # "path:line" of measure
    method: str = ""  # what it does (measure's docstring)

    def expected_seconds(self, params: Mapping[str, Any], default: float) -> float:
        """The declared cost of a run with ``params`` (``default`` when none is declared or it fails): a hint
        for ordering the work, never an input to a result."""
        try:
            c = self.cost(params) if callable(self.cost) else self.cost
            return default if c is None else max(0.0, float(c))
        except Exception:  # a broken hint must not break a run
            return default

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(q for q in self.reads if q not in self.optional)

    @property
    def defaults(self) -> dict[str, Any]:
        return {k: p.default for k, p in self.params.items()}


def _origin(fn: Callable[..., Any]) -> tuple[str, int]:
    """(file, first line) of a function's definition, from its code object (reading the source with
    :mod:`inspect` costs ~2 ms per check at start-up); other callables through :mod:`inspect`."""
    code = getattr(inspect.unwrap(fn), "__code__", None)
    if code is not None:
        return code.co_filename, code.co_firstlineno
    try:
        return inspect.getsourcefile(fn) or "?", inspect.getsourcelines(fn)[1]
    except (OSError, TypeError):
        return "?", 0


def check(
    check_id: str,
    *,
    title: str,
    measure: Callable[[CheckContext], Any],
    judge: Callable[[Any, Any], None],
    present: Callable[[Any], Presentation] | None = None,
    role: Role | str = Role.EVIDENCE,
    reads: Mapping[str, tuple[str, ...]] | None = None,
    optional: tuple[str, ...] = (),
    params: Mapping[str, Param | Any] | None = None,
    validate: Callable[[Mapping[str, Any], frozenset[str]], None] | None = None,
    memory: Callable[[Mapping[str, Any]], float] | None = None,
    cost: Callable[[Mapping[str, Any]], float] | float | None = None,
) -> CheckSpec:
    """Build a :class:`CheckSpec`. ``params`` values may be bare defaults (no domain beyond the type) or
    :class:`Param`. ``reads`` maps each claimed quantity the check compares to the case variables its
    expression may use. ``cost`` (seconds of a full run on one core, or a function of the parameters) only
    orders the work of a parallel run, longest first."""
    reads = {q: tuple(v) for q, v in (reads or {}).items()}
    unknown_opt = set(optional) - set(reads)
    if unknown_opt:
        raise ValueError(f"check {check_id}: optional reads {sorted(unknown_opt)} are not in reads")
    ps = {k: (p if isinstance(p, Param) else Param(default=p)) for k, p in (params or {}).items()}
    for k, p in ps.items():
        why = p.violation(p.default)
        if why:
            raise ValueError(f"check {check_id}: default of {k} outside its own domain: {why}")
    src, line = _origin(measure)
    return CheckSpec(
        id=check_id, title=title, measure=measure, judge=judge, present=present or _no_presentation, role=Role(role),
        reads=reads, optional=frozenset(optional), params=ps, validate=validate, memory=memory, cost=cost,
        source=f"{src}:{line}", method=inspect.getdoc(measure) or "",
    )


__all__ = ["CheckContext", "CheckSpec", "Expectation", "Param", "ParameterError", "Presentation", "check"]
