"""Open the generated report in a real headless Chromium: it renders, every figure is visible, the console
shows no errors, nothing is fetched from the network; a screenshot is kept in reports/ for a person."""

import pytest

from cdp import find_chromium, inspect_page
from crosscheck.cli import main

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium (Debian package 'chromium'); .ci/run installs it")

PROBE = """(() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const imgs = [...document.images];
  return {
    title: document.title,
    rows: document.querySelectorAll('tr.claim-row').length,
    summary: document.getElementById('summary') ? document.getElementById('summary').innerText : null,
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    hidden: imgs.filter(i => { const r = i.getBoundingClientRect(); return r.width < 50 || r.height < 50; }).length,
  };
})()"""


def test_report_renders_in_headless_chromium(tmp_path, root):
    out = tmp_path / "reports"
    main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(root / "lean"), "--out", str(out), "--quiet", "--quick", "--only", "prop-7.4", "thm-7.6i"])
    page = out / "index.html"
    rep = inspect_page(CHROMIUM, page.as_uri(), PROBE)
    (root / "reports").mkdir(exist_ok=True)
    (root / "reports" / "screenshot.png").write_bytes(rep.screenshot)
    v = rep.value
    assert v["title"].startswith("crosscheck report")
    assert v["rows"] == 2
    assert "claim" in v["summary"]
    assert v["images"] >= 2
    assert v["broken"] == 0 and v["hidden"] == 0
    assert rep.console_errors == [] and rep.exceptions == []
    external = [u for u in rep.requests if not u.startswith(("file:", "data:", "about:"))]
    assert external == []
    assert rep.screenshot[:8] == b"\x89PNG\r\n\x1a\n"
