"""A check's own parallel map: independent parts of one check (one branch per width, say) in worker processes.

``ctx.map(fn, items)`` returns ``[fn(x) for x in items]``, in input order. Where the run allows it
(``crosscheck check --jobs N``, N > 1, and the platform can fork) the items go to N forked worker processes;
inside ``crosscheck verify`` the checks themselves already run in parallel, so the map is serial there. Each
item must be a pure function of its input (seeded randomness included), so the result is the same for
every N — tested. ``fn`` and the items travel by pickle: ``fn`` a module-level function, results plain data
or frozen dataclasses (read-only arrays arrive writeable; a caller that caches them freezes them again).
Items are dispatched in the given order as workers free up, so a caller lists the costliest first.
"""

from __future__ import annotations

from typing import Callable, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Mapper = Callable[[Callable[[T], R], Sequence[T]], list]


def serial_map(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(x) for x in items]`` — after the same check as the parallel map (``fn`` must be able to reach a
    worker process), so a check behaves the same for every number of workers."""
    _sendable(fn)
    return [fn(x) for x in items]


def _sendable(fn: Callable) -> None:
    import pickle

    try:
        pickle.dumps(fn)
    except Exception as exc:  # a lambda or a nested function: say so, instead of pickle's words
        raise TypeError(f"ctx.map: {getattr(fn, '__qualname__', fn)!r} cannot be sent to a worker process ({exc}); "
                        "pass a module-level function") from None


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def process_map(jobs: int) -> Mapper:
    """A map over at most ``jobs`` forked worker processes (serial for one job, one item, or no fork)."""

    def run(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
        items = list(items)
        if jobs <= 1 or len(items) <= 1 or not can_fork():
            return serial_map(fn, items)
        _sendable(fn)
        import multiprocessing  # on first use: process pools cost ~10 ms of start-up
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=multiprocessing.get_context("fork")) as ex:
            return list(ex.map(fn, items))

    return run


__all__ = ["Mapper", "can_fork", "process_map", "serial_map"]
