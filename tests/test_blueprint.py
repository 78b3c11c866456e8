"""The blueprint bridge: parser, audit of \\leanok marks, import into a ledger (fixtures in tests/fixtures/blueprint)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crosscheck.lean.problems import Kind, Problem
from crosscheck.blueprint import BlueprintError, detex, parse_blueprint, strip_comments
from crosscheck.blueprint_audit import (
    AXIOM, FAILED_S, MISSING, MISSING_MARK, PRESENT, SORRY, VERIFIED_S, WRONG, audit, stage_names, stage_status,
)
from crosscheck.blueprint_import import claim_id, plan_import
from crosscheck.checks import registry
from crosscheck.claims import load_ledger
from crosscheck.cli import main
from crosscheck.lean.stage import run_lean_stage
from crosscheck.lean.witness import FAILED, VERIFIED, DeclWitness, LeanStage

FIX = Path(__file__).parent / "fixtures" / "blueprint"
TEX = FIX / "content.tex"


@pytest.fixture(scope="module")
def bp():
    return parse_blueprint(TEX)


def _entry(bp, label):
    (e,) = [e for e in bp.entries if e.label == label]
    return e


# --- parser ---------------------------------------------------------------------------------------------


def test_entries_in_order_with_sub_file(bp):
    assert [e.label for e in bp.entries] == [
        "def:widget", "lem:widget-zero", "lem:widget-sorry", "thm:ghost", "lem:unmarked", "prop:mathlib", "cor:later", "thm:Sum_Of:Widgets",
    ]
    s = _entry(bp, "thm:Sum_Of:Widgets")
    assert (s.file, s.line, s.env) == ("chapters/sums.tex", 4, "theorem")
    assert s.leanok and s.proof_leanok and s.uses == ("lem:unmarked",)
    assert bp.files == ("content.tex", "chapters/sums.tex", "chapters/loop.tex")


def test_cycle_and_repeat_are_skipped_with_warnings(bp):
    assert any("cycle" in w and "chapters/loop.tex:2" in w for w in bp.warnings)
    assert any("already read" in w and "content.tex:" in w for w in bp.warnings)
    assert len(bp.entries) == len({e.label for e in bp.entries})  # the sub-file's entry is not read twice


def test_multiline_lean_and_nested_brace_title(bp):
    e = _entry(bp, "lem:widget-zero")
    assert e.lean == ("Widgets.widget_zero", "Widgets.widget_zero'")
    assert e.title == "Widgets are non-negative at zero"
    assert (e.leanok, e.proof_leanok, e.has_proof) == (True, True, True)
    assert e.uses == ("def:widget",) and e.proof_uses == ("def:widget",)


def test_escaped_percent_is_text_and_comments_do_not_count(bp):
    e = _entry(bp, "lem:widget-zero")
    assert "50% of the time w(0) = 0." in e.statement  # \% did not start a comment
    u = _entry(bp, "lem:unmarked")
    assert u.has_proof and not u.proof_leanok and not u.leanok  # the commented-out \leanok is ignored
    d = _entry(bp, "def:widget")
    assert "not \\leanok" not in d.statement and "comment" not in d.statement
    assert d.statement == "A widget of size n ∈ ℕ is a map w: {0, …, n} → ℤ with w(0) = 0."


def test_marks(bp):
    assert _entry(bp, "prop:mathlib").mathlibok and not _entry(bp, "prop:mathlib").leanok
    c = _entry(bp, "cor:later")
    assert c.notready and c.lean == () and c.uses == ("thm:ghost", "lem:widget-zero")
    g = _entry(bp, "thm:ghost")
    assert g.leanok and not g.has_proof and g.marked_done  # no proof: the statement's \leanok counts
    s = _entry(bp, "lem:widget-sorry")
    assert s.has_proof and s.proof_leanok and s.marked_done
    assert not _entry(bp, "lem:unmarked").marked_done


def test_strip_comments_rules():
    assert strip_comments("a \\% b % c\nd") == "a \\% b    \nd"
    assert strip_comments("x \\\\% gone\ny") == "x \\\\      \ny"  # \\ is a line break; the % comments
    assert strip_comments("a % b\nc").count("\n") == 1


def test_detex_is_readable():
    assert detex(r"$x \le \frac{a}{b}$ for \emph{all} $x \in \mathbb{R}$, see~\ref{thm:a}\cite{X}") == "x ≤ (a)/(b) for all x ∈ ℝ, see thm:a"
    assert detex(r"\textbf{bold {nested}} \{1\}") == "bold nested {1}"


def test_proves_attaches_proof_and_names_are_split(tmp_path):
    (tmp_path / "m.tex").write_text(
        "\\begin{lemma}\\label{a}\\lean{ X.a , % the first, then\n  X.b\\_c }\\end{lemma}\n"
        "\\begin{theorem}\\label{b}\\lean{X.d}\\end{theorem}\n"
        "\\begin{proof}\\proves{a}\\leanok\\end{proof}\n",
        encoding="utf-8",
    )
    b = parse_blueprint(tmp_path / "m.tex")
    a, t = b.entries
    assert a.lean == ("X.a", "X.b_c") and a.proof_leanok and a.has_proof
    assert not t.has_proof and not t.proof_leanok


def test_input_relative_to_including_file_without_extension(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "main.tex").write_text("\\input{sub/a}\n", encoding="utf-8")
    (tmp_path / "sub" / "a.tex").write_text("\\input{b}\n", encoding="utf-8")  # beside sub/a.tex
    (tmp_path / "sub" / "b.tex").write_text("\n\\begin{corollary}\\label{c}\\lean{Y.c}\\leanok\\end{corollary}\n", encoding="utf-8")
    (e,) = parse_blueprint(tmp_path / "main.tex").entries
    assert (e.file, e.line, e.lean, e.leanok) == ("sub/b.tex", 2, ("Y.c",), True)


@pytest.mark.parametrize(
    "text, message",
    [
        ("\\begin{theorem}\\label{a} never closed\n", "content.tex:1: \\begin{theorem} is never closed"),
        ("\n\\input{nowhere}\n", "content.tex:2: sub-file 'nowhere' not found"),
        ("\\begin{lemma}\\label{a}\\lean{X.a\\end{lemma}", "content.tex:1: unclosed {"),
    ],
)
def test_structural_errors_name_file_and_line(tmp_path, text, message):
    (tmp_path / "content.tex").write_text(text, encoding="utf-8")
    with pytest.raises(BlueprintError) as exc:
        parse_blueprint(tmp_path / "content.tex")
    assert message in str(exc.value)


# --- audit ----------------------------------------------------------------------------------------------


def _static_audit(bp, lean_dir=FIX / "lean"):
    return audit(bp, run_lean_stage(lean_dir, stage_names(bp), "skip"))


def test_static_audit_finds_planted_wrong_and_missing_marks(bp):
    a = _static_audit(bp)
    assert not a.verified
    outcomes = {r.entry.label: r.outcome for r in a.rows}
    assert outcomes == {
        "def:widget": "ok", "lem:widget-zero": "ok", "lem:widget-sorry": WRONG, "thm:ghost": WRONG,
        "lem:unmarked": MISSING_MARK, "prop:mathlib": "note", "thm:Sum_Of:Widgets": "ok",
    }
    status = {d.name: d.status for r in a.rows for d in r.decls}
    assert status["Widgets.widget_sorry"] == SORRY and status["Widgets.ghost_theorem"] == MISSING
    assert status["Widgets.sum_widgets"] == PRESENT
    assert "Nat.succ_le_iff" not in stage_names(bp)  # \mathlibok names are not sent to the stage
    assert a.exit_code == 1


def test_fixing_the_planted_marks_passes(tmp_path):
    """Negative control: the same blueprint with the sorry proved and the ghost mark removed audits clean."""
    shutil.copytree(FIX, tmp_path / "bp")
    basic = tmp_path / "bp" / "lean" / "Widgets" / "Basic.lean"
    basic.write_text(basic.read_text(encoding="utf-8").replace("by\n  sorry", "Nat.le_succ n"), encoding="utf-8")
    tex = tmp_path / "bp" / "content.tex"
    tex.write_text(tex.read_text(encoding="utf-8").replace("\\lean{Widgets.ghost_theorem} \\leanok", "\\lean{Widgets.ghost_theorem}"), encoding="utf-8")
    a = _static_audit(parse_blueprint(tex), tmp_path / "bp" / "lean")
    assert not a.wrong and a.exit_code == 0
    assert {r.entry.label for r in a.missing} == {"lem:unmarked"}


def test_statement_leanok_allows_sorry_but_proof_leanok_does_not(tmp_path):
    shutil.copytree(FIX / "lean", tmp_path / "lean")
    (tmp_path / "m.tex").write_text(
        "\\begin{lemma}\\label{s}\\lean{Widgets.widget_sorry}\\leanok\\end{lemma}\\begin{proof}x\\end{proof}\n", encoding="utf-8"
    )
    (row,) = _static_audit(parse_blueprint(tmp_path / "m.tex"), tmp_path / "lean").rows
    assert row.outcome == "ok"  # the statement is formalised; the proof is not claimed


def _stage(decls, ran=True):
    return LeanStage("auto", ran, "verified — test", decls=decls, scan=None)


def test_toolchain_states_map_to_statuses():
    ws = {
        "A.ok": DeclWitness("A.ok", VERIFIED, "lake build succeeded"),
        "A.gone": DeclWitness("A.gone", FAILED, "x", problems=(Problem(Kind.MISSING, "declaration not found in the compiled package (absent from the declaration dump)"),)),
        "A.sorry": DeclWitness("A.sorry", FAILED, "x", axioms=("propext", "sorryAx"), problems=("uses sorry (sorryAx among its axioms)",)),
        "A.ax": DeclWitness("A.ax", FAILED, "x", axioms=("Foo",), problems=("depends on axiom(s) outside {propext, Classical.choice, Quot.sound}: Foo",)),
        "A.bad": DeclWitness("A.bad", FAILED, "x", axioms=("propext",), problems=("lake build --wfail reported 1 error(s) in this declaration",)),
        # a sorry warning elsewhere in its module (no dump: the --wfail build failed) is not its own sorry
        "A.near": DeclWitness("A.near", FAILED, "x", problems=("lake build --wfail reported 1 warning(s) in its module M (first: declaration uses 'sorry')",)),
    }
    st = _stage(ws)
    assert [stage_status(st, n).status for n in ws] == [VERIFIED_S, MISSING, SORRY, AXIOM, FAILED_S, FAILED_S]


def test_toolchain_audit_missing_mark_when_verified_and_wrong_when_failed(tmp_path):
    (tmp_path / "m.tex").write_text(
        "\\begin{lemma}\\label{v}\\lean{A.ok}\\leanok\\end{lemma}\\begin{proof}done, not marked\\end{proof}\n"
        "\\begin{lemma}\\label{f}\\lean{A.bad}\\leanok\\end{lemma}\\begin{proof}\\leanok\\end{proof}\n",
        encoding="utf-8",
    )
    st = _stage({"A.ok": DeclWitness("A.ok", VERIFIED, "ok"), "A.bad": DeclWitness("A.bad", FAILED, "build error", problems=("build error",))})
    a = audit(parse_blueprint(tmp_path / "m.tex"), st)
    assert a.verified and {r.entry.label: r.outcome for r in a.rows} == {"v": MISSING_MARK, "f": WRONG}


def test_cli_audit(capsys):
    rc = main(["blueprint", "audit", str(TEX), "--lean-dir", str(FIX / "lean"), "--lean", "skip"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "UNVERIFIED" in out and "2 with a wrong mark, 1 with a missing mark" in out
    assert "WRONG MARK: \\leanok on the proof, but Widgets.widget_sorry: uses sorry (Widgets/Basic.lean:" in out


def test_cli_audit_usage_errors(tmp_path, capsys):
    assert main(["blueprint", "audit", str(tmp_path / "none.tex"), "--lean-dir", str(FIX / "lean")]) == 2
    assert main(["blueprint", "audit", str(TEX), "--lean-dir", str(tmp_path / "nolean"), "--lean", "skip"]) == 2
    (tmp_path / "bad.tex").write_text("\\begin{lemma}\\label{x}", encoding="utf-8")
    assert main(["blueprint", "audit", str(tmp_path / "bad.tex"), "--lean-dir", str(FIX / "lean")]) == 2
    assert "never closed" in capsys.readouterr().err


def test_cli_audit_require_without_toolchain_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("CROSSCHECK_LEAN_PATH", str(tmp_path))  # nothing there: no toolchain
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["blueprint", "audit", str(TEX), "--lean-dir", str(FIX / "lean"), "--lean", "require"]) == 1


# --- import ---------------------------------------------------------------------------------------------


def test_claim_id_rules():
    assert claim_id("thm:Sum_Of:Widgets") == "thm-sum_of-widgets"
    assert claim_id("Lemma 3 (b)") == "lemma-3-b"
    assert claim_id(":x:") == "x"


def test_import_appends_without_touching_existing_claims(tmp_path, root, capsys):
    ledger = tmp_path / "claims.toml"
    original = (root / "claims.toml").read_text(encoding="utf-8")
    original += '\n[[claim]]\nid = "thm-ghost"\ntitle = "kept"\nsource = "mine"\nstatement = "mine"\nlean = ["Mine.ghost"]\n'
    ledger.write_text(original, encoding="utf-8")
    assert main(["blueprint", "import", str(TEX), "--claims", str(ledger)]) == 0
    out = capsys.readouterr().out
    text = ledger.read_text(encoding="utf-8")
    assert text.startswith(original)  # byte for byte
    assert "skipped \\label{thm:ghost}: claim 'thm-ghost' already in the ledger" in out
    led = load_ledger(ledger, registry())
    assert led.get("thm-ghost").title == "kept"
    s = led.get("thm-sum_of-widgets")
    assert s.lean == ("Widgets.sum_widgets",) and s.kind == "theorem" and s.checks == ()
    assert s.source == "blueprint chapters/sums.tex:4, \\label{thm:Sum_Of:Widgets}"
    assert led.get("lem-widget-zero").lean == ("Widgets.widget_zero", "Widgets.widget_zero'")
    assert led.get("lem-widget-sorry").title == "lem:widget-sorry"  # no title: the label
    assert "cor-later" not in [c.id for c in led.claims]  # no \lean names: no claim
    # a second import adds nothing and leaves the file as it is
    assert main(["blueprint", "import", str(TEX), "--claims", str(ledger)]) == 0
    assert ledger.read_text(encoding="utf-8") == text
    assert "no new claims" in capsys.readouterr().out


def test_import_into_new_ledger_has_header_and_loads(tmp_path):
    ledger = tmp_path / "new.toml"
    assert main(["blueprint", "import", str(TEX), "--claims", str(ledger)]) == 0
    text = ledger.read_text(encoding="utf-8")
    assert text.startswith("# Claim ledger created by `crosscheck blueprint import")
    led = load_ledger(ledger, registry())
    assert led.title == "Blueprint content" and len(led.claims) == 7


def test_import_refuses_a_broken_ledger_and_leaves_it(tmp_path):
    ledger = tmp_path / "claims.toml"
    ledger.write_text("[[claim]\nid = ", encoding="utf-8")
    assert main(["blueprint", "import", str(TEX), "--claims", str(ledger)]) == 2
    assert ledger.read_text(encoding="utf-8") == "[[claim]\nid = "


def test_import_skips_names_that_are_not_lean_identifiers(bp):
    bad = type(bp)(bp.root, bp.files, (bp.entries[0].__class__(**{**bp.entries[0].__dict__, "lean": ("not a name",)}),))
    plan = plan_import(bad, None, "x.tex")
    assert not plan.added and "not a Lean name" in plan.skipped[0][1]


def test_toolchain_without_dump_uses_the_declarations_own_source():
    from crosscheck.lean.static import scan

    s = scan(FIX / "lean")
    why = "lake build --wfail failed (in Widgets/Basic.lean); nothing is verified while the package does not build"
    ws = {n: DeclWitness(n, FAILED, why, decl=s.find(n), problems=(why,)) for n in ("Widgets.widget_sorry", "Widgets.sum_widgets")}
    st = LeanStage("auto", True, "failed — lake build failed", decls=ws, scan=s)
    assert stage_status(st, "Widgets.widget_sorry").status == SORRY
    assert stage_status(st, "Widgets.sum_widgets").status == FAILED_S  # failed, and the reason says why
    assert stage_status(st, "Widgets.sum_widgets").detail == why
