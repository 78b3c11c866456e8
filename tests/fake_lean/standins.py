"""Helpers for the Lean driver tests: stand-in toolchain, tiny package, ledgers, recorded Lake output."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from crosscheck.lean import static

HERE = Path(__file__).resolve().parent
NAME = "NeuralLandscapes.two_pos"
OTHER = "NeuralLandscapes.other_fact"
BASIC = "NeuralLandscapes/Basic.lean"


def install(bin_dir: Path, scenario: dict) -> Path:
    """Write ``lake`` and ``lean`` stand-ins (shebang: this interpreter) and ``scenario.json`` into ``bin_dir``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    body = (HERE / "fake_lake.py").read_text(encoding="utf-8")
    for name in ("lake", "lean"):
        exe = bin_dir / name
        exe.write_text(f"#!{sys.executable}\n" + body, encoding="utf-8")
        exe.chmod(0o755)
    (bin_dir / "scenario.json").write_text(json.dumps(scenario, ensure_ascii=False), encoding="utf-8")
    return bin_dir


def calls(bin_dir: Path) -> list[str]:
    f = bin_dir / "calls.log"
    return f.read_text(encoding="utf-8").splitlines() if f.exists() else []


def make_package(dst: Path, mathlib: bool = False) -> Path:
    shutil.copytree(HERE / "pkg", dst)
    if mathlib:
        with open(dst / "lakefile.toml", "a", encoding="utf-8") as fh:
            fh.write('\n[[require]]\nname = "mathlib"\nscope = "leanprover-community"\n')
    return dst


def fingerprint_of(pkg: Path, name: str = NAME) -> str:
    decl = static.scan(pkg).find(name)
    assert decl is not None, name
    return static.fingerprint(decl.statement)


def write_ledger(path: Path, names: dict[str, str | None]) -> Path:
    """One small claim whose Lean witness is ``names`` (name → fingerprint or None) and whose only check
    is a cheap negative control (so the verdict is decided by Lean)."""
    fps = "".join(f'"{n}" = "{fp}"\n' for n, fp in names.items() if fp)
    lean = ", ".join(f'"{n}"' for n in names)
    path.write_text(
        '[ledger]\ntitle = "driver test"\n\n[[claim]]\nid = "fake-claim"\ntitle = "Two is positive"\n'
        'source = "test"\nstatement = "0 < 2"\n'
        f"lean = [{lean}]\n"
        'checks = ["hypothesis-alpha-positive-needed"]\n'
        "[claim.params.hypothesis-alpha-positive-needed]\nm_max = 3\nd_max = 2\n"
        + ("[claim.fingerprints]\n" + fps if fps else ""),
        encoding="utf-8",
    )
    return path


def decl(name: str, axioms=(), module: str = "NeuralLandscapes.Basic", kind: str = "theorem", type_: str = "0 < 2") -> dict:
    return {"name": name, "kind": kind, "type": type_, "docstring": None, "module": module,
            "range": {"start_line": 4, "start_col": 0, "end_line": 4, "end_col": 45}, "axioms": list(axioms)}


def all_decls(axioms=("propext",), drop: str | None = None) -> list[dict]:
    ds = [
        decl(NAME, axioms),
        decl("NeuralLandscapes.three_pos", ("propext",), type_="0 < 3"),
        decl(OTHER, (), module="NeuralLandscapes.Other", type_="True"),
    ]
    return [d for d in ds if d["name"] != drop]


OK_BUILD = [
    "✔ [1/4] Built NeuralLandscapes.Other (0.3s)",
    "✔ [2/4] Built NeuralLandscapes.Basic (0.4s)",
    "✔ [3/4] Built NeuralLandscapes (0.1s)",
    "Build completed successfully (4 jobs).",
]

# Lake's replay of a failing module (format of Lake ≥ 4.9: level first, then file:line:col)
ERROR_BUILD = [
    "✔ [1/4] Built NeuralLandscapes.Other (0.3s)",
    "✖ [2/4] Building NeuralLandscapes.Basic",
    "trace: .> LEAN_PATH=./.lake/build/lib/lean lean ././NeuralLandscapes/Basic.lean -R ./. -o ./.lake/build/lib/lean/NeuralLandscapes/Basic.olean --json",
    "error: ././NeuralLandscapes/Basic.lean:4:38: unknown tactic 'decidee'",
    "error: ././NeuralLandscapes/Basic.lean:4:35: unsolved goals",
    "⊢ 0 < 2",
    "error: Lean exited with code 1",
    "Some required builds logged failures:",
    "- NeuralLandscapes.Basic",
    "error: build failed",
]

# without --wfail, `declaration uses 'sorry'` is a warning: the build succeeds (sorryAx in the dump fails the declaration)
SORRY_BUILD = [
    "✔ [1/4] Built NeuralLandscapes.Other (0.3s)",
    "⚠ [2/4] Built NeuralLandscapes.Basic (0.5s)",
    "warning: ././NeuralLandscapes/Basic.lean:4:8: declaration uses 'sorry'",
    "✔ [3/4] Built NeuralLandscapes (0.1s)",
    "Build completed successfully (4 jobs).",
]

# the same error as `lean --json` message objects (SerialMessage fields)
JSON_ERROR = [
    {"caption": "", "data": "unknown identifier 'decidee'", "endPos": {"column": 45, "line": 4}, "fileName": "./NeuralLandscapes/Basic.lean",
     "isSilent": False, "keepFullRange": False, "kind": "lean.unknownIdentifier._namedError", "pos": {"column": 38, "line": 4}, "severity": "error"},
]


USES = "NeuralLandscapes.Uses"
USES_NAME = "NeuralLandscapes.four_pos"


def add_module(pkg: Path, module: str, text: str) -> Path:
    """Write ``module``'s source into the package (not imported by the root module unless ``text`` says so)."""
    f = pkg / (module.replace(".", "/") + ".lean")
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text, encoding="utf-8")
    return f


def add_uses_module(pkg: Path) -> Path:
    """``NeuralLandscapes.Uses`` imports ``Basic``; its theorem uses ``two_pos``."""
    return add_module(pkg, USES, "import NeuralLandscapes.Basic\n\nnamespace NeuralLandscapes\n\n"
                                 "theorem four_pos : (0 : Nat) < 4 := Nat.lt_of_lt_of_le two_pos (by decide)\n\nend NeuralLandscapes\n")


# the linters' warnings as Lean prints them (file:line:col prefix added by the stand-in lake)
LINT_WARNINGS = [
    "40:2: This simp argument is unused:\n  mul_comm\n\nYou can omit it from the simp argument list.\n\n"
    "Note: This linter can be disabled with `set_option linter.unusedSimpArgs false`",
    "41:4: this tactic is never executed\n\nNote: This linter can be disabled with `set_option linter.unreachableTactic false`",
    "42:4: 'ring' tactic does nothing\n\nNote: This linter can be disabled with `set_option linter.unusedTactic false`",
    "43:10: unused variable `h`\n\nNote: This linter can be disabled with `set_option linter.unusedVariables false`",
    "44:2: `foo` has been deprecated: use `bar` instead",
]
