"""Print maps with matplotlib (Qt-free): A4 pages ready to paste into a briefing.

Every page has a title, a subtitle (offence group, period, data source), the map
(borough outline and ward boundaries with ward names over the result layer), a scale
bar, a north arrow, a legend with class labels and units, a methods box and the
attributions the data require.

Usage (``hotspot run``, the Export dialog and the briefing pack)::

    from hotspot.maps import static
    ctx = static.MapContext(offence_group="Serious violence", period=period,
                            wards=wards, outline=borough)
    fig = static.kde_map(kde_result, ctx)            # or gistar_map, rates_map,
    static.save_figure(fig, "kde.png")               # change_map, clusters_map,
    static.save_figure(fig, "kde.pdf", overwrite=True)   # bivariate_map

Lower level: :func:`print_map` draws any list of :class:`~hotspot.maps.layers.MapLayer`
with the given title, methods and attributions. :func:`save_figure` writes PNG (300
dpi), PDF (vector) or SVG atomically and refuses to overwrite an existing file
unless ``overwrite=True``.

Basemap: with ``MapContext(basemap="osm")`` OpenStreetMap tiles are fetched (through
contextily) with a short deadline; when they cannot be had (no network) the map is
made without them and the attribution area says so. It never fails for that reason,
and after a failure the next maps (a briefing pack's pages) do not wait again for
``BASEMAP_RETRY_S`` seconds.

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas: no
pyplot state, no Qt. The window may attach its own canvas to show them.
"""

from __future__ import annotations

import os
import textwrap
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.path import Path as MplPath

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError, HotspotError
from hotspot.maps import fonts, style, wording
from hotspot.maps import layers as L
from hotspot.maps.style import Legend
from hotspot.maps.text import literal_text

PAGES: dict[str, tuple[float, float]] = {
    "A4-landscape": (11.69, 8.27),
    "A4-portrait": (8.27, 11.69),
}
FORMATS = ("png", "pdf", "svg")
DPI = 300

# Rectangles in figure fractions: map, legend column, methods box, attribution top.
_LAYOUT = {
    "A4-landscape": {
        "map": (0.03, 0.115, 0.635, 0.76),
        "legend": (0.69, 0.40, 0.28, 0.475),
        "methods": (0.69, 0.115, 0.28, 0.27),
        "title_y": 0.955,
        "wrap_methods": 58,
        "wrap_attr": 190,
    },
    "A4-portrait": {
        "map": (0.05, 0.37, 0.90, 0.53),
        "legend": (0.05, 0.10, 0.43, 0.255),
        "methods": (0.52, 0.10, 0.43, 0.255),
        "title_y": 0.965,
        "wrap_methods": 58,
        "wrap_attr": 130,
    },
}


# --------------------------------------------------------------------------- context


