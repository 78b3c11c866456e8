"""The leaky-ReLU checks (arXiv 2510.25060) on the check engine: verdicts on the shipped ledger, both
readings of α, parameter domains, the compact measured structure, and mutation tests."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from crosscheck.checks import leaky
from crosscheck.engine.params import ParameterError
from crosscheck.engine.recorder import Recorder
from crosscheck.engine.runner import prepare, run_check
from crosscheck.engine.spec import CheckContext, Expectation
from crosscheck.expr import parse

SPECS = {s.id: s for s in leaky.CHECKS}
CLAIM_IDS = [f"leaky-claim-{c}" for c in "abcde"]
PAPER = {
    "degeneracy_found_every_k": 1, "degenerate_at_zero": 1, "negative_alpha_bifurcations": 0, "width_independent": 1,
    "engineering_regime_instabilities": 0, "k5_critical_values": 3, "k5_symmetry_types": 4,
}
# what the computation finds in both readings (α = slope, α = 1 − slope), except b which depends on it
TRUE = {**PAPER, "k5_critical_values": 1}
LEDGER = Path(__file__).resolve().parents[1] / "claims.toml"
REPR = re.compile(r"\[\]|\['|\{'|\bTrue\b|\bFalse\b|\bNone\b")


def expectations(values: dict, **tol) -> dict[str, Expectation]:
    """Expectations for ``values``; ``tol`` maps a quantity to (rtol, atol)."""
    return {q: Expectation(q, parse(str(v)), *tol.get(q, (0.0, 0.0))) for q, v in values.items()}


def run(check_id: str, expect: dict | None = None, params: dict | None = None, *, quick: bool = True, seed: int = 0):
    spec = SPECS[check_id]
    overrides = dict(params or {})
    ctx = CheckContext(seed=seed, params=prepare(spec, overrides), expect=expect if expect is not None else expectations(PAPER),
                       quick=quick, overridden=frozenset(overrides))
    return run_check(spec, ctx)


def texts(res) -> list[str]:
    return [res.summary, res.note, *res.reasons, *res.not_applicable]


# ---- the shipped ledger -------------------------------------------------------------------------------------


def _ledger_claims() -> dict[str, tuple[list[str], dict[str, Expectation], str | None]]:
    data = tomllib.loads(LEDGER.read_text(encoding="utf-8"))
    out = {}
    for c in data["claim"]:
        if not c["id"].startswith("leaky-"):
            continue
        exp = {}
        for q, v in c.get("expect", {}).items():
            v = v if isinstance(v, dict) else {"value": v}
            exp[q] = Expectation(q, parse(str(v["value"])), float(v.get("rtol", 0.0)), float(v.get("atol", 0.0)))
        out[c["id"]] = (c["checks"], exp, c.get("recorded_verdict"))
    return out


SHIPPED = {"leaky-a": {"pass"}, "leaky-b": {"inconclusive"}, "leaky-c": {"pass"}, "leaky-d": {"pass"}, "leaky-e": {"fail"}}


@pytest.mark.parametrize("claim_id", sorted(SHIPPED))
def test_shipped_claims_keep_their_verdicts(claim_id):
    """Every check of leaky-a … leaky-e, with the claim's own quantities and default (full) parameters."""
    checks, exp, recorded = _ledger_claims()[claim_id]
    statuses = {}
    for cid in checks:
        res = run(cid, exp, quick=False)
        statuses[cid] = res.status
        assert res.error is None, res.summary
    claim_status = {s for cid, s in statuses.items() if cid.startswith("leaky-claim-")}
    assert claim_status == SHIPPED[claim_id], statuses
    assert all(s == "pass" for cid, s in statuses.items() if not cid.startswith("leaky-claim-")), statuses
    assert recorded in (None, {"leaky-b": "inconclusive", "leaky-e": "contradicted"}.get(claim_id))


@pytest.mark.parametrize(("check_id", "status"), [
    ("leaky-kernel-formula", "pass"),
    ("leaky-hessian-at-minimum", "pass"),
    ("leaky-claim-a", "pass"),
    ("leaky-claim-b", "inconclusive"),  # holds under α = 1 − slope only
    ("leaky-claim-c", "pass"),
    ("leaky-claim-d", "pass"),
    ("leaky-claim-e", "fail"),  # one critical value for k = 5, not three
])
def test_verdicts_on_the_abstract_values_quick(check_id, status):
    res = run(check_id)
    assert res.status == status, res.summary


