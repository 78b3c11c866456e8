"""``crosscheck init DIR``: a new project that verifies out of the box.

It writes a ledger with one Lean-linked theorem claim and one numerical claim, a Lake package pinned
like this repository's (one small theorem with a docstring), a check module following the contract, a
GitHub workflow and a short README. ``crosscheck verify --claims DIR/claims.toml`` then runs from
anywhere: the numerics agree and, without a toolchain, Lean is honestly *not run*. A non-empty ``DIR``
is refused.
"""

from __future__ import annotations

from pathlib import Path

LEAN_TOOLCHAIN = "leanprover/lean4:v4.24.0\n"
MATHLIB_REV = "v4.24.0"

LAKEFILE = f'''name = "MyPaper"
version = "0.1.0"
defaultTargets = ["MyPaper"]

[leanOptions]
autoImplicit = false
# the example proof keeps `first | … | …` fallbacks; their unused branches are not worth a warning
weak.linter.unreachableTactic = false

[[require]]
name = "mathlib"
git = "https://github.com/leanprover-community/mathlib4"
rev = "{MATHLIB_REV}"

[[lean_lib]]
name = "MyPaper"
'''

ROOT_MODULE = "import MyPaper.OddSums\n"

THEOREM = '''import Mathlib

/-!
# Sums of odd numbers

The example theorem of a new crosscheck project: the first `n` odd numbers add up to `n ^ 2`.
-/

namespace MyPaper

open Finset

/-- **Claim `odd-sums`.** The sum of the first `n` odd numbers is `n ^ 2`. -/
theorem sum_range_odd (n : ℕ) : ∑ i ∈ range n, (2 * i + 1) = n ^ 2 := by
  -- each `first` tries the usual proof, then fallbacks (`done` makes a branch that leaves
  -- a goal open fail, so that the next one is tried)
  induction n with
  | zero =>
    first
      | (simp; done)
      | rfl
      | decide
  | succ n ih =>
    -- split off the last term, use `ih`, then `n ^ 2 + (2 * n + 1) = (n + 1) ^ 2`
    first
      | (rw [sum_range_succ, ih]; ring)
      | (rw [Finset.sum_range_succ, ih]; ring)
      | (simp only [sum_range_succ, ih]; ring)
      | (rw [sum_range_succ, ih]; linarith)

end MyPaper
'''

CHECKS = '''"""Checks of this project. Each is measure → judge → present; crosscheck counts the cases, applies the
ledger's tolerance and decides the status."""

from __future__ import annotations

from dataclasses import dataclass

from crosscheck import Param, Presentation, check


@dataclass(frozen=True)
class Sums:
    rows: tuple[tuple[int, int], ...]  # (n, the sum computed directly)


def measure_odd(ctx) -> Sums:
    """Add the first n odd numbers one by one, n = 1 … n_max (exact integers)."""
    return Sums(tuple((n, sum(2 * i + 1 for i in range(n))) for n in range(1, ctx.params["n_max"] + 1)))


def measure_squares(ctx) -> Sums:
    """Add the first n squares one by one, n = 1 … n_max (exact integers)."""
    return Sums(tuple((n, sum(i * i for i in range(1, n + 1))) for n in range(1, ctx.params["n_max"] + 1)))


def judge(quantity: str):
    def judge_sums(m: Sums, rec) -> None:
        for n, total in m.rows:
            rec.case(f"n={n}")
            rec.claim(quantity, total, n=n)  # the ledger's tolerance; exact integers need no floor

    return judge_sums


CHECKS = (
    check("odd-sums", title="sum of the first n odd numbers, added up directly",
          measure=measure_odd, judge=judge("total"), reads={"total": ("n",)},
          params={"n_max": Param(default=200, ge=1, doc="largest n")},
          present=lambda m: Presentation(note=f"largest sum {m.rows[-1][1]}")),
    check("square-sums", title="sum of the first n squares, added up directly",
          measure=measure_squares, judge=judge("total"), reads={"total": ("n",)},
          params={"n_max": Param(default=200, ge=1, doc="largest n")}),
)
'''

