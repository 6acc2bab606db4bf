"""The briefing's cover page: title, offence group, period, version, date, contents."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib.figure import Figure

from hotspot.maps.attributions import attribution_lines
from hotspot.maps.pages import (
    TEXT_COLOUR,
    is_landscape,
    mark_page,
    marking_text,
    page_figure,
)

if TYPE_CHECKING:
    from hotspot.maps.briefing import Briefing


def cover_page(b: Briefing, number: int = 1, entries: Sequence[tuple[str, int]] = ()) -> Figure:
    """Title, offence group, period and comparison, version and date, and the contents.

    Parameters
    ----------
    b : Briefing
        The pack.
    number : int
        The page's number.
    entries : sequence of (str, int)
        The contents: (title, first page) of the pack's pages (:func:`briefing.contents`).

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig = page_figure(b)
    wide = is_landscape(b)
    fig.text(
        0.07,
        0.86,
        textwrap.fill(b.title, 22 if wide else 26),
        fontsize=28,
        fontweight="bold",
        color=TEXT_COLOUR,
        va="top",
        gid="title",
    )
    lines = textwrap.fill(b.title, 22 if wide else 26).count("\n") + 1
    y = 0.86 - lines * (0.055 if wide else 0.04) - 0.02
    sub = [b.offence_group, b.period_label]
    if b.comparison is not None:
        sub.append(f"compared with {getattr(b.comparison, 'label', b.comparison)}")
    subtitle = textwrap.fill(" · ".join(s for s in sub if s), 62 if wide else 70)
    fig.text(0.07, y, subtitle, fontsize=14, color="#333333", va="top", gid="subtitle")
    y -= 0.035 * (subtitle.count("\n") + 1) + 0.02
    if b.organisation:
        fig.text(0.07, y, b.organisation, fontsize=12, color="#333333", va="top")
        y -= 0.04
    meta = [f"Version {b.version}" if b.version else "", f"{b.produced:%d %B %Y}".lstrip("0")]
    fig.text(
        0.07, y, " · ".join(m for m in meta if m), fontsize=12, color="#333333", va="top",
        gid="version",
    )  # fmt: skip
    marking = marking_text(b)
    if marking:
        fig.text(
            0.07,
            y - 0.045,
            marking,
            fontsize=13,
            fontweight="bold",
            va="top",
            color="#8c2d04",
            gid="cover-marking",
        )
    cx, cy = (0.56, 0.86) if wide else (0.07, y - 0.12)
    fig.text(cx, cy, "Contents", fontsize=14, fontweight="bold", va="top", gid="contents-title")
    step = 0.034 if wide else 0.024
    width = 0.38 if wide else 0.86
    for i, (title, page) in enumerate(entries):
        yy = cy - 0.05 - i * step
        room = int(width * fig.get_size_inches()[0] * 72 / (10.5 * 0.55)) - 4  # before the number
        shown = textwrap.shorten(title, room, placeholder=" …")
        fig.text(cx, yy, shown, fontsize=10.5, va="top", color=TEXT_COLOUR, gid="contents")
        fig.text(
            cx + width, yy, f"{page}", fontsize=10.5, va="top", ha="right", gid="contents-page"
        )
    foot = [
        f"Made with Hotspot from {b.data_source} data.",
        *attribution_lines(year=b.boundary_year, imd=b.imd, samhi=b.samhi),
    ]
    fig.text(
        0.07,
        0.05,
        "\n".join(textwrap.fill(f, 150 if wide else 105) for f in foot),
        fontsize=7.5,
        color="#444444",
        va="bottom",
        gid="attribution",
    )
    mark_page(fig, b, number)
    return fig
