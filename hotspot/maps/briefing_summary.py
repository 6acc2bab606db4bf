"""The summary page of the briefing pack: the findings in a needs assessment's words.

Every sentence is generated from the results: each analysis's section offers
:class:`~hotspot.maps.briefing_sections.SummaryPoint` s on a topic (offences, change,
the wards most affected, where offences concentrate, deprivation and mental health)
and the pack adds the caveats a reader needs. The page shows the key figures large,
then one paragraph per topic, on one page.
"""

from __future__ import annotations

import textwrap
from typing import Any

from matplotlib.figure import Figure

from hotspot.maps.briefing_types import TOPICS, KeyFigure, SummaryPoint, by_order
from hotspot.maps.pages import TEXT_COLOUR, draw_lines, flow, is_landscape, mark_page, page_figure

MAX_POINTS_PER_TOPIC = 3


def summary_points(b: Any) -> list[SummaryPoint]:
    """Every section's points (a key figure given as a sentence is a point under the
    section's title), then the caveats of the pack."""
    points = [p for s in b.sections if s.summary is not None for p in s.summary(b)]
    points += [
        SummaryPoint(s.title, str(k))
        for s in b.sections
        for k in s.key_figures
        if isinstance(k, str)
    ]
    return points + [SummaryPoint("caveats", c) for c in caveats(b)]


def caveats(b: Any) -> list[str]:
    """What a reader must keep in mind, in plain words."""
    out = [
        "These are offences recorded by the police and published on police.uk, not all "
        "offending: some is never reported or recorded.",
        "police.uk places each offence at the nearest of a set of anonymised map points, so "
        "locations are approximate and some points (a hospital, a police station) gather "
        "offences from around them.",
    ]
    if any(s.summary is not None and s.title == "Offending and context" for s in b.sections):
        out.append(
            "A link between offending and deprivation is an association across neighbourhoods, "
            "not evidence that one causes the other."
        )
    if b.suppress_below and b.suppress_below > 1:
        out.append(
            f"Counts below {b.suppress_below} are not shown, so that no one can be identified."
        )
    if getattr(b, "selection_note", ""):
        out.append(f"The offence group {b.selection_note}.")
    return out


def grouped(points: list[SummaryPoint]) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) per topic, in the order of ``TOPICS`` (others after them)."""
    said = [t for t in TOPICS if t != "caveats"]
    order = said + [p.topic for p in points if p.topic not in TOPICS] + ["caveats"]
    out = []
    for topic in dict.fromkeys(order):
        mine = sorted((p for p in points if p.topic == topic), key=lambda p: -p.rank)
        if not mine:
            continue
        texts = list(dict.fromkeys(p.text for p in mine))[:MAX_POINTS_PER_TOPIC]
        heading = TOPICS.get(topic, topic[:1].upper() + topic[1:])
        if topic == "caveats":
            out.append((heading, [f"•  {t}" for t in texts]))
        else:
            out.append((heading, [" ".join(texts)]))
    return out


def _tiles(fig: Figure, b: Any, figures: list[KeyFigure], top: float) -> float:
    """The key figures, large, in a row of tiles; returns the ``y`` under them."""
    if not figures:
        return top
    wide = is_landscape(b)
    n = min(len(figures), 4)
    left, right, gap = (0.05, 0.95, 0.02)
    width = (right - left - gap * (n - 1)) / n
    height = 0.115 if wide else 0.085
    for i, kf in enumerate(figures[:n]):
        x = left + i * (width + gap)
        ax = fig.add_axes((x, top - height, width, height))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_facecolor("#f1f1ec")
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_gid("key-figure")
        ax.text(
            0.06, 0.88, kf.value, fontsize=22 if wide else 18, fontweight="bold", va="top",
            color="#8c2d04", transform=ax.transAxes, gid="key-figure-value",
        )  # fmt: skip
        chars = int(width * fig.get_size_inches()[0] * 72 / (8.5 * 0.55))
        ax.text(
            0.06, 0.40, textwrap.fill(kf.label, chars), fontsize=8.5, va="top", color=TEXT_COLOUR,
            transform=ax.transAxes, gid="key-figure-label",
        )  # fmt: skip
    return top - height - 0.03


def summary_page(b: Any, number: int) -> Figure:
    """One page: the key figures, then the findings topic by topic, then the caveats."""
    fig = page_figure(b)
    wide = is_landscape(b)
    fig.text(0.05, 0.95, "Summary", fontsize=20, fontweight="bold", va="top", gid="title")
    sub = [b.offence_group, b.period_label]
    if b.comparison is not None:
        sub.append(f"compared with {getattr(b.comparison, 'label', b.comparison)}")
    fig.text(
        0.05,
        0.905,
        " · ".join(s for s in sub if s),
        fontsize=11,
        color="#333333",
        va="top",
        gid="subtitle",
    )
    figures = [k for s in by_order(b.sections) for k in s.key_figures if isinstance(k, KeyFigure)]
    below = _tiles(fig, b, figures, 0.87)
    blocks = grouped(summary_points(b))
    for size in (10.0, 9.3, 8.6, 8.0, 7.4):  # one page: smaller type if it must
        laid = flow(
            blocks,
            doc=b,
            top=below,
            bottom=0.05,
            columns=2 if wide else 1,
            fontsize=size,
            spacing=1.38,
            indent="   ",
        )
        if laid.pages == 1:
            break
    draw_lines(fig, laid.page_lines(0), gid="summary-text")
    mark_page(fig, b, number)
    return fig


__all__ = ["caveats", "grouped", "summary_page", "summary_points"]
