"""``crosscheck verify``: ledger → (validate everything) → Lean stage → numerical checks → verdicts.

Order matters for trust: the ledger, every check's parameters and their memory estimates are validated
before any work (a problem is exit 2, no report). Identical check runs (same check, parameters, claimed
quantities it reads, seed, mode) run once and serve every claim that lists them; checks run in worker
processes (``jobs``), and results do not depend on their number (every draw is seeded per check).
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import subprocess
import time
from concurrent.futures import Executor, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from crosscheck import __version__
from crosscheck.claims import Claim, Ledger, load_ledger
from crosscheck.engine.outcomes import Role, Status, Verdict
from crosscheck.engine.params import ParameterError
from crosscheck.engine.registry import Registry
from crosscheck.engine.results import CheckResult
from crosscheck.engine.runner import prepare, run_check
from crosscheck.engine.spec import CheckContext, Expectation
from crosscheck.lean.problems import Kind, kinds
from crosscheck.lean.stage import run_lean_stage
from crosscheck.lean.witness import DeclWitness, LeanStage, claim_state, statement_diff
from crosscheck.verdict import BAD_VERDICTS, QuantityCoverage, combine, coverage, describe, numerics_state, reason

from crosscheck.engine.runner import DEFAULT_SEED  # noqa: E402,F401  (re-exported: the fixed default seed)


@dataclass(frozen=True, kw_only=True)
class ClaimVerdict:
    claim: Claim
    verdict: Verdict
    explanation: str
    lean_state: str | None
    numerics: Status | None
    lean: tuple[DeclWitness, ...]
    evidence: tuple[CheckResult, ...]
    controls: tuple[CheckResult, ...]
    coverage: tuple[QuantityCoverage, ...] = ()
    strict: bool = False  # --strict: an unrecorded inconclusive or not-run verdict fails the run too

    @property
    def recorded(self) -> str | None:
        return self.claim.recorded_verdict

    @property
    def fails_run(self) -> bool:
        """A bad verdict fails the run unless the ledger records it as a known finding; a recorded finding
        that no longer holds also fails the run, so the ledger is kept true."""
        if self.recorded is not None:
            return self.verdict != self.recorded
        return self.verdict in BAD_VERDICTS or (self.strict and self.verdict in (Verdict.INCONCLUSIVE, Verdict.NOT_RUN))


@dataclass(frozen=True, kw_only=True)
class RunResult:
    ledger: Ledger
    lean: LeanStage
    claims: tuple[ClaimVerdict, ...]
    seed: int
    environment: Mapping[str, Any]
    seconds: Mapping[str, float]
    exit_code: int
    options: Mapping[str, Any] = field(default_factory=dict)
    failing: tuple[str, ...] = ()  # why the exit code is non-zero, one line each

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.claims:
            out[str(c.verdict)] = out.get(str(c.verdict), 0) + 1
        return out


def environment(seed: int, root: Path) -> dict[str, Any]:
    """Versions, commit, seed and date, for the report's environment block."""
    import jinja2
    import matplotlib
    import numpy
    import scipy

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        ).stdout.strip() or "unknown"
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=10).stdout.strip())
    except (OSError, subprocess.TimeoutExpired):
        commit, dirty = "unknown", False
    return {
        "crosscheck": __version__,
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "matplotlib": matplotlib.__version__,
        "jinja2": jinja2.__version__,
        "platform": platform.platform(),
        "git_commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "seed": seed,
        "generated_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC"),
    }


# ---- the numerics: planned, deduplicated, run (in parallel) ------------------------------------------


@dataclass(frozen=True)
class Task:
    """One check run: the key identifies identical runs (shared between claims)."""

    key: str
    check_id: str
    params: Mapping[str, Any]
    expect: Mapping[str, Expectation]
    overridden: frozenset[str]


def task_key(check_id: str, params: Mapping[str, Any], expect: Mapping[str, Expectation], seed: int, quick: bool) -> str:
    """(check, parameters, claimed quantities it reads with their tolerances, seed, mode) as text."""
    quantities = {q: [e.value.text, e.rtol, e.atol] for q, e in sorted(expect.items())}
    return json.dumps([check_id, dict(sorted(params.items())), quantities, seed, quick], sort_keys=True, default=str)


