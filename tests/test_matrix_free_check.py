"""The matrix-free checks through the CLI (JSON), on synthetic data and the digits, with negative controls."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from crosscheck.cli import main
from crosscheck.numerics.datasets import digits, integer_gram_rank
from crosscheck.numerics.rank import exact_rank

LEDGER = """
[ledger]
title = "matrix-free test ledger"

[[claim]]
id = "flat"
title = "kernel and alpha-multiplicity"
source = "test"
statement = "dim ker H0 = alpha-multiplicity = (m-1)d"
kind = "numerical"
checks = ["matrix-free-kernel", "matrix-free-kernel-grid"]
[claim.expect]
kernel_dim = "{kernel}"
alpha_multiplicity = "{mult}"
"""


def _ledger(tmp_path: Path, kernel: str = "(m - 1) * d", mult: str = "(m - 1) * d") -> str:
    path = tmp_path / "claims.toml"
    path.write_text(LEDGER.format(kernel=kernel, mult=mult), encoding="utf-8")
    return str(path)


def _check(capsys, ledger: str, check: str = "matrix-free-kernel", *sets: str, quick: bool = False) -> tuple[int, dict]:
    argv = ["check", check, "--claims", ledger, "--json", "--seed", "3"]
    for s in sets:
        argv += ["--set", s]
    if quick:
        argv.append("--quick")
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_synthetic_case_reports_kernel_multiplicity_and_certificate(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "m=300", "d=7")
    assert code == 0 and res["status"] == "pass", res["summary"]
    meas = res["measured"]
    assert meas["kernel_dim"] == meas["alpha_multiplicity"] == 299 * 7
    assert meas["md"] == 2100 and meas["claim_applies"] is True
    for key in ("residual_bound", "failure_probability", "gap", "products", "zero_radius", "lambda_min_plus"):
        assert key in meas
    assert meas["failure_probability"] == pytest.approx(1e-10)
    assert res["certificates"]["kernel"]["status"] == "certified"
    assert "probes" in res["tolerance"] and "gap_max" in res["tolerance"]


def test_digits_without_constant_pixels_satisfy_the_claim(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "dataset=digits-nonconstant", "m=16")
    meas = res["measured"]
    assert res["status"] == "pass", res["summary"]
    assert (meas["d"], meas["N"], meas["sigma_rank"]) == (61, 1797, 61)
    assert meas["kernel_dim"] == 15 * 61 and meas["claim_applies"] is True
    assert meas["constant_pixels_dropped"] == [0, 32, 39]


def test_raw_digits_violate_the_hypothesis_and_the_kernel_is_md_minus_rank(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "dataset=digits", "m=16")
    meas = res["measured"]
    assert code == 0 and res["status"] == "pass", res["summary"]
    assert meas["claim_applies"] is False and meas["sigma_rank"] == 61
    assert meas["kernel_dim"] == meas["predicted_kernel_dim"] == 16 * 64 - 61
    assert meas["kernel_dim"] != 15 * 64  # the claimed formula fails without Σ ≻ 0
    assert "does not apply" in res["summary"] and "does not hold" in res["summary"]


def test_zero_v_control_gives_the_whole_space(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "v=zero", "m=20", "d=4", "alpha_certificate=direct")
    assert res["status"] == "pass", res["summary"]
    assert res["measured"]["kernel_dim"] == res["measured"]["alpha_multiplicity"] == 80
    assert res["measured"]["claim_applies"] is False


def test_wrong_claimed_multiplicity_fails(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path, mult="(m - 1) * d + 1"), "matrix-free-kernel", "m=50", "d=3")
    assert code == 1 and res["status"] == "fail"
    assert any(f["quantity"] == "alpha_multiplicity" for f in res["failures"])


def test_wrong_claimed_kernel_fails_on_digits(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path, kernel="m * d - 64"), "matrix-free-kernel", "dataset=digits-nonconstant", "m=8")
    assert code == 1 and res["status"] == "fail"


def test_ill_conditioned_sigma_is_refused_not_contradicted(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "cond=1e10", "m=40", "d=10")
    assert code == 0 and res["status"] == "inconclusive"
    assert "not certified" in res["summary"] and "threshold" in res["summary"]


def test_direct_alpha_certificate_agrees(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "m=40", "d=6", "alpha=2.5", "alpha_certificate=direct")
    assert res["status"] == "pass", res["summary"]
    assert res["certificates"]["alpha"]["nullity"] == res["measured"]["alpha_multiplicity"] == 39 * 6


def test_grid_quick_passes_with_controls(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel-grid", quick=True)
    assert code == 0 and res["status"] == "pass", res["summary"]
    controls = res["measured"]["controls"]
    assert len(controls) >= 3 and not any(c["claimed_formula_holds"] for c in controls)
    assert {r["claim_applies"] for r in res["measured"]["cases"]} == {True, False}


@pytest.mark.parametrize("setting, message", [("dataset=mnist", "dataset"), ("alpha=0", "alpha"), ("v=ones", "v")])
def test_bad_parameters_are_errors(tmp_path, capsys, setting, message):
    code = main(["check", "matrix-free-kernel", "--claims", _ledger(tmp_path), "--set", setting, "--set", "m=4", "--quiet"])
    assert code == 2
    assert message in capsys.readouterr().err


@pytest.mark.slow
def test_digits_at_width_4096(tmp_path, capsys):
    code, res = _check(capsys, _ledger(tmp_path), "matrix-free-kernel", "dataset=digits-nonconstant", "m=4096")
    assert res["status"] == "pass" and res["measured"]["kernel_dim"] == 4095 * 61


# ---- the data behind it -------------------------------------------------------------------------------


def test_digits_file_is_what_load_digits_returns():
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    D = digits()
    assert np.array_equal(D.X, X) and np.array_equal(D.y, y)


@pytest.mark.parametrize("seed", range(4))
def test_integer_gram_rank_is_exact(seed):
    rng = np.random.default_rng(seed)
    B = rng.integers(-3, 4, (12, 4))
    X = np.hstack([B, B @ rng.integers(-2, 3, (4, 3)), np.zeros((12, 1))])  # rank <= 4 of 8 columns
    assert integer_gram_rank(X) == exact_rank(X) == np.linalg.matrix_rank(X)
