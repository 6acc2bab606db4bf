"""The in-memory model the whole application shares (Qt-free).

Readers in :mod:`hotspot.io` produce :class:`OffenceData`, :class:`AreaLayer`,
:class:`Indicators` and :class:`Lookup`, always in British National Grid
(EPSG:27700). A :class:`Project` records where those came from, the selection
(offence group and period) and every analysis parameter; it is saved as TOML.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from hotspot.errors import ProjectError
from hotspot.params import from_dict, param, to_dict, validate

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from hotspot.taxonomy import OffenceGroup

# --------------------------------------------------------------------------- months

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: Any, *, key: str = "month") -> pd.Timestamp:
    """Parse ``"YYYY-MM"`` (or a timestamp) to the first day of that month.

    Raises
    ------
    ProjectError
        When the value is not a month, naming ``key``.
    """
    if isinstance(value, pd.Timestamp):
        return value.to_period("M").to_timestamp()
    m = _MONTH_RE.match(str(value).strip()) if value is not None else None
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise ProjectError(f"{key}: {value!r} is not a month; write it as YYYY-MM, e.g. 2024-10")
    return pd.Timestamp(int(m.group(1)), int(m.group(2)), 1)


def month_str(ts: pd.Timestamp) -> str:
    """Format a timestamp as ``"YYYY-MM"``."""
    return f"{ts.year:04d}-{ts.month:02d}"


def month_label(ts: pd.Timestamp) -> str:
    """Format a timestamp as ``"October 2024"``."""
    return f"{ts:%B %Y}"


@dataclass(frozen=True)
class Period:
    """An inclusive range of whole months.

    Attributes
    ----------
    start, end : pandas.Timestamp
        First day of the first and of the last month.
    """

    start: pd.Timestamp
    end: pd.Timestamp

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", parse_month(self.start, key="period start"))
        object.__setattr__(self, "end", parse_month(self.end, key="period end"))
        if self.end < self.start:
            raise ProjectError(
                f"period: ends ({month_str(self.end)}) before it starts ({month_str(self.start)})"
            )

    @classmethod
    def months_to(cls, end: Any, n: int = 12) -> Period:
        """The ``n`` months up to and including ``end`` ("12 months to October 2024")."""
        if n < 1:
            raise ProjectError(f"period: the number of months must be at least 1, got {n}")
        e = parse_month(end, key="period end")
        return cls(e - pd.DateOffset(months=n - 1), e)

    @property
    def n_months(self) -> int:
        """Number of months in the period."""
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month + 1

    def previous(self) -> Period:
        """The period of equal length ending the month before this one starts."""
        end = self.start - pd.DateOffset(months=1)
        return Period.months_to(end, self.n_months)

    def months(self) -> list[pd.Timestamp]:
        """Every month in the period, in order."""
        return list(pd.date_range(self.start, self.end, freq="MS"))

    def contains(self, months: pd.Series) -> pd.Series:
        """Boolean mask: which of ``months`` (datetime64) fall in the period."""
        return (months >= self.start) & (months <= self.end)

    @property
    def label(self) -> str:
        """Plain-English label, e.g. "12 months to October 2024"."""
        if self.n_months == 1:
            return month_label(self.end)
        return f"{self.n_months} months to {month_label(self.end)}"

    @property
    def span(self) -> str:
        """Compact range, e.g. "2023-11 to 2024-10"."""
        return f"{month_str(self.start)} to {month_str(self.end)}"


# --------------------------------------------------------------------------- load report

DROP_NO_COORDINATES = "no coordinates"
DROP_OUTSIDE_GB = "coordinates at 0,0 or outside Great Britain"
DROP_BAD_MONTH = "unreadable month"
DROP_DUPLICATE = "duplicate record"
DROP_REASONS = (DROP_NO_COORDINATES, DROP_OUTSIDE_GB, DROP_BAD_MONTH, DROP_DUPLICATE)


@dataclass(frozen=True)
class LoadReport:
    """An honest account of every row a reader saw.

    ``rows_kept + sum(dropped.values()) == rows_read`` always holds.

    Attributes
    ----------
    source : str
        What was read (a file, folder or zip), for messages.
    rows_read, rows_kept : int
        Rows seen and rows kept.
    dropped : mapping
        Reason -> number of rows dropped for it (reasons in ``DROP_REASONS``, or others).
    months : tuple of str
        Months present in the kept rows ("YYYY-MM"), sorted.
    missing_months : tuple of str
        Months inside the covered range with no rows at all.
    categories : mapping
        Category -> number of kept rows.
    shared_locations : int
        Kept rows whose coordinates are identical to at least one other kept row
        (police.uk snaps offences to anonymised map points).
    files : tuple of str
        The files read.
    notes : tuple of str
        Anything else the user should know (unknown categories, repaired values ...).
    """

    source: str
    rows_read: int
    rows_kept: int
    dropped: Mapping[str, int] = field(default_factory=dict)
    months: tuple[str, ...] = ()
    missing_months: tuple[str, ...] = ()
    categories: Mapping[str, int] = field(default_factory=dict)
    shared_locations: int = 0
    files: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        total = self.rows_kept + sum(self.dropped.values())
        if total != self.rows_read:
            raise AssertionError(
                f"load report does not balance: kept {self.rows_kept} + dropped "
                f"{sum(self.dropped.values())} != read {self.rows_read}"
            )

    @property
    def rows_dropped(self) -> int:
        """Total rows dropped, for any reason."""
        return sum(self.dropped.values())

    def summary(self) -> str:
        """A human-readable report, as shown in the Data panel and ``load_report.txt``."""
        lines = [f"Source: {self.source}"]
        if self.files:
            lines.append(f"Files read: {len(self.files)}")
        lines.append(f"Rows read: {self.rows_read:,}")
        lines.append(f"Rows kept: {self.rows_kept:,}")
        if self.rows_dropped:
            lines.append(f"Rows not used: {self.rows_dropped:,}")
            for reason, n in sorted(self.dropped.items(), key=lambda kv: -kv[1]):
                if n:
                    lines.append(f"  - {reason}: {n:,}")
        else:
            lines.append("Rows not used: none")
        if self.months:
            lines.append(
                f"Months covered: {self.months[0]} to {self.months[-1]} ({len(self.months)} months)"
            )
        if self.missing_months:
            lines.append("Months missing inside that range: " + ", ".join(self.missing_months))
        if self.shared_locations:
            share = self.shared_locations / max(self.rows_kept, 1)
            lines.append(
                f"Rows sharing a map point with another row: {self.shared_locations:,} "
                f"({share:.0%}; police.uk snaps locations to anonymised points)"
            )
        if self.categories:
            lines.append("Rows by category:")
            for cat, n in sorted(self.categories.items(), key=lambda kv: (-kv[1], kv[0])):
                lines.append(f"  - {cat}: {n:,}")
        lines.extend(f"Note: {n}" for n in self.notes)
        return "\n".join(lines)


# --------------------------------------------------------------------------- data


#: The canonical columns every reader gives offences, in order (then the original columns).
OFFENCE_COLUMNS: tuple[str, ...] = (
    "crime_id",
    "month",
    "category",
    "location",
    "lsoa_code",
    "lsoa_name",
    "outcome",
    "source_file",
)


@dataclass(frozen=True)
class OffenceData:
    """Offence points in British National Grid, with the report of how they were read.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        Canonical columns ``crime_id``, ``month`` (datetime64, first day of month),
        ``category`` (police.uk CSV name), ``location``, ``lsoa_code``, ``lsoa_name``,
        ``outcome``, ``source_file``, then every original column; point geometry in
        EPSG:27700.
    report : LoadReport
        How every row read was used.
    """

    gdf: gpd.GeoDataFrame
    report: LoadReport

    def __len__(self) -> int:
        return len(self.gdf)

    def select(
        self,
        group: OffenceGroup | None = None,
        period: Period | None = None,
    ) -> OffenceData:
        """Return the offences of ``group`` within ``period`` (both optional).

        The load report is kept: it describes the source, not the selection.
        """
        mask = pd.Series(True, index=self.gdf.index)
        if group is not None:
            mask &= self.gdf["category"].isin(group.categories)
        if period is not None:
            mask &= period.contains(self.gdf["month"])
        return OffenceData(self.gdf.loc[mask].copy(), self.report)

    def months(self) -> list[pd.Timestamp]:
        """Distinct months present, sorted."""
        return sorted(pd.to_datetime(self.gdf["month"]).dropna().unique())

    @property
    def last_month(self) -> pd.Timestamp | None:
        """The latest month present, or ``None`` when there are no offences."""
        if self.gdf.empty:
            return None
        return pd.Timestamp(self.gdf["month"].max())


AREA_LEVELS = ("ward", "lsoa", "other")


@dataclass(frozen=True)
class AreaLayer:
    """Polygons with a code and a name, in British National Grid.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        Columns ``code``, ``name``, ``geometry`` (then the original columns).
    level : str
        "ward", "lsoa" or "other" (a borough outline, a beat, ...).
    vintage : int or None
        Boundary year (2011, 2021, 2022 ...) when detectable.
    source : str
        The file read.
    notes : tuple of str
        What the reader did (geometries repaired, fields detected ...).
    """

    gdf: gpd.GeoDataFrame
    level: str = "other"
    vintage: int | None = None
    source: str = ""
    notes: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """Short description, e.g. "wards (2022), 19 areas"."""
        kind = {"ward": "wards", "lsoa": "LSOAs", "other": "areas"}[self.level]
        vintage = f" ({self.vintage})" if self.vintage else ""
        return f"{kind}{vintage}, {len(self.gdf)} areas"


INDICATOR_KINDS = ("imd", "samhi", "population", "other")


@dataclass(frozen=True)
class Indicators:
    """A table of measures keyed by LSOA code.

    Attributes
    ----------
    table : pandas.DataFrame
        Column ``lsoa_code`` then one column per measure (``imd_score``,
        ``imd_decile``, ``samhi_index``, ``samhi_decile``, ``population`` ...).
    kind : str
        "imd", "samhi", "population" or "other".
    vintage : int or None
        LSOA vintage of the codes (2011 or 2021).
    source : str
        The file read.
    year : int or None
        The year the measures describe (SAMHI 2022, population mid-2019 ...).
    notes : tuple of str
        What the reader did.
    """

    table: pd.DataFrame
    kind: str = "other"
    vintage: int | None = None
    source: str = ""
    year: int | None = None
    notes: tuple[str, ...] = ()

    @property
    def measures(self) -> list[str]:
        """The measure columns (everything but ``lsoa_code``)."""
        return [c for c in self.table.columns if c != "lsoa_code"]


LOOKUP_KINDS = ("lsoa11_lsoa21", "lsoa_ward")


@dataclass(frozen=True)
class Lookup:
    """A code lookup between geographies.

    Attributes
    ----------
    table : pandas.DataFrame
        For ``kind="lsoa11_lsoa21"``: ``lsoa11_code``, ``lsoa21_code``, ``change``
        (U unchanged, S split, M merged, X irregular). For ``kind="lsoa_ward"``:
        ``lsoa_code``, ``ward_code``, ``ward_name``.
    kind : str
        "lsoa11_lsoa21" or "lsoa_ward".
    source : str
        The file read.
    lsoa_vintage, ward_vintage : int or None
        Vintages of the codes (lsoa_ward lookups).
    notes : tuple of str
        What the reader did.
    """

    table: pd.DataFrame
    kind: str
    source: str = ""
    lsoa_vintage: int | None = None
    ward_vintage: int | None = None
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- project file

PROJECT_FORMAT = 1
SOURCE_KINDS = ("offences", "areas", "indicators", "lookup")
#: Keys of an offence source's ``columns`` table (``read_offences(columns=...)``).
OFFENCE_COLUMN_KEYS = (
    "x",
    "y",
    "crs",
    "month",
    "category",
    "crime_id",
    "location",
    "lsoa_code",
    "lsoa_name",
    "outcome",
)
AREA_ROLES = ("wards", "lsoas", "study_area", "other")

_SOURCE_OPTIONS: dict[str, dict[str, type | tuple]] = {
    "offences": {"columns": dict, "label": str},
    "areas": {
        "level": AREA_LEVELS,
        "role": AREA_ROLES,
        "code_field": str,
        "name_field": str,
        "label": str,
    },
    "indicators": {"indicator": INDICATOR_KINDS, "year": int, "label": str},
    "lookup": {"label": str},
}


@dataclass
class Source:
    """One input file or folder of a project.

    Attributes
    ----------
    kind : str
        "offences", "areas", "indicators" or "lookup".
    path : str
        As written in the project file: relative to the project file's folder
        when it lies beneath it, else absolute.
    options : dict
        Reader options: ``columns`` (offences); ``level``, ``role``,
        ``code_field``, ``name_field`` (areas); ``indicator``, ``year``
        (indicators); ``label`` (any).
    """

    kind: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)

    def resolve(self, base: Path | None) -> Path:
        """The absolute path of the source, given the project file's folder."""
        p = Path(self.path).expanduser()
        if not p.is_absolute() and base is not None:
            p = base / p
        return p

    def to_toml(self) -> dict[str, Any]:
        """The source as a TOML table."""
        return {"kind": self.kind, "path": self.path, **self.options}