def plan(claims: Sequence[Claim], reg: Registry, seed: int, quick: bool, max_memory: float | None) -> tuple[dict[str, Task], dict[str, list[str]]]:
    """Validate every (claim, check) before any work; return the distinct tasks and, per claim, its keys.
    Raises :class:`ParameterError` (exit 2) on the first invalid parameter."""
    tasks: dict[str, Task] = {}
    per_claim: dict[str, list[str]] = {}
    for c in claims:
        keys = []
        for cid in c.checks:
            spec = reg[cid]
            overrides = dict(c.params.get(cid, {}))
            try:
                params = prepare(spec, overrides, max_memory=max_memory)
            except ParameterError as exc:
                raise ParameterError(f"claim {c.id}: {exc}") from None
            expect = {q: e for q, e in c.expect.items() if q in spec.reads}
            key = task_key(cid, params, expect, seed, quick)
            tasks.setdefault(key, Task(key, cid, params, expect, frozenset(overrides)))
            keys.append(key)
        per_claim[c.id] = keys
    return tasks, per_claim


# ---- running the tasks: longest first, in this process, forked workers or any Executor ------------------

#: Seconds assumed for a check run that declares no cost (``check(..., cost=...)``) and has no earlier timing:
#: a small check (the bundled checks declare a cost from 0.2 s up). Only the order of submission depends on
#: costs, never a result.
DEFAULT_COST = 0.2
RUN_CACHE_ENV = "CROSSCHECK_RUN_CACHE"  # a folder shared by the run's workers for caches of pure results


@dataclass(frozen=True)
class Job:
    """Everything a worker needs to run one task, picklable (for executors on other machines): the ledger's
    path (the worker rebuilds the registry from it, once per process), the check, its validated parameters,
    the claimed quantities it reads, seed, mode and the run's cache folder."""

    ledger: str
    key: str
    check_id: str
    params: Mapping[str, Any]
    expect: Mapping[str, Expectation]
    overridden: frozenset[str]
    seed: int
    quick: bool
    cache_dir: str | None = None
    others: tuple[tuple[str, Mapping[str, Expectation]], ...] = ()  # same check and parameters, other claims


_WORKER: dict[str, Any] = {}  # the parent's registry (inherited by forked workers) and per-process registries


def _registry_for(ledger: str) -> Registry:
    """The registry of ``ledger``: the parent's (same process or forked), else loaded once per process."""
    regs: dict[str, Registry] = _WORKER.setdefault("registries", {})
    if ledger not in regs and ledger == "<registry>":
        raise RuntimeError("this worker did not inherit the registry: pass the ledger's path to run_tasks")
    if ledger not in regs:
        loaded = load_ledger(ledger).registry
        assert loaded is not None
        regs[ledger] = loaded
    return regs[ledger]


def run_job(job: Job, progress: Callable[[str], None] = lambda _m: None) -> tuple[str, CheckResult]:
    """Run one planned task (in this process or a worker) on one BLAS thread. Results depend only on the job
    (every draw is seeded from ``job.seed`` and the check), never on the worker, their number or the order."""
    return run_group(job, progress)[0]


def run_group(job: Job, progress: Callable[[str], None] = lambda _m: None) -> list[tuple[str, CheckResult]]:
    """Run a job and its ``others`` (the same check and parameters under other claims' quantities). The
    measurement is made once; when ``measure`` did not read the claim's quantities it is judged against each
    claim's (the same numbers a separate run would give), otherwise each runs in full."""
    from crosscheck.engine.runner import measure_watched
    from crosscheck.numerics._blas import single_blas_thread

    if job.cache_dir is not None:
        os.environ[RUN_CACHE_ENV] = job.cache_dir
    spec = _registry_for(job.ledger)[job.check_id]

    def ctx_for(expect: Mapping[str, Expectation]) -> CheckContext:
        return CheckContext(seed=job.seed, params=job.params, expect=expect, quick=job.quick, overridden=job.overridden, progress=progress)

    out: list[tuple[str, CheckResult]] = []
    with single_blas_thread():  # workers × 1 thread = cores, and the same arithmetic for every number of workers
        first = ctx_for(job.expect)
        m = measure_watched(spec, first) if job.others else None
        out.append((job.key, run_check(spec, first, m)))
        for key, expect in job.others:
            out.append((key, run_check(spec, ctx_for(expect), m if m is not None and m.shareable else None)))
    return out


