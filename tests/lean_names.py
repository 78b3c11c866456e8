"""Collect the external names used by the Lean package and check them against the ledger.

The Lean package under ``lean/`` cannot be compiled on this machine, so every Mathlib or Lean
core name it uses is recorded, with how it was verified, in ``lean/MATHLIB_API.md``. This
module is a deliberately small, regex-based reader of Lean source (not a parser):

* comments, string literals, name literals (`` `Foo ``) and ``#commands`` are removed;
* the notations listed in ``NOTATIONS`` are removed and recorded;
* names bound locally (binders, ``fun``/``intro``/``obtain``/``have``/``let`` names, match
  patterns, structure-instance fields and named arguments) and names declared by the package
  itself are resolved away;
* every remaining identifier must be in the ledger, either verbatim or after prefixing one of
  the namespaces opened in that file (``open Matrix`` makes ``kroneckerMap`` count as
  ``Matrix.kroneckerMap``).

Resolution of dotted identifiers: if the first component is a local name the token is a field
access and is not resolved as a name; its accessor is checked as below. A dotted token such as ``Function.ne_iff.mp`` is accepted when the token
itself, or a prefix of it with at least two components whose last component starts with a
lower-case letter (a lemma, not a namespace), is known; so ``Matrix.no_such_lemma`` is *not*
accepted just because ``Matrix`` is.

Accessors (the theorem files under ``NeuralLandscapes``): a lower-case ``.name`` right after an identifier or
a closing bracket — ``h.symm``, ``(mul_eq_zero.mp h).resolve_left``, ``hmd.ne`` — resolves through the type of
what precedes it, which a regex cannot know; so each such ``name`` must be the last component of some ledger
row (``Eq.symm``, ``Or.resolve_left``, ``LT.lt.ne``) or of a package declaration. Coarse, but it means no
dot-notation use of a core or Mathlib lemma goes unrecorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# Notations (Mathlib or core) tracked in the ledger's notation table. Longest first.
NOTATIONS = [
    "→ₗ[",
    "⬝ᵥ",
    "*ᵥ",
    "ᵥ*",
    "⊗ₖ",
    "∑",
    "∏",
    "ℝ",
    "ℕ",
    "ℤ",
    "ℚ",
    "ℂ",
    "•",
    "⊥",
    "⊤",
    "ᵀ",
    "ᴴ",
]

# Keywords, tactic names and other syntax that is not a constant to look up.
KEYWORDS = {
    # commands and term syntax
    "theorem", "lemma", "def", "abbrev", "instance", "structure", "inductive", "class",
    "where", "namespace", "section", "end", "open", "scoped", "import", "variable",
    "noncomputable", "unsafe", "private", "protected", "partial", "fun", "λ", "let", "have",
    "show", "from", "by", "at", "only", "with", "in", "if", "then", "else", "match", "do",
    "return", "calc", "Type", "Prop", "Sort", "using", "this", "mut", "for", "unless",
    "deriving", "extends", "axioms", "BIGOP", "_",
    # tactics
    "exact", "apply", "refine", "rw", "rwa", "rewrite", "simp", "simpa", "simp_rw", "dsimp",
    "ring1",
    "intro", "intros", "rintro", "obtain", "rcases", "constructor", "ext", "ring", "ring_nf",
    "linarith", "nlinarith", "omega", "positivity", "norm_num", "field_simp", "by_contra",
    "by_cases", "exfalso", "contradiction", "assumption", "unfold", "change", "congr",
    "gcongr", "convert", "specialize", "subst", "induction", "cases", "use", "left", "right",
    "split_ifs", "push_cast", "norm_cast", "exact_mod_cast", "set", "clear", "all_goals",
    "any_goals", "first", "try", "repeat", "case", "next", "skip", "done", "decide",
    # `#guard_msgs (whitespace := lax)`
    "lax",
    # `do`-notation control flow and string interpolation
    "catch", "finally", "continue", "break", "while", "s!",
}

# Names reached through Lean's root-level `export`s, mapped to the constant they denote.
EXPORTED = {
    "some": "Option.some",
    "none": "Option.none",
    "true": "Bool.true",
    "false": "Bool.false",
    "default": "Inhabited.default",
    "toString": "ToString.toString",
    "toJson": "Lean.ToJson.toJson",
    "star": "Star.star",
    "pure": "Pure.pure",
}

FORBIDDEN = {"sorry", "admit", "native_decide", "lia"}

_ID_START = r"[^\W\d]"
_ID_CONT = r"[\w'!?]"
IDENT_RE = re.compile(
    rf"(?<![\w'.])\.?{_ID_START}{_ID_CONT}*(?:\.(?:{_ID_START}{_ID_CONT}*|\d+))*"
)
SIMPLE_IDENT = rf"{_ID_START}{_ID_CONT}*"
DECL_RE = re.compile(
    r"\b(?:theorem|lemma|def|abbrev|instance|structure|inductive|class)\s+"
    rf"({SIMPLE_IDENT}(?:\.{SIMPLE_IDENT})*)"
)


def strip_comments_and_strings(text: str) -> str:
    """Blank out comments (nested ``/- -/``, ``--``), string and char literals, keeping
    newlines so that line numbers survive."""
    out: list[str] = []
    i, n = 0, len(text)
    depth = 0
    while i < n:
        c = text[i]
        two = text[i : i + 2]
        if depth > 0:
            if two == "/-":
                depth += 1
                out.append("  ")
                i += 2
            elif two == "-/":
                depth -= 1
                out.append("  ")
                i += 2
            else:
                out.append("\n" if c == "\n" else " ")
                i += 1
            continue
        if two == "/-":
            depth = 1
            out.append("  ")
            i += 2
        elif two == "--":
            while i < n and text[i] != "\n":
                out.append(" ")
                i += 1
        elif c == '"':
            out.append(" ")
            i += 1
            while i < n and text[i] != '"':
                if text[i] == "\\":
                    out.append(" ")
                    i += 1
                out.append("\n" if i < n and text[i] == "\n" else " ")
                i += 1
            out.append(" ")
            i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _strip_misc(code: str) -> str:
    """Remove name literals (`` `Foo.Bar ``), ``#commands`` and attribute brackets."""
    code = re.sub(rf"`+{SIMPLE_IDENT}(?:\.{SIMPLE_IDENT})*", " ", code)
    code = re.sub(r"#[A-Za-z_]+", " ", code)
    return code


@dataclass
class FileScan:
    path: Path
    code: str
    opens: list[str] = field(default_factory=list)
    namespaces: list[str] = field(default_factory=list)
    locals: set[str] = field(default_factory=set)
    declared: set[str] = field(default_factory=set)
    notations: set[str] = field(default_factory=set)
    forbidden: list[tuple[str, int]] = field(default_factory=list)


def _idents(s: str) -> list[str]:
    return [m.group(0) for m in IDENT_RE.finditer(s) if not m.group(0).startswith(".")]


def _simple(names: list[str]) -> list[str]:
    return [x for x in names if "." not in x]


def _collect_locals(code: str) -> set[str]:
    loc: set[str] = set()
    # bracketed binder groups `(a b : T)`, `{m d : ℕ}`, `[inst : C]`
    binder_group = rf"[(\{{\[⦃]\s*((?:{SIMPLE_IDENT}[ \t]+)*{SIMPLE_IDENT})\s*:(?!=)"
    for m in re.finditer(binder_group, code):
        loc.update(m.group(1).split())
    # `{ x :=`, `, x :=`, `(x :=` (structure-instance fields, named arguments) and
    # `let x :=`, `have x :=`, `let x ←`, `let some x :=`
    for m in re.finditer(
        rf"(?:^|[{{(,]|\blet|\bhave|\bset)\s*(?:some\s+)?({SIMPLE_IDENT})\s*(?::=|←)",
        code,
        flags=re.M,
    ):
        loc.add(m.group(1))
    # `fun a b ⟨c, d⟩ =>`
    for m in re.finditer(r"\bfun\b(.*?)(?:=>|↦)", code, flags=re.S):
        loc.update(_simple(_idents(re.sub(r"\(.*?:.*?\)", " ", m.group(1)))))
    # `∀ a b : T,`, `∃ a,`, `∑ a ∈ s,` (the `∑` was replaced by a marker, see below)
    for m in re.finditer(r"(?:∀|∃|\bBIGOP\b)(.*?)[,:∈]", code):
        loc.update(_simple(_idents(m.group(1))))
    # tactic binders on the rest of the line
    for m in re.finditer(
        rf"\b(?:intro|intros|rintro|funext|ext|by_contra|by_cases)\b((?:[ \t]+{SIMPLE_IDENT})*)",
        code,
    ):
        loc.update(_simple(_idents(m.group(1))))
    for m in re.finditer(r"\b(?:obtain|rcases)\b([^\n]*?)(?::=|$)", code, flags=re.M):
        loc.update(_simple(_idents(m.group(1))))
    for m in re.finditer(r"\bwith\b\s*(⟨[^\n]*⟩)", code):
        loc.update(_simple(_idents(m.group(1))))
    # `have h :` / `let x :` / `let some x :=`
    for m in re.finditer(rf"\b(?:have|let|set)\s+(?:some\s+)?({SIMPLE_IDENT})", code):
        loc.add(m.group(1))
    for m in re.finditer(r"\blet\s*\(([^)]*)\)", code):
        loc.update(_simple(_idents(m.group(1))))
    # match alternatives `| pat =>` at the start of a line (not `first | (tac …)`)
    for m in re.finditer(r"^\s*\|([^\n|(]*?)=>", code, flags=re.M):
        loc.update(_simple(_idents(m.group(1))))
    # `catch e =>` binds the exception
    for m in re.finditer(rf"\bcatch\s+({SIMPLE_IDENT})", code):
        loc.add(m.group(1))
    # fields declared in a `structure … where` block: indented `name : Type` lines
    for m in re.finditer(r"\bstructure\b[^\n]*\bwhere\b((?:\n[ \t]+[^\n]*)*)", code):
        for f in re.finditer(rf"^[ \t]+({SIMPLE_IDENT})[ \t]*:(?!=)", m.group(1), flags=re.M):
            loc.add(f.group(1))
    # structure-instance fields / `where` clauses: `toFun x k :=`
    for m in re.finditer(
        rf"^[ \t]*((?:{SIMPLE_IDENT}[ \t]+)*{SIMPLE_IDENT})[ \t]*:=", code, flags=re.M
    ):
        loc.update(m.group(1).split())
    return loc


def scan_file(path: Path) -> FileScan:
    raw = path.read_text(encoding="utf-8")
    code = _strip_misc(strip_comments_and_strings(raw))
    scan = FileScan(path=path, code=code)
    for tok in NOTATIONS:
        if tok in code:
            scan.notations.add(tok)
            code = code.replace(tok, " BIGOP " if tok in ("∑", "∏") else " ")
    lines = code.split("\n")
    kept: list[str] = []
    for line in lines:
        s = line.strip()
        m = re.match(r"^open\s+(?:scoped\s+)?(.*?)(?:\s+in)?$", s)
        if m:
            ns_list = [x for x in m.group(1).split() if x not in ("scoped", "in")]
            for ns in ns_list:
                scan.opens.append(ns)
                for prev in list(scan.opens):
                    if prev != ns:
                        scan.opens.append(f"{prev}.{ns}")
            kept.append("")
            continue
        m = re.match(r"^namespace\s+(\S+)", s)
        if m:
            scan.namespaces.append(m.group(1))
            kept.append("")
            continue
        if re.match(r"^(import|end)\b", s):
            kept.append("")
            continue
        kept.append(line)
    code = "\n".join(kept)
    scan.code = code
    for m in DECL_RE.finditer(code):
        scan.declared.add(m.group(1))
    scan.locals = _collect_locals(code)
    for lineno, line in enumerate(code.split("\n"), start=1):
        for tok in _idents(line):
            if tok in FORBIDDEN:
                scan.forbidden.append((tok, lineno))
    return scan


def parse_ledger(path: Path) -> tuple[set[str], set[str]]:
    """Return (names, notations): the backticked first cells of the ledger's tables; rows
    below a heading that mentions "notation" go to the notation set."""
    names: set[str] = set()
    notations: set[str] = set()
    in_notation = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            in_notation = "notation" in line.lower()
            continue
        m = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if m:
            (notations if in_notation else names).add(m.group(1).strip())
    return names, notations


def _lower_lemma_prefixes(tok: str) -> list[str]:
    parts = tok.split(".")
    out = [tok]
    for k in range(len(parts) - 1, 1, -1):
        if parts[k - 1][:1].islower():
            out.append(".".join(parts[:k]))
    return out


@dataclass
class CheckResult:
    unknown: dict[str, list[str]]
    checked: set[str]
    notations_used: set[str]
    unknown_notations: set[str]
    forbidden: list[str]
    accessors: set[str] = field(default_factory=set)  # accessor names seen in the theorem files
    unknown_accessors: dict[str, list[str]] = field(default_factory=dict)


ACCESSOR_RE = re.compile(r"(?<=[\w')\]⟩])\.([a-z_][A-Za-z0-9_']*)")


def _is_theorem_file(path: Path) -> bool:
    return path.parent.name == "NeuralLandscapes" or path.stem == "NeuralLandscapes"


def check(lean_root: Path, ledger: Path) -> CheckResult:
    files = sorted(p for p in lean_root.rglob("*.lean") if ".lake" not in p.parts)
    scans = [scan_file(p) for p in files]
    ledger_names, ledger_notations = parse_ledger(ledger)
    package: set[str] = set()
    for sc in scans:
        for d in sc.declared:
            package.add(d)
            for ns in sc.namespaces:
                package.add(f"{ns}.{d}")
    unknown: dict[str, list[str]] = {}
    checked: set[str] = set()
    notations_used: set[str] = set()
    forbidden: list[str] = []
    for sc in scans:
        notations_used |= sc.notations
        forbidden += [f"{sc.path.name}:{ln}: {tok}" for tok, ln in sc.forbidden]
        opens = sc.opens + sc.namespaces

        def known(name: str) -> bool:
            cands = [name] + [f"{ns}.{name}" for ns in opens]
            return any(c in ledger_names or c in package for c in cands)

        for lineno, line in enumerate(sc.code.split("\n"), start=1):
            for tok in _idents(line):
                first = tok.split(".")[0]
                if tok in KEYWORDS or tok in FORBIDDEN or first in sc.locals:
                    continue
                if tok in package or first in package:
                    continue
                if tok in EXPORTED:
                    target = EXPORTED[tok]
                    checked.add(target)
                    if target not in ledger_names:
                        unknown.setdefault(target, []).append(f"{sc.path.name}:{lineno}")
                    continue
                if "." in tok and first[:1].islower():
                    # field notation on a global constant, e.g. `mul_eq_zero.mp`
                    tok = first
                candidates = _lower_lemma_prefixes(tok)
                checked.add(tok)
                if not any(known(c) for c in candidates):
                    unknown.setdefault(tok, []).append(f"{sc.path.name}:{lineno}")
    unknown_notations = {t for t in notations_used if t not in ledger_notations}
    last = {n.split(".")[-1] for n in ledger_names | package}
    accessors: set[str] = set()
    unknown_accessors: dict[str, list[str]] = {}
    for sc in scans:
        if not _is_theorem_file(sc.path):
            continue
        for lineno, line in enumerate(sc.code.split("\n"), start=1):
            for m in ACCESSOR_RE.finditer(line):
                accessors.add(m.group(1))
                if m.group(1) not in last:
                    unknown_accessors.setdefault(m.group(1), []).append(f"{sc.path.name}:{lineno}")
    return CheckResult(unknown, checked, notations_used, unknown_notations, forbidden, accessors, unknown_accessors)