@dataclass(frozen=True)
class SelectionParams:
    """Which offences the analyses use: an offence group and a period."""

    group: str = param(
        "Serious violence (police.uk)",
        label="Offence group",
        help="A preset (Serious violence, All crime, Anti-social behaviour ...) or a group "
        "defined in the project.",
    )
    end: str | None = param(
        None,
        label="Period ends",
        help="The last month of the period, as YYYY-MM.",
        computed="the latest month in the offence data",
    )
    months: int = param(
        12,
        label="Months",
        help="Length of the period in months: 12 gives '12 months to <end>'.",
        minimum=1,
        maximum=120,
    )
    compare: bool = param(
        True,
        label="Compare with previous period",
        help="Also count the period of equal length just before, for change figures.",
    )

    def __post_init__(self) -> None:
        validate(self, where="selection")
        if self.end is not None:
            parse_month(self.end, key="selection.end")

    def period(self, last_month: pd.Timestamp | None) -> Period | None:
        """The selected period, given the data's latest month (for a computed end)."""
        end = parse_month(self.end, key="selection.end") if self.end else last_month
        return None if end is None else Period.months_to(end, self.months)


@dataclass(frozen=True)
class MapParams:
    """Map settings stored with the project."""

    basemap: str = param(
        "none",
        label="Basemap",
        help="None keeps everything on this computer. OpenStreetMap fetches map tiles from "
        "the internet (only tile requests leave the machine, never offence data).",
        choices=("none", "osm"),
    )

    def __post_init__(self) -> None:
        validate(self, where="map")


