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


# ---- Lean output and declaration dumps -------------------------------------------------------------

from crosscheck.lean.diagnostics import parse_output  # noqa: E402
from crosscheck.lean.dump import DumpError, parse_dump  # noqa: E402

lean_lines = st.one_of(
    st.sampled_from(
        [
            "error: NeuralLandscapes/A.lean:3:4: unknown identifier 'x'",
            "NeuralLandscapes/A.lean:10:0: warning: declaration uses 'sorry'",
            "A.lean:1:2: error(lean.unknownIdentifier): bad",
            '{"severity":"error","pos":{"line":3,"column":4},"fileName":"A.lean","data":"boom"}',
            '{"severity":"warning","pos":{"line":"x"},"fileName":null,"data":3}',
            "✖ [3/7] Building NeuralLandscapes.A",
            "error: build failed",
            "Some required targets logged failures:",
            "- NeuralLandscapes.A",
            "\x1b[31merror\x1b[0m: A.lean:1:1: colour",
            "{",
            "::::",
            "A.lean:99999999999999999999:1: error: huge",
        ]
    ),
    st.text(max_size=60),
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(lean_lines, max_size=12))
def test_lean_output_parser_never_crashes(lines):
    parsed = parse_output("\n".join(lines))
    for d in parsed.diagnostics:
        assert isinstance(d.line, int) and isinstance(d.message, str)


dump_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["name", "kind", "type", "docstring", "module", "range", "axioms", "declarations", "lean_version", "start_line"]), inner, max_size=6)),
    max_leaves=20,
)


@settings(max_examples=3000, deadline=None)
@given(dump_json, st.integers(0, 200))
def test_dump_parser_never_crashes(obj, cut):
    import json

    text = json.dumps({"lean_version": "4.24.0", "declarations": obj} if not isinstance(obj, dict) else obj)
    for candidate in (text, text[:cut]):
        try:
            parse_dump(candidate)
        except DumpError:
            pass
