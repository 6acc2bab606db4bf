"""Map layers drawn with matplotlib: polygons, lines, points and rasters in EPSG:27700."""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path as MplPath

from hotspot.maps import layers as L


def _ring_arrays(geom) -> list[np.ndarray]:
    import shapely

    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        out.append(np.asarray(poly.exterior.coords)[:, :2])
        out += [np.asarray(r.coords)[:, :2] for r in poly.interiors]
    return out


def polygon_paths(geoms) -> list[MplPath]:
    """One matplotlib path per (multi)polygon, holes included (even-odd filling)."""
    paths = []
    for geom in geoms:
        rings = _ring_arrays(geom) if geom is not None else []
        if not rings:
            continue
        codes = []
        for ring in rings:
            c = np.full(len(ring), MplPath.LINETO, dtype=MplPath.code_type)
            c[0] = MplPath.MOVETO
            c[-1] = MplPath.CLOSEPOLY
            codes.append(c)
        paths.append(MplPath(np.concatenate(rings), np.concatenate(codes)))
    return paths


def _rings(geoms) -> list[np.ndarray]:
    """Every ring (outer and inner) of the polygons, as line segments' vertices."""
    return [ring for geom in geoms if geom is not None for ring in _ring_arrays(geom)]


def draw_layer(ax, layer: L.MapLayer, zorder: int, box=None) -> None:
    """Draw one map layer on the print map's axes at ``zorder``.

    Rasters as images, points as dots, polygons and lines from their style columns;
    layers with their own ``draw_static`` draw themselves within ``box``.
    """
    own = getattr(layer, "draw_static", None)
    if own is not None:  # layers that draw themselves (reference roads and places)
        own(ax, zorder, box)
        return
    if layer.kind == "raster":
        ax.imshow(
            layer.rgba(),
            extent=layer.extent(),
            interpolation="nearest",
            alpha=float(layer.opacity),
            zorder=zorder,
        )
        return
    f = layer.features()
    if f.empty:
        return
    if layer.kind == "points":
        ax.scatter(
            f.geometry.x,
            f.geometry.y,
            s=3,
            c=layer.colour,
            alpha=max(0.3, float(layer.opacity) * 0.7),
            linewidths=0,
            zorder=zorder,
        )
        return
    filled = f[f["_fill"].notna()]
    if not filled.empty:
        stroked = filled["_stroke"].notna() & (filled["_stroke"] != "")
        ax.add_collection(
            PathCollection(
                polygon_paths(filled.geometry.values),
                facecolors=filled["_fill"].tolist(),
                edgecolors=filled["_stroke"].where(stroked, "none").tolist(),
                linewidths=filled["_stroke_width"].astype(float).where(stroked, 0.0).tolist(),
                alpha=float(filled["_fill_opacity"].iloc[0]),
                zorder=zorder,
            ),
            autolim=False,
        )
    lines = f[f["_fill"].isna() & f["_stroke"].notna()]
    if not lines.empty:
        ax.add_collection(
            LineCollection(
                _rings(lines.geometry.values),
                colors=lines["_stroke"].iloc[0],
                linewidths=float(lines["_stroke_width"].iloc[0]),
                zorder=zorder,
            ),
            autolim=False,
        )
    halo = [patheffects.withStroke(linewidth=2.2, foreground="white")]
    look = getattr(layer, "label_style", None) or {
        "fontsize": 6.5,
        "color": "#222222",
        "path_effects": halo,
    }
    for x, y, text in layer.labels():
        ax.text(
            x,
            y,
            text,
            ha="center",
            va="center",
            zorder=zorder + 50,
            clip_on=True,
            gid=getattr(layer, "label_gid", "area-label"),
            **look,
        )