@dataclass(frozen=True)
class OutputParams:
    """What ``hotspot run`` writes (the project's ``[outputs]`` section)."""

    analyses: tuple[str, ...] = param(
        ("kde", "gistar", "rates", "bivariate"),
        label="Analyses",
        help="The analyses hotspot run performs. An analysis whose inputs are not loaded (no "
        "boundaries, no IMD or SAMHI table) is skipped with a note in the run's messages.",
        choices=("kde", "gistar", "rates", "bivariate"),
    )
    load_report: bool = param(True, label="Load report", help="Write load_report.txt.")
    offences_gpkg: bool = param(
        True,
        label="Selected offences (GeoPackage)",
        help="Write the selected offences as a GeoPackage layer.",
    )
    geotiff: bool = param(True, label="KDE GeoTIFF", help="Write the density surface as GeoTIFF.")
    gpkg: bool = param(
        True, label="Results GeoPackage", help="Write every result layer to results.gpkg."
    )
    csv: bool = param(True, label="CSV tables", help="Write area tables as CSV.")
    maps: tuple[str, ...] = param(
        (),
        label="Print maps",
        help="Which print maps to export (kde, gistar, rates, change, clusters, bivariate).",
        choices=("kde", "gistar", "rates", "change", "clusters", "bivariate"),
    )
    map_formats: tuple[str, ...] = param(
        ("png",),
        label="Map formats",
        help="png (300 dpi), pdf, svg.",
        choices=("png", "pdf", "svg"),
    )
    page: str = param(
        "A4-landscape",
        label="Page",
        help="Page layout of print maps.",
        choices=("A4-landscape", "A4-portrait"),
    )
    html: bool = param(False, label="Interactive map", help="Write an offline HTML map.")
    html_points: bool = param(
        False,
        label="Offence points in the HTML map",
        help="Off by default: offence locations are sensitive. Aggregated results only.",
    )
    briefing: bool = param(False, label="Briefing pack", help="Write the briefing pack PDF.")
    briefing_wards: tuple[str, ...] = param(
        (),
        label="Ward pages",
        help="Ward names or codes given a page of their own in the briefing pack.",
    )
    suppress_below: int = param(
        0,
        label="Suppress small counts below",
        help="For publication: counts below this number are shown as '<N' in tables (0 = off; "
        "5 is usual).",
        minimum=0,
    )

    def __post_init__(self) -> None:
        validate(self, where="outputs")


