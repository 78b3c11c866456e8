"""End to end through the CLI: verify, list, check; verdicts, exit codes, report files."""

import json
import xml.etree.ElementTree as ET

import pytest

from crosscheck.cli import main

CLAIM = '''
[[claim]]
id = "{id}"
title = "Regularised Hessian"
source = "Theorem 7.6(i)"
statement = "{statement}"
lean = []
checks = ["regularized-alpha-multiplicity", "hypothesis-alpha-positive-needed"]
[claim.expect]
alpha_multiplicity = "{mult}"
other_eigenvalue = "vnorm2 * sigma_k + alpha"
[claim.params.regularized-alpha-multiplicity]
m_max = 4
d_max = 3
'''


def ledger(tmp_path, *claims, name="claims.toml"):
    p = tmp_path / name
    p.write_text("".join(claims), encoding="utf-8")
    return p


def verify(tmp_path, claims_path, *extra):
    out = tmp_path / "reports"
    code = main(["verify", "--claims", str(claims_path), "--out", str(out), "--quiet", "--quick", "--lean-dir", str(tmp_path / "nolean"), *extra])
    return code, out


def results(out):
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_true_claim_agrees_and_exits_zero(tmp_path):
    code, out = verify(tmp_path, ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d")))
    assert code == 0
    data = results(out)
    assert data["claims"][0]["verdict"] == "agrees"
    assert {"index.html", "results.json", "junit.xml"} <= {p.name for p in out.iterdir()}


def test_wrong_multiplicity_is_contradicted_with_nonzero_exit(tmp_path):
    path = ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d"), CLAIM.format(id="wrong", statement="s", mult="(m - 2) * d"))
    code, out = verify(tmp_path, path)
    assert code == 1
    verdicts = {c["id"]: c["verdict"] for c in results(out)["claims"]}
    assert verdicts == {"ok": "agrees", "wrong": "contradicted"}
    failures = results(out)["claims"][1]["checks"][0]["failures"]
    assert failures and failures[0]["quantity"] == "alpha_multiplicity"
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "contradicted" in html and "alpha_multiplicity" in html


def test_project_ledger_supported_numerically_without_lean(tmp_path, root):
    code, out = main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(root / "lean"), "--out", str(tmp_path / "r"), "--quiet", "--quick", "--only", "prop-7.4", "thm-7.6i"]), tmp_path / "r"
    data = results(out)
    by_id = {c["id"]: c for c in data["claims"]}
    assert data["lean"]["ran"] is False
    assert data["lean"]["summary"].startswith("not run")
    for cid in ("prop-7.4", "thm-7.6i"):
        assert by_id[cid]["verdict"] == "supported numerically", by_id[cid]["lean"]
    assert code == 0


