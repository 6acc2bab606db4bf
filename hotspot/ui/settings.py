"""Persistent user settings (QSettings): last project, recent projects, basemap, geometry.

Settings are an INI file, ``hotspot.ini``, in the platform's settings folder and the
demo project lives in the platform's data folder (both from :mod:`hotspot.core.paths`,
the same on every platform and easy for IT to find, pre-seed or remove). Tests and
benchmarks isolate both from the real user's by setting ``HOTSPOT_SETTINGS_DIR`` and
``HOTSPOT_DATA_DIR`` before the window starts.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings

from hotspot.core import paths

ORGANISATION = "Hotspot"
APPLICATION = "Hotspot"
SETTINGS_FILE = "hotspot.ini"
ENV_SETTINGS_DIR = paths.ENV_SETTINGS_DIR
ENV_DATA_DIR = paths.ENV_DATA_DIR
MAX_RECENT = 8
BASEMAPS = ("none", "osm")


def configure() -> None:
    """Name the application for Qt (call before the window is made; ``app.main`` does)."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)


def settings_file() -> Path:
    """The settings file: ``hotspot.ini`` in :func:`hotspot.core.paths.settings_dir`."""
    return paths.settings_dir() / SETTINGS_FILE


def data_dir() -> Path:
    """The per-user data folder, created (the demo project lives in ``data_dir() / "demo"``)."""
    path = paths.data_dir()
    path.mkdir(parents=True, exist_ok=True)
    return path


class Settings:
    """Typed access to the few settings Hotspot keeps between sessions."""

    def __init__(self) -> None:
        path = settings_file()
        path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()

    # ------------------------------------------------------------- projects

    @property
    def last_project(self) -> Path | None:
        """The project open when the window last closed, if it still exists."""
        value = self._qs.value("project/last", "")
        if not value:
            return None
        path = Path(str(value))
        return path if path.exists() else None

    @last_project.setter
    def last_project(self, path: Path | None) -> None:
        self._qs.setValue("project/last", str(path) if path else "")

    def recent_projects(self) -> list[Path]:
        """Recently opened projects, newest first, those that still exist."""
        value = self._qs.value("project/recent", [])
        if isinstance(value, str):  # QSettings returns a lone item as a string
            value = [value] if value else []
        return [Path(v) for v in value or [] if v and Path(v).exists()]

    def add_recent(self, path: Path) -> None:
        """Put ``path`` at the top of the recent projects."""
        path = Path(path).resolve()
        items = [p for p in self.recent_projects() if p.resolve() != path]
        items.insert(0, path)
        self._qs.setValue("project/recent", [str(p) for p in items[:MAX_RECENT]])
        self.last_project = path

    def clear_recent(self) -> None:
        """Forget the recent projects."""
        self._qs.setValue("project/recent", [])

    # ------------------------------------------------------------- map and window

    @property
    def basemap(self) -> str:
        """The basemap chosen last ("none" or "osm")."""
        value = str(self._qs.value("map/basemap", "none"))
        return value if value in BASEMAPS else "none"

    @basemap.setter
    def basemap(self, value: str) -> None:
        self._qs.setValue("map/basemap", value if value in BASEMAPS else "none")

    def geometry(self) -> tuple[QByteArray | None, QByteArray | None]:
        """Saved window geometry and dock state."""
        geom = self._qs.value("window/geometry")
        state = self._qs.value("window/state")
        return (
            geom if isinstance(geom, QByteArray) else None,
            state if isinstance(state, QByteArray) else None,
        )

    def set_geometry(self, geometry: QByteArray, state: QByteArray) -> None:
        """Remember the window geometry and dock state."""
        self._qs.setValue("window/geometry", geometry)
        self._qs.setValue("window/state", state)
