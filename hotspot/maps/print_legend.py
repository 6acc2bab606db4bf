"""The legend panel of a print map: class swatches, lines, points and the 3 x 3 grid."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from hotspot.maps import style
from hotspot.maps.style import Legend
from hotspot.maps.text import literal_text


def _legend_handles(legend: Legend):
    handles = []
    for e in legend.entries:
        if e.kind == "line":
            handles.append(Line2D([], [], color=e.colour, linewidth=1.5, label=e.label))
        elif e.kind == "area":
            handles.append(
                Patch(
                    facecolor=to_rgba(e.colour, 0.25),
                    edgecolor=e.colour,
                    linewidth=1.0,
                    linestyle=(0, (3, 1.5)),
                    label=e.label,
                )
            )
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


def merge_boundary_legends(legends: list[Legend]) -> list[Legend]:
    """One "Boundaries" legend for all outline-only legends, placed last."""
    lines = [lg for lg in legends if lg.entries and all(e.kind == "line" for e in lg.entries)]
    rest = [lg for lg in legends if lg not in lines]
    if lines:
        entries = tuple(e for lg in lines for e in lg.entries)
        rest.append(Legend("Boundaries", entries))
    return rest


def draw_legends(fig: Figure, ax, legends: Sequence[Legend], wrap: int) -> None:
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
