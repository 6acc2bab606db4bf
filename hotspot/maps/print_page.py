"""An A4 print page: layout, map frame, legend panel, methods box and attributions.

:func:`print_map` draws any list of :class:`~hotspot.maps.layers.MapLayer` with the
given title, methods and attributions; :func:`draw_map` and :func:`draw_legend_panel`
place a map frame or a legend panel anywhere on a page (the briefing's ward pages).

Figures are built with :class:`matplotlib.figure.Figure` and the Agg canvas: no
pyplot state, no Qt. The window may attach its own canvas to show them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hotspot.core.errors import HotspotError
from hotspot.maps import fonts
from hotspot.maps import layers as L
from hotspot.maps.attributions import OSM_TEXT, attribution_lines
from hotspot.maps.print_basemap import draw_basemap
from hotspot.maps.print_furniture import (
    draw_empty_notes,
    draw_north_arrow,
    draw_scale_bar,
    hide_cut_labels,
)
from hotspot.maps.print_labels import clear_zone_numbers
from hotspot.maps.print_layers import draw_layer
from hotspot.maps.print_legend import draw_legends, merge_boundary_legends
from hotspot.maps.style import Legend
from hotspot.maps.text import literal_text

PAGES: dict[str, tuple[float, float]] = {
    "A4-landscape": (11.69, 8.27),
    "A4-portrait": (8.27, 11.69),
}

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


def padded_bounds(bounds, frac: float = 0.04):
    """``bounds`` (xmin, ymin, xmax, ymax) widened by ``frac`` of its size on every side."""
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
        Attribution lines; default :func:`hotspot.maps.attributions.attribution_lines`.
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
    draw_legend_panel(fig, lay["legend"], merge_boundary_legends(legends))

    if methods:
        max_ = fig.add_axes(lay["methods"])
        max_.set_axis_off()
        _draw_methods(max_, methods, lay["wrap_methods"], methods_heading, methods_size)

    lines = list(attributions) if attributions is not None else attribution_lines()
    if basemap == "osm":
        lines = [line for line in lines if line != OSM_TEXT]
        lines.append(note or OSM_TEXT)
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
        box = _fit_to_axes(padded_bounds(box) if extent is None else box, fig, rect)
    for i, layer in enumerate(layers):
        draw_layer(ax, layer, zorder=10 + 10 * i, box=box)
    if box is not None:
        ax.set_xlim(box[0], box[2])
        ax.set_ylim(box[1], box[3])
    ax.set_aspect("equal", adjustable="box")
    note = ""
    if basemap == "osm" and box is not None:
        note = draw_basemap(ax, box, basemap_timeout)
        ax.set_xlim(box[0], box[2])
        ax.set_ylim(box[1], box[3])
    if box is not None:  # labels that depend on the scale (road names along roads)
        for i, layer in enumerate(layers):
            annotate = getattr(layer, "annotate_static", None)
            if annotate is not None:
                annotate(ax, box, zorder=10 + 10 * i)
    literal_text(fig)  # names and titles come from the user's files: measured as drawn
    clear_zone_numbers(fig, ax)  # names make way for zone numbers, then cut ones go
    hide_cut_labels(fig, ax)
    if scale_bar:
        draw_scale_bar(ax)
    if north_arrow:
        draw_north_arrow(ax)
    draw_empty_notes(ax, layers)
    return ax, note


def draw_legend_panel(
    fig: Figure, rect: tuple[float, float, float, float], legends: Sequence[Legend], wrap: int = 40
) -> Any:
    """Stack ``legends`` from the top of an (invisible) panel at ``rect``; returns its axes."""
    lax = fig.add_axes(rect)
    lax.set_axis_off()
    lax.set_gid("legend-panel")
    draw_legends(fig, lax, list(legends), wrap=wrap)
    return lax


__all__ = [
    "PAGES",
    "print_map",
    "draw_map",
    "draw_legend_panel",
    "padded_bounds",
]
