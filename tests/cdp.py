"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (no extra dependency).

Chromium reads NUL-terminated JSON messages on fd 3 and writes them on fd 4. Used by the report's browser
test to load a page headless, collect console errors, evaluate an expression and take a screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    value: object = None
    screenshot: bytes = b""


class _Pipe:
    def __init__(self, exe: str, profile: str) -> None:
        to_r, to_w = os.pipe()  # we write → chromium reads on fd 3
        from_r, from_w = os.pipe()  # chromium writes on fd 4 → we read

        def _setup() -> None:
            os.dup2(to_r, 3)
            os.dup2(from_w, 4)

        self.proc = subprocess.Popen(
            [exe, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            pass_fds=tuple(sorted({to_r, from_w, 3, 4})),
            preexec_fn=_setup,
            stdout=subprocess.DEVNULL,
            stderr=open("/tmp/cdp-stderr.log", "wb"),
        )
        os.close(to_r)
        os.close(from_w)
        self.w, self.r = to_w, from_r
        self.buf = b""
        self.next_id = 0
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = self._read(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)
        raise TimeoutError(method)

    def _read(self, deadline: float) -> dict:
        import select

        while b"\0" not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from chromium")
            ready, _, _ = select.select([self.r], [], [], left)
            if ready:
                chunk = os.read(self.r, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buf += chunk
        raw, _, self.buf = self.buf.partition(b"\0")
        return json.loads(raw)

    def close(self) -> None:
        try:
            os.write(self.w, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        except OSError:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self.w)
        os.close(self.r)


class Page:
    """One loaded page in headless Chromium: evaluate expressions, take screenshots (of the viewport, a
    clip, or the whole page), then read what the console and the network saw."""

    def __init__(self, pipe: _Pipe, session: str) -> None:
        self.pipe, self.session = pipe, session

    def evaluate(self, expression: str) -> object:
        res = self.pipe.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=self.session)
        if "exceptionDetails" in res:
            raise RuntimeError(json.dumps(res["exceptionDetails"])[:500])
        return res.get("result", {}).get("value")

    def screenshot(self, clip: dict | None = None, full_page: bool = False) -> bytes:
        """PNG of the viewport; of ``clip`` ({x, y, width, height} in page pixels); or of the whole page."""
        params: dict = {"format": "png"}
        if full_page and clip is None:
            size = self.evaluate("({w: document.documentElement.scrollWidth, h: document.documentElement.scrollHeight})")
            clip = {"x": 0, "y": 0, "width": size["w"], "height": size["h"]}
        if clip is not None:
            params["clip"] = {**clip, "scale": 1}
            params["captureBeyondViewport"] = True
        return base64.b64decode(self.pipe.send("Page.captureScreenshot", params, session=self.session)["data"])

    def report(self) -> PageReport:
        rep = PageReport()
        for e in self.pipe.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                rep.console_errors.append(json.dumps(params.get("args", []))[:300])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                rep.console_errors.append(params["entry"].get("text", "")[:300])
            elif method == "Runtime.exceptionThrown":
                rep.exceptions.append(json.dumps(params.get("exceptionDetails", {}))[:300])
            elif method == "Network.requestWillBeSent":
                rep.requests.append(params.get("request", {}).get("url", "")[:200])
        return rep


@contextmanager
def open_page(exe: str, url: str, width: int = 1280, height: int = 2400) -> Iterator[Page]:
    """Open ``url`` in a ``width`` × ``height`` viewport and wait for the load event."""
    profile = tempfile.mkdtemp(prefix="cdp-profile-")
    pipe = _Pipe(exe, profile)
    try:
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.send(f"{domain}.enable", session=session)
        pipe.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        pipe.send("Page.navigate", {"url": url}, session=session)
        deadline = time.monotonic() + 30
        while not any(e.get("method") == "Page.loadEventFired" for e in pipe.events):
            pipe.events.append(pipe._read(deadline))
        time.sleep(0.3)
        yield Page(pipe, session)
    finally:
        pipe.close()
        shutil.rmtree(profile, ignore_errors=True)


def inspect_page(exe: str, url: str, expression: str, width: int = 1280, height: int = 2400) -> PageReport:
    """Open ``url``, wait for load, evaluate ``expression`` (returned by value), screenshot the viewport, and
    collect console errors, uncaught exceptions and every network request the page made."""
    with open_page(exe, url, width, height) as page:
        value = page.evaluate(expression)
        shot = page.screenshot()
        rep = page.report()
    rep.value, rep.screenshot = value, shot
    return rep


def save(path: Path, data: bytes) -> None:
    path.write_bytes(data)
