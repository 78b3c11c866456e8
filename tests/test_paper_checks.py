"""The paper checks on the check contract (quick mode): the facts they establish, the shipped ledger's verdicts,
controls in both directions (a claimed value moved beyond its tolerance fails; a tolerance that covers a small
offset passes), parameter domains checked before any work, and unconverged branches excluded as cases."""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import crosscheck.checks._paper_common as pc
from crosscheck.checks import paper, paper_toy, paper_width
from crosscheck.checks._paper_common import traced
from crosscheck.engine.api import ParameterError, Recorder
from checkrun import assert_true_passes_and_wrong_fails, expect, run_spec
from crosscheck.engine.runner import prepare, run_check
from crosscheck.engine.spec import CheckContext
from crosscheck.numerics import homotopy as hm
from crosscheck.numerics.paper_data import PAPER_D, paper_homotopy
from crosscheck.numerics.paper_method import replay_paper_method

SPECS = {s.id: s for mod in (paper, paper_toy, paper_width) for s in mod.CHECKS}
SEED = 20240607
ROOT = Path(__file__).resolve().parents[1]


def run(check_id: str, overrides=None, quick: bool = True, **quantities):
    return run_spec(SPECS[check_id], overrides, seed=SEED, quick=quick, **quantities)


# ---- what the computation establishes, and controls in both directions -----------------------------------

# (check id, quantity, a claim stating what we compute (value, rtol, atol), a wrong claim, parameters)
CONTROLS = [
    ("alpha-floor", "lambda_min", ("alpha", 0.0, 1e-12), ("2 * alpha", 0.0, 1e-12), {}),
    ("alpha-floor", "alpha_multiplicity", ("(m - 1) * d", 0.0, 0.0), ("(m - 1) * d + 1", 0.0, 0.0), {}),
    ("eigenvalue-derivative", "lambda1_prime_0", (-0.0056095, 5e-3, 0.0), (0.0056095, 5e-3, 0.0), {}),
    ("bifurcation-point", "lambda_star", (0.7501, 0.0, 3e-3), (0.721, 0.0, 3e-3), {}),
    ("bifurcation-point", "is_fold", (1, 0.0, 0.5), (0, 0.0, 0.5), {}),
    ("width-scaling", "K", (-0.0701, 5e-3, 0.0), (-0.0805, 5e-3, 0.0), {}),
    ("width-scaling", "largest_width_with_zero", (15, 0.0, 0.0), (20, 0.0, 0.0), {}),
    ("reduced-coefficients", "g_aaa", (0.7024, 5e-3, 0.0), (0.622, 5e-3, 0.0), {}),
    ("alpha-0.01-line", "n_interior", (1, 0.0, 0.5), (6, 0.0, 0.5), {}),
    ("symmetric-toy", "transverse_sign_after", (-1, 0.0, 0.5), (1, 0.0, 0.5), {}),
]
OTHERS = {  # quantities a check requires, stated truly while another one is controlled
    "alpha-floor": {"lambda_min": ("alpha", 0.0, 1e-12), "alpha_multiplicity": "(m - 1) * d"},
    "symmetric-toy": {"transverse_at_0": (0, 0.0, 1e-10), "transverse_sign_after": (-1, 0.0, 0.5)},
}


@pytest.mark.parametrize("check_id, q, true, wrong, params", CONTROLS, ids=[f"{c[0]}:{c[1]}" for c in CONTROLS])
def test_true_claim_passes_and_wrong_claim_fails(check_id, q, true, wrong, params):
    assert_true_passes_and_wrong_fails(run, check_id, params, q, true, wrong, **OTHERS.get(check_id, {}))


# continuous quantities: our value moved by δ fails under a tolerance δ/2 and passes under 2δ
OFFSETS = [
    ("eigenvalue-derivative", "lambda1_prime_0", "lambda1_prime_0", 1e-5),
    ("bifurcation-point", "lambda_star", "lambda_star", 1e-3),
    ("width-scaling", "K", "K", 1e-3),
    ("reduced-coefficients", "g_aaa", "g_aaa", 1e-2),
    ("reduced-coefficients", "abs_g_aa", "g_aa", 1e-3),
]


@pytest.mark.parametrize("check_id, q, key, delta", OFFSETS, ids=[f"{c[0]}:{c[1]}" for c in OFFSETS])
def test_ledger_tolerance_decides_a_small_offset(check_id, q, key, delta):
    measured = abs(run(check_id, **{q: (0, 0.0, 1e9)}).measured[key]) if q.startswith("abs_") else run(check_id, **{q: (0, 0.0, 1e9)}).measured[key]
    claimed = measured + delta
    assert run(check_id, **{q: (claimed, 0.0, 2 * delta)}).status == "pass"
    res = run(check_id, **{q: (claimed, 0.0, delta / 2)})
    assert res.status == "fail" and res.worst.quantity == q and res.worst.ledger_atol == delta / 2


