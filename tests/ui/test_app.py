"""``hotspot`` opens the window: the demo on first run, the last project afterwards."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from hotspot.ui import app
from hotspot.ui.main_window import MainWindow
from hotspot.ui.settings import Settings


def test_first_run_writes_the_demo_into_the_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOTSPOT_DATA_DIR", str(tmp_path / "data"))
    project = app.demo_project_path()
    assert project == tmp_path / "data" / "demo" / "project.toml"
    assert project.exists()
    stamp = project.stat().st_mtime_ns
    assert app.demo_project_path() == project  # not generated twice
    assert project.stat().st_mtime_ns == stamp


def test_the_project_to_open_is_the_argument_else_the_last_else_the_demo(
    tmp_path, monkeypatch, fresh_settings
):
    monkeypatch.setenv("HOTSPOT_DATA_DIR", str(tmp_path / "data"))
    given = tmp_path / "given.toml"
    assert app.choose_project(str(given), fresh_settings) == given
    demo = app.choose_project(None, fresh_settings)
    assert demo == tmp_path / "data" / "demo" / "project.toml"
    last = tmp_path / "last.toml"
    last.write_text("")
    fresh_settings.add_recent(last)
    assert app.choose_project(None, Settings()) == last.resolve()


def test_a_missing_project_file_is_refused_with_status_2(capsys):
    assert app.main(["no-such-project.toml"]) == 2
    assert "no-such-project.toml" in capsys.readouterr().err


def test_chromium_sandbox_is_switched_off_only_for_root(monkeypatch):
    monkeypatch.delenv("QTWEBENGINE_CHROMIUM_FLAGS", raising=False)
    monkeypatch.setattr(os, "geteuid", lambda: 1000, raising=False)
    app._prepare_environment()
    assert "QTWEBENGINE_CHROMIUM_FLAGS" not in os.environ
    monkeypatch.setenv("QTWEBENGINE_CHROMIUM_FLAGS", "--disable-gpu")
    monkeypatch.setattr(os, "geteuid", lambda: 0, raising=False)
    app._prepare_environment()
    assert os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] == "--disable-gpu --no-sandbox"


def test_main_opens_the_given_project_in_the_window(qtbot, tmp_path, monkeypatch, fresh_settings):
    from hotspot.demo import write_demo

    project = write_demo(tmp_path / "demo").project
    seen: dict[str, object] = {}

    def fake_exec(self):
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        window = windows[-1]
        qtbot.addWidget(window)
        qtbot.waitUntil(lambda: window.session.workspace is not None, timeout=60_000)
        seen["title"] = window.windowTitle()
        seen["visible"] = window.isVisible()
        window.close()
        return 0

    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert app.main([str(project)]) == 0
    assert seen["visible"] is True
    assert "Wrenmoor" in str(seen["title"])
    assert Settings().last_project == Path(project).resolve()


@pytest.mark.parametrize("argv", [["--help"]])
def test_help_exits_cleanly(argv):
    with pytest.raises(SystemExit) as info:
        app.main(argv)
    assert info.value.code == 0
