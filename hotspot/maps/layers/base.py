"""The base of every map layer, and what layers share.

:class:`MapLayer` is what every renderer draws: features with style columns
(``_fill``, ``_fill_opacity``, ``_stroke``, ``_stroke_width``), a legend, tooltip
fields, labels, its extent and, when it shows nothing to act on, a note saying why.
Beside it: reading a result's GeoDataFrame in British National Grid, the number
formats of tooltips, where an area's name goes, and the union of layers' extents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from hotspot.core.errors import HotspotError
from hotspot.maps.style import Legend

BNG = "EPSG:27700"

TOOLTIP_FIELDS = ("name", "count", "rate", "z", "p", "class")
"""The kinds of tooltip field layers offer (each layer shows those it has)."""


def as_bng_gdf(obj: Any, what: str):
    """A GeoDataFrame in EPSG:27700 from a GeoDataFrame or an object with ``.gdf``/``.table``."""
    import geopandas as gpd

    gdf = obj
    for attr in ("gdf", "table", "cells", "local"):
        if not isinstance(gdf, gpd.GeoDataFrame) and hasattr(gdf, attr):
            gdf = getattr(gdf, attr)
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise HotspotError(
            f"{what}: expected a GeoDataFrame with geometry, got {type(obj).__name__}"
        )
    if gdf.crs is None:
        raise HotspotError(f"{what}: the data have no coordinate reference system; set one first")
    if gdf.crs.to_epsg() != 27700:
        gdf = gdf.to_crs(BNG)
    return gdf


def as_result_gdf(obj: Any, what: str, required: str):
    """``as_bng_gdf(obj)``, refusing a table without the ``required`` column."""
    gdf = as_bng_gdf(obj, what)
    if required not in gdf.columns:
        raise HotspotError(
            f"{what}: the table has no {required!r} column; give the result of the analysis "
            "that makes it"
        )
    return gdf


def format_number(value: Any, fmt: str = "{:,.1f}") -> str:
    """A value as text for a tooltip or note: ``fmt`` applied to a number.

    Missing values (None, NaN) give ""; text (a suppressed count's mark) is kept as it is;
    a value ``fmt`` cannot format is given by ``str``.
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, str):
        return value
    try:
        return fmt.format(value)
    except (TypeError, ValueError):
        return str(value)


def format_count(value: Any) -> str:
    """A count as "1,234"; a suppressed count's mark ("<5", "[c]") as it is."""
    if isinstance(value, str):
        try:
            return f"{float(value.replace(',', '')):,.0f}"
        except ValueError:
            return value
    return format_number(value, "{:,.0f}")


def format_p_value(value: Any) -> str:
    """A p-value to 3 decimals, "< 0.001" below that; "" when missing."""
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def name_column(gdf) -> str | None:
    """The column holding area names ("name", "NAME" or "label_name"), or None."""
    for c in ("name", "NAME", "label_name"):
        if c in gdf.columns:
            return c
    return None


@dataclass(kw_only=True)
class MapLayer:
    """Base class of every map layer.

    Attributes
    ----------
    name : str
        Shown in the layer control and as the legend title's owner.
    visible : bool
        Shown when the map opens (the user can toggle it).
    opacity : float
        0 (transparent) .. 1 (opaque).
    """

    name: str = "Layer"
    visible: bool = True
    opacity: float = 1.0

    kind: ClassVar[str] = "vector"
    """"vector", "raster" or "points": which drawing path a renderer uses."""

    def __post_init__(self) -> None:
        if not 0.0 <= float(self.opacity) <= 1.0:
            raise HotspotError(f"{self.name}: opacity {self.opacity} must be between 0 and 1")

    def legend(self) -> Legend | None:
        """The layer's legend (None when it needs none)."""
        return None

    def tooltip(self) -> list[tuple[str, str]]:
        """``(column, alias)`` pairs shown when hovering a feature."""
        return []

    def features(self):
        """Features to draw: GeoDataFrame in EPSG:27700 with style and tooltip columns."""
        raise NotImplementedError

    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) in metres, EPSG:27700."""
        return tuple(float(v) for v in self.features().total_bounds)  # type: ignore[return-value]

    def labels(self) -> list[tuple[float, float, str]]:
        """Text labels to draw, as (x, y, text) in EPSG:27700."""
        return []

    def empty_note(self) -> str:
        """Why the layer shows nothing to act on ("" when it does): drawn on the map itself."""
        return ""


def styled_gdf(gdf, fill, *, fill_opacity, stroke, stroke_width):
    """The geometry of ``gdf`` with the fill and stroke columns the map layers draw.

    Parameters
    ----------
    gdf : GeoDataFrame
        Features whose geometry is kept.
    fill : str or array-like
        Fill colour, one for all or one per feature.
    fill_opacity, stroke, stroke_width
        Fill opacity, outline colour (None for none) and outline width.

    Returns
    -------
    GeoDataFrame
        ``geometry`` plus ``_fill``, ``_fill_opacity``, ``_stroke`` and ``_stroke_width``.
    """
    out = gdf[["geometry"]].copy()
    out["_fill"] = fill
    out["_fill_opacity"] = fill_opacity
    out["_stroke"] = stroke
    out["_stroke_width"] = stroke_width
    return out


def label_point(geom):
    """Where an area's name goes: the point of its largest part farthest from its edges.

    The "pole of inaccessibility" keeps names of long or bent wards off their
    boundaries, where a centroid or representative point may sit on an edge.
    """
    import shapely
    from shapely.ops import polylabel

    if geom is None or geom.is_empty:
        return None
    part = max(shapely.get_parts(geom), key=lambda g: g.area)
    if part.geom_type != "Polygon" or part.area <= 0:
        return geom.representative_point()
    try:
        return polylabel(part, tolerance=max(1.0, part.area**0.5 / 200))
    except Exception:  # noqa: BLE001 - an odd ring: fall back to a point inside
        return part.representative_point()


def layers_bounds(layers: list[MapLayer]) -> tuple[float, float, float, float] | None:
    """Union of the layers' bounds (EPSG:27700), or None when there are none."""
    boxes = []
    for layer in layers:
        try:
            b = layer.bounds()
        except (NotImplementedError, ValueError):
            continue
        if all(np.isfinite(b)):
            boxes.append(b)
    return union_bounds(boxes)


def union_bounds(boxes: list) -> tuple[float, float, float, float] | None:
    """The box holding every (xmin, ymin, xmax, ymax) of ``boxes``, or None when there are none."""
    if not boxes:
        return None
    a = np.asarray(boxes, dtype=float)
    return (a[:, 0].min(), a[:, 1].min(), a[:, 2].max(), a[:, 3].max())


__all__ = [
    "BNG",
    "TOOLTIP_FIELDS",
    "MapLayer",
    "as_bng_gdf",
    "layers_bounds",
    "union_bounds",
    "as_result_gdf",
    "format_count",
    "format_number",
    "format_p_value",
    "label_point",
    "name_column",
    "styled_gdf",
]