LEDGER = '''# The claim ledger of this project: every claim, where the paper states it, its Lean witness, its
# numerical checks and the claimed quantities (expressions in the checks' case variables).

[ledger]
title = "{title}"

[project]
name = "{title}"
lean_dir = "lean"
checks = ["checks/"]
builtin_checks = false

[[claim]]
id = "odd-sums"
title = "The first n odd numbers add up to n²"
source = "Lemma 1"
statement = "For every n ≥ 0, 1 + 3 + … + (2n − 1) = n²."
lean = ["MyPaper.sum_range_odd"]
checks = ["odd-sums"]
[claim.expect]
total = {{ value = "n ** 2", lean = ["MyPaper.sum_range_odd"] }}
[claim.fingerprints]
"MyPaper.sum_range_odd" = {{ fingerprint = "{fingerprint}", statement = "{statement}" }}

[[claim]]
id = "square-sums"
title = "The first n squares add up to n(n+1)(2n+1)/6"
source = "Remark 2"
statement = "For every n ≥ 1, 1² + 2² + … + n² = n(n+1)(2n+1)/6."
kind = "numerical"
checks = ["square-sums"]
[claim.expect]
total = "n * (n + 1) * (2 * n + 1) / 6"
'''

WORKFLOW = '''# crosscheck on every push and pull request; the report is uploaded and summarised.
name: verify
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  verify:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Lean toolchain and Mathlib cache
        uses: leanprover/lean-action@v1
        with:
          lake-package-directory: lean
          auto-config: false
          build: false
          test: false
          lint: false
          use-mathlib-cache: true
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - run: pip install crosscheck
      - run: crosscheck verify --claims claims.toml --lean require
      - if: always()
        run: cat reports/summary.md >> "$GITHUB_STEP_SUMMARY" || true
      - if: always()
        uses: actions/upload-artifact@v4
        with:
          name: crosscheck-report
          path: reports/
'''

README = '''# {title}

Checked three ways by crosscheck: Lean proofs in `lean/`, numerical checks in `checks/`, claims in
`claims.toml`.

```sh
crosscheck verify --claims claims.toml     # writes reports/index.html, results.json, junit.xml, summary.md
crosscheck list --claims claims.toml       # claims, checks, what each check reads, parameter domains
cd lean && lake exe cache get && lake build # the Lean side (needs elan)
```

Add a claim: a `[[claim]]` table in `claims.toml`. Add a check: a function triple (measure, judge,
present) in `checks/`, listed in the module's `CHECKS`. After changing a Lean statement on purpose,
`crosscheck lean fingerprints --claims claims.toml` prints the new `[claim.fingerprints]` lines.
'''


class InitError(ValueError):
    """The target exists and is not empty (nothing is overwritten)."""


def init_project(target: str | Path, title: str = "My paper") -> list[Path]:
    """Write the scaffold into ``target`` (created; must be missing or empty). Returns the files written."""
    from crosscheck.lean.static import scan

    root = Path(target)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise InitError(f"{target}: exists and is not an empty directory; crosscheck init never overwrites")
    files = {
        "lean/lean-toolchain": LEAN_TOOLCHAIN,
        "lean/lakefile.toml": LAKEFILE,
        "lean/MyPaper.lean": ROOT_MODULE,
        "lean/MyPaper/OddSums.lean": THEOREM,
        "checks/sums.py": CHECKS,
        ".github/workflows/verify.yml": WORKFLOW,
        "README.md": README.format(title=title),
        ".gitignore": "reports/\nlean/.lake/\n__pycache__/\n",
    }
    written = []
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        written.append(p)
    decl = scan(root / "lean").find("MyPaper.sum_range_odd")
    assert decl is not None, "the scaffold's theorem must be found by the static scan"
    statement = decl.statement.replace("\\\\", "\\\\\\\\").replace('"', '\\\\"')
    ledger = root / "claims.toml"
    ledger.write_text(LEDGER.format(title=title.replace('"', "'"), fingerprint=decl.fingerprint, statement=statement), encoding="utf-8")
    written.append(ledger)
    return written