@dataclass
class MapContext:
    """What surrounds every map of one analysis: subtitle parts, boundaries, page.

    Attributes
    ----------
    offence_group : str
        E.g. "Serious violence".
    period : Period or str
        The period mapped (a :class:`hotspot.model.Period` or its label).
    data_source : str
        Where the offences came from, e.g. "police.uk".
    wards : AreaLayer or GeoDataFrame, optional
        Ward boundaries, drawn with their names on every map.
    outline : AreaLayer or GeoDataFrame, optional
        The borough outline (study area), drawn thicker.
    boundary_year : int, optional
        Year of the OS copyright line (default this year).
    page : {"A4-landscape", "A4-portrait"}
        Page layout.
    basemap : {"none", "osm"}
        "osm" draws OpenStreetMap tiles under the map when they can be fetched.
    basemap_timeout : float
        Seconds to wait for basemap tiles before giving up.
    ward_labels : bool
        Label wards with their names.
    reference : sequence
        Reference layers (roads, places, town centres: :class:`hotspot.model.ReferenceLayer`
        or map layers) drawn beneath the results.
    notes : sequence of str
        Lines added to every methods box (e.g. the map points left out of the analyses).
    suppress_below : int
        For publication: areas with counts 1 .. N-1 (or figures that would reveal
        one) are left uncoloured on rate and change maps, as in the tables
        (:func:`hotspot.export.publishable`); 0 = off.
    frame : tuple, optional
        (xmin, ymin, xmax, ymax) the maps are framed on instead of the boundaries (set when
        the boundaries reach far beyond the offences).
    footer : float
        Room kept under the attributions for a document's footer (a briefing's page
        numbers), as a fraction of the page height.
    """

    offence_group: str = ""
    period: Any = None
    data_source: str = "police.uk"
    wards: Any = None
    outline: Any = None
    boundary_year: int | None = None
    page: str = "A4-landscape"
    basemap: str = "none"
    basemap_timeout: float = 8.0
    ward_labels: bool = True
    reference: Sequence[Any] = ()
    notes: Sequence[str] = ()
    suppress_below: int = 0
    frame: tuple[float, float, float, float] | None = None
    footer: float = 0.0

    @property
    def period_label(self) -> str:
        if self.period is None:
            return ""
        return str(getattr(self.period, "label", self.period))

    def subtitle(self, extra: str = "") -> str:
        """ "Serious violence · 12 months to October 2024 · Data: police.uk"."""
        source = f"Data: {self.data_source}" if self.data_source else ""
        return style.join_nonempty([self.offence_group, self.period_label, extra, source])

    def reference_layers(self) -> list[L.MapLayer]:
        """The reference layers as map layers, to draw beneath the results."""
        from hotspot.maps.reference import reference_map_layer

        return [reference_map_layer(r) for r in self.reference]

    def boundary_layers(self) -> list[L.MapLayer]:
        """Ward boundaries (with names) and the borough outline, as layers."""
        out: list[L.MapLayer] = []
        if self.wards is not None:
            out.append(L.AreaBoundaries(self.wards, name="Wards", show_labels=self.ward_labels))
        if self.outline is not None:
            out.append(
                L.AreaBoundaries(
                    self.outline,
                    name="Borough",
                    show_labels=False,
                    colour=style.OUTLINE_COLOUR,
                    width=1.8,
                )
            )
        return out


# --------------------------------------------------------------------------- basemap


class BasemapUnavailable(Exception):  # noqa: N818 - reads as an event
    """The basemap tiles could not be fetched in time."""


def _fetch_osm(bounds_3857: tuple[float, float, float, float], timeout: float, source=None):
    """Fetch OpenStreetMap tiles (or ``source``'s) covering the bounds (Web Mercator).

    Returns contextily's ``(image, extent)``.
    """
    import contextily as cx
    import xyzservices.providers as xyz

    w, s, e, n = bounds_3857
    return cx.bounds2img(
        w,
        s,
        e,
        n,
        zoom="auto",
        source=source or xyz.OpenStreetMap.Mapnik,
        use_cache=False,
        max_retries=0,
        timeout=(min(timeout, 4.0), timeout),
    )


