"""What an analysis declares: :class:`AnalysisSpec` and its parts.

One :class:`AnalysisSpec` per analysis, in a module of :mod:`hotspot.pipeline.specs`
(the spirit of a QGIS Processing algorithm): its id and title, its params class, what
inputs it needs (:class:`Missing`, with the plain-English reason when one is missing),
its run function, its map layers (:class:`ResultLayer`), its tables
(:class:`ResultTable`), charts (:class:`ResultChart`), print maps (:class:`PrintMap`),
files (:class:`FileOutput`), its summary lines, its briefing content and the hints of
its form (:class:`FormHints`). :mod:`hotspot.pipeline.registry` finds the specs and
runs them.

Results of a run are a flat mapping of keys to results (``Results``): an analysis
puts its main result under its own id ("kde") and may add derived results under
keys of its own ("kde_zones"). Spec functions receive the whole mapping, so a
briefing page may combine several results.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hotspot.core.errors import AnalysisError

if TYPE_CHECKING:  # pragma: no cover
    from hotspot.model import Project
    from hotspot.pipeline.workspace import Workspace


Results = Mapping[str, Any]
"""Everything computed so far, by key ("kde", "kde_zones", "rates_ward" ...)."""


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Missing:
    """An input an analysis lacks, said without naming a front end's menus.

    Attributes
    ----------
    what : str
        What to add, e.g. "ward or LSOA boundaries".
    source : str
        The kind of project source that provides it: "offences", "areas" or
        "indicators" (the front end turns it into "File > Add boundaries" or a
        ``[[sources]]`` entry).
    why : str
        Optional reason, e.g. "the comparison with IMD is made LSOA by LSOA".
    """

    what: str
    source: str
    why: str = ""

    def text(self, how: Callable[[str], str] | None = None) -> str:
        """ "Add ward or LSOA boundaries first (File > Add boundaries)." with ``how``."""
        hint = f" ({how(self.source)})" if how is not None else ""
        why = f": {self.why}" if self.why else ""
        return f"Add {self.what} first{hint}{why}."


class MissingInput(AnalysisError):
    """An analysis cannot run because an input is not loaded (``missing`` says which)."""

    def __init__(self, missing: Missing, how: Callable[[str], str] | None = None):
        super().__init__(missing.text(how))
        self.missing = missing


def command_line_hint(source: str) -> str:
    """How a ``hotspot run`` user adds a source of this kind."""
    return f'a [[sources]] entry with kind = "{source}" in the project file'


# --------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class ResultLayer:
    """A map layer of a result, shared by the window and the interactive map.

    Attributes
    ----------
    key : str
        Stable id in the window's layer list ("result:rates:change").
    title : str
        Shown in layer lists.
    layer : hotspot.maps.layers.MapLayer
        What is drawn.
    visible : bool
        Whether it is on when it first appears in the window (the interactive map
        opens with its first result layer on and the others a click away).
    sensitive : bool
        It shows where offences are (as offence points do): the interactive map file
        includes it only when the project allows offence points there (``html_points``).
    """

    key: str
    title: str
    layer: Any
    visible: bool = True
    sensitive: bool = False


@dataclass(frozen=True)
class ResultTable:
    """A table of a result: one declaration for the window, the CSV and the GeoPackage.

    Attributes
    ----------
    key : str
        Stable id ("rates_ward").
    title : str
        The window's tab title.
    frame : DataFrame, GeoDataFrame or callable
        The rows (geometry is left out of the window and the CSV); a callable
        returning them when they are costly to make and not always needed.
    description : str
        The GeoPackage layer's description (default: the title).
    caption : str
        Shown above the table in the window.
    csv : str or None
        File name written by ``hotspot run`` ("rates_wards.csv"); None = no CSV.
    gpkg : str or None
        Layer name in ``results.gpkg``; None = not in the GeoPackage.
    params : dict
        The parameters recorded with the GeoPackage layer.
    counts : DataFrame or None
        For tables that show rates without counts: the counts behind them, so small
        counts are suppressed here too (matched on ``code``).
    window : bool
        Whether the window shows it as a tab.
    sort : (column, ascending) or None
        The window's default sort.
    zoom : bool
        Rows have areas the window zooms the map to when one is clicked.
    exclude_column : str or None
        A column naming map points: the window offers to leave a row's point out of
        every analysis (``[selection] exclude_locations``).
    """

    key: str
    title: str
    frame: Any
    description: str = ""
    caption: str = ""
    csv: str | None = None
    gpkg: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    counts: Any = None
    window: bool = True
    sort: tuple[str, bool] | None = None
    zoom: bool = False
    exclude_column: str | None = None

    def data(self) -> Any:
        """The rows (made now when ``frame`` is a callable)."""
        return self.frame() if callable(self.frame) else self.frame


@dataclass(frozen=True)
class PrintMap:
    """A print map an analysis offers (``[outputs] maps``).

    Attributes
    ----------
    id : str
        Name in the project file and in the file name (``map_<id>.png``).
    title : str
        In the export dialog.
    draw : callable
        ``draw(results, context) -> Figure or None`` (None: the run has no result
        for it); ``context`` is a :class:`hotspot.maps.static.MapContext`.
    """

    id: str
    title: str
    draw: Callable[[Results, Any], Any]


@dataclass(frozen=True)
class ResultChart:
    """A chart of a result, shown as a tab of the window's results.

    Attributes
    ----------
    key : str
        Stable id ("evaluation_capture").
    title : str
        The tab title.
    draw : callable
        ``draw(ax)``: draws on a matplotlib Axes (Qt-free; the briefing may share it).
    """

    key: str
    title: str
    draw: Callable[[Any], None]


@dataclass(frozen=True)
class FileOutput:
    """A file of its own an analysis writes (the KDE surface as GeoTIFF ...).

    Attributes
    ----------
    name : str
        File name ("kde.tif").
    wanted : callable
        ``wanted(project) -> bool``.
    write : callable
        ``write(results, path, overwrite) -> None``; does nothing when the run has no
        result for it.
    """

    name: str
    wanted: Callable[[Project], bool]
    write: Callable[[Results, Path, bool], Any]


@dataclass(frozen=True)
class FormHints:
    """How the window's form presents the params (values and the project file are unchanged).

    Attributes
    ----------
    choice_labels : dict
        Parameter -> {choice: text shown}.
    applies : dict
        Parameter -> (rule on the values entered, "when it is used").
    captions : dict
        Parameter -> caption above it.
    computed_notes : callable
        ``computed_notes(result) -> {parameter: how its "auto" value was computed}``.
    """

    choice_labels: Mapping[str, Mapping[Any, str]] = field(default_factory=dict)
    applies: Mapping[str, tuple[Callable[[dict[str, Any]], bool], str]] = field(
        default_factory=dict
    )
    captions: Mapping[str, str] = field(default_factory=dict)
    computed_notes: Callable[[Any], Mapping[str, str]] = lambda result: {}


def _nothing(results: Results) -> list:
    return []


@dataclass(frozen=True)
class AnalysisSpec:
    """Everything Hotspot knows about one analysis.

    Attributes
    ----------
    id : str
        Its name in the project file (``[analysis.<id>]``, ``[outputs] analyses``) and
        the key of its main result.
    title : str
        Short title (the window's tab, the export dialog).
    name : str
        What it is called in sentences ("Gi* hot spots").
    intro : str
        One or two sentences on what it shows (top of its panel).
    methods : str
        A paragraph on how it works and how to read it (Help > Methods).
    params : type
        Its frozen params dataclass.
    order : int
        Position in menus, tabs and reports (lower first).
    needs : callable
        ``needs(workspace) -> Missing or None``.
    run : callable
        ``run(project, workspace, params, progress) -> dict`` of results by key.
    keys : tuple of str
        Every key ``run`` may put in the results (its own id first).
    layers, tables, charts : callable
        ``layers(results) -> [ResultLayer]``, ``tables(results) -> [ResultTable]``,
        ``charts(results) -> [ResultChart]`` (tabs of the window's results).
    print_maps : tuple of PrintMap
    files : tuple of FileOutput
    summary : callable
        ``summary(results) -> [str]``: the headline lines (panel, ``summary.txt``).
    methods_lines : callable
        ``methods_lines(results) -> [(heading, [lines])]`` for the briefing's methods.
    briefing : callable
        ``briefing(results) -> BriefingSection or None`` (:mod:`hotspot.maps.briefing`).
    form : FormHints
    csv_names : tuple of str
        Every CSV file name its tables may have (checked before a run, so that a
        refused overwrite fails fast).
    verify : tuple of (key, name, checker)
        Results PySAL can recompute ("Verify with PySAL", ``hotspot run --verify``): the
        result key, its name in the report and ``checker(result, name, progress) ->
        Comparison`` (:mod:`hotspot.pipeline.verify`).
    """

    id: str
    title: str
    name: str
    intro: str
    methods: str
    params: type
    run: Callable[..., dict[str, Any]]
    needs: Callable[[Workspace | None], Missing | None]
    order: int = 100
    keys: tuple[str, ...] = ()
    layers: Callable[[Results], list[ResultLayer]] = _nothing
    tables: Callable[[Results], list[ResultTable]] = _nothing
    charts: Callable[[Results], list[ResultChart]] = _nothing
    print_maps: tuple[PrintMap, ...] = ()
    files: tuple[FileOutput, ...] = ()
    summary: Callable[[Results], list[str]] = _nothing
    methods_lines: Callable[[Results], list[tuple[str, list[str]]]] = _nothing
    briefing: Callable[[Results], Any] = lambda results: None
    form: FormHints = field(default_factory=FormHints)
    csv_names: tuple[str, ...] = ()
    verify: tuple[tuple[str, str, Callable[..., Any]], ...] = ()

    def result_keys(self) -> tuple[str, ...]:
        """Its own id and every other key its run may add."""
        return (self.id, *(k for k in self.keys if k != self.id))

    def has_result(self, results: Results) -> bool:
        """Whether ``results`` hold this analysis's main result."""
        return results.get(self.id) is not None


__all__ = [
    "AnalysisSpec",
    "FileOutput",
    "FormHints",
    "Missing",
    "MissingInput",
    "PrintMap",
    "ResultChart",
    "ResultLayer",
    "ResultTable",
    "Results",
    "command_line_hint",
]
