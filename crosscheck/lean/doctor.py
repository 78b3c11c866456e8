"""``crosscheck doctor``: what was found, what is missing, and the command that fixes each.

Required for ``make verify`` with Lean (exit 1 if any is missing): the Python dependencies, ``lake`` and
``lean`` at the version pinned in ``lean/lean-toolchain``, and — when the package requires Mathlib — the
Mathlib build cache under ``lean/.lake/packages/mathlib``. Optional (reported, never fatal): the test
extra, Chromium for the report's browser test, and the ``dojo`` extra for ``crosscheck lean trace``.
Informational: the Lean options the package sets (``[leanOptions]`` of ``lakefile.toml``, ``leanOptions``
of ``lakefile.lean``) and why the build does not use ``--wfail``.
"""

from __future__ import annotations

import importlib
import importlib.util
import platform
import re
import shutil
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from crosscheck.lean.driver import needs_mathlib
from crosscheck.lean.toolchain import ELAN_HINT, discover, search_path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
PY_DEPS = ("numpy", "scipy", "jinja2", "matplotlib")
TEST_DEPS = ("pytest", "hypothesis")


@dataclass(frozen=True)
class Item:
    ok: bool
    what: str
    detail: str
    fix: str = ""
    required: bool = True


def _module_version(name: str) -> str | None:
    try:
        mod = importlib.import_module(name)
    except Exception:  # noqa: BLE001 — a broken install is "missing" too
        return None
    return str(getattr(mod, "__version__", "installed"))


def mathlib_cache(lean_dir: Path) -> tuple[bool, str]:
    """Whether Mathlib's compiled ``.olean`` files are present (i.e. ``lake exe cache get`` has run)."""
    pkg = lean_dir / ".lake" / "packages" / "mathlib"
    if not pkg.is_dir():
        return False, f"{pkg} does not exist (dependencies not fetched)"
    for cand in (pkg / ".lake" / "build" / "lib" / "lean" / "Mathlib.olean", pkg / ".lake" / "build" / "lib" / "Mathlib.olean"):
        if cand.is_file():
            return True, f"{cand.parent} (Mathlib.olean present)"
    return False, f"{pkg} has no compiled Mathlib.olean (cache not downloaded)"


NO_WFAIL = ("the build runs `lake build` without --wfail: linter warnings (unused simp arguments, unused variables, "
            "unreachable tactics, deprecations) are shown with their declarations, never failures; a `sorry` fails its "
            "declaration through the axiom audit (sorryAx in the declaration dump), not through a warning")
_LEAN_OPT_RE = re.compile(r"⟨\s*`([\w.]+)\s*,\s*([^⟩]+?)\s*⟩")


def lean_options(lean_dir: Path) -> tuple[dict[str, str], str | None]:
    """The options the package passes to Lean, and the lakefile they come from (None: no lakefile read)."""
    toml = lean_dir / "lakefile.toml"
    if toml.is_file():
        try:
            data = tomllib.loads(toml.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}, None
        opts = data.get("leanOptions", {})
        return ({str(k): str(v).lower() if isinstance(v, bool) else str(v) for k, v in opts.items()} if isinstance(opts, dict) else {}), "lakefile.toml"
    lean = lean_dir / "lakefile.lean"
    if lean.is_file():
        text = lean.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"leanOptions\s*:=\s*#\[(.*?)\]", text, re.S)
        return (dict(_LEAN_OPT_RE.findall(m.group(1))) if m else {}), "lakefile.lean"
    return {}, None


def options_item(lean_dir: Path) -> Item:
    """What the package sets, and why building does not use --wfail (never a failure)."""
    opts, src = lean_options(lean_dir)
    if src is None:
        return Item(True, "Lean options", f"no lakefile read; {NO_WFAIL}")
    shown = ", ".join(f"{k} = {v}" for k, v in opts.items()) or "none"
    note = ""
    if opts.get("warningAsError") == "true":
        note = " (warningAsError = true: every warning becomes an error and fails its module)"
    return Item(True, "Lean options", f"{src} sets {shown}{note}; {NO_WFAIL}")


