"""The in-memory model the whole application shares (Qt-free).

Readers in :mod:`hotspot.io` produce :class:`OffenceData`, :class:`AreaLayer`,
:class:`Indicators` and :class:`Lookup`, always in British National Grid
(EPSG:27700). A :class:`Project` records where those came from, the selection
(offence group and period) and every analysis parameter; it is saved as TOML.

* :mod:`~hotspot.model.period`: months and periods;
* :mod:`~hotspot.model.report`: the load report (every row read, kept or not used);
* :mod:`~hotspot.model.data`: the data containers;
* :mod:`~hotspot.model.settings`: selection, outputs and map settings;
* :mod:`~hotspot.model.project`: the project file;
* :mod:`~hotspot.model.taxonomy`: police.uk offence categories and groups;
* :mod:`~hotspot.model.places`: map-point names, snap-point facilities, exclusions;
* :mod:`~hotspot.model.reference`: reference layers (roads, places, named areas).
"""

from hotspot.model.data import (
    AREA_LEVELS,
    INDICATOR_KINDS,
    LOOKUP_KINDS,
    OFFENCE_COLUMNS,
    AreaLayer,
    Indicators,
    Lookup,
    OffenceData,
)
from hotspot.model.period import Period, month_label, month_str, parse_month
from hotspot.model.project import (
    AREA_ROLES,
    OFFENCE_COLUMN_KEYS,
    PROJECT_FORMAT,
    SOURCE_KINDS,
    Project,
    Source,
)
from hotspot.model.reference import ReferenceLayer
from hotspot.model.report import (
    DROP_BAD_MONTH,
    DROP_DUPLICATE,
    DROP_NO_COORDINATES,
    DROP_OUTSIDE_GB,
    DROP_REASONS,
    LoadReport,
    printable,
)
from hotspot.model.settings import MapParams, OutputParams, SelectionParams

__all__ = [
    "AREA_LEVELS",
    "AREA_ROLES",
    "DROP_BAD_MONTH",
    "DROP_DUPLICATE",
    "DROP_NO_COORDINATES",
    "DROP_OUTSIDE_GB",
    "DROP_REASONS",
    "INDICATOR_KINDS",
    "LOOKUP_KINDS",
    "OFFENCE_COLUMNS",
    "OFFENCE_COLUMN_KEYS",
    "PROJECT_FORMAT",
    "SOURCE_KINDS",
    "AreaLayer",
    "Indicators",
    "LoadReport",
    "Lookup",
    "MapParams",
    "OffenceData",
    "OutputParams",
    "Period",
    "Project",
    "ReferenceLayer",
    "SelectionParams",
    "Source",
    "month_label",
    "month_str",
    "parse_month",
    "printable",
]
