"""Drive a real Lean toolchain: Mathlib cache, per-module ``lake build``, declaration dump, axiom audit.

Steps (one deadline, ``timeout`` seconds, bounds all of them; each runs in its own process group,
killed with SIGTERM then SIGKILL when the deadline passes):

1. refuse a toolchain whose version differs from ``lean-toolchain`` (see ``toolchain.py``);
2. ``lake exe cache get`` when the lakefile requires Mathlib (a failed fetch is noted, the build goes on);
3. ``lake build M1 M2 …`` — every module of the package (``modules.py``) named as a target, **without
   ``--wfail``**: lint warnings (unused simp arguments, unused variables, deprecations …) are shown, never
   failures. Lake's job monitor waits for every job and lists all failures at the end, so one broken
   module does not stop independent ones; a module fails when Lake lists it or an error is in its file,
   and the modules importing it (by the static import graph) are *blocked*;
4. ``lake exe dump_decls --out FILE M …`` for the modules that built — every declaration of them with its
   axioms and the package declarations it uses; if that call fails, one call per module, so one module
   that cannot be imported does not lose the others.

Per ledger name: ``verified`` when its module built, the name is in the dump, its axioms are within the
allowlist and its source statement's fingerprint equals the ledger's; ``failed`` otherwise, naming each
problem (errors of its module, and the ``declaration uses 'sorry'`` warning in it, attached; other
warnings of its file attached as ``warnings``), with the chain to the culprit when the cause is elsewhere.
A timeout, a crash, a failure with no diagnostics, or a malformed dump fails every declaration with that
reason. The full log goes to ``$TMPDIR/crosscheck-lean-logs`` (``build["log_path"]``; pruned after a
week); the report writer copies it.
"""

from __future__ import annotations

import difflib
import os
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from crosscheck.lean import process
from crosscheck.lean.audit import SORRY, Blocker, allowlist, axiom_problems, bad_axioms, dump_chain, module_blocker
from crosscheck.lean.diagnostics import Diagnostic, file_of, module_of, parse_output, same_file
from crosscheck.lean.dump import Dump, DumpError, merge, read_dump
from crosscheck.lean.modules import ModuleGraph, module_graph
from crosscheck.lean.problems import Kind, Problem
from crosscheck.lean.static import StaticScan
from crosscheck.lean.toolchain import ELAN_HINT, Toolchain
from crosscheck.lean.witness import FAILED, VERIFIED, DeclWitness, LeanStage, static_problems

DUMP_EXE = "dump_decls"
TAIL_LINES = 40
LOG_KEEP_DAYS = 7  # build logs live in $TMPDIR/crosscheck-lean-logs; older ones are pruned
_PROGRESS_RE = re.compile(r"\[\d+/\d+\]|Downloaded:|Decompressing|Attempting to download|Unpacked in")


@dataclass(frozen=True)
class BuildOutcome:
    """What the toolchain did. ``failure`` is a stage-wide reason that fails every declaration.

    ``build_ok``: every module of the package built. ``failed_modules``: modules whose build failed
    (Lake's list, or an error in the file); ``blocked``: modules importing one of them → import chain;
    ``dump_failed``: modules that built but could not be dumped → why."""

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
    graph: ModuleGraph = field(default_factory=lambda: ModuleGraph((), ()))
    blocked: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    dump_failed: Mapping[str, str] = field(default_factory=dict)

    @property
    def built(self) -> tuple[str, ...]:
        return tuple(m for m in self.graph.modules if m not in self.failed_modules and m not in self.blocked)

    def first_error(self, module: str) -> str | None:
        """``file:line:col: message`` (first line) of the first error in ``module``'s file."""
        f = file_of(module)
        d = next((d for d in self.diagnostics if d.severity == "error" and same_file(d.file, f)), None)
        return None if d is None else f"{d.file}:{d.line}:{d.column}: {d.message.splitlines()[0][:160] if d.message else ''}"


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


def _first_line(lines: list[str]) -> str:
    return next((ln.strip()[:200] for ln in lines if ln.strip()), "no output")


