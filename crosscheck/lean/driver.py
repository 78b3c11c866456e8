"""Drive a real Lean toolchain: Mathlib cache, ``lake build --wfail``, declaration dump, axiom audit.

Steps (one deadline, ``timeout`` seconds, bounds all of them; each runs in its own process group,
killed with SIGTERM then SIGKILL when the deadline passes):

1. refuse a toolchain whose version differs from ``lean-toolchain`` (see ``toolchain.py``);
2. ``lake exe cache get`` when the lakefile requires Mathlib (a failed fetch is noted, the build goes on);
3. ``lake build --wfail`` — warnings fail the build, so ``declaration uses 'sorry'`` does;
4. ``lake exe dump_decls OUTFILE`` — every ``NeuralLandscapes`` declaration with its axioms.

Per ledger name: ``verified`` when the build succeeded, the name is in the dump, its axioms are within
{propext, Classical.choice, Quot.sound} and its source statement's fingerprint equals the ledger's;
``failed`` otherwise, naming each problem (diagnostics of its module attached). A timeout, a crash, a
failure with no diagnostics, or a malformed dump fails every declaration with that reason. The full
log goes to ``$TMPDIR/crosscheck-lean-logs`` (``build["log_path"]``; pruned after a week); the report writer copies it.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from crosscheck.lean import process
from crosscheck.lean.diagnostics import Diagnostic, file_of, module_of, parse_output, same_file
from crosscheck.lean.dump import Dump, DumpError, read_dump
from crosscheck.lean.static import StaticScan
from crosscheck.lean.toolchain import ELAN_HINT, Toolchain
from crosscheck.lean.witness import ALLOWED_AXIOMS, FAILED, VERIFIED, DeclWitness, LeanStage, static_problems

DUMP_EXE = "dump_decls"
TAIL_LINES = 40
LOG_KEEP_DAYS = 7  # build logs live in $TMPDIR/crosscheck-lean-logs; older ones are pruned
_PROGRESS_RE = re.compile(r"\[\d+/\d+\]|Downloaded:|Decompressing|Attempting to download|Unpacked in")


@dataclass(frozen=True)
class BuildOutcome:
    """What the toolchain did. ``failure`` is a stage-wide reason that fails every declaration."""

    log_path: str
    failure: str | None
    ran: bool
    build_ok: bool
    diagnostics: tuple[Diagnostic, ...]
    failed_modules: tuple[str, ...]
    dump: Dump | None
    dump_error: str | None
    log_tail: str
    info: Mapping[str, object] = field(default_factory=dict)


class _Throttle:
    """Forward Lake's progress lines (``[n/N] …``, cache downloads) at most every ``interval`` s, and
    failures (``✖ …``) at once."""

    def __init__(self, progress: Callable[[str], None], step: str, interval: float = 2.0) -> None:
        self.progress, self.step, self.interval = progress, step, interval
        self.last = float("-inf")
        self.pending: str | None = None

    def __call__(self, line: str) -> None:
        s = line.strip()
        if s.startswith("✖"):
            self.progress(f"{self.step}: {s[:160]}")
        elif _PROGRESS_RE.search(s):
            now = time.monotonic()
            if now - self.last >= self.interval:
                self.progress(f"{self.step}: {s[:160]}")
                self.last, self.pending = now, None
            else:
                self.pending = s

    def flush(self) -> None:
        if self.pending:
            self.progress(f"{self.step}: {self.pending[:160]}")
            self.pending = None


def needs_mathlib(lean_dir: Path) -> bool:
    """Whether the package's lakefile requires Mathlib (then ``lake exe cache get`` runs first)."""
    for name in ("lakefile.lean", "lakefile.toml"):
        f = lean_dir / name
        if f.is_file() and "mathlib" in f.read_text(encoding="utf-8", errors="replace").lower():
            return True
    return False


def subprocess_env(path: str | None) -> dict[str, str]:
    """The environment for ``lake``: ours, with ``path`` (the discovery override) first on PATH."""
    env = dict(os.environ)
    if path:
        env["PATH"] = path + (os.pathsep + env["PATH"] if env.get("PATH") else "")
    return env


