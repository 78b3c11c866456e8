"""Every external name used by the Lean package must be recorded in lean/MATHLIB_API.md.

No Lean toolchain is available here, so this is the check that keeps the verification ledger
honest: the names are extracted from the Lean sources (see ``tests/lean_names.py``) and each one
must appear, fully qualified, in the first column of the ledger. A negative control inserts an
unknown name into a copy of the package and checks that it is reported.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import lean_names  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LEAN = REPO / "lean"
LEDGER = LEAN / "MATHLIB_API.md"
THEOREM_FILES = sorted((LEAN / "NeuralLandscapes").glob("*.lean"))


def test_package_layout() -> None:
    assert (LEAN / "lean-toolchain").read_text().strip() == "leanprover/lean4:v4.24.0"
    lakefile = (LEAN / "lakefile.toml").read_text()
    assert 'rev = "v4.24.0"' in lakefile
    assert "https://github.com/leanprover-community/mathlib4" in lakefile
    assert (LEAN / "NeuralLandscapes.lean").exists()
    assert (LEAN / "DumpDecls.lean").exists()
    root = (LEAN / "NeuralLandscapes.lean").read_text()
    for f in THEOREM_FILES:
        assert f"import NeuralLandscapes.{f.stem}" in root, f.stem


def test_every_external_name_is_in_the_ledger() -> None:
    result = lean_names.check(LEAN, LEDGER)
    assert len(result.checked) > 80, sorted(result.checked)  # the scan is not vacuous
    # names that sit next to binders must still be checked, not mistaken for local names
    for name in ("star_trivial", "rfl", "mul_pos", "collectAxioms", "Finset.sum_comm"):
        assert name in result.checked, name
    assert result.unknown == {}, "names missing from lean/MATHLIB_API.md: " + ", ".join(
        f"{k} ({', '.join(v[:2])})" for k, v in sorted(result.unknown.items())
    )


def test_every_accessor_is_in_the_ledger() -> None:
    """Dot notation (``h.symm``, ``(…).resolve_left``, ``hmd.ne``) names core/Mathlib lemmas too: each accessor
    of the theorem files is the last component of a ledger row or of a package declaration."""
    result = lean_names.check(LEAN, LEDGER)
    assert {"mp", "mpr", "symm", "trans", "resolve_left", "ne"} <= result.accessors  # the scan is not vacuous
    assert result.unknown_accessors == {}, "accessors missing from lean/MATHLIB_API.md: " + ", ".join(
        f".{k} ({', '.join(v[:2])})" for k, v in sorted(result.unknown_accessors.items())
    )


def test_negative_control_reports_an_unknown_accessor(tmp_path: Path) -> None:
    copy = tmp_path / "lean"
    shutil.copytree(LEAN, copy, ignore=shutil.ignore_patterns(".lake"))
    target = copy / "NeuralLandscapes" / "BilinearHessian.lean"
    text = target.read_text(encoding="utf-8")
    snippet = "theorem zz_fake3 (a b : ℕ) (h : a = b) : b = a := h.no_such_accessor_zz\n"
    target.write_text(text.replace("end NeuralLandscapes", snippet + "\nend NeuralLandscapes"), encoding="utf-8")
    result = lean_names.check(copy, copy / "MATHLIB_API.md")
    assert set(result.unknown_accessors) == {"no_such_accessor_zz"} and result.unknown == {}


def test_every_notation_is_in_the_ledger() -> None:
    result = lean_names.check(LEAN, LEDGER)
    assert {"⬝ᵥ", "*ᵥ", "∑"} <= result.notations_used
    assert result.unknown_notations == set()


def test_ledger_first_column_is_qualified_and_unique() -> None:
    names: list[str] = []
    for line in LEDGER.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if m:
            names.append(m.group(1))
    assert len(names) == len(set(names)), "duplicate ledger rows"
    for n in names:
        assert " " not in n, n


def test_no_forbidden_tokens_in_theorem_files() -> None:
    for f in THEOREM_FILES + [LEAN / "NeuralLandscapes.lean"]:
        code = lean_names.strip_comments_and_strings(f.read_text(encoding="utf-8"))
        for bad in ("sorry", "admit", "native_decide", "unsafe", "lia"):
            assert not re.search(rf"(?<![\w.']){bad}(?![\w'])", code), (f.name, bad)
        assert not re.search(r"^\s*axiom\s", code, flags=re.M), f.name
    assert lean_names.check(LEAN, LEDGER).forbidden == []


def test_default_build_has_no_axiom_audit() -> None:
    # the exact-equality `#guard_msgs in #print axioms` audit is gone from the default build:
    # crosscheck audits the axioms listed in the dump of `lake exe dump_decls` instead
    root = (LEAN / "NeuralLandscapes.lean").read_text(encoding="utf-8")
    assert "AxiomAudit" not in root
    assert not (LEAN / "NeuralLandscapes" / "AxiomAudit.lean").exists()
    for f in THEOREM_FILES + [LEAN / "NeuralLandscapes.lean"]:
        code = lean_names.strip_comments_and_strings(f.read_text(encoding="utf-8"))
        assert "#print axioms" not in code and "#guard_msgs" not in code, f.name


def test_lakefile_lean_options() -> None:
    tomllib = pytest.importorskip("tomllib")
    config = tomllib.loads((LEAN / "lakefile.toml").read_text(encoding="utf-8"))
    options = config["leanOptions"]
    assert options["autoImplicit"] is False
    # Lake flattens the nested table back into the option name `weak.linter.unreachableTactic`
    assert options["weak"]["linter"]["unreachableTactic"] is False


def test_dump_decls_imports_only_lean_statically() -> None:
    text = (LEAN / "DumpDecls.lean").read_text(encoding="utf-8")
    imports = [line.split()[1] for line in text.splitlines() if line.startswith("import ")]
    assert imports == ["Lean"]
    for needle in ("--out", "--prefix", '"modules"', '"uses"', "importModules"):
        assert needle in text, needle


@pytest.mark.parametrize(
    "snippet, expected",
    [
        # a qualified name that does not exist, next to a known namespace
        (
            "theorem zz_fake : (0 : ℕ) = 0 := Matrix.definitely_not_a_lemma_zz\n",
            "Matrix.definitely_not_a_lemma_zz",
        ),
        # an unqualified lemma name in a rewrite list
        (
            "theorem zz_fake2 (a : ℕ) : a = a := by\n  rw [no_such_lemma_zz]\n",
            "no_such_lemma_zz",
        ),
    ],
)
def test_negative_control_reports_unknown_name(
    tmp_path: Path, snippet: str, expected: str
) -> None:
    copy = tmp_path / "lean"
    shutil.copytree(LEAN, copy, ignore=shutil.ignore_patterns(".lake"))
    target = copy / "NeuralLandscapes" / "BilinearHessian.lean"
    text = target.read_text(encoding="utf-8")
    text = text.replace("end NeuralLandscapes", snippet + "\nend NeuralLandscapes")
    target.write_text(text, encoding="utf-8")
    result = lean_names.check(copy, copy / "MATHLIB_API.md")
    assert expected in result.unknown
    # and nothing else is reported
    assert set(result.unknown) == {expected}


def test_negative_control_ledger_row_removed(tmp_path: Path) -> None:
    ledger = tmp_path / "MATHLIB_API.md"
    text = LEDGER.read_text(encoding="utf-8")
    text = "\n".join(
        line for line in text.splitlines() if not line.startswith("| `Finset.sum_comm`")
    )
    ledger.write_text(text, encoding="utf-8")
    result = lean_names.check(LEAN, ledger)
    assert set(result.unknown) == {"Finset.sum_comm"}
