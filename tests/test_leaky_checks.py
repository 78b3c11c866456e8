"""The leaky-ReLU checks (arXiv 2510.25060) through the CLI: JSON shape, verdicts, negative controls."""

import json

import pytest

from crosscheck.cli import main

LEDGER = """
[ledger]
title = "test-local leaky ledger"

[[claim]]
id = "leaky-a"
title = "a"
source = "arXiv 2510.25060, abstract"
statement = "bifurcation from the global minimum for every k >= 4"
kind = "numerical"
lean = []
checks = ["leaky-kernel-formula", "leaky-hessian-at-minimum", "leaky-claim-a"]
[claim.expect]
degeneracy_found_every_k = {a}

[[claim]]
id = "leaky-b"
title = "b"
source = "arXiv 2510.25060, abstract"
statement = "degenerate at alpha = 0"
kind = "numerical"
lean = []
checks = ["leaky-claim-b"]
[claim.expect]
degenerate_at_zero = {b}

[[claim]]
id = "leaky-c"
title = "c"
source = "arXiv 2510.25060, abstract"
statement = "width-independent, alpha >= 0 only"
kind = "numerical"
lean = []
checks = ["leaky-claim-c"]
[claim.expect]
negative_alpha_bifurcations = {c_neg}
width_independent = {c_width}

[[claim]]
id = "leaky-d"
title = "d"
source = "arXiv 2510.25060, abstract"
statement = "no instability in (0, 1)"
kind = "numerical"
lean = []
checks = ["leaky-claim-d"]
[claim.expect]
engineering_regime_instabilities = {d}

[[claim]]
id = "leaky-e"
title = "e"
source = "arXiv 2510.25060, abstract"
statement = "k = 5 counts"
kind = "numerical"
lean = []
checks = ["leaky-claim-e"]
[claim.expect]
k5_critical_values = {e_values}
k5_symmetry_types = {e_types}
"""

PAPER = {"a": 1, "b": 1, "c_neg": 0, "c_width": 1, "d": 0, "e_values": 3, "e_types": 4}
# what the computation finds in both readings (α = slope, α = 1 − slope), except b which depends on it
TRUE = {**PAPER, "e_values": 1}

REQUIRED = {"check_id", "status", "summary", "measured", "expected", "tolerance", "seconds", "seed", "params", "cases"}


def write(tmp_path, name="claims.toml", **values):
    path = tmp_path / name
    path.write_text(LEDGER.format(**{**PAPER, **values}), encoding="utf-8")
    return str(path)


def run(capsys, check_id, ledger, *sets, quick=True):
    argv = ["check", check_id, "--json", "--claims", ledger] + (["--quick"] if quick else [])
    for s in sets:
        argv += ["--set", s]
    code = main(argv)
    data = json.loads(capsys.readouterr().out)
    return code, data


@pytest.fixture
def paper_ledger(tmp_path):
    return write(tmp_path)


@pytest.mark.parametrize("check_id", ["leaky-kernel-formula", "leaky-hessian-at-minimum"] + [f"leaky-claim-{c}" for c in "abcde"])
def test_check_runs_from_the_cli_and_reports_the_required_keys(capsys, paper_ledger, check_id):
    code, data = run(capsys, check_id, paper_ledger)
    assert REQUIRED <= set(data)
    assert data["check_id"] == check_id and data["status"] in ("pass", "fail", "inconclusive")
    assert code == (1 if data["status"] == "fail" else 0)


@pytest.mark.parametrize(("check_id", "status"), [
    ("leaky-kernel-formula", "pass"),
    ("leaky-hessian-at-minimum", "pass"),
    ("leaky-claim-a", "pass"),
    ("leaky-claim-b", "inconclusive"),  # holds under α = 1 − slope only
    ("leaky-claim-c", "pass"),
    ("leaky-claim-d", "pass"),
    ("leaky-claim-e", "fail"),  # one critical value for k = 5, not three
])
def test_verdicts_on_the_abstract_values(capsys, paper_ledger, check_id, status):
    _, data = run(capsys, check_id, paper_ledger)
    assert data["status"] == status, data["summary"]