def _log_dir() -> str:
    """A directory for build logs (not the reports dir: the report writer copies the log in atomically)."""
    d = Path(tempfile.gettempdir()) / "crosscheck-lean-logs"
    try:
        d.mkdir(exist_ok=True)
    except OSError:
        return tempfile.gettempdir()
    if not os.access(d, os.W_OK):
        return tempfile.gettempdir()
    cutoff = time.time() - LOG_KEEP_DAYS * 86400
    for old in d.glob("build-*.log"):
        try:
            if old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass
    return str(d)


def _tail(lines: list[str], n: int = TAIL_LINES) -> str:
    return "\n".join(lines[-n:])


def build_package(
    lean_dir: str | Path,
    tc: Toolchain,
    *,
    timeout: float,
    progress: Callable[[str], None] = lambda _m: None,
    path: str | None = None,
) -> BuildOutcome:
    """Run steps 1–4 and collect what they printed. Never raises for a failing toolchain."""
    lean_dir = Path(lean_dir).resolve()
    fd, log_path = tempfile.mkstemp(prefix="build-", suffix=".log", dir=_log_dir())
    all_lines: list[str] = []
    info: dict[str, object] = {"log_path": log_path, "timeout_s": timeout}
    steps: list[str] = []
    seconds: dict[str, float] = {}
    info["steps"], info["seconds"] = steps, seconds

    def finish(failure: str | None, ran: bool, build_ok: bool = False, diags=(), failed=(), dump=None, dump_error=None) -> BuildOutcome:
        return BuildOutcome(log_path, failure, ran, build_ok, tuple(diags), tuple(failed), dump, dump_error, _tail(all_lines), info)

    with os.fdopen(fd, "w", encoding="utf-8") as log:
        log.write(f"crosscheck Lean stage: {lean_dir}\nlake: {tc.lake} ({tc.lake_version}, Lean {tc.lake_lean_version})\n"
                  f"lean: {tc.lean} ({tc.lean_version})\npinned: {tc.pinned}\ntimeout: {timeout:g} s\n\n")
        if not lean_dir.is_dir():
            return finish(f"the Lean package directory {lean_dir} does not exist", False)
        if tc.mismatches:
            fix = ("put ~/.elan/bin first on PATH (elan then runs the pinned toolchain) or remove the other lean from PATH; "
                   "`elan override unset` in the package if an override is set") if tc.elan else f"{ELAN_HINT}, then put ~/.elan/bin first on PATH"
            msg = f"toolchain mismatch: {'; '.join(tc.mismatches)} — not building with the wrong Lean (fix: {fix})"
            log.write(msg + "\n")
            all_lines.append(msg)
            return finish(msg, False)
        unread = [p for p in tc.problems if "version" in p or "cannot be run" in p]
        if unread or tc.lean_version is None or tc.lake_version is None:
            msg = "toolchain problem: " + ("; ".join(unread) or "could not read the versions of lean and lake") + " — not building"
            log.write(msg + "\n")
            all_lines.append(msg)
            return finish(msg, False)
        deadline = time.monotonic() + timeout
        env = subprocess_env(path)
        assert tc.lake is not None

        def step(name: str, argv: list[str]) -> process.ProcResult:
            progress(f"{name} …")
            thr = _Throttle(progress, name)
            r = process.run(argv, cwd=lean_dir, env=env, deadline=deadline, log=log, on_line=thr)
            thr.flush()
            all_lines.extend(r.lines)
            status = "timed out" if r.timed_out else (r.error or (f"killed by {r.signal_name}" if r.signal_name else f"exit {r.returncode}"))
            steps.append(f"{name}: {status}")
            seconds[name] = round(r.seconds, 2)
            return r

        def hard_failure(name: str, r: process.ProcResult) -> str | None:
            if r.timed_out:
                return f"{name} timed out after {timeout:g} s (process group killed)"
            if r.error:
                return f"{name} could not be started: {r.error}"
            if r.signal_name:
                return f"{name} crashed (killed by {r.signal_name})"
            return None

        if needs_mathlib(lean_dir):
            r = step("lake exe cache get", [tc.lake, "exe", "cache", "get"])
            fail = hard_failure("lake exe cache get", r) if (r.timed_out or r.error) else None
            if fail:
                return finish(fail, True)
            info["mathlib_cache"] = "fetched" if r.ok else f"lake exe cache get failed ({steps[-1].split(': ', 1)[1]}); building Mathlib from source"
        else:
            info["mathlib_cache"] = "not needed (the lakefile does not require Mathlib)"
        r = step("lake build", [tc.lake, "build", "--wfail"])
        parsed = parse_output(r.lines, lean_dir)
        diags, failed = list(parsed.diagnostics), list(parsed.failed_modules)
        fail = hard_failure("lake build", r)
        if fail:
            return finish(fail, True, diags=diags, failed=failed)
        build_ok = r.returncode == 0
        loud = [d for d in diags if d.severity in ("error", "warning")]
        if not build_ok and not loud and not failed:
            return finish(f"lake build failed with exit code {r.returncode} and printed no Lean diagnostics "
                          f"(a crash, a Lake configuration error, or output crosscheck cannot read)", True)
        with tempfile.TemporaryDirectory(prefix="crosscheck-dump-") as tmp:
            out = os.path.join(tmp, "declarations.json")
            r = step(f"lake exe {DUMP_EXE}", [tc.lake, "exe", DUMP_EXE, out])
            extra = parse_output(r.lines, lean_dir)
            diags += [d for d in extra.diagnostics if d not in diags]
            failed += [m for m in extra.failed_modules if m not in failed]
            fail = hard_failure(f"lake exe {DUMP_EXE}", r)
            if fail:
                return finish(fail, True, build_ok, diags, failed)
            if r.returncode != 0:
                return finish(None, True, build_ok, diags, failed, None, f"lake exe {DUMP_EXE} failed (exit {r.returncode})")
            try:
                dump = read_dump(out)
            except DumpError as exc:
                msg = f"malformed declaration dump: {exc}"
                log.write(msg + "\n")
                all_lines.append(msg)
                return finish(msg, True, build_ok, diags, failed)
        info["dump"] = f"{len(dump.decls)} declaration(s), Lean {dump.lean_version}"
        return finish(None, True, build_ok, diags, failed, dump)