def build_package(
    lean_dir: str | Path,
    tc: Toolchain,
    *,
    timeout: float,
    progress: Callable[[str], None] = lambda _m: None,
    path: str | None = None,
    modules: Sequence[str] = (),
) -> BuildOutcome:
    """Run steps 1–4 and collect what they printed. Never raises for a failing toolchain. ``modules``
    (the ledger's ``[project].lean_modules``) restricts the build and the dump to these modules and the
    package modules they import; empty means every module of the Lake library."""
    lean_dir = Path(lean_dir).resolve()
    fd, log_path = tempfile.mkstemp(prefix="build-", suffix=".log", dir=_log_dir())
    all_lines: list[str] = []
    info: dict[str, object] = {"log_path": log_path, "timeout_s": timeout}
    steps: list[str] = []
    seconds: dict[str, float] = {}
    info["steps"], info["seconds"] = steps, seconds
    graph = module_graph(lean_dir) if lean_dir.is_dir() else ModuleGraph((), ())
    unknown = [m for m in modules if m not in graph.modules]
    if modules and not unknown:
        graph = graph.restricted(modules)

    def finish(failure: str | None, ran: bool, build_ok: bool = False, diags=(), failed=(), dump=None, dump_error=None,
               blocked=None, dump_failed=None) -> BuildOutcome:
        return BuildOutcome(log_path, failure, ran, build_ok, tuple(diags), tuple(failed), dump, dump_error, _tail(all_lines), info,
                            graph, dict(blocked or {}), dict(dump_failed or {}))

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
        unread = [p for p in tc.problems if getattr(p, "kind", None) is Kind.VERSION]
        if unread or tc.lean_version is None or tc.lake_version is None:
            msg = "toolchain problem: " + ("; ".join(unread) or "could not read the versions of lean and lake") + " — not building"
            log.write(msg + "\n")
            all_lines.append(msg)
            return finish(msg, False)
        if unknown:
            msg = f"[project].lean_modules names {', '.join(unknown)}, which {'is' if len(unknown) == 1 else 'are'} not a module of the package in {lean_dir}"
            log.write(msg + "\n")
            all_lines.append(msg)
            return finish(msg, False)
        if not graph.modules:
            msg = (f"no modules of the package found in {lean_dir} (a [[lean_lib]] in lakefile.toml or lean_lib in lakefile.lean, "
                   "and its .lean files) — nothing to build")
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
            seconds[name] = round(seconds.get(name, 0.0) + r.seconds, 2)
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
        # every module as a target of one call: Lake runs all jobs and reports every failure at the end
        r = step("lake build", [tc.lake, "build", *graph.modules])
        parsed = parse_output(r.lines, lean_dir)
        diags = list(parsed.diagnostics)
        fail = hard_failure("lake build", r)
        if fail:
            return finish(fail, True, diags=diags, failed=parsed.failed_modules)
        failed = failed_modules(graph, diags, parsed.failed_modules)
        others = [m for m in parsed.failed_modules if m not in graph.modules]
        if others:
            info["other_failed_targets"] = others
        if r.returncode != 0 and not failed:
            errs = [d for d in diags if d.severity == "error"]
            if errs:
                msg = f"lake build failed outside the package's modules (first error: {errs[0].file}:{errs[0].line}:{errs[0].column}: {errs[0].message.splitlines()[0][:160]})"
            elif others:
                msg = f"lake build failed in {', '.join(others)}, outside the package's modules"
            else:
                msg = (f"lake build failed with exit code {r.returncode} and printed no Lean diagnostics "
                       f"(a crash, a Lake configuration error, or output crosscheck cannot read)")
            return finish(msg, True, diags=diags, failed=parsed.failed_modules)
        blocked = graph.blocked(failed)
        built = [m for m in graph.modules if m not in failed and m not in blocked]
        build_ok = not failed
        if not built:
            return finish(None, True, build_ok, diags, failed, None, "no module built, nothing to dump", blocked)
        with tempfile.TemporaryDirectory(prefix="crosscheck-dump-") as tmp:
            def dump_modules(mods: list[str], out: str) -> tuple[Dump | None, str | None, str | None]:
                """(dump, why it failed, stage-wide failure)."""
                r = step(f"lake exe {DUMP_EXE}", [tc.lake, "exe", DUMP_EXE, "--out", out, *mods])
                fail = hard_failure(f"lake exe {DUMP_EXE}", r)
                if fail:
                    return None, None, fail
                if r.returncode != 0:
                    return None, f"lake exe {DUMP_EXE} failed (exit {r.returncode}: {_first_line(r.lines)})", None
                try:
                    return read_dump(out), None, None
                except DumpError as exc:
                    msg = f"malformed declaration dump: {exc}"
                    log.write(msg + "\n")
                    all_lines.append(msg)
                    return None, msg, None

            dump, why, fail = dump_modules(built, os.path.join(tmp, "declarations.json"))
            if fail:
                return finish(fail, True, build_ok, diags, failed, blocked=blocked)
            if why is not None and why.startswith("malformed"):
                return finish(why, True, build_ok, diags, failed, blocked=blocked)
            dump_failed: dict[str, str] = {}
            if dump is None and len(built) > 1:  # one module that cannot be imported must not lose the others
                parts: list[Dump] = []
                for i, m in enumerate(built):
                    d, mwhy, fail = dump_modules([m], os.path.join(tmp, f"declarations-{i}.json"))
                    if fail:
                        return finish(fail, True, build_ok, diags, failed, blocked=blocked)
                    if d is None:
                        dump_failed[m] = mwhy or "no dump"
                    else:
                        parts.append(d)
                dump = merge(parts) if parts else None
            elif dump is None:
                dump_failed = {m: why or "no dump" for m in built}
        if dump is None:
            return finish(None, True, build_ok, diags, failed, None, why, blocked, dump_failed)
        info["dump"] = f"{len(dump.decls)} declaration(s), Lean {dump.lean_version}"
        return finish(None, True, build_ok, diags, failed, dump, None, blocked, dump_failed)


