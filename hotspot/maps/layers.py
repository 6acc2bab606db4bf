"""Map layers shared by the interactive map, the print maps and the window.

A layer wraps one analysis result (or the boundaries, or the offence points) and
knows how it looks: colours per feature, a legend, tooltip fields and its extent.
Renderers (:mod:`hotspot.maps.web` for folium/Leaflet, :mod:`hotspot.maps.static`
for matplotlib) draw any layer without knowing the analysis behind it.

Layers (all data in British National Grid, EPSG:27700):

- :class:`AreaBoundaries` - ward (or LSOA, borough) outlines with name labels.
- :class:`OffencePoints` - offence locations; clustered on the web map, single points
  at high zoom. Offence locations are sensitive: add this layer only when the user
  asks for it.
- :class:`DensitySurface` - a KDE :class:`DensityResult` as k x mean hotspot classes
  (default) or a continuous surface. On the web map the raster is reprojected to Web
  Mercator with ``rasterio.warp`` so it lines up with the boundaries.
- :class:`GiStarCells` - Gi* cells coloured by ``gi_bin`` (ArcGIS convention).
- :class:`AreaChoropleth` - one column of an :class:`AreaStats` table (rate, change
  ...) classed with mapclassify's schemes (quantiles, natural breaks, equal interval).
- :class:`ChangeSignificance` - change since the previous period, rises and falls the
  exact test flags drawn apart from changes within normal variation.
- :class:`ClusterMap` - local bivariate Moran clusters of a :class:`BivariateResult`.
- :class:`BivariateChoropleth` - a 3 x 3 choropleth of two columns (rate vs IMD/SAMHI).

Vector layers implement :meth:`MapLayer.features`: a GeoDataFrame in EPSG:27700 with
the style columns ``_fill`` (hex or None), ``_fill_opacity``, ``_stroke`` and
``_stroke_width``, plus the tooltip columns named in :meth:`MapLayer.tooltip` (text,
formatted for display).

Example
-------
>>> layers = [DensitySurface(kde_result), GiStarCells(gistar_result, visible=False),
...           AreaBoundaries(wards)]                                    # doctest: +SKIP
>>> html = hotspot.maps.web.render_html(hotspot.maps.web.build_map(layers))  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from hotspot.analysis.hot_classes import hot_classes
from hotspot.core.errors import HotspotError
from hotspot.core.labels import VALUE_TITLES, variable_name
from hotspot.export.disclosure import publishable
from hotspot.maps import style
from hotspot.maps.style import Legend, LegendEntry

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


def _result_gdf(obj: Any, what: str, required: str):
    """``as_bng_gdf(obj)``, refusing a table without the ``required`` column."""
    gdf = as_bng_gdf(obj, what)
    if required not in gdf.columns:
        raise HotspotError(
            f"{what}: the table has no {required!r} column; give the result of the analysis "
            "that makes it"
        )
    return gdf


def _fmt(value: Any, fmt: str = "{:,.1f}") -> str:
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


def _fmt_count(value: Any) -> str:
    """A count as "1,234"; a suppressed count's mark ("<5", "[c]") as it is."""
    if isinstance(value, str):
        try:
            return f"{float(value.replace(',', '')):,.0f}"
        except ValueError:
            return value
    return _fmt(value, "{:,.0f}")


def _fmt_p(value: Any) -> str:
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    return "< 0.001" if v < 0.001 else f"{v:.3f}"


def _name_column(gdf) -> str | None:
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


def _styled(gdf, fill, *, fill_opacity, stroke, stroke_width):
    out = gdf[["geometry"]].copy()
    out["_fill"] = fill
    out["_fill_opacity"] = fill_opacity
    out["_stroke"] = stroke
    out["_stroke_width"] = stroke_width
    return out


# --------------------------------------------------------------------------- boundaries


def _label_point(geom):
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