def test_claim_checks_pass_on_the_computed_values():
    for cid in ("leaky-claim-a", "leaky-claim-c", "leaky-claim-d", "leaky-claim-e"):
        res = run(cid, expectations(TRUE))
        assert res.status == "pass", (cid, res.summary)


# ---- both readings of α -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("convention", "status"), [("slope", "fail"), ("one-minus-slope", "pass"), ("both", "inconclusive")])
def test_degeneracy_at_zero_depends_on_the_reading_of_alpha(convention, status):
    res = run("leaky-claim-b", params={"convention": convention})
    assert res.status == status, res.summary
    readings = res.measured["readings"]
    assert set(readings) == ({"slope", "one-minus-slope"} if convention == "both" else {convention})
    if "slope" in readings:  # α = 0 is ReLU: no kernel
        assert all(v == {"kernel_dim": 0} for v in readings["slope"]["kernel_at_zero"].values())
    if "one-minus-slope" in readings:  # α = 0 is the linear network: kernel k² − k, all four types
        at_zero = readings["one-minus-slope"]["kernel_at_zero"]
        assert {k: v["kernel_dim"] for k, v in at_zero.items()} == {str(k): k * k - k for k in res.params["ks"]}
        assert all(len(v["types"]) == 4 for v in at_zero.values())


def test_split_is_inconclusive_with_both_readings_values_in_words():
    """Regression: the split used to be worded with Python lists ("holds under ['one-minus-slope'], not under
    ['slope']"); it is now a recorder reason naming each reading's value."""
    res = run("leaky-claim-b")
    assert res.status == "inconclusive"
    (reason,) = res.reasons
    assert "under α = s degenerate_at_zero = 0" in reason and "under α = 1 − s degenerate_at_zero = 1" in reason
    assert "claimed degenerate_at_zero = 1" in reason
    for text in texts(res):
        assert not REPR.search(text), text


@pytest.mark.parametrize("check_id", list(SPECS))
def test_no_python_reprs_in_any_text(check_id):
    for exp in (expectations(PAPER), expectations({**PAPER, "degeneracy_found_every_k": 0, "k5_symmetry_types": 2})):
        res = run(check_id, exp)
        for text in texts(res):
            assert not REPR.search(text), text


def _reading(conv, values, uncertified=()):
    return leaky.Reading(conv, {**TRUE, **values}, {}, {}, tuple(uncertified), {}, {})


def _judge(letter, readings, expect):
    m = leaky.ClaimMeasure(letter, leaky.CLAIMS[letter], (4,), (-5.0, 5.0), 11, 1e-10, 1e-8, tuple(readings), expect, ())
    rec = Recorder(expect, {q: () for q in leaky.CLAIMS[letter]})
    leaky.judge_claim(m, rec)
    return rec.finish()


def test_a_claim_holding_in_no_single_reading_fails_even_if_each_quantity_holds_somewhere():
    """Claim (c) read as a whole: negative count right only under α = s, width independence right only
    under α = 1 − s: no reading makes the claim true, so it fails (not an inconclusive split)."""
    exp = expectations({"negative_alpha_bifurcations": 0, "width_independent": 1})
    j = _judge("c", [_reading("slope", {"width_independent": 0}), _reading("one-minus-slope", {"negative_alpha_bifurcations": 2})], exp)
    assert j.status == "fail"


def test_an_uncertified_scan_is_inconclusive_not_a_verdict():
    """A reading whose certificates fail is not applicable, and nothing is compared (a wrong value cannot
    fail, a right one cannot pass, on an uncertified scan)."""
    exp = expectations({"degeneracy_found_every_k": 0})
    j = _judge("a", [_reading("slope", {}, ["k = 4: an eigenvalue below zero"]), _reading("one-minus-slope", {})], exp)
    assert j.status == "inconclusive" and j.applicable == 1
    assert any("not certified" in r for r in j.reasons)


