"""Render a run: ``index.html``, ``results.json``, ``summary.md``, ``junit.xml``. This package only reads
results; the page is rendered from results.json data alone. Heavy imports (jinja2, matplotlib, numpy)
happen on first use, so the command line starts fast."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    if name == "write_reports":
        from crosscheck.report.write import write_reports

        return write_reports
    raise AttributeError(f"module 'crosscheck.report' has no attribute {name!r}")


__all__ = ["write_reports"]
