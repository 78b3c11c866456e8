"""Run one check: validate its parameters before any work, then measure → judge → present.

:func:`prepare` is the only path from requested parameters to a run: defaults, overrides (ledger,
then command line), domains, the check's own cross-parameter rules, and the memory estimate against the
budget — every violation a :class:`ParameterError` (exit code 2) before anything is computed.
:func:`run_check` never lets a crash pass: an exception becomes status ``error`` with its type and
traceback kept.
"""

from __future__ import annotations

import os
import time
import traceback
from dataclasses import dataclass, replace
from typing import Any, Mapping

from crosscheck.engine.outcomes import Status
from crosscheck.engine.params import ParameterError, resolve
from crosscheck.engine.recorder import Recorder
from crosscheck.engine.results import CheckResult, ErrorInfo
from crosscheck.engine.spec import CheckContext, CheckSpec, Presentation

DEFAULT_SEED = 20240607  # the fixed default seed of every run (shown in the report; --seed to change it)
MEMORY_FRACTION = 0.5  # default budget: half the machine's memory (room for the report and the OS)


def machine_memory() -> float:
    """Physical memory in bytes (``os.sysconf``), or 8 GiB where it cannot be read."""
    try:
        return float(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover
        return 8 * 2.0**30


def default_budget() -> float:
    return MEMORY_FRACTION * machine_memory()


def _gib(x: float) -> str:
    if x >= 2**28:
        return f"{x / 2**30:.2f} GiB"
    return f"{x / 2**20:.0f} MiB" if x >= 2**20 else f"{x / 2**10:.0f} KiB"


def prepare(spec: CheckSpec, overrides: Mapping[str, Any], *, max_memory: float | None = None) -> dict[str, Any]:
    """The parameters a run will use, validated; raises :class:`ParameterError` (exit 2) otherwise."""
    params = resolve(spec.id, spec.params, overrides)
    if spec.validate is not None:
        try:
            spec.validate(params, frozenset(overrides))
        except ParameterError as exc:
            raise ParameterError(f"check {spec.id}: {exc}") from None
    if spec.memory is not None:
        need = float(spec.memory(params))
        budget = default_budget() if max_memory is None else max_memory
        if need > budget:
            raise ParameterError(
                f"check {spec.id}: these parameters need about {_gib(need)} of memory, over the budget of {_gib(budget)} "
                f"(half the machine's memory by default; --max-memory to change it)"
            )
    return params


class _Watched(Mapping[str, Any]):
    """The claim's quantities, noting whether ``measure`` looked at them at all."""

    def __init__(self, inner: Mapping[str, Any]) -> None:
        self._inner = inner
        self.touched = False

    def __getitem__(self, key: str) -> Any:
        self.touched = True
        return self._inner[key]

    def __iter__(self):
        self.touched = True
        return iter(self._inner)

    def __len__(self) -> int:
        self.touched = True
        return len(self._inner)

    def __contains__(self, key: object) -> bool:
        self.touched = True
        return key in self._inner


@dataclass(frozen=True)
class Measurement:
    """What ``measure`` returned for a context, how long it took, and whether it read the claim's
    quantities. One that did not (``shareable``) can be judged against other claims' quantities too:
    the same numbers, judged once per claim."""

    value: Any
    seconds: float
    shareable: bool


def measure_watched(spec: CheckSpec, ctx: CheckContext) -> Measurement | None:
    """Measure once, noting whether ``measure`` looked at the claim's quantities; None on an exception
    (the caller then runs the check in full, which reports the error)."""
    watched = _Watched(ctx.expect)
    t0 = time.perf_counter()
    try:
        m = spec.measure(replace(ctx, expect=watched))
    except ParameterError:
        raise
    except Exception:
        return None
    return Measurement(m, time.perf_counter() - t0, not watched.touched)


def run_check(spec: CheckSpec, ctx: CheckContext, measured: Measurement | None = None) -> CheckResult:
    """Measure (unless ``measured`` is given: a claim-independent measurement), judge, present; time it.
    A :class:`ParameterError` raised inside is re-raised (a usage error, exit 2, whatever the path); any
    other exception becomes an ``error`` result."""
    t0 = time.perf_counter() - (measured.seconds if measured is not None else 0.0)
    rec = Recorder(ctx.expect, spec.reads, spec.role)
    pres = Presentation()
    try:
        m = spec.measure(ctx) if measured is None else measured.value
        spec.judge(m, rec)
        pres = spec.present(m)
        j = rec.finish()
        status, summary = j.status, j.summary
        if pres.note:
            summary = f"{summary}. {pres.note}" if summary else pres.note
        res = CheckResult(
            check_id=spec.id, status=status, summary=summary, role=spec.role, note=pres.note, reasons=j.reasons,
            measured=dict(pres.measured), tolerance=dict(pres.tolerance), certificates=dict(pres.certificates), plots=tuple(pres.plots),
            cases=j.cases, applicable=j.applicable, not_applicable=j.not_applicable, counts=j.counts,
            failures=j.failures, n_failures=j.n_failures, worst=j.worst,
        )
    except ParameterError:
        raise
    except Exception as exc:  # a broken check is reported, never a pass
        tb = traceback.format_exc()
        res = CheckResult(
            check_id=spec.id, status=Status.ERROR, summary=f"{type(exc).__name__}: {exc}", role=spec.role,
            reasons=(f"{type(exc).__name__}: {exc}",), error=ErrorInfo(type(exc).__name__, str(exc), tb),
            cases=rec.cases, applicable=rec.applicable,
        )
    expected = {q: ctx.expect[q].value.text for q in spec.reads if q in ctx.expect}
    params = {**dict(ctx.params), **dict(pres.params_used)}
    return replace(res, expected=expected, seconds=time.perf_counter() - t0, seed=ctx.seed, params=params, quick=ctx.quick)


def run_one(spec: CheckSpec, expect: Mapping[str, Any] | None = None, params: Mapping[str, Any] | None = None, *,
            seed: int = 0, quick: bool = False, max_memory: float | None = None) -> CheckResult:
    """Run one check outside ``verify`` (tests, notebooks): ``expect`` maps a quantity to an expression
    string, a number, or an :class:`Expectation`; ``params`` are validated like the ledger's."""
    from crosscheck.expr import parse
    from crosscheck.engine.spec import Expectation

    exp = {}
    for q, e in (expect or {}).items():
        exp[q] = e if isinstance(e, Expectation) else Expectation(q, parse(e))
    explicit = dict(params or {})
    ctx = CheckContext(seed=seed, params=prepare(spec, explicit, max_memory=max_memory), expect=exp, quick=quick, overridden=frozenset(explicit))
    return run_check(spec, ctx)
