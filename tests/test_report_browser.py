"""Open the generated report in a real headless Chromium at 900 px and 1400 px wide, with every <details>
open: it renders, every figure is visible and has alt text, the visible text holds no Python reprs, JSON
or stuttered verdict words, nothing overflows the page sideways (a <pre> may scroll inside itself), the
console shows no errors and nothing is fetched from the network. Screenshots are kept in reports/ for a
person (reports/screenshot-900.png, reports/screenshot-1400.png)."""

from pathlib import Path

import pytest

from cdp import find_chromium, open_page
from crosscheck.cli import main

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless Chromium (Debian package 'chromium'); .ci/run installs it")

WIDTHS = (900, 1400)

# Evaluated once every <details> is open. Overflow is measured on element boxes and on text runs (a
# long unbreakable word can stick out of a box that itself fits), outside <pre> blocks and wide nested
# tables, which scroll inside a box that itself must fit.
PROBE = """(() => {
  document.querySelectorAll('details').forEach(d => d.open = true);
  const de = document.documentElement, cw = de.clientWidth;
  const imgs = [...document.images];
  const sticking = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('pre') || (el.parentElement && el.parentElement.closest('.scroll'))) continue;
    const r = el.getBoundingClientRect();
    if (r.right > cw + 1) sticking.push(el.tagName + '.' + el.className + ': ' + (el.innerText || '').slice(0, 80));
  }
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walk.nextNode());) {
    if (n.parentElement.closest('pre, .scroll')) continue;
    const range = document.createRange(); range.selectNodeContents(n);
    if (range.getBoundingClientRect().right > cw + 1) sticking.push('text in ' + n.parentElement.tagName + ': ' + n.textContent.slice(0, 80));
  }
  const verdict = document.querySelector('tr.claim-row td:last-child .badge');
  return {
    title: document.title,
    rows: document.querySelectorAll('tr.claim-row').length,
    chips: document.querySelectorAll('#glance a.chip').length,
    chip_targets_missing: [...document.querySelectorAll('#glance a.chip')].filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length,
    summary: document.getElementById('summary') ? document.getElementById('summary').innerText : null,
    text: document.body.innerText,
    font: getComputedStyle(document.body).fontFamily,
    images: imgs.length,
    broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    hidden: imgs.filter(i => { const r = i.getBoundingClientRect(); return r.width < 50 || r.height < 50; }).length,
    no_alt: imgs.filter(i => !(i.getAttribute('alt') || '').trim()).length,
    scroll_width: de.scrollWidth, client_width: cw,
    sticking: sticking.slice(0, 10),
    verdict_right: verdict ? verdict.getBoundingClientRect().right : null,
  };
})()"""

FORBIDDEN = ("{'", "None", "': [", "[]", " True", " False", "&lt;", "&gt;", "&amp;", "&#")
STUTTERS = ("inconclusive: inconclusive", "error — error", "error: error", "fail: fail", "contradicted: contradicted")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """The whole ledger in quick mode: every check's presentation appears on the page."""
    out = tmp_path_factory.mktemp("browser") / "reports"
    main(["verify", "--claims", str(ROOT / "claims.toml"), "--lean-dir", str(ROOT / "lean"), "--out", str(out), "--quiet", "--quick"])
    return out / "index.html"


@pytest.mark.parametrize("width", WIDTHS)
def test_report_reads_well_in_headless_chromium(report, root, width):
    with open_page(CHROMIUM, report.as_uri(), width=width, height=1400) as page:
        v = page.evaluate(PROBE)
        shot = page.screenshot()
        rep = page.report()
    (root / "reports").mkdir(exist_ok=True)
    (root / "reports" / f"screenshot-{width}.png").write_bytes(shot)
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"
    assert v["title"].startswith("crosscheck report")
    assert v["rows"] >= 2 and v["chips"] == v["rows"] and v["chip_targets_missing"] == 0
    assert "claim" in v["summary"]
    assert "sans" in v["font"].lower()  # the style sheet applied (an escaped one silently falls back to serif)
    text = v["text"]
    for bad in FORBIDDEN:
        assert bad not in text, (bad, text[max(0, text.find(bad) - 120): text.find(bad) + 120])
    for bad in STUTTERS:
        assert bad not in text.lower(), bad
    assert v["images"] >= 2
    assert v["broken"] == 0 and v["hidden"] == 0 and v["no_alt"] == 0
    assert v["scroll_width"] <= v["client_width"], v["sticking"]
    assert v["sticking"] == []
    assert v["verdict_right"] is not None and v["verdict_right"] <= v["client_width"]
    assert rep.console_errors == [] and rep.exceptions == []
    external = [u for u in rep.requests if not u.startswith(("file:", "data:", "about:"))]
    assert external == []


def test_shared_block_is_shown_once_and_linked(report):
    """A large measured block identical under several claims (the leaky scan's readings) is shown under the
    first and linked from the others; the link resolves to the shown block."""
    with open_page(CHROMIUM, report.as_uri(), width=1400, height=1000) as page:
        v = page.evaluate("""(() => {
          const refs = [...document.querySelectorAll('table.measured a[href^="#check-"]')];
          return {refs: refs.length, missing: refs.filter(a => !document.getElementById(a.getAttribute('href').slice(1))).length};
        })()""")
    assert v["refs"] >= 1 and v["missing"] == 0