def test_the_split_follows_the_ledger_tolerance():
    """A tolerance that covers both readings' values (0 and 1) is not a split."""
    res = run("leaky-claim-b", expectations({"degenerate_at_zero": 0.5}, degenerate_at_zero=(0.0, 0.6)))
    assert res.status == "pass", res.summary


# ---- parameters ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("check_id", "bad"), [
    ("leaky-claim-c", {"convention": "sideways"}),
    ("leaky-claim-c", {"ks": [2, 3]}),
    ("leaky-claim-c", {"ks": [11]}),
    ("leaky-claim-c", {"ks": []}),
    ("leaky-claim-c", {"n_alpha": 2}),
    ("leaky-claim-a", {"alpha_min": 6.0}),
    ("leaky-claim-a", {"alpha_min": 1.0, "alpha_max": 1.0}),
    ("leaky-claim-a", {"zero_tol": 0.0}),
    ("leaky-claim-a", {"alpha_tol": 0.5}),
    ("leaky-hessian-at-minimum", {"convention": "both"}),
    ("leaky-hessian-at-minimum", {"fd_h": 0.0}),
    ("leaky-hessian-at-minimum", {"one_sided_h": []}),
    ("leaky-hessian-at-minimum", {"one_sided_h": [1e-3, -1e-3]}),
    ("leaky-hessian-at-minimum", {"bruteforce_k_max": 8}),
    ("leaky-hessian-at-minimum", {"leak_max": 0.0}),
    ("leaky-kernel-formula", {"dims": [1, 3]}),
    ("leaky-kernel-formula", {"mc_samples": 1}),
    ("leaky-kernel-formula", {"z": 0.0}),
    ("leaky-kernel-formula", {"quad_rtol": 0.0}),
    ("leaky-kernel-formula", {"n_pairs": -1}),
])
def test_parameters_outside_their_domain_are_refused_before_any_work(check_id, bad):
    with pytest.raises(ParameterError):
        prepare(SPECS[check_id], bad)


@pytest.mark.parametrize(("check_id", "idle"), [
    ("leaky-hessian-at-minimum", {"fd_k_max": 3, "fd_h": 1e-3}),  # no width ≤ 3: no finite differences
    ("leaky-hessian-at-minimum", {"ks": [6, 7], "one_sided_rtol": 1e-2}),
    ("leaky-hessian-at-minimum", {"ks": [4, 5], "plot_k": 6}),  # nothing to plot
    ("leaky-kernel-formula", {"n_pairs": 0, "dims": [3]}),  # no random pairs
    ("leaky-kernel-formula", {"n_pairs": 0, "slope_max": 1.0}),
])
def test_a_parameter_without_effect_is_an_error_when_set(check_id, idle):
    with pytest.raises(ParameterError):
        prepare(SPECS[check_id], idle)


def test_the_same_parameters_left_at_their_defaults_are_fine():
    prepare(SPECS["leaky-hessian-at-minimum"], {"fd_k_max": 3})
    prepare(SPECS["leaky-hessian-at-minimum"], {"ks": [6, 7]})
    assert run("leaky-kernel-formula", params={"n_pairs": 0}).status == "pass"


@pytest.mark.parametrize(("check_id", "params"), [
    ("leaky-claim-d", {"alpha_min": 2.0, "alpha_max": 5.0}),  # (0, 1) not scanned: would count 0 and pass vacuously
    ("leaky-claim-d", {"alpha_min": -1.0, "alpha_max": 0.5}),
    ("leaky-claim-c", {"alpha_min": 0.0}),  # no negative α scanned: "only α ≥ 0" untested
])
def test_a_range_that_misses_the_claimed_regime_is_refused(check_id, params):
    """Regression: a range not covering the regime the claim speaks about used to pass vacuously."""
    with pytest.raises(ParameterError):
        prepare(SPECS[check_id], params)


def test_parameters_are_settable_and_recorded():
    res = run("leaky-claim-d", params={"ks": [4, 6], "n_alpha": 301, "alpha_min": -2.0, "alpha_max": 3.0, "convention": "slope"}, quick=False)
    assert res.status == "pass"
    assert res.params["ks"] == [4, 6] and res.params["n_alpha"] == 301
    assert res.measured["ks"] == [4, 6] and res.measured["alpha_range"] == [-2.0, 3.0]
    assert list(res.measured["readings"]) == ["slope"]