@dataclass
class AreaBoundaries(MapLayer):
    """Area outlines (wards, LSOAs, a borough) with their names as labels.

    Parameters
    ----------
    areas : AreaLayer or GeoDataFrame
        Polygons with ``code`` and ``name`` columns (EPSG:27700 or any CRS set).
    name : str
        Layer name, e.g. "Wards".
    show_labels : bool
        Draw each area's name at a point inside it.
    colour : str
        Line colour.
    width : float
        Line width in points (print) / pixels (web).
    """

    areas: Any
    _: KW_ONLY
    name: str = "Boundaries"
    show_labels: bool = True
    colour: str = style.BOUNDARY_COLOUR
    width: float = 1.0
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._gdf = as_bng_gdf(self.areas, self.name)

    def features(self):
        gdf = self._gdf
        out = _styled(
            gdf, None, fill_opacity=0.0, stroke=self.colour, stroke_width=float(self.width)
        )
        name_col = _name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_code"] = gdf["code"].astype(str) if "code" in gdf.columns else ""
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [("tt_name", "Name"), ("tt_code", "Code")]

    def legend(self) -> Legend | None:
        return Legend(self.name, (LegendEntry(f"{self.name} boundary", self.colour, "line"),))

    def labels(self) -> list[tuple[float, float, str]]:
        if not self.show_labels:
            return []
        name_col = _name_column(self._gdf)
        if name_col is None:
            return []
        pts = [_label_point(g) for g in self._gdf.geometry]
        return [
            (float(p.x), float(p.y), str(n))
            for p, n in zip(pts, self._gdf[name_col], strict=True)
            if p is not None
        ]


# --------------------------------------------------------------------------- points


@dataclass
class OffencePoints(MapLayer):
    """Offence locations (sensitive: only add this layer when the user asks for it).

    On the web map the points are clustered, and drawn singly from ``single_from_zoom``.

    Parameters
    ----------
    points : OffenceData or GeoDataFrame
        Point geometry; ``category`` and ``month`` columns feed the tooltip.
    colour : str
        Point colour.
    single_from_zoom : int
        Web map zoom level from which points are no longer clustered.
    """

    points: Any
    _: KW_ONLY
    name: str = "Offences (approximate locations)"
    visible: bool = False
    colour: str = style.POINT_COLOUR
    single_from_zoom: int = 17
    kind: ClassVar[str] = "points"
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.points, self.name)
        self._gdf = gdf[~(gdf.geometry.is_empty | gdf.geometry.isna())]

    def features(self):
        gdf = self._gdf
        out = _styled(gdf, self.colour, fill_opacity=0.8, stroke=self.colour, stroke_width=0.5)
        out["tt_category"] = gdf["category"].astype(str) if "category" in gdf.columns else ""
        if "month" in gdf.columns:
            out["tt_month"] = pd.to_datetime(gdf["month"]).dt.strftime("%Y-%m").fillna("")
        else:
            out["tt_month"] = ""
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [("tt_category", "Category"), ("tt_month", "Month")]

    def legend(self) -> Legend | None:
        return Legend(
            self.name,
            (LegendEntry(f"Offence ({len(self._gdf):,})", self.colour, "point"),),
            note="police.uk locations are snapped to anonymised map points.",
        )


# --------------------------------------------------------------------------- density


