"""The Lean driver against stand-in ``lake``/``lean`` executables (tests/fake_lean) that replay real
Lake/Lean output: every witness state, through ``run_lean_stage`` and through ``crosscheck verify``
(verdict, exit code, HTML). A last test uses a real toolchain when one is installed."""

from __future__ import annotations

import html
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from crosscheck.cli import main
from crosscheck.lean import process
from crosscheck.lean.stage import run_lean_stage
from crosscheck.lean.witness import FAILED, NOT_RUN, VERIFIED
from fake_lean import standins as S

PIN_TEXT = "leanprover/lean4:v4.24.0"


def _drift(pkg: Path) -> None:
    f = pkg / S.BASIC
    f.write_text(f.read_text(encoding="utf-8").replace("(0 : Nat) < 2 :=", "(0 : Nat) < 5 :="), encoding="utf-8")


# id → (scenario, source edit, expected state of NAME, fragment of its reason)
CASES = {
    "verified": (dict(build={"lines": S.OK_BUILD}, dump={"declarations": S.all_decls()}), None, VERIFIED, "lake build succeeded"),
    "build-error": (dict(build={"lines": S.ERROR_BUILD, "exit": 1}, dump={"lines": ["error: build failed"], "exit": 1}), None, FAILED,
                    "reported 2 error(s) in this declaration"),
    "build-error-json": (dict(build={"lines": ["✖ [2/4] Building NeuralLandscapes.Basic"], "json_lines": S.JSON_ERROR, "exit": 1},
                              dump={"exit": 1}), None, FAILED, "unknown identifier 'decidee'"),
    "missing-name": (dict(build={"lines": S.OK_BUILD}, dump={"declarations": S.all_decls(drop=S.NAME)}), None, FAILED,
                     "declaration not found in the compiled package"),
    "sorry": (dict(build={"lines": S.SORRY_BUILD}, dump={"declarations": S.all_decls(axioms=("sorryAx",))}), None, FAILED, "uses sorry"),
    "extra-axiom": (dict(build={"lines": S.OK_BUILD}, dump={"declarations": S.all_decls(axioms=("propext", "Classical.choice", "NeuralLandscapes.magic"))}),
                    None, FAILED, "outside the allowlist {propext, Classical.choice, Quot.sound}: NeuralLandscapes.magic"),
    "drift": (dict(build={"lines": S.OK_BUILD}, dump={"declarations": [S.decl(S.NAME, type_="0 < 5")] + S.all_decls(drop=S.NAME)}), _drift, FAILED,
              "statement drift"),
    "timeout": (dict(build={"mode": "hang"}), None, FAILED, "lake build timed out after 2 s (process group killed)"),
    "crash": (dict(build={"lines": ["✔ [1/4] Built NeuralLandscapes.Other (0.3s)"], "mode": "segv"}), None, FAILED, "lake build crashed (killed by SIGSEGV)"),
    "garbage-output": (dict(build={"lines": ["\x00\x01 ### ??? 0xdeadbeef", "}{ not lean"], "exit": 3}), None, FAILED,
                       "lake build failed with exit code 3 and printed no Lean diagnostics"),
    "malformed-dump": (dict(build={"lines": S.OK_BUILD}, dump={"mode": "truncated", "declarations": S.all_decls()}), None, FAILED,
                       "malformed declaration dump"),
    "garbage-dump": (dict(build={"lines": S.OK_BUILD}, dump={"mode": "garbage"}), None, FAILED, "malformed declaration dump: not valid JSON"),
    "no-dump-file": (dict(build={"lines": S.OK_BUILD}, dump={"mode": "nofile"}), None, FAILED, "malformed declaration dump: the dump program wrote no file"),
    "mismatch": (dict(lean_version="4.9.0", lake_lean_version="4.9.0", build={"lines": S.OK_BUILD}, dump={"declarations": S.all_decls()}), None, FAILED,
                 "toolchain mismatch: lean 4.9.0 found, but lean/lean-toolchain pins 4.24.0; lake is built for Lean 4.9.0"),
    "not-run": (None, None, NOT_RUN, "static scan only (unverified)"),
}
TIMEOUTS = {"timeout": 2.0}
VERDICT = {VERIFIED: "confirmed", FAILED: "Lean failed", NOT_RUN: "not run"}


