"""Lean diagnostics out of build output: both formats Lean and Lake print.

* **Plain text.** Lean's ``SerialMessage.toString`` prints ``FILE:LINE:COL: error: MSG`` (since 4.2x
  also ``error(lean.unknownIdentifier):`` with the error name, and ``FILE:L:C-EL:EC:`` with an end
  position); Lake replays each message as ``error: FILE:LINE:COL: MSG`` (its log level first, then
  ``mkErrorStringWithPos`` without a severity label). A message continues on the following lines
  until the next diagnostic, a Lake status line (``✔ [3/9] Built …``, ``trace:``, ``info:``,
  ``error: Lean exited with code 1``, ``Some required builds logged failures:`` — ``Some required targets
  logged failures:`` in newer Lake —, …) or a JSON line.
* **JSON** (``lean --json``): one ``SerialMessage`` object per line, fields ``fileName``,
  ``pos {line, column}``, ``endPos`` (or null), ``severity`` (``information|warning|error``),
  ``caption``, ``data`` (the text), ``kind``, ``isSilent``, ``keepFullRange`` (Lean.Message).

Lean columns are 0-based (``pos.column``); lines are 1-based. Both are kept as Lean prints them.
File names are normalised relative to the Lean package: ``././NeuralLandscapes/A.lean`` and
``/abs/lean/NeuralLandscapes/A.lean`` both become ``NeuralLandscapes/A.lean``.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

from crosscheck.lean.process import strip_ansi

SEVERITIES = ("error", "warning", "information")
_SEV_ALIASES = {"error": "error", "warning": "warning", "warn": "warning", "info": "information", "information": "information"}
_PLAIN_RE = re.compile(
    r"^(?:(?P<lvl>error|warning|info|information|trace):\s+)?"
    r"(?P<file>(?!\s)[^:\n]*?\.lean):(?P<line>\d+):(?P<col>\d+)(?:-(?P<eline>\d+):(?P<ecol>\d+))?:"
    r"(?:\s+(?P<sev>error|warning|information|info)(?:\([^)\s]*\))?:)?\s?(?P<msg>.*)$"
)
# lines that end a multi-line message: Lake job/status lines and Lake's own log lines
_STATUS_RE = re.compile(
    r"^(?:[✔✖⚠ℹ⣿⣾⣽⣻⢿⡿⣟⣯⣷]\s*\[\d+/\d+\]|\[\d+/\d+\]\s|trace:|info:|error:|warning:|Some required (?:builds|targets) logged failures|"
    r"Build completed|Failed to build|Downloaded:|Decompressing|Unpacked in|Attempting to download|Completed successfully)"
)
_FAILED_HDRS = ("Some required builds logged failures", "Some required targets logged failures")


@dataclass(frozen=True)
class Diagnostic:
    file: str
    line: int
    column: int
    severity: str
    message: str
    end_line: int | None = None
    end_column: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The record the report shows (keys file/line/column/severity/message)."""
        d: dict[str, object] = {"file": self.file, "line": self.line, "column": self.column, "severity": self.severity, "message": self.message}
        if self.end_line is not None:
            d["end_line"], d["end_column"] = self.end_line, self.end_column
        return d

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class ParsedOutput:
    diagnostics: tuple[Diagnostic, ...]
    failed_modules: tuple[str, ...]  # from Lake's "Some required builds logged failures:" list and ✖ lines


def normalize_file(name: str, root: str | Path | None = None) -> str:
    """``name`` relative to the package ``root`` when it lies inside it; ``./`` prefixes removed."""
    name = name.strip()
    if root is not None and os.path.isabs(name):
        for base in {os.path.abspath(root), os.path.realpath(root)}:
            for cand in {name, os.path.realpath(name)}:
                rel = os.path.relpath(cand, base)
                if not rel.startswith(".."):
                    return PurePosixPath(Path(rel).as_posix()).as_posix()
        return name
    while name.startswith("./"):
        name = name[2:]
    return PurePosixPath(name).as_posix() if name else name