@dataclass
class DensitySurface(MapLayer):
    """A kernel density surface.

    Parameters
    ----------
    result : DensityResult
        Uses ``values`` (2-D, row 0 north, NaN outside the study area), ``transform``
        (affine, top-left), ``crs``, ``units``, ``params`` and ``hotspot_thresholds()``.
    display : {"classes", "continuous"}
        "classes" colours cells at or above each k x mean threshold (cells below the
        first threshold are transparent); "continuous" uses a colour ramp from zero to
        the maximum.
    """

    result: Any
    _: KW_ONLY
    name: str = "Kernel density"
    opacity: float = 0.75
    display: str = "classes"
    kind: ClassVar[str] = "raster"

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.display not in ("classes", "continuous"):
            raise HotspotError(
                f"{self.name}: display {self.display!r} is not known; use 'classes' or 'continuous'"
            )
        v = np.asarray(self.result.values, dtype=float)
        if v.ndim != 2:
            raise HotspotError(f"{self.name}: the density values must be a 2-D grid")

    # -- data

    @property
    def values(self) -> np.ndarray:
        return np.asarray(self.result.values, dtype=float)

    @property
    def units(self) -> str:
        return str(getattr(self.result, "units", "") or "density")

    def thresholds(self) -> dict[str, float]:
        """Hotspot class label -> density threshold, lowest first (the result's rule)."""
        th = dict(self.result.hotspot_thresholds())
        return dict(sorted(th.items(), key=lambda kv: kv[1]))

    def class_grid(self) -> np.ndarray:
        """Hot class of every cell: 0 below the first threshold (or NaN), 1.. above."""
        return np.maximum(hot_classes(self.values, self.thresholds().values()), 0)

    def vmax(self) -> float:
        v = self.values
        return float(np.nanmax(v)) if np.isfinite(v).any() and np.nanmax(v) > 0 else 1.0

    # -- colours

    def colourise(self, values: np.ndarray) -> np.ndarray:
        """RGBA uint8 image of a density grid (same shape), transparent where not drawn."""
        v = np.asarray(values, dtype=float)
        rgba = np.zeros((*v.shape, 4), dtype=np.uint8)
        ok = np.isfinite(v)
        if self.display == "classes":
            th = list(self.thresholds().values())
            cls = hot_classes(v, th)
            for i, colour in enumerate(style.kde_class_colours(len(th)), start=1):
                rgba[cls == i] = style.hex_to_rgba(colour)
        else:
            from matplotlib import colormaps

            cmap = colormaps[style.DENSITY_RAMP]
            frac = np.zeros(v.shape)
            frac[ok] = np.clip(v[ok] / self.vmax(), 0.0, 1.0)
            img = (cmap(frac) * 255).round().astype(np.uint8)
            show = ok & (frac > 0.02)
            rgba[show] = img[show]
        return rgba

    def rgba(self) -> np.ndarray:
        """RGBA image of the surface on its own grid (EPSG:27700, row 0 north)."""
        return self.colourise(self.values)

    def extent(self) -> tuple[float, float, float, float]:
        """(xmin, xmax, ymin, ymax) for matplotlib's ``imshow(extent=...)``."""
        t = self.result.transform
        h, w = self.values.shape
        x0, y0 = t.c, t.f
        x1, y1 = x0 + t.a * w, y0 + t.e * h
        return (min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1))

    def bounds(self) -> tuple[float, float, float, float]:
        xmin, xmax, ymin, ymax = self.extent()
        return (xmin, ymin, xmax, ymax)

    def to_web_mercator(self, *, max_pixels: int = 4_000_000):
        """Reproject the surface to EPSG:3857 and colour it.

        Nearest-neighbour resampling keeps cells (and class edges) sharp.

        Returns
        -------
        rgba : numpy.ndarray
            (rows, cols, 4) uint8 image in Web Mercator, row 0 north.
        bounds : tuple
            ((south, west), (north, east)) in degrees, for Leaflet's ImageOverlay.
        """
        from pyproj import Transformer
        from rasterio.crs import CRS
        from rasterio.warp import Resampling, calculate_default_transform, reproject

        src = self.values
        h, w = src.shape
        xmin, ymin, xmax, ymax = self.bounds()
        src_crs = CRS.from_user_input(getattr(self.result, "crs", BNG) or BNG)
        dst_crs = CRS.from_epsg(3857)
        transform, width, height = calculate_default_transform(
            src_crs, dst_crs, w, h, left=xmin, bottom=ymin, right=xmax, top=ymax
        )
        scale = max(1.0, (width * height / max_pixels) ** 0.5)
        if scale > 1.0:
            width, height = int(width / scale), int(height / scale)
            transform = transform @ transform.scale(scale, scale)
        dst = np.full((height, width), np.nan, dtype=np.float64)
        reproject(
            source=np.ascontiguousarray(src, dtype=np.float64),
            destination=dst,
            src_transform=self.result.transform,
            src_crs=src_crs,
            dst_transform=transform,
            dst_crs=dst_crs,
            src_nodata=np.nan,
            dst_nodata=np.nan,
            resampling=Resampling.nearest,
        )
        west, north = transform.c, transform.f
        east, south = west + transform.a * width, north + transform.e * height
        to_ll = Transformer.from_crs(3857, 4326, always_xy=True)
        lon0, lat0 = to_ll.transform(west, south)
        lon1, lat1 = to_ll.transform(east, north)
        return self.colourise(dst), ((lat0, lon0), (lat1, lon1))

    def legend(self) -> Legend | None:
        if self.display == "classes":
            th = self.thresholds()
            colours = style.kde_class_colours(len(th))
            entries = tuple(
                LegendEntry(f"{label} (≥ {value:,.1f})", colours[i])
                for i, (label, value) in enumerate(th.items())
            )
            title = self.name if "hotspot" in self.name.lower() else f"{self.name}: hotspot classes"
            return Legend(title, entries[::-1], note=f"Density in {self.units}.")
        vmax = self.vmax()
        stops = style.ramp(style.DENSITY_RAMP, 5, low=0.0, high=1.0)
        entries = tuple(LegendEntry(f"{vmax * i / 4:,.1f}", stops[i]) for i in range(4, -1, -1))
        return Legend(f"{self.name} ({self.units})", entries)


