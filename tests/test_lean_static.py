"""The static scan of Lean sources, and the mutations it must catch without a toolchain."""

import json

import pytest

from crosscheck.cli import main
from crosscheck.lean.static import fingerprint, scan, strip_comments
from crosscheck.lean.witness import FAILED, NOT_RUN, static_witness

SOURCE = """import Mathlib
/-! # Module doc mentioning sorry and axiom -/
open Matrix

namespace NeuralLandscapes

/-- The kernel of `(vvᵀ) ⊗ S` has dimension `(m - 1) * d`. -/
theorem ker_dim {m d : ℕ} (v : Fin m → ℝ) (hv : v ≠ 0) :
    (m - 1) * d = (m - 1) * d := by
  -- sorry in a comment is not a hatch
  rfl

section Helpers
variable (n : ℕ)
/-- a helper -/
def helper (k : ℕ) : ℕ := k + "sorry".length
end Helpers

namespace Inner
lemma inner_fact : (1 : ℕ) + 1 = 2 := by norm_num
end Inner

end NeuralLandscapes

theorem _root_.top_level : True := trivial
"""


@pytest.fixture
def pkg(tmp_path):
    root = tmp_path / "lean"
    (root / "NeuralLandscapes").mkdir(parents=True)
    (root / "lean-toolchain").write_text("leanprover/lean4:v4.24.0\n")
    (root / "NeuralLandscapes" / "Basic.lean").write_text(SOURCE)
    (root / ".lake" / "packages").mkdir(parents=True)
    (root / ".lake" / "packages" / "Junk.lean").write_text("theorem junk : False := sorry\n")
    return root


def test_declarations_with_namespaces_docstrings_and_ranges(pkg):
    s = scan(pkg)
    names = {d.name: d for d in s.decls}
    assert set(names) == {"NeuralLandscapes.ker_dim", "NeuralLandscapes.helper", "NeuralLandscapes.Inner.inner_fact", "top_level"}
    kd = names["NeuralLandscapes.ker_dim"]
    assert kd.kind == "theorem" and kd.docstring.startswith("The kernel")
    assert (kd.line_start, kd.line_end) == (8, 11)
    assert kd.statement == "{m d : ℕ} (v : Fin m → ℝ) (hv : v ≠ 0) : (m - 1) * d = (m - 1) * d"
    assert names["NeuralLandscapes.helper"].docstring == "a helper"


def test_hatch_in_executable_root_is_not_a_library_hatch(pkg):
    (pkg / "lakefile.toml").write_text('name = "P"\n[[lean_exe]]\nname = "dump"\nroot = "Tools.Dump"\n')
    (pkg / "Tools").mkdir()
    (pkg / "Tools" / "Dump.lean").write_text("unsafe def main : IO Unit := pure ()\n")
    s = scan(pkg)
    assert [h.word for h in s.hatches] == ["unsafe"] and s.library_hatches == ()
    (pkg / "NeuralLandscapes" / "Basic.lean").write_text(SOURCE.replace("def helper", "unsafe def helper"))
    assert [h.file for h in scan(pkg).library_hatches] == ["NeuralLandscapes/Basic.lean"]


def test_clean_source_has_no_hatches_and_skips_lake(pkg):
    s = scan(pkg)
    assert s.hatches == ()
    assert all(".lake" not in f for f in s.files)


@pytest.mark.parametrize(
    ("old", "new", "word"),
    [
        ("  rfl\n", "  sorry\n", "sorry"),
        ("  rfl\n", "  admit\n", "admit"),
        ("by norm_num", "by native_decide", "native_decide"),
        ("theorem _root_.top_level", "axiom extra : False\ntheorem _root_.top_level", "axiom"),
        ("def helper", "unsafe def helper", "unsafe"),
    ],
)
def test_escape_hatches_found_outside_comments(pkg, old, new, word):
    f = pkg / "NeuralLandscapes" / "Basic.lean"
    f.write_text(SOURCE.replace(old, new, 1))
    s = scan(pkg)
    assert [h.word for h in s.hatches] == [word]


def test_fingerprint_ignores_layout_and_comments_but_not_tokens():
    base = "{m d : ℕ} (v : Fin m → ℝ) : (m - 1) * d = 0"
    assert fingerprint(base) == fingerprint("{m d : ℕ}\n   (v : Fin m → ℝ) -- comment\n : (m - 1) * d = 0")
    assert fingerprint(base) == fingerprint("{m d : ℕ} (v : Fin m → ℝ) : (m - 1) /- c -/ * d = 0")
    assert fingerprint(base) != fingerprint(base.replace("(m - 1)", "(m - 2)"))
    assert fingerprint(base) != fingerprint(base.replace("m d", "md"))


