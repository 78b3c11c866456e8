"""The axiom audit (an allowlist) and the chain from a failing declaration to its culprit.

**Audit.** A declaration's axioms (from the dump: every axiom its proof depends on, transitively) must be
a subset of the allowlist — by default :data:`DEFAULT_ALLOWED_AXIOMS`, the three standard axioms of
Lean/Mathlib. Fewer is fine (a proof by ``decide`` may need none). Anything else fails the declaration,
named: ``sorryAx`` (a ``sorry``), ``Lean.ofReduceBool`` (``native_decide``), ``Lean.trustCompiler``, a
package ``axiom`` — each with what it means.

**Chain.** Axioms are transitive, so a theorem inherits ``sorryAx`` from any lemma it uses. The culprit
is the nearest declaration, following the dump's ``uses`` edges (shortest path), that has the axiom while
none of the declarations it uses has it (it introduces the axiom itself), or the axiom itself. Without a
dump, :func:`static_chain` follows package names mentioned in the proof text to a declaration whose
source contains an escape hatch: best effort, unverified.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Mapping

from crosscheck.lean.problems import Kind, Problem
from crosscheck.lean.dump import Dump
from crosscheck.lean.static import LeanDecl, StaticScan, strip_comments

STANDARD_AXIOMS = ("propext", "Classical.choice", "Quot.sound")
DEFAULT_ALLOWED_AXIOMS = frozenset(STANDARD_AXIOMS)
SORRY = "sorryAx"
AXIOM_MEANING = {
    "sorryAx": "sorry",
    "Lean.ofReduceBool": "native_decide: trusts the compiler",
    "Lean.trustCompiler": "trusts the compiler",
}
_NAME_RE = re.compile(r"[^\W\d][\w'!?₀-₉ₐ-ₜᵢ-ᵪ]*(?:\.[^\W\d][\w'!?₀-₉ₐ-ₜᵢ-ᵪ]*)*")


@dataclass(frozen=True)
class Blocker:
    """Why a declaration fails because of something else: the chain of names (the first one it uses
    first, the culprit last) and the sentence the report shows."""

    chain: tuple[str, ...]
    reason: str


def allowlist(allowed: Iterable[str] | None) -> frozenset[str]:
    """The allowlist to audit with: ``allowed`` if given, else the standard three."""
    return DEFAULT_ALLOWED_AXIOMS if allowed is None else frozenset(allowed)


def describe_allowlist(allowed: frozenset[str]) -> str:
    """``{propext, Classical.choice, Quot.sound}`` (standard ones in that order, then the others sorted)."""
    std = [a for a in STANDARD_AXIOMS if a in allowed]
    return "{" + ", ".join(std + sorted(a for a in allowed if a not in STANDARD_AXIOMS)) + "}"


def axiom_label(axiom: str) -> str:
    """``Lean.ofReduceBool (native_decide: trusts the compiler)``; a plain name when nothing is known of it."""
    return f"{axiom} ({AXIOM_MEANING[axiom]})" if axiom in AXIOM_MEANING else axiom


def bad_axioms(axioms: Iterable[str], allowed: frozenset[str]) -> tuple[str, ...]:
    """The axioms outside the allowlist, ``sorryAx`` first."""
    bad = [a for a in dict.fromkeys(axioms) if a not in allowed]
    return tuple(sorted(bad, key=lambda a: a != SORRY))


def axiom_problems(axioms: Iterable[str], allowed: frozenset[str]) -> list[str]:
    """One problem per kind of bad axiom (the wording the report and the tests rely on)."""
    bad = bad_axioms(axioms, allowed)
    out = []
    if SORRY in bad:
        out.append(Problem(Kind.SORRY, "uses sorry (sorryAx among its axioms)"))
    other = [a for a in bad if a != SORRY]
    if other:
        out.append(Problem(Kind.AXIOM, f"depends on axiom(s) outside the allowlist {describe_allowlist(allowed)}: {', '.join(map(axiom_label, other))}"))
    return out


def _shortest(start: str, edges: Callable[[str], Iterable[str]], is_culprit: Callable[[str], bool]) -> tuple[str, ...] | None:
    """Shortest path start → … → culprit (start excluded) along ``edges``; None when there is none."""
    seen = {start}
    queue: deque[tuple[str, tuple[str, ...]]] = deque([(start, ())])
    while queue:
        node, path = queue.popleft()
        for nxt in edges(node):
            if nxt in seen:
                continue
            seen.add(nxt)
            p = (*path, nxt)
            if is_culprit(nxt):
                return p
            queue.append((nxt, p))
    return None


def dump_chain(dump: Dump, name: str, axiom: str) -> Blocker | None:
    """The chain from ``name`` to the declaration that introduces ``axiom``; None when ``name`` introduces
    it itself (its own proof uses ``sorry`` / ``native_decide`` / the axiom) or the chain cannot be traced."""
    decls = dump.decls

    def has(n: str) -> bool:
        d = decls.get(n)
        return n == axiom or (d is not None and axiom in d.axioms)

    def introduces(n: str) -> bool:
        d = decls.get(n)
        return n == axiom or (d is not None and axiom in d.axioms and not any(has(u) for u in d.uses if u != n))

    start = decls.get(name)
    if start is None or introduces(name):
        return None
    path = _shortest(name, lambda n: [u for u in (decls[n].uses if n in decls else ()) if has(u)], introduces)
    if not path:
        return None
    what = "uses sorry" if axiom == SORRY else (f"is the axiom {axiom}" if path[-1] == axiom else f"depends on {axiom_label(axiom)}")
    return Blocker(path, f"blocked by {path[-1]}{_via(path[:-1])}, which {what}")


def module_blocker(chain: tuple[str, ...], first_error: str | None) -> Blocker:
    """A declaration in module ``chain[0]`` (or in a module importing it) whose build failed upstream."""
    culprit = chain[-1]
    err = f": {first_error}" if first_error else ""
    if len(chain) == 1:
        return Blocker(chain, f"in module {culprit}, which failed to build{err}")
    return Blocker(chain, f"its module {chain[0]} imports {culprit}{_via(chain[1:-1])}, which failed to build{err}")


def _via(mids: tuple[str, ...]) -> str:
    """`` (via a → b)`` for the names between a declaration and its culprit; empty when there are none."""
    return f" (via {' → '.join(mids)})" if mids else ""


def mentioned_names(scan: StaticScan, decl: LeanDecl, texts: dict[str, list[str]] | None = None) -> tuple[str, ...]:
    """Package declarations named in ``decl``'s source text (statement and proof, comments removed),
    resolved as Lean would against the enclosing namespaces. A best-effort reading: no elaboration."""
    texts = {} if texts is None else texts
    if decl.file not in texts:
        try:
            raw = (Path(scan.root) / decl.file).read_text(encoding="utf-8", errors="replace")
        except OSError:
            raw = ""
        texts[decl.file] = strip_comments(raw)[0].splitlines()
    body = "\n".join(texts[decl.file][decl.line_start - 1 : decl.line_end])
    known = {d.name for d in scan.decls}
    parts = decl.name.split(".")[:-1]
    prefixes = [".".join(parts[:i]) for i in range(len(parts), 0, -1)] + [""]
    out: list[str] = []
    for tok in _NAME_RE.findall(body):
        for p in prefixes:
            cand = f"{p}.{tok}" if p else tok
            if cand in known and cand != decl.name:
                out.append(cand)
                break
    return tuple(dict.fromkeys(out))


HATCH_WORDS = ("sorry", "admit", "native_decide", "axiom", "sorryAx")


def static_chain(scan: StaticScan, name: str) -> Blocker | None:
    """Best-effort chain from ``name`` to a package declaration whose source contains an escape hatch,
    following names mentioned in proof texts. None when ``name`` has one itself or none is reachable."""
    by_name: Mapping[str, LeanDecl] = {d.name: d for d in scan.decls}
    start = by_name.get(name)
    if start is None:
        return None
    texts: dict[str, list[str]] = {}

    def hatches(n: str) -> tuple[str, ...]:
        d = by_name.get(n)
        return tuple(dict.fromkeys(h.word for h in scan.hatches_in(d) if h.word in HATCH_WORDS)) if d else ()

    if hatches(name):
        return None
    path = _shortest(name, lambda n: mentioned_names(scan, by_name[n], texts) if n in by_name else (), lambda n: bool(hatches(n)))
    if not path:
        return None
    words = ", ".join(hatches(path[-1]))
    return Blocker(path, f"blocked by {path[-1]}{_via(path[:-1])}, which uses {words} "
                         "(static scan, unverified: names mentioned in the proof text)")
