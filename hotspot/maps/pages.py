"""Pages of a printed document: an A4 figure, its header and footer, and flowing text.

Every page of a document (the briefing pack) has the same frame:

- header: the protective marking ("OFFICIAL", "OFFICIAL-SENSITIVE"), centred;
- footer: the document's title, version and date on the left, the marking in the
  middle, "Page 3 of 14" on the right.

:func:`flow` lays headed paragraphs out in columns and over as many pages as they
need, before anything is drawn, so a document knows its page count (for "Page n of
N" and the contents list) up front. :func:`file_names_only` turns the paths of the
analyst's computer into file names: a document names its sources, not the folders
they were kept in.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hotspot.maps import print_page

TEXT_COLOUR = "#222222"
MUTED = "#555555"
FOOTER_Y = 0.008
"""Baseline of the footer (figure fraction); pages keep their own text above ``CONTENT_BOTTOM``."""
CONTENT_BOTTOM = 0.045
MARKINGS = ("OFFICIAL", "OFFICIAL-SENSITIVE")
"""Protective markings of the Government Security Classifications a document may carry."""


def is_landscape(doc: Any) -> bool:
    """Whether the document's pages are landscape (``doc.page``, default landscape)."""
    return getattr(doc, "page", "A4-landscape") != "A4-portrait"


def page_figure(doc: Any = None, landscape: bool | None = None) -> Figure:
    """An empty A4 page with its own canvas, in the document's orientation.

    ``landscape`` overrides the document's ``page`` setting when given.
    """
    wide = is_landscape(doc) if landscape is None else landscape
    size = print_page.PAGES["A4-landscape" if wide else "A4-portrait"]
    fig = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def marking_text(doc: Any) -> str:
    """The protective marking to print ("" for none)."""
    marking = str(getattr(doc, "marking", "") or "").strip()
    return "" if marking.lower() == "none" else marking


def footer_left(doc: Any) -> str:
    """ "Serious violence in Lewisham · Version 1.0 · 5 December 2026"."""
    parts = [str(getattr(doc, "title", "") or "")]
    version = str(getattr(doc, "version", "") or "").strip()
    if version:
        parts.append(f"Version {version}")
    produced = getattr(doc, "produced", None)
    if produced is not None:
        parts.append(f"{produced:%d %B %Y}".lstrip("0"))
    return " · ".join(p for p in parts if p)


def mark_page(fig: Figure, doc: Any, number: int) -> None:
    """The page's header and footer: marking top and bottom, title, version, date, page n of N."""
    marking = marking_text(doc)
    if marking:
        fig.text(
            0.5,
            0.992,
            marking,
            ha="center",
            va="top",
            fontsize=9,
            fontweight="bold",
            gid="marking",
        )
        fig.text(
            0.5,
            FOOTER_Y,
            marking,
            ha="center",
            va="bottom",
            fontsize=9,
            fontweight="bold",
            gid="marking",
        )
    left = footer_left(doc)
    if left:
        fig.text(
            0.03, FOOTER_Y, left, ha="left", va="bottom", fontsize=7, color=MUTED, gid="footer"
        )
    total = getattr(doc, "page_count", None)
    label = f"Page {number} of {total}" if total else f"Page {number}"
    fig.text(
        0.97,
        FOOTER_Y,
        label,
        ha="right",
        va="bottom",
        fontsize=7.5,
        color=MUTED,
        gid="page-number",
    )


# --------------------------------------------------------------------------- paths

_WINDOWS_PATH = re.compile(
    r"(?<![\w/])(?:[A-Za-z]:\\|\\\\)(?:[^\\\s:;,()'\"]+\\)+([^\\\s:;,()'\"]+)"
)
_POSIX_PATH = re.compile(r"(?<![\w.:/])/(?:[^/\s:;,()'\"]+/)+([^/\s:;,()'\"]+)")
_HOME_PATH = re.compile(r"(?<![\w/])~/(?:[^/\s:;,()'\"]+/)*([^/\s:;,()'\"]+)")


def file_names_only(text: str) -> str:
    """``text`` with every absolute path shortened to its last part (the file's name).

    "/home/jsmith/data/wards.geojson" and "C:\\Users\\jsmith\\wards.geojson" both
    become "wards.geojson": a document names its sources, never the folders of the
    computer it was made on (which often carry a person's name).
    """
    for pattern in (_WINDOWS_PATH, _POSIX_PATH, _HOME_PATH):
        text = pattern.sub(lambda m: m.group(1), text)
    return text


# --------------------------------------------------------------------------- flowing text


@dataclass(frozen=True)
class Line:
    """One laid-out line: where it goes and how it looks."""

    page: int
    x: float
    y: float
    text: str
    size: float
    bold: bool = False
    gid: str = "text"


@dataclass
class Flow:
    """Headed paragraphs laid out over columns and pages (see :func:`flow`)."""

    lines: list[Line] = field(default_factory=list)
    pages: int = 1
    fontsize: float = 9.0

    def page_lines(self, page: int) -> list[Line]:
        return [ln for ln in self.lines if ln.page == page]


def chars_per_line(width_fraction: float, fig_width_in: float, fontsize: float) -> int:
    """How many characters of ``fontsize`` fit across ``width_fraction`` of a page."""
    points = width_fraction * fig_width_in * 72
    return max(20, int(points / (fontsize * 0.55)))


def flow(
    blocks: Sequence[tuple[str, Sequence[str]]],
    *,
    doc: Any,
    top: float,
    bottom: float = CONTENT_BOTTOM + 0.02,
    columns: int = 1,
    left: float = 0.05,
    right: float = 0.95,
    fontsize: float = 9.0,
    spacing: float = 1.4,
    gap: float = 0.03,
    first_top: float | None = None,
    indent: str = "",
    hang_labels: bool = False,
) -> Flow:
    """Lay ``(heading, paragraphs)`` blocks out in columns, page after page.

    Parameters
    ----------
    blocks : sequence of (str, sequence of str)
        Each heading (bold; "" for none) and its paragraphs, each wrapped to the
        column's width.
    doc : object
        The document (its ``page`` gives the size of the pages).
    top, bottom : float
        Where the text starts and must stop on a page (figure fractions).
    columns : int
        Columns per page; text fills the first column, then the next, then the next
        page.
    first_top : float, optional
        Where the text starts on the first page (under a title or figures).
    indent : str
        Put before the continuation lines of a wrapped bullet ("•  ...") and, with
        ``hang_labels``, of a "Label: value" line; other paragraphs wrap flush.
    """
    labels = hang_labels
    size = print_page.PAGES["A4-landscape" if is_landscape(doc) else "A4-portrait"]
    width = (right - left - gap * (columns - 1)) / columns
    wrap = chars_per_line(width, size[0], fontsize)
    step = fontsize * spacing / 72 / size[1]
    out = Flow(fontsize=fontsize)
    page, col = 0, 0
    y = first_top if first_top is not None else top

    def advance(need: float) -> None:
        nonlocal page, col, y
        if y - need >= bottom:
            return
        col += 1
        if col >= columns:
            col, page = 0, page + 1
        y = top

    for heading, paragraphs in blocks:
        wrapped = [
            part
            for p in paragraphs
            for part in (
                textwrap.wrap(p, wrap, subsequent_indent=indent if _hangs(p, labels) else "")
                or [""]
            )
        ]
        advance(step * (2.2 + min(len(wrapped), 2)))  # no heading alone at a column's foot
        x = left + col * (width + gap)
        if heading:
            out.lines.append(Line(page, x, y, heading, fontsize + 1.0, True, "heading"))
            y -= step * 1.2
        for part in wrapped:
            advance(step)
            x = left + col * (width + gap)
            out.lines.append(Line(page, x, y, part, fontsize))
            y -= step
        y -= step * 0.7
    out.pages = page + 1
    return out


def _hangs(paragraph: str, labels: bool) -> bool:
    """Whether a paragraph's later lines are indented: bullets (and "Label: value" lines)."""
    if paragraph.lstrip()[:1] in ("•", "-"):
        return True
    return labels and ": " in paragraph[:40]


def draw_lines(fig: Figure, lines: Sequence[Line], gid: str = "") -> None:
    """Draw laid-out lines on a page."""
    for ln in lines:
        fig.text(
            ln.x,
            ln.y,
            ln.text,
            fontsize=ln.size,
            fontweight="bold" if ln.bold else "normal",
            va="top",
            color=TEXT_COLOUR,
            gid=gid or ln.gid,
        )


__all__ = [
    "CONTENT_BOTTOM",
    "MARKINGS",
    "TEXT_COLOUR",
    "Flow",
    "Line",
    "draw_lines",
    "file_names_only",
    "flow",
    "footer_left",
    "is_landscape",
    "mark_page",
    "marking_text",
    "page_figure",
]
