"""The claim ledger (``claims.toml``): load, validate, and type every claim.

Schema (one ``[[claim]]`` table per claim)::

    [[claim]]
    id = "prop-7.4"                       # unique, [a-z0-9._-]
    paper = "Paper 1"                     # optional: groups claims in the report
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
    rank = { value = "d", lean = ["NeuralLandscapes.bilinear_hessian_rank"] }   # proved by these
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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from crosscheck.engine.params import ParameterError
from crosscheck.engine.registry import CheckLoadError, Registry, build_registry, load_check_modules
from crosscheck.engine.runner import prepare
from crosscheck.engine.spec import CheckSpec, Expectation
from crosscheck.expr import ExprError, parse
from crosscheck.project import Project, parse_project

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
LEAN_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_']*(\.[A-Za-z_][A-Za-z0-9_'!?]*)*$")
FINGERPRINT_RE = re.compile(r"^sha256:[0-9a-f]{16,64}$")
KINDS = ("theorem", "numerical")
CLAIM_KEYS = {"id", "paper", "title", "source", "statement", "kind", "lean", "checks", "expect", "params", "fingerprints", "notes", "recorded_verdict"}
EXPECT_KEYS = {"value", "rtol", "atol", "why", "lean"}
TOP_KEYS = {"claim", "ledger", "project", "lean"}
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


@dataclass(frozen=True, kw_only=True)
class Claim:
    id: str
    title: str
    source: str
    statement: str
    kind: str = "theorem"
    lean: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()
    expect: Mapping[str, Expectation] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    notes: str = ""
    line: int | None = None
    statements: Mapping[str, str] = field(default_factory=dict)  # recorded Lean statement text, if any
    recorded_verdict: str | None = None  # a known finding: the verdict this claim is known to get
    paper: str = ""  # which paper (groups the report's glance panel)


@dataclass(frozen=True, kw_only=True)
class Ledger:
    path: str
    claims: tuple[Claim, ...]
    title: str = ""
    project: Project | None = None
    registry: Registry | None = None
    other_claim_ids: tuple[str, ...] = ()  # claims read but not validated (load_ledger(only_check=…))

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


def _did_you_mean(word: str, options) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(options), 1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def load_ledger(path: str | Path, checks: Mapping[str, CheckSpec] | None = None, *, max_memory: float | None = None,
                only_check: str | None = None) -> Ledger:
    """Read and validate ``path``. The check registry is ``checks`` (if given) plus the modules the
    ledger's ``[project].checks`` names; without ``checks``, the built-in checks plus those. Every
    claimed quantity must be read by one of the claim's checks; every parameter override must lie in its
    domain (and within the memory budget) — all before anything runs. With ``only_check`` (``crosscheck
    check``), only the claims that list that check are validated against the registry and returned (the
    others' ids are checked and kept in ``other_claim_ids``), so one check's run imports one check module."""
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
        raise LedgerError(spath, f"unknown top-level key(s) {sorted(unknown_top)}; expected [[claim]] tables, [ledger], [project], [lean]")
    root = p.resolve().parent

    def top_err(fieldname: str, message: str) -> LedgerError:
        key = fieldname.split(".")[0]
        line = next((i for i, ln in enumerate(text.splitlines(), 1) if ln.strip().startswith(f"[{key}]")), None)
        return LedgerError(spath, message, None, fieldname, line)

    project = parse_project(root, data.get("project"), data.get("lean"), top_err)
    try:
        groups = [specs for _, specs in load_check_modules(project.checks, root)]
        if checks is not None:
            reg = build_registry(checks.values(), *groups)
        else:  # the bundled checks by index: a module is imported when one of its checks is first needed
            from crosscheck.checks import lazy_index

            reg = build_registry(*groups, lazy=lazy_index() if project.builtin_checks else None)
    except CheckLoadError as exc:
        raise LedgerError(spath, str(exc), None, "project.checks") from None
    raw_claims = data.get("claim")
    if not isinstance(raw_claims, list) or not raw_claims:
        raise LedgerError(spath, "no [[claim]] tables found")
    claims: list[Claim] = []
    others: list[str] = []
    seen: dict[str, int] = {}
    for idx, rc in enumerate(raw_claims):
        skip = only_check is not None and isinstance(rc, dict) and only_check not in (rc.get("checks") or [])
        claim = None if skip else _claim(spath, idx, rc, reg, lines, max_memory)
        cid = _claim_id(spath, idx, rc, lines) if claim is None else claim.id
        if cid in seen:
            first = lines.headers[seen[cid]] if seen[cid] < len(lines.headers) else None
            raise LedgerError(spath, f"duplicate claim id (first defined as claim #{seen[cid] + 1}, line {first})", cid, "id", lines.headers[idx])
        seen[cid] = idx
        if claim is None:
            others.append(cid)
        else:
            claims.append(claim)
    ledger_meta = data.get("ledger", {})
    title = ledger_meta.get("title", "") if isinstance(ledger_meta, dict) else ""
    return Ledger(path=spath, claims=tuple(claims), title=str(title) or project.name, project=project, registry=reg,
                  other_claim_ids=tuple(others))


# ---- one claim: a table of fields, each with its own parser -----------------------------------------


def _strings(val: Any, err) -> tuple[str, ...]:
    if not isinstance(val, list) or not all(isinstance(x, str) and x for x in val):
        raise err("must be a list of non-empty strings")
    return tuple(val)


def _text(required: bool):
    def parse_text(val: Any, err) -> str:
        if val is None and not required:
            return ""
        if not isinstance(val, str) or (required and not val.strip()):
            raise err("required, a non-empty string" if required else "must be a string")
        return val

    return parse_text


def _kind(val: Any, err) -> str:
    if val not in KINDS:
        raise err(f"must be one of {KINDS}, got {val!r}")
    return val


def _lean_names(val: Any, err) -> tuple[str, ...]:
    names = _strings(val, err)
    for name in names:
        if not LEAN_NAME_RE.match(name):
            raise err(f"{name!r} is not a Lean declaration name")
    if len(set(names)) != len(names):
        raise err("a Lean name is listed twice")
    return names


def _recorded(val: Any, err) -> str | None:
    if val is not None and val not in RECORDABLE:
        raise err(f"must be one of {RECORDABLE}, got {val!r}")
    return val


# field → (parser, default). Parsers take (value, err) where err(message) raises for that field.
_SIMPLE_FIELDS: dict[str, tuple[Any, Any]] = {
    "title": (_text(True), None),
    "paper": (_text(False), ""),
    "source": (_text(True), None),
    "statement": (_text(True), None),
    "kind": (_kind, "theorem"),
    "lean": (_lean_names, []),
    "checks": (_strings, []),
    "notes": (_text(False), ""),
    "recorded_verdict": (_recorded, None),
}


def _claim_id(path: str, idx: int, rc: Any, lines: _Lines) -> str:
    label = f"#{idx + 1}"
    header = lines.headers[idx] if idx < len(lines.headers) else None
    if not isinstance(rc, dict):
        raise LedgerError(path, "a [[claim]] entry must be a table", label, line=header)
    cid = rc.get("id")
    if not isinstance(cid, str) or not ID_RE.match(cid):
        raise LedgerError(path, f"id must be a string of [a-z0-9._-], got {cid!r}", label, "id", header)
    return cid


def _claim(path: str, idx: int, rc: Any, reg: Registry, lines: _Lines, max_memory: float | None) -> Claim:
    cid = _claim_id(path, idx, rc, lines)

    def err(fieldname: str | None, message: str) -> LedgerError:
        return LedgerError(path, message, cid, fieldname, lines.of(cid, fieldname))

    unknown = set(rc) - CLAIM_KEYS
    if unknown:
        hints = [repr(u) + _did_you_mean(u, CLAIM_KEYS) for u in sorted(unknown)]
        raise err(sorted(unknown)[0], f"unknown field(s) {', '.join(hints)}")
    f: dict[str, Any] = {}
    for key, (parser, default) in _SIMPLE_FIELDS.items():
        f[key] = parser(rc.get(key, default), lambda m, _k=key: err(_k, m))
    lean, check_ids = f["lean"], f["checks"]
    if not lean and not check_ids:
        raise err("checks", "a claim needs at least one witness: a Lean name or a check")
    for c in check_ids:
        if c not in reg:
            raise err("checks", f"unknown check id {c!r}{_did_you_mean(c, reg)}; see `crosscheck list`")
    if len(set(check_ids)) != len(check_ids):
        raise err("checks", "a check is listed twice")
    expect = _expectations(rc.get("expect", {}), err)
    _check_reads(cid, expect, check_ids, lean, reg, err)
    params = _params(rc.get("params", {}), check_ids, reg, err, max_memory)
    fingerprints, statements = _fingerprints(rc.get("fingerprints", {}), lean, err)
    return Claim(
        id=cid, title=f["title"], source=f["source"], statement=f["statement"], kind=f["kind"], lean=lean, checks=check_ids,
        expect=expect, params=params, fingerprints=fingerprints, notes=f["notes"], line=lines.of(cid), statements=statements,
        recorded_verdict=f["recorded_verdict"], paper=f["paper"],
    )


def _check_reads(cid: str, expect: Mapping[str, Expectation], check_ids: tuple[str, ...], lean: tuple[str, ...], reg: Registry, err) -> None:
    """Every claimed quantity is read by one of the claim's checks (else it would be shown beside a verdict
    that never compared it); every quantity a check requires is stated; expressions use only the case
    variables the reading check provides; per-quantity Lean names are in the claim's lean list."""
    for name, e in expect.items():
        if not e.value.names:  # a constant: evaluate it now (e.g. an overflowing power)
            try:
                e.value()
            except ExprError as exc:
                raise err(f"expect.{name}", str(exc)) from None
        missing_lean = [n for n in e.lean if n not in lean]
        if missing_lean:
            raise err(f"expect.{name}", f"Lean name(s) {missing_lean} are not in this claim's lean list")
        readers = [c for c in check_ids if name in reg[c].reads]
        if not readers:
            listing = "; ".join(f"{c} reads {', '.join(reg[c].reads) or 'nothing'}" for c in check_ids) or "the claim lists no checks"
            hint = _did_you_mean(name, {q for c in check_ids for q in reg[c].reads})
            raise err(f"expect.{name}", f"no check of this claim reads {name!r}{hint}, so it would never be compared ({listing})")
        for c in readers:
            allowed = set(reg[c].reads[name])
            if not e.value.names <= allowed:
                bad = sorted(e.value.names - allowed)
                raise err(f"expect.{name}", f"{e.value.text!r} uses {', '.join(bad)}, which check {c!r} does not provide "
                                            f"(it evaluates {name} with {', '.join(sorted(allowed)) or 'no variables'})")
    for c in check_ids:
        missing = [q for q in reg[c].required if q not in expect]
        if missing:
            raise err("expect", f"check {c!r} needs claimed quantit{'y' if len(missing) == 1 else 'ies'} {missing} in [claim.expect]")


