"""Run dense linear algebra on one BLAS thread (optional dependency ``threadpoolctl``; a no-op without it).

The continuation works with matrices of order n ≤ a few hundred, where a second BLAS thread gains little;
on a shared 2-core machine, OpenBLAS's threads spin-wait for each other and were measured to slow
``eigh``/``solve`` at n = 500 by up to 40× (mean over repeats, load ≈ 4). The limit is scoped (restored on
exit) and environment variables are never touched.

numpy and scipy wheels each bundle their own OpenBLAS, and threadpoolctl can only limit a library that is
loaded when the limit is set: one loaded inside the block (scipy.linalg imported lazily on first use) would
run on every core — measured in a forked worker: the m = 100 branch 4× slower, and rounded differently from
a serial run. So the context loads scipy.linalg first (where scipy is installed).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from typing import Iterator


_LOCK = threading.Lock()
_ACTIVE: list = [0, None]  # [blocks currently inside, the limiter of the outermost one]


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    """Every BLAS library the numerics use on one thread for the duration of the block. Blocks nest (also
    across threads): the limit is set by the first to enter and restored when the last one leaves, so an
    inner block costs nothing (setting a limit inspects every loaded library, ~0.6 ms)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with _LOCK:
        if _ACTIVE[0] == 0:
            if "scipy.linalg" not in sys.modules:
                try:
                    importlib.import_module("scipy.linalg")  # its own OpenBLAS, limited only if loaded now
                except ImportError:  # pragma: no cover - scipy is a dependency
                    pass
            _ACTIVE[1] = threadpool_limits(limits=1, user_api="blas")
        _ACTIVE[0] += 1
    try:
        yield
    finally:
        with _LOCK:
            _ACTIVE[0] -= 1
            if _ACTIVE[0] == 0:
                _ACTIVE[1].restore_original_limits()
                _ACTIVE[1] = None
