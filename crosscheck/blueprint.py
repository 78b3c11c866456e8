"""Read a leanblueprint LaTeX source into entries: one per statement environment.

Rules (what the parser understands, and nothing more):

* **Comments.** ``%`` to the end of the line is a comment, unless escaped (``\\%``); ``\\\\%`` is a line
  break followed by a comment. Comments are blanked (newlines kept), so line numbers stay right.
* **Sub-files.** ``\\input{f}`` and ``\\include{f}`` outside statement environments are read in place; ``f`` is
  looked up relative to the including file, then to the root file, with or without ``.tex``. A file that is
  already being read (a cycle) or was read before is skipped with a warning; a missing file is an error.
* **Statement environments** ``theorem``, ``lemma``, ``proposition``, ``corollary``, ``definition`` (and their
  starred forms), each with an optional ``[Title]``. Inside them: ``\\label{…}``, ``\\lean{A.b, A.c}`` (names
  separated by commas, any whitespace or newlines; several ``\\lean`` add up), ``\\uses{…}``, ``\\leanok`` (the
  statement is formalised), ``\\mathlibok``, ``\\notready``. Macros may span lines; braces nest.
* **Proofs.** A ``proof`` environment belongs to the statement named by a ``\\proves{label}`` inside it, else to
  the statement environment before it. ``\\leanok`` in the proof means the proof is formalised; its
  ``\\uses{…}`` are recorded as ``proof_uses``.
* **Statement text** is the environment's body with the blueprint macros removed and the rest of the LaTeX
  made readable by :func:`detex`.

Any structural problem (an unclosed environment or brace, a missing sub-file) is a :class:`BlueprintError`
naming ``file:line``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

STATEMENT_ENVS = ("theorem", "lemma", "proposition", "corollary", "definition")
BLUEPRINT_MACROS = ("label", "lean", "uses", "leanok", "mathlibok", "notready", "proves", "discussion")
_NO_ARG_MACROS = ("leanok", "mathlibok", "notready")
_TOP_RE = re.compile(r"\\(input|include|begin)(?![A-Za-z])")


class BlueprintError(ValueError):
    """A blueprint that cannot be read; ``str()`` starts with ``file:line``."""


@dataclass(frozen=True)
class Entry:
    """One statement environment of the blueprint, with its proof's marks."""

    label: str
    env: str
    title: str
    statement: str
    lean: tuple[str, ...]
    uses: tuple[str, ...]
    leanok: bool  # \leanok in the statement: the statement is formalised
    proof_leanok: bool  # \leanok in its proof environment: the proof is formalised
    mathlibok: bool
    notready: bool
    file: str
    line: int
    has_proof: bool = False
    proof_uses: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def marked_done(self) -> bool:
        """Whether the marks claim the whole entry is formalised: ``\\leanok`` in its proof, or, for an
        entry without a proof environment (a definition, a statement proved elsewhere), ``\\leanok`` on
        the statement itself (leanblueprint's rule)."""
        return self.proof_leanok if self.has_proof else self.leanok


@dataclass(frozen=True)
class Blueprint:
    root: str
    files: tuple[str, ...]
    entries: tuple[Entry, ...]
    warnings: tuple[str, ...] = ()

