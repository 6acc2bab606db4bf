"""Pages of a printed document: an A4 figure, and its protective marking and page number."""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hotspot.maps import static

TEXT_COLOUR = "#222222"


def page_figure(doc: Any = None, landscape: bool = True) -> Figure:
    """An empty A4 page (landscape or portrait) with its own canvas."""
    size = static.PAGES["A4-landscape" if landscape else "A4-portrait"]
    fig = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def mark_page(fig: Figure, doc: Any, number: int) -> None:
    """The document's protective marking (top and bottom) and the page number."""
    marking = getattr(doc, "marking", "")
    if marking:
        fig.text(0.5, 0.992, marking, ha="center", va="top", fontsize=9, fontweight="bold")
        fig.text(0.5, 0.004, marking, ha="center", va="bottom", fontsize=9, fontweight="bold")
    fig.text(
        0.985,
        0.012,
        f"{number}",
        ha="right",
        va="bottom",
        fontsize=8,
        color="#555555",
        gid="page-number",
    )


__all__ = ["TEXT_COLOUR", "mark_page", "page_figure"]
