"""Compare a blueprint's ``\\leanok``/``\\mathlibok`` marks with what the Lean stage saw.

Each Lean name gets one status:

* with a toolchain (the stage ran): ``verified``; else, for a declaration in the declaration dump, from
  its own axioms: ``sorry`` (``sorryAx``), ``axiom`` (one outside propext, Classical.choice, Quot.sound),
  else ``failed`` (drift, a build error in it); for one not in the dump: ``missing`` (not found),
  ``sorry`` (a ``sorry`` inside its own source), else ``failed`` (the build failed; the reason is shown).
  A ``sorry`` elsewhere in its module does not make a declaration ``sorry``;
* without one (UNVERIFIED, static scan of the sources): ``missing`` (no such declaration in the source),
  ``sorry`` (``sorry``/``admit`` inside the declaration), ``axiom`` (declared as an axiom, or
  ``native_decide``/``unsafe``/``debug.skipKernelTC`` inside it), else ``present``.

Marks (see :attr:`crosscheck.blueprint.Entry.marked_done`):

* a **wrong mark**: ``\\leanok`` on the statement while a declaration is ``missing``; or the entry marked
  done (``\\leanok`` in its proof; on the statement when there is no proof) while a declaration is
  ``missing``, ``sorry``, ``axiom`` or ``failed``;
* a **missing mark**: every declaration ``verified`` (or ``present``, unverified) but the entry not marked
  done; or, for an entry with a proof, every declaration exists but the statement has no ``\\leanok``;
* ``\\mathlibok`` names are not checked (the stage checks the project's package, not Mathlib): a note;
  so is a mark on an entry that names no Lean declaration.

Only wrong marks fail the audit (exit 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from crosscheck.lean.problems import Kind, kinds
from crosscheck.blueprint import Blueprint, Entry
from crosscheck.lean.static import StaticScan
from crosscheck.lean.witness import ALLOWED_AXIOMS, VERIFIED, LeanStage

VERIFIED_S, PRESENT, SORRY, AXIOM, MISSING, FAILED_S = "verified", "present", "sorry", "axiom", "missing", "failed"
BAD = (MISSING, SORRY, AXIOM, FAILED_S)
WRONG, MISSING_MARK, NOTE = "WRONG MARK", "MISSING MARK", "note"
_SORRY_WORDS = ("sorry", "admit", "sorryAx")


@dataclass(frozen=True)
class DeclStatus:
    name: str
    status: str
    detail: str


@dataclass(frozen=True)
class Finding:
    kind: str  # WRONG, MISSING_MARK or NOTE
    message: str


@dataclass(frozen=True)
class AuditRow:
    entry: Entry
    decls: tuple[DeclStatus, ...]
    findings: tuple[Finding, ...]

    @property
    def outcome(self) -> str:
        kinds = [f.kind for f in self.findings]
        for k in (WRONG, MISSING_MARK, NOTE):
            if k in kinds:
                return k
        return "ok"


@dataclass(frozen=True)
class Audit:
    rows: tuple[AuditRow, ...]
    verified: bool  # the Lean stage ran (otherwise: static scan, unverified)
    stage_summary: str
    warnings: tuple[str, ...] = ()

    @property
    def wrong(self) -> tuple[AuditRow, ...]:
        return tuple(r for r in self.rows if r.outcome == WRONG)

    @property
    def missing(self) -> tuple[AuditRow, ...]:
        return tuple(r for r in self.rows if r.outcome == MISSING_MARK)

    @property
    def exit_code(self) -> int:
        return 1 if self.wrong else 0


def stage_names(bp: Blueprint) -> dict[str, str | None]:
    """The names the Lean stage should judge: every ``\\lean`` name except those only on ``\\mathlibok``
    entries. Values are the expected fingerprints (none: a blueprint records none)."""
    own = [n for e in bp.entries if not e.mathlibok for n in e.lean]
    return {n: None for n in dict.fromkeys(own)}


def static_status(scan: StaticScan, name: str) -> DeclStatus:
    """What the source shows for ``name`` (no proof check)."""
    decl = scan.find(name)
    if decl is None:
        return DeclStatus(name, MISSING, f"not found in the Lean sources under {scan.root}")
    where = f"{decl.file}:{decl.line_start}"
    hatches = scan.hatches_in(decl)
    sorries = [h for h in hatches if h.word in _SORRY_WORDS]
    if sorries:
        return DeclStatus(name, SORRY, f"uses {sorries[0].word} ({sorries[0].file}:{sorries[0].line})")
    if decl.kind == "axiom" or hatches:
        what = "is an axiom" if decl.kind == "axiom" else f"uses {hatches[0].word} ({hatches[0].file}:{hatches[0].line})"
        return DeclStatus(name, AXIOM, what)
    return DeclStatus(name, PRESENT, f"present at {where}, no sorry (unverified)")


def stage_status(stage: LeanStage, name: str) -> DeclStatus:
    """The status of ``name`` from the stage's witness (when Lean ran), else from its static scan."""
    if not stage.ran:
        if stage.scan is None:
            return DeclStatus(name, MISSING, "no static scan")
        return static_status(stage.scan, name)
    w = stage.decls.get(name)
    if w is None:
        return DeclStatus(name, FAILED_S, "not judged by the Lean stage")
    if w.state == VERIFIED:
        return DeclStatus(name, VERIFIED_S, w.reason)
    if w.axioms is not None:  # in the declaration dump: its own axioms are exact
        if "sorryAx" in w.axioms:
            return DeclStatus(name, SORRY, w.reason)
        if any(a not in ALLOWED_AXIOMS for a in w.axioms):
            return DeclStatus(name, AXIOM, w.reason)
        return DeclStatus(name, FAILED_S, w.reason)
    if Kind.MISSING in kinds(w.problems):
        return DeclStatus(name, MISSING, w.reason)
    # not in a dump (the build failed): a sorry must be in the declaration's own source to count as its own
    if stage.scan is not None and w.decl is not None and any(h.word in _SORRY_WORDS for h in stage.scan.hatches_in(w.decl)):
        return DeclStatus(name, SORRY, w.reason)
    return DeclStatus(name, FAILED_S, w.reason)