def strip_comments(text: str) -> str:
    """Blank every ``%`` comment (to the end of its line), keeping ``\\%`` and every newline."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2  # an escaped character, including \% and \\ (a line break)
        elif c == "%":
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        else:
            i += 1
    return "".join(out)


def read_group(text: str, i: int, open_: str = "{", close: str = "}") -> tuple[str, int]:
    """The balanced group starting at ``text[i] == open_`` (escaped braces do not count): its inner text and
    the offset after its closing character. Raises ``ValueError`` when it never closes."""
    assert text[i] == open_
    depth, j, n = 0, i, len(text)
    brace = 0  # for [..] groups: a ']' inside braces does not close
    while j < n:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if open_ != "{" and c in "{}":
            brace += 1 if c == "{" else -1
        elif brace == 0 and c == open_:
            depth += 1
        elif brace == 0 and c == close:
            depth -= 1
            if depth == 0:
                return text[i + 1 : j], j + 1
        j += 1
    raise ValueError(f"unclosed {open_}")


def _skip_ws(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _split_list(arg: str) -> tuple[str, ...]:
    """``A.b, A.c`` (commas, any whitespace, newlines) → the names; ``\\_`` is read as ``_``."""
    return tuple(x for x in ("".join(p.split()).replace("\\_", "_") for p in arg.split(",")) if x)


def _env_end(text: str, env: str, start: int) -> tuple[int, int]:
    """Offsets of the matching ``\\end{env}`` (its start and end), counting nested ``\\begin{env}``."""
    pat = re.compile(r"\\(begin|end)\s*\{\s*" + re.escape(env) + r"\s*\}")
    depth = 1
    for m in pat.finditer(text, start):
        depth += 1 if m.group(1) == "begin" else -1
        if depth == 0:
            return m.start(), m.end()
    raise ValueError(f"\\begin{{{env}}} is never closed")


@dataclass
class _Marks:
    labels: list[str]
    lean: list[str]
    uses: list[str]
    proves: list[str]
    flags: set[str]


def _take_macros(body: str) -> tuple[_Marks, str]:
    """Pull the blueprint macros out of an environment body; return them and the remaining text.
    Nested environments inside the body (e.g. an ``enumerate``) stay in the text."""
    marks = _Marks([], [], [], [], set())
    out: list[str] = []
    i, n = 0, len(body)
    while i < n:
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        m = re.match(r"\\([A-Za-z]+)", body[i:])
        if not m or m.group(1) not in BLUEPRINT_MACROS:
            seg = m.group(0) if m else body[i : i + 2]
            out.append(seg)
            i += len(seg)
            continue
        name = m.group(1)
        i += len(m.group(0))
        if name in _NO_ARG_MACROS:
            marks.flags.add(name)
            continue
        j = _skip_ws(body, i)
        if j >= n or body[j] != "{":
            raise ValueError(f"\\{name} without its {{…}} argument")
        arg, i = read_group(body, j)
        if name == "label":
            marks.labels.append(arg.strip())
        elif name == "lean":
            marks.lean += _split_list(arg)
        elif name == "uses":
            marks.uses += _split_list(arg)
        elif name == "proves":
            marks.proves.append(arg.strip())
    return marks, "".join(out)


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.root_dir = root.parent
        self.entries: list[Entry] = []
        self.files: list[str] = []
        self.warnings: list[str] = []
        self.open: list[Path] = []
        self.seen: set[Path] = set()
        self.last: int | None = None  # index of the statement a following proof belongs to

    def rel(self, p: Path) -> str:
        try:
            return str(p.relative_to(self.root_dir))
        except ValueError:
            return str(p)

    def resolve(self, name: str, here: Path) -> Path | None:
        name = name.strip()
        for base in (here.parent, self.root_dir):
            for cand in (name, name + ".tex"):
                p = (base / cand).resolve()
                if p.is_file():
                    return p
        return None

    def read(self, path: Path) -> None:
        path = path.resolve()
        self.open.append(path)
        self.seen.add(path)
        self.files.append(self.rel(path))
        try:
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BlueprintError(f"{self.rel(path)}: cannot read: {exc.strerror or exc}") from None
        except UnicodeDecodeError as exc:
            raise BlueprintError(f"{self.rel(path)}: not UTF-8 text (byte {exc.start})") from None
        text = strip_comments(raw)
        i = 0
        while True:
            m = _TOP_RE.search(text, i)
            if m is None:
                break
            if _escaped(text, m.start()):
                i = m.end()
                continue
            where = f"{self.rel(path)}:{_line(text, m.start())}"
            j = _skip_ws(text, m.end())
            if j >= len(text) or text[j] != "{":
                i = m.end()  # \input without braces (plain TeX form): not followed
                continue
            try:
                arg, j = read_group(text, j)
            except ValueError:
                raise BlueprintError(f"{where}: \\{m.group(1)}{{ is never closed") from None
            if m.group(1) in ("input", "include"):
                self.include(arg, path, where)
                i = j
                continue
            env = arg.strip()
            base = env.rstrip("*")
            if base not in STATEMENT_ENVS and base != "proof":
                i = j
                continue
            try:
                end_start, end_end = _env_end(text, env, j)
            except ValueError as exc:
                raise BlueprintError(f"{where}: {exc}") from None
            try:
                if base == "proof":
                    self.proof(text[j:end_start], where)
                else:
                    self.statement(base, text, j, end_start, path, m.start())
            except ValueError as exc:
                raise BlueprintError(f"{where}: {exc}") from None
            i = end_end
        self.open.pop()

    def include(self, arg: str, here: Path, where: str) -> None:
        target = self.resolve(arg, here)
        if target is None:
            raise BlueprintError(f"{where}: sub-file {arg.strip()!r} not found (looked beside {self.rel(here)} and the root file, with and without .tex)")
        if target in self.open:
            self.warnings.append(f"{where}: \\input{{{arg.strip()}}} would read {self.rel(target)} inside itself (a cycle); skipped")
            return
        if target in self.seen:
            self.warnings.append(f"{where}: {self.rel(target)} was already read; skipped")
            return
        self.read(target)

    def statement(self, env: str, text: str, start: int, end: int, path: Path, begin: int) -> None:
        title = ""
        k = _skip_ws(text, start)
        if k < end and text[k] == "[":
            title, start = read_group(text, k, "[", "]")
        marks, rest = _take_macros(text[start:end])
        line = _line(text, begin)
        if not marks.labels:
            self.warnings.append(f"{self.rel(path)}:{line}: \\begin{{{env}}} without \\label; skipped")
            self.last = None
            return
        label = marks.labels[0]
        if any(e.label == label for e in self.entries):
            self.warnings.append(f"{self.rel(path)}:{line}: duplicate \\label{{{label}}}; the first one is kept")
            self.last = None
            return
        self.entries.append(
            Entry(
                label=label,
                env=env,
                title=detex(title),
                statement=detex(rest),
                lean=tuple(dict.fromkeys(marks.lean)),
                uses=tuple(dict.fromkeys(marks.uses)),
                leanok="leanok" in marks.flags,
                proof_leanok=False,
                mathlibok="mathlibok" in marks.flags,
                notready="notready" in marks.flags,
                file=self.rel(path),
                line=line,
            )
        )
        self.last = len(self.entries) - 1

    def proof(self, body: str, where: str) -> None:
        marks, _ = _take_macros(body)
        idx = self.last
        if marks.proves:
            idx = next((k for k, e in enumerate(self.entries) if e.label == marks.proves[0]), None)
            if idx is None:
                self.warnings.append(f"{where}: \\proves{{{marks.proves[0]}}} names no statement; proof ignored")
                return
        if idx is None or self.entries[idx].has_proof:
            self.warnings.append(f"{where}: a proof environment with no statement before it; ignored")
            return
        e = self.entries[idx]
        self.entries[idx] = replace(e, has_proof=True, proof_leanok="leanok" in marks.flags, proof_uses=tuple(dict.fromkeys(marks.uses)))
        if not marks.proves:
            self.last = None


def _escaped(text: str, i: int) -> bool:
    """Whether the backslash at ``text[i]`` is itself escaped (preceded by an odd number of backslashes)."""
    k = i
    while k > 0 and text[k - 1] == "\\":
        k -= 1
    return (i - k) % 2 == 1


def parse_blueprint(path: str | Path) -> Blueprint:
    """Read the blueprint whose main file is ``path`` (with its sub-files)."""
    p = Path(path)
    if not p.is_file():
        raise BlueprintError(f"{path}: file not found")
    r = _Reader(p.resolve())
    r.read(p)
    return Blueprint(str(path), tuple(r.files), tuple(r.entries), tuple(r.warnings))


# --- readable text ---------------------------------------------------------------------------------------

_SYMBOLS = {
    "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "neq": "≠", "ne": "≠", "in": "∈", "notin": "∉",
    "subseteq": "⊆", "subset": "⊂", "supseteq": "⊇", "to": "→", "mapsto": "↦", "rightarrow": "→",
    "Rightarrow": "⇒", "implies": "⇒", "iff": "⇔", "Leftrightarrow": "⇔", "infty": "∞", "cdot": "·",
    "times": "×", "forall": "∀", "exists": "∃", "sum": "Σ", "prod": "∏", "int": "∫", "mid": "|",
    "ldots": "…", "dots": "…", "cdots": "⋯", "circ": "∘", "cup": "∪", "cap": "∩", "emptyset": "∅",
    "varnothing": "∅", "otimes": "⊗", "oplus": "⊕", "langle": "⟨", "rangle": "⟩", "partial": "∂",
    "nabla": "∇", "pm": "±", "approx": "≈", "equiv": "≡", "cong": "≅", "sim": "∼", "neg": "¬",
    "land": "∧", "wedge": "∧", "lor": "∨", "vee": "∨", "setminus": "∖", "perp": "⊥", "top": "⊤",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ",
    "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ",
    "Sigma": "Σ", "Pi": "Π", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "item": "•", "qquad": " ",
    "quad": " ", "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "colon": ":",
}
_OPERATORS = frozenset("deg det dim ker log ln exp sin cos tan max min sup inf lim gcd lcm mod arg hom".split())
_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ"}
_DROP_WITH_ARG = frozenset({"cite", "footnote", "index", "hspace", "vspace", "begin", "end", "label"})
_REF = frozenset({"ref", "cref", "Cref", "eqref", "autoref"})
_ESCAPES = {"%": "%", "{": "{", "}": "}", "_": "_", "&": "&", "#": "#", "$": "$", ",": " ", ";": " ",
            ":": " ", "!": "", "|": "‖", "\\": " ", " ": " ", "(": "", ")": "", "[": "", "]": ""}


def detex(text: str) -> str:
    """LaTeX → readable text: math delimiters, grouping braces, environment markers and unknown layout
    macros are removed; symbols become Unicode (``\\le`` → ≤, ``\\mathbb{R}`` → ℝ); ``\\frac{a}{b}`` →
    ``(a)/(b)``; a macro with an argument (``\\emph{x}``, ``\\text{x}``) keeps the argument; references keep
    the label. Whitespace is collapsed."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+)\*?", text[i:])
            if not m:
                nxt = text[i + 1 : i + 2]
                out.append(_ESCAPES.get(nxt, nxt))
                i += 2
                continue
            name = m.group(1)
            i += len(m.group(0))
            args: list[str] = []
            while True:
                j = _skip_ws(text, i)
                if j < n and text[j] == "{" and (name not in _SYMBOLS and name not in _OPERATORS):
                    try:
                        arg, i = read_group(text, j)
                    except ValueError:
                        break
                    args.append(arg)
                    if len(args) == 2 or name != "frac":
                        break
                else:
                    break
            if name in _SYMBOLS:
                out.append(_SYMBOLS[name])
            elif name in _OPERATORS:
                out.append(name)
            elif name == "mathbb" and args:
                out.append(_BLACKBOARD.get(args[0].strip(), args[0].strip()))
            elif name in ("frac", "dfrac", "tfrac") and len(args) == 2:
                out.append(f"({detex(args[0])})/({detex(args[1])})")
            elif name == "sqrt" and args:
                out.append(f"√({detex(args[0])})")
            elif name in _REF and args:
                out.append(args[0].strip())
            elif name in _DROP_WITH_ARG:
                pass
            elif args:
                out.append(" ".join(detex(a) for a in args))
            continue
        if c in "{}$~":
            out.append(" " if c == "~" else "")
        else:
            out.append(c)
        i += 1
    s = " ".join("".join(out).split())
    return re.sub(r"\s+([,.;:)])", r"\1", s).replace("( ", "(")