@pytest.mark.parametrize(("convention", "status"), [("slope", "fail"), ("one-minus-slope", "pass"), ("both", "inconclusive")])
def test_degeneracy_at_zero_depends_on_the_reading_of_alpha(capsys, paper_ledger, convention, status):
    _, data = run(capsys, "leaky-claim-b", paper_ledger, f"convention={convention}")
    assert data["status"] == status
    reading = data["measured"]["readings"]
    if convention != "one-minus-slope":
        assert all(v["kernel_dim"] == 0 for v in reading["slope"]["kernel_at_zero"].values())
    if convention != "slope":
        at_zero = reading["one-minus-slope"]["kernel_at_zero"]
        assert {k: v["kernel_dim"] for k, v in at_zero.items()} == {str(k): k * k - k for k in (4, 5)}


def test_hessian_check_measures_eigenvalues_and_degenerate_alphas(capsys, paper_ledger):
    _, data = run(capsys, "leaky-hessian-at-minimum", paper_ledger, "alpha=0.5")
    for k in ("4", "5"):
        m = data["measured"][k]
        assert m["alpha"] == 0.5 and m["kernel_dim"] == 0
        assert sum(r["multiplicity"] for r in m["eigenvalues"]) == int(k) ** 2
        assert {r["type"] for r in m["eigenvalues"]} == {"[k]", "[k-1,1]", "[k-2,2]", "[k-2,1,1]"}
        (crit,) = m["degenerate_alphas"]
        assert crit["alpha"] == pytest.approx(1.0, abs=1e-12) and crit["contact"] == "touch"
        assert crit["kernel_dim"] == crit["full_kernel_dim"] == int(k) ** 2 - int(k)
        assert len(crit["types"]) == 4


def test_claim_checks_pass_on_the_computed_values(capsys, tmp_path):
    ledger = write(tmp_path, **TRUE)
    for letter in "acde":
        _, data = run(capsys, f"leaky-claim-{letter}", ledger)
        assert data["status"] == "pass", (letter, data["summary"])


@pytest.mark.parametrize(("check_id", "wrong"), [
    ("leaky-claim-a", {"a": 0}),
    ("leaky-claim-c", {"c_neg": 1}),
    ("leaky-claim-c", {"c_width": 0}),
    ("leaky-claim-d", {"d": 2}),
    ("leaky-claim-e", {"e_values": 1, "e_types": 3}),
    ("leaky-claim-e", {"e_values": 2, "e_types": 4}),
])
def test_negative_control_a_wrong_claimed_value_fails(capsys, tmp_path, check_id, wrong):
    _, data = run(capsys, check_id, write(tmp_path, **wrong))
    assert data["status"] == "fail"
    assert data["failures"]


def test_parameters_are_settable_from_the_cli(capsys, paper_ledger):
    _, data = run(capsys, "leaky-claim-d", paper_ledger, "ks=4,6", "n_alpha=301", "alpha_min=-2", "alpha_max=3", "convention=slope", quick=False)
    assert data["params"]["ks"] == [4, 6] and data["params"]["n_alpha"] == 301
    assert data["measured"]["ks"] == [4, 6] and data["measured"]["alpha_range"] == [-2.0, 3.0]
    assert list(data["measured"]["readings"]) == ["slope"]


@pytest.mark.parametrize("bad", ["convention=sideways", "ks=2,3", "n_alpha=2", "alpha_min=6"])
def test_bad_parameters_are_usage_errors(capsys, paper_ledger, bad):
    code = main(["check", "leaky-claim-c", "--claims", paper_ledger, "--quick", "--set", bad])
    capsys.readouterr()
    assert code == 2


@pytest.mark.slow
def test_full_ledger_verify_within_budget(tmp_path):
    import time

    t0 = time.perf_counter()
    code = main(["verify", "--claims", write(tmp_path), "--lean", "skip", "--out", str(tmp_path / "out"), "--quiet"])
    elapsed = time.perf_counter() - t0
    assert code == 1  # leaky-e is contradicted
    assert elapsed < 30.0
