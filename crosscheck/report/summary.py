"""``summary.md``: the top of the report as Markdown (for ``$GITHUB_STEP_SUMMARY``), from results.json data.

Content, in order: the title; the run scope (claims run, quick mode, Lean mode, seed, commit, ledger);
the count of claims per verdict (in the order of :data:`crosscheck.verdict.VERDICTS`) and the exit code;
the Lean stage's summary line; then every claim that is not green — green being ``confirmed``,
``supported numerically`` and ``agrees``; a claim whose recorded finding changed fails the run and is
listed even when its new verdict is green — with its verdict (and whether the ledger records it as a known
finding) and its reason: the explanation, then what went wrong (failed Lean declarations, checks and
controls that did not pass, each with its summary). Text from the data is escaped for Markdown tables.
"""

from __future__ import annotations

from typing import Any, Mapping

from crosscheck.verdict import AGREES, CONFIRMED, SUPPORTED, VERDICTS, shorten

GREEN = frozenset({CONFIRMED, SUPPORTED, AGREES})
MAX_REASON = 400


def cell(text: Any) -> str:
    """One Markdown table cell: single line, ``|`` escaped, ``None`` as an em dash."""
    if text is None or text == "":
        return "—"
    s = " ".join(str(text).split())
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")


def claim_reason(c: Mapping[str, Any]) -> str:
    """Why a claim is not green: its explanation and every non-passing witness."""
    explanation = str(c.get("explanation") or "")
    parts = [explanation]
    for w in c.get("lean") or []:
        if w.get("state") == "failed" and not explanation.startswith(f"{w.get('name')}:"):
            parts.append(f"Lean {w.get('name')}: {w.get('reason')}")
    for r in c.get("checks") or []:
        if r.get("status") != "pass" and not explanation.startswith(f"{r.get('check_id')}:"):  # not said twice
            parts.append(f"{r.get('check_id')}: {r.get('status')} — {r.get('summary')}")
    for r in c.get("controls") or []:
        if r.get("status") != "pass":
            parts.append(f"control {r.get('check_id')}: {r.get('status')} — {r.get('summary')}")
    return shorten("; ".join(p for p in parts if p), MAX_REASON)


def verdict_label(c: Mapping[str, Any]) -> str:
    v = str(c.get("verdict"))
    rec = c.get("recorded_verdict")
    if rec is None:
        return v
    if c.get("fails_run"):
        return f"{v} (ledger records {rec}: CHANGED)"
    return f"{v} (known finding)"


def scope_line(data: Mapping[str, Any]) -> str:
    opts = data.get("options") or {}
    env = data.get("environment") or {}
    only = opts.get("only") or []
    parts = [f"claims: {', '.join(only)}" if only else "all claims"]
    if opts.get("quick"):
        parts.append("quick mode (thinned grids)")
    parts.append(f"Lean mode {opts.get('lean_mode', '?')}")
    parts.append(f"seed {data.get('seed')}")
    if env.get("git_commit"):
        parts.append(f"commit {str(env['git_commit'])[:12]}")
    if opts.get("claims"):
        parts.append(f"ledger {opts['claims']}")
    if env.get("generated_at"):
        parts.append(str(env["generated_at"]))
    return " · ".join(parts)


def render_summary(data: Mapping[str, Any], title: str | None = None) -> str:
    """The Markdown summary of a run, from the dict written to results.json."""
    summary = data.get("summary") or {}
    counts: Mapping[str, int] = summary.get("counts") or {}
    claims = data.get("claims") or []
    lean = data.get("lean") or {}
    head = f"crosscheck report — {title}" if title else "crosscheck report"
    lines = [f"# {head}", "", f"Scope: {scope_line(data)}", ""]
    ordered = [v for v in VERDICTS if v in counts] + sorted(v for v in counts if v not in VERDICTS)
    total = summary.get("claims", len(claims))
    lines.append(f"**{total} claim(s)**: " + (", ".join(f"{counts[v]} {v}" for v in ordered) or "none") + f". Exit code {summary.get('exit_code', '?')}.")
    lines += ["", "| verdict | claims |", "|---|---:|"]
    lines += [f"| {cell(v)} | {counts[v]} |" for v in ordered]
    lean_line = cell(lean.get("summary"))
    if not lean.get("ran"):
        lean_line += " (static scan only: unverified)"
    lines += ["", f"**Lean:** {lean_line}", ""]
    bad = [c for c in claims if c.get("verdict") not in GREEN or c.get("fails_run")]
    if not bad:
        lines.append("Every claim is green.")
    else:
        lines += [f"## Claims that are not green ({len(bad)})", "", "| claim | verdict | reason |", "|---|---|---|"]
        for c in bad:
            lines.append(f"| `{cell(c.get('id'))}` {cell(c.get('title'))} | {cell(verdict_label(c))} | {cell(claim_reason(c))} |")
    lines.append("")
    return "\n".join(lines)
