"""summary.md (the report's top as Markdown) and `crosscheck diff` of two results.json files."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from crosscheck.cli import main
from crosscheck.diff import RANK, compare, load_results, DiffError
from crosscheck.report.summary import render_summary


def _check(cid, status="pass", error=1e-12, summary="ok"):
    return {"check_id": cid, "status": status, "summary": summary, "worst": None if error is None else {"error": error}}


def _claim(cid, verdict, lean_state=None, checks=(), recorded=None, fails_run=False, lean=(), controls=()):
    return {
        "id": cid, "title": f"Title of {cid}", "verdict": verdict, "explanation": f"why {cid}", "lean_state": lean_state,
        "recorded_verdict": recorded, "fails_run": fails_run, "checks": list(checks), "controls": list(controls), "lean": list(lean),
    }


def _results(claims, exit_code=0):
    counts = {}
    for c in claims:
        counts[c["verdict"]] = counts.get(c["verdict"], 0) + 1
    return {
        "schema": "crosscheck-results/1",
        "summary": {"counts": counts, "exit_code": exit_code, "claims": len(claims)},
        "seed": 7,
        "environment": {"git_commit": "0123456789abcdef0123", "generated_at": "2026-01-01 00:00:00 UTC"},
        "options": {"lean_mode": "skip", "only": [], "quick": True, "claims": "claims.toml"},
        "lean": {"mode": "skip", "ran": False, "summary": "not run — --lean=skip"},
        "claims": claims,
    }


OLD = _results([
    _claim("a", "confirmed", "verified", [_check("k1", error=1.0e-10)]),
    _claim("b", "agrees", None, [_check("k2", error=2.0e-3)]),
    _claim("c", "contradicted", None, [_check("k3", "fail", 0.2, "λ* = 0.75")], recorded="contradicted"),
    _claim("d", "inconclusive", None, [_check("k4", "inconclusive", None)]),
    _claim("gone", "agrees", None, [_check("k5")]),
])


def _new():
    new = copy.deepcopy(OLD)
    cl = {c["id"]: c for c in new["claims"]}
    cl["a"].update(verdict="Lean failed", lean_state="failed")  # regression
    cl["b"]["checks"][0]["worst"]["error"] = 2.0004e-3  # same at 3 digits: no change
    cl["d"].update(verdict="agrees", checks=[_check("k4", error=0.5)])  # better
    new["claims"] = [c for c in new["claims"] if c["id"] != "gone"] + [_claim("e", "contradicted", None, [_check("k6", "fail", 3.0)])]
    return new


def _write(tmp_path: Path, name: str, data) -> Path:
    p = tmp_path / name
    p.mkdir()
    (p / "results.json").write_text(json.dumps(data), encoding="utf-8")
    return p / "results.json"


# --- summary.md -----------------------------------------------------------------------------------------


def test_summary_lists_counts_scope_lean_and_only_non_green_claims():
    data = _results([
        _claim("green", "confirmed", "verified"),
        _claim("bad|pipe", "contradicted", None, [_check("k", "fail", 0.3, "measured 2 | claimed 3")], controls=[_check("ctl", "fail", None, "control held")]),
        _claim("known", "inconclusive", None, [_check("k4", "inconclusive", None, "gap not certified")], recorded="inconclusive"),
        _claim("changed", "agrees", None, recorded="contradicted", fails_run=True),
        _claim("lean", "Lean failed", "failed", lean=[{"name": "X.y", "state": "failed", "reason": "uses sorry"}]),
    ], exit_code=1)
    md = render_summary(data, title="My paper")
    assert md.startswith("# crosscheck report — My paper\n")
    assert "Scope: all claims · quick mode (thinned grids) · Lean mode skip · seed 7 · commit 0123456789ab" in md
    assert "**5 claim(s)**: 1 confirmed, 1 agrees, 1 contradicted, 1 Lean failed, 1 inconclusive. Exit code 1." in md
    assert "| contradicted | 1 |" in md
    assert "**Lean:** not run — --lean=skip (static scan only: unverified)" in md
    assert "## Claims that are not green (4)" in md
    assert "`green`" not in md  # green claims are not listed
    assert "`bad\\|pipe`" in md and "measured 2 \\| claimed 3" in md and "control ctl: fail — control held" in md
    assert "| inconclusive (known finding) |" in md and "k4: inconclusive — gap not certified" in md
    assert "agrees (ledger records contradicted: CHANGED)" in md  # a changed finding is not green-by-recording
    assert "Lean X.y: uses sorry" in md
    for line in md.splitlines():
        if line.startswith("| `"):
            assert line.count(" | ") == 2  # three cells: no unescaped pipe split a row


def test_summary_all_green():
    md = render_summary(_results([_claim("a", "agrees")]))
    assert md.startswith("# crosscheck report\n") and "Every claim is green." in md and "not green" not in md


def test_verify_writes_summary_md_beside_results(tmp_path):
    ledger = tmp_path / "claims.toml"
    ledger.write_text(
        '[ledger]\ntitle = "Tiny"\n'
        '[[claim]]\nid = "ok"\ntitle = "T"\nsource = "S"\nstatement = "S"\nchecks = ["regularized-posdef"]\n'
        '[claim.expect]\nlambda_min = "alpha"\nalpha_multiplicity = "(m - 1) * d"\n[claim.params.regularized-posdef]\nm_max = 3\nd_max = 2\n'
        '[[claim]]\nid = "wrong"\ntitle = "T"\nsource = "S"\nstatement = "S"\nchecks = ["regularized-posdef"]\n'
        '[claim.expect]\nlambda_min = "2 * alpha"\nalpha_multiplicity = "(m - 1) * d"\n[claim.params.regularized-posdef]\nm_max = 3\nd_max = 2\n',
        encoding="utf-8",
    )
    out = tmp_path / "r"
    rc = main(["verify", "--claims", str(ledger), "--out", str(out), "--quiet", "--quick", "--lean-dir", str(tmp_path / "nolean")])
    assert rc == 1
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert md == render_summary(json.loads((out / "results.json").read_text(encoding="utf-8")), title="Tiny")
    assert "`wrong`" in md and "`ok`" not in md and "1 agrees, 1 contradicted" in md


# --- diff -----------------------------------------------------------------------------------------------


def test_rank_order():
    order = ["confirmed", "supported numerically", "not run", "inconclusive", "contradicted"]
    assert [RANK[v] for v in order] == sorted((RANK[v] for v in order), reverse=True)
    assert RANK["agrees"] == RANK["supported numerically"] and RANK["error"] == RANK["Lean failed"] == RANK["contradicted"]


def test_compare_changed_added_removed_and_regressions():
    d = compare({c["id"]: s for c, s in zip(OLD["claims"], load_results_from(OLD).values())}, load_results_from(_new()))
    assert [c.id for c in d.changed] == ["a", "d"]
    assert [c.id for c in d.regressions] == ["a"]
    assert [c.id for c in d.added] == ["e"] and [c.id for c in d.removed] == ["gone"]
    assert d.unchanged == 2  # b (error equal at 3 digits) and c (known finding, same)


def load_results_from(data):
    from crosscheck.diff import claim_state

    return {c["id"]: claim_state(c) for c in data["claims"]}


def test_cli_diff_table_and_exit_codes(tmp_path, capsys):
    old, new = _write(tmp_path, "old", OLD), _write(tmp_path, "new", _new())
    assert main(["diff", str(old), str(new)]) == 0
    out = capsys.readouterr().out
    assert "2 changed, 1 added, 1 removed, 2 unchanged; **1 regression(s)**" in out
    assert "| `a` | confirmed → Lean failed | verified → failed | 1e-10 | **regression** |" in out
    assert "| `d` | inconclusive → agrees | — | — → 0.5 | better |" in out
    assert "| `e` | contradicted | — | 3 | added |" in out and "| `gone` | agrees | — | 1e-12 | removed |" in out
    assert "`b`" not in out and "`c`" not in out
    assert main(["diff", str(old), str(new), "--fail-on-regression"]) == 1
    assert main(["diff", str(new), str(new), "--fail-on-regression"]) == 0  # nothing changed
    assert "No claim changed" in capsys.readouterr().out


def test_known_finding_that_stays_is_not_a_regression_but_a_new_contradiction_is(tmp_path, capsys):
    old = _results([_claim("c", "contradicted", recorded="contradicted"), _claim("x", "agrees")])
    new = _results([_claim("c", "contradicted", recorded="contradicted"), _claim("x", "inconclusive")])
    assert main(["diff", str(_write(tmp_path, "o", old)), str(_write(tmp_path, "n", new)), "--fail-on-regression"]) == 1
    out = capsys.readouterr().out
    assert "`c`" not in out and "| `x` | agrees → inconclusive |" in out


def test_worst_error_change_beyond_rounding_is_listed(tmp_path, capsys):
    old = _results([_claim("b", "agrees", checks=[_check("k", error=2.0e-3)])])
    new = _results([_claim("b", "agrees", checks=[_check("k", error=2.1e-3)])])
    assert main(["diff", str(_write(tmp_path, "o", old)), str(_write(tmp_path, "n", new)), "--fail-on-regression"]) == 0
    assert "| `b` | agrees | — | 0.002 → 0.0021 | — |" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "file not found"),
        ("{not json", "not JSON"),
        ('{"claims": []}', "not a crosscheck results.json"),
        ('{"schema": "crosscheck-results/1", "claims": [{"verdict": "agrees"}]}', "malformed 'claims'"),
    ],
)
def test_diff_bad_files_exit_2(tmp_path, capsys, content, message):
    good = _write(tmp_path, "good", OLD)
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert main(["diff", str(bad), str(good)]) == 2
    err = capsys.readouterr().err
    assert "crosscheck: error:" in err and message in err
    with pytest.raises(DiffError):
        load_results(bad)


def test_a_loosened_tolerance_or_a_removed_claim_is_flagged_and_fails_with_fail_on_regression(tmp_path, capsys):
    """A contradicted claim turned green by widening its tolerance is an edit of the question, not a better
    answer: shown and failing under --fail-on-regression, like a removed claim."""
    import copy

    old = copy.deepcopy(OLD)
    new = copy.deepcopy(OLD)
    c0 = new["claims"][0]
    c0["expect"] = {"q": {"value": "1", "rtol": 0.5, "atol": 0.0}}
    old["claims"][0]["expect"] = {"q": {"value": "1", "rtol": 0.005, "atol": 0.0}}
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(old))
    b.write_text(json.dumps(new))
    assert main(["diff", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert "claim edited in the ledger" in out and "1 claim(s) edited" in out
    assert main(["diff", str(a), str(b), "--fail-on-regression"]) == 1
    capsys.readouterr()
    gone = copy.deepcopy(old)
    gone["claims"] = gone["claims"][1:]
    b.write_text(json.dumps(gone))
    assert main(["diff", str(a), str(b), "--fail-on-regression"]) == 1