def test_quick_never_overrides_an_explicit_parameter():
    res = run("leaky-claim-a", params={"ks": [4, 6, 7], "n_alpha": 1001}, quick=True)
    assert res.params["ks"] == [4, 6, 7] and res.params["n_alpha"] == 1001
    thin = run("leaky-claim-a", quick=True)  # the parameters actually used are recorded
    assert set(thin.params["ks"]) < {4, 5, 6, 7, 8} and thin.params["n_alpha"] < 2001
    assert thin.measured["ks"] == thin.params["ks"] and thin.measured["n_alpha"] == thin.params["n_alpha"]
    h = run("leaky-hessian-at-minimum", params={"fd_h": 1e-4}, quick=True)
    assert h.params["fd_k_max"] == 5 and "fd" in h.certificates["5"]


def test_claim_e_records_the_width_it_adds():
    res = run("leaky-claim-e", expectations(TRUE), params={"ks": [4]})
    assert res.status == "pass"
    assert res.params["ks"] == [4, 5]


def test_memory_estimate_is_checked_before_any_work():
    for spec in leaky.CHECKS:
        assert spec.memory is not None and spec.memory(prepare(spec, {})) > 0
    small = leaky.CLAIM_A.memory(prepare(leaky.CLAIM_A, {"ks": [4]}))
    assert leaky.CLAIM_A.memory(prepare(leaky.CLAIM_A, {"ks": [10]})) > small
    with pytest.raises(ParameterError, match="memory"):
        prepare(leaky.CLAIM_A, {}, max_memory=1000.0)


# ---- what is shown ------------------------------------------------------------------------------------------


def test_the_readings_structure_is_compact_and_shared_by_the_five_claims():
    """Regression: every claim check used to carry the full readings dump (a screenful each). Now each shows
    the same compact structure per reading, and only leaky-claim-a keeps the per-k detail."""
    results = {cid: run(cid, quick=False) for cid in CLAIM_IDS}
    shared = {json.dumps(r.measured["readings"], sort_keys=True) for r in results.values()}
    assert len(shared) == 1
    readings = results["leaky-claim-b"].measured["readings"]
    for conv, r in readings.items():
        assert set(r) == {"alpha_is", "critical_values", "kernel_at_zero", "quantities"}
        for k, rows in r["critical_values"].items():
            for row in rows:
                assert set(row) == {"alpha", "kernel_dim", "types"}
                assert row["kernel_dim"] == int(k) ** 2 - int(k) and len(row["types"]) == 4
    assert len(json.dumps(readings, ensure_ascii=False)) < 4000  # five widths, two readings: a screenful
    assert "detail" in results["leaky-claim-a"].measured
    assert all("detail" not in results[c].measured for c in CLAIM_IDS[1:])
    assert set(results["leaky-claim-a"].measured["detail"]["slope"]) >= {"kernels", "closest_approach_engineering_regime", "kernel_at_zero"}


def test_scan_certificates_are_shown_per_reading():
    res = run("leaky-claim-c")
    for conv in ("slope", "one-minus-slope"):
        cert = res.certificates[conv]
        assert cert["kernel_mismatches"] == 0 and cert["min_eigenvalue_rel"] > -1e-9 and cert["worst_full_gap"] < 1e-6


def test_no_sentinel_for_k5_quantities_when_5_is_not_scanned():
    res = run("leaky-claim-a", params={"ks": [4, 6]})
    for r in res.measured["readings"].values():
        assert "k5_critical_values" not in r["quantities"] and "k5_symmetry_types" not in r["quantities"]


def test_claim_e_measures_the_k5_values_per_reading_and_plots_them():
    res = run("leaky-claim-e")
    assert res.measured["k5_critical_values"] == {"slope": 1, "one-minus-slope": 1}
    assert res.measured["k5_symmetry_types"] == {"slope": 4, "one-minus-slope": 4}
    assert {p.name for p in res.plots} == {"leaky-spectrum-k5-slope", "leaky-spectrum-k5-one-minus-slope"}


