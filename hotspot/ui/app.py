"""Start the Hotspot window: ``hotspot`` or ``hotspot PROJECT.toml``.

On first run the demo project is generated into the per-user data folder and
opened; afterwards the last project opens. Start-up stays light: geopandas,
folium and matplotlib are imported when the first data, map or chart needs them.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from hotspot.core.text import install_log_filter

log = logging.getLogger("hotspot")


def _prepare_environment() -> None:
    """Settings QtWebEngine needs before Qt starts (the sandbox only where it cannot run)."""
    from hotspot.ui import sandbox

    reason = sandbox.no_sandbox_reason()
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    wanted = sandbox.chromium_flags(flags, reason)
    if wanted != flags:
        log.info("web map without Chromium's sandbox: %s", reason)
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = wanted
    os.environ.setdefault("QT_API", "pyside6")


def demo_project_path(progress=None) -> Path:
    """The demo project in the per-user data folder, generated when missing."""
    from hotspot.ui.settings import data_dir

    folder = data_dir() / "demo"
    project = folder / "project.toml"
    if not project.exists():
        from hotspot.core.progress import NO_PROGRESS
        from hotspot.demo import write_demo

        write_demo(folder, overwrite=True, progress=progress or NO_PROGRESS)
    return project


def choose_project(arg: str | None, settings) -> Path | None:
    """The project to open: the argument, else the last one, else the demo."""
    if arg:
        return Path(arg)
    last = settings.last_project
    if last is not None:
        return last
    try:
        return demo_project_path()
    except Exception:  # noqa: BLE001 - an empty window is better than no window
        log.exception("could not prepare the demo project")
        return None


def create_window(project: Path | None = None):
    """Make the main window (a QApplication must exist) and open ``project``."""
    from PySide6.QtWidgets import QApplication

    from hotspot.ui import errors, settings
    from hotspot.ui.main_window import MainWindow

    settings.configure()
    app = QApplication.instance()
    _apply_style(app)
    window = MainWindow(settings.Settings())
    errors.install_excepthook(window)
    if project is not None:
        window.open_project(project)
    return window


def _apply_style(app) -> None:
    from importlib import resources

    try:
        qss = resources.files("hotspot.resources").joinpath("hotspot.qss").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - broken install
        return
    app.setStyleSheet(qss)


def main(argv: list[str] | None = None) -> int:
    """Open the window; returns the exit status.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments after the program name: optionally a project file.
    """
    parser = argparse.ArgumentParser(prog="hotspot", description="Open the Hotspot window.")
    parser.add_argument("project", nargs="?", help="a project file (.toml) to open")
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.project and not Path(args.project).exists():
        print(f"hotspot: {args.project}: project file not found", file=sys.stderr)
        return 2
    _prepare_environment()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_log_filter()  # names in messages never forge log lines

    from PySide6.QtWidgets import QApplication

    from hotspot.ui import settings

    settings.configure()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationDisplayName("Hotspot")
    if args.smoke_test:  # installers and CI: the demo map on screen, then exit
        from hotspot.ui import smoke

        return smoke.run(app, Path(args.project) if args.project else demo_project_path())
    project = choose_project(args.project, settings.Settings())
    window = create_window(project)
    window.show()
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main(sys.argv[1:]))
