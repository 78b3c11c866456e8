"""Draw plot data (:class:`~crosscheck.engine.results.Plot`, as a results.json dict) into PNG data URIs.

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas: no pyplot, no global
backend switch. Series have a fixed colour and line style per role (paper / ours / paper's method), so
the three never share a hue; tick labels are thinned and rotated where they would overlap.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Mapping

_STYLES = {"line": "-", "markers": "o", "line+markers": "-o", "step": "-"}
# colour-blind-safe (Okabe–Ito); role → (colour, line style, marker)
ROLE_STYLE = {
    "paper": ("#D55E00", "--", "s"),
    "ours": ("#0072B2", "-", "o"),
    "replay": ("#009E73", ":", "^"),
}
CYCLE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
MARK_COLOURS = ("#D55E00", "#009E73", "#CC79A7", "#000000")
MAX_TICKS = 12


def drawable(plot: Mapping[str, Any]) -> bool:
    """A figure says more than a table only with at least two points (or a heat map)."""
    if plot.get("kind") == "heatmap":
        return bool(plot.get("z"))
    return sum(len(s.get("x", ())) for s in plot.get("series", ())) >= 2


def render_png(plot: Mapping[str, Any], dpi: int = 90) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.6, 4.0), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if plot.get("kind") == "heatmap":
        # float() turns the serialised "nan" of an empty cell back into NaN, which imshow leaves blank
        z = [[float(v) if v is not None else float("nan") for v in row] for row in plot["z"]]
        im = ax.imshow(z, aspect="auto", origin="lower", cmap="viridis")
        fig.colorbar(im, ax=ax)
        for axis, ticks in (("x", plot.get("xticks") or ()), ("y", plot.get("yticks") or ())):
            if ticks:
                step = max(1, len(ticks) // MAX_TICKS)
                pos = list(range(0, len(ticks), step))
                (ax.set_xticks if axis == "x" else ax.set_yticks)(pos, [ticks[i] for i in pos])
    else:
        for i, s in enumerate(plot.get("series", ())):
            colour, ls, marker = ROLE_STYLE.get(s.get("role") or "", (CYCLE[i % len(CYCLE)], "-", "o"))
            style = s.get("style", "line")
            x = [float(v) for v in s["x"]]
            y = [float(v) for v in s["y"]]
            if style == "step":
                ax.step(x, y, where="post", label=s["label"], color=colour, ls=ls)
            elif style == "markers":
                ax.plot(x, y, ls="none", marker=marker, markersize=4, label=s["label"], color=colour)
            elif style == "line+markers":
                ax.plot(x, y, ls=ls, marker=marker, markersize=4, label=s["label"], color=colour)
            else:
                ax.plot(x, y, ls=ls, label=s["label"], color=colour)
        if plot.get("logx"):
            ax.set_xscale("log")
        if plot.get("logy"):
            ax.set_yscale("log")
        elif plot.get("symlogy"):
            ax.set_yscale("symlog", linthresh=1e-6)
    for i, (x, label) in enumerate(plot.get("vlines", ())):
        ax.axvline(float(x), color=MARK_COLOURS[i % 4], ls="--", lw=1.2, label=label)
    for i, (y, label) in enumerate(plot.get("hlines", ())):
        ax.axhline(float(y), color=MARK_COLOURS[(i + 2) % 4], ls=":", lw=1.2, label=label)
    ax.set_title(plot.get("title", ""), fontsize=10)
    ax.set_xlabel(plot.get("xlabel", ""))
    ax.set_ylabel(plot.get("ylabel", ""))
    ax.tick_params(labelsize=8)
    for lab in ax.get_xticklabels():
        lab.set_rotation(0 if len(ax.get_xticklabels()) <= 8 else 30)
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=8, loc="best", framealpha=0.85)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def data_uri(plot: Mapping[str, Any]) -> str:
    return "data:image/png;base64," + base64.b64encode(render_png(plot)).decode("ascii")


def alt_text(plot: Mapping[str, Any]) -> str:
    """What the figure shows, in words, for screen readers and broken images."""
    series = ", ".join(s["label"] for s in plot.get("series", ()))
    return f"{plot.get('title', 'figure')}: {plot.get('ylabel', '')} against {plot.get('xlabel', '')}" + (f" ({series})" if series else "")


def as_table(plot: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """A figure with fewer than two points, as (series, x, y) rows."""
    return [(s["label"], f"{float(x):.6g}", f"{float(y):.6g}") for s in plot.get("series", ()) for x, y in zip(s["x"], s["y"])]