def _check_table(data: Any, key: str) -> dict:
    if not isinstance(data, dict):
        raise ProjectError(f"{key}: expected a table ([{key}]), got {type(data).__name__}")
    return data


def _check_keys(data: Mapping, allowed: set[str], key: str) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ProjectError(
            f"{key}.{unknown[0]}: unknown key; allowed keys are {', '.join(sorted(allowed))}"
        )


def _parse_source(data: Any, i: int) -> Source:
    key = f"sources[{i}]"
    _check_table(data, key)
    kind = data.get("kind")
    if kind not in SOURCE_KINDS:
        raise ProjectError(f"{key}.kind: {kind!r} is not one of {', '.join(SOURCE_KINDS)}")
    path = data.get("path")
    if not isinstance(path, str) or not path:
        raise ProjectError(f"{key}.path: expected the file's path as text")
    allowed = _SOURCE_OPTIONS[kind]
    _check_keys(data, {"kind", "path", *allowed}, key)
    options = {}
    for name, value in data.items():
        if name in ("kind", "path"):
            continue
        expected = allowed[name]
        if isinstance(expected, tuple):
            if value not in expected:
                raise ProjectError(
                    f"{key}.{name}: {value!r} is not one of {', '.join(map(str, expected))}"
                )
        elif expected is dict:
            if not isinstance(value, dict):
                raise ProjectError(
                    f"{key}.{name}: expected a table of column names, e.g. "
                    '{ x = "Easting", y = "Northing", crs = "EPSG:27700" }'
                )
            for field_name, column in value.items():
                if field_name not in OFFENCE_COLUMN_KEYS:
                    raise ProjectError(
                        f"{key}.{name}.{field_name}: unknown key; allowed keys are "
                        f"{', '.join(OFFENCE_COLUMN_KEYS)}"
                    )
                if not isinstance(column, str) or not column:
                    raise ProjectError(
                        f"{key}.{name}.{field_name}: expected a column name (text), got {column!r}"
                    )
        elif expected is int:
            if isinstance(value, bool) or not isinstance(value, int):
                raise ProjectError(f"{key}.{name}: expected a whole number, got {value!r}")
        elif not isinstance(value, expected):
            raise ProjectError(f"{key}.{name}: expected {expected.__name__}, got {value!r}")
        options[name] = value
    return Source(kind=kind, path=path, options=options)


