"""Confirmed only for what Lean proves: per-quantity Lean links decide between confirmed and supported."""

from crosscheck.engine.outcomes import Status
from crosscheck.engine.results import CheckResult, QuantityCount
from crosscheck.engine.spec import Expectation
from crosscheck.expr import parse
from crosscheck.lean.witness import FAILED, NOT_RUN, VERIFIED
from crosscheck.verdict import combine, coverage, describe


def _exp(name, lean=()):
    return Expectation(name, parse("1"), lean=tuple(lean))


def _res(*quantities):
    return CheckResult(check_id="c", status=Status.PASS, summary="", counts=tuple(QuantityCount(quantity=q, claimed=True, compared=3) for q in quantities))


def test_every_quantity_proved_is_confirmed():
    expect = {"kernel_dim": _exp("kernel_dim", ["A"]), "rank": _exp("rank", ["B"])}
    rows = coverage(expect, {"A": VERIFIED, "B": VERIFIED}, [_res("kernel_dim", "rank")])
    assert combine(VERIFIED, Status.PASS, rows) == "confirmed"
    assert rows[0].checks == (("c", "pass", 3, 0),)


def test_a_quantity_without_lean_reads_supported_and_names_the_parts():
    expect = {"kernel_dim": _exp("kernel_dim", ["A"]), "nonzero_eigenvalue": _exp("nonzero_eigenvalue")}
    rows = coverage(expect, {"A": VERIFIED}, [_res("kernel_dim", "nonzero_eigenvalue")])
    v = combine(VERIFIED, Status.PASS, rows)
    assert v == "supported numerically"
    assert describe(v, VERIFIED, rows) == "confirmed by Lean: kernel_dim; numerics only: nonzero_eigenvalue"


def test_lean_not_run_or_failed_is_never_confirmed():
    expect = {"kernel_dim": _exp("kernel_dim", ["A"])}
    assert combine(NOT_RUN, Status.PASS, coverage(expect, {"A": NOT_RUN}, [])) == "supported numerically"
    assert combine(FAILED, Status.PASS, coverage(expect, {"A": FAILED}, [])) == "Lean failed"
    assert combine(VERIFIED, Status.FAIL, coverage(expect, {"A": VERIFIED}, [])) == "contradicted"


def test_shipped_ledger_links_every_theorem_quantity_it_can(root):
    from crosscheck.claims import load_ledger

    ledger = load_ledger(root / "claims.toml")
    prop = ledger.get("prop-7.4")
    assert all(prop.expect[q].lean for q in ("kernel_dim", "rank", "nonzero_eigenvalue", "alpha_multiplicity"))
    thm = ledger.get("thm-7.6i")
    assert all(thm.expect[q].lean for q in ("lambda_min", "alpha_multiplicity", "kernel_dim"))
    assert not thm.expect["other_eigenvalue"].lean  # Lean proves these are eigenvalues, not that there are no others