def _diag_problem(diags: list[Diagnostic], decl_range: tuple[int, int] | None, file: str) -> str:
    n_err = sum(d.severity == "error" for d in diags)
    n_warn = len(diags) - n_err
    counts = ", ".join(x for x in (f"{n_err} error(s)" if n_err else "", f"{n_warn} warning(s)" if n_warn else "") if x)
    inside = decl_range is not None and any(decl_range[0] <= d.line <= decl_range[1] for d in diags)
    where = "in this declaration" if inside else f"in its module {file}"
    first = diags[0]
    return f"lake build --wfail reported {counts} {where} (first: {first.file}:{first.line}:{first.column}: {first.message.splitlines()[0][:160]})"


def _elsewhere(out: BuildOutcome) -> str:
    files = sorted({d.file for d in out.diagnostics if d.severity in ("error", "warning")} | set(map(file_of, out.failed_modules)))
    return f" (in {', '.join(files)})" if files else ""


def _axiom_problems(axioms: tuple[str, ...]) -> list[str]:
    out = []
    if "sorryAx" in axioms:
        out.append("uses sorry (sorryAx among its axioms)")
    other = [a for a in axioms if a not in ALLOWED_AXIOMS and a != "sorryAx"]
    if other:
        out.append(f"depends on axiom(s) outside {{propext, Classical.choice, Quot.sound}}: {', '.join(other)}")
    return out


def drift_text(name: str, expected_fp: str, src, dumped_type: str | None) -> str:
    """What the report shows for statement drift. The ledger stores only a fingerprint, so the old
    statement text cannot be shown: the current one is, with both fingerprints."""
    lines = [
        f"statement drift for {name}",
        f"  ledger fingerprint:          {expected_fp}",
        f"  current source fingerprint:  {src.fingerprint}",
        f"current source statement ({src.file}:{src.line_start}):",
        f"  {src.kind} {name} {src.statement}",
    ]
    if dumped_type:
        lines += ["as compiled (pretty-printed type from the declaration dump):", f"  {dumped_type}"]
    lines.append("(the ledger records only the fingerprint; re-check the statement against the paper, then update [claim.fingerprints])")
    return "\n".join(lines)


