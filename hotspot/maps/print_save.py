"""Print maps saved as PNG (300 dpi), PDF (vector) or SVG, atomically.

:func:`save_figure` refuses to overwrite an existing file unless ``overwrite=True``
and leaves nothing behind when writing fails.
"""

from __future__ import annotations

import os
from pathlib import Path

from matplotlib.figure import Figure

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.maps import fonts
from hotspot.maps.text import literal_text

FORMATS = ("png", "pdf", "svg")
DPI = 300


def save_figure(
    fig: Figure,
    path: str | os.PathLike,
    *,
    format: str | None = None,  # noqa: A002 - matplotlib's name
    dpi: int = DPI,
    overwrite: bool = False,
) -> Path:
    """Write a figure as PNG (``dpi``, default 300), PDF (vector) or SVG, atomically.

    Parameters
    ----------
    fig : Figure
        From :func:`print_map` or a map helper.
    path : path-like
        Target file; its suffix gives the format unless ``format`` is given.
    format : {"png", "pdf", "svg"}, optional
    dpi : int
        Resolution of PNG output (stored in the file).
    overwrite : bool
        Replace an existing file.

    Raises
    ------
    ExportError
        On an unknown format, an existing file without ``overwrite``, or a missing
        folder. Nothing is left behind when writing fails.
    """
    import matplotlib

    p = Path(path)
    fmt = (format or p.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(f"{p}: format {fmt!r} is not supported; use {', '.join(FORMATS)}")
    literal_text(fig)
    with (
        fonts.print_fonts(),
        matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none"}),
        atomic_path(p, overwrite=overwrite) as tmp,
    ):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fig, fmt))
    return p


def _metadata(fig: Figure, fmt: str) -> dict[str, str]:
    title = next((t.get_text() for t in fig.texts if t.get_gid() == "title"), "")
    if fmt == "png":
        return {"Title": title, "Software": "Hotspot"}
    if fmt in ("pdf", "svg"):
        return {"Title": title, "Creator": "Hotspot"}
    return {}


__all__ = ["FORMATS", "DPI", "save_figure"]
