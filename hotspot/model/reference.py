"""Reference layers: roads, places and named areas drawn beneath the results.

A reference layer is any line, point or polygon file an analyst adds for context (OS Open
Roads, an OpenStreetMap extract, town-centre boundaries, patrol beats). The reader
(:func:`hotspot.io.reference.read_reference`) gives every feature a ``name`` ("" when the
file has none), a ``kind`` (the road class or feature type as the file says it, "" when
none) and a ``rank`` (how prominent it is drawn: 0 motorway, 1 A road / trunk / primary,
2 B road / secondary, 3 minor road, 4 local street, 5 path or other), in British National
Grid.

Example
-------
>>> road_rank("A Road"), road_rank("residential"), road_rank(""), road_rank("Motorway")
(1, 4, 4, 0)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

GEOMETRIES = ("lines", "points", "polygons")
RANKS = ("Motorway", "Major road", "Secondary road", "Minor road", "Local street", "Path or other")
"""What each rank is called in legends (rank 0 first)."""

_RANK_OF_CLASS = {
    # OS Open Roads roadClassification (and its older "class")
    "motorway": 0,
    "a road": 1,
    "a road primary": 1,
    "b road": 2,
    "classified unnumbered": 3,
    "unclassified": 4,
    "not classified": 4,
    "unknown": 4,
    # OpenStreetMap highway=*
    "motorway_link": 0,
    "trunk": 1,
    "trunk_link": 1,
    "primary": 1,
    "primary_link": 1,
    "secondary": 2,
    "secondary_link": 2,
    "tertiary": 3,
    "tertiary_link": 3,
    "residential": 4,
    "living_street": 4,
    "road": 4,
    "service": 5,
    "pedestrian": 5,
    "footway": 5,
    "path": 5,
    "cycleway": 5,
    "steps": 5,
    "track": 5,
    "bridleway": 5,
}


def road_rank(kind: object) -> int:
    """How prominent a road class is drawn: 0 motorway .. 5 path (4 when unknown)."""
    text = str(kind or "").strip().lower().replace("-", " ")
    if text in _RANK_OF_CLASS:
        return _RANK_OF_CLASS[text]
    text = text.replace(" ", "_")
    return _RANK_OF_CLASS.get(text, 4)


@dataclass(frozen=True, eq=False)
class ReferenceLayer:
    """A reference layer, ready to draw.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        ``name``, ``kind``, ``rank`` and geometry (EPSG:27700), then the file's fields.
    geometry : str
        "lines", "points" or "polygons".
    label : str
        What the layer is called in layer lists and legends.
    source : str
        The file read.
    notes : tuple of str
        What the reader did (fields recognised, reprojection, simplification ...).
    warnings : tuple of str
        What the user should know (a huge layer simplified, features left out ...).
    n_read : int
        Features in the file.
    """

    gdf: gpd.GeoDataFrame
    geometry: str
    label: str = ""
    source: str = ""
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    n_read: int = 0

    @property
    def named(self) -> bool:
        """Whether any feature has a name."""
        return bool((self.gdf["name"].astype(str) != "").any())

    def describe(self) -> str:
        """E.g. "roads (lines): 12,304 features, 1,876 named"."""
        n = len(self.gdf)
        named = int((self.gdf["name"].astype(str) != "").sum())
        return f"{self.label} ({self.geometry}): {n:,} features, {named:,} named"


__all__ = ["GEOMETRIES", "RANKS", "ReferenceLayer", "road_rank"]