def _run_with_deadline(fn: Callable[[], Any], timeout: float) -> Any:
    """Run ``fn`` in a daemon thread; raise BasemapUnavailable after ``timeout`` seconds."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True, name="hotspot-basemap")
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise BasemapUnavailable(f"no answer from the tile server within {timeout:g} s")
    if "error" in box:
        raise BasemapUnavailable(str(box["error"]) or type(box["error"]).__name__)
    return box["value"]


fetch_basemap = _fetch_osm
"""The tile fetcher (replaceable in tests): ``fetch_basemap(bounds_3857, timeout)``."""

BASEMAP_RETRY_S = 120.0
"""After tiles could not be fetched, later maps skip the basemap (and say so) for this
many seconds instead of waiting again: a briefing pack with no network is not held up
page after page."""

_basemap_down: dict[str, Any] = {}  # the last failure: fetcher, at (monotonic s), reason


def _draw_basemap(ax, bounds: tuple[float, float, float, float], timeout: float) -> str:
    """Draw OSM tiles under the map; return "" or a note saying why there are none."""
    import contextily as cx
    from pyproj import Transformer

    to_merc = Transformer.from_crs(27700, 3857, always_xy=True)
    xs, ys = to_merc.transform(
        [bounds[0], bounds[2], bounds[0], bounds[2]], [bounds[1], bounds[1], bounds[3], bounds[3]]
    )
    box = (min(xs), min(ys), max(xs), max(ys))
    fetcher = fetch_basemap
    down = _basemap_down
    if down.get("fetcher") is fetcher and time.monotonic() - down["at"] < BASEMAP_RETRY_S:
        return f"Basemap not shown: OpenStreetMap tiles could not be fetched ({down['reason']})."
    try:
        img, ext = _run_with_deadline(lambda: fetcher(box, timeout), timeout)
        img, ext = cx.warp_tiles(img, ext, t_crs="EPSG:27700")
    except BasemapUnavailable as exc:
        _basemap_down.update(fetcher=fetcher, at=time.monotonic(), reason=str(exc))
        return f"Basemap not shown: OpenStreetMap tiles could not be fetched ({exc})."
    except Exception as exc:  # noqa: BLE001 - a basemap never breaks a map
        return f"Basemap not shown: {type(exc).__name__}."
    ax.imshow(img, extent=ext, interpolation="bilinear", zorder=0, alpha=0.9)
    return ""


# --------------------------------------------------------------------------- drawing


def _ring_arrays(geom) -> list[np.ndarray]:
    import shapely

    out = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        out.append(np.asarray(poly.exterior.coords)[:, :2])
        out += [np.asarray(r.coords)[:, :2] for r in poly.interiors]
    return out


def _polygon_paths(geoms) -> list[MplPath]:
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


def _draw_layer(ax, layer: L.MapLayer, zorder: int, box=None) -> None:
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
                _polygon_paths(filled.geometry.values),
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
            gid="area-label",
            **look,
        )


def _north_arrow(ax) -> None:
    ax.annotate(
        "N",
        xy=(0.955, 0.965),
        xytext=(0.955, 0.875),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "edgecolor": "white", "width": 3, "headwidth": 9},
        path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
        zorder=1000,
        gid="north-arrow",
    )


def _hide_cut_labels(fig: Figure, ax) -> None:
    """Leave out area names that the map frame would cut (a zoomed map's neighbours)."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        if text.get_gid() != "area-label":
            continue
        box = text.get_window_extent(renderer)
        inside = (
            box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
        )
        text.set_visible(inside)


def _scale_bar(ax) -> None:
    from matplotlib_scalebar.scalebar import ScaleBar

    bar = ScaleBar(
        1.0,
        units="m",
        location="lower left",
        length_fraction=0.25,
        box_alpha=0.8,
        font_properties={"size": 8},
        scale_loc="top",
    )
    bar.set_gid("scale-bar")
    bar.set_zorder(1000)
    ax.add_artist(bar)


def _legend_handles(legend: Legend):
    handles = []
    for e in legend.entries:
        if e.kind == "line":
            handles.append(Line2D([], [], color=e.colour, linewidth=1.5, label=e.label))
        elif e.kind == "point":
            handles.append(
                Line2D(
                    [], [], color=e.colour, marker="o", linestyle="", markersize=4, label=e.label
                )
            )
        else:
            handles.append(
                Patch(facecolor=e.colour, edgecolor="#777777", linewidth=0.4, label=e.label)
            )
    return handles


def _merge_boundary_legends(legends: list[Legend]) -> list[Legend]:
    """One "Boundaries" legend for all outline-only legends, placed last."""
    lines = [lg for lg in legends if lg.entries and all(e.kind == "line" for e in lg.entries)]
    rest = [lg for lg in legends if lg not in lines]
    if lines:
        entries = tuple(e for lg in lines for e in lg.entries)
        rest.append(Legend("Boundaries", entries))
    return rest


def _draw_legends(fig: Figure, ax, legends: Sequence[Legend], wrap: int) -> None:
    """Stack the legends from the top of the legend column."""
    renderer = fig.canvas.get_renderer()
    y = 1.0
    inv = ax.transAxes.inverted()
    for lg in legends:
        if lg.grid:
            y = _draw_grid_legend(ax, lg, y)
        else:
            title = textwrap.fill(lg.title, wrap)
            leg = ax.legend(
                handles=_legend_handles(lg),
                title=title,
                loc="upper left",
                bbox_to_anchor=(0.0, y),
                frameon=False,
                fontsize=7.5,
                title_fontsize=8.5,
                alignment="left",
                borderaxespad=0.0,
                handlelength=1.4,
            )
            leg.get_title().set_fontweight("bold")
            literal_text(leg)  # layer names and class labels may hold "$"
            ax.add_artist(leg)
            box = inv.transform(leg.get_window_extent(renderer))
            y = float(box[0][1]) - 0.015
        if lg.note:
            note = ax.text(
                0.0,
                y,
                textwrap.fill(lg.note, wrap + 8),
                parse_math=False,
                fontsize=6.8,
                style="italic",
                color="#444444",
                va="top",
                ha="left",
                transform=ax.transAxes,
                gid="legend-note",
            )
            box = inv.transform(note.get_window_extent(renderer))
            y = float(box[0][1]) - 0.04
        else:
            y -= 0.03


def _draw_grid_legend(ax, lg: Legend, y: float) -> float:
    n = lg.grid or 3
    ax.text(
        0.0,
        y,
        lg.title,
        fontsize=8.5,
        fontweight="bold",
        va="top",
        transform=ax.transAxes,
        parse_math=False,
    )
    size = 0.34
    inset = ax.inset_axes([0.2, y - 0.06 - size, size * 0.9, size])
    grid = np.array(
        [[style.hex_to_rgba(lg.entries[j * n + i].colour) for i in range(n)] for j in range(n)],
        dtype=np.uint8,
    )
    inset.imshow(grid, origin="lower", extent=(0, n, 0, n))
    inset.set_xticks([])
    inset.set_yticks([])
    inset.set_xlabel(f"{lg.x_label} →", fontsize=7)
    inset.set_ylabel(f"{lg.y_label} →", fontsize=7)
    inset.set_gid("bivariate-legend")
    for spine in inset.spines.values():
        spine.set_visible(False)
    return y - 0.06 - size - 0.07


def _draw_methods(
    ax, lines: Sequence[str], wrap: int, heading: str = "Methods", size: float = 6.8
) -> None:
    wrap = round(wrap * 6.8 / size)  # the box keeps its width at other type sizes
    body = "\n".join(textwrap.fill(line, wrap) for line in lines)
    ax.text(
        0.0,
        1.0,
        f"{heading}\n{body}",
        fontsize=size,
        va="top",
        ha="left",
        transform=ax.transAxes,
        linespacing=1.3,
        bbox={"boxstyle": "round,pad=0.5", "facecolor": "#f6f6f4", "edgecolor": "#9a9a9a"},
        gid="methods-box",
    )


def _empty_notes(ax, layers: Sequence[L.MapLayer]) -> None:
    """Say on the map itself why a layer shows nothing to act on (no hot spot ...)."""
    notes = [n for n in (layer.empty_note() for layer in layers) if n]
    if not notes:
        return
    text = "\n\n".join(textwrap.fill(n, 70) for n in dict.fromkeys(notes))
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=9,
        color="#222222",
        zorder=1000,
        bbox={"boxstyle": "round,pad=0.7", "facecolor": "#fffbe6", "edgecolor": "#b38f00"},
        gid="empty-note",
    )


