"""Stand-in ``lake`` (and, installed as ``lean``, a stand-in ``lean``) for the driver tests.

It replays recorded output formats according to ``scenario.json`` beside it, and appends every
invocation to ``calls.log`` there. Installed by ``standins.install`` with the test interpreter as
shebang, so it runs whatever PATH the driver passes.

scenario keys: ``lean_version``, ``lake_lean_version``, ``cache`` / ``build`` / ``dump`` objects with
``lines`` (printed), ``exit``; ``build.mode`` in normal | hang | hang_ignore_term | segv;
``dump.mode`` in ok | garbage | truncated | nofile | empty; ``dump.declarations``.

``lake build`` either replays ``build.lines`` (recorded output, exit ``build.exit``) or, without them,
emulates Lake: the targets named on the command line (default: every module of the package, read from
the sources in the working directory) are built in import order; ``build.modules`` maps a module to
``{"errors": ["L:C: message", …], "warnings": [...]}`` (printed the way Lake replays Lean's messages).
A module with errors fails; a module importing a failed one is not built (Lake prints nothing for it);
all others build; failures are listed at the end (``Some required targets logged failures:``, or
``builds`` with ``build.header = "builds"`` as older Lake printed), exit 1.
The modules built are remembered in ``built.json``.

``lake exe dump_decls [--out FILE] [--prefix NS] MODULE …`` (the dump program's CLI) writes the
``dump.declarations`` whose module is one of MODULE (or whose name starts with NS), with ``modules``;
it fails (exit 1, message on stderr) on bad arguments, on a module in ``dump.unimportable``, or on a
module that was not built (``built.json``).
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SC = json.loads((HERE / "scenario.json").read_text(encoding="utf-8"))


def out(lines):
    for line in lines:
        print(line, flush=True)


def hang(ignore_term):
    if ignore_term:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # a grandchild in the same process group, as lake's lean workers are
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    (HERE / "grandchild.pid").write_text(str(child.pid))
    print("⣿ [1/3] Building NeuralLandscapes.Basic", flush=True)
    time.sleep(300)


def package_imports(root: Path) -> dict:
    """module → package modules it imports, from the ``import`` lines of the sources under ``root``."""
    files = {".".join(f.relative_to(root).with_suffix("").parts): f for f in root.rglob("*.lean")
             if ".lake" not in f.parts and f.name != "DumpDecls.lean"}
    return {m: [ln.split()[1] for ln in f.read_text(encoding="utf-8").splitlines() if ln.startswith("import ") and ln.split()[1] in files]
            for m, f in files.items()}


def emulate_build(targets, specs) -> int:
    """Build ``targets`` (and what they import) the way Lake reports it; see the module docstring."""
    imports = package_imports(Path.cwd())
    order: list[str] = []

    def visit(m):
        if m in order:
            return
        for i in imports.get(m, []):
            visit(i)
        order.append(m)

    for t in targets or sorted(imports):
        visit(t)
    failed, skipped, built = [], [], []
    for n, m in enumerate(order, 1):
        if any(i in failed or i in skipped for i in imports.get(m, [])):
            skipped.append(m)  # a dependency failed: Lake runs nothing and prints nothing for it
            continue
        spec = specs.get(m, {})
        path = "././" + m.replace(".", "/") + ".lean"
        if spec.get("errors"):
            print(f"✖ [{n}/{len(order)}] Building {m}")
            print(f"trace: .> LEAN_PATH=./.lake/build/lib/lean lean {path} -R ./. -o ./.lake/build/lib/lean/{m.replace('.', '/')}.olean --json")
            for w in spec.get("warnings", []):
                print(f"warning: {path}:{w}")
            for e in spec["errors"]:
                print(f"error: {path}:{e}")
            print("error: Lean exited with code 1")
            failed.append(m)
            continue
        if spec.get("warnings"):
            print(f"⚠ [{n}/{len(order)}] Built {m} (0.2s)")
            for w in spec["warnings"]:
                print(f"warning: {path}:{w}")
        else:
            print(f"✔ [{n}/{len(order)}] Built {m} (0.1s)")
        built.append(m)
    (HERE / "built.json").write_text(json.dumps(built))
    if failed:
        print(f"Some required {SC.get('build', {}).get('header', 'targets')} logged failures:")  # newer Lake says "targets"
        for m in failed:
            print(f"- {m}")
        print("error: build failed")
        return 1
    print(f"Build completed successfully ({len(order)} jobs).")
    return 0


def main(argv):
    with open(HERE / "calls.log", "a", encoding="utf-8") as fh:
        fh.write(" ".join([Path(sys.argv[0]).name] + argv) + "\n")
    prog = Path(sys.argv[0]).name
    if argv[:1] == ["--version"]:
        if prog == "lean":
            print(f"Lean (version {SC.get('lean_version', '4.24.0')}, x86_64-unknown-linux-gnu, commit 0123abc, Release)")
        else:
            print(f"Lake version 5.0.0-src+0123abc (Lean version {SC.get('lake_lean_version', SC.get('lean_version', '4.24.0'))})")
        return 0
    if prog != "lake":
        print("fake lean: only --version is supported", file=sys.stderr)
        return 1
    if argv[:3] == ["exe", "cache", "get"]:
        c = SC.get("cache", {})
        out(c.get("lines", ["Attempting to download 4 file(s)", "Downloaded: 4 file(s) [attempted 4/4 = 100%]", "Decompressing 4 file(s)", "Unpacked in 12 ms", "Completed successfully!"]))
        return c.get("exit", 0)
    if argv[:1] == ["build"]:
        b = SC.get("build", {})
        mode = b.get("mode", "normal")
        if mode in ("hang", "hang_ignore_term"):
            hang(mode == "hang_ignore_term")
        if "lines" not in b and "json_lines" not in b and mode == "normal":
            return emulate_build([a for a in argv[1:] if not a.startswith("-")], b.get("modules", {}))
        out(b.get("lines", []))
        for obj in b.get("json_lines", []):
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        if mode == "segv":
            os.kill(os.getpid(), signal.SIGSEGV)
        return b.get("exit", 0)
    if argv[:2] == ["exe", "dump_decls"]:
        d = SC.get("dump", {})
        out(d.get("lines", []))
        if d.get("exit", 0) != 0:
            return d["exit"]
        args, target, prefix = argv[2:], None, None
        mods = []
        while args:
            a = args.pop(0)
            if a in ("--out", "--prefix"):
                if not args:
                    print(f"dump_decls: {a} needs an argument", file=sys.stderr)
                    return 2
                if a == "--out":
                    target = Path(args.pop(0))
                else:
                    prefix = args.pop(0)
            elif a.startswith("-"):
                print(f"dump_decls: unknown option {a}", file=sys.stderr)
                return 2
            else:
                mods.append(a)
        if not mods:
            print("usage: dump_decls [--out FILE] [--prefix NAMESPACE] MODULE [MODULE ...]", file=sys.stderr)
            return 2
        built = json.loads((HERE / "built.json").read_text()) if (HERE / "built.json").exists() else None
        for m in mods:
            if m in d.get("unimportable", []) or (built is not None and m not in built):
                print(f"uncaught exception: object file ./.lake/build/lib/lean/{m.replace('.', '/')}.olean of module {m} does not exist",
                      file=sys.stderr)
                return 1
        decls = [x for x in d.get("declarations", []) if x is None or x.get("module") in mods
                 or (prefix is not None and x.get("name", "").startswith(prefix + "."))]
        mode = d.get("mode", "ok")
        doc = json.dumps({"lean_version": SC.get("lean_version", "4.24.0"), "modules": mods, "declarations": decls}, ensure_ascii=False)
        if target is None:
            print(doc)
            return 0
        if mode == "ok":
            target.write_text(doc, encoding="utf-8")
        elif mode == "truncated":
            target.write_text(doc[: len(doc) // 2], encoding="utf-8")
        elif mode == "garbage":
            target.write_bytes(b"\x00\xffnot json at all \x1b[31m<<<")
        elif mode == "empty":
            target.write_text("", encoding="utf-8")
        return 0  # mode "nofile": claims success but writes nothing
    print(f"fake lake: unsupported command {argv}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
