"""``crosscheck verify``: ledger → Lean stage → numerical checks → verdicts → report."""

from __future__ import annotations

import datetime as _dt
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from crosscheck import __version__
from crosscheck.checks import registry, run_check
from crosscheck.checks.base import CONTROL, CheckContext, CheckResult, resolve_params
from crosscheck.claims import Claim, Ledger, load_ledger
from crosscheck.lean.stage import run_lean_stage
from crosscheck.lean.witness import DeclWitness, LeanStage, claim_state, statement_diff
from crosscheck.verdict import BAD_VERDICTS, combine, describe, numerics_state

DEFAULT_SEED = 20240607


@dataclass(frozen=True)
class ClaimVerdict:
    claim: Claim
    verdict: str
    explanation: str
    lean_state: str | None
    numerics: str | None
    lean: tuple[DeclWitness, ...]
    evidence: tuple[CheckResult, ...]
    controls: tuple[CheckResult, ...]

    @property
    def recorded(self) -> str | None:
        return self.claim.recorded_verdict

    @property
    def fails_run(self) -> bool:
        """A bad verdict fails the run unless the ledger records it as a known finding; a recorded finding
        that no longer holds also fails the run, so the ledger is kept true."""
        if self.recorded is not None:
            return self.verdict != self.recorded
        return self.verdict in BAD_VERDICTS


@dataclass(frozen=True)
class RunResult:
    ledger: Ledger
    lean: LeanStage
    claims: tuple[ClaimVerdict, ...]
    seed: int
    environment: Mapping[str, Any]
    seconds: Mapping[str, float]
    exit_code: int
    options: Mapping[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.claims:
            out[c.verdict] = out.get(c.verdict, 0) + 1
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


def run_claim_checks(
    claim: Claim,
    seed: int,
    progress: Callable[[str], None],
    quick: bool = False,
    extra_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> tuple[list[CheckResult], list[CheckResult]]:
    reg = registry()
    evidence, controls = [], []
    for cid in claim.checks:
        spec = reg[cid]
        overrides = {**claim.params.get(cid, {}), **(extra_params or {}).get(cid, {})}
        ctx = CheckContext(
            seed=seed,
            params=resolve_params(spec, overrides),
            expect=claim.expect,
            progress=lambda msg, _cid=cid: progress(f"[{claim.id}] {_cid}: {msg}"),
            quick=quick,
        )
        progress(f"[{claim.id}] {cid} …")
        res = run_check(spec, ctx)
        progress(f"[{claim.id}] {cid}: {res.status} ({res.seconds:.1f} s) — {res.summary}")
        (controls if spec.role == CONTROL else evidence).append(res)
    return evidence, controls


def _with_recorded_diff(w: DeclWitness, recorded: str | None) -> DeclWitness:
    """Where the ledger records the statement text, show drift as a diff of the statements."""
    if recorded is None or w.decl is None or " ".join(recorded.split()) == w.decl.statement:
        return w
    if not any("statement drift" in p for p in (*w.problems, w.reason)):
        return w
    return replace(w, statement_diff=statement_diff(recorded, w.decl))


def verify(
    claims_path: str | Path,
    *,
    lean_dir: str | Path,
    lean_mode: str = "auto",
    only: Sequence[str] = (),
    seed: int = DEFAULT_SEED,
    quick: bool = False,
    lean_timeout: float = 3600.0,
    out_dir: str | Path | None = None,
    progress: Callable[[str], None] = lambda _m: None,
) -> RunResult:
    """Run the whole pipeline and return the result (the caller writes the report)."""
    t0 = time.perf_counter()
    ledger = load_ledger(claims_path, registry())
    claims = list(ledger.claims)
    if only:
        unknown = [c for c in only if c not in {x.id for x in claims}]
        if unknown:
            raise ValueError(f"--only: unknown claim id(s) {unknown}; known: {[c.id for c in claims]}")
        claims = [c for c in claims if c.id in only]
    names: dict[str, str | None] = {}
    for c in claims:
        for n in c.lean:
            names[n] = c.fingerprints.get(n)
    progress("Lean stage …")
    lean = run_lean_stage(lean_dir, names, lean_mode, out_dir=out_dir, timeout=lean_timeout, progress=progress)
    progress(f"Lean: {lean.summary}")
    t1 = time.perf_counter()
    verdicts = []
    for c in claims:
        evidence, controls = run_claim_checks(c, seed, progress, quick)
        wit = [_with_recorded_diff(lean.decls[n], c.statements.get(n)) for n in c.lean]
        lstate = claim_state(wit) if c.lean else None
        nstate = numerics_state(evidence, controls)
        v = combine(lstate, nstate)
        verdicts.append(ClaimVerdict(c, v, describe(v, lstate), lstate, nstate, tuple(wit), tuple(evidence), tuple(controls)))
    t2 = time.perf_counter()
    bad = any(v.fails_run for v in verdicts)
    lean_required_missing = lean_mode == "require" and not lean.ran
    exit_code = 1 if (bad or lean_required_missing) else 0
    root = Path(claims_path).resolve().parent
    return RunResult(
        ledger=ledger,
        lean=lean,
        claims=tuple(verdicts),
        seed=seed,
        environment=environment(seed, root),
        seconds={"lean": t1 - t0, "numerics": t2 - t1, "total": t2 - t0},
        exit_code=exit_code,
        options={
            "lean_mode": lean_mode,
            "only": list(only),
            "quick": quick,
            "claims": str(claims_path),
            "lean_required_but_not_run": lean_required_missing,
            "argv": " ".join(os.path.basename(a) if i == 0 else a for i, a in enumerate(sys.argv)),
        },
    )