def test_lean_require_turns_not_run_into_failure(tmp_path):
    code, out = verify(tmp_path, ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d")), "--lean", "require")
    assert code == 1
    assert results(out)["options"]["lean_required_but_not_run"] is True


def test_junit_has_one_case_per_claim_and_check(tmp_path):
    path = ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d"), CLAIM.format(id="wrong", statement="s", mult="(m - 2) * d"))
    _, out = verify(tmp_path, path)
    suite = ET.parse(out / "junit.xml").getroot()
    names = [tc.get("name") for tc in suite.iter("testcase")]
    assert names.count("check: regularized-alpha-multiplicity") == 2
    assert sum(n.startswith("verdict:") for n in names) == 2
    assert int(suite.get("failures")) == 2  # the wrong claim's verdict and its failing check


def test_ledger_error_exits_2_and_keeps_previous_report(tmp_path, capsys):
    good = ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d"))
    code, out = verify(tmp_path, good)
    before = (out / "results.json").read_bytes()
    bad = ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d").replace("checks", "chekcs"), name="bad.toml")
    code, _ = verify(tmp_path, bad)
    assert code == 2
    err = capsys.readouterr().err
    assert "bad.toml" in err and "claim 'ok'" in err and "chekcs" in err and "no report written" in err
    assert (out / "results.json").read_bytes() == before


def test_only_unknown_claim_is_usage_error(tmp_path):
    code, _ = verify(tmp_path, ledger(tmp_path, CLAIM.format(id="ok", statement="s", mult="(m - 1) * d")), "--only", "nope")
    assert code == 2


def test_list_shows_claims_and_checks(capsys, root):
    assert main(["list", "--claims", str(root / "claims.toml")]) == 0
    out = capsys.readouterr().out
    assert "prop-7.4" in out and "kronecker-kernel-dim" in out and "control" in out


def test_check_json_has_result_fields(capsys, root):
    code = main(["check", "kronecker-kernel-dim", "--claims", str(root / "claims.toml"), "--set", "m_max=3", "--set", "d_max=2", "--json", "--seed", "5"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {"status", "measured", "expected", "tolerance", "cases", "seconds"} <= set(data)
    assert data["status"] == "pass" and data["params"]["m_max"] == 3 and data["seed"] == 5


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["check", "kronecker-kernel-dimm"], "did you mean"),
        (["check", "kronecker-kernel-dim", "--set", "m_maxx=3"], "unknown parameter 'm_maxx'"),
        (["check", "kronecker-kernel-dim", "--set", "m_max=three"], "expected int"),
        (["check", "kronecker-kernel-dim", "--set", "m_max"], "expected NAME=VALUE"),
        (["check", "kronecker-kernel-dim", "--set", "m_max=0"], "m_max = 0 is outside its domain (integer ≥ 1)"),
        (["check", "regularized-posdef", "--set", "alphas=-1"], "alphas = [-1.0] is outside its domain (list (≥ 1 item) of numbers > 0)"),
        (["check", "kronecker-kernel-dim", "--set", "gap_max=nan"], "expected float"),
        (["check", "kronecker-kernel-dim", "--set", "gap_max=-1"], "gap_max = -1.0 is outside its domain (number in (0, 1))"),
        (["check", "kronecker-kernel-dim", "--set", "m_max=100000"], "of memory, over the budget"),
        (["check", "kronecker-kernel-dim", "--claim", "prop-7.44"], "unknown claim id 'prop-7.44' (did you mean 'prop-7.4'?)"),
        (["check", "bifurcation-point", "--set", "alpha=-0.004"], "alpha = -0.004 is outside its domain"),
        (["check", "width-scaling", "--set", "widths=-3"], "widths = [-3] is outside its domain"),
        (["check", "symmetric-toy", "--set", "n=-1"], "n = -1 is outside its domain"),
        (["check", "bifurcation-point", "--set", "m=1"], "m = 1 is outside its domain"),
        (["check", "bifurcation-point", "--set", "paper_step=0"], "paper_step = 0.0 is outside its domain"),
        (["check", "kronecker-kernel-dim", "--seed", "-1"], "must be ≥ 0"),
    ],
)
def test_check_bad_parameters_exit_2_with_reason(capsys, root, argv, message):
    try:
        code = main([*argv, "--claims", str(root / "claims.toml"), "--quiet"])
    except SystemExit as exc:  # argparse's own usage errors exit 2 as well
        code = exc.code
    assert code == 2
    assert message in capsys.readouterr().err


def test_check_wrong_claim_exits_1(tmp_path, capsys):
    path = ledger(tmp_path, CLAIM.format(id="wrong", statement="s", mult="(m - 2) * d"))
    assert main(["check", "regularized-alpha-multiplicity", "--claims", str(path), "--set", "m_max=3", "--set", "d_max=2", "--quiet"]) == 1


def test_recorded_finding_is_shown_but_does_not_fail_the_run(tmp_path):
    wrong = CLAIM.format(id="wrong", statement="s", mult="(m - 2) * d").replace('source = "Theorem 7.6(i)"', 'source = "Theorem 7.6(i)"\nrecorded_verdict = "contradicted"')
    code, out = verify(tmp_path, ledger(tmp_path, wrong))
    assert code == 0
    c = results(out)["claims"][0]
    assert c["verdict"] == "contradicted" and c["recorded_verdict"] == "contradicted" and c["fails_run"] is False
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "known finding, recorded in the ledger" in html
    suite = ET.parse(out / "junit.xml").getroot()
    assert suite.get("failures") == "0" and suite.get("errors") == "0"  # agrees with exit code 0
    assert any("known finding" in (s.get("message") or "") for s in suite.iter("skipped"))


