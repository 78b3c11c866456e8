"""The paper checks through the CLI in quick mode: JSON shape, the facts they establish, and controls in both
directions (a deliberately wrong claimed value fails; a claim stating what we compute passes)."""

import json

import numpy as np
import pytest

import crosscheck.checks._paper_common as pc
from crosscheck.checks import registry, run_check
from crosscheck.checks._paper_common import traced
from crosscheck.checks.base import CheckContext, resolve_params
from crosscheck.cli import main
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.paper_data import paper_homotopy

LEDGER = """
[ledger]
title = "test-local paper ledger"

[[claim]]
id = "floor"
title = "t"
source = "§2"
statement = "s"
kind = "numerical"
lean = []
checks = ["alpha-floor"]
[claim.expect]
lambda_min = {{ value = "{lambda_min}", atol = 1e-12 }}
alpha_multiplicity = "{multiplicity}"

[[claim]]
id = "derivative"
title = "t"
source = "§2"
statement = "s"
kind = "numerical"
lean = []
checks = ["eigenvalue-derivative"]
[claim.expect]
lambda1_prime_0 = {{ value = {prime}, rtol = 5e-3 }}

[[claim]]
id = "formula22"
title = "t"
source = "formula (22)"
statement = "s"
kind = "numerical"
lean = []
checks = ["eigenvalue-derivative"]
[claim.expect]
lambda1_prime_formula22 = {{ value = -0.00655, rtol = 5e-3 }}

[[claim]]
id = "point"
title = "t"
source = "§2"
statement = "s"
kind = "numerical"
lean = []
checks = ["bifurcation-point"]
[claim.expect]
lambda_star = {{ value = {lambda_star}, atol = 3e-3 }}

[[claim]]
id = "kind"
title = "t"
source = "§2"
statement = "s"
kind = "numerical"
lean = []
checks = ["bifurcation-point"]
[claim.expect]
is_fold = {{ value = {is_fold}, atol = 0.5 }}

[[claim]]
id = "width"
title = "t"
source = "§2"
statement = "s"
kind = "numerical"
lean = []
checks = ["width-scaling"]
[claim.expect]
K = {{ value = {K}, rtol = 5e-3 }}
largest_width_with_zero = {largest}

[[claim]]
id = "coefficients"
title = "t"
source = "formulas (25)-(26)"
statement = "s"
kind = "numerical"
lean = []
checks = ["reduced-coefficients"]
[claim.expect]
g_aaa = {{ value = {g_aaa}, rtol = 5e-3 }}

[[claim]]
id = "line"
title = "t"
source = "§2.3"
statement = "s"
kind = "numerical"
lean = []
checks = ["alpha-0.01-line"]
[claim.expect]
n_interior = {{ value = {n_interior}, atol = 0.5 }}

[[claim]]
id = "toy"
title = "t"
source = "toy"
statement = "s"
kind = "numerical"
lean = []
checks = ["symmetric-toy"]
[claim.expect]
transverse_at_0 = {{ value = 0, atol = 1e-10 }}
transverse_sign_after = {sign}
"""

# what the computation establishes in quick mode (K is fitted on 5 widths there); the controls move one value at a time
TRUE = {
    "lambda_min": "alpha", "multiplicity": "(m - 1) * d", "prime": -0.0056095, "lambda_star": 0.7501, "is_fold": 1,
    "K": -0.0701, "largest": 15, "g_aaa": 0.7024, "n_interior": 1, "sign": -1,
}
WRONG = {
    "lambda_min": "2 * alpha", "multiplicity": "(m - 1) * d + 1", "prime": 0.0056095, "lambda_star": 0.721, "is_fold": 0,
    "K": -0.0805, "largest": 20, "g_aaa": 0.622, "n_interior": 6, "sign": 1,
}
CASES = [  # (check id, claim id, the ledger field the claim depends on)
    ("alpha-floor", "floor", "multiplicity"),
    ("alpha-floor", "floor", "lambda_min"),
    ("eigenvalue-derivative", "derivative", "prime"),
    ("bifurcation-point", "point", "lambda_star"),
    ("bifurcation-point", "kind", "is_fold"),
    ("width-scaling", "width", "K"),
    ("width-scaling", "width", "largest"),
    ("reduced-coefficients", "coefficients", "g_aaa"),
    ("alpha-0.01-line", "line", "n_interior"),
    ("symmetric-toy", "toy", "sign"),
]
REQUIRED = {
    "alpha-floor": {"widths"},
    "eigenvalue-derivative": {"lambda1_prime_0", "lambda1_prime_fd", "naive_single_eigenvector"},
    "bifurcation-point": {"lambda_star", "lambda_star_first_order", "kind", "grad_norm", "lambda1_over_lambda2", "dlambda1_dlambda"},
    "width-scaling": {"K", "K2", "lambda1_prime_by_m", "lambda_star_by_m", "interior_zero_widths"},
    "reduced-coefficients": {"g_aa", "g_aaa", "g_aaa_ls", "g_aa_fd", "g_aaa_fd", "ratio"},
    "alpha-0.01-line": {"slope", "r2", "lambda_star_by_m", "width_law_slope_reference_K"},
    "symmetric-toy": {"transverse_at_0", "transverse_sign_after", "lambda_star_by_a", "seed"},
}


