"""Map layers of named places: hot spot zones (numbered outlines) and the busiest map points.

- :class:`ZoneOutlines` - the zones of a :class:`~hotspot.analysis.zones.ZoneResult`,
  outlined and numbered at a point inside each, with their offences, wards and streets in
  the tooltip. Drawn over a Gi* or density layer, on the print maps and the web map.
- :class:`MapPointsLayer` - the busiest police.uk map points, sized by offences, facility
  points (hospital, police station ...) marked apart.

Both follow :class:`~hotspot.maps.layers.MapLayer`: features with style columns, a
legend, tooltip fields and labels, so every renderer draws them without knowing them.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

import numpy as np

from hotspot.core.formats import published_count
from hotspot.maps.layers.areas import AreaChoropleth
from hotspot.maps.layers.base import MapLayer, as_bng_gdf, format_number, label_point
from hotspot.maps.style import Legend, LegendEntry

ZONE_COLOUR = "#1b1b1b"
FACILITY_COLOUR = "#d95f02"
STREET_POINT_COLOUR = "#5e3c99"


def _counts_and_shares(counts: Any, shares: Any, suppress_below: int) -> tuple[list, list]:
    """Tooltip texts of counts ("<5" when small) and their shares (none beside "<5")."""
    shown = [published_count(v, suppress_below) for v in counts]
    share = [
        "" if c.startswith("<") else format_number(s, "{:.1%}")
        for c, s in zip(shown, shares, strict=True)
    ]
    return shown, share


@dataclass
class ZoneOutlines(MapLayer):
    """Numbered outlines of hot spot zones.

    Parameters
    ----------
    zones : ZoneResult or GeoDataFrame
        ``zones`` with ``zone``, ``name``, ``offences``, ``share_offences``, ``area_km2``,
        ``pai``, ``wards``, ``places`` and geometry.
    limit : int, optional
        Number only the first zones (all by default).
    suppress_below : int
        For publication: tooltip counts from 1 to ``suppress_below - 1`` show as "<N"
        (with their share left out), as in the tables.
    """

    zones: Any
    _: KW_ONLY
    name: str = "Hot spot zones"
    colour: str = ZONE_COLOUR
    width: float = 1.6
    limit: int | None = None
    suppress_below: int = 0
    label_style: ClassVar[dict[str, Any]] = {
        "fontsize": 8,
        "fontweight": "bold",
        "color": "#111111",
        "bbox": {"boxstyle": "circle,pad=0.25", "facecolor": "#ffffff", "edgecolor": "#111111"},
    }
    label_class: ClassVar[str] = "hotspot-zone-label"
    label_gid: ClassVar[str] = "zone-label"  # print maps: names make way for zone numbers
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        zones = self.zones
        if self.suppress_below > 1 and hasattr(zones, "publishable"):
            zones = zones.publishable(self.suppress_below)  # the counts in the places text
        table = getattr(zones, "zones", zones)
        gdf = as_bng_gdf(table, self.name)
        self._gdf = gdf.head(self.limit) if self.limit else gdf

    def features(self):
        gdf = self._gdf
        out = gdf[["geometry"]].copy()
        out["_fill"] = None
        out["_fill_opacity"] = 0.0
        out["_stroke"] = self.colour
        out["_stroke_width"] = float(self.width)
        out["tt_name"] = gdf["name"].astype(str)
        out["tt_count"], out["tt_share"] = _counts_and_shares(
            gdf["offences"], gdf["share_offences"], self.suppress_below
        )
        out["tt_area"] = gdf["area_km2"].map(lambda v: format_number(v, "{:.2f} km²"))
        out["tt_pai"] = gdf["pai"].map(lambda v: format_number(v, "{:.1f}"))
        out["tt_wards"] = gdf["wards"].astype(str)
        out["tt_places"] = gdf["places"].astype(str)
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Zone"),
            ("tt_count", "Offences"),
            ("tt_share", "Share of offences"),
            ("tt_area", "Area"),
            ("tt_pai", "PAI"),
            ("tt_wards", "Wards"),
            ("tt_places", "Streets and places"),
        ]

    def labels(self) -> list[tuple[float, float, str]]:
        out = []
        for geom, zone in zip(self._gdf.geometry, self._gdf["zone"], strict=True):
            p = label_point(geom)
            if p is not None:
                out.append((float(p.x), float(p.y), str(int(zone))))
        return out

    def legend(self) -> Legend | None:
        n = len(self._gdf)
        rule = getattr(self.zones, "rule", "")  # what a zone is (a ZoneResult says)
        rule = f"{rule}. " if rule else ""
        return Legend(
            self.name,
            (LegendEntry(f"Hot spot zone, numbered by offences ({n:,})", self.colour, "line"),),
            note=rule + "Zone 1 holds the most offences; the tables name each zone's streets.",
        )


@dataclass
class MapPointsLayer(MapLayer):
    """The busiest police.uk map points: a dot per point, facilities marked apart.

    Parameters
    ----------
    points : GeoDataFrame
        ``place``, ``offences``, ``facility`` ("" for a street), ``excluded`` (bool) and
        point geometry (the Map points table).
    suppress_below : int
        For publication: tooltip counts from 1 to ``suppress_below - 1`` show as "<N".
    """

    points: Any
    _: KW_ONLY
    name: str = "Busiest map points"
    visible: bool = False
    suppress_below: int = 0
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._gdf = as_bng_gdf(self.points, self.name)

    def features(self):
        gdf = self._gdf
        facility = gdf["facility"].astype(str) != ""
        out = gdf[["geometry"]].copy()
        # a small square around each point, its side growing with the offences there
        size = 8.0 + 30.0 * np.sqrt(
            gdf["offences"].to_numpy(dtype=float) / max(gdf["offences"].max(), 1)
        )
        out["geometry"] = gdf.geometry.buffer(size, cap_style="square").values
        out["_fill"] = np.where(facility, FACILITY_COLOUR, STREET_POINT_COLOUR)
        out["_fill_opacity"] = 0.8
        out["_stroke"] = "#ffffff"
        out["_stroke_width"] = 0.6
        out["tt_name"] = gdf["place"].astype(str)
        out["tt_count"] = [published_count(v, self.suppress_below) for v in gdf["offences"]]
        out["tt_class"] = np.where(
            gdf["excluded"].astype(bool),
            "left out of the analyses",
            np.where(facility, "facility: " + gdf["facility"].astype(str), "street"),
        )
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [("tt_name", "Map point"), ("tt_count", "Offences"), ("tt_class", "Kind")]

    def legend(self) -> Legend | None:
        return Legend(
            self.name,
            (
                LegendEntry("Street", STREET_POINT_COLOUR),
                LegendEntry("Facility (hospital, police station ...)", FACILITY_COLOUR),
            ),
            note="Square size grows with the offences at the point.",
        )


@dataclass
class NamedAreasMap(AreaChoropleth):
    """Offences per km² in named areas (town centres, beats), named on the map.

    Parameters
    ----------
    stats : GeoDataFrame
        The named-area table: ``name``, ``count``, ``rate_km2``, ``share`` (``change`` and
        the zones columns when present).
    """

    column: str = "rate_km2"
    title: str = "Offences per km²"
    scheme: str = "natural_breaks"
    k: int = 4

    def __post_init__(self) -> None:
        self.k = max(1, min(self.k, len(as_bng_gdf(self.stats, "named areas"))))
        super().__post_init__()

    def features(self):
        out = super().features()
        gdf = self._gdf
        out["tt_share"] = gdf["share"].map(lambda v: format_number(v, "{:.1%}"))
        zones = [c for c in ("zones_gistar", "zones_kde") if c in gdf.columns]
        out["tt_zones"] = gdf[zones].astype(str).agg(" / ".join, axis=1) if zones else ""
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        fields = [("tt_name", "Name"), ("tt_count", "Offences"), ("tt_share", "Share")]
        fields.append(("tt_value", self.title))
        if "change" in self._gdf.columns:
            fields.append(("tt_change", "Change"))
        if any(c in self._gdf.columns for c in ("zones_gistar", "zones_kde")):
            fields.append(("tt_zones", "Hot spot zones (Gi* / KDE)"))
        return fields

    def labels(self) -> list[tuple[float, float, str]]:
        out = []
        for geom, name in zip(self._gdf.geometry, self._gdf["name"], strict=True):
            p = label_point(geom)
            if p is not None:
                out.append((float(p.x), float(p.y), str(name)))
        return out


__all__ = ["FACILITY_COLOUR", "MapPointsLayer", "NamedAreasMap", "ZoneOutlines"]