def test_recorded_finding_that_no_longer_holds_fails_the_run(tmp_path):
    now_true = CLAIM.format(id="fixed", statement="s", mult="(m - 1) * d").replace('source = "Theorem 7.6(i)"', 'source = "Theorem 7.6(i)"\nrecorded_verdict = "contradicted"')
    code, out = verify(tmp_path, ledger(tmp_path, now_true))
    assert code == 1
    assert results(out)["claims"][0]["fails_run"] is True
    assert "this changed" in (out / "index.html").read_text(encoding="utf-8")


def test_tolerance_set_too_tight_is_caught(tmp_path):
    """Mutation: finite differences cannot reach 1e-15 relative accuracy, so a claim with that tolerance
    must come out contradicted (the suite can fail on its own tolerances)."""
    claim = '''
[[claim]]
id = "tight"
title = "Hessian is Kronecker"
source = "S"
statement = "s"
checks = ["empirical-hessian-is-kronecker"]
[claim.params.empirical-hessian-is-kronecker]
m_max = 2
d_max = 2
rtol_fd = 1e-15
'''
    code, out = verify(tmp_path, ledger(tmp_path, claim))
    assert code == 1
    c = results(out)["claims"][0]
    assert c["verdict"] == "contradicted"
    assert {f["quantity"] for f in c["checks"][0]["failures"]} == {"fd_rel_error"}


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_lean_timeout_must_be_positive(tmp_path, capsys, value):
    with pytest.raises(SystemExit) as exc:
        main(["verify", "--claims", str(tmp_path / "c.toml"), "--lean-timeout", value])
    assert exc.value.code == 2 and "lean-timeout" in capsys.readouterr().err


def test_lean_dir_defaults_to_beside_the_ledger(tmp_path, root, monkeypatch):
    """Run from another directory: the project's lean/ is still found (next to claims.toml)."""
    monkeypatch.chdir(tmp_path)
    code = main(["verify", "--claims", str(root / "claims.toml"), "--out", str(tmp_path / "r"), "--quiet", "--quick", "--only", "thm-7.6i", "--lean", "skip"])
    data = results(tmp_path / "r")
    assert code == 0 and data["claims"][0]["lean_state"] == "not run"


def test_missing_lean_dir_is_named(tmp_path, root, capsys):
    code = main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(tmp_path / "nope"), "--out", str(tmp_path / "r"), "--quiet", "--quick", "--only", "thm-7.6i"])
    assert code == 2 and f"no Lean package at {tmp_path / 'nope'}" in capsys.readouterr().err and not (tmp_path / "r").exists()
    empty = tmp_path / "empty"
    empty.mkdir()  # a directory without sources: the stage runs and says so for each declaration
    code = main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(empty), "--out", str(tmp_path / "r"), "--quiet", "--quick", "--only", "thm-7.6i"])
    reasons = [w["reason"] for w in results(tmp_path / "r")["claims"][0]["lean"]]
    assert code == 1 and all("no Lean sources found at" in r for r in reasons)
    assert main(["lean", "fingerprints", "--claims", str(root / "claims.toml"), "--lean-dir", str(tmp_path / "nope")]) == 2


def test_list_parameters_accept_the_form_list_prints(capsys, root):
    code = main(["check", "kronecker-kernel-dim", "--claims", str(root / "claims.toml"), "--set", "conds=[1.0, 1000.0]", "--set", "m_max=2", "--set", "d_max=2", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["params"]["conds"] == [1.0, 1000.0]
    assert data["cases"] == 2 * 2 * 3 * 2 + 12


def test_quick_never_overrides_an_explicit_set(capsys, root):
    code = main(["check", "kronecker-kernel-dim", "--claims", str(root / "claims.toml"), "--set", "m_max=2", "--set", "d_max=2", "--quick", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["quick"] is True
    assert data["cases"] == 2 * 2 * 3 * 3 + 12  # all of m, d ≤ 2 (not thinned), 3 v kinds, 3 conds, + exact
