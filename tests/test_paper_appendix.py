"""Appendix B and §7.5 checks: the new formulas against finite differences, the softplus analysis, the toy
potentials, the post-crossing sheets, controls in both directions, and the shipped ledger's verdicts."""

from __future__ import annotations

import pickle
import tomllib
from pathlib import Path

import numpy as np
import pytest

from crosscheck.checks import paper_appendix, paper_post_crossing, paper_softplus, paper_toy_family
from crosscheck.engine.api import ParameterError
from checkrun import assert_true_passes_and_wrong_fails, run_spec
from crosscheck.engine.runner import prepare
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.homotopy import make_homotopy
from crosscheck.numerics.paper_data import paper_dataset, paper_v, toy_dataset
from crosscheck.numerics.potential_terms import potential_fd_coefficients, terms
from crosscheck.numerics.sheets import ReplayTrace, first_jump, sheets
from crosscheck.numerics.toy_potential import ANTI, anti_diagonal, symmetric_point

MODULES = (paper_appendix, paper_post_crossing, paper_softplus, paper_toy_family)
SPECS = {s.id: s for mod in MODULES for s in mod.CHECKS}
SEED = 20240607
ROOT = Path(__file__).resolve().parents[1]


def run(check_id: str, overrides=None, quick: bool = True, **quantities):
    return run_spec(SPECS[check_id], overrides, seed=SEED, quick=quick, **quantities)


# ---- formulas against finite differences ---------------------------------------------------------------


@pytest.mark.parametrize("act", ["tanh", "softplus"])
def test_terms_sum_to_the_directional_derivatives_and_match_loss_differences(act):
    X, y = paper_dataset()
    hp = make_homotopy(X[:200], y[:200], paper_v(3), 4e-3, act)
    rng = np.random.default_rng(1)
    w, u = 0.5 * rng.standard_normal(hp.n), rng.standard_normal(hp.n)
    u /= np.linalg.norm(u)
    t = terms(hp, w, 0.6, u)
    _, d2, d3, d4 = hm.directional_derivatives(hp, w, 0.6, u)
    assert t.second == pytest.approx(d2, rel=1e-12)
    assert t.g_aa == pytest.approx(d3, rel=1e-12, abs=1e-15)
    assert t.g_aaa == pytest.approx(d4, rel=1e-12)
    # independent witness: differences of loss values only (truncation O(t²))
    c2, c3, c4 = potential_fd_coefficients(hp, w, 0.6, u, 0.01)
    assert c2 == pytest.approx(t.c2, rel=1e-4)
    assert c3 == pytest.approx(t.c3, rel=1e-3, abs=1e-7)
    assert c4 == pytest.approx(t.c4, rel=1e-3)
    # each term is odd or even in u as the formula says
    tm = terms(hp, w, 0.6, -u)
    assert (tm.df_d2f, tm.r_d3f, tm.df_d3f) == pytest.approx((-t.df_d2f, -t.r_d3f, t.df_d3f))
    assert (tm.d2f_sq, tm.r_d4f) == pytest.approx((t.d2f_sq, t.r_d4f))


def test_terms_vanish_beyond_second_order_on_the_linear_end():
    X, y = paper_dataset()
    hp = make_homotopy(X[:100], y[:100], paper_v(2), 0.0)
    rng = np.random.default_rng(2)
    t = terms(hp, rng.standard_normal(hp.n), 0.0, rng.standard_normal(hp.n))
    assert t.g_aa == 0.0 and t.g_aaa == 0.0 and t.second > 0


def test_toy_potential_is_even_flat_at_zero_and_a_double_well_after():
    X, y = toy_dataset(np.random.default_rng(3), 500)
    hp = make_homotopy(X, y, [1.0, 1.0], 0.0)
    c0 = float(hm.linear_minimum(hp)[0])
    c, gn = symmetric_point(hp, 0.0, c0)
    a0 = anti_diagonal(hp, 0.0, c, gn, points=101)
    assert gn <= 1e-12 and a0.max_abs_phi <= 1e-15 and a0.c2 == 0.0 and a0.c3 == 0.0 and a0.c4 == 0.0
    c, gn = symmetric_point(hp, 0.7, c)
    a = anti_diagonal(hp, 0.7, c, gn, points=101)
    assert gn <= 1e-12 and abs(a.c3) <= 1e-15 and a.max_asymmetry <= 1e-14
    assert a.c2 < 0 < a.c4 and a.depth > 0 and a.s_min > 0
    # the coefficients are the Taylor coefficients of ϕ (central differences of the loss)
    L = lambda s: hm.loss(hp, np.array([c, c]) + s * ANTI, 0.7)  # noqa: E731
    h = 1e-3
    assert (L(h) - 2 * L(0) + L(-h)) / (2 * h * h) == pytest.approx(a.c2, rel=1e-5)


