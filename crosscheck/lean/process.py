"""Run one external command (``lake …``) in its own process group, stream its output, enforce a deadline.

* The child is started with ``start_new_session=True``, so it and everything it spawns (``lean``
  workers, ``curl`` of the Mathlib cache, …) share one process group; on timeout the whole group gets
  ``SIGTERM``, then ``SIGKILL`` after :data:`KILL_GRACE` seconds.
* stdout and stderr are merged, read line by line (bytes, decoded as UTF-8 with replacement, ANSI
  colour codes removed), appended to the log file as they arrive, and handed to ``on_line``.
* Nothing here raises for a failing command: the outcome is a :class:`ProcResult`.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Callable, Mapping, Sequence

KILL_GRACE = 5.0  # seconds between SIGTERM and SIGKILL of the process group
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07")


@dataclass(frozen=True)
class ProcResult:
    """``returncode`` is negative (−signal) when the child was killed by a signal."""

    argv: tuple[str, ...]
    returncode: int | None
    timed_out: bool
    seconds: float
    lines: tuple[str, ...]
    error: str | None = None  # the command could not be started at all

    @property
    def signal_name(self) -> str | None:
        if self.returncode is None or self.returncode >= 0:
            return None
        try:
            return signal.Signals(-self.returncode).name
        except ValueError:
            return f"signal {-self.returncode}"

    @property
    def ok(self) -> bool:
        return self.error is None and not self.timed_out and self.returncode == 0


def strip_ansi(text: str) -> str:
    return _ANSI_RE.sub("", text)


def _kill_group(proc: subprocess.Popen, grace: float) -> None:
    """SIGTERM the child's process group, then SIGKILL whatever is left after ``grace`` seconds."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        try:
            proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # the leader is gone; make sure no member of the group survives it
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return


def run(
    argv: Sequence[str],
    *,
    cwd: str | Path,
    env: Mapping[str, str] | None,
    deadline: float,
    log: IO[str] | None = None,
    on_line: Callable[[str], None] = lambda _l: None,
    grace: float | None = None,
) -> ProcResult:
    """Run ``argv`` until it exits or ``time.monotonic()`` passes ``deadline``."""
    grace = KILL_GRACE if grace is None else grace
    t0 = time.monotonic()
    argv = tuple(str(a) for a in argv)
    if log is not None:
        log.write(f"$ {' '.join(argv)}    (in {cwd})\n")
        log.flush()
    try:
        proc = subprocess.Popen(
            argv, cwd=cwd, env=dict(env) if env is not None else None, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
        )
    except OSError as exc:
        msg = f"cannot run {argv[0]}: {exc.strerror or exc}"
        if log is not None:
            log.write(msg + "\n")
        return ProcResult(argv, None, False, 0.0, (), msg)
    lines: list[str] = []
    q: queue.Queue[bytes | None] = queue.Queue()

    def reader() -> None:
        assert proc.stdout is not None
        try:
            for raw in iter(proc.stdout.readline, b""):
                q.put(raw)
        except (OSError, ValueError):
            pass
        q.put(None)

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    try:
        timed_out, stragglers = _pump(proc, q, deadline, lines, log, on_line)
    except BaseException:  # Ctrl-C (the child has its own session, so it did not get SIGINT): take it down too
        _kill_group(proc, 0.5)
        raise
    if timed_out:
        _kill_group(proc, grace)
    else:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc, grace)
        if stragglers:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group is ours: pgid == the leader's pid
            except (ProcessLookupError, PermissionError):
                pass
    th.join(timeout=2.0)
    while True:  # whatever the reader got before the pipe closed
        try:
            item = q.get_nowait()
        except queue.Empty:
            break
        if item is not None:
            _take(item, lines, log, on_line)
    if proc.stdout is not None:
        try:
            proc.stdout.close()
        except OSError:
            pass
    rc = proc.poll()
    seconds = time.monotonic() - t0
    if log is not None:
        end = "timed out, process group killed" if timed_out else f"exit {rc}"
        log.write(f"[{end} after {seconds:.1f} s]\n")
        log.flush()
    return ProcResult(argv, rc, timed_out, seconds, tuple(lines))


def _pump(proc: subprocess.Popen, q: queue.Queue, deadline: float, lines: list[str], log: IO[str] | None,
          on_line: Callable[[str], None]) -> tuple[bool, bool]:
    """Move output lines from the reader thread until EOF or the deadline; (timed_out, stragglers)."""
    exited_at: float | None = None
    while True:
        now = time.monotonic()
        if now >= deadline:
            return True, False
        if exited_at is None and proc.poll() is not None:
            exited_at = now
        if exited_at is not None and now - exited_at > 2.0:
            return False, True  # the leader exited but a member of its group still holds the pipe open
        try:
            item = q.get(timeout=min(deadline - now, 0.2))
        except queue.Empty:
            continue
        if item is None:
            return False, False
        _take(item, lines, log, on_line)
        if exited_at is not None:
            exited_at = time.monotonic()  # still draining buffered output


def _take(raw: bytes, lines: list[str], log: IO[str] | None, on_line: Callable[[str], None]) -> None:
    line = strip_ansi(raw.decode("utf-8", errors="replace")).rstrip("\r\n")
    lines.append(line)
    if log is not None:
        log.write(line + "\n")
        log.flush()
    on_line(line)