def collect(lean_dir: str | Path, path: str | None = None) -> list[Item]:
    lean_dir = Path(lean_dir)
    items = [Item(sys.version_info >= (3, 10), "python", f"{platform.python_version()} ({sys.executable})", "install Python ≥ 3.10")]
    missing = [n for n in PY_DEPS if _module_version(n) is None]
    found = ", ".join(f"{n} {_module_version(n)}" for n in PY_DEPS if n not in missing)
    items.append(Item(not missing, "python packages", found if not missing else f"missing: {', '.join(missing)}", "make venv   (or: pip install -e .)"))
    pin = lean_dir / "lean-toolchain"
    if not lean_dir.is_dir():
        items.append(Item(False, "Lean package", f"{lean_dir} not found", "run from the project root, or pass --lean-dir"))
    elif not pin.is_file():
        items.append(Item(False, "lean-toolchain", f"{pin} is missing", "restore lean/lean-toolchain from git"))
    tc = discover(lean_dir, path=search_path(path))
    items.append(Item(tc.elan is not None, "elan", tc.elan or "not found (PATH, ~/.elan/bin)", ELAN_HINT, required=False))
    for name, exe, ver in (("lake", tc.lake, tc.lake_version), ("lean", tc.lean, tc.lean_version)):
        detail = f"{exe} (version {ver})" if exe and ver else f"{exe}: found, but its version could not be read" if exe else "not found (PATH, ~/.elan/bin)"
        fix = ELAN_HINT if exe is None else f"run `{exe} --version` in {lean_dir}: it must print a Lean/Lake version (a broken or foreign `{name}` first on PATH?)"
        items.append(Item(exe is not None and ver is not None, name, detail, fix))
    if tc.found and tc.pinned and tc.lean_version and tc.lake_version:
        bad = tc.mismatches
        items.append(Item(not bad, "versions vs pin", "; ".join(bad) if bad else f"match {tc.pinned}",
                          "put ~/.elan/bin first on PATH so elan runs the pinned toolchain (or remove the other lean)"))
    for p in tc.problems:
        if "lean-toolchain is missing" not in p:
            items.append(Item(False, "toolchain", p, ELAN_HINT))
    if lean_dir.is_dir() and needs_mathlib(lean_dir):
        ok, detail = mathlib_cache(lean_dir)
        items.append(Item(ok, "Mathlib cache", detail, f"cd {lean_dir} && lake exe cache get"))
    elif lean_dir.is_dir():
        items.append(Item(True, "Mathlib cache", "not needed (the lakefile does not require Mathlib)"))
    if lean_dir.is_dir():
        items.append(options_item(lean_dir))
    tmissing = [n for n in TEST_DEPS if importlib.util.find_spec(n) is None]
    items.append(Item(not tmissing, "test extra (make test)", "pytest, hypothesis" if not tmissing else f"missing: {', '.join(tmissing)}",
                      "pip install -e '.[test]'", required=False))
    chrome = next((shutil.which(n) for n in CHROMIUM_NAMES if shutil.which(n)), None)
    items.append(Item(chrome is not None, "chromium (browser test of the report)", chrome or "not found",
                      "apt-get install chromium   (the browser test is skipped without it)", required=False))
    dojo = importlib.util.find_spec("lean_dojo") is not None
    items.append(Item(dojo, "lean-dojo (crosscheck lean trace)", "installed" if dojo else "not installed",
                      "pip install -e '.[dojo]'   (large; optional)", required=False))
    return items


def doctor(lean_dir: str | Path = "lean", path: str | None = None) -> int:
    """Print the findings; 0 when everything ``make verify`` needs with Lean is there, else 1."""
    items = collect(lean_dir, path)
    print(f"crosscheck doctor — Lean package: {lean_dir}")
    for title, required in (("needed for `make verify` with Lean", True), ("optional", False)):
        print(f"\n{title}:")
        for it in (i for i in items if i.required == required):
            mark = "ok     " if it.ok else ("MISSING" if required else "absent ")
            print(f"  {mark}  {it.what}: {it.detail}")
            if not it.ok and it.fix:
                print(f"           fix: {it.fix}")
    bad = [i for i in items if i.required and not i.ok]
    if bad:
        print(f"\nnot ready: {len(bad)} problem(s) above. Without Lean, `make verify LEAN=skip` still runs the numerics "
              "(Lean witnesses are then `not run`).")
        return 1
    print("\nready: `make verify` will build and check the Lean package.")
    return 0
