"""The Lean stage per module, with the stand-in ``lake`` emulating Lake (tests/fake_lean/fake_lake.py):
lint warnings are shown and never fail, ``sorry`` fails its declaration from the dump's axioms, one broken
module fails only itself and its importers, the axiom allowlist, and the chain to the culprit."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from crosscheck.cli import main
from crosscheck.lean import static
from crosscheck.lean.audit import dump_chain, static_chain
from crosscheck.lean.dump import parse_dump
from crosscheck.lean.modules import module_graph
from crosscheck.lean.stage import run_lean_stage
from crosscheck.lean.witness import FAILED, NOT_RUN, VERIFIED
from fake_lean import standins as S

THREE = "NeuralLandscapes.three_pos"
ROOT, BASIC_M, OTHER_M = "NeuralLandscapes", "NeuralLandscapes.Basic", "NeuralLandscapes.Other"


@pytest.fixture
def pkg_bin(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CROSSCHECK_LEAN_PATH", raising=False)
    return S.make_package(tmp_path / "lean"), tmp_path / "bin"


def _stage(pkg: Path, bin_dir: Path, scenario: dict, names=(S.NAME, S.OTHER), **kw):
    S.install(bin_dir, scenario)
    return run_lean_stage(pkg, {n: None for n in names}, "auto", timeout=30, path=str(bin_dir), **kw)


def _dump_calls(bin_dir: Path) -> list[list[str]]:
    return [c.split()[5:] for c in S.calls(bin_dir) if " dump_decls " in c]


# --- task 0: lint warnings and sorry --------------------------------------------------------------

def test_lint_warnings_do_not_fail_and_are_shown(pkg_bin):
    pkg, bin_dir = pkg_bin
    stage = _stage(pkg, bin_dir, dict(build={"modules": {BASIC_M: {"warnings": S.LINT_WARNINGS}}}, dump={"declarations": S.all_decls()}))
    w = stage.decls[S.NAME]
    assert w.state == VERIFIED, w.reason
    assert "5 warning(s) in its file (shown, not failures)" in w.reason and w.diagnostics == ()
    msgs = [d["message"] for d in w.warnings]
    assert [d["severity"] for d in w.warnings] == ["warning"] * 5
    assert msgs[0].startswith("This simp argument is unused:\n  mul_comm\n\nYou can omit it") and msgs[0].endswith("linter.unusedSimpArgs false`")
    assert msgs[3].startswith("unused variable `h`") and msgs[4] == "`foo` has been deprecated: use `bar` instead"
    assert stage.decls[S.OTHER].state == VERIFIED and stage.decls[S.OTHER].warnings == ()  # another file: none of them
    assert stage.summary.startswith("verified — 3 of 3 module(s) built") and "5 warning(s) (shown, not failures)" in stage.summary
    assert stage.warning_count == 5 and stage.build["build"] == "succeeded"
    build = [c for c in S.calls(bin_dir) if c.startswith("lake build")]
    assert build == ["lake build NeuralLandscapes NeuralLandscapes.Basic NeuralLandscapes.Other"]  # no --wfail


def test_sorry_only_fails_its_declaration_from_the_axioms(pkg_bin):
    pkg, bin_dir = pkg_bin
    decls = S.all_decls()
    decls[1]["axioms"] = ["sorryAx"]  # three_pos
    sc = dict(build={"modules": {BASIC_M: {"warnings": ["6:8: declaration uses 'sorry'"]}}}, dump={"declarations": decls})
    stage = _stage(pkg, bin_dir, sc, names=(S.NAME, THREE, S.OTHER))
    bad = stage.decls[THREE]
    assert bad.state == FAILED and "uses sorry (sorryAx among its axioms)" in bad.reason
    assert [d["message"] for d in bad.diagnostics] == ["declaration uses 'sorry'"] and bad.blocked_by == ()  # its own sorry
    assert stage.decls[S.NAME].state == VERIFIED and stage.decls[S.NAME].diagnostics == ()  # same file, the warning is not its
    assert stage.decls[S.OTHER].state == VERIFIED
    assert stage.build["build"] == "succeeded"


# --- task 1: per module ---------------------------------------------------------------------------

def test_one_broken_module_fails_itself_and_its_importers_only(pkg_bin):
    pkg, bin_dir = pkg_bin
    S.add_uses_module(pkg)
    err = "4:38: unknown tactic 'decidee'"
    decls = S.all_decls() + [S.decl(S.USES_NAME, ("propext",), module=S.USES, type_="0 < 4")]
    stage = _stage(pkg, bin_dir, dict(build={"modules": {BASIC_M: {"errors": [err]}}}, dump={"declarations": decls}),
                   names=(S.NAME, S.USES_NAME, S.OTHER))
    w = stage.decls[S.NAME]
    assert w.state == FAILED and "unknown tactic 'decidee'" in w.diagnostics[0]["message"]
    assert w.blocked_by == (BASIC_M,) and w.blocked_reason.startswith("in module NeuralLandscapes.Basic, which failed to build: NeuralLandscapes/Basic.lean:4:38")
    u = stage.decls[S.USES_NAME]
    assert u.state == FAILED and u.blocked_by == (S.USES, BASIC_M)
    assert "its module NeuralLandscapes.Uses imports NeuralLandscapes.Basic, which failed to build: NeuralLandscapes/Basic.lean:4:38: unknown tactic 'decidee'" in u.reason
    assert stage.decls[S.OTHER].state == VERIFIED, stage.decls[S.OTHER].reason
    assert stage.summary.startswith("failed — 1 of 4 module(s) built; NeuralLandscapes.Basic failed: NeuralLandscapes/Basic.lean:4:38: unknown tactic")
    assert stage.modules == {ROOT: "not built: imports NeuralLandscapes.Basic, which failed", BASIC_M: stage.modules[BASIC_M],
                             OTHER_M: "built", S.USES: "not built: imports NeuralLandscapes.Basic, which failed"}
    assert stage.modules[BASIC_M].startswith("failed: NeuralLandscapes/Basic.lean:4:38")
    assert _dump_calls(bin_dir) == [[OTHER_M]]  # only the module that built is imported by the dump program


@pytest.mark.parametrize("header", ["targets", "builds"])
def test_two_independent_broken_modules_both_reported(pkg_bin, header):
    pkg, bin_dir = pkg_bin
    S.add_uses_module(pkg)
    mods = {BASIC_M: {"errors": ["4:38: unknown tactic 'decidee'"]}, OTHER_M: {"errors": ["3:29: unknown identifier 'trivail'"]}}
    stage = _stage(pkg, bin_dir, dict(build={"modules": mods, "header": header}, dump={"declarations": S.all_decls()}))
    assert stage.build["failed_modules"] == [BASIC_M, OTHER_M]
    assert "unknown identifier 'trivail'" in stage.decls[S.OTHER].diagnostics[0]["message"]
    assert stage.decls[S.OTHER].blocked_by == (OTHER_M,) and stage.decls[S.NAME].blocked_by == (BASIC_M,)
    assert stage.summary.startswith("failed — 0 of 4 module(s) built; NeuralLandscapes.Basic failed: ")
    assert "NeuralLandscapes.Other failed: NeuralLandscapes/Other.lean:3:29: unknown identifier 'trivail'" in stage.summary
    assert _dump_calls(bin_dir) == []  # nothing built: nothing to import
    assert "no module built" in stage.build["dump"]


def test_a_module_lake_lists_only_because_its_import_failed_is_blocked_not_failed(pkg_bin):
    pkg, bin_dir = pkg_bin
    S.add_uses_module(pkg)
    lines = ["✖ [2/5] Building NeuralLandscapes.Basic", "error: ././NeuralLandscapes/Basic.lean:4:38: unknown tactic 'decidee'",
             "error: Lean exited with code 1", "Some required builds logged failures:", "- NeuralLandscapes.Basic", "- NeuralLandscapes.Uses",
             "error: build failed"]
    stage = _stage(pkg, bin_dir, dict(build={"lines": lines, "exit": 1}, dump={"declarations": S.all_decls()}), names=(S.USES_NAME, S.OTHER))
    assert stage.build["failed_modules"] == [BASIC_M]
    assert stage.decls[S.USES_NAME].blocked_by == (S.USES, BASIC_M)
    assert stage.decls[S.OTHER].state == VERIFIED


def test_combined_dump_failure_falls_back_to_one_module_at_a_time(pkg_bin):
    pkg, bin_dir = pkg_bin
    stage = _stage(pkg, bin_dir, dict(build={}, dump={"declarations": S.all_decls(), "unimportable": [BASIC_M]}))
    assert _dump_calls(bin_dir) == [[ROOT, BASIC_M, OTHER_M], [ROOT], [BASIC_M], [OTHER_M]]
    w = stage.decls[S.NAME]
    assert w.state == FAILED and "its module NeuralLandscapes.Basic built, but no declaration dump" in w.reason
    assert "object file" in w.reason  # the dump program's own message
    assert stage.decls[S.OTHER].state == VERIFIED
    assert stage.summary.startswith("failed — ") and "not dumped: NeuralLandscapes.Basic;" in stage.summary


@pytest.mark.parametrize("axioms, allowed, state, fragment", [
    ((), None, VERIFIED, "axioms: none"),
    (("propext",), None, VERIFIED, "axioms: propext"),
    (("propext", "Classical.choice", "Quot.sound"), None, VERIFIED, "axioms: propext, Classical.choice, Quot.sound"),
    (("propext", "sorryAx"), None, FAILED, "uses sorry (sorryAx among its axioms)"),
    (("propext", "Lean.ofReduceBool"), None, FAILED,
     "outside the allowlist {propext, Classical.choice, Quot.sound}: Lean.ofReduceBool (native_decide: trusts the compiler)"),
    (("Lean.trustCompiler",), None, FAILED, "Lean.trustCompiler (trusts the compiler)"),
    (("propext", "Lean.ofReduceBool"), {"propext", "Lean.ofReduceBool"}, VERIFIED, "axioms: propext, Lean.ofReduceBool"),
    (("Classical.choice",), {"propext"}, FAILED, "outside the allowlist {propext}: Classical.choice"),
])
def test_axiom_allowlist(pkg_bin, axioms, allowed, state, fragment):
    pkg, bin_dir = pkg_bin
    stage = _stage(pkg, bin_dir, dict(build={}, dump={"declarations": S.all_decls(axioms=axioms)}), allowed_axioms=allowed)
    w = stage.decls[S.NAME]
    assert w.state == state and fragment in w.reason, w.reason
    assert stage.build["allowed_axioms"] == sorted(allowed or {"propext", "Classical.choice", "Quot.sound"})


# --- task 4: why a claim is not green ------------------------------------------------------------

def test_chain_to_the_lemma_that_uses_sorry(pkg_bin):
    pkg, bin_dir = pkg_bin
    S.add_uses_module(pkg)
    decls = S.all_decls(axioms=("propext", "sorryAx"))
    decls[0]["uses"] = [THREE]
    decls[1]["axioms"] = ["sorryAx"]  # three_pos has the sorry; two_pos inherits it
    decls.append(dict(S.decl(S.USES_NAME, ("propext", "sorryAx"), module=S.USES), uses=[S.NAME]))
    stage = _stage(pkg, bin_dir, dict(build={}, dump={"declarations": decls}), names=(S.USES_NAME, S.NAME, THREE))
    u = stage.decls[S.USES_NAME]
    assert u.state == FAILED and u.blocked_by == (S.NAME, THREE)
    assert u.blocked_reason == "blocked by NeuralLandscapes.three_pos (via NeuralLandscapes.two_pos), which uses sorry"
    assert stage.decls[S.NAME].blocked_reason == "blocked by NeuralLandscapes.three_pos, which uses sorry"
    assert stage.decls[THREE].blocked_by == ()  # the culprit itself


def test_chain_to_a_package_axiom():
    text = json.dumps({"declarations": [
        {"name": "A.t", "axioms": ["A.magic", "propext"], "uses": ["A.l"]},
        {"name": "A.l", "axioms": ["A.magic"], "uses": ["A.magic"]},
        {"name": "A.magic", "kind": "axiom", "axioms": ["A.magic"]}]})
    b = dump_chain(parse_dump(text), "A.t", "A.magic")
    assert b.chain == ("A.l", "A.magic") and b.reason == "blocked by A.magic (via A.l), which is the axiom A.magic"


def test_static_chain_without_toolchain_is_labelled_unverified(pkg_bin):
    pkg, bin_dir = pkg_bin
    f = pkg / S.BASIC
    src = f.read_text(encoding="utf-8").replace("theorem three_pos : (0 : Nat) < 3 := by decide", "theorem three_pos : (0 : Nat) < 3 := by sorry")
    f.write_text(src.replace("(0 : Nat) < 2 := by decide", "(0 : Nat) < 2 := by\n  have := three_pos -- uses three_pos\n  decide"), encoding="utf-8")
    S.add_uses_module(pkg)
    bin_dir.mkdir()
    stage = run_lean_stage(pkg, {S.USES_NAME: None, S.OTHER: None, THREE: None}, "auto", path=str(bin_dir))
    u = stage.decls[S.USES_NAME]
    assert not stage.ran and u.state == FAILED
    assert u.blocked_by == (S.NAME, THREE)
    assert u.blocked_reason == ("blocked by NeuralLandscapes.three_pos (via NeuralLandscapes.two_pos), which uses sorry "
                                "(static scan, unverified: names mentioned in the proof text)")
    assert stage.decls[S.OTHER].blocked_by == ()  # mentions nothing that reaches the sorry
    assert stage.decls[THREE].blocked_by == () and "uses sorry" in stage.decls[THREE].reason  # its own hatch


def test_module_graph_of_the_stand_in_package(pkg_bin):
    pkg, _ = pkg_bin
    S.add_uses_module(pkg)
    g = module_graph(pkg)
    assert g.modules == (ROOT, BASIC_M, OTHER_M, S.USES)  # DumpDecls (the exe) is no module of the library
    assert g.imports[ROOT] == (BASIC_M, OTHER_M) and g.imports[S.USES] == (BASIC_M,)
    assert g.blocked([BASIC_M]) == {ROOT: (ROOT, BASIC_M), S.USES: (S.USES, BASIC_M)}
    assert static_chain(static.scan(pkg), S.USES_NAME) is None  # no hatch anywhere: no chain


def test_report_shows_warnings_and_the_chain(pkg_bin, tmp_path, monkeypatch):
    pkg, bin_dir = pkg_bin
    decls = S.all_decls(axioms=("sorryAx",))
    decls[0]["uses"] = [THREE]
    decls[1]["axioms"] = ["sorryAx"]
    S.install(bin_dir, dict(build={"modules": {BASIC_M: {"warnings": S.LINT_WARNINGS[3:]}}}, dump={"declarations": decls}))
    monkeypatch.setenv("CROSSCHECK_LEAN_PATH", str(bin_dir))
    ledger = S.write_ledger(tmp_path / "claims.toml", {S.NAME: None})
    out = tmp_path / "reports"
    assert main(["verify", "--claims", str(ledger), "--lean-dir", str(pkg), "--out", str(out), "--quiet"]) == 1
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    w = data["claims"][0]["lean"][0]
    assert w["blocked_by"] == [THREE] and w["blocked_reason"] == "blocked by NeuralLandscapes.three_pos, which uses sorry"
    assert data["lean"]["warning_count"] == 2 and data["lean"]["modules"][BASIC_M] == "built"
    page = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert "Why not green: blocked by NeuralLandscapes.three_pos, which uses sorry" in page
    assert "unused variable `h`" in page and "shown, not failures" in page
    assert "`foo` has been deprecated: use `bar` instead" in page


def test_not_run_without_toolchain_keeps_its_meaning(pkg_bin):
    pkg, bin_dir = pkg_bin
    bin_dir.mkdir()
    stage = run_lean_stage(pkg, {S.NAME: None}, "auto", path=str(bin_dir))
    assert stage.decls[S.NAME].state == NOT_RUN and stage.decls[S.NAME].blocked_by == ()