def _dump_project_toml(doc: Mapping[str, Any]) -> str:
    """TOML text with ``[project]`` first and each source as a ``[[sources]]`` table."""
    import tomli_w

    parts = ["# Hotspot project file: edit with care, or in the Hotspot window.\n"]
    parts.append(tomli_w.dumps({"project": doc["project"]}))
    for src in doc.get("sources", []):
        scalars = {k: v for k, v in src.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in src.items() if isinstance(v, dict)}
        parts.append("[[sources]]\n" + tomli_w.dumps(scalars))
        for k, v in tables.items():
            parts.append(f"[sources.{k}]\n" + tomli_w.dumps(v))
    rest = {k: v for k, v in doc.items() if k not in ("project", "sources")}
    parts.append(tomli_w.dumps(rest))
    return "\n".join(p.rstrip("\n") + "\n" for p in parts if p.strip())


def analysis_params_classes() -> dict[str, type]:
    """Section name -> params dataclass for every analysis a project can configure."""
    from hotspot.analysis import params_classes  # lazy: analysis imports model

    return params_classes()


@dataclass
class Project:
    """Everything needed to redo an analysis: sources, selection, parameters, outputs.

    A project is saved as TOML; ``Project.load(p.save(path))`` gives back an equal
    project. Paths of sources are stored relative to the project file's folder.

    Attributes
    ----------
    name : str
        Shown in the title bar, map subtitles and the briefing cover.
    sources : list of Source
        Input files and folders.
    groups : dict
        User-defined offence groups: name -> police.uk categories.
    selection : SelectionParams
        Offence group and period.
    analysis : dict
        Section name ("kde", "gistar", "rates", "bivariate") -> params dataclass.
    outputs : OutputParams
        What ``hotspot run`` writes.
    map : MapParams
        Map settings (basemap).
    path : Path or None
        Where the project was loaded from or last saved to (not stored in the file).
    """

    name: str = "Untitled project"
    sources: list[Source] = field(default_factory=list)
    groups: dict[str, list[str]] = field(default_factory=dict)
    selection: SelectionParams = field(default_factory=SelectionParams)
    analysis: dict[str, Any] = field(default_factory=dict)
    outputs: OutputParams = field(default_factory=OutputParams)
    map: MapParams = field(default_factory=MapParams)
    path: Path | None = field(default=None, compare=False)

    @property
    def folder(self) -> Path | None:
        """The folder that relative source paths are resolved against."""
        return self.path.parent if self.path else None

    def sources_of(self, kind: str) -> list[Source]:
        """The sources of one kind, in order."""
        return [s for s in self.sources if s.kind == kind]

    def add_source(self, kind: str, path: str | os.PathLike, **options: Any) -> Source:
        """Add a source, storing its path relative to the project folder when possible."""
        p = Path(path)
        if self.folder is not None and p.is_absolute():
            with contextlib.suppress(ValueError):
                p = p.resolve().relative_to(self.folder.resolve())
        src = Source(kind=kind, path=p.as_posix(), options=dict(options))
        _parse_source(src.to_toml(), len(self.sources))  # validate
        self.sources.append(src)
        return src

    def params(self, section: str) -> Any:
        """The params of an analysis section (defaults when the section is absent)."""
        classes = analysis_params_classes()
        if section not in classes:
            raise ProjectError(f"analysis.{section}: unknown analysis; known: {', '.join(classes)}")
        return self.analysis.get(section) or classes[section]()

    # ---------------------------------------------------------------- TOML

    def to_toml(self) -> dict[str, Any]:
        """The project as a TOML-ready mapping."""
        doc: dict[str, Any] = {"project": {"name": self.name, "format": PROJECT_FORMAT}}
        if self.sources:
            doc["sources"] = [s.to_toml() for s in self.sources]
        if self.groups:
            doc["groups"] = {k: list(v) for k, v in self.groups.items()}
        doc["selection"] = to_dict(self.selection)
        if self.analysis:
            doc["analysis"] = {k: to_dict(v) for k, v in self.analysis.items()}
        doc["outputs"] = to_dict(self.outputs)
        doc["map"] = to_dict(self.map)
        return doc

    @classmethod
    def from_toml(cls, doc: Mapping[str, Any], *, path: Path | None = None) -> Project:
        """Build a project from a parsed TOML document, validating every key.

        Raises
        ------
        ProjectError
            On an unknown key, a wrong type or a bad value, naming the key.
        """
        _check_keys(
            doc, {"project", "sources", "groups", "selection", "analysis", "outputs", "map"}, "top"
        )
        meta = _check_table(doc.get("project", {}), "project")
        _check_keys(meta, {"name", "format"}, "project")
        name = meta.get("name", "Untitled project")
        if not isinstance(name, str):
            raise ProjectError(f"project.name: expected text, got {name!r}")
        fmt = meta.get("format", PROJECT_FORMAT)
        if fmt != PROJECT_FORMAT:
            raise ProjectError(
                f"project.format: this Hotspot reads format {PROJECT_FORMAT}, the file is "
                f"format {fmt!r}; update Hotspot"
            )
        raw_sources = doc.get("sources", [])
        if not isinstance(raw_sources, list):
            raise ProjectError("sources: expected a list of [[sources]] tables")
        sources = [_parse_source(s, i) for i, s in enumerate(raw_sources)]
        groups_raw = _check_table(doc.get("groups", {}), "groups")
        groups: dict[str, list[str]] = {}
        for gname, cats in groups_raw.items():
            if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                raise ProjectError(f"groups.{gname}: expected a list of police.uk categories")
            groups[gname] = list(cats)
        from hotspot.taxonomy import all_groups

        known_groups = all_groups(groups)
        selection = from_dict(
            SelectionParams, _check_table(doc.get("selection", {}), "selection"), where="selection"
        )
        if selection.group not in known_groups:
            raise ProjectError(
                f"selection.group: {selection.group!r} is not a preset or a group defined under "
                f"[groups]; known groups: {', '.join(known_groups)}"
            )
        analysis_raw = _check_table(doc.get("analysis", {}), "analysis")
        classes = analysis_params_classes()
        analysis = {}
        for section, values in analysis_raw.items():
            if section not in classes:
                raise ProjectError(
                    f"analysis.{section}: unknown analysis; known: {', '.join(classes)}"
                )
            analysis[section] = from_dict(
                classes[section],
                _check_table(values, f"analysis.{section}"),
                where=f"analysis.{section}",
            )
        outputs = from_dict(
            OutputParams, _check_table(doc.get("outputs", {}), "outputs"), where="outputs"
        )
        map_params = from_dict(MapParams, _check_table(doc.get("map", {}), "map"), where="map")
        return cls(
            name=name,
            sources=sources,
            groups=groups,
            selection=selection,
            analysis=analysis,
            outputs=outputs,
            map=map_params,
            path=path,
        )

    @classmethod
    def load(cls, path: str | os.PathLike) -> Project:
        """Read a project file.

        Raises
        ------
        ProjectError
            When the file is missing, is not TOML, or has an unknown key or wrong type.
        """
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ProjectError(f"{p}: project file not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ProjectError(f"{p}: cannot read the project file ({exc})") from None
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ProjectError(f"{p.name}: not a valid project file (TOML error: {exc})") from None
        try:
            return cls.from_toml(doc, path=p.resolve())
        except ProjectError as exc:
            raise ProjectError(f"{p.name}: {exc}") from None

    def save(self, path: str | os.PathLike | None = None) -> Path:
        """Write the project as TOML, atomically, and remember the path.

        Source paths are stored relative to the project file's folder when they lie
        beneath it, else absolute. Relative paths are taken relative to the folder the
        project was loaded from or last saved to (the current folder for a project
        never saved), so every source still names the same file afterwards.
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ProjectError("save: choose a file name for the project")
        target = target.resolve()
        old_base = self.folder if self.folder is not None else Path.cwd()
        new_base = target.parent
        paths = [s.path for s in self.sources]
        if self.folder is None or old_base != new_base:
            for i, s in enumerate(self.sources):
                absolute = s.resolve(old_base).resolve()
                try:
                    paths[i] = absolute.relative_to(new_base).as_posix()
                except ValueError:
                    paths[i] = absolute.as_posix()
        saved = dataclasses.replace(
            self,
            sources=[
                Source(s.kind, p, s.options) for s, p in zip(self.sources, paths, strict=True)
            ],
        )
        from hotspot.atomic import atomic_write_text

        atomic_write_text(target, _dump_project_toml(saved.to_toml()))
        # only once the file is written: a failed save leaves the project as it was
        for s, p in zip(self.sources, paths, strict=True):
            s.path = p
        self.path = target
        return target

    def copy(self) -> Project:
        """A deep copy (sources and groups are mutable)."""
        return dataclasses.replace(
            self,
            sources=[Source(s.kind, s.path, dict(s.options)) for s in self.sources],
            groups={k: list(v) for k, v in self.groups.items()},
            analysis=dict(self.analysis),
        )


__all__ = [
    "AREA_LEVELS",
    "AREA_ROLES",
    "DROP_BAD_MONTH",
    "DROP_DUPLICATE",
    "DROP_NO_COORDINATES",
    "DROP_OUTSIDE_GB",
    "DROP_REASONS",
    "OFFENCE_COLUMNS",
    "OFFENCE_COLUMN_KEYS",
    "AreaLayer",
    "Indicators",
    "LoadReport",
    "Lookup",
    "MapParams",
    "OffenceData",
    "OutputParams",
    "Period",
    "Project",
    "SelectionParams",
    "Source",
    "month_label",
    "month_str",
    "parse_month",
]
