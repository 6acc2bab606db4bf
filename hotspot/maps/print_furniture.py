"""What sits on a print map's frame: scale bar, north arrow, area names and notes.

Area names the frame would cut are left out; a layer with nothing to act on says why
on the map itself.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from matplotlib import patheffects
from matplotlib.figure import Figure

from hotspot.maps import layers as L


def draw_north_arrow(ax) -> None:
    """Draw the north arrow in the map's top right corner."""
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


def hide_cut_labels(fig: Figure, ax) -> None:
    """Leave out area names that the map frame would cut (a zoomed map's neighbours)."""
    renderer = fig.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    for text in ax.texts:
        if text.get_gid() not in ("area-label", "zone-label"):
            continue
        box = text.get_window_extent(renderer)
        inside = (
            box.x0 >= frame.x0 and box.x1 <= frame.x1 and box.y0 >= frame.y0 and box.y1 <= frame.y1
        )
        text.set_visible(inside)


def draw_scale_bar(ax) -> None:
    """Draw a scale bar in metres in the map's bottom left corner."""
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


def draw_empty_notes(ax, layers: Sequence[L.MapLayer]) -> None:
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
