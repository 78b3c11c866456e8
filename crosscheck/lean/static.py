"""Static scan of the Lean sources, without Lean: declarations, escape hatches, statement fingerprints.

What it reads from ``lean/**/*.lean`` (skipping ``.lake/``): every declaration (kind, full name with
namespaces, statement text, docstring, line range) and every escape hatch (``sorry``, ``admit``,
``native_decide``, an ``axiom`` declaration, ``unsafe``, ``debug.skipKernelTC``) outside comments and
strings. Nothing here is a proof check: a clean static scan is labelled *unverified* in the report.

The **statement** of a theorem or lemma is its signature (binders and type, up to ``:=``); of a definition
(``def``, ``abbrev``, ``structure``, …) it is the signature *and* the body, since a definition's meaning is its
body. The **fingerprint** of a statement is ``sha256`` of its tokens (identifiers, numbers, single symbols)
joined by one space, so it ignores whitespace, line breaks and comments but not any change of a token.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

DECL_KINDS = ("theorem", "lemma", "def", "abbrev", "instance", "structure", "class", "inductive", "axiom", "opaque", "example")
DEFINING_KINDS = ("def", "abbrev", "structure", "class", "inductive", "instance", "opaque")
MODIFIERS = ("private", "protected", "noncomputable", "partial", "unsafe", "nonrec")
_DECL_RE = re.compile(
    r"^[ \t]*(?:@\[[^\]\n]*\][ \t\n]*)*((?:(?:%s)[ \t]+)*)(%s)\b[ \t]*([^\s:(\[{⦃]*)" % ("|".join(MODIFIERS), "|".join(DECL_KINDS)),
    re.M,
)
_NS_RE = re.compile(r"^[ \t]*(namespace|section|end)\b[ \t]*([^\s]*)", re.M)
_HATCH_RE = re.compile(r"\b(sorry|admit|native_decide|sorryAx)\b|debug\.skipKernelTC|^[ \t]*(?:@\[[^\]\n]*\][ \t]*)*(?:(?:private|protected|noncomputable)[ \t]+)*(axiom|unsafe)\b", re.M)
_TOKEN_RE = re.compile(r"[^\W\d][\w'!?₀-₉ₐ-ₜᵢ-ᵪ]*(?:\.[^\W\d][\w'!?₀-₉ₐ-ₜᵢ-ᵪ]*)*|\d+(?:\.\d+)?|\S")


@dataclass(frozen=True)
class LeanDecl:
    """One declaration as written in the source."""

    name: str
    kind: str
    statement: str
    docstring: str | None
    file: str
    line_start: int
    line_end: int
    modifiers: tuple[str, ...] = ()

    JSON_PROPERTIES = ("fingerprint",)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.statement)


@dataclass(frozen=True)
class Hatch:
    """An escape hatch found in the source (outside comments and strings)."""

    file: str
    line: int
    word: str
    text: str


@dataclass(frozen=True)
class StaticScan:
    root: str
    files: tuple[str, ...]
    decls: tuple[LeanDecl, ...]
    hatches: tuple[Hatch, ...]
    errors: tuple[str, ...] = ()
    exe_files: tuple[str, ...] = ()  # roots of `lean_exe` targets: tools, not part of the library

    @property
    def library_hatches(self) -> tuple[Hatch, ...]:
        """Hatches in the library's files (an executable such as the dump program may need ``unsafe``
        for Lean's meta API; no proof can depend on it)."""
        return tuple(h for h in self.hatches if h.file not in self.exe_files)

    def find(self, name: str) -> LeanDecl | None:
        for d in self.decls:
            if d.name == name:
                return d
        return None

    def hatches_in(self, decl: LeanDecl) -> tuple[Hatch, ...]:
        return tuple(h for h in self.hatches if h.file == decl.file and decl.line_start <= h.line <= decl.line_end)


def fingerprint(statement: str) -> str:
    """``sha256:`` + first 16 hex digits of the token-normalised statement."""
    norm = " ".join(_TOKEN_RE.findall(strip_comments(statement)[0]))
    return "sha256:" + hashlib.sha256(norm.encode("utf-8")).hexdigest()[:16]


