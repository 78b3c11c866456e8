"""The claim ledger (``claims.toml``): load, validate, and type every claim.

Schema (one ``[[claim]]`` table per claim)::

    [[claim]]
    id = "prop-7.4"                       # unique, [a-z0-9._-]
    title = "Bilinear flatness"
    source = "Proposition 7.4, §7.3"
    statement = "For v ≠ 0 and Σ ≻ 0, …"
    kind = "theorem"                       # "theorem" | "numerical" (default "theorem")
    recorded_verdict = "contradicted"      # optional: a known finding (see RECORDABLE)
    lean = ["NeuralLandscapes.bilinear_hessian_ker_finrank"]
    checks = ["kronecker-kernel-dim", …]    # registered check ids
    [claim.expect]                        # claimed quantities: expression, number, or a table
    kernel_dim = "(m - 1) * d"
    lambda_star = { value = 0.721, rtol = 0.05, why = "paper reports 3 digits" }
    [claim.params.kronecker-kernel-dim]   # per-check parameter overrides
    m_max = 8
    [claim.fingerprints]                  # Lean name → fingerprint of its source statement, or a table
    "NeuralLandscapes.bilinear_hessian_ker_finrank" = { fingerprint = "sha256:…", statement = "…" }

The recorded ``statement`` text is optional; with it, statement drift is shown as a diff.
``crosscheck lean fingerprints`` prints these lines for the current sources.

Every problem is a :class:`LedgerError` naming the file, the claim, the field and (where known) the line.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from crosscheck.checks.base import CheckSpec, Expectation, resolve_params
from crosscheck.expr import ExprError, parse

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
LEAN_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_']*(\.[A-Za-z_][A-Za-z0-9_'!?]*)*$")
FINGERPRINT_RE = re.compile(r"^sha256:[0-9a-f]{16,64}$")
KINDS = ("theorem", "numerical")
CLAIM_KEYS = {"id", "title", "source", "statement", "kind", "lean", "checks", "expect", "params", "fingerprints", "notes", "recorded_verdict"}
EXPECT_KEYS = {"value", "rtol", "atol", "why"}
TOP_KEYS = {"claim", "ledger"}
# A claim the numerics show false is a finding about the paper, not a failure of the tool: the ledger may
# record it (like pytest's xfail), so CI gates on *changes* of verdict while the report still shows it.
RECORDABLE = ("contradicted", "inconclusive")


class LedgerError(ValueError):
    """A problem in the ledger; ``str()`` reads ``file:line: claim 'id', field 'f': message``."""

    def __init__(self, path: str, message: str, claim: str | None = None, fieldname: str | None = None, line: int | None = None):
        self.path, self.claim, self.field, self.line, self.message = path, claim, fieldname, line, message
        where = f"{path}:{line}" if line else path
        parts = [where]
        if claim:
            parts.append(f"claim {claim!r}")
        if fieldname:
            parts.append(f"field {fieldname!r}")
        super().__init__(", ".join(parts) + ": " + message)


@dataclass(frozen=True)
class Claim:
    id: str
    title: str
    source: str
    statement: str
    kind: str
    lean: tuple[str, ...]
    checks: tuple[str, ...]
    expect: Mapping[str, Expectation]
    params: Mapping[str, Mapping[str, Any]]
    fingerprints: Mapping[str, str]
    notes: str = ""
    line: int | None = None
    statements: Mapping[str, str] = field(default_factory=dict)  # recorded Lean statement text, if any
    recorded_verdict: str | None = None  # a known finding: the verdict this claim is known to get


@dataclass(frozen=True)
class Ledger:
    path: str
    claims: tuple[Claim, ...]
    title: str = ""

    def get(self, claim_id: str) -> Claim:
        for c in self.claims:
            if c.id == claim_id:
                return c
        raise KeyError(claim_id)


@dataclass
class _Lines:
    """Best-effort line numbers: where each claim's ``id = "…"`` and its fields appear in the text."""

    text: str
    starts: dict[str, int] = field(default_factory=dict)
    headers: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        for i, line in enumerate(self.text.splitlines(), 1):
            if line.strip().startswith("[[claim]]"):
                self.headers.append(i)
            m = re.match(r'\s*id\s*=\s*["\']([^"\']*)["\']', line)
            if m and m.group(1) not in self.starts:
                self.starts[m.group(1)] = i

    def of(self, claim: str | None, fieldname: str | None = None) -> int | None:
        start = self.starts.get(claim or "")
        if start is None or fieldname is None:
            return start
        lines = self.text.splitlines()
        # search backwards to the [[claim]] header, then forwards to the next one
        lo = start
        while lo > 1 and not lines[lo - 1].strip().startswith("[[claim]]"):
            lo -= 1
        key = fieldname.split(".")[0]
        for i in range(lo, len(lines) + 1):
            s = lines[i - 1].strip()
            if i > start and s.startswith("[[claim]]"):
                break
            if re.match(rf"({re.escape(key)}\s*=|\[claim\.{re.escape(key)}[\].])", s):
                return i
        return start