@pytest.fixture
def setup(tmp_path, monkeypatch):
    """(package, bin dir) with HOME moved away, so ~/.elan/bin of the machine is not found."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CROSSCHECK_LEAN_PATH", raising=False)
    pkg = S.make_package(tmp_path / "lean")
    return pkg, tmp_path / "bin"


def _prepare(case: str, pkg: Path, bin_dir: Path) -> dict[str, str | None]:
    scenario, edit, _, _ = CASES[case]
    names = {S.NAME: S.fingerprint_of(pkg), S.OTHER: S.fingerprint_of(pkg, S.OTHER)}
    if edit:
        edit(pkg)
    bin_dir.mkdir(parents=True, exist_ok=True)
    if scenario is not None:
        S.install(bin_dir, scenario)
    return names


@pytest.mark.parametrize("case", list(CASES))
def test_stage_state(setup, case):
    pkg, bin_dir = setup
    names = _prepare(case, pkg, bin_dir)
    lines: list[str] = []
    stage = run_lean_stage(pkg, names, "auto", timeout=TIMEOUTS.get(case, 30.0), path=str(bin_dir), progress=lines.append)
    _, _, state, fragment = CASES[case]
    w = stage.decls[S.NAME]
    assert w.state == state, w.reason
    assert fragment in w.reason
    if state == NOT_RUN:
        assert not stage.ran and stage.summary == "not run — no Lean toolchain found"
        return
    assert "Traceback" not in w.reason
    log = Path(stage.build["log_path"])
    assert log.is_file() and not log.is_relative_to(pkg)
    if state == FAILED and case not in ("build-error", "build-error-json", "missing-name", "sorry", "extra-axiom", "drift"):
        assert stage.summary.startswith("failed — ") and fragment in stage.summary
        assert stage.log_tail.strip(), "a stage-wide failure shows the log tail"
        assert stage.decls[S.OTHER].state == FAILED  # every declaration fails with it
    if case == "verified":
        assert w.axioms == ("propext",) and w.dumped_type == "0 < 2" and stage.summary.startswith("verified")


def test_build_error_attaches_diagnostics_to_its_module_only(setup):
    pkg, bin_dir = setup
    names = _prepare("build-error", pkg, bin_dir)
    S.install(bin_dir, dict(build={"lines": S.ERROR_BUILD, "exit": 1}, dump={"declarations": S.all_decls()}))
    stage = run_lean_stage(pkg, names, "auto", timeout=30, path=str(bin_dir))
    w = stage.decls[S.NAME]
    diags = w.diagnostics
    assert [(d["file"], d["line"], d["column"], d["severity"]) for d in diags] == [(S.BASIC, 4, 38, "error"), (S.BASIC, 4, 35, "error")]
    assert diags[1]["message"] == "unsolved goals\n⊢ 0 < 2"  # the continuation line, not Lake's next status line
    assert w.blocked_by == ("NeuralLandscapes.Basic",) and "in module NeuralLandscapes.Basic, which failed to build" in w.blocked_reason
    other = stage.decls[S.OTHER]
    assert other.state == VERIFIED and other.diagnostics == (), other.reason  # Other.lean built: one broken module blanks nothing else
    assert stage.build["failed_modules"] == ["NeuralLandscapes.Basic"]
    assert stage.modules["NeuralLandscapes.Other"] == "built" and stage.modules["NeuralLandscapes"].startswith("not built: imports NeuralLandscapes.Basic")
    assert stage.summary.startswith("failed — 1 of 3 module(s) built; NeuralLandscapes.Basic failed: NeuralLandscapes/Basic.lean:4:38: unknown tactic 'decidee'")
    dumps = [c for c in S.calls(bin_dir) if "dump_decls" in c]
    assert dumps == [f"lake exe dump_decls --out {dumps[0].split()[4]} NeuralLandscapes.Other"]  # only what built is imported


def test_build_error_and_no_dump_fails_the_rest_with_the_reason(setup):
    pkg, bin_dir = setup
    names = _prepare("build-error", pkg, bin_dir)
    stage = run_lean_stage(pkg, names, "auto", timeout=30, path=str(bin_dir))
    other = stage.decls[S.OTHER]
    assert other.state == FAILED and other.diagnostics == ()
    assert "its module NeuralLandscapes.Other built, but no declaration dump (lake exe dump_decls failed (exit 1: error: build failed))" in other.reason


def test_sorry_reports_axiom_and_warning(setup):
    pkg, bin_dir = setup
    stage = run_lean_stage(pkg, _prepare("sorry", pkg, bin_dir), "auto", timeout=30, path=str(bin_dir))
    w = stage.decls[S.NAME]
    assert w.axioms == ("sorryAx",)
    assert [d["message"] for d in w.diagnostics] == ["declaration uses 'sorry'"]  # the warning: a second witness
    assert "uses sorry (sorryAx among its axioms)" in w.reason and w.warnings == ()
    # without --wfail the build succeeds: Other.lean is clean and in the dump, so it is verified
    assert stage.decls[S.OTHER].state == VERIFIED
    assert stage.build["build"] == "succeeded" and "1 warning(s) (shown, not failures)" in stage.summary


def test_drift_shows_statement_and_both_fingerprints(setup):
    pkg, bin_dir = setup
    names = _prepare("drift", pkg, bin_dir)
    stage = run_lean_stage(pkg, names, "auto", timeout=30, path=str(bin_dir))
    w = stage.decls[S.NAME]
    assert names[S.NAME] in w.statement_diff and w.decl.fingerprint in w.statement_diff
    assert "theorem NeuralLandscapes.two_pos : (0 : Nat) < 5" in w.statement_diff  # the source statement now
    assert w.dumped_type == "0 < 5" and "\n  0 < 5" in w.statement_diff  # beside the compiled type
    assert stage.decls[S.OTHER].state == VERIFIED  # negative control: its statement did not change


def test_verified_without_fingerprint_says_so(setup):
    pkg, bin_dir = setup
    _prepare("verified", pkg, bin_dir)
    stage = run_lean_stage(pkg, {S.NAME: None}, "auto", timeout=30, path=str(bin_dir))
    assert stage.decls[S.NAME].state == VERIFIED and "no fingerprint in the ledger" in stage.decls[S.NAME].reason


def _dead(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # a zombie is dead, just not reaped (PID 1 of a container may not reap)
        return Path(f"/proc/{pid}/status").read_text().split("State:")[1].split()[0] == "Z"
    except (OSError, IndexError):
        return True


@pytest.mark.parametrize("mode", ["hang", "hang_ignore_term"])
def test_timeout_kills_the_whole_process_group(setup, monkeypatch, mode):
    pkg, bin_dir = setup
    monkeypatch.setattr(process, "KILL_GRACE", 0.5)
    names = _prepare("timeout", pkg, bin_dir)
    S.install(bin_dir, {"build": {"mode": mode}})
    t0 = time.monotonic()
    stage = run_lean_stage(pkg, names, "auto", timeout=1.5, path=str(bin_dir))
    assert time.monotonic() - t0 < 10
    assert stage.decls[S.NAME].reason.startswith("lake build timed out after 1.5 s (process group killed)")
    pid = int((bin_dir / "grandchild.pid").read_text())
    deadline = time.monotonic() + 5
    while not _dead(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(pid), "the grandchild of lake survived the timeout"


@pytest.mark.parametrize("mathlib", [True, False])
def test_mathlib_cache_is_fetched_only_when_required(tmp_path, monkeypatch, mathlib):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    pkg = S.make_package(tmp_path / "lean", mathlib=mathlib)
    bin_dir = S.install(tmp_path / "bin", dict(build={"lines": S.OK_BUILD}, dump={"declarations": S.all_decls()}))
    seen: list[str] = []
    stage = run_lean_stage(pkg, {S.NAME: None}, "auto", timeout=30, path=str(bin_dir), progress=seen.append)
    cmds = [c.split() for c in S.calls(bin_dir) if not c.endswith("--version")]
    modules = ["NeuralLandscapes", "NeuralLandscapes.Basic", "NeuralLandscapes.Other"]
    expected = ([["lake", "exe", "cache", "get"]] if mathlib else []) + [["lake", "build", *modules]]
    assert cmds[:-1] == expected  # every module a target, no --wfail
    assert cmds[-1][:4] == ["lake", "exe", "dump_decls", "--out"] and cmds[-1][5:] == modules
    assert stage.decls[S.NAME].state == VERIFIED
    assert any("[1/4] Built" in s for s in seen), seen  # Lake's progress reaches the callback
    assert ("fetched" if mathlib else "not needed") in stage.build["mathlib_cache"]


def test_progress_is_throttled(setup):
    pkg, bin_dir = setup
    many = [f"✔ [{i}/500] Built NeuralLandscapes.M{i} (0.1s)" for i in range(1, 501)]
    names = _prepare("verified", pkg, bin_dir)
    S.install(bin_dir, dict(build={"lines": many + S.OK_BUILD}, dump={"declarations": S.all_decls()}))
    seen: list[str] = []
    run_lean_stage(pkg, names, "auto", timeout=30, path=str(bin_dir), progress=seen.append)
    built = [s for s in seen if "Built" in s]
    assert 1 <= len(built) <= 10, built


def test_crosscheck_lean_path_env_reaches_discovery_and_subprocess(setup, monkeypatch):
    pkg, bin_dir = setup
    names = _prepare("verified", pkg, bin_dir)
    monkeypatch.setenv("CROSSCHECK_LEAN_PATH", str(bin_dir))
    stage = run_lean_stage(pkg, names, "auto", timeout=30)
    assert stage.toolchain["lake"] == str(bin_dir / "lake")
    assert stage.decls[S.NAME].state == VERIFIED


@pytest.mark.parametrize("case", list(CASES))
def test_verify_cli_verdict_exit_code_and_html(setup, monkeypatch, tmp_path, case):
    pkg, bin_dir = setup
    names = _prepare(case, pkg, bin_dir)
    monkeypatch.setenv("CROSSCHECK_LEAN_PATH", str(bin_dir))
    ledger = S.write_ledger(tmp_path / "claims.toml", {S.NAME: names[S.NAME]})
    out = tmp_path / "reports"
    argv = ["verify", "--claims", str(ledger), "--lean-dir", str(pkg), "--out", str(out), "--quiet"]
    code = main(argv + ["--lean-timeout", str(TIMEOUTS.get(case, 30.0))])
    _, _, state, fragment = CASES[case]
    data = json.loads((out / "results.json").read_text(encoding="utf-8"))
    claim = data["claims"][0]
    assert claim["lean_state"] == state and claim["lean"][0]["state"] == state
    assert claim["verdict"] == VERDICT[state]
    assert code == (1 if state == FAILED else 0)
    page = html.unescape((out / "index.html").read_text(encoding="utf-8"))
    assert fragment in page and f">{state}<" in page
    if claim["lean"][0]["dumped_type"]:
        assert "Type as elaborated by Lean" in page and claim["lean"][0]["dumped_type"] in page
    if state != NOT_RUN:
        assert (out / "lean-build.log").is_file()
    if case == "not-run":
        assert main(argv + ["--lean", "require"]) == 1  # require turns not run into failure


@pytest.mark.slow
def test_real_toolchain_when_installed(root):
    """With a real ``lake`` on PATH, the project's package goes through the driver (slow: Mathlib)."""
    if shutil.which("lake") is None:
        pytest.skip("no `lake` on PATH: install elan (see `crosscheck doctor`) to run the real-toolchain test")
    if not (root / "lean" / "lean-toolchain").is_file():
        pytest.skip("the project's lean/ package is not there yet")
    stage = run_lean_stage(root / "lean", {}, "auto", timeout=float(os.environ.get("LEAN_TIMEOUT", "3600")))
    assert stage.ran, stage.summary
    assert stage.build["build"] == "succeeded", stage.log_tail
    assert "dump" in stage.build and "declaration(s)" in stage.build["dump"], stage.build