def test_nested_block_comments_are_stripped():
    text, docs = strip_comments("a /- outer /- inner -/ still sorry -/ b /-- doc -/ c")
    assert "sorry" not in text and text.split() == ["a", "b", "c"]
    assert list(docs.values()) == ["doc"]


def test_static_witness_states(pkg):
    s = scan(pkg)
    fp = s.find("NeuralLandscapes.ker_dim").fingerprint
    ok = static_witness(s, "NeuralLandscapes.ker_dim", fp)
    assert ok.state == NOT_RUN and "unverified" in ok.reason and "statement unchanged" in ok.reason
    drift = static_witness(s, "NeuralLandscapes.ker_dim", "sha256:0000000000000000")
    assert drift.state == FAILED and "statement drift" in drift.reason
    missing = static_witness(s, "NeuralLandscapes.ker_dimm", None)
    assert missing.state == FAILED and "did you mean NeuralLandscapes.ker_dim" in missing.reason


# ---- mutation tests on a temporary copy of the project's own Lean package ----------------------------


def _project_names(root):
    from crosscheck.checks import registry
    from crosscheck.claims import load_ledger

    ledger = load_ledger(root / "claims.toml", registry())
    return ledger, [(c.id, n) for c in ledger.claims for n in c.lean]


def test_project_lean_package_is_clean_and_matches_ledger(root):
    ledger, names = _project_names(root)
    s = scan(root / "lean")
    assert s.library_hatches == (), s.library_hatches
    assert "DumpDecls.lean" in s.exe_files
    assert names, "the ledger links Lean declarations"
    for cid, n in names:
        fp = ledger.get(cid).fingerprints.get(n)
        w = static_witness(s, n, fp)
        assert w.state == NOT_RUN, w.reason
        assert fp is not None, f"{n}: no fingerprint recorded in claims.toml"


def _verify(tmp_path, root, lean_dir):
    out = tmp_path / "r"
    code = main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(lean_dir), "--out", str(out), "--quiet", "--quick", "--only", "prop-7.4", "thm-7.6i"])
    return code, json.loads((out / "results.json").read_text())


def _first_decl_file(lean_dir, name):
    d = scan(lean_dir).find(name)
    assert d is not None
    return lean_dir / d.file, d


def test_planted_sorry_is_caught(tmp_path, root, lean_copy):
    f, d = _first_decl_file(lean_copy, "NeuralLandscapes.bilinear_hessian_ker_finrank")
    lines = f.read_text().splitlines()
    lines.insert(d.line_end, "\ntheorem planted_gap : (2 : ℕ) = 2 := by\n  sorry\n")
    f.write_text("\n".join(lines) + "\n")
    code, data = _verify(tmp_path, root, lean_copy)
    assert code == 1
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert set(verdicts.values()) == {"Lean failed"}
    reasons = " ".join(w["reason"] for c in data["claims"] for w in c["lean"])
    assert "sorry" in reasons


def test_changed_statement_is_statement_drift(tmp_path, root, lean_copy):
    f, d = _first_decl_file(lean_copy, "NeuralLandscapes.bilinear_hessian_ker_finrank")
    lines = f.read_text().splitlines()
    body = "\n".join(lines[d.line_start - 1 : d.line_end])
    assert "(m - 1) * d" in body
    lines[d.line_start - 1 : d.line_end] = body.replace("(m - 1) * d", "(m - 1) * d + 0", 1).splitlines()
    f.write_text("\n".join(lines) + "\n")
    code, data = _verify(tmp_path, root, lean_copy)
    assert code == 1
    prop = next(c for c in data["claims"] if c["id"] == "prop-7.4")
    assert prop["verdict"] == "Lean failed"
    drifted = [w for w in prop["lean"] if "statement drift" in w["reason"]]
    assert [w["name"] for w in drifted] == ["NeuralLandscapes.bilinear_hessian_ker_finrank"]
    assert "+ 0" in drifted[0]["statement_diff"]  # the ledger records the statement: a real diff is shown


def test_deleted_lean_file_is_caught(tmp_path, root, lean_copy):
    f, _ = _first_decl_file(lean_copy, "NeuralLandscapes.regularized_hessian_posDef")
    f.unlink()
    code, data = _verify(tmp_path, root, lean_copy)
    assert code == 1
    thm = next(c for c in data["claims"] if c["id"] == "thm-7.6i")
    assert thm["verdict"] == "Lean failed"
    assert any("not found" in w["reason"] for w in thm["lean"])
