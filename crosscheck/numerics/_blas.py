"""Run dense linear algebra on one BLAS thread (optional dependency ``threadpoolctl``; a no-op without it).

The continuation works with matrices of order n ≤ a few hundred, where a second BLAS thread gains little;
on a shared 2-core machine, OpenBLAS's threads spin-wait for each other and were measured to slow
``eigh``/``solve`` at n = 500 by up to 40× (mean over repeats, load ≈ 4). The limit is scoped (restored on
exit) and environment variables are never touched.
"""

from __future__ import annotations

import contextlib
from typing import Iterator


@contextlib.contextmanager
def single_blas_thread() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield
