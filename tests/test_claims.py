"""The ledger loader: the real ledger loads; every malformed ledger gives one clear LedgerError."""

import pytest

from crosscheck.checks import registry
from crosscheck.claims import LedgerError, load_ledger

GOOD = '''
[[claim]]
id = "c1"
title = "T"
source = "S"
statement = "St"
lean = ["NeuralLandscapes.foo"]
checks = ["kronecker-kernel-dim"]
[claim.expect]
kernel_dim = "(m - 1) * d"
'''


def load(tmp_path, text):
    p = tmp_path / "claims.toml"
    p.write_text(text, encoding="utf-8")
    return load_ledger(p, registry())


def test_project_ledger_loads(root):
    ledger = load_ledger(root / "claims.toml", registry())
    ids = [c.id for c in ledger.claims]
    assert "prop-7.4" in ids and "thm-7.6i" in ids
    prop = ledger.get("prop-7.4")
    assert prop.expect["kernel_dim"].value(m=10, d=5) == 45


def test_minimal_ledger_loads(tmp_path):
    ledger = load(tmp_path, GOOD)
    assert ledger.claims[0].checks == ("kronecker-kernel-dim",)


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        (GOOD.replace('id = "c1"', 'id = "C 1"'), "id", "id must be"),
        (GOOD.replace('title = "T"\n', ""), "title", "required"),
        (GOOD.replace('statement = "St"', "statement = 3"), "statement", "required"),
        (GOOD.replace('checks = ["kronecker-kernel-dim"]', 'checks = ["kronecker-kernel-dimm"]'), "checks", "did you mean 'kronecker-kernel-dim'"),
        (GOOD.replace('checks = ["kronecker-kernel-dim"]', 'checks = "kronecker-kernel-dim"'), "checks", "list of non-empty strings"),
        (GOOD.replace('lean = ["NeuralLandscapes.foo"]', 'lean = ["Neural Landscapes"]'), "lean", "not a Lean declaration name"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dim = "__import__(1)"'), "expect.kernel_dim", "not allowed"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', "kernel_dim = { value = 1, rtol = -1 }"), "expect.kernel_dim", "non-negative"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dim = { value = 1, rtol = "x" }'), "expect.kernel_dim", "non-negative"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', "kernel_dim = { value = 1, rtol = 0 }"), "expect.kernel_dim", "must be positive"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', "kernel_dim = { valu = 1 }"), "expect.kernel_dim", "unknown key"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dimm = "(m - 1) * d"'), "expect.kernel_dimm", "no check of this claim reads 'kernel_dimm' (did you mean 'kernel_dim'?)"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dim = "(m - 1) * d"\nlambda_min = "42"'), "expect.lambda_min", "no check of this claim reads 'lambda_min', so it would never be compared (kronecker-kernel-dim reads kernel_dim, rank)"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'rank = "d"'), "expect", "needs claimed quantity ['kernel_dim']"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dim = { value = "(m - 1) * d", lean = ["NeuralLandscapes.bar"] }'), "expect.kernel_dim", "not in this claim's lean list"),
        (GOOD + '[claim.params.kronecker-kernel-dim]\nm_max = 0\n', "params.kronecker-kernel-dim", "m_max = 0 is outside its domain (integer ≥ 1)"),
        (GOOD + '[claim.params.kronecker-kernel-dim]\nm_max = 100000\n', "params.kronecker-kernel-dim", "over the budget"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dim = "(m - 1) * dd"'), "expect.kernel_dim", "uses dd, which check 'kronecker-kernel-dim' does not provide"),
        (GOOD.replace('kernel_dim = "(m - 1) * d"', 'kernel_dim = "9 ** 9 ** 9 ** 9"'), "expect.kernel_dim", "too large"),
        (GOOD.replace('source = "S"', 'source = "S"\nsoruce = "x"'), "soruce", "did you mean 'source'"),
        (GOOD.replace('lean = ["NeuralLandscapes.foo"]', 'lean = []\nkind = "conjecture"'), "kind", "must be one of"),
        (GOOD + '[claim.params.kronecker-kernel-dim]\nm_maxx = 3\n', "params.kronecker-kernel-dim", "unknown parameter 'm_maxx'"),
        (GOOD + '[claim.params.kronecker-kernel-dim]\nm_max = "many"\n', "params.kronecker-kernel-dim", "expected int"),
        (GOOD + '[claim.params.regularized-posdef]\nm_max = 3\n', "params.regularized-posdef", "does not list"),
        (GOOD + '[claim.fingerprints]\n"NeuralLandscapes.foo" = "md5:1"\n', "fingerprints", "expected 'sha256:"),
        (GOOD + '[claim.fingerprints]\n"NeuralLandscapes.bar" = "sha256:0123456789abcdef"\n', "fingerprints", "not in this claim's lean list"),
        (GOOD.replace('lean = ["NeuralLandscapes.foo"]', "lean = []").replace('checks = ["kronecker-kernel-dim"]', "checks = []"), "checks", "at least one witness"),
    ],
)
def test_malformed_claim_names_file_claim_and_field(tmp_path, text, field, message):
    with pytest.raises(LedgerError) as err:
        load(tmp_path, text)
    e = err.value
    assert e.field == field
    assert message in str(e)
    assert str(tmp_path / "claims.toml") in str(e)
    assert e.claim is not None
    assert e.line is not None and e.line >= 1


def test_duplicate_id_names_the_claim(tmp_path):
    with pytest.raises(LedgerError, match="duplicate claim id") as err:
        load(tmp_path, GOOD + GOOD)
    second_header = [i for i, line in enumerate((GOOD + GOOD).splitlines(), 1) if line == "[[claim]]"][1]
    assert err.value.claim == "c1" and err.value.line == second_header


def test_toml_syntax_error_has_line(tmp_path):
    with pytest.raises(LedgerError, match="TOML syntax error") as err:
        load(tmp_path, GOOD + "\n[[claim]\n")
    assert err.value.line == 12


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "no [[claim]] tables"), ("claims = 1\n", "unknown top-level key"), ("claim = 3\n", "no [[claim]] tables")],
)
def test_file_level_errors(tmp_path, text, message):
    with pytest.raises(LedgerError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load(tmp_path, text)


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(LedgerError, match="file not found"):
        load_ledger(tmp_path / "nope.toml", registry())
    p = tmp_path / "bin.toml"
    p.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(LedgerError, match="not UTF-8"):
        load_ledger(p, registry())
