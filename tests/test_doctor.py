"""``crosscheck doctor``, ``crosscheck lean build`` and ``crosscheck lean trace`` with stand-in toolchains."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import types

import pytest

from crosscheck.cli import main
from fake_lean import standins as S

OK = dict(build={"lines": S.OK_BUILD}, dump={"declarations": S.all_decls()})


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Package, bin dir on CROSSCHECK_LEAN_PATH (empty until a test installs stand-ins), HOME moved away."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("CROSSCHECK_LEAN_PATH", str(bin_dir))
    return tmp_path, bin_dir


def _doctor(capsys, pkg):
    code = main(["doctor", "--lean-dir", str(pkg)])
    return code, capsys.readouterr().out


def test_doctor_without_toolchain_names_the_fix(env, capsys):
    tmp, _ = env
    code, out = _doctor(capsys, S.make_package(tmp / "lean"))
    assert code == 1
    assert "MISSING  lake: not found" in out and "MISSING  lean: not found" in out
    assert "elan-init.sh" in out and "not ready" in out
    assert "ok       python packages" in out  # negative control: what is there is reported ok


def test_doctor_ready_with_matching_toolchain(env, capsys):
    tmp, bin_dir = env
    S.install(bin_dir, OK)
    code, out = _doctor(capsys, S.make_package(tmp / "lean"))
    assert code == 0, out
    assert "match leanprover/lean4:v4.24.0" in out and "Mathlib cache: not needed" in out and "ready:" in out


def test_doctor_version_mismatch_fails(env, capsys):
    tmp, bin_dir = env
    S.install(bin_dir, dict(OK, lean_version="4.9.0", lake_lean_version="4.9.0"))
    code, out = _doctor(capsys, S.make_package(tmp / "lean"))
    assert code == 1 and "lean 4.9.0 found, but lean/lean-toolchain pins 4.24.0" in out


@pytest.mark.parametrize("cached", [False, True])
def test_doctor_mathlib_cache(env, capsys, cached):
    tmp, bin_dir = env
    S.install(bin_dir, OK)
    pkg = S.make_package(tmp / "lean", mathlib=True)
    if cached:
        olean = pkg / ".lake/packages/mathlib/.lake/build/lib/lean/Mathlib.olean"
        olean.parent.mkdir(parents=True)
        olean.write_bytes(b"olean")
    code, out = _doctor(capsys, pkg)
    assert code == (0 if cached else 1), out
    assert ("ok       Mathlib cache" if cached else "MISSING  Mathlib cache") in out
    assert cached or f"cd {pkg} && lake exe cache get" in out


@pytest.mark.parametrize("scenario, code, fragment", [
    (OK, 0, "3 declaration(s) dumped, 0 with axioms outside"),
    (dict(OK, dump={"declarations": S.all_decls(axioms=("sorryAx",))}), 1, "NeuralLandscapes.two_pos: uses sorry (sorryAx)"),
    (dict(build={"lines": S.ERROR_BUILD, "exit": 1}, dump={"exit": 1}), 1, "NeuralLandscapes/Basic.lean:4:38: error: unknown tactic 'decidee'"),
    (dict(build={"mode": "segv"}), 1, "FAILED — lake build crashed (killed by SIGSEGV)"),
    (dict(build={"modules": {"NeuralLandscapes.Basic": {"errors": ["4:38: unknown tactic 'decidee'"]}}}, dump={"declarations": S.all_decls()}), 1,
     "lake build failed (1 of 3 module(s) built; failed: NeuralLandscapes.Basic)"),
    (dict(build={"modules": {"NeuralLandscapes.Basic": {"warnings": S.LINT_WARNINGS}}}, dump={"declarations": S.all_decls()}), 0,
     "NeuralLandscapes/Basic.lean:43:10: warning: unused variable `h`"),
])
def test_lean_build_command(env, capsys, scenario, code, fragment):
    tmp, bin_dir = env
    S.install(bin_dir, scenario)
    out_dir = tmp / "reports"
    assert main(["lean", "build", "--lean-dir", str(S.make_package(tmp / "lean")), "--lean-timeout", "30", "--out", str(out_dir)]) == code
    assert fragment in capsys.readouterr().out
    assert (out_dir / "lean-build.log").is_file()
    if code == 0 and "modules" not in scenario["build"]:
        dumped = json.loads((out_dir / "lean-declarations.json").read_text(encoding="utf-8"))
        assert {d["name"] for d in dumped["declarations"]} == {S.NAME, S.OTHER, "NeuralLandscapes.three_pos"}


@pytest.mark.parametrize("lakefile, text, shown", [
    ("lakefile.toml", 'name = "NeuralLandscapes"\n\n[leanOptions]\nautoImplicit = false\nmaxHeartbeats = 400000\n\n[[lean_lib]]\nname = "NeuralLandscapes"\n',
     "lakefile.toml sets autoImplicit = false, maxHeartbeats = 400000"),
    ("lakefile.lean", "import Lake\nopen Lake DSL\n\npackage «NeuralLandscapes» where\n  leanOptions := #[⟨`autoImplicit, false⟩, ⟨`warningAsError, true⟩]\n\n"
     "@[default_target]\nlean_lib «NeuralLandscapes»\n", "lakefile.lean sets autoImplicit = false, warningAsError = true (warningAsError = true: every warning"),
    ("lakefile.toml", 'name = "NeuralLandscapes"\n\n[[lean_lib]]\nname = "NeuralLandscapes"\n', "lakefile.toml sets none"),
])
def test_doctor_says_which_lean_options_and_why_no_wfail(env, capsys, lakefile, text, shown):
    tmp, bin_dir = env
    S.install(bin_dir, OK)
    pkg = S.make_package(tmp / "lean")
    (pkg / "lakefile.toml").unlink()
    (pkg / lakefile).write_text(text, encoding="utf-8")
    code, out = _doctor(capsys, pkg)
    line = next(ln for ln in out.splitlines() if "Lean options" in ln)
    assert line.startswith("  ok       Lean options: ") and shown in line, line
    assert "without --wfail" in line and "never failures" in line and "axiom audit" in line
    assert code == 0  # informational: never a missing item


def test_lean_build_without_toolchain(env, capsys):
    tmp, _ = env
    assert main(["lean", "build", "--lean-dir", str(S.make_package(tmp / "lean")), "--out", str(tmp / "r")]) == 1
    assert "lake and lean not found" in capsys.readouterr().err


def test_lean_trace_without_leandojo_explains(env, capsys, monkeypatch):
    tmp, _ = env
    monkeypatch.setitem(sys.modules, "lean_dojo", None)  # import fails as if not installed
    assert main(["lean", "trace", "--lean-dir", str(S.make_package(tmp / "lean")), "--out", str(tmp / "r")]) == 1
    assert "pip install -e '.[dojo]'" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed for the LeanDojo snapshot")
def test_lean_trace_with_a_stand_in_leandojo(env, capsys, monkeypatch):
    """The trace command's use of LeanDojo's API, against a stand-in module with the same shape."""
    tmp, bin_dir = env
    S.install(bin_dir, OK)
    seen = {}

    class LeanGitRepo:
        def __init__(self, url, commit):
            seen["url"], seen["commit"] = url, commit

    def thm(name, premises):
        return types.SimpleNamespace(theorem=types.SimpleNamespace(full_name=name), get_premise_full_names=lambda: premises)

    def trace(repo, build_deps=True):
        seen["build_deps"] = build_deps
        return types.SimpleNamespace(get_traced_theorems=lambda: [thm(S.NAME, ["Nat.lt", "Nat.lt", "Decidable.decide"]), thm("Mathlib.x", ["y"])])

    monkeypatch.setitem(sys.modules, "lean_dojo", types.SimpleNamespace(LeanGitRepo=LeanGitRepo, trace=trace))
    out = tmp / "r"
    assert main(["lean", "trace", "--lean-dir", str(S.make_package(tmp / "lean")), "--out", str(out)]) == 0
    assert json.loads((out / "premises.json").read_text()) == {S.NAME: ["Decidable.decide", "Nat.lt"]}
    assert seen["build_deps"] is False and len(seen["commit"]) == 40


def test_default_code_paths_do_not_import_leandojo(root):
    code = ("import sys, crosscheck.cli, crosscheck.verify, crosscheck.lean.stage, crosscheck.lean.driver, "
            "crosscheck.lean.doctor, crosscheck.lean.commands; assert 'lean_dojo' not in sys.modules")
    r = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