# --------------------------------------------------------------------------- Gi*


@dataclass
class GiStarCells(MapLayer):
    """Gi* hot and cold spots, coloured by ``gi_bin`` (ArcGIS convention).

    Parameters
    ----------
    result : GiStarResult
        Uses ``cells`` (``gi_bin``, ``gi_z``, ``p_value``/``q_value``, ``label``, the
        count column ``n`` or a value column, ``name`` for areas) and ``params.fdr``.
    show_not_significant : bool
        Draw not-significant cells (pale grey); else only hot and cold spots.
    legend_counts : bool
        Give the number of cells of each class in the legend.
    """

    result: Any
    _: KW_ONLY
    name: str = "Gi* hot and cold spots"
    opacity: float = 0.8
    show_not_significant: bool = True
    suppress_below: int = 0
    legend_counts: bool = True
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = _result_gdf(self.result.cells, self.name, "gi_bin")
        # worked out on every cell (secondary suppression needs the column total)
        gdf = publishable(gdf, self.suppress_below)
        if not self.show_not_significant:
            gdf = gdf[gdf["gi_bin"] != 0]
        self._gdf = gdf

    @property
    def fdr(self) -> bool:
        return bool(getattr(getattr(self.result, "params", None), "fdr", False))

    def _count_column(self) -> str | None:
        for c in ("n", "count", "value"):
            if c in self._gdf.columns:
                return c
        return None

    def features(self):
        gdf = self._gdf
        bins = gdf["gi_bin"].astype(int)
        fill = bins.map(style.GI_BIN_COLOURS).fillna(style.NO_DATA_COLOUR)
        out = _styled(gdf, fill.values, fill_opacity=self.opacity, stroke=None, stroke_width=0.0)
        name_col = self._place_column()
        out["tt_name"] = gdf[name_col].fillna("").astype(str) if name_col else ""
        cc = self._count_column()
        out["tt_count"] = gdf[cc].map(_fmt_count) if cc else ""
        out["tt_z"] = gdf["gi_z"].map(lambda v: _fmt(v, "{:.2f}")) if "gi_z" in gdf else ""
        pcol = "q_value" if self.fdr and "q_value" in gdf.columns else "p_value"
        out["tt_p"] = gdf[pcol].map(_fmt_p) if pcol in gdf.columns else ""
        out["tt_class"] = (
            gdf["label"].astype(str) if "label" in gdf.columns else bins.map(style.gi_bin_label)
        )
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        p_alias = "FDR-adjusted p" if self.fdr else "p"
        fields = [("tt_count", "Offences"), ("tt_z", "Gi* z"), ("tt_p", p_alias)]
        fields.append(("tt_class", "Class"))
        place = self._place_column()
        if place:
            fields.insert(0, ("tt_name", "Ward" if place == "ward" else "Name"))
        return fields

    def _place_column(self) -> str | None:
        """The column naming each cell: an area's name, or the ward a grid cell lies in."""
        return _name_column(self._gdf) or ("ward" if "ward" in self._gdf.columns else None)

    def legend(self) -> Legend | None:
        counts = self._gdf["gi_bin"].astype(int).value_counts()
        unit = "areas" if getattr(self.result, "kind", "grid") == "areas" else "cells"
        bins = [3, 2, 1, 0, -1, -2, -3] if self.show_not_significant else [3, 2, 1, -1, -2, -3]
        entries = tuple(
            LegendEntry(
                f"{style.gi_bin_label(b)} ({int(counts.get(b, 0)):,} {unit})"
                if self.legend_counts
                else style.gi_bin_label(b),
                style.GI_BIN_COLOURS[b],
            )
            for b in bins
        )
        note = "FDR-corrected (Benjamini-Hochberg)." if self.fdr else "Not corrected for FDR."
        if self.suppress_below > 1:
            n = self.suppress_below
            note += f" Cell counts below {n} are shown as <{n} (small numbers)."
        empty = self.empty_note()
        if empty:
            note = f"{empty} {note}"
        return Legend("Getis-Ord Gi* hot and cold spots", entries, note=note)

    def empty_note(self) -> str:
        from hotspot.maps.wording import gistar_empty

        return gistar_empty(self.result)


