"""The Lean witness: per declaration, one of ``verified``, ``failed``, ``not run`` (see shared design).

* ``verified`` — its module (and every package module it imports) built, the declaration exists in the
  dump, its axioms are within the allowlist (default :data:`ALLOWED_AXIOMS`), and its statement
  fingerprint matches the ledger. Lint warnings of its file are shown (``warnings``), never failures.
* ``failed`` — build error in its module or in a module it imports, declaration missing, ``sorryAx`` or
  another axiom outside the allowlist, statement drift; or, without a toolchain, an escape hatch /
  missing declaration / drift *seen in the source* by the static scan (a defect we can see is reported
  even when Lean did not run).

When a declaration fails because of another one (a lemma it uses has ``sorry``, a module it imports did
not build), ``blocked_by`` is the chain of names to the culprit (culprit last) and ``blocked_reason``
the sentence saying so; from the static scan the chain is best effort, labelled unverified.
* ``not run`` — no toolchain, or ``--lean=skip``; the static scan is shown instead, labelled unverified.
"""

from __future__ import annotations

import difflib
from dataclasses import KW_ONLY, dataclass, field
from typing import Mapping

from crosscheck.lean.audit import DEFAULT_ALLOWED_AXIOMS, static_chain
from crosscheck.lean.problems import Kind, Problem
from crosscheck.lean.static import LeanDecl, StaticScan

from crosscheck.lean.states import FAILED, NOT_RUN, VERIFIED  # noqa: F401  (re-exported)
ALLOWED_AXIOMS = DEFAULT_ALLOWED_AXIOMS


@dataclass(frozen=True)
class DeclWitness:
    name: str
    state: str
    reason: str
    _: KW_ONLY
    decl: LeanDecl | None = None
    expected_fingerprint: str | None = None
    axioms: tuple[str, ...] | None = None
    statement_diff: str | None = None
    problems: tuple[str, ...] = ()
    diagnostics: tuple[Mapping[str, object], ...] = ()  # errors, and the `declaration uses 'sorry'` warning
    dumped_type: str | None = None
    warnings: tuple[Mapping[str, object], ...] = ()  # other warnings of its file (linters, deprecations): shown, not failures
    blocked_by: tuple[str, ...] = ()  # chain to the culprit, culprit last (declarations, or modules for a build failure)
    blocked_reason: str = ""


@dataclass(frozen=True)
class LeanStage:
    """Everything the Lean stage found; ``summary`` is the one line the report leads with."""

    mode: str
    ran: bool
    summary: str
    _: KW_ONLY
    decls: Mapping[str, DeclWitness]
    scan: StaticScan | None
    toolchain: Mapping[str, object] = field(default_factory=dict)
    build: Mapping[str, object] = field(default_factory=dict)
    log_tail: str = ""
    modules: Mapping[str, str] = field(default_factory=dict)  # module → "built" | "failed: …" | "not built: imports …" | …
    warning_count: int = 0
    allowed_axioms: tuple[str, ...] = tuple(sorted(DEFAULT_ALLOWED_AXIOMS))


def statement_diff(recorded_statement: str, decl: LeanDecl) -> str:
    """A word-level unified diff of the statement recorded in the ledger against the current source."""
    old = " ".join(recorded_statement.split()).replace(") (", ")\n(").replace(" : ", "\n: ").splitlines()
    new = decl.statement.replace(") (", ")\n(").replace(" : ", "\n: ").splitlines()
    return "\n".join(difflib.unified_diff(old, new, "ledger", "source", lineterm=""))


def static_problems(scan: StaticScan, name: str, expected_fp: str | None) -> tuple[LeanDecl | None, list[str]]:
    """Problems the source itself shows for ``name``: missing, escape hatches, statement drift."""
    decl = scan.find(name)
    problems: list[str] = []
    if not scan.files:
        problems.append(Problem(Kind.NO_SOURCES, f"no Lean sources found at {scan.root} (is --lean-dir right?)"))
        return None, problems
    if decl is None:
        close = difflib.get_close_matches(name, [d.name for d in scan.decls], 1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        problems.append(Problem(Kind.MISSING, f"declaration not found in lean/{hint}"))
        return None, problems
    own = scan.hatches_in(decl)
    for h in own:
        problems.append(Problem(Kind.SORRY if h.word in ("sorry", "admit") else Kind.HATCH, f"uses {h.word} ({h.file}:{h.line})"))
    for h in scan.library_hatches:
        if h not in own:
            problems.append(Problem(Kind.HATCH, f"package contains {h.word} at {h.file}:{h.line} (may be used by this proof)"))
    if decl.kind == "axiom":
        problems.append(Problem(Kind.AXIOM, "is an axiom, not a proof"))
    if expected_fp is not None and decl.fingerprint != expected_fp:
        problems.append(Problem(Kind.DRIFT, f"statement drift: fingerprint {decl.fingerprint} ≠ ledger {expected_fp}"))
    return decl, problems


def static_witness(scan: StaticScan, name: str, expected_fp: str | None) -> DeclWitness:
    """The witness when Lean did not run: ``failed`` if the source shows a defect, else ``not run``
    (why Lean did not run is said once, in the stage summary)."""
    decl, problems = static_problems(scan, name, expected_fp)
    if problems:
        chain = static_chain(scan, name)
        if chain is not None:
            problems.append(Problem(Kind.BLOCKED, chain.reason))
        return DeclWitness(name, FAILED, "static scan: " + "; ".join(problems), decl=decl, expected_fingerprint=expected_fp, problems=tuple(problems),
                           blocked_by=chain.chain if chain else (), blocked_reason=chain.reason if chain else "")
    fp_note = "statement unchanged" if expected_fp else "no fingerprint in ledger to compare"
    where = f"{decl.file}:{decl.line_start}–{decl.line_end}"
    reason = f"static scan only (unverified): present at {where}, no sorry, {fp_note}"
    return DeclWitness(name, NOT_RUN, reason, decl=decl, expected_fingerprint=expected_fp)


def claim_state(witnesses: list[DeclWitness]) -> str:
    """A claim's Lean state: failed if any declaration failed, else not run if any was not run."""
    if not witnesses:
        return NOT_RUN
    states = {w.state for w in witnesses}
    if FAILED in states:
        return FAILED
    if NOT_RUN in states:
        return NOT_RUN
    return VERIFIED