def cost(task: Task, hints: Mapping[str, float] | None = None, reg: Registry | None = None) -> float:
    """Expected seconds of a task: an earlier run's time of that check (``hints``), else the cost its spec
    declares for these parameters, else :data:`DEFAULT_COST`."""
    if hints and task.check_id in hints:
        return float(hints[task.check_id])
    spec = reg.get(task.check_id) if reg is not None else None
    return spec.expected_seconds(task.params, DEFAULT_COST) if spec is not None else DEFAULT_COST


def schedule(tasks: Mapping[str, Task], hints: Mapping[str, float] | None = None, reg: Registry | None = None) -> list[str]:
    """Task keys longest first (ties in plan order): with a greedy pool this is the LPT rule, whose makespan
    is within 4/3 of the optimum; the long checks never start last. A second run of the same check (other
    claimed quantities or parameters) mostly reads what the first left in the run's cache, so it counts as
    short and starts late, when the first has written it, instead of computing the same beside it."""
    order = {k: i for i, k in enumerate(tasks)}
    seen: set[str] = set()
    eff: dict[str, float] = {}
    for k, t in tasks.items():
        c = cost(t, hints, reg)
        eff[k] = min(c, DEFAULT_COST) if t.check_id in seen else c
        seen.add(t.check_id)
    return sorted(tasks, key=lambda k: (-eff[k], order[k]))


def previous_timings(results_json: str | Path) -> dict[str, float]:
    """Per-check seconds of an earlier ``results.json`` (the longest run of each check), for :func:`schedule`;
    empty if there is none or it cannot be read."""
    try:
        data = json.loads(Path(results_json).read_text(encoding="utf-8"))
        out: dict[str, float] = {}
        for c in data.get("claims", []):
            for r in [*c.get("checks", []), *c.get("controls", [])]:
                out[r["check_id"]] = max(out.get(r["check_id"], 0.0), float(r.get("seconds", 0.0)))
        return out
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return {}


def make_executor(spec: str, jobs: int) -> Executor:
    """``process`` (forked worker processes, ``jobs`` of them) or ``dask:ADDRESS`` (a Dask cluster's
    ``Client(ADDRESS).get_executor()``; needs the optional extra ``crosscheck[dask]``). Raises ParameterError."""
    if spec == "process":
        import multiprocessing

        return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
    if spec.startswith("dask:"):
        address = spec.removeprefix("dask:")
        if not address:
            raise ParameterError("--executor dask:ADDRESS needs the scheduler's address, e.g. dask:tcp://10.0.0.5:8786")
        try:
            from distributed import Client
        except ImportError:
            raise ParameterError("--executor dask:… needs Dask: pip install 'crosscheck[dask]'") from None
        return _DaskExecutor(Client(address))
    raise ParameterError(f"--executor: expected 'process' or 'dask:ADDRESS', got {spec!r}")