# --------------------------------------------------------------------------- areas

_DIVERGING_COLUMNS = ("change", "pct_change")
_RATE_COLUMNS = ("rate", "rate_eb", "rate_prev")


@dataclass
class AreaChoropleth(MapLayer):
    """One column of an area table, classed with mapclassify's schemes (:func:`style.classify`).

    Parameters
    ----------
    stats : AreaStats or GeoDataFrame
        ``table`` with ``code``, ``name``, ``count``, ``rate`` (and ``change`` ...).
    column : str
        The column to map ("rate", "rate_eb", "change", "pct_change" ...).
    scheme : {"natural_breaks", "quantiles", "equal_interval"}
        Classification; natural breaks (Jenks) by default, as on every map of rates.
    k : int
        Number of classes.
    title : str, optional
        Legend title (default from the column, e.g. "Offences per 1,000 residents").
    diverging : bool, optional
        Diverging colours centred on zero; default True for change columns.
    """

    stats: Any
    _: KW_ONLY
    column: str = "rate"
    name: str = ""
    opacity: float = 0.8
    scheme: str = style.DEFAULT_SCHEME
    k: int = 5
    title: str = ""
    diverging: bool | None = None
    palette: str | None = None
    suppress_below: int = 0
    _gdf: Any = field(default=None, init=False, repr=False)
    _classes: Any = field(default=None, init=False, repr=False)
    _n_hidden: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.stats, self.name or self.column)
        if self.column not in gdf.columns:
            raise HotspotError(
                f"area map: the table has no column {self.column!r}; available: "
                f"{', '.join(c for c in gdf.columns if c != 'geometry')}"
            )
        shown = publishable(gdf, self.suppress_below)
        before = pd.to_numeric(gdf[self.column], errors="coerce").notna()
        after = pd.to_numeric(shown[self.column], errors="coerce").notna()
        self._n_hidden = int((before & ~after).sum())
        gdf = shown
        self._gdf = gdf
        if self.diverging is None:
            self.diverging = self.column in _DIVERGING_COLUMNS
        if not self.title:
            self.title = VALUE_TITLES.get(self.column, self.column)
        if not self.name:
            self.name = self.title
        values = pd.to_numeric(gdf[self.column], errors="coerce").to_numpy(dtype=float)
        self._classes = style.classify(
            values,
            scheme=self.scheme,
            k=self.k,
            palette=self.palette,
            diverging=bool(self.diverging),
            decimals=1 if self.column in _RATE_COLUMNS else None,
        )

    @property
    def classes(self) -> style.Classes:
        return self._classes

    def features(self):
        gdf = self._gdf
        out = _styled(
            gdf,
            self._classes.colour_of(),
            fill_opacity=self.opacity,
            stroke="#ffffff",
            stroke_width=0.5,
        )
        name_col = _name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        for col, key, fmt in (
            ("rate", "tt_rate", "{:,.1f}"),
            ("change", "tt_change", "{:+,.0f}"),
        ):
            out[key] = gdf[col].map(lambda v, f=fmt: _fmt(v, f)) if col in gdf.columns else ""
        out["tt_count"] = gdf["count"].map(_fmt_count) if "count" in gdf.columns else ""
        if self.column not in ("count", "rate", "change"):
            out["tt_value"] = gdf[self.column].map(lambda v: _fmt(v, "{:,.2f}"))
        out["tt_class"] = self._classes.label_of()
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        fields = [("tt_name", "Name"), ("tt_count", "Offences"), ("tt_rate", "Rate per 1,000")]
        if "change" in self._gdf.columns:
            fields.append(("tt_change", "Change"))
        if self.column not in ("count", "rate", "change"):
            fields.append(("tt_value", self.title))
        fields.append(("tt_class", "Class"))
        return fields

    def legend(self) -> Legend | None:
        c = self._classes
        entries = tuple(
            LegendEntry(label, colour) for label, colour in zip(c.labels, c.colours, strict=True)
        )[::-1]  # highest class first
        note = f"Classes: {style.SCHEMES[self.scheme][1]}."
        if self._n_hidden:
            n = self.suppress_below
            entries += (LegendEntry(f"No data, or fewer than {n} offences", style.NO_DATA_COLOUR),)
            note += (
                f" Areas with fewer than {n} offences (or whose figures would reveal one) "
                "are not shown: small numbers."
            )
        elif (c.index < 0).any():
            entries += (LegendEntry("No data", style.NO_DATA_COLOUR),)
        empty = self.empty_note()
        return Legend(self.title, entries, note=f"{empty} {note}" if empty else note)

    def empty_note(self) -> str:
        values = pd.to_numeric(self._gdf[self.column], errors="coerce").dropna()
        if values.empty:
            return f"No area has a value of {self.title.lower()}."
        if values.nunique() > 1:
            return ""
        return (
            f"Every area has the same {self.title.lower()} ({_fmt(values.iloc[0], '{:,.4g}')}): "
            "the map shows no difference between areas."
        )


