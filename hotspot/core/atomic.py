"""Atomic file writes: a temporary file in the target's folder, then a rename.

A failed or cancelled write leaves nothing behind, and an existing file is
replaced only when the new one is complete.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hotspot.core.errors import ExportError


def check_writable(path: str | os.PathLike, *, overwrite: bool) -> Path:
    """Refuse to replace an existing file unless ``overwrite`` is true.

    Raises
    ------
    ExportError
        When the file exists and ``overwrite`` is false, or its folder is missing.
    """
    p = Path(path)
    if p.exists() and not overwrite:
        raise ExportError(
            f"{p}: the file already exists; choose another name, confirm overwriting in the "
            "window, or pass --force on the command line"
        )
    if not p.parent.exists():
        raise ExportError(f"{p}: the folder {p.parent} does not exist; create it first")
    return p


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` on success.

    On any exception (including cancellation) the temporary file is removed and
    ``path`` is left as it was.

    Parameters
    ----------
    path : path-like
        The final file.
    overwrite : bool, optional
        Whether an existing file may be replaced.
    """
    target = check_writable(path, overwrite=overwrite)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; choose a file name")
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent
        )
    except OSError as exc:
        raise ExportError(
            f"{target}: cannot write in {target.parent} ({exc.strerror or exc}); choose a "
            "folder you can write to"
        ) from None
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if not tmp_path.exists():
            raise ExportError(f"{target}: nothing was written")
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def atomic_write_text(path: str | os.PathLike, text: str, *, overwrite: bool = True) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)
    return Path(path)


__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text", "check_writable"]
