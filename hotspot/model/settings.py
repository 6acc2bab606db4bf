"""The project's declared settings: selection, outputs and map (each a frozen params dataclass)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from hotspot.core.params import param, validate
from hotspot.model.period import Period, parse_month
from hotspot.model.places import LocationExclusion, parse_exclusion

if TYPE_CHECKING:  # pragma: no cover
    pass


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
    exclude_locations: tuple[str, ...] = param(
        (),
        label="Excluded map points",
        help="police.uk map points or location names left out of every analysis, e.g. a "
        "hospital or police station where offences are recorded rather than committed: "
        "'On or near Hospital' (every point of that name) or 'On or near Hospital @ 537878 "
        "174605' (one point, British National Grid metres). Every output says what was left out.",
        advanced=True,
    )
    local_authorities: tuple[str, ...] = param(
        (),
        label="Study area",
        help="Local authorities (names or LAD codes, e.g. Lewisham or E09000023) every "
        "boundary layer is restricted to. Empty = every area loaded.",
    )

    def __post_init__(self) -> None:
        validate(self, where="selection")
        if self.end is not None:
            parse_month(self.end, key="selection.end")
        for i, text in enumerate(self.exclude_locations):
            parse_exclusion(text, key=f"selection.exclude_locations[{i}]")

    def exclusions(self) -> tuple[LocationExclusion, ...]:
        """The exclusions, read (:func:`hotspot.model.places.parse_exclusion`)."""
        return tuple(parse_exclusion(t) for t in self.exclude_locations)

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

    analyses: tuple[str, ...] | None = param(
        None,
        label="Analyses",
        help="The analyses hotspot run performs. An analysis whose inputs are not loaded (no "
        "boundaries, no IMD or SAMHI table) is skipped with a note in the run's messages.",
        computed="every analysis Hotspot offers",
    )
    load_report: bool = param(True, label="Load report", help="Write load_report.txt.")
    offences_gpkg: bool = param(
        True,
        label="Selected offences (GeoPackage)",
        help="Write the selected offences as a GeoPackage layer (every record: not written "
        "when small counts are suppressed for publication).",
    )
    geotiff: bool = param(True, label="KDE GeoTIFF", help="Write the density surface as GeoTIFF.")
    gpkg: bool = param(
        True, label="Results GeoPackage", help="Write every result layer to results.gpkg."
    )
    csv: bool = param(True, label="CSV tables", help="Write area tables as CSV.")
    maps: tuple[str, ...] = param(
        (),
        label="Print maps",
        help="Which print maps to export (kde, gistar, rates, change, clusters, bivariate ...).",
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
        help="Page layout of the print maps and of every page of the briefing pack.",
        choices=("A4-landscape", "A4-portrait"),
    )
    marking: str = param(
        "OFFICIAL",
        label="Protective marking",
        help="Printed at the top and bottom of every page of the briefing pack: OFFICIAL for "
        "most council and police work, OFFICIAL-SENSITIVE when it must be handled with more "
        "care, none for a document to publish.",
        choices=("none", "OFFICIAL", "OFFICIAL-SENSITIVE"),
    )
    version: str = param(
        "1.0",
        label="Document version",
        help="Shown with the date on the cover and in the footer of the briefing pack.",
    )
    html: bool = param(False, label="Interactive map", help="Write an offline HTML map.")
    html_points: bool = param(
        False,
        label="Offence points in the HTML map",
        help="Off by default: offence locations are sensitive. Aggregated results only. "
        "Not allowed with small-count suppression: each point is a single offence.",
    )
    briefing: bool = param(False, label="Briefing pack", help="Write the briefing pack PDF.")
    briefing_wards: tuple[str, ...] = param(
        (),
        label="Ward pages",
        help="Ward names or codes given a page of their own in the briefing pack.",
    )
    verify: bool = param(
        False,
        label="Check against PySAL",
        help="Recompute the Gi* and correlation results with PySAL (esda, on libpysal weights "
        "built independently) and state the largest difference in summary.txt and the "
        "briefing's methods page. The first check in a session compiles esda (about 15 s).",
    )
    suppress_below: int = param(
        0,
        label="Suppress small counts below",
        help="For publication: counts below this number, and the rates, shares and changes "
        "that would reveal them, are hidden in every table, map, GIS file and the briefing "
        "(0 = off; 5 is usual). See SECURITY.md for what suppression cannot reach.",
        minimum=0,
    )
    gpkg_exact_counts: bool = param(
        False,
        label="Exact counts in the results GeoPackage",
        help="Keep small counts in results.gpkg although they are suppressed elsewhere, for "
        "internal use only (the file's layer descriptions say so). Off: results.gpkg is "
        "suppressed like the other outputs.",
    )

    def __post_init__(self) -> None:
        validate(self, where="outputs")

    @property
    def suppressing(self) -> bool:
        """Whether small counts are suppressed (``suppress_below`` above 1): outputs that
        hold single offence records (``offences.gpkg``, points in ``map.html``) are then
        not written, as no count in them can be hidden."""
        return self.suppress_below > 1
