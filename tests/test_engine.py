"""The engine's verdict rules, on toy checks: coverage, ledger tolerance + floor, applicability, counts,
parameter domains and memory, and the contract a check cannot break."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from crosscheck.engine.api import CONTROL, Param, Presentation, check
from crosscheck.engine.params import ParameterError
from crosscheck.engine.recorder import MAX_SHOWN
from crosscheck.engine.runner import prepare, run_one


@dataclass(frozen=True)
class Points:
    values: tuple[tuple[int, float, bool], ...]  # (n, measured, hypotheses hold)


def _measure(ctx):
    n = int(ctx.params["n"])
    off = float(ctx.params["offset"])
    return Points(tuple((i, i * i + off, i % 3 != 0 or not ctx.params["skip_thirds"]) for i in range(1, n + 1)))


def _judge(m, rec):
    for i, value, ok in m.values:
        rec.case(f"n={i}", applicable=ok, why="n divisible by 3")
        if ok:
            rec.claim("square", value, floor=1e-12, floor_why="rounding", n=i)
            rec.claim("twice", 2 * i, n=i)


SQUARES = check(
    "squares", title="n² over a range", measure=_measure, judge=_judge,
    reads={"square": ("n",), "twice": ("n",)}, optional=("twice",),
    params={"n": Param(default=30, ge=1), "offset": Param(default=0.0), "skip_thirds": Param(default=False)},
    memory=lambda p: 8.0 * p["n"],
)


def test_exact_claim_passes_and_counts_every_comparison():
    r = run_one(SQUARES, {"square": "n ** 2"})
    assert r.status == "pass"
    assert (r.cases, r.applicable, r.comparisons, r.n_failures) == (30, 30, 30, 0)
    assert "as claimed in all 30 comparisons" in r.summary


def test_the_ledger_tolerance_is_the_tolerance():
    """A 0.1 % offset fails an exact claim, passes under the ledger's rtol 1e-2, and the check never
    substitutes a tolerance of its own."""
    from crosscheck.engine.spec import Expectation
    from crosscheck.expr import parse

    exact = run_one(SQUARES, {"square": "1.001 * n ** 2"})
    loose = run_one(SQUARES, {"square": Expectation("square", parse("1.001 * n ** 2"), rtol=1e-2)})
    assert exact.status == "fail" and loose.status == "pass"
    w = loose.worst
    assert w.ledger_rtol == 1e-2 and w.floor == 1e-12
    assert w.allowed == pytest.approx(1e-2 * abs(w.expected) + 1e-12)


def test_true_counts_and_the_worst_failures_are_kept():
    r = run_one(SQUARES, {"square": "n ** 2 + 1"}, {"n": 100})
    assert r.status == "fail"
    assert r.n_failures == 100 and len(r.failures) == MAX_SHOWN
    assert "100 of 100 comparisons disagree" in r.summary
    # every error is 1 and nothing is allowed beyond the floor: ties broken by absolute error, then the kept
    # ones are the largest errors, never simply the first cases
    r2 = run_one(SQUARES, {"square": "n ** 2 + n"}, {"n": 100})
    assert r2.failures[0].case == "n=100" and {f.case for f in r2.failures} == {f"n={i}" for i in range(81, 101)}


def test_an_optional_quantity_stated_by_the_claim_must_be_compared():
    r = run_one(SQUARES, {"square": "n ** 2", "twice": "2 * n + 1"})
    assert r.status == "fail" and {f.quantity for f in r.failures} == {"twice"}


def test_no_applicable_case_is_inconclusive_never_pass():
    r = run_one(SQUARES, {"square": "n ** 2"}, {"n": 3, "skip_thirds": True})
    assert r.status == "pass" and r.applicable == 2
    r = run_one(SQUARES, {"square": "n ** 2"}, {"n": 1, "skip_thirds": True})
    assert r.status == "pass"

    def all_fail(m, rec):
        for i, _, _ in m.values:
            rec.case(f"n={i}", applicable=False, why="Σ̂ singular")

    spec = check("na", title="t", measure=_measure, judge=all_fail, reads={"square": ("n",)}, params={"n": 4, "offset": 0.0, "skip_thirds": False})
    r = run_one(spec, {"square": "n ** 2"})
    assert r.status == "inconclusive"
    assert "hypotheses hold in none of the 4 case(s)" in r.summary and "Σ̂ singular" in r.summary
    assert len(r.not_applicable) == 4


def test_a_read_quantity_never_compared_is_inconclusive():
    def only_cases(m, rec):
        for i, _, _ in m.values:
            rec.case(f"n={i}")
        rec.not_compared("square", "the solver found no branch point")

    spec = check("nc", title="t", measure=_measure, judge=only_cases, reads={"square": ("n",)}, params={"n": 2, "offset": 0.0, "skip_thirds": False})
    r = run_one(spec, {"square": "n ** 2"})
    assert r.status == "inconclusive" and "square was never compared: the solver found no branch point" in r.summary


def test_gating_a_claimed_comparison_on_a_non_applicable_case_is_a_contract_error():
    def sneaky(m, rec):
        rec.case("n=1", applicable=False, why="hypothesis fails")
        rec.claim("square", 1.0, n=1)

    spec = check("sn", title="t", measure=_measure, judge=sneaky, reads={"square": ("n",)}, params={"n": 1, "offset": 0.0, "skip_thirds": False})
    r = run_one(spec, {"square": "n ** 2"})
    assert r.status == "error" and r.error.type == "ContractError" and "not applicable" in r.summary


def test_a_check_cannot_compare_a_claimed_quantity_with_its_own_tolerance():
    def own_tol(m, rec):
        rec.case("n=1")
        rec.known("square", 1.0, 1.0, atol=0.5)

    spec = check("ot", title="t", measure=_measure, judge=own_tol, reads={"square": ("n",)}, params={"n": 1, "offset": 0.0, "skip_thirds": False})
    r = run_one(spec, {"square": "n ** 2"})
    assert r.status == "error" and "ledger's tolerance" in r.summary
    assert "Traceback" in r.error.traceback


def test_nan_is_an_error_never_a_verdict():
    def nan_judge(m, rec):
        rec.case("n=1")
        rec.claim("square", float("nan"), n=1)
        rec.case("n=2")
        rec.claim("square", 4.0, n=2)

    spec = check("nan", title="t", measure=_measure, judge=nan_judge, reads={"square": ("n",)}, params={"n": 1, "offset": 0.0, "skip_thirds": False})
    r = run_one(spec, {"square": "n ** 2"})
    assert r.status == "error" and "non-finite" in r.summary and "n=1" in r.summary


@pytest.mark.parametrize(("params", "words"), [
    ({"n": 0}, "parameter n = 0 is outside its domain (integer ≥ 1)"),
    ({"n": "x"}, "expected int"),
    ({"nn": 3}, "unknown parameter 'nn' (did you mean 'n'?)"),
    ({"n": 10**12}, "of memory, over the budget"),
])
def test_parameters_are_validated_before_any_work(params, words):
    with pytest.raises(ParameterError) as exc:
        prepare(SQUARES, params)
    assert words in str(exc.value)


def test_a_parameter_without_effect_is_an_error():
    def validate(p, explicit):
        if "offset" in explicit and p["skip_thirds"]:
            raise ParameterError("offset has no effect when skip_thirds = true")

    spec = check("v", title="t", measure=_measure, judge=_judge, reads=SQUARES.reads, optional=("twice",), params=SQUARES.params, validate=validate)
    with pytest.raises(ParameterError, match="no effect"):
        prepare(spec, {"offset": 1.0, "skip_thirds": True})
    assert prepare(spec, {"skip_thirds": True})["offset"] == 0.0


def test_a_control_passes_only_when_the_claim_fails_without_the_hypothesis():
    def judge(m, rec):
        for i, value, _ in m.values:
            rec.case(f"n={i}")
            rec.refute("square", value, n=i)

    spec = check("ctl", title="t", role=CONTROL, measure=_measure, judge=judge, reads={"square": ("n",)},
                 params={"n": 5, "offset": 1.0, "skip_thirds": False})
    assert run_one(spec, {"square": "n ** 2"}).status == "pass"
    held = run_one(spec, {"square": "n ** 2 + 1"})
    assert held.status == "fail" and "still held without the hypothesis in 5 of 5" in held.summary


def test_presentation_note_and_parameters_actually_used():
    spec = check("p", title="t", measure=_measure, judge=_judge, reads=SQUARES.reads, optional=("twice",), params=SQUARES.params,
                 present=lambda m: Presentation(note="measured exactly", params_used={"n": len(m.values)}))
    r = run_one(spec, {"square": "n ** 2"}, {"n": 4})
    assert r.summary.endswith("measured exactly") and r.params["n"] == 4


def test_absent_counts_as_a_failure_when_stated_and_is_skipped_when_the_claim_omits_it():
    def judge(m, rec):
        rec.case("n=1")
        rec.claim("square", 1.0, n=1)
        rec.absent("twice", "no such value in our computation", n=1)

    spec = check("ab", title="t", measure=_measure, judge=judge, reads=SQUARES.reads, optional=("twice",), params=SQUARES.params)
    assert run_one(spec, {"square": "n ** 2"}).status == "pass"  # 'twice' not stated: nothing to contradict
    r = run_one(spec, {"square": "n ** 2", "twice": "2 * n"})
    assert r.status == "fail" and r.failures[0].absent == "no such value in our computation"