def test_interrupt_takes_the_process_group_down(setup, monkeypatch):
    """Ctrl-C reaches only crosscheck (lake runs in its own session), so the driver kills the group."""
    pkg, bin_dir = setup
    S.install(bin_dir, {"build": {"mode": "hang"}})

    def interrupt(line: str) -> None:
        if "Building" in line:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        process.run([str(bin_dir / "lake"), "build"], cwd=pkg, env=None, deadline=time.monotonic() + 30, on_line=interrupt)
    pid = int((bin_dir / "grandchild.pid").read_text())
    deadline = time.monotonic() + 5
    while not _dead(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _dead(pid)


@pytest.mark.parametrize("behaviour", ["hang", "garbage"])
def test_unreadable_toolchain_version_stops_before_building(setup, behaviour):
    """`lean --version` that hangs (in a child process) or prints garbage: the stage fails on the toolchain
    itself, within the Lean timeout, kills the whole process group, and builds nothing."""
    pkg, bin_dir = setup
    bin_dir.mkdir(parents=True, exist_ok=True)
    marker = bin_dir / "lake-was-asked-to-build"
    hang = f"sleep 60.{os.getpid()}"  # a command line no other process on the machine has (pgrep below is system-wide)
    body = f"sh -c '{hang}' \nexit 0" if behaviour == "hang" else "echo 'no version here'"
    (bin_dir / "lean").write_text(f"#!/bin/sh\n{body}\n")
    (bin_dir / "lake").write_text(f"#!/bin/sh\ncase \"$1\" in --version) echo 'Lake version 5.0.0 (Lean version 4.24.0)';; *) touch {marker};; esac\n")
    for f in ("lean", "lake"):
        (bin_dir / f).chmod(0o755)
    t0 = time.monotonic()
    stage = run_lean_stage(pkg, {S.NAME: S.fingerprint_of(pkg)}, "auto", timeout=2.0, path=str(bin_dir))
    assert time.monotonic() - t0 < 15
    w = stage.decls[S.NAME]
    assert w.state == FAILED and "toolchain problem" in w.reason
    assert not marker.exists()
    if behaviour == "hang" and shutil.which("pgrep"):
        leftover = subprocess.run(["pgrep", "-f", hang], capture_output=True, text=True).stdout.split()
        assert leftover == []
