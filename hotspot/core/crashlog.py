"""The crash log: the traceback of an unexpected error, written where the user can find it.

Used by the command line and by the window's error dialog. The folder is
``HOTSPOT_LOG_DIR`` when set, else the platform's log folder
(:func:`hotspot.core.paths.log_dir`), else the temporary folder. The log starts with
the versions support needs (:func:`hotspot.core.versions.versions_text`).
"""

from __future__ import annotations

import datetime as _dt
import os
import sys
import tempfile
import traceback
from collections.abc import Iterable, Sequence
from pathlib import Path

from hotspot.core.paths import log_dir
from hotspot.core.versions import versions_text


def write_crash_log(
    exc: BaseException, argv: Sequence[str], *, extra: Iterable[tuple[str, str]] = ()
) -> Path:
    """Write the traceback of an unexpected error to a log file; return its path.

    Parameters
    ----------
    exc : BaseException
        The error, with its traceback.
    argv : sequence of str
        The command's arguments (``["(window)"]`` from the window).
    extra : iterable of (name, version)
        Versions only the caller knows (the window adds Qt's).
    """
    stamp = _dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    text = (
        f"{versions_text(extra)}\nplatform: {sys.platform}\n"
        f"command: hotspot {' '.join(argv)}\n\n"
        + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    )
    for folder in (log_dir(), Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"hotspot-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    raise OSError("no writable folder for the error log")  # pragma: no cover
