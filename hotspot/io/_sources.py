"""Where input files come from: a file, a folder at any depth, or a zip read in place.

A :class:`Member` is one readable file: on disk, compressed on disk (``.csv.gz``,
``.csv.bz2``, ``.csv.xz``), or inside a zip archive (the police.uk archive is read without
unpacking it; a zip inside it is opened too, one level deep). Compressed files and zip
members are read as bounded streams (:mod:`._streams`). :func:`expand` turns what the user
gave (a path, a folder, a zip or a list of those) into members, and :func:`guard` turns any
parser failure into an :class:`~hotspot.core.errors.InputError` naming the file, without
quoting the file's contents.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from hotspot.core.errors import InputError
from hotspot.core.progress import AnalysisCancelled
from hotspot.io._streams import ArchiveLimits, bounded, compression_of, decompressed
from hotspot.io._streams import without_compression as _plain_name
from hotspot.model import printable

STREET_CSV = re.compile(r"(^|/)\d{4}-\d{2}-[^/]+-street\.csv$", re.IGNORECASE)
OTHER_POLICEUK_CSV = re.compile(r"-(outcomes|stop-and-search)\.csv$", re.IGNORECASE)
TABLE_SUFFIXES = (".csv", ".txt", ".tsv")
VECTOR_SUFFIXES = (".gpkg", ".geojson", ".shp", ".fgb", ".gml", ".kml")


@dataclass(frozen=True)
class Member:
    """One file to read: on disk (plain or compressed), or inside a zip archive.

    Attributes
    ----------
    label : str
        How the file is named in messages and in the ``source_file`` column (printable:
        control characters and undecodable bytes of the name shown as escapes).
    path : Path
        The file on disk (the archive itself for a zip member).
    inner : str or None
        The member's name inside the archive.
    archive : zipfile.ZipFile or None
        The open archive holding the member.
    limits : ArchiveLimits
        How far the member may expand when decompressed.
    """

    label: str
    path: Path
    inner: str | None = None
    archive: zipfile.ZipFile | None = None
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)

    @property
    def name(self) -> str:
        """The file name without folders (with any ``.gz``, ``.bz2`` or ``.xz``)."""
        return (self.inner or self.path.name).rsplit("/", 1)[-1]

    @property
    def compression(self) -> str | None:
        """``".gz"``, ``".bz2"`` or ``".xz"`` for a compressed file, else None."""
        return compression_of(self.name)

    @property
    def plain_label(self) -> str:
        """The label without the compression suffix (what the file holds)."""
        return _plain_name(self.label)

    @property
    def suffix(self) -> str:
        """The lower-case extension of what the file holds, with the dot (``.csv`` for
        ``x.csv.gz``)."""
        name = _plain_name(self.name).lower()
        return name[name.rfind(".") :] if "." in name else ""

    @property
    def on_disk(self) -> bool:
        """Whether the file can be read by path as it is (on disk, not compressed)."""
        return self.inner is None and self.compression is None

    def check_size(self) -> None:
        """Refuse a zip member whose stated sizes exceed :attr:`limits` (before reading).

        Raises
        ------
        InputError
            Naming the archive and the member.
        """
        if self.archive is None or self.inner is None:
            return
        info = self.archive.getinfo(self.inner)
        self.limits.refuse(self.label, info.file_size, info.compress_size)

    def open(self) -> BinaryIO:
        """Open the file for reading bytes, decompressed, as a bounded stream."""
        if self.inner is None:
            raw = open(self.path, "rb")  # noqa: SIM115 - the caller closes it
        else:
            assert self.archive is not None
            self.check_size()
            raw = bounded(self.archive.open(self.inner), self.label, self.limits)
        if self.compression is None:
            return raw
        return decompressed(raw, self.compression, self.label, self.limits)

    def read_bytes(self) -> bytes:
        """The whole file, decompressed (within :attr:`limits`)."""
        with self.open() as fh:
            return fh.read()

    def head(self, n: int = 65536) -> bytes:
        """The first ``n`` bytes, decompressed."""
        with self.open() as fh:
            return fh.read(n)


def check_shapefile(path: Path, label: str, names: list[str] | None = None) -> None:
    """Refuse a shapefile whose attribute table (``.dbf``) or index (``.shx``) is missing.

    ``names`` are the files beside it (an archive's member names); by default the
    shapefile's folder is listed.

    Raises
    ------
    InputError
        Naming the missing file and saying that a shapefile is several files.
    """
    if names is None:
        names = [f.name for f in path.parent.iterdir()] if path.parent.is_dir() else []
    stem = path.name[: -len(path.suffix)].lower() if path.suffix else path.name.lower()
    have = {n.rsplit("/", 1)[-1].lower() for n in names}
    for side in (".dbf", ".shx"):
        if stem + side not in have:
            raise InputError(
                f"{label}: the shapefile's {side} file ({printable(path.stem + side)}) is not "
                "beside it; a shapefile is several files with the same name (.shp, .shx, "
                ".dbf, .prj): copy or unzip them all into one folder and load the .shp again"
            )


def _skip(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return any(p.startswith(".") or p == "__MACOSX" for p in parts if p)


def _unsafe(name: str) -> bool:
    """A member name that points outside the archive ("zip slip"): absolute, with a drive,
    or climbing up with ``..``."""
    norm = name.replace("\\", "/")
    return (
        norm.startswith("/")
        or re.match(r"^[A-Za-z]:", norm) is not None
        or ".." in PurePosixPath(norm).parts
    )


def _open_zip(source, label: str, stack: contextlib.ExitStack) -> zipfile.ZipFile:
    try:
        return stack.enter_context(zipfile.ZipFile(source))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(
            f"{label}: is not a readable zip archive ({type(exc).__name__}); download it "
            "again, or unzip it and choose the folder"
        ) from exc


def _nested_copy(member: Member, stack: contextlib.ExitStack) -> BinaryIO:
    """A zip inside a zip, copied (bounded) to a temporary file that the stack deletes."""
    tmp = stack.enter_context(tempfile.TemporaryFile(prefix="hotspot-", suffix=".zip"))  # noqa: SIM115
    with member.open() as src:
        shutil.copyfileobj(src, tmp, 1 << 20)
    tmp.seek(0)
    return tmp


def _zip_members(
    source, path: Path, label: str, stack: contextlib.ExitStack, limits, depth: int = 0
) -> list[Member]:
    archive = _open_zip(source, label, stack)
    try:
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # pragma: no cover - defensive
        raise InputError(f"{label}: is not a readable zip archive; download it again") from exc
    slips = [i.filename for i in infos if _unsafe(i.filename)]
    if slips:
        raise InputError(
            f"{label}: the archive holds a file whose name points outside the archive "
            f"({printable(slips[0])}); such archives are made to overwrite files when "
            "unpacked, so Hotspot does not read them. Ask the sender for a clean archive"
        )
    members: list[Member] = []
    for info in sorted(infos, key=lambda i: i.filename):
        if _skip(info.filename):
            continue
        m = Member(printable(f"{label}/{info.filename}"), path, info.filename, archive, limits)
        if m.suffix == ".zip" and m.compression is None and depth == 0:
            copy = _nested_copy(m, stack)
            members.extend(_zip_members(copy, path, m.label, stack, limits, depth=1))
        else:
            members.append(m)
    if not members:
        raise InputError(f"{label}: the zip archive is empty; download it again")
    return members


def _folder_members(
    p: Path, stack: contextlib.ExitStack, limits: ArchiveLimits, notes: list[str]
) -> list[Member]:
    """Every file under folder ``p``; links to files outside it are set aside (noted), and
    a file reached twice (through a link) is read once."""
    root = p.resolve()
    seen: set[Path] = set()
    outside: list[str] = []
    members: list[Member] = []
    found = 0
    for f in sorted(p.rglob("*")):
        rel = f.relative_to(p).as_posix()
        if _skip(rel) or not f.is_file():
            continue
        found += 1
        real = f.resolve()
        if f.is_symlink() and not real.is_relative_to(root):
            outside.append(printable(rel))
            continue
        if real in seen:
            continue
        seen.add(real)
        label = printable(f"{p.name}/{rel}")
        if f.suffix.lower() == ".zip":
            members.extend(_zip_members(f, f, label, stack, limits))
        else:
            members.append(Member(label, f, limits=limits))
    if not found:
        raise InputError(
            f"{printable(p)}: the folder is empty; choose the folder holding the files"
        )
    if outside:
        listed = ", ".join(outside[:3]) + (" ..." if len(outside) > 3 else "")
        notes.append(
            f"ignored {len(outside)} link{'s' if len(outside) > 1 else ''} to files outside "
            f"the folder ({listed}); copy the files into the folder to read them"
        )
    if not members:
        raise InputError(
            f"{printable(p)}: the folder holds only links to files outside it; copy the files "
            "into the folder, or choose them directly"
        )
    return members


def expand(
    source,
    stack: contextlib.ExitStack,
    limits: ArchiveLimits | None = None,
    notes: list[str] | None = None,
) -> list[Member]:
    """Every file under ``source`` (a path, a folder, a zip or a list of those).

    Zip archives are opened in ``stack`` (closed when the stack closes). Hidden files
    and ``__MACOSX`` folders are skipped; links inside a folder to files outside it are
    skipped with a note appended to ``notes``.

    Raises
    ------
    InputError
        When a path does not exist, a folder holds no files, or an archive is damaged or
        holds names that point outside it.
    """
    limits = limits or ArchiveLimits.resolve()
    notes = [] if notes is None else notes
    sources = list(source) if isinstance(source, list | tuple) else [source]
    if not sources:
        raise InputError("no offence files given; choose a file, a folder or a zip archive")
    members: list[Member] = []
    for s in sources:
        p = Path(s).expanduser()
        if not p.exists():
            raise InputError(f"{printable(p)}: no such file or folder; check the path")
        if p.is_dir():
            members.extend(_folder_members(p, stack, limits, notes))
        elif p.suffix.lower() == ".zip":
            members.extend(_zip_members(p, p, printable(p.name), stack, limits))
        else:
            members.append(Member(printable(p.name), p, limits=limits))
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
            f"{path.name}: not a readable GeoJSON, GeoPackage or Shapefile ({_detail(exc)}); "
            "check the file (and, for a shapefile, its .shx and .dbf beside it)"
        ) from exc


def _detail(exc: BaseException) -> str:
    """What went wrong, without quoting the file: the first line of the parser's message,
    cut after a count of fields ("... got 14", where parsers append the row itself) and
    with long quoted text left out."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    text = re.sub(r"(got \d+).*", r"\1", text)
    text = re.sub(r"'[^']{11,}'|\"[^\"]{11,}\"", "'...'", text)
    text = printable(text)[:160]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


@contextlib.contextmanager
def guard(label: str, what: str = "file") -> Iterator[None]:
    """Turn any failure while parsing ``label`` into an :class:`InputError`.

    Cancellation and :class:`InputError` pass through unchanged; ``MemoryError`` is
    reported as a file too large to read. The message never quotes the file's contents.
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
        raise InputError(
            f"{label}: could not be read as {what} ({_detail(exc)}); check that the file "
            "is complete and in the expected format"
        ) from exc