def test_shipped_ledger_verdicts_are_kept():
    """Every paper claim of claims.toml, in quick mode, with the claim's own parameters: contradicted → fail,
    inconclusive → inconclusive, no recorded finding → pass."""
    from crosscheck.checks import bundled

    specs = {s.id: s for s in bundled()}
    ledger = tomllib.loads((ROOT / "claims.toml").read_text(encoding="utf-8"))
    want = {"contradicted": "fail", "inconclusive": "inconclusive", None: "pass"}
    seen = 0
    for claim in ledger["claim"]:
        if not claim["id"].startswith("paper-"):
            continue
        quantities = {}
        for q, v in claim["expect"].items():
            assert any(q in specs[c].reads for c in claim["checks"]), f"{claim['id']}: {q} is not a declared read"
            quantities[q] = (v["value"], v.get("rtol", 0.0), v.get("atol", 0.0)) if isinstance(v, dict) else v
        statuses = []
        for cid in claim["checks"]:
            spec = specs[cid]
            overrides = dict(claim.get("params", {}).get(cid, {}))
            ctx = CheckContext(seed=SEED, params=prepare(spec, overrides), expect=expect(**{q: v for q, v in quantities.items() if q in spec.reads}),
                               quick=True, overridden=frozenset(overrides))
            res = run_check(spec, ctx)
            statuses.append((cid, res.status, res.summary))
            seen += 1
        got = {st for _, st, _ in statuses}
        if claim.get("recorded_verdict") == "contradicted":  # one failing check contradicts; none may be anything else
            assert "fail" in got and got <= {"fail", "pass"}, (claim["id"], statuses)
        else:
            assert got == {want[claim.get("recorded_verdict")]}, (claim["id"], statuses)
    assert seen >= 18


def test_eigenvalue_derivative_no_longer_reads_formula22():
    """Formula (22) is evaluated for real by paper-formulas; eigenvalue-derivative reads λ₁'(0) only."""
    assert set(SPECS["eigenvalue-derivative"].reads) == {"lambda1_prime_0"}
    res = run("eigenvalue-derivative", lambda1_prime_0=(0.0056, 5e-3, 0.0))
    assert res.status == "fail"


@pytest.mark.parametrize("check_id", ["eigenvalue-derivative", "bifurcation-point", "reduced-coefficients", "alpha-0.01-line", "width-scaling"])
def test_a_claim_stating_nothing_to_compare_is_inconclusive(check_id):
    res = run(check_id)
    assert res.status == "inconclusive" and "none of the quantities" in res.summary


def test_required_quantities():
    assert set(SPECS["alpha-floor"].required) == {"lambda_min", "alpha_multiplicity"}
    assert set(SPECS["symmetric-toy"].required) == {"transverse_at_0", "transverse_sign_after"}


def test_the_main_width_has_a_fold_near_three_quarters():
    tr = traced(10, 4e-3, 0.1)
    dg = tr.degeneracy
    assert dg.point.converged and 0.74 < tr.lambda_star < 0.76
    assert tr.max_grad <= 1e-10 and dg.point.residual_F <= 1e-10 and dg.point.residual_null <= 1e-10
    assert dg.classification.kind == "fold" and dg.turns_back
    # independent witness: Newton at fixed λ just below λ* lands on a minimum with a small positive λ₁
    hp = paper_homotopy(10)
    j = int(np.argmin(np.abs(tr.branch.lam[: tr.first_segment] - (tr.lambda_star - 1e-3))))
    w = np.array(tr.branch.u[j])
    lam = tr.lambda_star - 1e-3
    for _ in range(20):
        w = w - np.linalg.solve(hm.hessian(hp, w, lam), hm.grad(hp, w, lam))
    assert np.linalg.norm(hm.grad(hp, w, lam)) <= 1e-10
    assert 0 < np.linalg.eigvalsh(hm.hessian(hp, w, lam))[0] < 1e-4


# ---- parameters: domains and cross-parameter rules, before any work ----------------------------------------

BAD_PARAMS = [
    ("bifurcation-point", {"alpha": -0.004}),
    ("bifurcation-point", {"m": 1}),
    ("bifurcation-point", {"paper_step": 0.0}),
    ("bifurcation-point", {"paper_step": -1.0}),
    ("eigenvalue-derivative", {"m": 1}),
    ("eigenvalue-derivative", {"alpha": 0.0}),
    ("reduced-coefficients", {"m": 1}),
    ("reduced-coefficients", {"alpha": -1.0}),
    ("alpha-floor", {"widths": [1, 3]}),
    ("alpha-floor", {"alpha": -0.004}),
    ("width-scaling", {"widths": -3}),
    ("width-scaling", {"widths": [1, 3]}),
    ("width-scaling", {"widths": [10]}),
    ("alpha-0.01-line", {"widths": [-3, 5]}),
    ("symmetric-toy", {"n": -1}),
    ("symmetric-toy", {"s_max": 0.0}),
]


