from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))  # helpers such as cdp.py


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="also run tests marked slow (make test-slow)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Slow tests are skipped with a reason (not silently deselected) unless --runslow or -m selects them."""
    if config.getoption("--runslow") or "slow" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow or `make test-slow`")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


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
