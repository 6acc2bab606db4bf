"""Where input files come from: a file, a folder at any depth, or a zip read in place.

A :class:`Member` is one readable file, either on disk or inside a zip archive (the
police.uk archive is read without unpacking it). :func:`expand` turns what the user
gave (a path, a folder, a zip or a list of those) into members, and :func:`guard`
turns any parser failure into an :class:`~hotspot.core.errors.InputError` naming the file.
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from hotspot.core.errors import InputError
from hotspot.core.progress import AnalysisCancelled

STREET_CSV = re.compile(r"(^|/)\d{4}-\d{2}-[^/]+-street\.csv$", re.IGNORECASE)
OTHER_POLICEUK_CSV = re.compile(r"-(outcomes|stop-and-search)\.csv$", re.IGNORECASE)
TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".shp", ".fgb", ".gml", ".kml")


@dataclass(frozen=True)
class Member:
    """One file to read: on disk, or inside a zip archive.

    Attributes
    ----------
    label : str
        How the file is named in messages and in the ``source_file`` column.
    path : Path
        The file on disk (the archive itself for a zip member).
    inner : str or None
        The member's name inside the archive.
    """

    label: str
    path: Path
    inner: str | None = None
    archive: zipfile.ZipFile | None = None

    @property
    def name(self) -> str:
        """The file name without folders."""
        return (self.inner or self.path.name).rsplit("/", 1)[-1]

    @property
    def suffix(self) -> str:
        """The lower-case extension, with the dot."""
        name = self.name.lower()
        return name[name.rfind(".") :] if "." in name else ""

    @property
    def on_disk(self) -> bool:
        """Whether the file can be opened by path (not inside a zip)."""
        return self.inner is None

    def open(self) -> BinaryIO:
        """Open the file for reading bytes."""
        if self.inner is None:
            return open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        assert self.archive is not None
        return io.BytesIO(self.archive.read(self.inner))

    def read_bytes(self) -> bytes:
        """The whole file."""
        if self.inner is None:
            return self.path.read_bytes()
        assert self.archive is not None
        return self.archive.read(self.inner)

    def head(self, n: int = 65536) -> bytes:
        """The first ``n`` bytes."""
        if self.inner is None:
            with open(self.path, "rb") as fh:
                return fh.read(n)
        assert self.archive is not None
        with self.archive.open(self.inner) as fh:
            return fh.read(n)


def _skip(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return any(p.startswith(".") or p == "__MACOSX" for p in parts if p)


def _zip_members(path: Path, label: str, stack: contextlib.ExitStack) -> list[Member]:
    try:
        archive = stack.enter_context(zipfile.ZipFile(path))
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(
            f"{path.name}: is not a readable zip archive ({exc}); download it again, or "
            "unzip it and choose the folder"
        ) from exc
    members = [Member(f"{label}/{n}", path, n, archive) for n in sorted(names) if not _skip(n)]
    if not members:
        raise InputError(f"{label}: the zip archive is empty; download it again")
    return members


def expand(source, stack: contextlib.ExitStack) -> list[Member]:
    """Every file under ``source`` (a path, a folder, a zip or a list of those).

    Zip archives are opened in ``stack`` (closed when the stack closes). Hidden files
    and ``__MACOSX`` folders are skipped.

    Raises
    ------
    InputError
        When a path does not exist or a folder holds no files.
    """
    sources = list(source) if isinstance(source, list | tuple) else [source]
    if not sources:
        raise InputError("no offence files given; choose a file, a folder or a zip archive")
    members: list[Member] = []
    for s in sources:
        p = Path(s).expanduser()
        if not p.exists():
            raise InputError(f"{p}: no such file or folder; check the path")
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file())
            found = 0
            for f in files:
                rel = f.relative_to(p).as_posix()
                if _skip(rel):
                    continue
                found += 1
                if f.suffix.lower() == ".zip":
                    members.extend(_zip_members(f, f"{p.name}/{rel}", stack))
                else:
                    members.append(Member(f"{p.name}/{rel}", f))
            if not found:
                raise InputError(f"{p}: the folder is empty; choose the folder holding the files")
        elif p.suffix.lower() == ".zip":
            members.extend(_zip_members(p, p.name, stack))
        else:
            members.append(Member(p.name, p))
    return members


def vector_layers(path: Path) -> list:
    """The layers of a vector file, as pyogrio lists them (name, geometry type).

    Raises
    ------
    InputError
        When GDAL cannot read the file (naming it and what to check).
    """
    import pyogrio

    try:
        return list(pyogrio.list_layers(path))
    except Exception as exc:  # GDAL raises its own types for unreadable files
        raise InputError(
            f"{path.name}: not a readable GeoJSON, GeoPackage or Shapefile ({exc}); "
            "check the file (and, for a shapefile, its .shx and .dbf beside it)"
        ) from exc


@contextlib.contextmanager
def guard(label: str, what: str = "file") -> Iterator[None]:
    """Turn any failure while parsing ``label`` into an :class:`InputError`.

    Cancellation and :class:`InputError` pass through unchanged; ``MemoryError`` is
    reported as a file too large to read.
    """
    try:
        yield
    except (InputError, AnalysisCancelled):
        raise
    except MemoryError as exc:
        raise InputError(
            f"{label}: too large to read in the memory available; split it into smaller files"
        ) from exc
    except Exception as exc:  # parsers raise many types; none may escape a reader
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(
            f"{label}: could not be read as {what} ({detail[:300]}); check that the file "
            "is complete and in the expected format"
        ) from exc
