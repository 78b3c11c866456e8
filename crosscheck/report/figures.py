"""Draw plot data (:class:`~crosscheck.engine.results.Plot`, as a results.json dict) into PNG data URIs.

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas: no pyplot, no global
backend switch. Series have a fixed colour and line style per role (paper / ours / paper's method), so
the three never share a hue; tick labels are thinned and rotated where they would overlap. All figure text
is plain (powers of ten as ``×10⁻⁵``, ``10⁻³`` in Unicode): nothing goes through matplotlib's mathtext parser.
"""

from __future__ import annotations

import base64
import io
import math
import re
from typing import Any, Mapping

_STYLES = {"line": "-", "markers": "o", "line+markers": "-o", "step": "-"}
# colour-blind-safe (Okabe–Ito); role → (colour, line style, marker)
ROLE_STYLE = {
    "paper": ("#D55E00", "--", "s"),
    "ours": ("#0072B2", "-", "o"),
    "replay": ("#009E73", ":", "^"),
}
ROLE_WORDS = {"paper": "the paper's value", "ours": "ours", "replay": "the paper's method, replayed"}
# series without a role: colours and dash patterns that no role uses, so a role is never mistaken
CYCLE = ("#E69F00", "#CC79A7", "#56B4E9", "#000000", "#7F7F7F", "#8C510A")
DASHES = ("-", "-.", (0, (5, 1.5)), (0, (1, 1.2)), (0, (6, 2, 1, 2, 1, 2)), (0, (3, 3)), (0, (8, 3)))
MARKERS = ("o", "D", "v", "P", "X", "*")
MARK_COLOURS = ("#000000", "#7F7F7F", "#CC79A7", "#8C510A")
MAX_TICKS = 12
FIG_WIDTH_PX, FIG_HEIGHT_PX, DPI = 720, 430, 100


def mark_role(label: str) -> str:
    """The role of a vertical/horizontal mark, read from its label's first words: "paper's method …" or
    "replay …" → replay, "paper …"/"claimed …" → paper, "ours …"/"our …" → ours; otherwise none."""
    low = label.strip().lower()
    if low.startswith(("paper's method", "paper’s method", "replay")):
        return "replay"
    if low.startswith(("paper", "claimed")):
        return "paper"
    if low.startswith(("ours", "our ")):
        return "ours"
    return ""


def drawable(plot: Mapping[str, Any]) -> bool:
    """A figure says more than a table only with at least two points (or a heat map)."""
    if plot.get("kind") == "heatmap":
        return bool(plot.get("z"))
    return sum(len(s.get("x", ())) for s in plot.get("series", ())) >= 2


def _series_styles(series: list[Mapping[str, Any]]) -> list[tuple[str, Any, str, float]]:
    """(colour, line style, marker, line width) per series: a role's fixed style for its first series,
    then distinct colours *and* dash patterns for the rest, widest first so no line hides another."""
    out, used, free = [], set(), 0
    n = len(series)
    taken = {ROLE_STYLE[s["role"]][1] for s in series if s.get("role") in ROLE_STYLE}
    dashes = [d for d in DASHES if d not in taken]
    for i, s in enumerate(series):
        role = s.get("role") or ""
        if role in ROLE_STYLE and role not in used:
            used.add(role)
            colour, ls, marker = ROLE_STYLE[role]
        else:
            colour, ls, marker = CYCLE[free % len(CYCLE)], dashes[free % len(dashes)], MARKERS[free % len(MARKERS)]
            free += 1
        out.append((colour, ls, marker, 2.6 - 1.2 * i / max(n - 1, 1)))
    return out