@pytest.mark.parametrize("check_id, overrides", BAD_PARAMS, ids=[f"{c}:{o}" for c, o in BAD_PARAMS])
def test_parameter_outside_its_domain_is_refused_before_any_work(check_id, overrides):
    with pytest.raises(ParameterError):
        prepare(SPECS[check_id], overrides)


def test_paper_step_without_the_replay_is_an_error():
    spec = SPECS["bifurcation-point"]
    with pytest.raises(ParameterError, match="has no effect when replay_paper_method = false"):
        prepare(spec, {"replay_paper_method": False, "paper_step": 0.005})
    prepare(spec, {"replay_paper_method": False})  # the default step is not "set"
    prepare(spec, {"paper_step": 0.005})


def test_every_check_has_a_memory_estimate():
    for spec in SPECS.values():
        assert spec.memory is not None and 0 < spec.memory(spec.defaults) < 2**31, spec.id
        assert all(p.doc for p in spec.params.values()), spec.id


def test_replay_uses_paper_step_and_quick_keeps_an_explicit_replay():
    step = 0.05
    res = run("bifurcation-point", {"m": 3, "paper_step": step, "replay_paper_method": True}, lambda_star=(0.5, 0.0, 0.5))
    replay = res.measured["paper_method_replay"]
    assert replay["step"] == step and replay["grid_points"] <= round(1 / step) + 1
    assert res.params["replay_paper_method"] is True and res.params["paper_step"] == step
    # quick mode without an explicit request skips the replay (and says so in the parameters used)
    quick = run("bifurcation-point", {"m": 3}, lambda_star=(0.5, 0.0, 0.5))
    assert "paper_method_replay" not in quick.measured and quick.params["replay_paper_method"] is False


def test_replay_default_step_is_the_papers_grid():
    hp = paper_homotopy(3)
    a = replay_paper_method(hp, lam_max=0.01)
    b = replay_paper_method(hp, step=1 / 400, lam_max=0.01)
    assert a.points == b.points == 5 and a.last_lambda == b.last_lambda == 4 / 400
    with pytest.raises(ValueError):
        replay_paper_method(hp, step=0.0)


# ---- convergence: unconverged branch points are cases that are not applicable ------------------------------


def test_branch_point_with_a_large_gradient_is_not_converged():
    tr = traced(10, 4e-3, 0.1)
    assert tr.converged
    assert not replace(tr, max_grad=1e-8).converged
    assert "1.0e-08" in replace(tr, max_grad=1e-8).why_not_converged


def test_unconverged_branch_is_a_case_not_applicable():
    spec = SPECS["bifurcation-point"]
    params = prepare(spec, {"replay_paper_method": False})
    exp = expect(lambda_star=(0.721, 0.0, 3e-3), lambda1_over_lambda2=(0.009, 0.0, 5e-4))
    m = spec.measure(CheckContext(seed=SEED, params=params, expect=exp, quick=True))
    bad = replace(m, converged=False, why_not_converged="‖∇L‖ = 1.0e-08 > 1e-10 at a branch point")
    rec = Recorder(exp, spec.reads)
    spec.judge(bad, rec)
    j = rec.finish()
    assert j.status.value == "inconclusive" and j.applicable == 0 and j.cases == 1
    assert "did not converge" in j.not_applicable[0] and "‖∇L‖" in j.not_applicable[0]


def test_unconverged_state_at_the_claimed_lambda_is_not_applicable():
    spec = SPECS["bifurcation-point"]
    params = prepare(spec, {"replay_paper_method": False})
    exp = expect(lambda_star=(0.721, 0.0, 3e-3), dlambda1_dlambda=(-0.006, 0.0, 5e-4))
    m = spec.measure(CheckContext(seed=SEED, params=params, expect=exp, quick=True))
    bad = replace(m, at_paper={"lambda": 0.721, "grad_norm": 1e-6, "converged": False})
    rec = Recorder(exp, spec.reads)
    spec.judge(bad, rec)
    j = rec.finish()
    assert j.cases == 2 and j.applicable == 1 and "did not converge" in j.not_applicable[0]


@pytest.fixture
def fresh_cache():
    traced.cache_clear()
    pc.paper_method_replay.cache_clear()
    yield
    traced.cache_clear()
    pc.paper_method_replay.cache_clear()


