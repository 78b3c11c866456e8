from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # helpers such as cdp.py


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture
def lean_copy(tmp_path: Path) -> Path:
    """A temporary copy of the project's Lean package (without build output)."""
    dst = tmp_path / "lean"
    shutil.copytree(ROOT / "lean", dst, ignore=shutil.ignore_patterns(".lake", "build"))
    return dst


@pytest.fixture
def ledger_text() -> str:
    return (ROOT / "claims.toml").read_text(encoding="utf-8")