CHANGE_CLASSES: dict[str, tuple[str, bool]] = {
    "Rise unlikely to be chance": ("#d95f02", True),
    "Rise within normal variation": ("#fdd0a2", False),
    "No change": ("#f7f7f7", False),
    "Fall within normal variation": ("#d8daeb", False),
    "Fall unlikely to be chance": ("#542788", True),
}
"""Change classes -> (colour, significant): strong colours and a dark outline only where
the change test says the change is unlikely to be chance."""


@dataclass
class ChangeSignificance(MapLayer):
    """Change since the previous period, marking the changes the exact test flags.

    A rise of 8 offences in a busy ward is usually chance: such changes are drawn
    pale ("within normal variation"), and only rises and falls the test flags get
    strong colours and a dark outline, so the map cannot be read as "every orange
    ward got worse".

    Parameters
    ----------
    stats : AreaStats or GeoDataFrame
        ``table`` with ``change`` and ``change_flag`` (the rates with a comparison).
    """

    stats: Any
    _: KW_ONLY
    name: str = "Change since the previous period"
    opacity: float = 0.9
    suppress_below: int = 0
    _gdf: Any = field(default=None, init=False, repr=False)
    _n_hidden: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.stats, self.name)
        for col in ("change", "change_flag"):
            if col not in gdf.columns:
                raise HotspotError(
                    f"{self.name}: the area table has no {col!r} column; run the rates with a "
                    "comparison period (selection.compare = true)"
                )
        # for publication: an area whose change would reveal a small count is left uncoloured
        shown = publishable(gdf, self.suppress_below, text=False)
        before = pd.to_numeric(gdf["change"], errors="coerce").notna()
        after = pd.to_numeric(shown["change"], errors="coerce").notna()
        self._n_hidden = int((before & ~after).sum())
        self._gdf = shown

    def classes(self) -> pd.Series:
        """The change class of every area (a key of ``CHANGE_CLASSES``; "" when unknown)."""
        change = pd.to_numeric(self._gdf["change"], errors="coerce")
        flag = self._gdf["change_flag"].map(lambda v: isinstance(v, bool | np.bool_) and bool(v))
        out = pd.Series("", index=self._gdf.index, dtype=object)
        out[change > 0] = np.where(
            flag[change > 0], "Rise unlikely to be chance", "Rise within normal variation"
        )
        out[change < 0] = np.where(
            flag[change < 0], "Fall unlikely to be chance", "Fall within normal variation"
        )
        out[change == 0] = "No change"
        return out

    def features(self):
        classes = self.classes()
        significant = classes.map(lambda c: CHANGE_CLASSES.get(c, ("", False))[1]).astype(bool)
        order = np.argsort(significant.to_numpy(), kind="stable")  # flagged outlines on top
        gdf, classes, significant = (
            self._gdf.iloc[order],
            classes.iloc[order],
            significant.iloc[order],
        )
        fill = [CHANGE_CLASSES[c][0] if c else style.NO_DATA_COLOUR for c in classes]
        out = _styled(gdf, fill, fill_opacity=self.opacity, stroke="#ffffff", stroke_width=0.5)
        out["_stroke"] = np.where(significant, "#1a1a1a", "#ffffff")
        out["_stroke_width"] = np.where(significant, 1.8, 0.5)
        name_col = _name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_change"] = gdf["change"].map(lambda v: _fmt(v, "{:+,.0f}"))
        pct = gdf["pct_change"] if "pct_change" in gdf.columns else pd.Series(np.nan, gdf.index)
        out["tt_pct"] = pct.map(lambda v: _fmt(v, "{:+,.0f}%"))
        p = gdf["change_p"] if "change_p" in gdf.columns else pd.Series(np.nan, gdf.index)
        out["tt_p"] = p.map(_fmt_p)
        out["tt_class"] = classes.to_numpy()
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Name"),
            ("tt_change", "Change"),
            ("tt_pct", "Change %"),
            ("tt_p", "p (exact test)"),
            ("tt_class", "Class"),
        ]

    def legend(self) -> Legend | None:
        counts = self.classes().value_counts()
        unit = {"ward": "wards", "lsoa": "LSOAs"}.get(getattr(self.stats, "level", ""), "areas")
        entries = tuple(
            LegendEntry(f"{label} ({int(counts.get(label, 0)):,} {unit})", colour)
            for label, (colour, _) in CHANGE_CLASSES.items()
        )
        params = getattr(self.stats, "params", None)
        alpha = getattr(params, "alpha", 0.05)
        fdr = ", FDR-corrected" if getattr(params, "change_fdr", False) else ""
        note = (
            f"Dark outline: a change unlikely to be chance (exact test, p < {alpha:g}{fdr}). "
            "Pale: a change of a size that often happens by chance."
        )
        if self._n_hidden:
            n = self.suppress_below
            entries += (LegendEntry(f"No data, or fewer than {n} offences", style.NO_DATA_COLOUR),)
            note += f" Areas with fewer than {n} offences are not shown: small numbers."
        empty = self.empty_note()
        return Legend(
            "Change in offences since the previous period",
            entries,
            note=f"{empty} {note}" if empty else note,
        )

    def empty_note(self) -> str:
        if pd.to_numeric(self._gdf["change"], errors="coerce").notna().any():
            return ""
        return "No area has a change figure to show."