def run(tmp_path, capsys, check_id, claim_id, **values):
    path = tmp_path / "claims.toml"
    path.write_text(LEDGER.format(**{**TRUE, **values}), encoding="utf-8")
    code = main(["check", check_id, "--json", "--quick", "--claims", str(path), "--claim", claim_id])
    out = capsys.readouterr().out
    return code, json.loads(out)


@pytest.mark.parametrize("check_id, claim_id, field", CASES)
def test_claim_stating_the_computed_value_passes(tmp_path, capsys, check_id, claim_id, field):
    code, data = run(tmp_path, capsys, check_id, claim_id)
    assert data["status"] == "pass", data["summary"]
    assert code == 0
    assert REQUIRED[check_id] <= set(data["measured"])


@pytest.mark.parametrize("check_id, claim_id, field", CASES)
def test_deliberately_wrong_claim_fails(tmp_path, capsys, check_id, claim_id, field):
    code, data = run(tmp_path, capsys, check_id, claim_id, **{field: WRONG[field]})
    assert data["status"] == "fail", data["summary"]
    assert code == 1


def test_formula22_is_reported_as_not_evaluable(tmp_path, capsys):
    code, data = run(tmp_path, capsys, "eigenvalue-derivative", "formula22")
    assert data["status"] == "inconclusive" and "formula (22) is not available" in data["summary"]
    assert data["measured"]["relative_difference_to_formula22"] > 0.1
    assert code == 0


def test_the_main_width_has_a_fold_near_three_quarters():
    tr = traced(10, 4e-3, 0.1)
    dg = tr.degeneracy
    assert dg.point.converged and 0.74 < tr.lambda_star < 0.76
    assert tr.max_grad <= 1e-10 and dg.point.residual_F <= 1e-10 and dg.point.residual_null <= 1e-10
    assert dg.classification.kind == "fold" and dg.turns_back
    # independent witness: Newton at fixed λ just below λ* lands on a minimum with a small positive λ₁
    hp = paper_homotopy(10)
    j = int(np.argmin(np.abs(tr.branch.lam[: tr.first_segment] - (tr.lambda_star - 1e-3))))
    w = tr.branch.u[j]
    lam = tr.lambda_star - 1e-3
    for _ in range(20):
        w = w - np.linalg.solve(hm.hessian(hp, w, lam), hm.grad(hp, w, lam))
    assert np.linalg.norm(hm.grad(hp, w, lam)) <= 1e-10
    assert 0 < np.linalg.eigvalsh(hm.hessian(hp, w, lam))[0] < 1e-4


def test_claim_without_the_checks_quantity_is_a_ledger_error(tmp_path, capsys):
    path = tmp_path / "claims.toml"
    path.write_text(LEDGER.format(**TRUE).replace('alpha_multiplicity = "(m - 1) * d"\n', ""), encoding="utf-8")
    assert main(["check", "alpha-floor", "--json", "--quick", "--claims", str(path)]) == 2
    assert "alpha_multiplicity" in capsys.readouterr().err


@pytest.fixture
def fresh_cache():
    traced.cache_clear()
    yield
    traced.cache_clear()


NO_REPLAY = {"bifurcation-point": {"replay_paper_method": False}, "reduced-coefficients": {}, "width-scaling": {"widths": [10], "replay_widths": []}}


@pytest.mark.parametrize("check_id", sorted(NO_REPLAY))
def test_non_convergence_is_inconclusive_with_the_residual(monkeypatch, fresh_cache, check_id):
    # make the extended-system Newton unable to meet its tolerance
    original = pc.locate_degeneracy
    monkeypatch.setattr(pc, "locate_degeneracy", lambda hp, br, i, tol=1e-10, certify=True: original(hp, br, i, tol=1e-30, certify=certify))
    spec = registry()[check_id]
    res = run_check(spec, CheckContext(seed=1, params=resolve_params(spec, NO_REPLAY[check_id]), expect={}, quick=False))
    assert res.status == "inconclusive"
    assert "did not converge" in res.summary and "‖∇L‖" in res.summary


@pytest.mark.parametrize("check_id", ["eigenvalue-derivative", "bifurcation-point", "reduced-coefficients", "alpha-0.01-line"])
def test_a_claim_stating_nothing_to_compare_is_inconclusive(check_id):
    spec = registry()[check_id]
    params = resolve_params(spec, {"replay_paper_method": False} if check_id == "bifurcation-point" else {})
    res = run_check(spec, CheckContext(seed=1, params=params, expect={}, quick=True))
    assert res.status == "inconclusive" and "none of the quantities" in res.summary