def _padded(bounds, frac: float = 0.04):
    xmin, ymin, xmax, ymax = bounds
    dx, dy = (xmax - xmin) * frac, (ymax - ymin) * frac
    return (xmin - dx, ymin - dy, xmax + dx, ymax + dy)


def _fit_to_axes(box, fig: Figure, rect) -> tuple[float, float, float, float]:
    """Grow ``box`` about its centre to the shape of the map frame (metres are square)."""
    xmin, ymin, xmax, ymax = box
    fw, fh = fig.get_size_inches()
    ratio = (fw * rect[2]) / (fh * rect[3])
    dx, dy = max(xmax - xmin, 1.0), max(ymax - ymin, 1.0)
    cx, cy = (xmin + xmax) / 2, (ymin + ymax) / 2
    if dx / dy < ratio:
        dx = dy * ratio
    else:
        dy = dx / ratio
    return (cx - dx / 2, cy - dy / 2, cx + dx / 2, cy + dy / 2)


@fonts.print_fonts()
def print_map(
    layers: Sequence[L.MapLayer],
    *,
    title: str,
    subtitle: str = "",
    methods: Sequence[str] = (),
    attributions: Sequence[str] | None = None,
    page: str = "A4-landscape",
    extent: tuple[float, float, float, float] | None = None,
    basemap: str = "none",
    basemap_timeout: float = 8.0,
    methods_heading: str = "Methods",
    methods_size: float = 6.8,
    footer: float = 0.0,
) -> Figure:
    """Draw a print map of ``layers`` on an A4 page.

    Parameters
    ----------
    layers : sequence of MapLayer
        Drawn in order, first at the bottom; layers with ``visible=False`` are left out.
    title, subtitle : str
        Page title and subtitle (offence group, period, data source).
    methods : sequence of str
        Lines of the methods box (see :func:`hotspot.maps.wording.methods_lines`).
    attributions : sequence of str, optional
        Attribution lines; default :func:`hotspot.maps.style.attribution_lines`.
    page : {"A4-landscape", "A4-portrait"}
        Page layout.
    extent : tuple, optional
        (xmin, ymin, xmax, ymax) in EPSG:27700; default all layers, padded 4%. The
        extent is grown about its centre to the shape of the map frame.
    basemap : {"none", "osm"}
        "osm": OpenStreetMap tiles under the layers when they can be fetched within
        ``basemap_timeout`` seconds; otherwise the attribution area says they are missing.
    methods_heading : str
        Heading of the text box (e.g. "Ward figures" on a briefing's ward page).
    methods_size : float
        Type size of the text box, in points.
    footer : float
        Room kept free under the attributions for a document's footer (figure fraction).

    Returns
    -------
    matplotlib.figure.Figure
        With an Agg canvas attached. Artists carry gids for checking: "title",
        "subtitle", "attribution", "methods-box", "north-arrow", "scale-bar".

    Raises
    ------
    HotspotError
        On an unknown page or basemap.
    """
    if page not in PAGES:
        raise HotspotError(f"page {page!r} is not known; use one of {', '.join(PAGES)}")
    if basemap not in ("none", "osm"):
        raise HotspotError(f"basemap {basemap!r} is not known; use 'none' or 'osm'")
    lay = _LAYOUT[page]
    fig = Figure(figsize=PAGES[page], dpi=100)
    FigureCanvasAgg(fig)
    fig.text(0.03, lay["title_y"], title, fontsize=16, fontweight="bold", va="top", gid="title")
    if subtitle:
        fig.text(
            0.03,
            lay["title_y"] - 0.038,
            subtitle,
            fontsize=10,
            color="#333333",
            va="top",
            gid="subtitle",
        )
    shown = [layer for layer in layers if layer.visible]
    _, note = draw_map(
        fig,
        lay["map"],
        shown,
        extent=extent,
        basemap=basemap,
        basemap_timeout=basemap_timeout,
    )
    legends = [lg for lg in (layer.legend() for layer in shown) if lg is not None]
    draw_legend_panel(fig, lay["legend"], _merge_boundary_legends(legends))

    if methods:
        max_ = fig.add_axes(lay["methods"])
        max_.set_axis_off()
        _draw_methods(max_, methods, lay["wrap_methods"], methods_heading, methods_size)

    lines = list(attributions) if attributions is not None else style.attribution_lines()
    if basemap == "osm":
        lines = [line for line in lines if line != style.OSM_TEXT]
        lines.append(note or style.OSM_TEXT)
    text = "\n".join(textwrap.fill(line, lay["wrap_attr"]) for line in lines)
    fig.text(
        0.03, 0.012 + footer, text, fontsize=6.3, color="#333333", va="bottom", gid="attribution"
    )
    return literal_text(fig)