def test_hessian_check_measures_eigenvalues_and_degenerate_alphas():
    res = run("leaky-hessian-at-minimum", params={"alpha": 0.5})
    assert res.status == "pass", res.summary
    assert set(res.measured) == {str(k) for k in res.params["ks"]}
    for k, m in res.measured.items():
        assert m["alpha"] == 0.5 and m["kernel_dim"] == 0
        assert sum(r["multiplicity"] for r in m["eigenvalues"]) == int(k) ** 2
        assert {r["type"] for r in m["eigenvalues"]} == {"[k]", "[k-1,1]", "[k-2,2]", "[k-2,1,1]"}
        (crit,) = m["degenerate_alphas"]
        assert crit["alpha"] == pytest.approx(1.0, abs=1e-12) and crit["contact"] == "touch"
        assert crit["kernel_dim"] == crit["full_kernel_dim"] == int(k) ** 2 - int(k)
        assert len(crit["types"]) == 4


def test_same_seed_same_measurement():
    a, b = run("leaky-kernel-formula", seed=3), run("leaky-kernel-formula", seed=3)
    c = run("leaky-kernel-formula", seed=4)
    assert a.measured == b.measured and a.measured != c.measured


# ---- mutation tests -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("check_id", "wrong"), [
    ("leaky-claim-a", {"degeneracy_found_every_k": 0}),
    ("leaky-claim-b", {"degenerate_at_zero": 2}),  # wrong under both readings: fail, not a split
    ("leaky-claim-c", {"negative_alpha_bifurcations": 1}),
    ("leaky-claim-c", {"width_independent": 0}),
    ("leaky-claim-d", {"engineering_regime_instabilities": 2}),
    ("leaky-claim-e", {"k5_critical_values": 2}),
    ("leaky-claim-e", {"k5_symmetry_types": 3}),
])
def test_mutation_a_wrong_claimed_value_fails(check_id, wrong):
    res = run(check_id, expectations({**TRUE, **wrong}))
    assert res.status == "fail", res.summary
    assert res.failures and not res.failures[0].ok


@pytest.mark.parametrize(("check_id", "offset"), [
    ("leaky-claim-a", {"degeneracy_found_every_k": 1.3}),
    ("leaky-claim-b", {"degenerate_at_zero": 1.3}),
    ("leaky-claim-c", {"negative_alpha_bifurcations": 0.4, "width_independent": 0.7}),
    ("leaky-claim-d", {"engineering_regime_instabilities": 0.3}),
    ("leaky-claim-e", {"k5_critical_values": 1.2, "k5_symmetry_types": 4.4}),
])
def test_mutation_a_small_offset_fails_exactly_and_passes_under_a_loosened_tolerance(check_id, offset):
    params = {"convention": "one-minus-slope"} if check_id == "leaky-claim-b" else {}
    assert run(check_id, expectations({**TRUE, **offset}), params).status == "fail"
    loose = expectations({**TRUE, **offset}, **{q: (0.0, 0.5) for q in offset})
    res = run(check_id, loose, params)
    assert res.status == "pass", res.summary


@pytest.mark.parametrize(("check_id", "tight", "loose"), [
    ("leaky-kernel-formula", {"quad_rtol": 1e-18}, {"quad_rtol": 1e-10}),
    ("leaky-kernel-formula", {"z": 1e-3}, {"z": 8.0}),
    ("leaky-hessian-at-minimum", {"fd_rtol": 1e-9}, {"fd_rtol": 1e-2}),
    ("leaky-hessian-at-minimum", {"one_sided_rtol": 1e-9}, {"one_sided_rtol": 1e-2}),
])
def test_mutation_the_certificate_checks_fail_under_a_tolerance_below_their_error(check_id, tight, loose):
    """These two checks compare no claimed quantity; their own tolerances are what a mutation can move."""
    assert run(check_id, params=tight).status == "fail"
    assert run(check_id, params=loose).status == "pass"


def test_certificate_checks_ignore_the_claims_quantities():
    for cid in ("leaky-kernel-formula", "leaky-hessian-at-minimum"):
        assert run(cid, expectations({**PAPER, "degeneracy_found_every_k": 0})).status == "pass"
