r"""Where Hotspot keeps the user's files: the platform's standard per-user folders.

- data (the demo project): ``%LOCALAPPDATA%\Hotspot`` on Windows,
  ``~/Library/Application Support/Hotspot`` on macOS, ``~/.local/share/hotspot`` on Linux;
- settings (``hotspot.ini``): ``%APPDATA%\Hotspot`` (roams with the profile),
  ``~/Library/Application Support/Hotspot``, ``~/.config/hotspot``;
- logs (crash logs): ``%LOCALAPPDATA%\Hotspot\Logs``, ``~/Library/Logs/Hotspot``,
  ``~/.local/state/hotspot/log``;
- cache (only what is rebuilt when deleted, such as the bundled app's matplotlib font
  list): ``%LOCALAPPDATA%\Hotspot\Cache``, ``~/Library/Caches/Hotspot``, ``~/.cache/hotspot``.

The folders come from :mod:`platformdirs`, which honours ``XDG_*`` on Linux. Data,
settings and logs can each be moved with an environment variable (``HOTSPOT_DATA_DIR``,
``HOTSPOT_SETTINGS_DIR``, ``HOTSPOT_LOG_DIR``), which IT can set for every user and the
tests set to keep the user's own folders untouched. Nothing here creates a folder: the
caller does when it writes.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

ENV_DATA_DIR = "HOTSPOT_DATA_DIR"
ENV_SETTINGS_DIR = "HOTSPOT_SETTINGS_DIR"
ENV_LOG_DIR = "HOTSPOT_LOG_DIR"


def app_folder_name(platform: str = sys.platform) -> str:
    """The application's folder name: "Hotspot" on Windows and macOS, "hotspot" elsewhere."""
    return "Hotspot" if platform in ("win32", "darwin") else "hotspot"


def _override(variable: str) -> Path | None:
    value = os.environ.get(variable, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The per-user data folder (the demo project is generated in ``data_dir() / "demo"``)."""
    return _override(ENV_DATA_DIR) or Path(
        platformdirs.user_data_dir(app_folder_name(), appauthor=False)
    )


def settings_dir() -> Path:
    """The per-user settings folder (``hotspot.ini``; roams with a Windows profile)."""
    return _override(ENV_SETTINGS_DIR) or Path(
        platformdirs.user_config_dir(app_folder_name(), appauthor=False, roaming=True)
    )


def log_dir() -> Path:
    """The per-user folder for crash logs."""
    return _override(ENV_LOG_DIR) or Path(
        platformdirs.user_log_dir(app_folder_name(), appauthor=False)
    )


def cache_dir() -> Path:
    """The per-user cache folder (safe to delete: everything in it is rebuilt)."""
    return Path(platformdirs.user_cache_dir(app_folder_name(), appauthor=False))


__all__ = [
    "ENV_DATA_DIR",
    "ENV_LOG_DIR",
    "ENV_SETTINGS_DIR",
    "app_folder_name",
    "cache_dir",
    "data_dir",
    "log_dir",
    "settings_dir",
]