def same_file(diag_file: str, decl_file: str) -> bool:
    """Whether a diagnostic's (normalised) file is the declaration's source file."""
    a, b = diag_file.replace(os.sep, "/"), decl_file.replace(os.sep, "/")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def parse_json_message(obj: object, root: str | Path | None = None) -> Diagnostic | None:
    """A ``lean --json`` message object, or None when ``obj`` is not one."""
    if not isinstance(obj, dict):
        return None
    pos, fname, sev = obj.get("pos"), obj.get("fileName"), obj.get("severity")
    if not (isinstance(pos, dict) and isinstance(fname, str) and isinstance(sev, str)):
        return None
    line, col = pos.get("line"), pos.get("column")
    if not (isinstance(line, int) and isinstance(col, int)):
        return None
    data = obj.get("data")
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    caption = obj.get("caption")
    if isinstance(caption, str) and caption.strip():
        text = f"{caption.strip()}:\n{text}"
    end = obj.get("endPos") if isinstance(obj.get("endPos"), dict) else {}
    el, ec = end.get("line"), end.get("column")
    return Diagnostic(
        normalize_file(fname, root), line, col, _SEV_ALIASES.get(sev.lower(), sev.lower()), text.strip(),
        el if isinstance(el, int) else None, ec if isinstance(ec, int) else None,
    )


def parse_output(text: str | Iterable[str], root: str | Path | None = None) -> ParsedOutput:
    """Every diagnostic in build output (plain and JSON lines mixed), in order, without duplicates."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    out: list[Diagnostic] = []
    failed: list[str] = []
    cur: dict | None = None
    in_failed_list = False

    def close() -> None:
        nonlocal cur
        if cur is not None:
            msg = "\n".join(cur["msg"]).rstrip()
            out.append(Diagnostic(cur["file"], cur["line"], cur["col"], cur["sev"], msg, cur["el"], cur["ec"]))
            cur = None

    for raw in lines:
        line = strip_ansi(raw).rstrip("\r\n")
        stripped = line.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            try:
                obj = json.loads(stripped)
            except ValueError:
                obj = None
            d = parse_json_message(obj, root)
            if d is not None:
                close()
                out.append(d)
                in_failed_list = False
                continue
        m = _PLAIN_RE.match(line)
        if m:
            close()
            in_failed_list = False
            sev = m.group("sev") or m.group("lvl") or "information"
            cur = {
                "file": normalize_file(m.group("file"), root), "line": int(m.group("line")), "col": int(m.group("col")),
                "sev": _SEV_ALIASES.get(sev, sev), "msg": [m.group("msg")],
                "el": int(m.group("eline")) if m.group("eline") else None, "ec": int(m.group("ecol")) if m.group("ecol") else None,
            }
            continue
        if stripped.startswith(_FAILED_HDRS):
            close()
            in_failed_list = True
            continue
        if in_failed_list and stripped.startswith("- "):
            failed.append(stripped[2:].strip().split(":")[0])
            continue
        fm = re.match(r"^✖\s*\[\d+/\d+\]\s+(?:Building|Running|Compiling)\s+(\S+)", stripped)
        if fm:
            failed.append(fm.group(1).split(":")[0])
        if _STATUS_RE.match(stripped):
            close()
            in_failed_list = False
            continue
        if cur is not None:
            cur["msg"].append(line)
    close()
    seen: set[tuple] = set()
    uniq = []
    for d in out:
        key = (d.file, d.line, d.column, d.severity, d.message)
        if key not in seen:
            seen.add(key)
            uniq.append(d)
    return ParsedOutput(tuple(uniq), tuple(dict.fromkeys(failed)))


def module_of(file: str) -> str:
    """``NeuralLandscapes/A.lean`` → ``NeuralLandscapes.A``."""
    p = file[:-5] if file.endswith(".lean") else file
    return p.replace("/", ".").replace(os.sep, ".")


def file_of(module: str) -> str:
    """``NeuralLandscapes.A`` → ``NeuralLandscapes/A.lean``."""
    return module.replace(".", "/") + ".lean"
