"""Read offences: police.uk CSVs, folders and archive zips, API JSON, any points file.

:func:`read_offences` is the one entry point. It finds the files, parses each with the
reader for its kind (:mod:`._policeuk_csv`, :mod:`._policeuk_api`,
:mod:`._generic_points`) and combines them (:mod:`._assemble`) into points in British
National Grid with a report that accounts for every row read.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from os import PathLike
from pathlib import Path

from hotspot.core.errors import InputError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.io._assemble import assemble
from hotspot.io._columns import check_overrides, find_coordinates
from hotspot.io._encoding import decode_head
from hotspot.io._generic_points import vector_part
from hotspot.io._part import Part
from hotspot.io._policeuk_api import api_part
from hotspot.io._policeuk_csv import csv_part
from hotspot.io._sources import (
    OTHER_POLICEUK_CSV,
    STREET_CSV,
    TABLE_SUFFIXES,
    VECTOR_SUFFIXES,
    Member,
    expand,
    guard,
)
from hotspot.io._streams import ArchiveLimits
from hotspot.io._table import header_of
from hotspot.model import OffenceData, printable

#: What a folder or zip is read for, in order of preference.
_PREFERENCE = ("street", "api", "table", "vector")
_DESCRIBE = {
    "street": "police.uk street-level crime CSV",
    "api": "police.uk API JSON",
    "table": "CSV table",
    "vector": "points file",
    "policeuk_other": "police.uk outcomes or stop-and-search CSV",
    "other": "other",
}
_SIDECARS = (".dbf", ".shx", ".prj", ".cpg", ".qmd", ".qix", ".sbn", ".sbx", ".xml")


def classify(member: Member) -> str:
    """What an offence file is: "street", "policeuk_other", "table", "api", "vector" or "other"."""
    name = member.plain_label.replace("\\", "/")
    suffix = member.suffix
    if STREET_CSV.search(name):
        return "street"
    if OTHER_POLICEUK_CSV.search(name):
        return "policeuk_other"
    if suffix in TABLE_SUFFIXES:
        return "table"
    if suffix in VECTOR_SUFFIXES:
        return "vector"
    if suffix == ".json":
        head = decode_head(member.head(4096)).lstrip()
        if head.startswith("{") and '"FeatureCollection"' in head.replace(" ", ""):
            return "vector"
        return "api"
    return "other"


def _choose(
    members: list[Member], explicit: bool, label: str
) -> tuple[list[tuple[Member, str]], list[str]]:
    kinds = [(m, classify(m)) for m in members]
    if explicit:  # a file the user named is read for what it is
        member, kind = kinds[0]
        if kind == "policeuk_other":
            kind = "table"
        elif kind == "other":
            head = decode_head(member.head(64)).lstrip()
            kind = "api" if head.startswith("[") else "table"
        return [(member, kind)], []
    present = {k for _, k in kinds}
    for want in _PREFERENCE:
        if want in present:
            chosen = [(m, k) for m, k in kinds if k == want]
            ignored = Counter(
                k for m, k in kinds if k != want and m.suffix not in _SIDECARS and k != "other"
            )
            other = sum(1 for m, k in kinds if k == "other" and m.suffix not in _SIDECARS)
            notes = [
                f"ignored {n} {_DESCRIBE[k]} file{'s' if n > 1 else ''} beside the "
                f"{_DESCRIBE[want]} files"
                for k, n in sorted(ignored.items())
            ]
            if other:
                notes.append(f"ignored {other} file{'s' if other > 1 else ''} of other kinds")
            return chosen, notes
    listed = ", ".join(m.label for m in members[:5])
    nested = any(m.suffix == ".zip" and not m.on_disk for m in members)
    raise InputError(
        f"{label}: no offence files found among {len(members)} files ({listed}"
        f"{' ...' if len(members) > 5 else ''}); expected police.uk street CSVs "
        "(YYYY-MM-<force>-street.csv), police.uk API JSON, a CSV with coordinates or a "
        "points file"
        + (
            "; a zip inside a zip inside a zip is not opened: unzip the outer ones"
            if nested
            else ""
        )
    )


def _drop_stray_tables(
    picked: list[tuple[Member, str]], notes: list[str], overrides: Mapping[str, str]
) -> tuple[list[tuple[Member, str]], list[str]]:
    """Set aside tables in a folder that have no coordinate columns (a read-me, a data
    dictionary ...), with a note; when none has any, keep them all so that reading the
    first explains what is missing."""
    stray = []
    for member, kind in picked:
        if kind != "table":
            continue
        try:
            find_coordinates(header_of(member), member.label, overrides)
        except (InputError, OSError):
            stray.append(member)
    if not stray or len(stray) == len(picked):
        return picked, notes
    listed = ", ".join(m.name for m in stray[:3]) + (" ..." if len(stray) > 3 else "")
    note = f"ignored {len(stray)} table{'s' if len(stray) > 1 else ''} without coordinate columns ({listed})"
    return [(m, k) for m, k in picked if m not in stray], [*notes, note]


def _source_label(source) -> str:
    if isinstance(source, list | tuple):
        if len(source) == 1:
            return printable(source[0])
        names = ", ".join(printable(Path(s).name) for s in source[:3])
        return f"{len(source)} sources ({names}{' ...' if len(source) > 3 else ''})"
    return printable(source)


def _parse(member: Member, kind: str, overrides: Mapping[str, str]) -> Part:
    if kind == "api":
        return api_part(member)
    if kind == "vector":
        return vector_part(member, overrides)
    return csv_part(member, overrides)


def _parse_guarded(member: Member, kind: str, overrides: Mapping[str, str]) -> Part:
    with guard(member.label, f"a {_DESCRIBE[kind]}"):
        return _parse(member, kind, overrides)


def _parse_all(
    chosen: list[tuple[Member, str]], overrides: Mapping[str, str], progress: Progress
) -> list[Part]:
    """Parse every chosen file, a few at a time in worker threads (the parsers and the
    decompressors release the interpreter), in the files' order; progress is reported as
    each file is done and cancellation checked between files."""
    progress.update(0.0, f"Reading {len(chosen)} file{'s' if len(chosen) > 1 else ''}")
    workers = min(len(chosen), max(1, min(4, os.cpu_count() or 1)))
    if workers == 1:
        parts = []
        for i, (member, kind) in enumerate(chosen):
            progress.check_cancelled()
            progress.update(0.9 * i / len(chosen), f"Reading {member.label}")
            parts.append(_parse_guarded(member, kind, overrides))
        return parts
    results: list[Part | None] = [None] * len(chosen)
    with ThreadPoolExecutor(workers, thread_name_prefix="hotspot-read") as pool:
        futures = {
            pool.submit(_parse_guarded, member, kind, overrides): i
            for i, (member, kind) in enumerate(chosen)
        }
        try:
            for done, future in enumerate(as_completed(futures), start=1):
                progress.check_cancelled()
                i = futures[future]
                results[i] = future.result()
                progress.update(
                    0.9 * done / len(chosen),
                    f"Read {chosen[i][0].label} ({done:,} of {len(chosen):,} files)",
                )
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    return [p for p in results if p is not None]


def read_offences(
    source: str | PathLike | Sequence[str | PathLike],
    *,
    columns: Mapping[str, str] | None = None,
    limits: ArchiveLimits | Mapping[str, float] | None = None,
    progress: Progress = NO_PROGRESS,
) -> OffenceData:
    """Read offence points from police.uk downloads or any points file.

    Parameters
    ----------
    source : path or list of paths
        One of, or a list of:

        - a police.uk street CSV (``2024-10-metropolitan-street.csv``);
        - a folder holding them in the archive layout (``YYYY-MM/YYYY-MM-<force>-street.csv``,
          at any depth), or the police.uk archive ``.zip`` itself (read without unpacking;
          outcomes and stop-and-search files inside are ignored and mentioned);
        - police.uk API JSON (``crimes-street`` responses): one file or a folder of them;
        - any CSV with longitude/latitude, easting/northing or x/y columns;
        - a GeoPackage, GeoJSON or Shapefile of points.
    columns : dict, optional
        Names the columns when detection fails or picks the wrong one: keys ``x``, ``y``,
        ``crs`` (e.g. ``"EPSG:27700"``), ``month``, ``category``, ``crime_id``,
        ``location``, ``lsoa_code``, ``lsoa_name``, ``outcome``.
    limits : ArchiveLimits or dict, optional
        How far a compressed file or zip member may expand (keys ``max_bytes``,
        ``max_ratio``); default: the environment variables ``HOTSPOT_MAX_UNZIPPED_BYTES``
        and ``HOTSPOT_MAX_COMPRESSION_RATIO``, else 2 GB and 100 to 1.
    progress : Progress, optional
        Receives one update per file read; cancellation is checked between files (files
        are read a few at a time, in worker threads).

    Returns
    -------
    OffenceData
        ``gdf`` has the canonical columns ``crime_id``, ``month`` (first day of the
        month), ``category`` (police.uk's CSV name; API slugs mapped), ``location``,
        ``lsoa_code``, ``lsoa_name``, ``outcome``, ``source_file``, then every original
        column (an original column whose name is canonical is kept as ``<name>_original``),
        with points in EPSG:27700. ``report`` accounts for every row read: rows without
        coordinates, at 0,0 or outside Great Britain, with an unreadable month, and
        duplicate records (the same Crime ID or API ``id`` seen before; empty IDs, as on
        anti-social behaviour rows, are never duplicates), in that order of precedence.

    Raises
    ------
    InputError
        When a file cannot be read as offences; the message names the file and the
        column or row, and says how to fix it. No other exception escapes for any file
        content. Input files are never modified.
    """
    overrides = check_overrides(columns)
    bounds = ArchiveLimits.resolve(limits)
    sources = list(source) if isinstance(source, list | tuple) else [source]
    label = _source_label(source)
    with contextlib.ExitStack() as stack:
        chosen: list[tuple[Member, str]] = []
        notes: list[str] = []
        for s in sources:
            p = Path(s).expanduser()
            with guard(printable(p), "offence data"):  # a damaged member, while sniffing
                links: list[str] = []
                members = expand(p, stack, bounds, links)
                explicit = p.is_file() and p.suffix.lower() != ".zip"
                picked, why = _choose(members, explicit, printable(p.name))
                why = [*links, *why]
                if not explicit:
                    picked, why = _drop_stray_tables(picked, why, overrides)
            chosen.extend(picked)
            notes.extend(why)
        parts = _parse_all(chosen, overrides, progress)
        progress.check_cancelled()
        progress.update(0.9, "Checking coordinates, months and duplicates")
        with guard(label, "offence data"):
            data = assemble(parts, label, [m.label for m, _ in chosen], notes)
    progress.update(1.0, f"Loaded {data.report.rows_kept:,} offences")
    return data
