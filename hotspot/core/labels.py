"""The vocabulary: what every column, measure and area level is called, said once.

The window's tables and charts, ``summary.txt``, the print maps, the briefing pack
and the interactive map all take their names from here, so a measure is called
the same everywhere ("IMD 2019 score", never "imd_score").
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Measure:
    """An LSOA context measure that offences can be compared with.

    Attributes
    ----------
    column : str
        Its column in the context table ("imd_score").
    source : str
        The kind of table that provides it ("imd", "samhi").
    label : str
        Its name on tables and legends ("IMD 2019 score").
    choice : str
        Its name in a form ("Deprivation (IMD score)").
    short : str
        A short name in sentences ("deprivation").
    axis : str
        A chart axis label that says which way is worse.
    higher : tuple of str
        Sentence parts: (areas that ..., neighbours ... when positive, ... when negative).
    """

    column: str
    source: str
    label: str
    choice: str
    short: str
    axis: str
    higher: tuple[str, str, str]


MEASURES: dict[str, Measure] = {
    m.column: m
    for m in (
        Measure(
            "imd_score",
            "imd",
            "IMD 2019 score",
            "Deprivation (IMD score)",
            "deprivation",
            "Deprivation (IMD score; higher = more deprived)",
            ("are more deprived", "more deprived", "less deprived"),
        ),
        Measure(
            "samhi_index",
            "samhi",
            "SAMHI index",
            "Mental health (SAMHI index)",
            "mental health (SAMHI)",
            "Mental health (SAMHI index; higher = poorer)",
            ("have poorer mental health", "with poorer mental health", "with better mental health"),
        ),
    )
}
"""Context measures by column."""

SOURCE_LABELS = {"imd": "IMD", "samhi": "SAMHI", "population": "Population", "other": "Table"}
"""What each kind of context table is called."""

LEVEL_NAMES = {"ward": "wards", "lsoa": "LSOAs"}
"""Area levels in the plural."""

LEVEL_NAME = {"ward": "ward", "lsoa": "LSOA"}
"""Area levels in the singular."""

OFFENCE_MEASURES = {
    "rate": "offence rates",
    "rate_eb": "smoothed offence rates",
    "count": "offence counts",
}
"""Offence measures in sentences ("LSOAs ... tend to have higher offence rates")."""

NEIGHBOURS = {
    "queen": "Border or corner (queen)",
    "rook": "Border only (rook)",
    "knn": "k nearest areas",
    "distance": "Within a distance",
}
"""Neighbourhoods of areas, as a form offers them."""

COLUMNS: dict[str, tuple[str, str]] = {
    "code": ("Code", "ONS area code"),
    "name": ("Name", "Area name"),
    "count": ("Offences", "Selected offences in the area in the period"),
    "population": ("Residents", "Resident population (from the population table)"),
    "rate": ("Rate", "Offences per 1,000 residents (or the 'Rate per' chosen)"),
    "rate_eb": ("Smoothed rate", "Rate smoothed towards the borough's rate (Empirical Bayes)"),
    "rank": ("Rank", "1 = highest"),
    "share": ("Share", "Share of the borough's selected offences (0 to 1)"),
    "count_prev": ("Offences before", "Offences in the comparison period"),
    "change": ("Change", "Offences now minus offences in the comparison period"),
    "pct_change": ("Change %", "Change as a percentage of the comparison period"),
    "change_p": ("Change p", "p-value of the change (exact test)"),
    "change_q": ("Change q", "p-value of the change adjusted for testing every area (FDR)"),
    "change_flag": ("Change flagged", "Whether the change is unlikely to be chance"),
    "change_label": ("Change verdict", "What the change test says"),
    "n": ("Offences", "Selected offences in the cell"),
    "gi_z": ("Gi* z", "Gi* z-score: how far the cell and its neighbours are above the average"),
    "p_value": ("p", "p-value of the test"),
    "p_sim": ("p (permutations)", "Pseudo p-value from the random rearrangements"),
    "q_value": ("q (FDR)", "p-value adjusted for testing many cells or areas (FDR)"),
    "gi_bin": ("Confidence bin", "3 = hot spot at 99%, 2 = 95%, 1 = 90%, negative = cold spot"),
    "label": ("Class", "Hot spot, cold spot or not significant"),
    "lag": ("Neighbours' value", "Average of the second measure in the neighbouring LSOAs"),
    "local_i": ("Local I", "Local bivariate Moran's I"),
    "cluster": ("Cluster", "High-High, Low-Low, High-Low, Low-High or not significant"),
    "threshold": ("Threshold", "Value of the density surface where the class starts"),
    "class": ("Class", "Hotspot class"),
    "offences": ("Offences", "Selected offences in the hotspot"),
    "area_km2": ("Area (km²)", "Area of the hotspot"),
    "share_offences": ("Share of offences", "Share of the borough's selected offences"),
    "pai": ("PAI", "Predictive accuracy index: share of offences / share of area"),
    "wards": ("Wards", "Wards the hotspot touches"),
    "zone": ("Zone", "Hot spot zone number (1 = most offences)"),
    "share_area": ("Share of area", "Share of the study area the zone covers"),
    "cells": ("Cells", "Grid cells merged into the zone"),
    "main_ward": ("Main ward", "The ward holding most of the zone's offences"),
    "places": ("Streets and places", "The zone's streets and places, most offences first"),
    "place": ("Place", "Street or place police.uk names the map point after"),
    "streets": ("Streets and places", "The streets or places with most of its offences"),
    "location": ("Location", "The location as police.uk gives it"),
    "facility": ("Facility", "The facility the map point stands for ('' for a street)"),
    "excluded": ("Left out", "Whether the map point is left out of every analysis"),
    "exclude": ("Entry to leave it out", "What [selection] exclude_locations needs for it"),
    "ward": ("Ward", "The ward it is in"),
    "x": ("Easting", "British National Grid easting (m)"),
    "y": ("Northing", "British National Grid northing (m)"),
    "rate_km2": ("Per km²", "Offences per square kilometre of the area"),
    "zones_gistar": ("Gi* zones", "Gi* hot spot zones overlapping the area"),
    "zones_kde": ("KDE zones", "KDE hot spot zones overlapping the area"),
    "zone_before": ("Zone before", "Zone number with every offence"),
    "name_before": ("Name before", "Zone name with every offence"),
    "offences_before": ("Offences before", "Offences in the zone with every offence"),
    "zone_after": ("Zones after", "Zones overlapping it with the map points left out"),
    "name_after": ("Names after", "Their names"),
    "offences_after": ("Offences after", "Offences in those zones with the points left out"),
    "pattern": ("Pattern", "Emerging hot spot category (ArcGIS's definitions, Help > Methods)"),
    "z_series": ("Gi* z over time", "The Gi* z-score of each time step (a gap: month missing)"),
    "n_hot": ("Hot steps", "Time steps in which the location is a significant hot spot"),
    "n_cold": ("Cold steps", "Time steps in which the location is a significant cold spot"),
    "trend_tau": ("Trend tau", "Mann-Kendall tau of the Gi* z-scores (+ rising, - falling)"),
    "trend_p": ("Trend p", "p-value of the Mann-Kendall trend test"),
    "method": ("Map", "Kernel density or Gi* hot spots"),
    "hot_area_km2": ("Hot area (km²)", "Area of the hot spots"),
    "area_share": ("Share of area", "Share of the study area the hot spots cover"),
    "hit_rate": ("Hit rate", "Share of this period's offences in last period's hot spots"),
    "ppai": ("PPAI", "PAI of the best possible map of the same area"),
    "pei": ("PEI", "PAI / PPAI: 1 = as good as a map of that size can be"),
    "rri": ("RRI", "Recapture rate index: PAI this period / PAI last period"),
    "jaccard": (
        "Overlap (Jaccard)",
        "Shared hot area / combined hot area, against the setting used",
    ),
    **{m.column: (m.label, m.axis) for m in MEASURES.values()},
}
"""Column -> (header shown, what it is), for tables in the window and in reports."""

VALUE_TITLES = {
    "rate": "Offences per 1,000 residents",
    "rate_eb": "Offences per 1,000 residents (smoothed)",
    "count": "Offences",
    "change": "Change in offences since previous period",
    "pct_change": "Change since previous period (%)",
    "share": "Share of offences",
}
"""Area-table columns as map titles and legend headings (with their units)."""

VARIABLE_NAMES = {
    "rate": "offence rate",
    "rate_eb": "offence rate (smoothed)",
    "count": "offences",
    **{m.column: m.label for m in MEASURES.values()},
}
"""Columns as variables in a sentence or a legend ("offence rate", "IMD 2019 score")."""

AXIS_LABELS = {
    "rate": "Offences per {per} residents",
    "rate_eb": "Offences per {per} residents (smoothed)",
    "count": "Offences",
    **{m.column: m.axis for m in MEASURES.values()},
}
"""Chart axis labels; ``{per}`` is the rate denominator."""


def column_header(column: str) -> str:
    """The header a table shows for ``column`` ("count" -> "Offences")."""
    return COLUMNS.get(column, (column, ""))[0]


def variable_name(column: str, default: str = "") -> str:
    """A reader's name for an analysis column ("imd_score" -> "IMD 2019 score")."""
    if not column:
        return default
    return VARIABLE_NAMES.get(column, column.replace("_", " "))


def axis_label(column: str, per: int = 1000) -> str:
    """The axis label of a measure ("Offences per 1,000 residents")."""
    return AXIS_LABELS.get(column, column).format(per=f"{per:,}")


def level_name(level: str, *, title: bool = False, singular: bool = False) -> str:
    """ "wards", "LSOAs" or "areas" ("Wards" with ``title``; "ward" with ``singular``)."""
    names = LEVEL_NAME if singular else LEVEL_NAMES
    name = names.get(level, "area" if singular else "areas")
    return name[:1].upper() + name[1:] if title else name


__all__ = [
    "AXIS_LABELS",
    "COLUMNS",
    "LEVEL_NAMES",
    "LEVEL_NAME",
    "MEASURES",
    "NEIGHBOURS",
    "OFFENCE_MEASURES",
    "SOURCE_LABELS",
    "VALUE_TITLES",
    "VARIABLE_NAMES",
    "Measure",
    "axis_label",
    "column_header",
    "level_name",
    "variable_name",
]