def draw_map(
    fig: Figure,
    rect: tuple[float, float, float, float],
    layers: Sequence[L.MapLayer],
    *,
    extent: tuple[float, float, float, float] | None = None,
    basemap: str = "none",
    basemap_timeout: float = 8.0,
    scale_bar: bool = True,
    north_arrow: bool = True,
) -> tuple[Any, str]:
    """Draw ``layers`` (bottom first) in a map frame at ``rect`` of ``fig``.

    The frame gets a scale bar and a north arrow; area names cut by the frame are
    left out; a layer with nothing to act on says why on the map itself. Returns the axes (gid "map") and the basemap note ("" or why there are
    no tiles).
    """
    ax = fig.add_axes(rect)
    ax.set_gid("map")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor("#888888")
        spine.set_linewidth(0.6)
    ax.set_facecolor("#ffffff")
    box = extent or L.layers_bounds(list(layers))
    if box is not None:
        box = _fit_to_axes(_padded(box) if extent is None else box, fig, rect)
    for i, layer in enumerate(layers):
        _draw_layer(ax, layer, zorder=10 + 10 * i, box=box)
    if box is not None:
        ax.set_xlim(box[0], box[2])
        ax.set_ylim(box[1], box[3])
    ax.set_aspect("equal", adjustable="box")
    note = ""
    if basemap == "osm" and box is not None:
        note = _draw_basemap(ax, box, basemap_timeout)
        ax.set_xlim(box[0], box[2])
        ax.set_ylim(box[1], box[3])
    if box is not None:  # labels that depend on the scale (road names along roads)
        for i, layer in enumerate(layers):
            annotate = getattr(layer, "annotate_static", None)
            if annotate is not None:
                annotate(ax, box, zorder=10 + 10 * i)
    literal_text(fig)  # names and titles come from the user's files: measured as drawn
    _hide_cut_labels(fig, ax)
    if scale_bar:
        _scale_bar(ax)
    if north_arrow:
        _north_arrow(ax)
    _empty_notes(ax, layers)
    return ax, note