def failed_modules(graph: ModuleGraph, diags: list[Diagnostic], listed: tuple[str, ...]) -> list[str]:
    """Package modules whose own build failed: an error in the file, or listed by Lake as failed without
    importing another failing module (a module Lake lists only because an import failed is *blocked*)."""
    errs = {module_of(d.file) for d in diags if d.severity == "error"}
    cands = {m for m in graph.modules if m in errs or m in listed}
    own = [m for m in graph.modules if m in errs or (m in cands and not (graph.depends_on(m) & (cands - {m})))]
    return own or [m for m in graph.modules if m in cands]


def is_sorry_warning(d: Diagnostic) -> bool:
    return d.severity == "warning" and d.message.startswith("declaration uses 'sorry'")


def _diag_problem(diags: list[Diagnostic], decl_range: tuple[int, int] | None, file: str) -> str:
    n_err = sum(d.severity == "error" for d in diags)
    n_warn = len(diags) - n_err
    counts = ", ".join(x for x in (f"{n_err} error(s)" if n_err else "", f"{n_warn} warning(s)" if n_warn else "") if x)
    inside = decl_range is not None and any(decl_range[0] <= d.line <= decl_range[1] for d in diags)
    where = "in this declaration" if inside else f"in its module {file}"
    first = diags[0]
    return f"lake build reported {counts} {where} (first: {first.file}:{first.line}:{first.column}: {first.message.splitlines()[0][:160]})"


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


def _module_states(out: BuildOutcome) -> dict[str, str]:
    """Per package module: built / failed (first error) / blocked (by what) / not dumped (why)."""
    states: dict[str, str] = {}
    for m in out.graph.modules:
        if m in out.failed_modules:
            err = out.first_error(m)
            states[m] = "failed" + (f": {err}" if err else "")
        elif m in out.blocked:
            states[m] = f"not built: imports {out.blocked[m][-1]}, which failed"
        elif m in out.dump_failed:
            states[m] = f"built; not dumped: {out.dump_failed[m]}"
        else:
            states[m] = "built"
    return states


