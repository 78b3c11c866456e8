"""Render a :class:`~crosscheck.verify.RunResult`: ``index.html``, ``results.json``, ``junit.xml``.
This package only reads results."""

from crosscheck.report.write import write_reports

__all__ = ["write_reports"]
