"""``crosscheck diff OLD/results.json NEW/results.json``: what changed between two runs, as Markdown.

Rules:

* claims are matched by id; a claim only in NEW is *added*, only in OLD *removed*;
* a matched claim is listed when its verdict, its Lean state, or its worst error changed; the worst error
  is the largest ``worst.error`` over its checks (controls excluded), compared at 3 significant digits so
  that rounding noise is not a change;
* verdicts are ordered (:data:`RANK`): confirmed > supported numerically = agrees > not run >
  inconclusive > error = Lean failed = contradicted (an unknown verdict ranks below all). A *regression*
  is a matched claim whose verdict rank went down. A verdict that stays the same — in particular a
  recorded known finding that stays what the ledger records — is never a regression; added and removed
  claims are not regressions;
* exit 0, or with ``--fail-on-regression`` 1 when there is a regression; 2 when a file is missing or is not
  a crosscheck results.json.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from crosscheck.report.results_file import ResultsFileError, read_results
from crosscheck.report.summary import cell
from crosscheck.verdict import AGREES, CONFIRMED, CONTRADICTED, ERROR_V, INCONCLUSIVE_V, LEAN_FAILED, NOT_RUN_V, SUPPORTED

RANK: Mapping[str, int] = {
    CONFIRMED: 5, SUPPORTED: 4, AGREES: 4, NOT_RUN_V: 3, INCONCLUSIVE_V: 2, ERROR_V: 1, LEAN_FAILED: 1, CONTRADICTED: 1,
}


class DiffError(ValueError):
    """A results file that cannot be compared."""


@dataclass(frozen=True)
class ClaimState:
    id: str
    verdict: str
    lean_state: str | None
    worst_error: float | None
    recorded: str | None = None
    claimed: str = ""  # the claim as the ledger stated it: quantities, values, tolerances, checks, Lean names


@dataclass(frozen=True)
class Change:
    id: str
    old: ClaimState | None
    new: ClaimState | None

    @property
    def regression(self) -> bool:
        if self.old is None or self.new is None or self.old.verdict == self.new.verdict:
            return False
        return RANK.get(self.new.verdict, 0) < RANK.get(self.old.verdict, 0)

    @property
    def edited(self) -> bool:
        """The ledger's statement of the claim changed (values, tolerances, checks, Lean names): a verdict
        that got better this way is a change of the question, not of the answer — worth a review."""
        return self.old is not None and self.new is not None and bool(self.old.claimed) and self.old.claimed != self.new.claimed


@dataclass(frozen=True)
class Diff:
    changed: tuple[Change, ...]
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    unchanged: int

    @property
    def regressions(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changed if c.regression)

    @property
    def edits(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changed if c.edited)


def _float(x: Any) -> float | None:
    if isinstance(x, bool) or x is None:
        return None
    if isinstance(x, (int, float)):
        return float(x)
    if x in ("nan", "inf", "-inf"):
        return float(x)
    return None


def claim_state(c: Mapping[str, Any]) -> ClaimState:
    errors = [_float((r.get("worst") or {}).get("error")) for r in c.get("checks") or [] if isinstance(r, dict)]
    errors = [e for e in errors if e is not None]
    worst = None
    if errors:
        worst = float("nan") if any(math.isnan(e) for e in errors) else max(errors)
    expect = c.get("expect") or {}
    claimed = "; ".join(
        f"{q}={e.get('value')}|rtol {e.get('rtol', 0)}|atol {e.get('atol', 0)}" if isinstance(e, dict) else f"{q}={e}"
        for q, e in sorted(expect.items())
    ) if isinstance(expect, dict) else ""
    checks = ",".join(str(r.get("check_id")) for r in [*(c.get("checks") or []), *(c.get("controls") or [])] if isinstance(r, dict))
    lean = ",".join(str(w.get("name")) for w in c.get("lean") or [] if isinstance(w, dict))
    return ClaimState(str(c["id"]), str(c.get("verdict")), c.get("lean_state"), worst, c.get("recorded_verdict"),
                      f"{claimed} || checks {checks} || lean {lean}")


def load_results(path: str | Path) -> dict[str, ClaimState]:
    """The claims of a results.json, by id. Raises :class:`DiffError` with a readable message."""
    try:
        data = read_results(path)
    except ResultsFileError as exc:
        raise DiffError(str(exc)) from None
    claims = data.get("claims")
    if not isinstance(claims, list) or not all(isinstance(c, dict) and "id" in c and "verdict" in c for c in claims):
        raise DiffError(f"{path}: malformed 'claims' (a list of objects with 'id' and 'verdict' expected)")
    return {str(c["id"]): claim_state(c) for c in claims}


def fmt_error(x: float | None) -> str:
    return "—" if x is None else f"{x:.3g}"


def compare(old: Mapping[str, ClaimState], new: Mapping[str, ClaimState]) -> Diff:
    changed, unchanged = [], 0
    for cid in old:
        if cid not in new:
            continue
        a, b = old[cid], new[cid]
        if (a.verdict, a.lean_state, fmt_error(a.worst_error), a.claimed) != (b.verdict, b.lean_state, fmt_error(b.worst_error), b.claimed):
            changed.append(Change(cid, a, b))
        else:
            unchanged += 1
    added = tuple(Change(cid, None, new[cid]) for cid in new if cid not in old)
    removed = tuple(Change(cid, old[cid], None) for cid in old if cid not in new)
    return Diff(tuple(changed), added, removed, unchanged)


def _pair(a: Any, b: Any) -> str:
    a, b = cell(a), cell(b)
    return a if a == b else f"{a} → {b}"


def _verdict(s: ClaimState) -> str:
    return s.verdict + (" (known finding)" if s.recorded == s.verdict else "")


def render(d: Diff, old_name: str, new_name: str) -> str:
    """The diff as Markdown: a heading, a count line, and one table row per changed, added, removed claim."""
    lines = [
        "## crosscheck diff",
        "",
        f"`{old_name}` → `{new_name}`: {len(d.changed)} changed, {len(d.added)} added, {len(d.removed)} removed, "
        f"{d.unchanged} unchanged; **{len(d.regressions)} regression(s)**"
        + (f", **{len(d.edits)} claim(s) edited in the ledger**" if d.edits else "") + ".",
        "",
    ]
    if not (d.changed or d.added or d.removed):
        lines.append("No claim changed its verdict, Lean state or worst error.")
        return "\n".join(lines) + "\n"
    lines += ["| claim | verdict | Lean | worst error | |", "|---|---|---|---|---|"]
    for c in d.changed:
        a, b = c.old, c.new
        assert a is not None and b is not None
        flag = "**regression**" if c.regression else ("better" if RANK.get(b.verdict, 0) > RANK.get(a.verdict, 0) else "")
        if c.edited:
            flag = (flag + "; " if flag else "") + "**claim edited in the ledger** (values, tolerances, checks or Lean names): review"
        lines.append(
            f"| `{cell(c.id)}` | {_pair(_verdict(a), _verdict(b))} | {_pair(a.lean_state, b.lean_state)} | "
            f"{_pair(fmt_error(a.worst_error), fmt_error(b.worst_error))} | {flag or '—'} |"
        )
    for c in d.added:
        s = c.new
        assert s is not None
        lines.append(f"| `{cell(c.id)}` | {cell(_verdict(s))} | {cell(s.lean_state)} | {fmt_error(s.worst_error)} | added |")
    for c in d.removed:
        s = c.old
        assert s is not None
        lines.append(f"| `{cell(c.id)}` | {cell(_verdict(s))} | {cell(s.lean_state)} | {fmt_error(s.worst_error)} | removed |")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    try:
        old, new = load_results(args.old), load_results(args.new)
    except DiffError as exc:
        print(f"crosscheck: error: {exc}", file=sys.stderr)
        return 2
    d = compare(old, new)
    scope = [_scope(p) for p in (args.old, args.new)]
    if scope[0] != scope[1] or any(s and s != "all claims" for s in scope):
        print(f"> note: the runs differ in scope or are partial ({scope[0] or '?'} → {scope[1] or '?'}); "
              "claims missing from one side show as added or removed\n")
    print(render(d, args.old, args.new), end="")
    return 1 if args.fail_on_regression and (d.regressions or d.removed or d.edits) else 0


def _scope(path: str) -> str:
    """'all claims', or e.g. '2 of 33 claims, quick mode' (from the results' summary)."""
    try:
        s = read_results(path).get("summary") or {}
    except ResultsFileError:
        return ""
    n, total = s.get("claims"), s.get("claims_total", s.get("claims"))
    parts = ["all claims" if n == total else f"{n} of {total} claims"]
    if s.get("quick"):
        parts.append("quick mode")
    return ", ".join(parts)