def strip_comments(text: str) -> tuple[str, dict[int, str]]:
    """Blank out comments and string literals (keeping newlines, so line numbers survive).

    Returns the blanked text and the docstrings ``/-- … -/`` keyed by the offset where each ends.
    Lean block comments nest.
    """
    out = list(text)
    docs: dict[int, str] = {}
    i, n = 0, len(text)
    while i < n:
        if text.startswith("--", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            _blank(out, i, j)
            i = j
        elif text.startswith("/-", i):
            is_doc = text.startswith("/--", i) and not text.startswith("/--/", i)
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/-", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("-/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if is_doc:
                docs[j] = text[i + 3 : j - 2].strip()
            _blank(out, i, j)
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            _blank(out, i + 1, min(j, n))
            i = j + 1
        elif text[i] == "'" and i + 2 < n and text[i + 2] == "'" and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_'")):
            i += 3  # a char literal like 'a'
        else:
            i += 1
    return "".join(out), docs


def _blank(out: list[str], i: int, j: int) -> None:
    for k in range(i, j):
        if out[k] != "\n":
            out[k] = " "


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def scan_file(path: Path, root: Path) -> tuple[list[LeanDecl], list[Hatch]]:
    raw = path.read_text(encoding="utf-8", errors="replace")
    text, docs = strip_comments(raw)
    rel = str(path.relative_to(root))
    hatches = []
    for m in _HATCH_RE.finditer(text):
        word = m.group(1) or m.group(2) or "debug.skipKernelTC"
        line = _line_of(text, m.start())
        hatches.append(Hatch(rel, line, word, raw.splitlines()[line - 1].strip()[:200]))
    # namespace events and declaration starts, in order of appearance
    events = [(m.start(), "ns", m) for m in _NS_RE.finditer(text)] + [(m.start(), "decl", m) for m in _DECL_RE.finditer(text)]
    events.sort(key=lambda e: e[0])
    stack: list[tuple[str, str]] = []  # (kind, name)
    decl_starts = [e for e in events if e[1] == "decl"]
    decls: list[LeanDecl] = []
    for pos, what, m in events:
        if what == "ns":
            kw, name = m.group(1), m.group(2)
            if kw in ("namespace", "section"):
                stack.append((kw, name if kw == "namespace" else ""))
            elif stack:
                stack.pop()
            continue
        mods = tuple(m.group(1).split())
        kind, short = m.group(2), m.group(3)
        if kind == "example" or not short:
            continue
        prefix = ".".join(n for k, n in stack if k == "namespace" and n)
        full = short[len("_root_.") :] if short.startswith("_root_.") else (f"{prefix}.{short}" if prefix else short)
        nxt = [s for s, _, _ in decl_starts if s > pos]
        ns_next = [s for s, w, mm in events if s > pos and w == "ns"]
        end = min(nxt + ns_next + [len(text)])
        body = text[m.end() : end]
        # a theorem's meaning is its statement; a definition's is its signature *and* its body
        stmt_end = len(body) if kind in DEFINING_KINDS else _statement_end(body)
        statement = " ".join(body[:stmt_end].split())
        doc = None
        for doc_end, doc_text in docs.items():
            if doc_end <= pos and not text[doc_end:pos].strip():
                doc = doc_text
        last = end
        while last > m.end() and text[last - 1].isspace():
            last -= 1
        decls.append(LeanDecl(full, kind, statement, doc, rel, _line_of(text, m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))), _line_of(text, last), mods))
    return decls, hatches


def _statement_end(body: str) -> int:
    """Offset of the ``:=`` (or ``where``/``|`` alternative) that ends the statement, at bracket depth 0."""
    depth = 0
    i = 0
    while i < len(body):
        c = body[i]
        if c in "([{⦃⟨":
            depth += 1
        elif c in ")]}⦄⟩":
            depth -= 1
        elif depth == 0:
            if body.startswith(":=", i):
                return i
            if re.match(r"\bwhere\b", body[i:]) and (i == 0 or not body[i - 1].isalnum()):
                return i
            if c == "|" and not body[body.rfind("\n", 0, i) + 1 : i].strip():
                return i  # a pattern-matching alternative at the start of a line
        i += 1
    return len(body)


def exe_roots(root: Path) -> tuple[str, ...]:
    """Files of the ``lean_exe`` roots declared in ``lakefile.toml`` (``root = "DumpDecls"`` →
    ``DumpDecls.lean``; default root is the exe's name). Empty when there is no readable lakefile.toml."""
    import tomllib

    try:
        data = tomllib.loads((root / "lakefile.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    exes = data.get("lean_exe", [])
    out = []
    for exe in exes if isinstance(exes, list) else []:
        if isinstance(exe, dict):
            mod = str(exe.get("root", exe.get("name", "")))
            if mod:
                out.append(mod.replace(".", "/") + ".lean")
    return tuple(out)


def scan(root: str | Path) -> StaticScan:
    """Scan every ``.lean`` file under ``root`` (skipping ``.lake`` and ``build``)."""
    r = Path(root)
    files = sorted(p for p in r.rglob("*.lean") if not ({".lake", "build"} & set(p.relative_to(r).parts)))
    decls: list[LeanDecl] = []
    hatches: list[Hatch] = []
    errors: list[str] = []
    for f in files:
        try:
            d, h = scan_file(f, r)
        except OSError as exc:
            errors.append(f"{f}: {exc.strerror}")
            continue
        decls += d
        hatches += h
    return StaticScan(str(r), tuple(str(f.relative_to(r)) for f in files), tuple(decls), tuple(hatches), tuple(errors), exe_roots(r))
