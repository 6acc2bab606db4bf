"""Shared fixtures: the real public data folder and a headless environment."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox")
os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("HOTSPOT_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public data folder (``../shared/data``); skips the test when absent."""
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(
            f"real public data not found at {SHARED_DATA}: these tests run when ../shared/data "
            "is present (it is in CI); set HOTSPOT_SHARED_DATA to point elsewhere"
        )
    return SHARED_DATA