def load_ledger(path: str | Path, checks: Mapping[str, CheckSpec]) -> Ledger:
    """Read and validate ``path``. ``checks`` is the check registry used to validate check ids, the
    quantities each check needs, and parameter overrides."""
    p = Path(path)
    spath = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise LedgerError(spath, "file not found") from None
    except OSError as exc:
        raise LedgerError(spath, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LedgerError(spath, f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise LedgerError(spath, f"TOML syntax error: {exc}", line=int(m.group(1)) if m else None) from None
    lines = _Lines(text)
    unknown_top = set(data) - TOP_KEYS
    if unknown_top:
        raise LedgerError(spath, f"unknown top-level key(s) {sorted(unknown_top)}; expected [[claim]] tables")
    raw_claims = data.get("claim")
    if not isinstance(raw_claims, list) or not raw_claims:
        raise LedgerError(spath, "no [[claim]] tables found")
    claims: list[Claim] = []
    seen: dict[str, int] = {}
    for idx, rc in enumerate(raw_claims):
        claim = _claim(spath, idx, rc, checks, lines)
        if claim.id in seen:
            raise LedgerError(
                spath, f"duplicate claim id (first defined as claim #{seen[claim.id] + 1}, line {claim.line})", claim.id, "id", lines.headers[idx]
            )
        seen[claim.id] = idx
        claims.append(claim)
    ledger_meta = data.get("ledger", {})
    title = ledger_meta.get("title", "") if isinstance(ledger_meta, dict) else ""
    return Ledger(spath, tuple(claims), str(title))


def _claim(path: str, idx: int, rc: Any, checks: Mapping[str, CheckSpec], lines: _Lines) -> Claim:
    label = f"#{idx + 1}"
    header = lines.headers[idx] if idx < len(lines.headers) else None
    if not isinstance(rc, dict):
        raise LedgerError(path, "a [[claim]] entry must be a table", label, line=header)
    cid = rc.get("id")
    if not isinstance(cid, str) or not ID_RE.match(cid):
        raise LedgerError(path, f"id must be a string of [a-z0-9._-], got {cid!r}", label, "id", header)
    line = lines.of(cid)

    def err(fieldname: str | None, message: str) -> LedgerError:
        return LedgerError(path, message, cid, fieldname, lines.of(cid, fieldname))

    unknown = set(rc) - CLAIM_KEYS
    if unknown:
        import difflib

        hints = [f"{u!r} (did you mean {difflib.get_close_matches(u, CLAIM_KEYS, 1)[0]!r}?)" if difflib.get_close_matches(u, CLAIM_KEYS, 1) else repr(u) for u in sorted(unknown)]
        raise err(sorted(unknown)[0], f"unknown field(s) {', '.join(hints)}")
    strs = {}
    for key in ("title", "source", "statement"):
        val = rc.get(key)
        if not isinstance(val, str) or not val.strip():
            raise err(key, "required, a non-empty string")
        strs[key] = val
    kind = rc.get("kind", "theorem")
    if kind not in KINDS:
        raise err("kind", f"must be one of {KINDS}, got {kind!r}")
    lean = _str_list(rc.get("lean", []), lambda m: err("lean", m))
    for name in lean:
        if not LEAN_NAME_RE.match(name):
            raise err("lean", f"{name!r} is not a Lean declaration name")
    check_ids = _str_list(rc.get("checks", []), lambda m: err("checks", m))
    if not lean and not check_ids:
        raise err("checks", "a claim needs at least one witness: a Lean name or a check")
    for cidx in check_ids:
        if cidx not in checks:
            import difflib

            close = difflib.get_close_matches(cidx, list(checks), 1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise err("checks", f"unknown check id {cidx!r}{hint}")
    if len(set(check_ids)) != len(check_ids):
        raise err("checks", "a check is listed twice")
    expect = _expectations(rc.get("expect", {}), err)
    for name, e in expect.items():
        if not e.value.names:  # a constant: evaluate it now (e.g. an overflowing power)
            try:
                e.value()
            except ExprError as exc:
                raise err(f"expect.{name}", str(exc)) from None
    for cidx in check_ids:
        spec_vars = checks[cidx].variables or {}
        for q, allowed in spec_vars.items():
            if q in expect and not expect[q].value.names <= set(allowed):
                unknown_names = sorted(expect[q].value.names - set(allowed))
                raise err(
                    f"expect.{q}",
                    f"{expect[q].value.text!r} uses {', '.join(unknown_names)}, which check {cidx!r} does not provide "
                    f"(it evaluates {q} with {', '.join(allowed)})",
                )
        missing = [q for q in checks[cidx].quantities if q not in expect]
        if missing:
            raise err("expect", f"check {cidx!r} needs claimed quantit{'y' if len(missing) == 1 else 'ies'} {missing} in [claim.expect]")
    params_raw = rc.get("params", {})
    if not isinstance(params_raw, dict):
        raise err("params", "must be a table of per-check tables")
    params: dict[str, dict[str, Any]] = {}
    for cidx, overrides in params_raw.items():
        if cidx not in check_ids:
            raise err(f"params.{cidx}", f"parameters for {cidx!r}, which this claim does not list in checks")
        if not isinstance(overrides, dict):
            raise err(f"params.{cidx}", "must be a table")
        try:
            resolve_params(checks[cidx], overrides)
        except ValueError as exc:
            raise err(f"params.{cidx}", str(exc)) from None
        params[cidx] = dict(overrides)
    fps_raw = rc.get("fingerprints", {})
    if not isinstance(fps_raw, dict):
        raise err("fingerprints", "must be a table of Lean name → fingerprint")
    fingerprints: dict[str, str] = {}
    statements: dict[str, str] = {}
    for name, fp in fps_raw.items():
        if name not in lean:
            raise err("fingerprints", f"fingerprint for {name!r}, which is not in this claim's lean list")
        if isinstance(fp, dict):
            unknown = set(fp) - {"fingerprint", "statement"}
            if unknown:
                raise err("fingerprints", f"{name!r}: unknown key(s) {sorted(unknown)}; allowed ['fingerprint', 'statement']")
            if not isinstance(fp.get("statement", ""), str):
                raise err("fingerprints", f"{name!r}: statement must be a string")
            if "statement" in fp:
                statements[name] = fp["statement"]
            fp = fp.get("fingerprint")
        if not isinstance(fp, str) or not FINGERPRINT_RE.match(fp):
            raise err("fingerprints", f"{name!r}: expected 'sha256:<hex>', got {fp!r}")
        fingerprints[name] = fp
    notes = rc.get("notes", "")
    if not isinstance(notes, str):
        raise err("notes", "must be a string")
    recorded = rc.get("recorded_verdict")
    if recorded is not None and recorded not in RECORDABLE:
        raise err("recorded_verdict", f"must be one of {RECORDABLE}, got {recorded!r}")
    return Claim(cid, strs["title"], strs["source"], strs["statement"], kind, lean, check_ids, expect, params, fingerprints, notes, line, statements, recorded)


def _str_list(val: Any, err) -> tuple[str, ...]:
    if not isinstance(val, list) or not all(isinstance(x, str) and x for x in val):
        raise err("must be a list of non-empty strings")
    return tuple(val)


def _tolerance(val: Any, name: str, err) -> float:
    if isinstance(val, bool) or not isinstance(val, (int, float)) or not math.isfinite(val) or val < 0:
        raise err(f"expect.{name}", f"tolerance must be a non-negative finite number, got {val!r}")
    return float(val)


def _expectations(raw: Any, err) -> dict[str, Expectation]:
    if not isinstance(raw, dict):
        raise err("expect", "must be a table of quantity = expression")
    out: dict[str, Expectation] = {}
    for name, spec in raw.items():
        rtol = atol = 0.0
        why = ""
        if isinstance(spec, dict):
            unknown = set(spec) - EXPECT_KEYS
            if unknown:
                raise err(f"expect.{name}", f"unknown key(s) {sorted(unknown)}; allowed {sorted(EXPECT_KEYS)}")
            if "value" not in spec:
                raise err(f"expect.{name}", "a table needs 'value'")
            rtol = _tolerance(spec.get("rtol", 0.0), name, err)
            atol = _tolerance(spec.get("atol", 0.0), name, err)
            if ("rtol" in spec or "atol" in spec) and rtol == 0 and atol == 0:
                raise err(f"expect.{name}", "a tolerance must be positive (rtol or atol > 0)")
            why = str(spec.get("why", ""))
            value = spec["value"]
        else:
            value = spec
        try:
            expr = parse(value)
        except ExprError as exc:
            raise err(f"expect.{name}", str(exc)) from None
        out[name] = Expectation(name, expr, rtol, atol, why)
    return out
