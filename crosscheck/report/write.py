"""Write the reports atomically: build everything in a temporary directory beside the output directory,
then swap it into place under a lock, so an interrupted or failed run leaves the previous report intact
and two concurrent runs end with one complete report (last writer wins)."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from crosscheck.report.html import render_html
from crosscheck.report.junit import junit_xml
from crosscheck.report.serialize import result_data
from crosscheck.report.results_file import read_results
from crosscheck.report.summary import render_summary


REPORT_FILES = frozenset({"index.html", "results.json", "summary.md", "junit.xml", "lean-build.log", "lean-declarations.json", "premises.json"})


class OutputDirError(ValueError):
    """``--out`` names something that is not (and never was) a crosscheck report directory."""


def check_out_dir(out: str | Path) -> Path:
    """Refuse to replace anything but a missing path, an empty directory, or an earlier crosscheck report
    (a directory holding only report files: ``index.html``, ``results.json``, ``junit.xml``, logs,
    screenshots). The report directory is replaced whole, so anything else in it would be lost."""
    p = Path(out).resolve()
    if not p.exists():
        if p.parent.exists() and not p.parent.is_dir():
            raise OutputDirError(f"--out {out}: {p.parent} is not a directory")
        return p
    if not p.is_dir():
        raise OutputDirError(f"--out {out}: exists and is not a directory; refusing to replace it")
    foreign = sorted(
        f.name for f in p.iterdir() if not (f.name in REPORT_FILES or (f.name.startswith("screenshot") and f.suffix == ".png"))
    )
    if foreign:
        shown = ", ".join(foreign[:5]) + (" …" if len(foreign) > 5 else "")
        raise OutputDirError(
            f"--out {out}: the directory holds files that are not a crosscheck report ({shown}); "
            "the report directory is replaced whole, so choose an empty or new directory"
        )
    return p


@contextmanager
def _lock(path: Path) -> Iterator[None]:
    with open(path, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_reports(result, out_dir: str | Path, *, root: str | Path = ".", extra_files: dict[str, Path] | None = None, jobs: int = 1) -> Path:
    """Write ``index.html``, ``results.json``, ``summary.md``, ``junit.xml`` (and ``extra_files``, name → source path)
    into ``out_dir``, replacing the previous report only once all of them are complete (figures drawn in
    ``jobs`` worker processes)."""
    out = check_out_dir(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes 0700; a report directory is an ordinary directory
    try:
        project = getattr(result.ledger, "project", None)
        lean_dir = result.options.get("lean_dir") or (project.lean_path if project is not None else Path(root).resolve() / "lean")
        lean_href = os.path.relpath(Path(lean_dir).resolve(), out)
        data = result_data(result, root=root, lean_href=lean_href)
        (tmp / "results.json").write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False), encoding="utf-8")
        (tmp / "summary.md").write_text(render_summary(data, title=data.get("title")), encoding="utf-8")
        (tmp / "junit.xml").write_bytes(junit_xml(result))
        (tmp / "index.html").write_text(render_html(data, jobs), encoding="utf-8")
        for name, src in (extra_files or {}).items():
            if Path(src).is_file():
                shutil.copyfile(src, tmp / name)
        with _lock(out.parent / f".{out.name}.lock"):
            check_out_dir(out)  # again, under the lock: another process may have put something there
            old = None
            if out.exists():
                # keep the browser test's screenshot (made from an earlier report) unless this run made one
                for f in out.glob("screenshot*.png"):
                    if f.is_file() and not (tmp / f.name).exists():
                        shutil.copy2(f, tmp / f.name)
                old = out.parent / f".{out.name}.old-{os.getpid()}"
                os.rename(out, old)
            os.rename(tmp, out)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def rerender(results_path: str | Path, out_dir: str | Path | None = None, jobs: int = 1) -> Path:
    """Re-render ``index.html`` (and ``summary.md``) from a saved ``results.json``, without re-running
    anything; written beside it unless ``out_dir`` is given. The page depends on the data alone, so the
    same data gives the same page."""
    src = Path(results_path)
    if src.is_dir():
        src = src / "results.json"
    data = read_results(src, exact_schema=True)
    out = Path(out_dir) if out_dir is not None else src.parent
    if out_dir is not None:
        check_out_dir(out)
    try:  # render everything before writing anything: malformed data leaves no half-written report
        html = render_html(data, jobs)
        summary = render_summary(data, title=data.get("title"))
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"{results_path}: malformed results.json ({type(exc).__name__}: {exc}); nothing written") from None
    if out_dir is not None:
        out.mkdir(parents=True, exist_ok=True)
        if src.resolve() != (out / "results.json").resolve():
            shutil.copyfile(src, out / "results.json")
    tmp = out / ".index.html.tmp"
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, out / "index.html")
    (out / "summary.md").write_text(summary, encoding="utf-8")
    return out
