"""The print maps' font: DejaVu Sans from Hotspot's own files, on every machine.

A briefing must look the same wherever it is made, so print maps and the briefing
pack do not depend on the fonts a machine happens to have (or on a user's
matplotlibrc): :func:`print_fonts` registers the files in ``resources/fonts`` with
matplotlib's font manager, ahead of any other copy of the family (matplotlib carries
an older DejaVu Sans of its own), and maps every generic family to it while a print
map is made and saved.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

FAMILY = "DejaVu Sans"
_GENERIC = ("sans-serif", "serif", "cursive", "fantasy", "monospace")
_lock = threading.Lock()


def font_files() -> list[Path]:
    """The font files Hotspot ships (``resources/fonts/*.ttf``)."""
    folder = resources.files("hotspot.resources").joinpath("fonts")
    return sorted(Path(str(f)) for f in folder.iterdir() if f.name.lower().endswith(".ttf"))


def _key(path: str | os.PathLike) -> str:
    return os.path.normcase(os.path.realpath(path))


def register() -> list[Path]:
    """Add Hotspot's fonts to matplotlib, first among equals; return their files.

    matplotlib picks the first of equally good matches, so the entries for these files
    are moved to the front of its font list. Safe to call many times.
    """
    from matplotlib import font_manager

    manager = font_manager.fontManager
    files = font_files()
    ours = {_key(p) for p in files}
    with _lock:
        known = {_key(e.fname) for e in manager.ttflist}
        for path in files:
            if _key(path) not in known:
                manager.addfont(str(path))
        mine = [e for e in manager.ttflist if _key(e.fname) in ours]
        if manager.ttflist[: len(mine)] != mine:
            manager.ttflist[:] = mine + [e for e in manager.ttflist if _key(e.fname) not in ours]
            cached = getattr(manager, "_findfont_cached", None)
            if cached is not None:  # earlier look-ups may have found another copy
                cached.cache_clear()
    return files


def rc() -> dict[str, object]:
    """matplotlib settings that make every text of a figure use :data:`FAMILY`."""
    return {"font.family": [FAMILY], **{f"font.{g}": [FAMILY] for g in _GENERIC}}


@contextlib.contextmanager
def print_fonts() -> Iterator[None]:
    """Within the block (or the decorated function) text is set in Hotspot's font."""
    import matplotlib

    register()
    with matplotlib.rc_context(rc()):
        yield


__all__ = ["FAMILY", "font_files", "print_fonts", "rc", "register"]