def _params(raw: Any, check_ids: tuple[str, ...], reg: Registry, err, max_memory: float | None) -> dict[str, dict[str, Any]]:
    if not isinstance(raw, dict):
        raise err("params", "must be a table of per-check tables")
    params: dict[str, dict[str, Any]] = {}
    for c, overrides in raw.items():
        if c not in check_ids:
            raise err(f"params.{c}", f"parameters for {c!r}, which this claim does not list in checks")
        if not isinstance(overrides, dict):
            raise err(f"params.{c}", "must be a table")
        try:
            prepare(reg[c], overrides, max_memory=max_memory)
        except ParameterError as exc:
            raise err(f"params.{c}", str(exc)) from None
        params[c] = dict(overrides)
    return params


def _fingerprints(raw: Any, lean: tuple[str, ...], err) -> tuple[dict[str, str], dict[str, str]]:
    if not isinstance(raw, dict):
        raise err("fingerprints", "must be a table of Lean name → fingerprint")
    fingerprints: dict[str, str] = {}
    statements: dict[str, str] = {}
    for name, fp in raw.items():
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
    return fingerprints, statements


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
        lean: tuple[str, ...] = ()
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
            if "lean" in spec:
                lean = _lean_names(spec["lean"], lambda m, _n=name: err(f"expect.{_n}", f"lean: {m}"))
            value = spec["value"]
        else:
            value = spec
        try:
            expr = parse(value)
        except ExprError as exc:
            raise err(f"expect.{name}", str(exc)) from None
        out[name] = Expectation(name, expr, rtol, atol, why, lean)
    return out
