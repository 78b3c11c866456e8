"""Input validation shared by the public numerics API: say which argument is wrong and why."""

from __future__ import annotations

import numpy as np


def as_array(name: str, value: object, ndim: int, *, shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """Return ``value`` as a finite float64 array of ``ndim`` dimensions, or raise ``ValueError``.

    ``shape`` entries that are not ``None`` must match exactly.
    """
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: cannot be read as an array of real numbers ({exc})") from None
    if arr.ndim != ndim:
        raise ValueError(f"{name}: expected a {ndim}-dimensional array, got shape {arr.shape}")
    if shape is not None:
        for axis, (want, got) in enumerate(zip(shape, arr.shape)):
            if want is not None and want != got:
                raise ValueError(f"{name}: expected size {want} along axis {axis}, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name}: is empty (shape {arr.shape}); sizes must be at least 1")
    if not np.isfinite(arr).all():
        raise ValueError(f"{name}: contains NaN or infinite entries")
    return arr


def as_scalar(name: str, value: object, *, minimum: float | None = None, strict: bool = False) -> float:
    """Return ``value`` as a finite float, optionally ``>= minimum`` (``> minimum`` when ``strict``)."""
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a real number, got {value!r}") from None
    if not np.isfinite(x):
        raise ValueError(f"{name}: must be finite, got {x!r}")
    if minimum is not None and (x < minimum or (strict and x == minimum)):
        rel = ">" if strict else ">="
        raise ValueError(f"{name}: must be {rel} {minimum}, got {x!r}")
    return x


def square(name: str, arr: np.ndarray) -> np.ndarray:
    if arr.shape[0] != arr.shape[1]:
        raise ValueError(f"{name}: must be square, got shape {arr.shape}")
    return arr