# ---- sheets and the replay's jump ----------------------------------------------------------------------


def test_the_m5_branch_folds_back_onto_an_older_minimum_sheet():
    br, dg = paper_post_crossing._full_trace(5, 4e-3, 0.1)
    shs = sheets(br)
    assert [s.kind for s in shs] == ["minimum", "saddle", "minimum"]
    assert dg.classification.kind == "fold" and dg.point.lam == pytest.approx(0.42735, abs=1e-4)
    assert shs[2].birth == pytest.approx(0.14517, abs=1e-4) and shs[2].lam_hi >= 1.0
    assert float(br.residual.max()) <= 1e-10


def test_first_jump_needs_a_negative_then_positive_eigenvalue_and_a_loss_drop():
    lam = np.linspace(0, 1, 5)
    z = np.zeros((5, 2))
    rp = ReplayTrace(lam, np.array([1, -1, -2, 1, 1.0]), np.ones(5), np.array([5, 5, 5, 4, 4.0]), np.zeros(5), z)
    j = first_jump(rp)
    assert j is not None and j.index == 3 and j.lambda1_before == -2 and j.lambda1_after == 1 and j.loss_drop == 1
    no_drop = ReplayTrace(lam, rp.lambda1, rp.lambda2, np.array([5, 5, 5, 6, 6.0]), rp.grad_norm, z)
    assert first_jump(no_drop) is None


# ---- softplus against tanh -----------------------------------------------------------------------------


def test_softplus_has_no_degeneracy_at_the_papers_alpha_and_a_fold_at_half_of_it():
    none = paper_softplus.analyse(10, 4e-3, "softplus", 0.1)
    assert none["sigma2_at_0"] == 0.5 and not none["degenerate"] and none["min_lambda1"] > 0
    # the minimum is refined on the curve: at or below every sampled λ₁ on [0, 1], and near its sampled place
    lam, l1 = (np.array(x) for x in none["branch"])
    assert none["min_lambda1"] <= l1[lam <= 1.0].min() and abs(none["min_lambda1_at"] - lam[np.argmin(np.where(lam <= 1.0, l1, np.inf))]) < 0.1
    assert pickle.loads(pickle.dumps(none)) == none  # the cached result travels between worker processes
    with pytest.raises(TypeError):
        none["min_lambda1"] = 0.0  # type: ignore[index]
    fold = paper_softplus.analyse(10, 2e-3, "softplus", 0.1)
    assert fold["kind"] == "fold" and fold["turns_back"] and fold["abs_ratio"] < 0.01
    assert fold["g_aa_fd"] == pytest.approx(fold["g_aa"], rel=1e-4)
    tanh = paper_softplus.analyse(10, 4e-3, "tanh", 0.1)
    assert tanh["sigma2_at_0"] == 0.0 and tanh["kind"] == "fold" and tanh["lambda_star"] == pytest.approx(0.7501, abs=1e-4)


def test_activation_is_a_parameter_with_a_domain():
    with pytest.raises(ParameterError):
        prepare(SPECS["activation-degeneracy"], {"activation": "relu"})
    res = run("activation-degeneracy", {"activation": "tanh", "alphas": [4e-3]}, kind_code=(0, 0.0, 0.5), small_ratio=(0, 0.0, 0.5))
    assert res.status == "pass", res.summary


# ---- controls in both directions -----------------------------------------------------------------------

CONTROLS = [
    ("restricted-potential-terms", {}, "c3", (-0.000688, 0.0, 5e-5), (-0.0012, 0.0, 5e-5)),
    ("restricted-potential-terms", {}, "term_r_d3f", (-0.0038, 0.0, 5e-5), (0.0038, 0.0, 5e-5)),  # orientation: g_aa ≤ 0
    ("restricted-potential-terms", {}, "abs_dc2_dmu", (0.002116, 0.0, 5e-5), (0.044, 0.0, 5e-4)),
    ("restricted-potential-terms", {"at_our_lambda_star": True}, "c2", (0.0, 0.0, 1e-12), (0.018, 0.0, 5e-4)),
    ("post-crossing", {}, "minima_born_at_lambda_star", (0, 0.0, 0.5), (1, 0.0, 0.5)),
    ("activation-degeneracy", {}, "kind_code", (0, 0.0, 0.5), (1, 0.0, 0.5)),
    ("activation-degeneracy", {}, "small_ratio", (1, 0.0, 0.5), (0, 0.0, 0.5)),
    ("toy-antidiagonal-potential", {}, "c3_max", (0, 0.0, 1e-15), (1e-3, 0.0, 1e-4)),
    ("toy-antidiagonal-potential", {}, "quartic_at_0", (0, 0.0, 0.5), (1, 0.0, 0.5)),
    ("toy-antidiagonal-potential", {}, "double_well_deepens", (1, 0.0, 0.5), (0, 0.0, 0.5)),
    ("toy-family-start", {"a_values": [0.5]}, "sign_at_0", (0, 0.0, 0.5), (1, 0.0, 0.5)),
    ("toy-family-start", {"a_values": [0.3]}, "crossing_in_interior", (1, 0.0, 0.5), (0, 0.0, 0.5)),
]


