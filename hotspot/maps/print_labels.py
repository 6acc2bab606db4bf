"""Zone numbers come first on a print map: names that would cover one move aside or go.

A hot spot zone's number is what a briefing refers to ("zone 3"), so it must stay
readable. After everything is drawn, an area name (a ward) that overlaps a zone number is
moved just above or below its place when that spot is clear of every zone number, and is
left out otherwise; a road name (drawn along its road, and repeated on longer roads) that
overlaps one is left out.
"""

from __future__ import annotations

from typing import Any

ZONE_LABEL = "zone-label"
"""The gid of zone numbers on print maps."""
MOVABLE = "area-label"
"""The gid of area names, which may move aside."""
DROPPABLE = ("road-label",)
"""The gids of names left out where they cover a zone number."""
_STEPS = (1.15, -1.15, 2.2, -2.2)
"""Where an area name may go instead, in multiples of its own height (up first)."""


def clear_zone_numbers(fig: Any, ax: Any) -> int:
    """Move or hide the names on ``ax`` that overlap a zone number; return how many changed.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The page (its renderer measures the texts as drawn).
    ax : matplotlib.axes.Axes
        The map.
    """
    renderer = fig.canvas.get_renderer()
    numbers = [
        t.get_window_extent(renderer)
        for t in ax.texts
        if t.get_gid() == ZONE_LABEL and t.get_visible()
    ]
    if not numbers:
        return 0
    to_data = ax.transData.inverted()
    changed = 0
    for text in ax.texts:
        gid = text.get_gid()
        if not text.get_visible() or gid not in (MOVABLE, *DROPPABLE):
            continue
        box = text.get_window_extent(renderer)
        if not any(box.overlaps(n) for n in numbers):
            continue
        changed += 1
        if gid in DROPPABLE:
            text.set_visible(False)
            continue
        x, y = text.get_position()
        px, py = ax.transData.transform((x, y))
        for step in _STEPS:
            moved = box.translated(0, step * box.height)
            if not any(moved.overlaps(n) for n in numbers):
                text.set_position(tuple(to_data.transform((px, py + step * box.height))))
                break
        else:
            text.set_visible(False)
    return changed


__all__ = ["DROPPABLE", "MOVABLE", "ZONE_LABEL", "clear_zone_numbers"]
