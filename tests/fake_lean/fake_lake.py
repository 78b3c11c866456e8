"""Stand-in ``lake`` (and, installed as ``lean``, a stand-in ``lean``) for the driver tests.

It replays recorded output formats according to ``scenario.json`` beside it, and appends every
invocation to ``calls.log`` there. Installed by ``standins.install`` with the test interpreter as
shebang, so it runs whatever PATH the driver passes.

scenario keys: ``lean_version``, ``lake_lean_version``, ``cache`` / ``build`` / ``dump`` objects with
``lines`` (printed), ``exit``; ``build.mode`` in normal | hang | hang_ignore_term | segv;
``dump.mode`` in ok | garbage | truncated | nofile | empty; ``dump.declarations``.
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
        target = Path(argv[2])
        mode = d.get("mode", "ok")
        doc = json.dumps({"lean_version": SC.get("lean_version", "4.24.0"), "declarations": d.get("declarations", [])}, ensure_ascii=False)
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