@dataclass
class ClusterMap(MapLayer):
    """Local bivariate Moran clusters (High-High, Low-Low, High-Low, Low-High).

    Parameters
    ----------
    result : BivariateResult
        Uses ``local`` (``code``, ``name``, ``local_i``, ``p_value``, ``q_value``,
        ``cluster``), ``params`` and ``caveat``.
    x_label, y_label : str
        What the two variables are (e.g. "violence rate", "IMD score"); by default
        from the result's ``x`` and ``y`` columns ("offence rate", "IMD 2019 score").
    """

    result: Any
    _: KW_ONLY
    name: str = "Local bivariate Moran clusters"
    opacity: float = 0.8
    x_label: str = ""
    y_label: str = ""
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._gdf = _result_gdf(self.result.local, self.name, "cluster")
        self.x_label = self.x_label or variable_name(getattr(self.result, "x", ""), "x")
        self.y_label = self.y_label or variable_name(getattr(self.result, "y", ""), "y")

    def cluster_names(self) -> pd.Series:
        return self._gdf["cluster"].map(style.cluster_name)

    def features(self):
        gdf = self._gdf
        names = self.cluster_names()
        out = _styled(
            gdf,
            names.map(style.CLUSTER_COLOURS).values,
            fill_opacity=self.opacity,
            stroke="#ffffff",
            stroke_width=0.5,
        )
        name_col = _name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_z"] = gdf["local_i"].map(lambda v: _fmt(v, "{:.3f}")) if "local_i" in gdf else ""
        fdr = bool(getattr(getattr(self.result, "params", None), "fdr", False))
        pcol = "q_value" if fdr and "q_value" in gdf.columns else "p_value"
        out["tt_p"] = gdf[pcol].map(_fmt_p) if pcol in gdf.columns else ""
        out["tt_class"] = names.values
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Name"),
            ("tt_z", "Local I"),
            ("tt_p", "p"),
            ("tt_class", "Cluster"),
        ]

    def legend(self) -> Legend | None:
        counts = self.cluster_names().value_counts()
        entries = tuple(
            LegendEntry(f"{n} ({int(counts.get(n, 0)):,} areas)", style.CLUSTER_COLOURS[n])
            for n in style.CLUSTER_ORDER
        )
        note = f"High/Low: {self.x_label} against neighbours' {self.y_label}."
        empty = self.empty_note()
        if empty:
            note = f"{empty} {note}"
        caveat = str(getattr(self.result, "caveat", "") or "")
        if caveat:
            first = caveat.split(". ")[0].rstrip(".")
            note += f" {first}."
        return Legend(self.name, entries, note=note)

    def empty_note(self) -> str:
        from hotspot.maps.wording import clusters_empty

        if (self.cluster_names() != "Not significant").any():
            return ""
        return clusters_empty(self.result) or "No area is in a significant local cluster."


