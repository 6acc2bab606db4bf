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


@pytest.fixture
def with_monthly(tmp_path, monkeypatch):
    """The registry with the toy analysis "monthly" added by dropping one module beside the others."""
    from hotspot.pipeline import specs

    folder = tmp_path / "more_specs"
    folder.mkdir()
    from _toy_analysis import MONTHLY

    from hotspot.pipeline import registry

    (folder / "monthly.py").write_text(MONTHLY, encoding="utf-8")
    monkeypatch.setattr(specs, "__path__", [*specs.__path__, str(folder)])
    registry.analyses.cache_clear()
    yield
    registry.analyses.cache_clear()
