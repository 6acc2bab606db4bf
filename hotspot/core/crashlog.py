"""The crash log: the traceback of an unexpected error, written where the user can find it.

Used by the command line and by the window's error dialog. The folder is
``HOTSPOT_LOG_DIR`` when set, else the platform's cache folder, else the
temporary folder.
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from hotspot import __version__


def _log_dir() -> Path:
    override = os.environ.get("HOTSPOT_LOG_DIR")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
        return base / "Hotspot" / "logs"
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "hotspot" / "logs"


def write_crash_log(exc: BaseException, argv: Sequence[str]) -> Path:
    """Write the traceback of an unexpected error to a log file; return its path."""
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"hotspot {__version__}, Python {sys.version.split()[0]}, {sys.platform}\n"
        f"command: hotspot {' '.join(argv)}\n\n"
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    for folder in (_log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"hotspot-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    raise OSError("no writable folder for the error log")  # pragma: no cover