NO_REPLAY = {"bifurcation-point": {"replay_paper_method": False}, "reduced-coefficients": {}, "width-scaling": {"widths": [5, 10], "replay_widths": []}}


@pytest.mark.parametrize("check_id", sorted(NO_REPLAY))
def test_non_convergence_is_inconclusive_with_the_residual(monkeypatch, fresh_cache, check_id):
    # make the extended-system Newton unable to meet its tolerance
    original = pc.locate_degeneracy
    monkeypatch.setattr(pc, "locate_degeneracy", lambda hp, br, i, tol=1e-10, certify=True: original(hp, br, i, tol=1e-30, certify=certify))
    quantity = {"bifurcation-point": "lambda_star", "reduced-coefficients": "g_aaa", "width-scaling": "lambda_star_m10"}[check_id]
    res = run(check_id, NO_REPLAY[check_id], **{quantity: (0.75, 0.0, 0.1)})
    assert res.status == "inconclusive", res.summary
    assert "did not converge" in res.summary and "‖∇L‖" in res.summary


# ---- the recorder replaces the Claims helper; cached results are immutable; plots use the real d ----------


def test_claims_helper_is_gone():
    assert not hasattr(pc, "Claims")


def test_cached_branch_arrays_are_read_only():
    tr = traced(10, 4e-3, 0.1)
    for arr in (tr.branch.lam, tr.branch.u, tr.branch.monitor, tr.branch.tangent, tr.degeneracy.point.u, tr.degeneracy.point.phi):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr[0] = 0.0


def test_cached_replay_is_read_only():
    rp = pc.paper_method_replay(3, 4e-3, 0.1, 0.05)
    with pytest.raises(TypeError):
        rp["lambda_star"] = 0.5  # type: ignore[index]


def test_alpha_floor_plot_uses_the_actual_d():
    row = paper.FloorRow(m=4, d=3, lambda_min=1e-3, multiplicity=9, next_eigenvalue=1.0, rounding_floor=1e-15, gap=0.0, grad_norm_W0=0.0)
    pres = paper.present_alpha_floor(paper.AlphaFloor((row,), 1e-3, 1e-6))
    assert pres.plots[0].series[1].x == (9.0,)
    real = run("alpha-floor", {"widths": [3]}, lambda_min=("alpha", 0.0, 1e-12), alpha_multiplicity="(m - 1) * d")
    assert real.plots[0].series[1].x == (float(2 * PAPER_D),)
    assert math.isclose(real.measured["widths"][0]["lambda_min"], 4e-3, rel_tol=1e-9)


def test_a_branch_without_a_zero_contradicts_a_claimed_degeneracy():
    """m = 3: λ₁ stays positive on the converged branch over (0, 1], so a claimed λ* (or type of the
    degeneracy) has nothing to match — a contradiction, not an inconclusive run."""
    res = run("bifurcation-point", {"m": 3}, lambda_star=(0.37, 0.0, 7.5e-3), is_fold=(0, 0.0, 0.5))
    assert res.status == "fail", res.summary
    assert {qc.quantity: qc.failed for qc in res.counts} == {"lambda_star": 1, "is_fold": 1}
    assert "no zero" in res.summary


def _judge(check_id, m, **quantities):
    spec = SPECS[check_id]
    rec = Recorder(expect(**quantities), spec.reads)
    spec.judge(m, rec)
    return rec.finish()


def test_toy_branch_that_does_not_cover_the_interval_is_not_applicable():
    spec = SPECS["symmetric-toy"]
    q = OTHERS["symmetric-toy"]
    t = spec.measure(CheckContext(seed=SEED, params=prepare(spec, {"a_values": []}), expect=expect(**q), quick=True))
    assert _judge("symmetric-toy", t, **q).status.value == "pass"
    for bad in (replace(t, branch_complete=False), replace(t, inside_max_grad=1e-8)):
        j = _judge("symmetric-toy", bad, **q)
        assert j.status.value == "inconclusive" and j.applicable == 1 and "transverse_sign_after was never compared" in j.summary


def test_alpha_floor_width_whose_minimiser_is_not_critical_is_not_applicable():
    spec = SPECS["alpha-floor"]
    q = OTHERS["alpha-floor"]
    m = spec.measure(CheckContext(seed=SEED, params=prepare(spec, {"widths": [3, 5]}), expect=expect(**q), quick=True))
    j = _judge("alpha-floor", replace(m, rows=(replace(m.rows[0], grad_norm_W0=1e-6), m.rows[1])), **q)
    assert j.status.value == "pass" and j.applicable == 1 and j.cases == 2 and "m=3" in j.not_applicable[0]
