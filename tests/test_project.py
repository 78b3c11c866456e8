"""A project is a folder: a second, independent project (its own ledger, check module and Lean package)
verified end to end through the CLI from another directory; `crosscheck init` round trip; a user's check
module that cannot load is a clear exit 2."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fake_lean import standins as S

FIXTURE = Path(__file__).parent / "fixtures" / "project_b"


def cli(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {k: v for k, v in os.environ.items() if k != "CROSSCHECK_LEAN_PATH"}
    e.update({"HOME": str(cwd / "home"), **(env or {})})
    return subprocess.run([sys.executable, "-m", "crosscheck", *args], cwd=cwd, env=e, capture_output=True, text=True, timeout=300)


@pytest.fixture
def project(tmp_path) -> Path:
    dst = tmp_path / "project_b"
    shutil.copytree(FIXTURE, dst)
    return dst


def test_second_project_verifies_from_another_directory(project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    r = cli("verify", "--claims", str(project / "claims.toml"), "--out", str(tmp_path / "rep"), "--jobs", "1", cwd=elsewhere)
    assert r.returncode == 0, r.stderr
    data = json.loads((tmp_path / "rep" / "results.json").read_text())
    verdicts = {c["id"]: c["verdict"] for c in data["claims"]}
    assert verdicts == {"geom-closed-form": "supported numerically", "geom-limit": "agrees"}
    check = data["claims"][0]["checks"][0]
    assert check["origin"].endswith("checks/geometric.py") and check["applicable"] < check["cases"]  # r = 1 excluded
    assert data["lean"]["static_scan"]["files"], "the project's own Lean package was scanned"
    assert not (elsewhere / "reports").exists()


def test_second_project_wrong_claim_is_contradicted(project, tmp_path):
    p = project / "claims.toml"
    p.write_text(p.read_text().replace('"(1 - r ** n) / (1 - r)"', '"(1 - r ** n) / (1 - r) * 1.0001"'))
    r = cli("verify", "--claims", str(p), "--out", str(tmp_path / "rep"), "--jobs", "1", cwd=tmp_path)
    assert r.returncode == 1
    assert "geom-closed-form: contradicted" in r.stderr


def test_second_project_built_path_with_a_stand_in_toolchain(project, tmp_path):
    bin_dir = tmp_path / "bin"
    decl = S.decl("GeomPaper.double_eq", ("propext",), module="GeomPaper.Basic", type_="∀ (n : Nat), n + n = 2 * n")
    S.install(bin_dir, {"build": {"modules": {}}, "dump": {"declarations": [decl]}})
    r = cli("verify", "--claims", str(project / "claims.toml"), "--out", str(tmp_path / "rep"), "--jobs", "1",
            cwd=tmp_path, env={"CROSSCHECK_LEAN_PATH": str(bin_dir)})
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads((tmp_path / "rep" / "results.json").read_text())
    first = data["claims"][0]
    assert first["lean_state"] == "verified" and first["verdict"] == "confirmed", first["explanation"]
    assert any(c.startswith("lake build GeomPaper") for c in S.calls(bin_dir))


def test_a_user_module_that_fails_to_import_is_exit_2_naming_the_line(project, tmp_path):
    (project / "checks" / "broken.py").write_text("import math\n\nx = 1 / 0\n")
    r = cli("verify", "--claims", str(project / "claims.toml"), "--out", str(tmp_path / "rep"), cwd=tmp_path)
    assert r.returncode == 2
    assert "broken.py:3: failed to import: ZeroDivisionError" in r.stderr and not (tmp_path / "rep").exists()


def test_a_check_id_defined_twice_is_exit_2_naming_both(project, tmp_path):
    shutil.copy(project / "checks" / "geometric.py", project / "checks" / "again.py")
    r = cli("list", "--claims", str(project / "claims.toml"), cwd=tmp_path)
    assert r.returncode == 2 and "defined twice" in r.stderr and "again.py" in r.stderr and "geometric.py" in r.stderr


def test_a_claimed_quantity_no_check_reads_is_a_load_error(project, tmp_path):
    p = project / "claims.toml"
    p.write_text(p.read_text().replace('tail = { value', 'bogus = "42"\ntail = { value'))
    r = cli("verify", "--claims", str(p), "--out", str(tmp_path / "rep"), cwd=tmp_path)
    assert r.returncode == 2
    assert "no check of this claim reads 'bogus'" in r.stderr and "geometric-tail reads tail" in r.stderr


def test_init_then_verify_round_trip(tmp_path):
    r = cli("init", str(tmp_path / "new"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    for f in ("claims.toml", "lean/lakefile.toml", "lean/lean-toolchain", "checks/sums.py", ".github/workflows/verify.yml", "README.md"):
        assert (tmp_path / "new" / f).is_file(), f
    r = cli("verify", "--claims", str(tmp_path / "new" / "claims.toml"), "--out", str(tmp_path / "rep"), "--jobs", "1", cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads((tmp_path / "rep" / "results.json").read_text())
    assert {c["verdict"] for c in data["claims"]} == {"supported numerically", "agrees"}
    assert data["lean"]["summary"].startswith("not run")
    lean_w = data["claims"][0]["lean"][0]
    assert lean_w["state"] == "not run" and "statement unchanged" in lean_w["reason"]  # the scaffold's fingerprint matches


def test_init_refuses_a_non_empty_directory(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine")
    r = cli("init", str(tmp_path / "busy"), cwd=tmp_path)
    assert r.returncode == 2 and "never overwrites" in r.stderr
    assert (tmp_path / "busy" / "keep.txt").read_text() == "mine"


def test_lean_modules_restrict_the_build_and_an_unknown_module_is_named(project, tmp_path):
    bin_dir = tmp_path / "bin"
    decl = S.decl("GeomPaper.double_eq", ("propext",), module="GeomPaper.Basic", type_="∀ (n : Nat), n + n = 2 * n")
    S.install(bin_dir, {"build": {"modules": {}}, "dump": {"declarations": [decl]}})
    p = project / "claims.toml"
    p.write_text(p.read_text().replace('lean_dir = "lean"', 'lean_dir = "lean"\nlean_modules = ["GeomPaper.Basic"]'))
    r = cli("verify", "--claims", str(p), "--out", str(tmp_path / "rep"), "--jobs", "1", cwd=tmp_path, env={"CROSSCHECK_LEAN_PATH": str(bin_dir)})
    assert r.returncode == 0, r.stdout + r.stderr
    assert [c for c in S.calls(bin_dir) if c.startswith("lake build")] == ["lake build GeomPaper.Basic"]
    p.write_text(p.read_text().replace('["GeomPaper.Basic"]', '["GeomPaper.Nope"]'))
    r = cli("verify", "--claims", str(p), "--out", str(tmp_path / "rep2"), "--jobs", "1", cwd=tmp_path, env={"CROSSCHECK_LEAN_PATH": str(bin_dir)})
    assert r.returncode == 1 and "lean_modules names GeomPaper.Nope, which is not a module of the package" in r.stdout + r.stderr


def test_a_syntax_error_in_a_user_module_names_its_own_line(project, tmp_path):
    (project / "checks" / "typo.py").write_text("x = 1\n\ndef f(\n    return 2\n")
    r = cli("list", "--claims", str(project / "claims.toml"), cwd=tmp_path)
    assert r.returncode == 2 and "typo.py:3: failed to import: SyntaxError" in r.stderr, r.stderr


def test_a_user_check_reusing_a_bundled_id_is_exit_2_naming_both(project, tmp_path):
    """The bundled checks are known by their index (not imported), so a clash is still found at load time."""
    mod = project / "checks" / "geometric.py"
    text = mod.read_text()
    first_id = text.split('check("', 1)[1].split('"', 1)[0]
    (project / "checks" / "clash.py").write_text(text.replace(f'check("{first_id}"', 'check("width-scaling"'))
    toml = project / "claims.toml"
    toml.write_text(toml.read_text().replace("builtin_checks = false", "builtin_checks = true"))
    r = cli("list", "--claims", str(toml), cwd=tmp_path)
    assert r.returncode == 2 and "defined twice" in r.stderr and "width-scaling" in r.stderr and "clash.py" in r.stderr, r.stderr


def test_the_index_of_bundled_checks_is_what_their_modules_define():
    """``crosscheck check X`` imports only X's module, found through the index; a new or renamed check must
    be entered there (this test fails until it is)."""
    import importlib
    import pkgutil

    import crosscheck.checks as package
    from crosscheck.checks import INDEX

    defined = {}
    for info in pkgutil.iter_modules(package.__path__):  # every module of the package, not only the indexed ones
        mod = importlib.import_module(f"{package.__name__}.{info.name}")
        for s in getattr(mod, "CHECKS", ()):
            defined[s.id] = info.name
    assert INDEX == defined


def test_running_one_check_imports_only_its_module_and_validates_only_its_claims(tmp_path):
    """``check`` loads the ledger for one check: the claims listing it are validated, an unrelated claim's
    error does not stop it (``verify`` and ``list`` still report it), and no other check module is imported."""
    root = Path(__file__).resolve().parents[1]
    code = ("import sys, io, contextlib\nfrom crosscheck.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            f"    rc = main(['check', 'hypothesis-alpha-positive-needed', '--quiet', '--claims', {str(root / 'claims.toml')!r}])\n"
            "print(rc, sorted(m for m in sys.modules if m.startswith('crosscheck.checks.') and not m.startswith('crosscheck.checks._')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    rc, mods = out.stdout.split(" ", 1)
    assert rc == "0", out.stderr
    assert "paper_phase" not in mods and "leaky" not in mods and "kronecker_controls" in mods, mods
    broken = tmp_path / "claims.toml"
    text = (root / "claims.toml").read_text().replace('lean_dir = "lean"', f'lean_dir = {str(root / "lean")!r}')
    broken.write_text(text.replace('checks = ["phase-diagram"]', 'checks = ["phase-diagramm"]', 1))
    assert cli("check", "hypothesis-alpha-positive-needed", "--claims", str(broken), "--quiet", cwd=tmp_path).returncode == 0
    r = cli("list", "--claims", str(broken), cwd=tmp_path)
    assert r.returncode == 2 and "phase-diagramm" in r.stderr and "did you mean 'phase-diagram'" in r.stderr
