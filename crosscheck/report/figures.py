"""Draw :class:`~crosscheck.checks.base.Plot` data with matplotlib (Agg) into inline PNG data URIs."""

from __future__ import annotations

import base64
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from crosscheck.checks.base import Plot  # noqa: E402

_STYLES = {"line": "-", "markers": "o", "line+markers": "-o", "step": "-"}


def render_png(plot: Plot, dpi: int = 90) -> bytes:
    fig, ax = plt.subplots(figsize=(6.4, 3.8), dpi=dpi)
    try:
        if plot.kind == "heatmap":
            im = ax.imshow(plot.z, aspect="auto", origin="lower", cmap="viridis")
            fig.colorbar(im, ax=ax)
            if plot.xticks:
                ax.set_xticks(range(len(plot.xticks)), plot.xticks)
            if plot.yticks:
                ax.set_yticks(range(len(plot.yticks)), plot.yticks)
        else:
            for s in plot.series:
                fmt = _STYLES.get(s.style, "-")
                kw = {"markersize": 4} if "o" in fmt else {}
                if s.style == "step":
                    ax.step(s.x, s.y, where="post", label=s.label)
                else:
                    ax.plot(s.x, s.y, fmt, label=s.label, **kw)
            if plot.logx:
                ax.set_xscale("log")
            if plot.logy:
                ax.set_yscale("log")
            elif plot.symlogy:
                ax.set_yscale("symlog", linthresh=1e-6)
        colors = ["#d62728", "#2ca02c", "#9467bd", "#8c564b"]
        for i, (x, label) in enumerate(plot.vlines):
            ax.axvline(x, color=colors[i % 4], ls="--", lw=1, label=label)
        for i, (y, label) in enumerate(plot.hlines):
            ax.axhline(y, color=colors[(i + 2) % 4], ls=":", lw=1, label=label)
        ax.set_title(plot.title, fontsize=10)
        ax.set_xlabel(plot.xlabel)
        ax.set_ylabel(plot.ylabel)
        if plot.series or plot.vlines or plot.hlines:
            ax.legend(fontsize=8, loc="best")
        ax.grid(alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def data_uri(plot: Plot) -> str:
    return "data:image/png;base64," + base64.b64encode(render_png(plot)).decode("ascii")
