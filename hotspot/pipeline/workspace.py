"""Loading a project's sources into a :class:`Workspace` (the first stage of the pipeline).

Used through :mod:`hotspot.pipeline`, which re-exports :class:`Workspace`,
:class:`SourceLoad` and :func:`load_workspace`. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shapely

from hotspot.core.errors import InputError
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.core.text import one_line
from hotspot.model import (
    AreaLayer,
    Indicators,
    Lookup,
    OffenceData,
    Project,
    ReferenceLayer,
    Source,
)

_ROLE_OF_LEVEL = {"ward": "wards", "lsoa": "lsoas", "other": "other"}
_PRIMARY_ROLES = ("wards", "lsoas", "study_area")


@dataclass(frozen=True)
class SourceLoad:
    """What loading one source gave, for the load report and the Data panel.

    Attributes
    ----------
    source : Source
        The project's source entry.
    path : Path
        Its resolved path.
    label : str
        The source's label, or its file name.
    summary : str
        Plain-English account of what was read (the reader's report and notes).
    """

    source: Source
    path: Path
    label: str
    summary: str


@dataclass
class Workspace:
    """Everything a project's sources hold, loaded and in British National Grid.

    Attributes
    ----------
    offences : OffenceData or None
        All offences of the project's offence sources (None when it has none).
    areas : dict
        Role ("wards", "lsoas", "study_area") -> AreaLayer. A role comes from the
        source's ``role`` option, else from its level (given or detected); an
        "other" layer with a single polygon becomes the study area when no source
        claims that role.
    other_areas : list of AreaLayer
        Area layers with no role (or a role already taken).
    indicators : list of Indicators
        Context tables (IMD, SAMHI, population ...), in project order.
    lookups : list of Lookup
        Code lookups, in project order.
    references : list of ReferenceLayer
        Roads, places and named areas drawn beneath the results, in project order.
    loads : list of SourceLoad
        One entry per source, in project order.
    notes : list of str
        What the pipeline itself decided (roles assigned, layers set aside ...).
    """

    offences: OffenceData | None = None
    areas: dict[str, AreaLayer] = field(default_factory=dict)
    other_areas: list[AreaLayer] = field(default_factory=list)
    indicators: list[Indicators] = field(default_factory=list)
    lookups: list[Lookup] = field(default_factory=list)
    references: list[ReferenceLayer] = field(default_factory=list)
    loads: list[SourceLoad] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Derived tables computed once per workspace (e.g. the LSOA context table)."""
    unrestricted: tuple[dict[str, AreaLayer], list[AreaLayer]] | None = field(
        default=None, repr=False, compare=False
    )
    """The boundary layers as loaded, when ``areas`` are restricted to local authorities
    (:func:`hotspot.pipeline.study_area.restrict`)."""

    @property
    def wards(self) -> AreaLayer | None:
        """The ward layer, if any."""
        return self.areas.get("wards")

    @property
    def lsoas(self) -> AreaLayer | None:
        """The LSOA layer, if any."""
        return self.areas.get("lsoas")

    @property
    def outline(self) -> AreaLayer | None:
        """The study-area (borough outline) layer, if any."""
        return self.areas.get("study_area")

    def indicator(self, kind: str) -> Indicators | None:
        """The first context table of ``kind`` ("imd", "samhi", "population", "other")."""
        return next((i for i in self.indicators if i.kind == kind), None)

    def lookup(self, kind: str) -> Lookup | None:
        """The first lookup of ``kind`` ("lsoa11_lsoa21", "lsoa_ward")."""
        return next((lk for lk in self.lookups if lk.kind == kind), None)

    def study_area(self) -> shapely.Geometry | None:
        """The area analyses cover: the outline, else the union of wards, else of LSOAs."""
        for layer in (self.outline, self.wards, self.lsoas):
            if layer is not None and len(layer.gdf):
                return shapely.union_all(shapely.make_valid(layer.gdf.geometry.values))
        return None


def _label(source: Source) -> str:
    return str(source.options.get("label") or Path(source.path).name)


def _resolve(project: Project, source: Source, index: int) -> Path:
    path = source.resolve(project.folder)
    if not path.exists():
        where = project.path.name if project.path else "the project"
        raise InputError(
            f"{where}: source {index + 1} ({source.kind}, {_label(source)!r}): {path} not found; "
            "correct its path in the project file, or put the file back"
        )
    return path


def _archive_limits(source: Source) -> dict[str, int]:
    """The reader's archive limits a source's options set (the rest from the environment)."""
    names = {"max_unzipped_bytes": "max_bytes", "max_compression_ratio": "max_ratio"}
    return {names[k]: v for k, v in source.options.items() if k in names}


def _source_weight(source: Source) -> float:
    return {"offences": 6.0, "reference": 3.0}.get(source.kind, 1.0)


def _describe_reference(ref: ReferenceLayer) -> str:
    warned = "\n".join(one_line(f"Warning: {w}") for w in ref.warnings)
    return _block(ref.describe(), ref.notes) + ("\n" + warned if warned else "")


def _block(first: str, notes) -> str:
    """A source's account: its first line and its notes, each kept on its own line."""
    return "\n".join(one_line(line) for line in (first, *(f"Note: {n}" for n in notes)))


def _describe_areas(layer: AreaLayer) -> str:
    return _block(f"{layer.label}", layer.notes)


def _describe_indicators(ind: Indicators) -> str:
    vintage = f", LSOA {ind.vintage} codes" if ind.vintage else ""
    year = f", year {ind.year}" if ind.year else ""
    first = f"{ind.kind} table{vintage}{year}: {len(ind.table):,} rows; measures: " + ", ".join(
        ind.measures
    )
    return _block(first, ind.notes)


def _describe_lookup(lk: Lookup) -> str:
    return _block(f"{lk.kind} lookup: {len(lk.table):,} rows", lk.notes)


def load_workspace(project: Project, *, progress: Progress = NO_PROGRESS) -> Workspace:
    """Read every source of ``project`` with the :mod:`hotspot.io` readers.

    Parameters
    ----------
    project : Project
        Sources are resolved against the project file's folder.
    progress : Progress, optional
        Receives updates while sources load; may cancel between and within sources.

    Returns
    -------
    Workspace

    Raises
    ------
    InputError
        When a source is missing or cannot be read; the message names the source.
    ProjectError
        When ``selection.local_authorities`` names an authority the boundaries do not hold.
    """
    from hotspot import io as hio  # readers pull in GDAL; only when loading

    ws = Workspace()
    offence_sources = [(i, s) for i, s in enumerate(project.sources) if s.kind == "offences"]
    # reference layers last: with the study area known, a national file is read for it only
    others = [
        (i, s) for i, s in enumerate(project.sources) if s.kind not in ("offences", "reference")
    ]
    others += [(i, s) for i, s in enumerate(project.sources) if s.kind == "reference"]
    total = sum(_source_weight(s) for s in project.sources) or 1.0
    done = 0.0

    def sub(weight: float) -> Progress:
        nonlocal done
        p = SubProgress(progress, done / total, (done + weight) / total)
        done += weight
        return p

    # Offences: sources with the same column mapping are read together, so
    # duplicates across them are found; different mappings are read apart.
    groups: dict[tuple, list[tuple[int, Source]]] = {}
    for i, s in offence_sources:
        key = (
            tuple(sorted((s.options.get("columns") or {}).items())),
            tuple(sorted(_archive_limits(s).items())),
        )
        groups.setdefault(key, []).append((i, s))
    parts: list[OffenceData] = []
    for key, members in groups.items():
        progress.check_cancelled()
        paths = [_resolve(project, s, i) for i, s in members]
        first: dict[Path, Path] = {}
        for path in paths:
            first.setdefault(path.resolve(), path)
        once = list(first.values())
        repeats = len(paths) - len(once)
        if repeats:  # the same file twice would count its rows twice
            ws.notes.append(
                f"{repeats} offence source{'s' if repeats > 1 else ''} named a file or folder "
                "listed before; each file is read once"
            )
        weight = sum(_source_weight(s) for _, s in members)
        data = hio.read_offences(
            once if len(once) > 1 else once[0],
            columns=dict(key[0]) or None,
            limits=dict(key[1]) or None,
            progress=sub(weight),
        )
        parts.append(data)
        label = ", ".join(_label(s) for _, s in members)
        for (_i, s), p in zip(members, paths, strict=True):
            ws.loads.append(SourceLoad(s, p, label, data.report.summary()))
    if parts:
        ws.offences = parts[0] if len(parts) == 1 else _merge_offences(parts)
        ws.offences = relabel_categories(ws.offences, project.categories)

    for i, s in others:
        progress.check_cancelled()
        path = _resolve(project, s, i)
        p = sub(_source_weight(s))
        p.update(0.0, f"Reading {_label(s)}")
        opts = s.options
        if s.kind == "areas":
            layer = hio.read_areas(
                path,
                level=opts.get("level"),
                code_field=opts.get("code_field"),
                name_field=opts.get("name_field"),
            )
            _place_area(ws, layer, opts.get("role"), _label(s))
            summary = _describe_areas(layer)
        elif s.kind == "reference":
            ref = hio.read_reference(
                path,
                layer=opts.get("layer"),
                name_field=opts.get("name_field"),
                class_field=opts.get("class_field"),
                label=opts.get("label"),
                bbox=_reference_window(ws),
                progress=p,
            )
            ws.references.append(ref)
            summary = _describe_reference(ref)
        elif s.kind == "indicators":
            kind = opts.get("indicator")
            ind = hio.read_indicators(path, kind=kind, year=opts.get("year"))
            ws.indicators.append(ind)
            summary = _describe_indicators(ind)
        else:
            lk = hio.read_lookup(path)
            ws.lookups.append(lk)
            summary = _describe_lookup(lk)
        ws.loads.append(SourceLoad(s, path, _label(s), summary))
        p.update(1.0, f"Read {_label(s)}")

    _promote_study_area(ws)
    progress.update(1.0, "All sources loaded")
    if project.selection.local_authorities:
        from hotspot.pipeline.study_area import restrict

        ws = restrict(ws, project.selection.local_authorities)
    return ws


REFERENCE_MARGIN_M = 2_000.0
"""Reference layers are read this far around the study area."""


def _reference_window(ws: Workspace) -> tuple[float, float, float, float] | None:
    """The study area's bounds and a margin, once the areas are loaded (None before)."""
    _promote_study_area(ws)
    area = ws.study_area()
    if area is None or area.is_empty:
        return None
    xmin, ymin, xmax, ymax = area.bounds
    m = REFERENCE_MARGIN_M
    return (xmin - m, ymin - m, xmax + m, ymax + m)


def _place_area(ws: Workspace, layer: AreaLayer, role: str | None, label: str) -> None:
    role = role or _ROLE_OF_LEVEL.get(layer.level, "other")
    if role in _PRIMARY_ROLES and role in ws.areas:
        ws.notes.append(
            f"{label}: a {role.replace('_', ' ')} layer was already loaded; this one is kept as "
            f"an extra layer (remove the other source, or change its role, to use this one)"
        )
        ws.other_areas.append(layer)
    elif role in _PRIMARY_ROLES:
        ws.areas[role] = layer
    else:
        ws.other_areas.append(layer)


def _promote_study_area(ws: Workspace) -> None:
    if "study_area" in ws.areas:
        return
    singles = [layer for layer in ws.other_areas if len(layer.gdf) == 1]
    if len(singles) == 1:
        layer = singles[0]
        ws.other_areas.remove(layer)
        ws.areas["study_area"] = layer
        ws.notes.append(
            f"{Path(layer.source).name or 'an area layer'}: one polygon with no role; "
            "used as the study area (borough outline)"
        )


def relabel_categories(data: OffenceData, labels: dict[str, str]) -> OffenceData:
    """Offences with the labels the project names under ``[categories]`` read as police.uk's.

    Only labels the readers kept as written (not police.uk categories) are changed; the
    load report's counts, unknown labels and list of relabelled labels follow.
    """
    import dataclasses

    import pandas as pd

    from hotspot.model.taxonomy import category_label

    report = data.report
    mapping = {
        label: found
        for label in report.unknown_categories
        if (found := category_label(label, labels)) is not None
    }
    if not mapping:
        return data
    old = data.gdf["category"]
    new = old.map(mapping)
    column = new.where(new.notna(), old)
    if isinstance(old.dtype, pd.CategoricalDtype):
        column = column.astype("category")
    else:
        column = column.astype(old.dtype)
    gdf = data.gdf.assign(category=column)
    rows = old.value_counts()
    report = dataclasses.replace(
        report,
        categories=OffenceData(gdf, report).category_counts(),
        unknown_categories={k: v for k, v in report.unknown_categories.items() if k not in mapping},
        relabelled=report.relabelled
        + tuple(
            (label, cat, int(rows.get(label, 0)), "the project's [categories]")
            for label, cat in mapping.items()
        ),
    )
    return OffenceData(gdf, report)


def _missing_months(months: list[str]) -> tuple[str, ...]:
    """Months inside the range of ``months`` ("YYYY-MM", sorted) that are absent."""
    import pandas as pd

    if not months:
        return ()
    have = set(months)
    every = (str(p) for p in pd.period_range(months[0], months[-1], freq="M"))
    return tuple(m for m in every if m not in have)


def _merge_offences(parts: list[OffenceData]) -> OffenceData:
    """Combine offences read apart (different column mappings) into one."""
    import geopandas as gpd
    import pandas as pd

    from hotspot.model import LoadReport

    gdf = gpd.GeoDataFrame(pd.concat([p.gdf for p in parts], ignore_index=True), crs="EPSG:27700")
    reports = [p.report for p in parts]
    dropped: dict[str, int] = {}
    categories: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for r in reports:
        for k, v in r.dropped.items():
            dropped[k] = dropped.get(k, 0) + v
        for k, v in r.categories.items():
            categories[k] = categories.get(k, 0) + v
        for k, v in r.unknown_categories.items():
            unknown[k] = unknown.get(k, 0) + v
    months = sorted({m for r in reports for m in r.months})
    xy = pd.DataFrame({"x": gdf.geometry.x, "y": gdf.geometry.y})
    shared = int(xy.duplicated(keep=False).sum())
    report = LoadReport(
        source="; ".join(r.source for r in reports),
        rows_read=sum(r.rows_read for r in reports),
        rows_kept=sum(r.rows_kept for r in reports),
        dropped=dropped,
        months=tuple(months),
        missing_months=_missing_months(months),
        categories=categories,
        shared_locations=shared,
        files=tuple(f for r in reports for f in r.files),
        unknown_categories=unknown,
        relabelled=tuple(x for r in reports for x in r.relabelled),
        notes=tuple(n for r in reports for n in r.notes)
        + (
            "offence sources with different column mappings were read separately: a crime "
            "listed in two of them is counted twice",
        ),
    )
    return OffenceData(gdf, report)
