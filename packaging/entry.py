"""The bundled executable's entry point: the same as the ``hotspot`` command.

PyInstaller's matplotlib hook points matplotlib's settings folder at a temporary one
that is deleted at exit, so every start would rebuild matplotlib's list of the
machine's fonts (seconds on a Windows laptop with many fonts). The bundle keeps it in
Hotspot's cache folder instead, built once.
"""

import multiprocessing
import os

from hotspot.core.paths import cache_dir

os.environ["MPLCONFIGDIR"] = str(cache_dir() / "matplotlib")

from hotspot.cli import main  # noqa: E402

if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