def judge(name: str, expected_fp: str | None, scan: StaticScan, out: BuildOutcome,
          allowed: frozenset[str] | None = None) -> DeclWitness:
    """The witness for one ledger name, given what the toolchain did (see the module docstring)."""
    allowed = allowlist(allowed)
    src = scan.find(name)
    dd = out.dump.decls.get(name) if out.dump is not None else None
    file = src.file if src is not None else (file_of(dd.module) if dd is not None and dd.module else None)
    module = module_of(file) if file else None
    rng = (src.line_start, src.line_end) if src is not None else ((dd.range[0], dd.range[2]) if dd is not None and dd.range else None)
    mine = [d for d in out.diagnostics if file and same_file(d.file, file)]
    errors = [d for d in mine if d.severity == "error"]
    sorry_warnings = [d for d in mine if is_sorry_warning(d) and rng is not None and rng[0] <= d.line <= rng[1]]
    warnings = tuple(d.as_dict() for d in mine if d.severity == "warning" and not is_sorry_warning(d))
    ddicts = tuple(d.as_dict() for d in errors + sorry_warnings)
    dumped_type = dd.type if dd is not None else None
    axioms = dd.axioms if dd is not None else None

    def witness(state: str, reason: str, problems=(), diff=None, blocker: Blocker | None = None) -> DeclWitness:
        return DeclWitness(name, state, reason, decl=src, expected_fingerprint=expected_fp, axioms=axioms, statement_diff=diff,
                           problems=tuple(problems), diagnostics=ddicts, dumped_type=dumped_type, warnings=warnings,
                           blocked_by=blocker.chain if blocker else (), blocked_reason=blocker.reason if blocker else "")

    if out.failure is not None:
        _, static = static_problems(scan, name, expected_fp)
        return witness(FAILED, out.failure + "; see the log tail",
                       (Problem(Kind.STAGE, out.failure), *(Problem(getattr(p, "kind", Kind.STAGE), f"static scan: {p}") for p in static)))
    problems: list[str] = []
    blocker: Blocker | None = None
    if module is not None and module in out.failed_modules:
        blocker = module_blocker((module,), out.first_error(module))
        problems.append(Problem(Kind.BUILD, _diag_problem(errors, rng, file or "?") if errors else f"its module {module} failed to build"))
    elif module is not None and module in out.blocked:
        chain = out.blocked[module]
        blocker = module_blocker(chain, out.first_error(chain[-1]))
        problems.append(Problem(Kind.BLOCKED, blocker.reason))
    elif dd is not None:
        problems += axiom_problems(dd.axioms, allowed)
        bad = bad_axioms(dd.axioms, allowed)
        if bad and out.dump is not None:
            blocker = dump_chain(out.dump, name, bad[0])
            if blocker is not None:
                problems.append(Problem(Kind.BLOCKED, blocker.reason))
        if sorry_warnings and SORRY not in dd.axioms:
            problems.append(Problem(Kind.SORRY, "Lean warned `declaration uses 'sorry'` inside this declaration, but sorryAx is not among its axioms"))
        if dd.kind == "axiom":
            problems.append(Problem(Kind.AXIOM, "is an axiom, not a proof"))
    elif out.dump is None or (module is not None and module in out.dump_failed):
        why = out.dump_failed.get(module or "", out.dump_error)
        problems.append(Problem(Kind.NO_DUMP, f"its module {module or '?'} built, but no declaration dump ({why}), so the declaration cannot be checked"))
    else:
        close = difflib.get_close_matches(name, list(out.dump.decls), 1)
        problems.append(Problem(Kind.MISSING, "declaration not found in the compiled package (absent from the declaration dump)" + (f"; did you mean {close[0]}?" if close else "")))
    diff = None
    if expected_fp is not None:
        if src is None:
            problems.append(Problem(Kind.UNCHECKED, "statement fingerprint cannot be checked: the static scan does not find the declaration in the source"))
        elif src.fingerprint != expected_fp:
            problems.append(Problem(Kind.DRIFT, f"statement drift: source fingerprint {src.fingerprint} ≠ ledger {expected_fp}"))
            diff = drift_text(name, expected_fp, src, dumped_type)
    if src is not None:
        # escape hatches the axiom audit cannot see (sorry, native_decide, axioms show up in the dump)
        problems += [Problem(Kind.HATCH, f"source contains {h.word} ({h.file}:{h.line})") for h in scan.hatches_in(src) if h.word in ("debug.skipKernelTC", "unsafe")]
    if problems:
        return witness(FAILED, "; ".join(problems), problems, diff, blocker)
    ax = ", ".join(axioms or ()) or "none"
    fp = "statement fingerprint matches the ledger" if expected_fp else "no fingerprint in the ledger to compare"
    warn = f"; {len(warnings)} warning(s) in its file (shown, not failures)" if warnings else ""
    return witness(VERIFIED, f"lake build succeeded for {module}; in the declaration dump; axioms: {ax}; {fp}{warn}")


