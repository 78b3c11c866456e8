"""Fuzzing (slow): no input to the ledger loader or the expression parser produces a traceback — only a
LedgerError/ExprError with a message, or a valid ledger."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crosscheck.checks import registry
from crosscheck.claims import LedgerError, load_ledger
from crosscheck.expr import ExprError, parse

pytestmark = pytest.mark.slow

BASE = '''[[claim]]
id = "c1"
title = "T"
source = "S"
statement = "St"
checks = ["kronecker-kernel-dim"]
[claim.expect]
kernel_dim = "(m - 1) * d"
'''

toml_atoms = st.sampled_from(
    ['"x"', "1", "-1", "1e309", "nan", "inf", "true", "[]", '["kronecker-kernel-dim"]', "{}", "{ value = 1 }", '{ value = "m", rtol = 0.1 }', '"(m - 1) * d"', '"__import__(1)"', "[[claim]]", "[claim.expect]", "[claim.params.kronecker-kernel-dim]", "\n", "=", '"""', "'"]
)
keys = st.sampled_from(["id", "title", "source", "statement", "kind", "lean", "checks", "expect", "params", "fingerprints", "notes", "kernel_dim", "m_max", "value", "rtol", "zzz"])


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(keys, toml_atoms), max_size=8), st.integers(0, len(BASE)))
def test_ledger_loader_never_crashes(tmp_path_factory, edits, cut):
    text = BASE[:cut] + "".join(f"\n{k} = {v}" for k, v in edits) + BASE[cut:]
    path = tmp_path_factory.getbasetemp() / "fuzz.toml"
    path.write_text(text, encoding="utf-8")
    try:
        ledger = load_ledger(path, registry())
    except LedgerError as exc:
        assert str(path) in str(exc)
    else:
        assert ledger.claims


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("md0123456789+-*/%()., _aeilnpqrstx'\"[]{}<>=!@^~")), max_size=40))
def test_expression_parser_never_crashes(text):
    try:
        e = parse(text)
        e(**{n: 1.5 for n in e.names})
    except ExprError:
        pass
