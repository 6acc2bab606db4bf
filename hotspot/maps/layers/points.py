"""Offence points and the density surface drawn from them.

- :class:`OffencePoints` - offence locations; clustered on the web map, single points
  at high zoom. Offence locations are sensitive: add this layer only when the user
  asks for it.
- :class:`DensitySurface` - a KDE :class:`DensityResult` as k x mean hotspot classes
  (default) or a continuous surface. On the web map the raster is reprojected to Web
  Mercator with ``rasterio.warp`` so it lines up with the boundaries.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from hotspot.analysis.hot_classes import hot_classes
from hotspot.core.errors import HotspotError
from hotspot.maps import style
from hotspot.maps.layers.base import BNG, MapLayer, as_bng_gdf, styled_gdf
from hotspot.maps.style import Legend, LegendEntry

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
        out = styled_gdf(gdf, self.colour, fill_opacity=0.8, stroke=self.colour, stroke_width=0.5)
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