@dataclass
class BivariateChoropleth(MapLayer):
    """A 3 x 3 bivariate choropleth: tertiles of two columns (e.g. rate and IMD score).

    Parameters
    ----------
    table : GeoDataFrame or AreaStats
        Areas with both columns.
    x, y : str
        Column names (x along the legend's horizontal axis).
    x_label, y_label : str
        Axis titles ("Violence rate", "IMD 2019 score" ...).
    """

    table: Any
    _: KW_ONLY
    x: str = "rate"
    y: str = "imd_score"
    x_label: str = ""
    y_label: str = ""
    name: str = "Bivariate map"
    opacity: float = 0.85
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.table, self.name)
        for col in (self.x, self.y):
            if col not in gdf.columns:
                raise HotspotError(f"{self.name}: the table has no column {col!r}")
        self._gdf = gdf
        self.x_label = self.x_label or VALUE_TITLES.get(self.x, self.x)
        self.y_label = self.y_label or self.y

    def classes(self) -> tuple[np.ndarray, np.ndarray]:
        """Tertile class (0..2, -1 missing) of x and of y for every area."""
        xv = pd.to_numeric(self._gdf[self.x], errors="coerce").to_numpy(dtype=float)
        yv = pd.to_numeric(self._gdf[self.y], errors="coerce").to_numpy(dtype=float)
        return style.tertiles(xv), style.tertiles(yv)

    def features(self):
        gdf = self._gdf
        cx, cy = self.classes()
        fill = [
            style.BIVARIATE_COLOURS[j][i] if i >= 0 and j >= 0 else style.NO_DATA_COLOUR
            for i, j in zip(cx, cy, strict=True)
        ]
        out = _styled(gdf, fill, fill_opacity=self.opacity, stroke="#ffffff", stroke_width=0.5)
        name_col = _name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_x"] = gdf[self.x].map(lambda v: _fmt(v, "{:,.1f}"))
        out["tt_y"] = gdf[self.y].map(lambda v: _fmt(v, "{:,.2f}"))
        words = ("low", "middle", "high")
        out["tt_class"] = [
            f"{words[i]} {self.x_label} / {words[j]} {self.y_label}" if i >= 0 and j >= 0 else ""
            for i, j in zip(cx, cy, strict=True)
        ]
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Name"),
            ("tt_x", self.x_label),
            ("tt_y", self.y_label),
            ("tt_class", "Class"),
        ]

    def tertile_lines(self) -> list[str]:
        """Where the thirds of each variable start, e.g. "Offence rate: low up to 12.3, ..."."""
        out = []
        for col, label in ((self.x, self.x_label), (self.y, self.y_label)):
            values = pd.to_numeric(self._gdf[col], errors="coerce").to_numpy(dtype=float)
            cuts = style.tertile_breaks(values)
            if cuts is None:
                continue
            a, b = (f"{c:,.1f}" for c in cuts)
            name = VALUE_TITLES.get(col, label)  # with its units where known
            out.append(f"{name}: low up to {a}, middle {a} to {b}, high above {b}.")
        return out

    def legend(self) -> Legend | None:
        entries = tuple(
            LegendEntry(f"x {i + 1}/3, y {j + 1}/3", style.BIVARIATE_COLOURS[j][i])
            for j in range(3)
            for i in range(3)
        )
        title = self.name if self.name != "Bivariate map" else f"{self.x_label} and {self.y_label}"
        return Legend(
            title,
            entries,
            note=" ".join(["Each variable split into thirds of the areas.", *self.tertile_lines()]),
            grid=3,
            x_label=self.x_label,
            y_label=self.y_label,
        )


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
    "TOOLTIP_FIELDS",
    "AreaBoundaries",
    "AreaChoropleth",
    "BivariateChoropleth",
    "CHANGE_CLASSES",
    "ChangeSignificance",
    "ClusterMap",
    "DensitySurface",
    "GiStarCells",
    "MapLayer",
    "OffencePoints",
    "as_bng_gdf",
    "layers_bounds",
    "union_bounds",
]
