"""The self-contained HTML report: summary first, one row per claim, evidence folded beneath.

No network resources: CSS is inlined, figures are PNG data URIs, and a Content-Security-Policy forbids
anything else. All text from the ledger, Lean sources and Lean messages goes through Jinja2 autoescaping.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import re

import jinja2
from markupsafe import Markup, escape

from crosscheck.checks import registry
from crosscheck.report.figures import data_uri
from crosscheck.report.serialize import result_data
from crosscheck.verdict import VERDICTS

_TEMPLATES = Path(__file__).with_name("templates")


def inline_markup(text: str) -> Markup:
    """Docstring text for the page: escaped first, then ``code`` and **bold** (RST/Markdown inline) shown
    as such. Nothing else is interpreted."""
    safe = str(escape(text))
    safe = re.sub(r"``(.+?)``", r"<code>\1</code>", safe)
    safe = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", safe)
    return Markup(safe)


def _fmt(x: Any) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def _comparison_view(c: dict[str, Any] | None) -> dict[str, Any] | None:
    if not c:
        return None
    return {**c, **{f"{k}_s": _fmt(c[k]) for k in ("measured", "expected")}, **{f"{k}_s": f"{c[k]:.3g}" for k in ("error", "allowed", "atol")}}


def _measured_items(measured: dict[str, Any]) -> list[tuple[str, str]]:
    items = []
    for k, v in measured.items():
        if v is None or v == "":
            continue  # nothing measured under that name in this run
        text = _fmt(v) if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False, default=str)
        if len(text) > 1500:
            text = text[:1500] + " … (full value in results.json)"
        items.append((k, text))
    return items


def _check_view(r: dict[str, Any], plots: dict[str, Any], root: Path) -> dict[str, Any]:
    spec = registry().get(r["check_id"])
    source = ""
    if spec:
        path, _, line = spec.source.rpartition(":")
        try:
            source = f"{os.path.relpath(path, root)}:{line}"
        except ValueError:
            source = spec.source
    figures = [{"uri": data_uri(p), "title": p.title, "caption": p.caption} for p in plots.get(id(r), [])]
    return {
        **r,
        "worst": _comparison_view(r.get("worst")),
        "failures": [_comparison_view(f) for f in r.get("failures", [])],
        "measured_items": _measured_items(r.get("measured", {})),
        "figures": figures,
        "method": inline_markup(spec.method) if spec else "",
        "source": source,
    }


def render_html(result, root: str | Path = ".", lean_href: str = "../lean") -> str:
    data = result_data(result)
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(_TEMPLATES)), autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["show"] = _fmt
    claims = []
    for v, cd in zip(result.claims, data["claims"]):
        plots: dict[int, list] = {}
        for r_obj, r_dict in zip((*v.evidence, *v.controls), (*cd["checks"], *cd["controls"])):
            plots[id(r_dict)] = list(r_obj.plots)
        claims.append(
            {
                **cd,
                "checks": [_check_view(r, plots, Path(root)) for r in cd["checks"]],
                "controls": [_check_view(r, plots, Path(root)) for r in cd["controls"]],
            }
        )
    counts = result.counts()
    ordered = [(k, counts[k]) for k in VERDICTS if k in counts]
    return env.get_template("index.html").render(
        title=result.ledger.title,
        css=(_TEMPLATES / "style.css").read_text(encoding="utf-8"),
        n_claims=len(result.claims),
        counts=ordered,
        exit_code=result.exit_code,
        n_known=sum(1 for v in result.claims if v.recorded and not v.fails_run),
        n_changed=sum(1 for v in result.claims if v.recorded and v.fails_run),
        lean=data["lean"],
        scan=data["lean"]["static_scan"],
        lean_required_missing=result.options.get("lean_required_but_not_run", False),
        seed=result.seed,
        env=data["environment"],
        options=data["options"],
        seconds=result.seconds,
        claims=claims,
        lean_href=lean_href,
    )
