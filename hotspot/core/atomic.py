"""Atomic file writes: a temporary file in the target's folder, then a rename.

A failed or cancelled write leaves nothing behind, and an existing file is
replaced only when the new one is complete. The temporary file is hidden and
named ``.<stem>.<random>.part<suffix>``; a run killed outright (power cut, kill -9)
can leave one, and :func:`remove_stale_parts` clears them from a folder.

What the operating system refuses (a full disk, no permission, a read-only
folder or disk) is the user's to fix, not a bug: it becomes an
:class:`~hotspot.core.errors.ExportError` naming the file and the folder and
saying what to do (:func:`os_error_text`).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hotspot.core.errors import ExportError, HotspotError

_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space or choose a folder on another disk",
    errno.EDQUOT: "your disk quota is used up; free some space or choose another folder",
    errno.EACCES: "you may not write there; choose a folder you can write to",
    errno.EPERM: "you may not write there; choose a folder you can write to",
    errno.EROFS: "the disk is read-only; choose a folder on a disk you can write to",
    errno.ENAMETOOLONG: "the path is too long; choose a shorter folder or file name",
    errno.EIO: "the disk reported an input/output error; check the disk or choose another folder",
}
# GDAL and SQLite (GeoPackage, GeoTIFF writers) report the same failures as text
_MESSAGES = (
    ("no space left", errno.ENOSPC),
    ("disk is full", errno.ENOSPC),
    ("read-only file system", errno.EROFS),
    ("attempt to write a readonly database", errno.EROFS),
    ("permission denied", errno.EACCES),
)


def os_error_text(exc: BaseException, target: str | os.PathLike | None = None) -> str | None:
    """The plain-English message for an operating-system failure, or None for anything else.

    Parameters
    ----------
    exc : BaseException
        An ``OSError``, or an error of GDAL or SQLite whose text says the disk is
        full, read-only or not writable.
    target : path-like, optional
        The file being written (named in the message, with its folder).

    Returns
    -------
    str or None
        None when ``exc`` is not such a failure (without ``target``: not one of the
        known refusals, so possibly a bug). E.g. ``"out/map.html: could not be written in out (No space left on device);
        the disk is full; free some space or choose a folder on another disk"``.
    """
    said = str(exc).lower()
    code = next((c for key, c in _MESSAGES if key in said), None)
    if isinstance(exc, OSError):
        code, reason = exc.errno or code, exc.strerror or str(exc)
    elif code is None:
        return None
    else:
        reason = os.strerror(code)
    other = getattr(exc, "filename", None)
    if target is None and code not in _ADVICE:
        return None  # not known to be the system's refusal: may be a bug
    advice = _ADVICE.get(code, "check that the folder exists and can be written to, then retry")
    if target is None and other is None:
        return f"the system refused a file operation ({reason}); {advice}"
    name = Path(target if target is not None else other)
    return f"{name}: could not be written in {name.parent} ({reason}); {advice}"


def remove_stale_parts(folder: str | os.PathLike) -> list[Path]:
    """Delete the hidden ``.part`` files an interrupted write left in ``folder``.

    Only names of the form :func:`atomic_path` makes (``.<stem>.<8 characters>.part``
    followed by the target's suffix, and the side files GDAL adds to it) are touched.

    Returns
    -------
    list of Path
        The files removed.
    """
    removed = []
    for p in Path(folder).iterdir():
        if _PART_NAME.match(p.name) and p.is_file():
            with contextlib.suppress(FileNotFoundError):
                p.unlink()
                removed.append(p)
    return removed


_PART_NAME = re.compile(r"^\..+\.[a-z0-9_]{8}\.part(\..*)?$")


def check_folder_writable(folder: str | os.PathLike) -> Path:
    """Create and delete a hidden file in ``folder``: an ExportError now if that fails.

    For long jobs (``hotspot run``) that should fail before their work, not after it.
    """
    p = Path(folder)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".hotspot-check.", suffix=".part", dir=p)
        os.close(fd)
        os.unlink(tmp)
    except OSError as exc:
        raise ExportError(
            f"{p}: cannot write in this folder ({exc.strerror or exc}); "
            + _ADVICE.get(exc.errno, "choose a folder you can write to")
        ) from None
    return p


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
        os.close(fd)
        os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    except OSError as exc:
        raise ExportError(os_error_text(exc, target)) from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        if not tmp_path.exists():
            raise ExportError(f"{target}: nothing was written")
        os.replace(tmp_path, target)
    except BaseException as exc:
        for side in tmp_path.parent.glob(glob.escape(tmp_path.name) + "*"):
            with contextlib.suppress(OSError):
                side.unlink()
        ours = isinstance(exc, HotspotError) or not isinstance(exc, Exception)
        message = None if ours else os_error_text(exc, target)
        if message is not None:
            raise ExportError(message) from exc
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


__all__ = [
    "atomic_path",
    "atomic_write_bytes",
    "atomic_write_text",
    "check_folder_writable",
    "check_writable",
    "os_error_text",
    "remove_stale_parts",
]