def judge_entry(entry: Entry, decls: tuple[DeclStatus, ...], verified: bool) -> tuple[Finding, ...]:
    """The findings for one entry, by the rules in the module docstring."""
    tag = "" if verified else " (static scan, unverified)"
    out: list[Finding] = []
    if entry.mathlibok:
        out.append(Finding(NOTE, "\\mathlibok: not checked (the Lean stage checks the project's package, not Mathlib)"))
        return tuple(out)
    if not entry.lean:
        if entry.leanok or entry.proof_leanok:
            out.append(Finding(NOTE, "marked \\leanok but names no Lean declaration (no \\lean{…}): cannot be checked"))
        return tuple(out)
    missing = [d for d in decls if d.status == MISSING]
    if missing and (entry.leanok or entry.marked_done):
        where = "statement" if entry.leanok else "proof"
        for d in missing:
            out.append(Finding(WRONG, f"\\leanok on the {where}, but {d.name} is missing: {d.detail}{tag}"))
    if entry.marked_done:
        where = "proof" if entry.has_proof else "statement"
        for d in decls:
            if d.status in (SORRY, AXIOM, FAILED_S):
                out.append(Finding(WRONG, f"\\leanok on the {where}, but {d.name}: {d.detail}{tag}"))
    good = all(d.status in (VERIFIED_S, PRESENT) for d in decls)
    if good and not entry.marked_done:
        what = "verified" if verified else "present with no sorry (unverified)"
        where = "in its proof" if entry.has_proof else "on the statement"
        out.append(Finding(MISSING_MARK, f"{', '.join(d.name for d in decls)} {what}, but no \\leanok {where}"))
    exists = all(d.status in (VERIFIED_S, PRESENT, SORRY, AXIOM) for d in decls)
    if entry.has_proof and exists and not entry.leanok:
        out.append(Finding(MISSING_MARK, f"every declaration exists{tag}, but the statement has no \\leanok"))
    return tuple(out)


def audit(bp: Blueprint, stage: LeanStage) -> Audit:
    """Judge every entry that names Lean declarations or carries a mark."""
    rows = []
    for e in bp.entries:
        if not (e.lean or e.leanok or e.proof_leanok or e.mathlibok):
            continue
        decls = () if e.mathlibok else tuple(stage_status(stage, n) for n in e.lean)
        rows.append(AuditRow(e, decls, judge_entry(e, decls, stage.ran)))
    return Audit(tuple(rows), stage.ran, stage.summary, bp.warnings)


def _marks(e: Entry) -> str:
    m = [x for x, on in (("leanok", e.leanok), ("proof:leanok", e.proof_leanok), ("mathlibok", e.mathlibok), ("notready", e.notready)) if on]
    return " ".join(m) or "—"


def render_table(a: Audit) -> str:
    """The audit as aligned text: one line per entry, its findings indented beneath."""
    head = (
        f"Lean: {a.stage_summary}. Audit VERIFIED by the Lean toolchain."
        if a.verified
        else f"Lean: {a.stage_summary}. Audit UNVERIFIED: static scan of the sources only (declaration present, no sorry in its proof); no proof was checked."
    )
    rows = [("label", "where", "marks", "Lean", "outcome")]
    for r in a.rows:
        lean = ", ".join(f"{d.name}: {d.status}" for d in r.decls) or ("(Mathlib)" if r.entry.mathlibok else "—")
        rows.append((r.entry.label, r.entry.where, _marks(r.entry), lean, r.outcome))
    widths = [max(len(row[k]) for row in rows) for k in range(4)]
    lines = [head, ""]
    for i, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)) + "  " + row[4])
        if i == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 7)
        else:
            for f in a.rows[i - 1].findings:
                lines.append(f"    {f.kind}: {f.message}")
    for w in a.warnings:
        lines.append(f"warning: {w}")
    n_w, n_m = len(a.wrong), len(a.missing)
    verdict = "UNVERIFIED " if not a.verified else ""
    lines.append(f"{verdict}blueprint audit: {len(a.rows)} entr{'y' if len(a.rows) == 1 else 'ies'}, {n_w} with a wrong mark, {n_m} with a missing mark")
    return "\n".join(lines)