def render_png(plot: Mapping[str, Any], dpi: int = DPI) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=(FIG_WIDTH_PX / dpi, FIG_HEIGHT_PX / dpi), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if plot.get("kind") == "heatmap":
        # float() turns the serialised "nan" of an empty cell back into NaN, which imshow leaves blank
        z = [[float(v) if v is not None else float("nan") for v in row] for row in plot["z"]]
        im = ax.imshow(z, aspect="auto", origin="lower", cmap="viridis")
        fig.colorbar(im, ax=ax)
        for axis, ticks in (("x", plot.get("xticks") or ()), ("y", plot.get("yticks") or ())):
            if ticks:
                step = max(1, -(-len(ticks) // MAX_TICKS))
                pos = list(range(0, len(ticks), step))
                (ax.set_xticks if axis == "x" else ax.set_yticks)(pos, [ticks[i] for i in pos])
    else:
        series = list(plot.get("series", ()))
        for s, (colour, ls, marker, lw) in zip(series, _series_styles(series)):
            style = s.get("style", "line")
            x = [float(v) for v in s["x"]]
            y = [float(v) for v in s["y"]]
            if style == "step":
                ax.step(x, y, where="post", label=s["label"], color=colour, ls=ls, lw=lw)
            elif style == "markers":
                size = 5.0 if len(x) <= 60 else 3.0 if len(x) <= 400 else 1.8  # dense scans stay readable
                ax.plot(x, y, ls="none", marker=marker, markersize=size, label=s["label"], color=colour, markeredgewidth=0)
            elif style == "line+markers":
                ax.plot(x, y, ls=ls, lw=lw, marker=marker, markersize=4, label=s["label"], color=colour)
            else:
                ax.plot(x, y, ls=ls, lw=lw, label=s["label"], color=colour)
        if plot.get("logx"):
            ax.set_xscale("log")
        if plot.get("logy"):
            ax.set_yscale("log")
        elif plot.get("symlogy"):
            ax.set_yscale("symlog", linthresh=1e-6)
            ax.yaxis.set_major_formatter(_decade_formatter())
        for axis, is_log in ((ax.xaxis, plot.get("logx")), (ax.yaxis, plot.get("logy"))):
            if is_log:
                _plain_log_ticks(axis)
        if not plot.get("logx"):
            ax.xaxis.set_major_locator(MaxNLocator(nbins=7))
        if not (plot.get("logy") or plot.get("symlogy")):
            ax.yaxis.set_major_locator(MaxNLocator(nbins=8))
    free = 0
    for kind, marks in (("v", plot.get("vlines", ())), ("h", plot.get("hlines", ()))):
        for pos, label in marks:
            role = mark_role(label)
            if role:
                colour, ls, _ = ROLE_STYLE[role]
            else:
                colour, ls = MARK_COLOURS[free % len(MARK_COLOURS)], (":" if kind == "h" else (0, (4, 2, 1, 2)))
                free += 1
            (ax.axvline if kind == "v" else ax.axhline)(float(pos), color=colour, ls=ls, lw=1.3, label=label)
    ax.set_title(plot.get("title", ""), fontsize=11, wrap=True)
    ax.set_xlabel(plot.get("xlabel", ""), fontsize=10)
    ax.set_ylabel(plot.get("ylabel", ""), fontsize=10)
    ax.tick_params(labelsize=9)
    if _scalar_axes(plot):
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(_scalar_formatter())
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(fontsize=8.5, loc="best", framealpha=0.9, markerscale=max(1.0, 4.0 / min(_marker_sizes(ax), default=4.0)))
    ax.grid(alpha=0.3)
    fig.tight_layout()
    _unoverlap_xticks(fig, ax)
    return _png(fig)


def _png(fig: Any) -> bytes:
    """The laid-out figure as PNG: one draw on its Agg canvas, encoded as ``savefig`` encodes it (Pillow, the
    figure's dpi). ``savefig`` itself would draw twice: ``tight_layout`` leaves a placeholder layout engine on
    the figure, and with any engine set, saving first runs a whole (non-rendering) draw pass."""
    from matplotlib.image import imsave

    fig.canvas.draw()
    buf = io.BytesIO()
    imsave(buf, fig.canvas.buffer_rgba(), format="png", dpi=fig.dpi)
    return buf.getvalue()


def _marker_sizes(ax: Any) -> list[float]:
    return [ln.get_markersize() for ln in ax.get_lines() if ln.get_marker() not in (None, "None", "", " ")]


def _plain_log_ticks(axis: Any) -> None:
    """A log axis spanning less than three decades gets ticks at 1, 2, 5 × 10ᵏ written as plain numbers
    (not ``3×10⁰``, and no unlabelled minor-tick clutter); wider axes keep matplotlib's decades, written
    ``10⁻³`` in plain text (:func:`power_of_ten`)."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    lo, hi = sorted(axis.get_view_interval())
    if lo > 0 and hi / lo < 1e3:
        axis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    else:
        axis.set_major_formatter(_decade_formatter())
    axis.set_minor_formatter(NullFormatter())


def _decade_formatter() -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _: _decade_label(v))


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(k: int) -> str:
    """``10ᵏ`` in plain text (Unicode superscripts): figure text without TeX, so nothing is parsed as
    mathtext (which took a quarter of the report's drawing time)."""
    return "10" + str(int(k)).translate(_SUPERSCRIPT)


def _decade_label(v: float) -> str:
    """A tick of a log or symlog axis: ``±10ᵏ`` at a power of ten, ``0``, anything else unlabelled."""
    if v == 0:
        return "0"
    k = math.log10(abs(v))
    if abs(k - round(k)) > 1e-9:
        return ""
    return ("−" if v < 0 else "") + power_of_ten(round(k))


def _scalar_formatter() -> Any:
    """matplotlib's ScalarFormatter (scientific outside 10⁻³…10⁴, no offset) with plain-text tick labels and
    its order of magnitude written ``×10⁻⁴`` in plain text instead of mathtext."""
    from matplotlib.ticker import ScalarFormatter

    class _Plain(ScalarFormatter):
        def get_offset(self) -> str:
            text = super().get_offset()  # "1e-4" (the minus may be U+2212) without mathtext
            order = re.fullmatch(r"1e([-−]?\d+)", text)
            return "×" + power_of_ten(int(order.group(1).replace("−", "-"))) if order else text

    fmt = _Plain(useOffset=False, useMathText=False)
    fmt.set_scientific(True)
    fmt.set_powerlimits((-3, 4))
    return fmt


def _scalar_axes(plot: Mapping[str, Any]) -> bool:
    return plot.get("kind") != "heatmap" and not (plot.get("logx") or plot.get("logy") or plot.get("symlogy"))


def _unoverlap_xticks(fig: Any, ax: Any) -> None:
    """Rotate the x tick labels if any two of them overlap in the laid-out figure (then lay out again). The
    axis places its tick labels for the current layout when asked for its extent (no full draw)."""
    renderer = fig.canvas.get_renderer()
    ax.xaxis.get_tightbbox(renderer)
    boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]
    boxes.sort(key=lambda b: b.x0)
    if any(a.x1 + 2 > b.x0 for a, b in zip(boxes, boxes[1:])):
        for t in ax.get_xticklabels():
            t.set_rotation(30)
            t.set_horizontalalignment("right")
        fig.tight_layout()


def data_uri(plot: Mapping[str, Any]) -> str:
    return "data:image/png;base64," + base64.b64encode(render_png(plot)).decode("ascii")


def data_uris(plots: list[Mapping[str, Any]], jobs: int = 1) -> list[str]:
    """:func:`data_uri` of each plot, in order; with ``jobs`` > 1 in forked worker processes (a figure is
    drawn from its data alone, so the bytes do not depend on where: the page stays reproducible)."""
    from crosscheck.engine.parallel import process_map

    if jobs > 1 and len(plots) > 1:
        import matplotlib.backends.backend_agg  # noqa: F401  (imported once, before the workers fork)
        import matplotlib.figure  # noqa: F401
    return process_map(jobs)(data_uri, plots)


def alt_text(plot: Mapping[str, Any]) -> str:
    """What the figure shows, in words, for screen readers and broken images."""
    parts = [s["label"] + (f" ({ROLE_WORDS[s['role']]})" if s.get("role") in ROLE_WORDS else "") for s in plot.get("series", ())]
    parts += [label for _, label in (*plot.get("vlines", ()), *plot.get("hlines", ()))]
    what = f"{plot.get('ylabel', '')} against {plot.get('xlabel', '')}" if plot.get("kind") != "heatmap" else "heat map"
    text = f"{plot.get('title') or 'figure'}: {what}" + (f"; shows {', '.join(parts)}" if parts else "")
    return text.strip() or "figure"


def as_table(plot: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """A figure with fewer than two points, as (series, x, y) rows."""
    return [(s["label"], f"{float(x):.6g}", f"{float(y):.6g}") for s in plot.get("series", ()) for x, y in zip(s["x"], s["y"])]
