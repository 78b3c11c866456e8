"""Regression tests for the issue "Sound verdicts": each small ledger edit that used to give a green verdict
for something never compared, a replaced tolerance, an understated count, an accepted invalid parameter or
a partial run that looked complete — now the rule holds, through the command line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from crosscheck.cli import main

PROP = '''
[[claim]]
id = "prop"
title = "Bilinear flatness"
source = "test"
statement = "kernel and spectrum of (vvᵀ)⊗Σ"
checks = [{checks}]
[claim.expect]
{expect}
{params}
'''


def ledger(tmp_path: Path, checks: str, expect: str, params: str = "") -> Path:
    p = tmp_path / "claims.toml"
    p.write_text(PROP.format(checks=checks, expect=expect, params=params), encoding="utf-8")
    return p


def verify(tmp_path: Path, claims: Path, *extra: str) -> tuple[int, dict | None]:
    out = tmp_path / "rep"
    code = main(["verify", "--claims", str(claims), "--out", str(out), "--quiet", "--jobs", "1", "--lean-dir", str(tmp_path / "nolean"), *extra])
    data = json.loads((out / "results.json").read_text()) if (out / "results.json").exists() else None
    return code, data


SMALL = '[claim.params.{c}]\nm_max = 4\nd_max = 3\nconds = [1.0, 1000.0]\n'


def test_the_ledger_tolerance_replaces_nothing(tmp_path):
    """Was: compared at the check's own rtol 1e-10 and contradicted, while the page printed the ledger's 0.01."""
    c = ledger(tmp_path, '"kronecker-nonzero-spectrum"', 'nonzero_eigenvalue = { value = "1.001 * vnorm2 * sigma_k", rtol = 0.01 }',
               SMALL.format(c="kronecker-nonzero-spectrum"))
    code, data = verify(tmp_path, c)
    assert code == 0 and data["claims"][0]["verdict"] == "agrees"
    w = data["claims"][0]["checks"][0]["worst"]
    assert w["ledger_rtol"] == 0.01 and w["floor"] > 0
    assert w["allowed"] == pytest.approx(0.01 * abs(w["expected"]) + w["floor"])
    c2 = ledger(tmp_path, '"kronecker-nonzero-spectrum"', 'nonzero_eigenvalue = "1.001 * vnorm2 * sigma_k"', SMALL.format(c="kronecker-nonzero-spectrum"))
    assert verify(tmp_path, c2)[0] == 1


def test_regularized_posdef_compares_every_quantity(tmp_path):
    """Was: agrees ("λ_min as claimed in all 2592 cases"): λ_min gated on the claimed multiplicity, which
    was never compared."""
    c = ledger(tmp_path, '"regularized-posdef"', 'lambda_min = "42 * alpha"\nalpha_multiplicity = "0"', SMALL.format(c="regularized-posdef"))
    code, data = verify(tmp_path, c)
    assert code == 1 and data["claims"][0]["verdict"] == "contradicted"
    counts = {q["quantity"]: q for q in data["claims"][0]["checks"][0]["counts"]}
    assert counts["lambda_min"]["failed"] > 0 and counts["alpha_multiplicity"]["failed"] > 0


def test_a_quantity_no_check_reads_does_not_load(tmp_path, capsys):
    """Was: accepted and printed beside 'agrees'."""
    c = ledger(tmp_path, '"kronecker-kernel-dim"', 'kernel_dim = "(m - 1) * d"\nlambda_min = "42"')
    code, data = verify(tmp_path, c)
    err = capsys.readouterr().err
    assert code == 2 and data is None
    assert "field 'expect.lambda_min': no check of this claim reads 'lambda_min'" in err and "kronecker-kernel-dim reads kernel_dim" in err


def test_a_case_where_the_theorem_does_not_apply_is_not_evidence(tmp_path):
    """Was: pass, 'the claim does not apply … does not hold', and 'supported numerically'."""
    c = ledger(tmp_path, '"matrix-free-kernel"', 'kernel_dim = "(m - 1) * d"\nalpha_multiplicity = "(m - 1) * d"',
               '[claim.params.matrix-free-kernel]\ndataset = "synthetic"\nm = 64\nd = 5\nN = 10\nsigma_rank = 2\n')
    code, data = verify(tmp_path, c)
    check = data["claims"][0]["checks"][0]
    assert check["status"] == "inconclusive" and data["claims"][0]["verdict"] == "inconclusive"
    assert "hypotheses hold in none" in check["summary"] and check["applicable"] == 0 and check["not_applicable"]


def test_counts_are_true_and_the_worst_are_kept(tmp_path):
    """Was: '20 case(s) disagree' for 876 wrong cases, only m = 1 rows shown, the first case called worst."""
    c = ledger(tmp_path, '"kronecker-kernel-dim"', 'kernel_dim = "(m - 2) * d"')
    code, data = verify(tmp_path, c)
    check = data["claims"][0]["checks"][0]
    n = check["cases"]
    assert code == 1 and n == 12 * 8 * 9 + 12
    assert check["n_failures"] == n and len(check["failures"]) == 20
    assert f"kernel_dim: {n} of {n} comparisons disagree" in check["summary"]
    assert {f["measured"] - f["expected"] for f in check["failures"]} == {8.0}  # the largest errors (d = 8), not the first cases
    html = (tmp_path / "rep" / "index.html").read_text()
    assert f"20 of {n} failing comparisons shown, worst first" in html


@pytest.mark.parametrize(("check", "params", "words"), [
    ("bifurcation-point", "alpha = -0.004", "alpha = -0.004 is outside its domain"),
    ("width-scaling", "widths = [-3]", "widths = [-3] is outside its domain"),
    ("symmetric-toy", "n = -1", "n = -1 is outside its domain"),
    ("bifurcation-point", "m = 1", "m = 1 is outside its domain"),
    ("bifurcation-point", "paper_step = -1.0", "paper_step = -1.0 is outside its domain"),
    ("bifurcation-point", "replay_paper_method = false\npaper_step = 0.01", "no effect"),
    ("kronecker-kernel-dim", "m_max = 100000", "over the budget"),
    ("matrix-free-kernel", 'dataset = "digits-nonconstant"\nd = 16', "d"),
])
def test_invalid_parameters_are_exit_2_before_any_work(tmp_path, capsys, check, params, words):
    """Was: each ran, ended in a check error, exit 1, and wrote a full report (or grew until the machine gave out)."""
    from crosscheck.checks import registry

    spec = registry()[check]
    expect = "\n".join(f'{q} = "1"' for q in spec.required) or ""
    if check == "kronecker-kernel-dim":
        expect = 'kernel_dim = "(m - 1) * d"'
    c = ledger(tmp_path, f'"{check}"', expect, f"[claim.params.{check}]\n{params}\n")
    code, data = verify(tmp_path, c)
    err = capsys.readouterr().err
    assert code == 2 and data is None, err
    assert words in err


def test_seed_must_be_non_negative(tmp_path, capsys):
    c = ledger(tmp_path, '"kronecker-kernel-dim"', 'kernel_dim = "(m - 1) * d"')
    with pytest.raises(SystemExit) as exc:
        verify(tmp_path, c, "--seed", "-1")
    assert exc.value.code == 2 and "must be ≥ 0" in capsys.readouterr().err


def test_partial_runs_say_so(tmp_path, capsys, root):
    """Was: '2 claims', not '2 of 17', and nothing in the page header."""
    out = tmp_path / "rep"
    code = main(["verify", "--claims", str(root / "claims.toml"), "--out", str(out), "--quiet", "--quick", "--jobs", "1",
                 "--only", "prop-7.4", "hessian-is-kronecker"])
    text = capsys.readouterr().out
    n_total = (root / "claims.toml").read_text().count("[[claim]]")
    assert code == 0 and f"2 of {n_total} claims (--only, quick mode)" in text
    data = json.loads((out / "results.json").read_text())
    assert data["summary"]["claims"] == 2 and data["summary"]["claims_total"] == n_total and data["summary"]["quick"]
    html = (out / "index.html").read_text()
    assert "Partial run" in html and "quick mode" in html and f"2 of {n_total} claims" in html


def test_lean_require_without_lean_fails_in_junit_and_says_why(tmp_path, capsys):
    c = ledger(tmp_path, '"kronecker-kernel-dim"', 'kernel_dim = "(m - 1) * d"', SMALL.format(c="kronecker-kernel-dim"))
    code, data = verify(tmp_path, c, "--lean", "require")
    err = capsys.readouterr().err
    assert code == 1 and "--lean=require, but Lean did not run" in err
    suite = ET.parse(tmp_path / "rep" / "junit.xml").getroot()
    assert int(suite.get("failures")) >= 1
    assert any(tc.get("name") == "Lean stage (--lean=require)" and tc.find("failure") is not None for tc in suite)


def test_a_ledger_copied_elsewhere_names_the_missing_lean_sources(tmp_path, capsys, root):
    """Was: every Lean claim 'Lean failed' after all the numerics, the reason only in the JSON. Now a
    configuration error before any work, naming the directory and the fix."""
    copy = tmp_path / "x" / "claims.toml"
    copy.parent.mkdir()
    copy.write_text((root / "claims.toml").read_text())
    code = main(["verify", "--claims", str(copy), "--out", str(tmp_path / "rep"), "--quiet", "--quick", "--jobs", "1", "--only", "hessian-is-kronecker"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "rep").exists()
    assert f"no Lean package at {tmp_path / 'x' / 'lean'}" in err and "hessian-is-kronecker" in err and "--lean-dir" in err
    code = main(["verify", "--claims", str(copy), "--out", str(tmp_path / "rep"), "--quiet", "--quick", "--jobs", "1",
                 "--only", "hessian-is-kronecker", "--lean-dir", str(root / "lean")])
    assert code == 0


def test_unknown_claim_ids_say_did_you_mean(tmp_path, capsys, root):
    code = main(["verify", "--claims", str(root / "claims.toml"), "--out", str(tmp_path / "rep"), "--quiet", "--only", "prop-7.44"])
    assert code == 2 and "did you mean 'prop-7.4'" in capsys.readouterr().err
    code = main(["check", "kronecker-kernel-dim", "--claims", str(root / "claims.toml"), "--claim", "thm-7.6", "--quiet"])
    assert code == 2 and "did you mean 'thm-7.6i'" in capsys.readouterr().err


def test_version_and_list_contracts(capsys, root):
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("crosscheck ")
    assert main(["list", "--claims", str(root / "claims.toml")]) == 0
    out = capsys.readouterr().out
    assert "reads kernel_dim, evaluated with m, d" in out and "param m_max = 12  (integer ≥ 1)" in out and "from built-in" in out


@pytest.mark.parametrize(("check", "params"), [
    ("kronecker-kernel-dim", "conds = [1e15]\nm_max = 3\nd_max = 4"),
    ("regularized-alpha-multiplicity", "conds = [1e15]\nalphas = [1e-12]\nm_max = 3\nd_max = 3"),
])
def test_a_true_claim_the_numerics_cannot_decide_is_inconclusive_not_contradicted(tmp_path, check, params):
    """cond(Σ) = 1e15: Σ is singular in float64, so the rank cannot be decided; a right claim must not fail."""
    expect = {"kronecker-kernel-dim": 'kernel_dim = "(m - 1) * d"',
              "regularized-alpha-multiplicity": 'alpha_multiplicity = "(m - 1) * d"\nother_eigenvalue = "vnorm2 * sigma_k + alpha"'}[check]
    c = ledger(tmp_path, f'"{check}"', expect, f"[claim.params.{check}]\n{params}\n")
    code, data = verify(tmp_path, c)
    r = data["claims"][0]["checks"][0]
    assert code == 0 and r["status"] == "inconclusive" and "could not be decided numerically" in r["summary"], r["summary"]
    assert r["n_failures"] == 0


def test_strict_fails_the_run_on_an_unrecorded_inconclusive_claim(tmp_path, capsys):
    c = ledger(tmp_path, '"kronecker-kernel-dim"', 'kernel_dim = "(m - 1) * d"', "[claim.params.kronecker-kernel-dim]\nm_max = 3\nd_max = 2\ngap_max = 1e-30\n")
    code, data = verify(tmp_path, c)
    assert code == 0 and data["claims"][0]["verdict"] == "inconclusive"
    code, data = verify(tmp_path, c, "--strict")
    assert code == 1 and "claim prop: inconclusive" in capsys.readouterr().err