def draw_legend_panel(
    fig: Figure, rect: tuple[float, float, float, float], legends: Sequence[Legend], wrap: int = 40
) -> Any:
    """Stack ``legends`` from the top of an (invisible) panel at ``rect``; returns its axes."""
    lax = fig.add_axes(rect)
    lax.set_axis_off()
    lax.set_gid("legend-panel")
    _draw_legends(fig, lax, list(legends), wrap=wrap)
    return lax


# --------------------------------------------------------------------------- saving


def save_figure(
    fig: Figure,
    path: str | os.PathLike,
    *,
    format: str | None = None,  # noqa: A002 - matplotlib's name
    dpi: int = DPI,
    overwrite: bool = False,
) -> Path:
    """Write a figure as PNG (``dpi``, default 300), PDF (vector) or SVG, atomically.

    Parameters
    ----------
    fig : Figure
        From :func:`print_map` or a map helper.
    path : path-like
        Target file; its suffix gives the format unless ``format`` is given.
    format : {"png", "pdf", "svg"}, optional
    dpi : int
        Resolution of PNG output (stored in the file).
    overwrite : bool
        Replace an existing file.

    Raises
    ------
    ExportError
        On an unknown format, an existing file without ``overwrite``, or a missing
        folder. Nothing is left behind when writing fails.
    """
    import matplotlib

    p = Path(path)
    fmt = (format or p.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ExportError(f"{p}: format {fmt!r} is not supported; use {', '.join(FORMATS)}")
    literal_text(fig)
    with (
        fonts.print_fonts(),
        matplotlib.rc_context({"pdf.fonttype": 42, "svg.fonttype": "none"}),
        atomic_path(p, overwrite=overwrite) as tmp,
    ):
        fig.savefig(tmp, format=fmt, dpi=dpi, metadata=_metadata(fig, fmt))
    return p


def _metadata(fig: Figure, fmt: str) -> dict[str, str]:
    title = next((t.get_text() for t in fig.texts if t.get_gid() == "title"), "")
    if fmt == "png":
        return {"Title": title, "Software": "Hotspot"}
    if fmt in ("pdf", "svg"):
        return {"Title": title, "Creator": "Hotspot"}
    return {}


# --------------------------------------------------------------------------- map types


def _one_layer_map(
    layer: L.MapLayer,
    ctx: MapContext,
    *,
    title: str,
    methods: Sequence[str],
    extent=None,
    subtitle_extra: str = "",
    imd: bool = False,
    samhi: bool = False,
    over: Sequence[L.MapLayer] = (),
) -> Figure:
    """A page with one result layer (and ``over`` it, e.g. numbered zones) between the
    context's reference layers and its boundaries (the map helpers)."""
    if extent is None and ctx.frame is not None:
        extent = _padded(ctx.frame, 0.08)
    if extent is None and ctx.outline is not None:
        extent = _padded(L.AreaBoundaries(ctx.outline).bounds())
    elif extent is None and ctx.wards is not None:
        extent = _padded(L.AreaBoundaries(ctx.wards).bounds())
    return print_map(
        [*ctx.reference_layers(), layer, *over, *ctx.boundary_layers()],
        title=title,
        subtitle=ctx.subtitle(subtitle_extra),
        methods=[*methods, *ctx.notes],
        attributions=style.attribution_lines(year=ctx.boundary_year, imd=imd, samhi=samhi),
        page=ctx.page,
        extent=extent,
        basemap=ctx.basemap,
        basemap_timeout=ctx.basemap_timeout,
        footer=ctx.footer,
    )


def layer_map(
    layer: L.MapLayer,
    ctx: MapContext,
    *,
    title: str,
    methods: Sequence[str],
    extent=None,
    over: Sequence[L.MapLayer] = (),
) -> Figure:
    """A print map of any result layer in the context's frame (reference layers beneath,
    boundaries above), e.g. offences in named areas."""
    return _one_layer_map(layer, ctx, title=title, methods=methods, extent=extent, over=over)


def zone_layers(zones: Any) -> list[L.MapLayer]:
    """Numbered zone outlines, when there are zones."""
    if zones is None or not len(getattr(zones, "zones", zones)):
        return []
    from hotspot.maps.zone_layers import ZoneOutlines

    return [ZoneOutlines(zones)]


def kde_map(
    result: Any,
    ctx: MapContext,
    *,
    title: str | None = None,
    display: str = "classes",
    extent=None,
    zones: Any = None,
) -> Figure:
    """KDE hotspot map: the density surface in k x mean classes (or continuous).

    Parameters
    ----------
    result : DensityResult
    ctx : MapContext
    title : str, optional
        Default "Where offences concentrate: kernel density hotspots".
    display : {"classes", "continuous"}
    extent : tuple, optional
        (xmin, ymin, xmax, ymax) in EPSG:27700 (default the borough).
    zones : ZoneResult, optional
        Hot spot zones, outlined and numbered over the surface.
    """
    return _one_layer_map(
        L.DensitySurface(result, display=display, opacity=0.85),
        ctx,
        title=title or "Where offences concentrate: kernel density hotspots",
        methods=wording.kde_methods(result) + wording.zone_methods(zones),
        extent=extent,
        over=zone_layers(zones),
    )


def gistar_map(
    result: Any, ctx: MapContext, *, title: str | None = None, extent=None, zones: Any = None
) -> Figure:
    """Gi* hot and cold spot map (ArcGIS colours, three confidence levels), with the hot
    spot zones numbered when given. Over reference layers (roads, town centres) the cells
    that are not significant are left clear, so the streets show through."""
    return _one_layer_map(
        L.GiStarCells(
            result,
            opacity=0.85,
            suppress_below=ctx.suppress_below,
            show_not_significant=not ctx.reference,
        ),
        ctx,
        title=title or "Statistically significant hot and cold spots (Getis-Ord Gi*)",
        methods=wording.gistar_methods(result) + wording.zone_methods(zones),
        extent=extent,
        over=zone_layers(zones),
    )


def rates_map(
    stats: Any,
    ctx: MapContext,
    *,
    column: str = "rate",
    scheme: str = style.DEFAULT_SCHEME,
    k: int = 5,
    title: str | None = None,
    extent=None,
) -> Figure:
    """Area rates (or any column of the area table) in classes (mapclassify's schemes)."""
    layer = L.AreaChoropleth(
        stats,
        column=column,
        scheme=scheme,
        k=k,
        opacity=0.9,
        suppress_below=ctx.suppress_below,
    )
    level = {"ward": "ward", "lsoa": "LSOA"}.get(getattr(stats, "level", ""), "area")
    return _one_layer_map(
        layer,
        ctx,
        title=title or f"{layer.title} by {level}",
        methods=wording.rates_methods(stats),
        extent=extent,
    )


def change_map(
    stats: Any,
    ctx: MapContext,
    *,
    column: str = "change",
    scheme: str = style.DEFAULT_SCHEME,
    k: int = 5,
    title: str | None = None,
    extent=None,
) -> Figure:
    """Change since the previous period: rises and falls the exact test flags are drawn
    apart from changes within normal variation (:class:`~hotspot.maps.layers.ChangeSignificance`);
    without a test, diverging classes split at no change."""
    columns = stats.table.columns if hasattr(stats, "table") else stats.columns
    if column not in columns:
        raise HotspotError(
            f"change map: the area table has no {column!r} column; run the rates with a "
            "comparison period (selection.compare = true)"
        )
    comp = getattr(stats, "comparison", None)
    if column == "change" and "change_flag" in columns:
        layer: L.MapLayer = L.ChangeSignificance(stats, suppress_below=ctx.suppress_below)
    else:
        layer = L.AreaChoropleth(
            stats,
            column=column,
            scheme=scheme,
            k=k,
            opacity=0.9,
            diverging=True,
            suppress_below=ctx.suppress_below,
        )
    return _one_layer_map(
        layer,
        ctx,
        title=title or "Change since the previous period",
        methods=wording.change_methods(stats),
        extent=extent,
        subtitle_extra=f"compared with {getattr(comp, 'label', comp)}" if comp is not None else "",
    )


def clusters_map(
    result: Any,
    ctx: MapContext,
    *,
    x_label: str = "offence rate",
    y_label: str = "deprivation",
    samhi: bool = False,
    title: str | None = None,
    extent=None,
) -> Figure:
    """Local bivariate Moran cluster map, with its caveat in the legend and methods."""
    return _one_layer_map(
        L.ClusterMap(result, x_label=x_label, y_label=y_label, opacity=0.9),
        ctx,
        title=title or f"Where {x_label} and neighbouring {y_label} go together",
        methods=wording.bivariate_methods(result),
        extent=extent,
        imd=not samhi,
        samhi=samhi,
    )


def bivariate_map(
    table: Any,
    ctx: MapContext,
    *,
    x: str = "rate",
    y: str = "imd_score",
    x_label: str = "Offence rate",
    y_label: str = "IMD 2019 score",
    samhi: bool = False,
    title: str | None = None,
    methods: Sequence[str] = (),
    extent=None,
) -> Figure:
    """3 x 3 bivariate choropleth of two area columns (rate against IMD or SAMHI)."""
    layer = L.BivariateChoropleth(table, x=x, y=y, x_label=x_label, y_label=y_label, opacity=0.9)
    lines = list(methods) or [
        f"Areas split into thirds (tertiles) by {x_label.lower()} and by {y_label}; "
        "colour shows the combination.",
    ]
    return _one_layer_map(
        layer,
        ctx,
        title=title or f"{x_label} and {y_label}",
        methods=lines,
        extent=extent,
        imd=not samhi,
        samhi=samhi,
    )


MAP_TYPES: dict[str, Callable[..., Figure]] = {
    "kde": kde_map,
    "gistar": gistar_map,
    "rates": rates_map,
    "change": change_map,
    "clusters": clusters_map,
    "bivariate": bivariate_map,
}
"""Map type name (as in the project's ``outputs.maps``) -> helper."""


__all__ = [
    "FORMATS",
    "MAP_TYPES",
    "PAGES",
    "MapContext",
    "bivariate_map",
    "change_map",
    "clusters_map",
    "draw_legend_panel",
    "draw_map",
    "gistar_map",
    "kde_map",
    "layer_map",
    "zone_layers",
    "print_map",
    "rates_map",
    "save_figure",
]
