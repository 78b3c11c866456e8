"""The self-contained HTML report, rendered from results.json data alone (analyse, then render).

No network resources: CSS is inlined, figures are PNG data URIs, and a Content-Security-Policy forbids
anything else. All text from the ledger, Lean sources and Lean messages is escaped (Jinja2 autoescape);
Lean docstrings are rendered as Markdown with raw HTML disabled. Nested measured values are shown as
small tables and lists, never as JSON or Python reprs; long lists fold.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any, Mapping

import jinja2
from markupsafe import Markup, escape

from crosscheck.report.figures import alt_text, as_table, data_uris, drawable

_TEMPLATES = Path(__file__).with_name("templates")
VERDICT_ORDER = ("confirmed", "supported numerically", "agrees", "contradicted", "Lean failed", "inconclusive", "error", "not run")
FOLD = 12  # list items / table rows shown before "… N more"


def markdown(text: str | None) -> Markup:
    """Markdown (CommonMark) with raw HTML disabled: ``<script>`` in a docstring stays text."""
    if not text:
        return Markup("")
    from markdown_it import MarkdownIt

    return Markup(MarkdownIt("commonmark", {"html": False}).render(text))


def inline_markup(text: str) -> Markup:
    """Docstring text for the page: rendered as Markdown, raw HTML disabled (RST's ``code`` reads as code)."""
    return markdown(text.replace("``", "`"))


def number(x: Any) -> str:
    """Numbers for a reader: integers as integers, others to 6 significant digits; non-finite words."""
    if isinstance(x, str) and x in ("nan", "inf", "-inf"):
        return {"nan": "not a number", "inf": "∞", "-inf": "−∞"}[x]
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        if math.isfinite(x) and x.is_integer() and abs(x) < 1e12:
            return str(int(x))
        return f"{x:.6g}"
    return str(x)


def unit_of(key: str) -> str:
    """The unit a measured value's name implies (``…seconds…`` → s, ``…_bytes`` → B, ``…_mib`` → MiB); ''
    for dimensionless numbers."""
    k = str(key).lower()
    if "seconds" in k:
        return "s"
    if k.endswith("_mib"):
        return "MiB"
    if k.endswith("_bytes"):
        return "B"
    return ""


def show(v: Any, key: str = "", depth: int = 0) -> Markup:
    """Any measured value as readable HTML: scalars formatted (with the unit ``key`` implies), lists folded
    ("… N more"), dicts as definition lists, lists of records as small tables."""
    unit = unit_of(key)
    if v is None or v == "" or v == [] or v == {}:
        return Markup("—")
    if isinstance(v, (bool, int, float)) or (isinstance(v, str) and v in ("nan", "inf", "-inf")):
        text = number(v)
        return Markup(escape(f"{text} {unit}" if unit and not isinstance(v, bool) else text))
    if isinstance(v, str):
        return Markup(escape(v))
    if isinstance(v, dict):
        by = re.search(r"_by_([A-Za-z]+)$", str(key))  # lambda_star_by_m: {"3": …} reads "m = 3"
        items = "".join(
            f"<dt>{escape((f'{by.group(1)} = ' if by else '') + str(k).replace('_', ' '))}</dt><dd>{show(x, str(k) if unit_of(str(k)) else key, depth + 1)}</dd>" for k, x in v.items()
        )
        return Markup(f'<div class="scroll"><dl class="val">{items}</dl></div>')
    if isinstance(v, list):
        if v and all(isinstance(x, dict) for x in v):
            cols: list[str] = []
            for row in v:
                cols += [k for k in row if k not in cols]
            head = "".join(f"<th>{escape(str(c).replace('_', ' '))}{f' ({unit_of(c)})' if unit_of(c) else ''}</th>" for c in cols)
            rows = "".join("<tr>" + "".join(f"<td>{show(r.get(c), '', depth + 1)}</td>" for c in cols) + "</tr>" for r in v[:FOLD])
            more = f'<tr><td colspan="{len(cols)}" class="muted">… {len(v) - FOLD} more (all in results.json)</td></tr>' if len(v) > FOLD else ""
            return Markup(f'<div class="scroll"><table class="kv inner"><tr>{head}</tr>{rows}{more}</table></div>')
        shown = Markup(", ").join(show(x, key, depth + 1) for x in v[:FOLD])
        more = f" … {len(v) - FOLD} more" if len(v) > FOLD else ""
        return shown + more
    return Markup(escape(str(v)))


def wrap_name(name: Any) -> Markup:
    """A long identifier (Lean name, quantity, check id), escaped, with break opportunities after ``.``,
    ``_`` and ``-`` so it wraps at a word boundary instead of mid-word or off the page."""
    text = str(escape("" if name is None else str(name)))
    for ch in "._-":
        text = text.replace(ch, ch + "<wbr>")
    return Markup(text)


SHARE_MIN = 300  # characters of JSON: smaller measured values are simply repeated


def _slug(text: str) -> str:
    """An HTML id from claim/check/quantity names (anything outside [A-Za-z0-9_.-] becomes ``-``)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text)


def _fingerprint(v: Any) -> str:
    return json.dumps(v, sort_keys=True, ensure_ascii=False)


def _comparison(c: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not c:
        return None
    out = dict(c)
    for k in ("measured", "expected", "error", "allowed", "ledger_allowance", "floor"):
        out[f"{k}_s"] = number(c.get(k))
    return out


def _check_view(r: Mapping[str, Any], first_under: Mapping[str, str], claim_id: str, blocks: dict[str, dict[str, str]],
                figures: list[tuple[dict[str, Any], Mapping[str, Any]]]) -> dict[str, Any]:
    """One check run for the template. A large measured value (or certificate block) identical to one
    already shown under an earlier claim is replaced by a reference to it (``blocks``: fingerprint →
    where it was first shown). Figures to draw are appended to ``figures`` (view entry, plot); the caller
    draws them all at once and fills in each entry's ``uri``."""
    plots = [p for p in r.get("plots", [])]
    key = r.get("run_key", "")
    shared = first_under.get(key) if key else None
    anchor = _slug(f"check-{claim_id}-{r.get('check_id', '')}")
    shown_here = not (shared and shared != claim_id)
    measured = []
    for k, val in (r.get("measured") or {}).items() if shown_here else ():
        fp = _fingerprint(val)
        ref = None
        if len(fp) >= SHARE_MIN:
            ref = blocks.get(fp)
            if ref is None:
                blocks[fp] = {"anchor": _slug(f"{anchor}-m-{k}"), "claim": claim_id, "check": r.get("check_id", "")}
        measured.append({"key": k, "value": val, "id": _slug(f"{anchor}-m-{k}"), "ref": ref})
    certs = r.get("certificates") or {}
    cert_ref = None
    if certs and shown_here:
        fp = "certificates:" + _fingerprint(certs)
        if len(fp) >= SHARE_MIN:
            cert_ref = blocks.get(fp)
            if cert_ref is None:
                blocks[fp] = {"anchor": f"{anchor}-certificates", "claim": claim_id, "check": r.get("check_id", "")}
    return {
        "anchor": anchor,
        "measured_rows": measured,
        "cert_ref": cert_ref,
        **r,
        "worst": _comparison(r.get("worst")),
        "failures": [_comparison(f) for f in r.get("failures", [])],
        "figures": [_pending(figures, p) for p in plots if drawable(p)] if shown_here else [],
        "point_tables": [{"title": p.get("title", ""), "xlabel": p.get("xlabel", ""), "ylabel": p.get("ylabel", ""), "rows": as_table(p)}
                         for p in plots if not drawable(p)] if shown_here else [],
        "method_html": inline_markup(r.get("method", "")),
        "shared_with": shared if shared and shared != claim_id else None,
    }


def _pending(figures: list[tuple[dict[str, Any], Mapping[str, Any]]], plot: Mapping[str, Any]) -> dict[str, Any]:
    entry = {"uri": "", "alt": alt_text(plot), "caption": plot.get("caption", "")}
    figures.append((entry, plot))
    return entry


def _stylesheet() -> Markup:
    """The project's own style sheet, inlined verbatim (HTML-escaping it would turn its quotes into
    entities and silently drop the rules that use them); it is ours, never data, and cannot close the
    ``<style>`` element."""
    css = (_TEMPLATES / "style.css").read_text(encoding="utf-8")
    if "</" in css:
        raise ValueError("style.css must not contain '</'")
    return Markup(css)


def render_html(data: Mapping[str, Any], jobs: int = 1) -> str:
    """The page, from results.json data only (figures drawn in ``jobs`` worker processes; the same page)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["show"] = show
    env.filters["num"] = number
    env.filters["markdown"] = markdown
    env.filters["wrap"] = wrap_name
    env.filters["slug"] = _slug
    first_under: dict[str, str] = {}
    for c in data["claims"]:
        for r in (*c["checks"], *c["controls"]):
            if r.get("run_key"):
                first_under.setdefault(r["run_key"], c["id"])
    blocks: dict[str, dict[str, str]] = {}
    figures: list[tuple[dict[str, Any], Mapping[str, Any]]] = []
    claims = []
    for c in data["claims"]:
        checks = [_check_view(r, first_under, c["id"], blocks, figures) for r in c["checks"]]
        controls = [_check_view(r, first_under, c["id"], blocks, figures) for r in c["controls"]]
        claims.append({**c, "checks": checks, "controls": controls})
    for (entry, _), uri in zip(figures, data_uris([p for _, p in figures], jobs)):
        entry["uri"] = uri
    groups: dict[str, list[dict[str, Any]]] = {}
    for c in claims:
        groups.setdefault(c.get("paper") or "Claims", []).append(c)
    counts = data["summary"]["counts"]
    ordered = [(k, counts[k]) for k in VERDICT_ORDER if k in counts]
    s = data["summary"]
    scope = f"{s['claims']} of {s.get('claims_total', s['claims'])} claim{'s' if s.get('claims_total', s['claims']) != 1 else ''}"
    partial = [m for m in ("only the claims named with --only" if s.get("only") else "", "quick mode (thinned default grids)" if s.get("quick") else "") if m]
    return env.get_template("index.html").render(
        title=data.get("title", ""),
        css=_stylesheet(),
        scope=scope,
        partial=partial,
        counts=ordered,
        summary=s,
        n_known=sum(1 for c in claims if c["recorded_verdict"] and not c["fails_run"]),
        n_changed=sum(1 for c in claims if c["recorded_verdict"] and c["fails_run"]),
        lean=data["lean"],
        scan=data["lean"]["static_scan"],
        lean_required_missing=data["options"].get("lean_required_but_not_run", False),
        seed=data["seed"],
        env=data["environment"],
        options=data["options"],
        seconds=data["seconds"],
        claims=claims,
        groups=groups,
        lean_href=data.get("lean_href", "../lean"),
    )