def summary_line(out: BuildOutcome, decls: Mapping[str, DeclWitness]) -> str:
    """``verified — 4 of 4 modules built; …`` or ``failed — 3 of 4 modules built; M failed: <first error>; …``."""
    if out.failure is not None:
        return f"failed — {out.failure}"
    n_ok = sum(w.state == VERIFIED for w in decls.values())
    mods = out.graph.modules
    parts = [f"{len(out.built)} of {len(mods)} module(s) built"]
    for m in out.failed_modules[:3]:
        err = out.first_error(m)
        parts.append(f"{m} failed" + (f": {err}" if err else ""))
    if len(out.failed_modules) > 3:
        parts.append(f"{len(out.failed_modules) - 3} more module(s) failed")
    if out.blocked:
        parts.append(f"{len(out.blocked)} not built (they import a failed module)")
    if out.dump_failed:
        parts.append(f"not dumped: {', '.join(out.dump_failed)}")
    parts.append(f"{n_ok} of {len(decls)} declaration(s) verified")
    n_warn = sum(d.severity == "warning" for d in out.diagnostics)
    if n_warn:
        parts.append(f"{n_warn} warning(s) (shown, not failures)")
    head = "verified" if n_ok == len(decls) and out.build_ok and not out.dump_failed else "failed"
    return f"{head} — " + "; ".join(parts)


def run_driver(
    lean_dir: Path,
    names: Mapping[str, str | None],
    mode: str,
    tc: Toolchain,
    scan: StaticScan,
    *,
    timeout: float,
    progress: Callable[[str], None],
    path: str | None = None,
    allowed_axioms: frozenset[str] | None = None,
    modules: Sequence[str] = (),
) -> LeanStage:
    """The Lean stage with a toolchain present (the build log goes to a temporary file, copied into the report)."""
    allowed = allowlist(allowed_axioms)
    out = build_package(lean_dir, tc, timeout=timeout, progress=progress, path=path, modules=modules)
    decls = {n: judge(n, fp, scan, out, allowed) for n, fp in names.items()}
    build = dict(out.info)
    mods = out.graph.modules
    build["build"] = ("not run" if not out.ran else "succeeded" if out.build_ok and out.failure is None
                      else f"{len(out.built)} of {len(mods)} module(s) built" if out.failure is None else "failed")
    n_err = sum(d.severity == "error" for d in out.diagnostics)
    n_warn = sum(d.severity == "warning" for d in out.diagnostics)
    if out.diagnostics:
        build["diagnostics"] = f"{n_err} error(s), {n_warn} warning(s)"
    if out.failed_modules:
        build["failed_modules"] = list(out.failed_modules)
    if out.blocked:
        build["blocked_modules"] = {m: " → ".join(c) for m, c in out.blocked.items()}
    if out.dump_error:
        build["dump"] = out.dump_error
    build["allowed_axioms"] = sorted(allowed)
    return LeanStage(mode, out.ran, summary_line(out, decls), decls=decls, scan=scan, toolchain=tc.as_dict(), build=build, log_tail=out.log_tail,
                     modules=_module_states(out) if out.ran and out.failure is None else {}, warning_count=n_warn,
                     allowed_axioms=tuple(sorted(allowed)))