@pytest.mark.parametrize("check_id, params, q, true, wrong", CONTROLS, ids=[f"{c[0]}:{c[2]}" for c in CONTROLS])
def test_true_claim_passes_and_wrong_claim_fails(check_id, params, q, true, wrong):
    assert_true_passes_and_wrong_fails(run, check_id, params, q, true, wrong)


@pytest.mark.parametrize("q, delta", [("c4", 1e-3), ("term_d2f_sq", 1e-3), ("term_r_d4f", 1e-3)])
def test_ledger_tolerance_decides_a_small_offset(q, delta):
    measured = run("restricted-potential-terms", **{q: (0, 0.0, 1e9)}).measured[q]
    assert run("restricted-potential-terms", **{q: (measured + delta, 0.0, 2 * delta)}).status == "pass"
    res = run("restricted-potential-terms", **{q: (measured + delta, 0.0, delta / 2)})
    assert res.status == "fail" and res.worst.quantity == q


def test_replayed_landing_is_the_older_minimum_sheet():
    res = run("post-crossing", {"replay_paper_method": True}, landing_sheet_birth=("lambda_star", 0.0, 7.5e-3))
    assert res.status == "fail"
    j = res.measured["jump"]
    assert j["landing_converged"] and j["landing_grad_norm"] <= 1e-10
    assert j["landing_sheet_birth"] == pytest.approx(0.14517, abs=1e-4) and 0.5 < j["lambda"] < 0.65
    ok = run("post-crossing", {"replay_paper_method": True}, landing_sheet_birth=(0.14517, 0.0, 1e-4))
    assert ok.status == "pass", ok.summary


def test_quick_mode_leaves_the_replay_quantities_uncompared():
    res = run("post-crossing", jump_lambda=(0.56, 0.0, 7.5e-3))
    assert res.status == "inconclusive" and "not replayed" in res.summary


# ---- not applicable, parameters ------------------------------------------------------------------------


def test_a_lambda_past_the_fold_is_not_applicable():
    res = run("restricted-potential-terms", {"lam": 0.9}, c3=(0, 0.0, 1.0))
    assert res.status == "inconclusive" and res.applicable == 0 and "minimum sheet" in res.summary


def test_slope_at_the_fold_is_absent():
    res = run("restricted-potential-terms", {"at_our_lambda_star": True}, abs_dc2_dmu=(0.044, 0.0, 5e-4))
    assert res.status == "fail" and "unbounded" in res.worst.absent


def test_lam_without_effect_is_an_error():
    with pytest.raises(ParameterError):
        prepare(SPECS["restricted-potential-terms"], {"lam": 0.7, "at_our_lambda_star": True})


def test_softplus_case_without_degeneracy_is_not_applicable():
    res = run("activation-degeneracy", {"alphas": [4e-3]}, kind_code=(1, 0.0, 0.5))
    assert res.status == "inconclusive" and res.applicable == 0 and "no zero" in res.summary


def test_every_new_check_has_a_memory_estimate():
    for spec in SPECS.values():
        assert spec.memory(spec.defaults) > 0


# ---- the shipped ledger --------------------------------------------------------------------------------


def test_shipped_appendix_claims_keep_their_verdicts():
    """The claims of the Appendix B / §7.5 block, in quick mode with their ledger parameters."""
    ledger = tomllib.loads((ROOT / "claims.toml").read_text(encoding="utf-8"))
    want = {"contradicted": "fail", "inconclusive": "inconclusive", None: "pass"}
    seen = 0
    for claim in ledger["claim"]:
        if claim["checks"][0] not in SPECS:
            continue
        quantities = {q: (v["value"], v.get("rtol", 0.0), v.get("atol", 0.0)) if isinstance(v, dict) else v for q, v in claim["expect"].items()}
        for cid in claim["checks"]:
            res = run(cid, claim.get("params", {}).get(cid, {}), **quantities)
            assert res.status == want[claim.get("recorded_verdict")], (claim["id"], res.summary)
            seen += 1
    assert seen == 8