def judge(name: str, expected_fp: str | None, scan: StaticScan, out: BuildOutcome) -> DeclWitness:
    """The witness for one ledger name, given what the toolchain did."""
    src = scan.find(name)
    dd = out.dump.decls.get(name) if out.dump is not None else None
    file = src.file if src is not None else (file_of(dd.module) if dd is not None and dd.module else None)
    diags = [d for d in out.diagnostics if d.severity in ("error", "warning") and file and same_file(d.file, file)]
    ddicts = tuple(d.as_dict() for d in diags)
    dumped_type = dd.type if dd is not None else None
    axioms = dd.axioms if dd is not None else None
    if out.failure is not None:
        _, static = static_problems(scan, name, expected_fp)
        problems = (out.failure, *(f"static scan: {p}" for p in static))
        return DeclWitness(name, FAILED, out.failure + "; see the log tail", src, expected_fp, axioms, None, problems, ddicts, dumped_type)
    problems: list[str] = []
    if dd is not None:
        problems += _axiom_problems(dd.axioms)
        if dd.kind == "axiom":
            problems.append("is an axiom, not a proof")
    if diags:
        problems.append(_diag_problem(diags, (src.line_start, src.line_end) if src else None, file or "?"))
    elif file and module_of(file) in out.failed_modules:
        problems.append(f"its module {module_of(file)} failed to build")
    if out.dump is None:
        if not problems:
            why = "lake build --wfail failed" if not out.build_ok else "the build succeeded but"
            problems.append(f"{why}{_elsewhere(out)}; no declaration dump ({out.dump_error}), so the declaration cannot be checked")
    elif dd is None:
        close = difflib.get_close_matches(name, list(out.dump.decls), 1)
        problems.append("declaration not found in the compiled package (absent from the declaration dump)" + (f"; did you mean {close[0]}?" if close else ""))
    if not out.build_ok and not problems:
        problems.append(f"lake build --wfail failed{_elsewhere(out)}; nothing is verified while the package does not build")
    diff = None
    if expected_fp is not None:
        if src is None:
            problems.append("statement fingerprint cannot be checked: the static scan does not find the declaration in the source")
        elif src.fingerprint != expected_fp:
            problems.append(f"statement drift: source fingerprint {src.fingerprint} ≠ ledger {expected_fp}")
            diff = drift_text(name, expected_fp, src, dumped_type)
    if src is not None:
        # escape hatches the axiom audit cannot see (sorry, native_decide, axioms show up in the dump)
        problems += [f"source contains {h.word} ({h.file}:{h.line})" for h in scan.hatches_in(src) if h.word in ("debug.skipKernelTC", "unsafe")]
    if problems:
        return DeclWitness(name, FAILED, "; ".join(problems), src, expected_fp, axioms, diff, tuple(problems), ddicts, dumped_type)
    ax = ", ".join(axioms or ()) or "none"
    fp = "statement fingerprint matches the ledger" if expected_fp else "no fingerprint in the ledger to compare"
    return DeclWitness(name, VERIFIED, f"lake build succeeded; in the declaration dump; axioms: {ax}; {fp}", src, expected_fp, axioms, None, (), ddicts, dumped_type)


def summary_line(out: BuildOutcome, decls: Mapping[str, DeclWitness]) -> str:
    if out.failure is not None:
        return f"failed — {out.failure}"
    n_ok = sum(w.state == VERIFIED for w in decls.values())
    build = "lake build succeeded" if out.build_ok else "lake build failed"
    head = "verified" if n_ok == len(decls) and out.build_ok else "failed"
    return f"{head} — {build}; {n_ok} of {len(decls)} declaration(s) verified"


def run_driver(
    lean_dir: Path,
    names: Mapping[str, str | None],
    mode: str,
    tc: Toolchain,
    scan: StaticScan,
    *,
    out_dir: str | Path | None,
    timeout: float,
    progress: Callable[[str], None],
    path: str | None = None,
) -> LeanStage:
    """The Lean stage with a toolchain present (``out_dir`` is unused: the log goes to a temp file)."""
    out = build_package(lean_dir, tc, timeout=timeout, progress=progress, path=path)
    decls = {n: judge(n, fp, scan, out) for n, fp in names.items()}
    build = dict(out.info)
    build["build"] = "succeeded" if out.build_ok else ("not run" if not out.ran else "failed")
    if out.diagnostics:
        build["diagnostics"] = f"{sum(d.severity == 'error' for d in out.diagnostics)} error(s), {sum(d.severity == 'warning' for d in out.diagnostics)} warning(s)"
    if out.failed_modules:
        build["failed_modules"] = list(out.failed_modules)
    if out.dump_error:
        build["dump"] = out.dump_error
    return LeanStage(mode, out.ran, summary_line(out, decls), decls, scan, toolchain=tc.as_dict(), build=build, log_tail=out.log_tail)
