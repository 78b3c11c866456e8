"""Optional: each theorem's premises with LeanDojo (``pip install -e '.[dojo]'``), for ``crosscheck lean trace``.

Never imported by default code paths. LeanDojo traces a *git repository* whose root is the Lake
package, so the package is copied (without ``.lake``) into a temporary git repository first. API used
(lean_dojo ≥ 2.x): ``LeanGitRepo(url_or_local_path, commit)``, ``trace(repo, build_deps=False) ->
TracedRepo``, ``TracedRepo.get_traced_theorems()``, ``TracedTheorem.theorem.full_name``,
``TracedTheorem.get_premise_full_names()``. Output: ``<out>/premises.json``, ``{theorem: [premise, …]}``
for the theorems under the package's library names (the lakefile's ``lean_lib``s).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from crosscheck.lean.modules import library_names
from crosscheck.lean.toolchain import ELAN_HINT, discover, search_path


def _git_snapshot(lean_dir: Path, dst: Path) -> str:
    """Copy the package into ``dst`` as a one-commit git repository; return the commit hash."""
    shutil.copytree(lean_dir, dst, ignore=shutil.ignore_patterns(".lake", "build", ".git"))
    run = lambda *a: subprocess.run(["git", *a], cwd=dst, check=True, capture_output=True, text=True)  # noqa: E731
    run("init", "-q")
    run("add", "-A")
    run("-c", "user.name=crosscheck", "-c", "user.email=crosscheck@localhost", "commit", "-q", "-m", "snapshot for LeanDojo")
    return run("rev-parse", "HEAD").stdout.strip()


def trace_premises(lean_dir: Path, out: Path) -> int:
    try:
        import lean_dojo  # noqa: F401
    except Exception as exc:  # noqa: BLE001 — ImportError or a broken install
        print(f"crosscheck lean trace: LeanDojo is not available ({type(exc).__name__}: {exc}).\n"
              "  fix: pip install -e '.[dojo]'   (large; needs git, a Lean toolchain and network on first use)", file=sys.stderr)
        return 1
    tc = discover(lean_dir, path=search_path())
    if not tc.found:
        print(f"crosscheck lean trace: no Lean toolchain found (lake/lean). {ELAN_HINT}", file=sys.stderr)
        return 1
    if shutil.which("git") is None:
        print("crosscheck lean trace: git is needed by LeanDojo and was not found", file=sys.stderr)
        return 1
    from lean_dojo import LeanGitRepo, trace

    with tempfile.TemporaryDirectory(prefix="crosscheck-dojo-") as tmp:
        repo_dir = Path(tmp) / lean_dir.resolve().name
        try:
            commit = _git_snapshot(lean_dir, repo_dir)
            traced = trace(LeanGitRepo(str(repo_dir), commit), build_deps=False)
            premises: dict[str, list[str]] = {}
            prefixes = tuple(f"{lib}." for lib in library_names(lean_dir))
            for t in traced.get_traced_theorems():
                name = t.theorem.full_name
                if name.startswith(prefixes):
                    premises[name] = sorted(set(t.get_premise_full_names()))
        except Exception as exc:  # noqa: BLE001 — LeanDojo raises many kinds; report, do not crash
            print(f"crosscheck lean trace: LeanDojo failed ({type(exc).__name__}: {exc})", file=sys.stderr)
            return 1
    out.mkdir(parents=True, exist_ok=True)
    dst = out / "premises.json"
    dst.write_text(json.dumps(dict(sorted(premises.items())), indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"crosscheck lean trace: premises of {len(premises)} theorem(s) written to {dst}")
    return 0
