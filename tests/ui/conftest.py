"""Fixtures for the window tests: isolated settings, one demo project per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Settings and the per-user data folder point at a throw-away place before any
# Qt object exists, so tests never read or write the real user's settings.
_ISOLATED = Path(tempfile.mkdtemp(prefix="hotspot-ui-tests-"))
atexit.register(shutil.rmtree, _ISOLATED, ignore_errors=True)
os.environ["HOTSPOT_SETTINGS_DIR"] = str(_ISOLATED / "settings")
os.environ["HOTSPOT_DATA_DIR"] = str(_ISOLATED / "data")
os.environ["HOTSPOT_LOG_DIR"] = str(_ISOLATED / "logs")  # logs of unexpected errors

pytest.importorskip("PySide6.QtWidgets", reason="PySide6 is needed for the window tests")


@pytest.fixture(scope="session")
def qapp_args():
    return ["hotspot-tests"]


@pytest.fixture(scope="session", autouse=True)
def _configure_settings(qapp):
    from hotspot.ui import settings

    settings.configure()
    yield


@pytest.fixture
def fresh_settings():
    """A Settings object whose storage is emptied first."""
    from hotspot.ui.settings import Settings

    s = Settings()
    s._qs.clear()
    yield s
    s._qs.clear()


@pytest.fixture(autouse=True)
def unexpected_errors(monkeypatch):
    """Unexpected errors are recorded instead of opening a modal dialog; a test fails on any."""
    from hotspot.ui import errors

    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(
        errors.reporter(), "show", lambda summary, text: seen.append((summary, text))
    )
    yield seen
    assert not [s for s in seen if not getattr(seen, "expected", False)], (
        "unexpected errors were reported:\n" + "\n\n".join(t for _, t in seen)
    )


@pytest.fixture(autouse=True)
def no_modal_questions(monkeypatch):
    """ "Save changes?" answers "discard" in tests (closing windows must never block)."""
    from hotspot.ui import project_actions

    asked: list[str] = []

    def ask(parent):
        asked.append("discard")
        return "discard"

    monkeypatch.setattr(project_actions, "ask_discard", ask)
    return asked


@pytest.fixture(scope="session")
def demo_project(tmp_path_factory) -> Path:
    """The demo data set, written once per test session."""
    from hotspot.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo")).project
