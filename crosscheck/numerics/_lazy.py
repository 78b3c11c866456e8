"""A module imported on first attribute access: scipy.linalg and scipy.sparse.linalg cost ~0.15–0.3 s of
start-up, which commands that compute nothing (``--version``, ``list``, a check that needs only numpy)
should not pay."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module ``name``; the first attribute access imports it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attr: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)


scipy_linalg = LazyModule("scipy.linalg")
sparse_linalg = LazyModule("scipy.sparse.linalg")