class _DaskExecutor(Executor):
    """A Dask client's executor that also closes the client on shutdown."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self._ex = client.get_executor(pure=False)

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        return self._ex.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._ex.shutdown(wait=wait)
        self._client.close()


def run_tasks(tasks: Mapping[str, Task], reg: Registry, seed: int, quick: bool, jobs: int,
              progress: Callable[[str], None], executor: Executor | None = None, *,
              ledger: str | Path | None = None, hints: Mapping[str, float] | None = None) -> dict[str, CheckResult]:
    """Run every task once, longest first (:func:`schedule`): in this process (``jobs`` = 1, no executor), in
    ``jobs`` forked worker processes, or through ``executor`` (any :class:`concurrent.futures.Executor`; the
    jobs sent are picklable and name the ledger, from which a worker in another process rebuilds the
    registry). Results are keyed, so their order of completion does not matter; the run's workers share a
    cache folder for pure results (a cache hit returns what the computation would)."""
    import tempfile

    path = str(Path(ledger).resolve()) if ledger is not None else "<registry>"
    _WORKER.setdefault("registries", {})[path] = reg  # this process and forked workers use it as is
    keys = schedule(tasks, hints, reg)
    n = len(keys)
    out: dict[str, CheckResult] = {}
    previous_cache = os.environ.get(RUN_CACHE_ENV)
    # one job per (check, parameters): its claims' quantities share one measurement where measure allows
    groups: dict[str, list[str]] = {}
    for k in keys:
        t = tasks[k]
        groups.setdefault(json.dumps([t.check_id, dict(sorted(t.params.items())), sorted(t.overridden)], sort_keys=True, default=str), []).append(k)
    with tempfile.TemporaryDirectory(prefix="crosscheck-run-") as cache:
        jobs_ = [Job(path, g[0], tasks[g[0]].check_id, tasks[g[0]].params, tasks[g[0]].expect, tasks[g[0]].overridden, seed, quick, cache,
                     tuple((k, tasks[k].expect) for k in g[1:])) for g in groups.values()]
        done = 0

        def collect(results: list[tuple[str, CheckResult]]) -> None:
            nonlocal done
            for k, res in results:
                out[k] = res
                done += 1
                progress(f"[{done}/{n}] {res.check_id}: {res.status} ({res.seconds:.1f} s)")

        try:
            if jobs <= 1 and executor is None:
                for job in jobs_:
                    progress(f"[{done + 1}/{n}] {job.check_id} …")
                    collect(run_group(job, progress))
                return out
            own = executor is None
            ex = executor or make_executor("process", jobs)
            try:
                futures = [ex.submit(run_group, job) for job in jobs_]
                for fut in as_completed(futures):
                    collect(fut.result())
            finally:
                if own:
                    ex.shutdown(cancel_futures=True)
            return out
        finally:
            if previous_cache is None:
                os.environ.pop(RUN_CACHE_ENV, None)
            else:
                os.environ[RUN_CACHE_ENV] = previous_cache


def _with_recorded_diff(w: DeclWitness, recorded: str | None) -> DeclWitness:
    """Where the ledger records the statement text, show drift as a diff of the statements."""
    if recorded is None or w.decl is None or " ".join(recorded.split()) == w.decl.statement:
        return w
    if Kind.DRIFT not in kinds(w.problems):
        return w
    return replace(w, statement_diff=statement_diff(recorded, w.decl))


def verify(
    claims_path: str | Path,
    *,
    lean_dir: str | Path | None = None,
    lean_mode: str = "auto",
    only: Sequence[str] = (),
    seed: int = DEFAULT_SEED,
    quick: bool = False,
    lean_timeout: float = 3600.0,
    jobs: int = 1,
    max_memory: float | None = None,
    command: str = "",
    progress: Callable[[str], None] = lambda _m: None,
    executor: Executor | None = None,
    strict: bool = False,
    cost_hints: Mapping[str, float] | None = None,
) -> RunResult:
    """Run the whole pipeline and return the result (the caller writes the report). Raises
    :class:`~crosscheck.claims.LedgerError` or :class:`ParameterError` (exit 2) before any work.
    ``executor`` (optional) runs the checks instead of ``jobs`` forked processes (the caller shuts it down);
    ``cost_hints`` (check id → seconds, e.g. :func:`previous_timings`) order the tasks longest first."""
    t0 = time.perf_counter()
    ledger = load_ledger(claims_path, max_memory=max_memory)
    assert ledger.registry is not None and ledger.project is not None
    reg = ledger.registry
    claims = list(ledger.claims)
    if seed < 0:
        raise ParameterError(f"--seed must be ≥ 0, got {seed}")
    if only:
        known = [x.id for x in claims]
        unknown = [c for c in only if c not in known]
        if unknown:
            import difflib

            hints = [f"{u!r}" + (f" (did you mean {difflib.get_close_matches(u, known, 1)[0]!r}?)" if difflib.get_close_matches(u, known, 1) else "") for u in unknown]
            raise ParameterError(f"--only: unknown claim id(s) {', '.join(hints)}; see `crosscheck list`")
        claims = [c for c in claims if c.id in only]
    tasks, per_claim = plan(claims, reg, seed, quick, max_memory)
    names: dict[str, str | None] = {}
    for c in claims:
        for n in c.lean:
            names[n] = c.fingerprints.get(n)
    lean_path = Path(lean_dir) if lean_dir is not None else ledger.project.lean_path
    if names and not lean_path.is_dir():
        naming = sorted({c.id for c in claims if c.lean})
        raise ParameterError(
            f"no Lean package at {lean_path}, but claim(s) {', '.join(naming[:5])}{' …' if len(naming) > 5 else ''} name Lean "
            "declarations; pass --lean-dir or set [project].lean_dir in the ledger")
    progress("Lean stage …")
    lean = run_lean_stage(lean_path, names, lean_mode, timeout=lean_timeout, progress=progress,
                          allowed_axioms=ledger.project.allowed_axioms, modules=ledger.project.lean_modules)
    progress(f"Lean: {lean.summary}")
    t1 = time.perf_counter()
    progress(f"numerics: {len(tasks)} check run(s) for {len(claims)} claim(s), "
             + (f"executor {type(executor).__name__}" if executor is not None else f"{jobs} worker(s)"))
    results = run_tasks(tasks, reg, seed, quick, jobs, progress, executor, ledger=claims_path, hints=cost_hints)
    verdicts = []
    for c in claims:
        evidence, controls = [], []
        for cid, key in zip(c.checks, per_claim[c.id]):
            (controls if reg[cid].role is Role.CONTROL else evidence).append(results[key])
        wit = [_with_recorded_diff(lean.decls[n], c.statements.get(n)) for n in c.lean]
        lstate = claim_state(wit) if c.lean else None
        nstate = numerics_state(evidence, controls)
        rows = coverage(c.expect, {w.name: w.state for w in wit}, [*evidence, *controls])
        v = combine(lstate, nstate, rows)
        why = reason(v, [*evidence, *controls], wit)
        explanation = why or describe(v, lstate, rows)
        verdicts.append(ClaimVerdict(claim=c, verdict=v, explanation=explanation, lean_state=lstate, numerics=nstate,
                                     lean=tuple(wit), evidence=tuple(evidence), controls=tuple(controls), coverage=rows, strict=strict))
    t2 = time.perf_counter()
    failing = [f"claim {v.claim.id}: {v.verdict} — " + (f"the ledger records {v.recorded!r}; it changed" if v.recorded else v.explanation)
               for v in verdicts if v.fails_run]
    lean_required_missing = lean_mode == "require" and not lean.ran
    if lean_required_missing:
        failing.append(f"Lean stage: --lean=require, but Lean did not run ({lean.summary})")
    for w in {w.name: w for v in verdicts for w in v.lean}.values():
        if Kind.NO_SOURCES in kinds(w.problems):
            failing.append(f"Lean sources: none found at {lean_path}; pass --lean-dir or set [project].lean_dir in the ledger")
            break
    exit_code = 1 if any(v.fails_run for v in verdicts) or lean_required_missing else 0
    root = Path(claims_path).resolve().parent
    return RunResult(
        ledger=ledger, lean=lean, claims=tuple(verdicts), seed=seed, environment=environment(seed, root),
        seconds={"lean": t1 - t0, "numerics": t2 - t1, "total": t2 - t0}, exit_code=exit_code,
        options={
            "lean_mode": lean_mode,
            "only": list(only),
            "quick": quick,
            "jobs": jobs,
            "claims": str(claims_path),
            "lean_dir": str(lean_path.resolve()),
            "strict": strict,
            "claims_run": len(claims),
            "claims_total": len(ledger.claims),
            "check_runs": len(tasks),
            "check_listings": sum(len(k) for k in per_claim.values()),
            "lean_required_but_not_run": lean_required_missing,
            "argv": command,
        },
        failing=tuple(failing),
    )
