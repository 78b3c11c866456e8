"""The report: escaped text, no external resources, atomic and concurrent writes, determinism."""

import json
import re
import subprocess
import sys

import pytest

from crosscheck.cli import main
from crosscheck.report.serialize import stable_view

HOSTILE = '<script>alert(1)</script> and "><img src=x onerror=alert(2)>'
CLAIM = '''
[[claim]]
id = "hostile"
title = {title}
source = "S"
statement = {statement}
notes = {statement}
checks = ["hypothesis-alpha-positive-needed", "regularized-posdef"]
[claim.expect]
lambda_min = "alpha"
alpha_multiplicity = "(m - 1) * d"
[claim.params.regularized-posdef]
m_max = 3
d_max = 2
'''


def _ledger(tmp_path, title="T", statement="S"):
    p = tmp_path / "claims.toml"
    p.write_text(CLAIM.format(title=json.dumps(title), statement=json.dumps(statement)), encoding="utf-8")
    return p


def _verify(tmp_path, ledger, out, *extra):
    return main(["verify", "--claims", str(ledger), "--out", str(out), "--quiet", "--quick", "--lean-dir", str(tmp_path / "nolean"), *extra])


def test_hostile_ledger_text_is_escaped(tmp_path):
    out = tmp_path / "r"
    _verify(tmp_path, _ledger(tmp_path, title=HOSTILE, statement=HOSTILE), out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html


def test_hostile_lean_docstring_is_escaped(tmp_path):
    lean = tmp_path / "lean"
    (lean / "P").mkdir(parents=True)
    (lean / "lean-toolchain").write_text("leanprover/lean4:v4.24.0\n")
    (lean / "P" / "A.lean").write_text(f"namespace NeuralLandscapes\n/-- {HOSTILE} -/\ntheorem t : True := trivial\nend NeuralLandscapes\n")
    ledger = tmp_path / "claims.toml"
    ledger.write_text(CLAIM.format(title='"T"', statement='"S"').replace('source = "S"', 'source = "S"\nlean = ["NeuralLandscapes.t"]'))
    out = tmp_path / "r"
    main(["verify", "--claims", str(ledger), "--out", str(out), "--quiet", "--quick", "--lean-dir", str(lean), "--lean", "skip"])
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html


def test_page_loads_nothing_external(tmp_path):
    out = tmp_path / "r"
    _verify(tmp_path, _ledger(tmp_path), out)
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in html
    srcs = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert srcs, "expected figures and links"
    for s in srcs:
        assert s.startswith(("data:", "#", "results.json", "junit.xml", "../", "lean")) or not re.match(r"^[a-z]+://", s), s
    assert "<link" not in html and "<script" not in html


def test_same_seed_same_results(tmp_path):
    ledger = _ledger(tmp_path)
    _verify(tmp_path, ledger, tmp_path / "a", "--seed", "11")
    _verify(tmp_path, ledger, tmp_path / "b", "--seed", "11")
    _verify(tmp_path, ledger, tmp_path / "c", "--seed", "12")
    a, b, c = (json.loads((tmp_path / x / "results.json").read_text()) for x in "abc")
    assert stable_view(a) == stable_view(b)
    assert a["seed"] == 11 and a["environment"]["seed"] == 11
    assert stable_view(a) != stable_view(c)
    assert a["environment"]["numpy"] and a["environment"]["git_commit"]


def test_failed_write_leaves_previous_report(tmp_path, monkeypatch):
    out = tmp_path / "r"
    ledger = _ledger(tmp_path)
    _verify(tmp_path, ledger, out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr("crosscheck.report.write.render_html", boom)
    with pytest.raises(RuntimeError):
        _verify(tmp_path, ledger, out, "--seed", "99")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not list(tmp_path.glob(".r.tmp-*")) and not list(tmp_path.glob(".r.old-*"))


def test_concurrent_runs_leave_one_complete_report(tmp_path):
    ledger = _ledger(tmp_path)
    out = tmp_path / "r"
    cmd = [sys.executable, "-m", "crosscheck", "verify", "--claims", str(ledger), "--out", str(out), "--quiet", "--quick", "--lean-dir", str(tmp_path / "nolean")]
    procs = [subprocess.Popen([*cmd, "--seed", str(s)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for s in (1, 2, 3)]
    for p in procs:
        assert p.wait(timeout=300) == 0, p.stderr.read().decode()
    data = json.loads((out / "results.json").read_text())
    assert data["seed"] in (1, 2, 3)
    html = (out / "index.html").read_text()
    assert f"seed {data['seed']}" in html  # the HTML and the JSON come from the same run
    assert html.rstrip().endswith("</html>")
    assert not list(tmp_path.glob(".r.tmp-*")) and not list(tmp_path.glob(".r.old-*"))


def test_method_markup_is_escaped_before_formatting():
    from crosscheck.report.html import inline_markup

    out = str(inline_markup("uses ``x < y`` and **<b>bold</b>** <script>"))
    assert out == "<p>uses <code>x &lt; y</code> and <strong>&lt;b&gt;bold&lt;/b&gt;</strong> &lt;script&gt;</p>\n"


@pytest.mark.slow
def test_whole_ledger_is_deterministic(tmp_path, root):
    """Every check of the project's ledger, run twice with one seed: the same results.json apart from
    timings and the date."""
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(root / "lean"), "--out", str(out), "--quiet", "--seed", "5"])
        data = json.loads((out / "results.json").read_text())
        data["options"].pop("argv")  # names the output directory
        runs.append(stable_view(data))
    assert runs[0] == runs[1]


@pytest.mark.parametrize("kind", ["foreign-dir", "file", "nested-under-file"])
def test_out_refuses_to_replace_what_is_not_a_report(tmp_path, capsys, kind):
    target = tmp_path / "target"
    if kind == "foreign-dir":
        (target / "sub").mkdir(parents=True)
        (target / "notes.txt").write_text("keep me")
        (target / "sub" / "data.csv").write_text("1,2")
    else:
        target.write_text("keep me")
        if kind == "nested-under-file":
            target = target / "reports"
    ledger = _ledger(tmp_path)
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    code = _verify(tmp_path, ledger, target)
    assert code == 2
    assert "--out" in capsys.readouterr().err
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "target" / "notes.txt").read_text() == "keep me" if kind == "foreign-dir" else (tmp_path / "target").read_text() == "keep me"


def test_out_replaces_an_earlier_report_and_keeps_permissions(tmp_path):
    out = tmp_path / "r"
    ledger = _ledger(tmp_path)
    assert _verify(tmp_path, ledger, out) == 0
    (out / "screenshot.png").write_bytes(b"png")
    assert _verify(tmp_path, ledger, out) == 0  # an earlier report (plus a screenshot) is replaced
    assert (out / "screenshot.png").read_bytes() == b"png"
    import os

    umask = os.umask(0)
    os.umask(umask)
    assert (out.stat().st_mode & 0o777) == (0o777 & ~umask)


def test_rerender_from_saved_results_is_identical(tmp_path):
    """The page depends on results.json alone: ``crosscheck report results.json --out DIR`` writes the
    very page ``verify`` wrote."""
    out = tmp_path / "r"
    _verify(tmp_path, _ledger(tmp_path), out)
    again = tmp_path / "again"
    assert main(["report", str(out / "results.json"), "--out", str(again)]) == 0
    assert (again / "index.html").read_bytes() == (out / "index.html").read_bytes()
    assert (again / "summary.md").read_bytes() == (out / "summary.md").read_bytes()
    for jobs in ("1", "2"):
        other = tmp_path / f"jobs{jobs}"
        assert main(["report", str(out / "results.json"), "--out", str(other), "--jobs", jobs]) == 0
        assert (other / "index.html").read_bytes() == (out / "index.html").read_bytes()


def test_figures_drawn_in_worker_processes_are_the_same_bytes():
    from crosscheck.engine.parallel import can_fork
    from crosscheck.report.figures import data_uris

    plots = [{"series": [{"label": "ours", "role": "ours", "x": [1, 2, 3], "y": [3, 1, 2]}], "title": f"t{i}", "xlabel": "x",
              "ylabel": "y"} for i in range(3)]
    serial = data_uris(plots, 1)
    assert len(set(serial)) == 3 and all(u.startswith("data:image/png;base64,") for u in serial)
    if can_fork():
        assert data_uris(plots, 2) == serial


def test_measured_values_read_as_words_tables_and_units():
    from crosscheck.report.html import show

    nested = {
        "cases": [{"case": f"m={m}", "kernel_dim": m, "ok": True, "gap": 1e-14 * m, "note": None} for m in range(20)],
        "seconds_by_m": {"3": 0.25, "5": 1.0},
        "flags": [True, False],
        "empty": [],
        "nothing": None,
        "words": ["a<b", "c"],
    }
    html = str(show(nested))
    assert "<table" in html and "… 8 more" in html  # 20 records fold after 12
    assert "m = 3" in html and "0.25 s" in html and ">1 s<" in html
    assert "yes, no" in html and "a&lt;b, c" in html
    for bad in ("None", "True", "False", "[]", "{'", "&amp;lt;"):
        assert bad not in html, bad
    assert str(show(list(range(30)))).endswith("… 18 more")


def test_style_sheet_is_inlined_verbatim(tmp_path):
    """Escaping the CSS would turn its quoted font names into entities and drop whole rules."""
    from crosscheck.report.html import _stylesheet

    out = tmp_path / "r"
    _verify(tmp_path, _ledger(tmp_path), out)
    html = (out / "index.html").read_text(encoding="utf-8")
    css = str(_stylesheet())
    assert '"Liberation Sans"' in css and css in html
    style = html[html.index("<style>"): html.index("</style>")]
    assert "&#34;" not in style and "&gt;" not in style


def test_figures_keep_roles_apart_and_describe_themselves():
    from crosscheck.report.figures import ROLE_STYLE, _series_styles, alt_text, as_table, drawable, mark_role, render_png

    series = [{"label": "ours", "x": [0, 1], "y": [0, 1], "role": "ours"}, {"label": "paper", "x": [0, 1], "y": [1, 0], "role": "paper"},
              {"label": "replayed", "x": [0, 1], "y": [0.5, 0.5], "role": "replay"}, {"label": "a", "x": [0, 1], "y": [1, 1]},
              {"label": "b", "x": [0, 1], "y": [2, 2]}]
    styles = _series_styles(series)
    assert [s[:2] for s in styles[:3]] == [ROLE_STYLE[r][:2] for r in ("ours", "paper", "replay")]
    assert len({s[0] for s in styles}) == len(styles) and len({str(s[1]) for s in styles}) == len(styles)
    assert (mark_role("paper λ* = 0.721"), mark_role("ours λ* = 0.75"), mark_role("paper's method replayed: 0.73"), mark_role("0")) == ("paper", "ours", "replay", "")
    plot = {"title": "T", "xlabel": "λ", "ylabel": "μ", "series": series, "vlines": [[0.5, "paper λ* = 0.5"]], "hlines": []}
    assert render_png(plot)[:8] == b"\x89PNG\r\n\x1a\n"
    alt = alt_text(plot)
    assert alt.startswith("T: μ against λ") and "the paper's value" in alt and "paper λ* = 0.5" in alt
    one = {"title": "one", "xlabel": "a", "ylabel": "b", "series": [{"label": "s", "x": [0.1], "y": [2.0]}]}
    assert not drawable(one) and as_table(one) == [("s", "0.1", "2")]
    assert alt_text({"series": []}).strip()


def test_crowded_ticks_do_not_overlap():
    """Tick labels never overlap once drawn: a narrow, long-numbered axis (the reduced potential's
    a ∈ [−0.001, 0.001]) gets a few short labels and a common power of ten; labels that would still
    collide (long category names under a heat map) are turned."""
    import crosscheck.report.figures as fg

    def drawn(plot):
        seen = {}
        real = fg._unoverlap_xticks

        def spy(fig, ax):
            fig.canvas.draw()
            r = fig.canvas.get_renderer()
            boxes = sorted((t.get_window_extent(r) for t in ax.get_xticklabels() if t.get_visible() and t.get_text()), key=lambda b: b.x0)
            seen["flat_overlaps"] = sum(a.x1 > b.x0 for a, b in zip(boxes, boxes[1:]))
            seen["n"] = len(boxes)
            real(fig, ax)
            seen["rotations"] = {t.get_rotation() for t in ax.get_xticklabels()}

        fg._unoverlap_xticks = spy
        try:
            fg.render_png(plot)
        finally:
            fg._unoverlap_xticks = real
        return seen

    a = [-0.001 + 0.002 * i / 40 for i in range(41)]
    s = drawn({"title": "Reduced potential", "xlabel": "a", "ylabel": "ψ", "series": [{"label": "ψ", "x": a, "y": [x**3 for x in a]}]})
    assert s["n"] >= 3 and s["flat_overlaps"] == 0 and s["rotations"] == {0.0}
    ticks = [f"synthetic m={m} d=8 cond=1e+03" for m in range(10)]
    s = drawn({"kind": "heatmap", "title": "H", "xlabel": "case", "ylabel": "k", "z": [[float(i + j) for i in range(10)] for j in range(3)], "xticks": ticks})
    assert s["flat_overlaps"] > 0 and s["rotations"] == {30.0}


def test_figures_write_powers_of_ten_in_plain_text_without_mathtext(monkeypatch):
    """No figure text goes through matplotlib's mathtext parser (a quarter of the drawing time): linear axes
    in scientific notation, wide log axes and symlog axes all draw with the parser disabled, and a power of
    ten reads ``×10⁻⁵`` / ``10⁻³`` / ``−10²`` in plain Unicode."""
    import matplotlib.mathtext
    from matplotlib.figure import Figure

    import crosscheck.report.figures as fg

    def refuse(*_a, **_k):
        raise AssertionError("mathtext was parsed")

    monkeypatch.setattr(matplotlib.mathtext.MathTextParser, "parse", refuse)
    xs = [10.0**k for k in range(-6, 3)]
    plots = [
        {"title": "small", "xlabel": "x", "ylabel": "y", "series": [{"label": "s", "x": [1, 2, 3], "y": [1e-5, 2e-5, 3e-5]}]},
        {"title": "log", "xlabel": "x", "ylabel": "y", "logx": True, "logy": True, "series": [{"label": "s", "x": xs, "y": xs}]},
        {"title": "symlog", "xlabel": "x", "ylabel": "y", "symlogy": True, "series": [{"label": "s", "x": [0, 1, 2, 3], "y": [-10.0, 0.0, 1e-4, 50.0]}]},
    ]
    for plot in plots:
        assert fg.render_png(plot)[:4] == b"\x89PNG"
    assert (fg.power_of_ten(-3), fg.power_of_ten(12)) == ("10⁻³", "10¹²")
    assert [fg._decade_label(v) for v in (1e-3, -100.0, 0.0, 3e-3, 1.0)] == ["10⁻³", "−10²", "0", "", "10⁰"]
    ax = Figure().add_subplot()
    ax.plot([1, 2, 3], [1e-5, 2e-5, 3e-5])
    fmt = fg._scalar_formatter()
    ax.yaxis.set_major_formatter(fmt)
    fmt.set_locs(ax.yaxis.get_majorticklocs())
    assert fmt.get_offset() == "×10⁻⁵" and "$" not in fmt(2e-5)


def test_a_figure_is_drawn_once_and_encoded_as_savefig_would(monkeypatch):
    """render_png draws each figure once (savefig would add a second, non-rendering pass because
    tight_layout leaves a layout engine on the figure) and its PNG has the bytes savefig gives."""
    import io

    from matplotlib.figure import Figure

    import crosscheck.report.figures as fg

    plot = {"title": "t", "xlabel": "x", "ylabel": "y", "logy": True,
            "series": [{"label": "ours", "role": "ours", "x": [1, 2, 3, 4], "y": [1e-6, 1e-3, 1.0, 10.0]}]}
    draws = []
    real_draw = Figure.draw
    monkeypatch.setattr(Figure, "draw", lambda self, renderer: draws.append(1) or real_draw(self, renderer))
    png = fg.render_png(plot)
    assert len(draws) == 1
    real_png = fg._png

    def compare(fig):
        ours = real_png(fig)
        saved = io.BytesIO()
        fig.savefig(saved, format="png")
        assert ours == saved.getvalue()
        return ours

    monkeypatch.setattr(fg, "_png", compare)
    assert fg.render_png(plot) == png


def test_nested_values_and_names_stay_escaped():
    """Keys, values and names from checks are data: wrapping and unit hints never let markup through."""
    from crosscheck.report.html import show, wrap_name

    html = str(show({HOSTILE: [{HOSTILE: HOSTILE, "seconds": 2}], "x_by_m": {HOSTILE: [HOSTILE]}}))
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    assert "&amp;lt;" not in html  # escaped once, not twice
    assert "<th>seconds (s)</th>" in html and "<td>2</td>" in html  # the unit once, in the column head
    name = str(wrap_name("NeuralLandscapes.a_b<c>"))
    assert name == "NeuralLandscapes.<wbr>a_<wbr>b&lt;c&gt;"


def test_paper_plots_mark_the_papers_values_and_ours(tmp_path, root):
    """Where a figure shows the paper's value next to ours, the series say so (role), so the page draws
    them in their fixed, distinct styles."""
    out = tmp_path / "r"
    main(["verify", "--claims", str(root / "claims.toml"), "--lean-dir", str(tmp_path / "nolean"), "--out", str(out), "--quiet", "--quick",
          "--only", "paper-width-scaling"])
    data = json.loads((out / "results.json").read_text())
    roles = {s.get("role") for c in data["claims"] for r in c["checks"] for p in r.get("plots", []) for s in p.get("series", [])}
    assert {"paper", "ours"} <= roles
