"""The project file: sources, groups, selection, analysis parameters and outputs, saved as TOML."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any

from hotspot.core.errors import ProjectError
from hotspot.core.params import from_dict, to_dict
from hotspot.model.data import AREA_LEVELS, INDICATOR_KINDS
from hotspot.model.settings import MapParams, OutputParams, SelectionParams

if TYPE_CHECKING:  # pragma: no cover
    pass

# --------------------------------------------------------------------------- project file

PROJECT_FORMAT = 1
SOURCE_KINDS = ("offences", "areas", "indicators", "lookup", "reference")
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
    "offences": {
        "columns": dict,
        "label": str,
        "max_unzipped_bytes": int,
        "max_compression_ratio": int,
    },
    "areas": {
        "level": AREA_LEVELS,
        "role": AREA_ROLES,
        "code_field": str,
        "name_field": str,
        "label": str,
    },
    "indicators": {"indicator": INDICATOR_KINDS, "year": int, "label": str},
    "lookup": {"label": str},
    "reference": {"label": str, "layer": str, "name_field": str, "class_field": str},
}


@dataclass
class Source:
    """One input file or folder of a project.

    Attributes
    ----------
    kind : str
        "offences", "areas", "indicators", "lookup" or "reference" (roads, places, town
        centres drawn beneath the results).
    path : str
        As written in the project file: relative to the project file's folder
        when it lies beneath it, else absolute.
    options : dict
        Reader options: ``columns``, ``max_unzipped_bytes`` and
        ``max_compression_ratio`` (offences: how far a compressed file or zip member
        may expand); ``level``, ``role``,
        ``code_field``, ``name_field`` (areas); ``indicator``, ``year``
        (indicators); ``layer``, ``name_field``, ``class_field`` (reference); ``label`` (any).
    """

    kind: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)

    def resolve(self, base: Path | None) -> Path:
        """The absolute path of the source, given the project file's folder.

        Hotspot writes paths with "/", which every platform reads; a path typed with
        Windows' "\\" separators is read the same way on macOS and Linux too.
        """
        raw = self.path
        if os.sep == "/" and "\\" in raw:
            raw = PureWindowsPath(raw).as_posix()
        p = Path(raw).expanduser()
        if not p.is_absolute() and base is not None:
            p = base / p
        return p

    def to_toml(self) -> dict[str, Any]:
        """The source as a TOML table."""
        return {"kind": self.kind, "path": self.path, **self.options}


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
    categories : dict
        Category labels of the offence files that are not police.uk's wording -> the
        police.uk category they stand for (``[categories]``; added to Hotspot's own table,
        :func:`hotspot.model.taxonomy.category_label`).
    selection : SelectionParams
        Offence group and period.
    analysis : dict
        Analysis id ("kde", "gistar" ...) -> its params dataclass, or the raw table
        read from the file until the analysis registry checks it
        (:func:`hotspot.pipeline.registry.check_project`; the model does not know
        which analyses exist).
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
    categories: dict[str, str] = field(default_factory=dict)
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

    # ---------------------------------------------------------------- TOML

    def to_toml(self) -> dict[str, Any]:
        """The project as a TOML-ready mapping."""
        doc: dict[str, Any] = {"project": {"name": self.name, "format": PROJECT_FORMAT}}
        if self.sources:
            doc["sources"] = [s.to_toml() for s in self.sources]
        if self.groups:
            doc["groups"] = {k: list(v) for k, v in self.groups.items()}
        if self.categories:
            doc["categories"] = dict(self.categories)
        doc["selection"] = to_dict(self.selection)
        if self.analysis:
            doc["analysis"] = {
                k: dict(v) if isinstance(v, Mapping) else to_dict(v)
                for k, v in self.analysis.items()
            }
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
            doc,
            {
                "project",
                "sources",
                "groups",
                "categories",
                "selection",
                "analysis",
                "outputs",
                "map",
            },
            "top",
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
        from hotspot.model.taxonomy import all_groups, check_labels

        categories = check_labels(_check_table(doc.get("categories", {}), "categories"))
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
        # read by the analysis registry (hotspot.pipeline.registry.check_project)
        analysis = {
            section: dict(_check_table(values, f"analysis.{section}"))
            for section, values in analysis_raw.items()
        }
        outputs = from_dict(
            OutputParams, _check_table(doc.get("outputs", {}), "outputs"), where="outputs"
        )
        map_params = from_dict(MapParams, _check_table(doc.get("map", {}), "map"), where="map")
        return cls(
            name=name,
            sources=sources,
            groups=groups,
            categories=categories,
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
        from hotspot.core.atomic import atomic_write_text

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
            categories=dict(self.categories),
            analysis={
                k: dict(v) if isinstance(v, Mapping) else v for k, v in self.analysis.items()
            },
        )


__all__ = [
    "AREA_ROLES",
    "OFFENCE_COLUMN_KEYS",
    "PROJECT_FORMAT",
    "SOURCE_KINDS",
    "Project",
    "Source",
]
