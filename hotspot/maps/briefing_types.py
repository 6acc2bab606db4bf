"""The parts of a briefing pack an analysis contributes, and how they are declared.

A :class:`BriefingSection` holds one analysis's part of the pack: key figures and
summary points for the summary page, borough pages (maps, tables), lines, a map
layer and a neighbourhood profile for the ward pages, and its methods text.
:mod:`hotspot.maps.briefing_sections` makes the sections of Hotspot's analyses;
:mod:`hotspot.maps.briefing` lays them out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.figure import Figure

from hotspot.core.formats import published_count
from hotspot.maps import static
from hotspot.maps.pages import mark_page

PageMaker = Callable[[Any, int], "Figure | list[Figure]"]
"""``make(briefing, page_number) -> Figure or [Figure]``."""


@dataclass(frozen=True)
class BriefingPage:
    """A page of a section with its title in the contents list.

    Call it like a :data:`PageMaker`: ``page(briefing, number)``.
    """

    title: str
    make: PageMaker

    def __call__(self, b: Any, number: int) -> Figure | list[Figure]:
        return self.make(b, number)


@dataclass(frozen=True)
class KeyFigure:
    """A figure shown large on the summary page: "8,737" over "offences in the wards"."""

    value: str
    label: str


@dataclass(frozen=True)
class SummaryPoint:
    """A sentence or two for the summary page.

    Attributes
    ----------
    topic : str
        Which paragraph it belongs to (a key of ``TOPICS``; others follow them).
    text : str
        Plain English, generated from the results.
    rank : int
        Order within the topic, highest first (hot spot zones, when an analysis makes
        them, outrank Gi* cells on "where").
    """

    topic: str
    text: str
    rank: int = 0


TOPICS: dict[str, str] = {
    "offences": "Offences",
    "change": "Change since the previous period",
    "wards": "The wards most affected",
    "where": "Where offences concentrate",
    "context": "Deprivation and mental health",
    "caveats": "Read with care",
}
"""Summary paragraphs, in order, with their headings."""


@dataclass(frozen=True)
class DecileProfile:
    """How a ward's LSOAs sit on a decile scale (IMD, SAMHI), for its page."""

    scale: Any
    counts: tuple[int, ...]
    sentence: str


@dataclass(frozen=True)
class BriefingSection:
    """One analysis's part of the briefing pack.

    Attributes
    ----------
    title : str
        The analysis, e.g. "Kernel density" (also the contents entry of an untitled page,
        and the heading of its ward map).
    key_figures : sequence of str or KeyFigure
        Figures for the summary page.
    pages : sequence of PageMaker or BriefingPage
        Borough pages, in order.
    methods : sequence of (heading, lines)
        Blocks for the methods page.
    warnings : sequence of str
        What the reader should know about the result.
    ward_lines : callable, optional
        ``ward_lines(briefing, ward) -> [str]`` (``ward`` a one-row GeoDataFrame).
    ward_layer : callable, optional
        ``ward_layer() -> MapLayer``: a map of the ward page (the first two are drawn).
    imd, samhi : bool
        The section's pages use IMD / SAMHI (their citations).
    summary : callable, optional
        ``summary(briefing) -> [SummaryPoint]``: its sentences on the summary page.
    ward_profile : callable, optional
        ``ward_profile(briefing, ward) -> [DecileProfile]``: the ward's neighbourhoods.
    order : int
        Where its key figures and ward lines go among the others' (lower first; the
        offences and rates lead).
    """

    title: str
    key_figures: Sequence[str | KeyFigure] = ()
    pages: Sequence[PageMaker | BriefingPage] = ()
    methods: Sequence[tuple[str, Sequence[str]]] = ()
    warnings: Sequence[str] = ()
    ward_lines: Callable[[Any, Any], list[str]] | None = None
    ward_layer: Callable[[], Any] | None = None
    imd: bool = False
    samhi: bool = False
    summary: Callable[[Any], Sequence[SummaryPoint]] | None = None
    ward_profile: Callable[[Any, Any], Sequence[DecileProfile]] | None = None
    order: int = 0


def map_page(draw: Callable[[static.MapContext], Figure], title: str = "") -> BriefingPage:
    """A page of a print map drawn in the briefing's map context."""

    def make(b: Any, number: int) -> Figure:
        fig = draw(b.context())
        mark_page(fig, b, number)
        return fig

    return BriefingPage(title, make)


def result_warnings(result: Any) -> list[str]:
    """A result's warnings as text (what the reader should know)."""
    return [str(w) for w in (getattr(result, "warnings", ()) or ())]


def names_and_counts(pairs: Sequence[tuple[str, Any]], suppress_below: int = 0) -> str:
    """ "Deptford (25), New Cross (12) and Brockley (9)"; small counts as "<5"."""
    parts = [f"{name} ({published_count(n, suppress_below)})" for name, n in pairs]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def and_list(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    names = [str(n) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def by_order(sections: Sequence[BriefingSection]) -> list[BriefingSection]:
    """The sections in the order their figures are shown (``order``, then as given)."""
    return sorted(sections, key=lambda s: s.order)


__all__ = [
    "TOPICS",
    "BriefingPage",
    "BriefingSection",
    "DecileProfile",
    "KeyFigure",
    "PageMaker",
    "SummaryPoint",
    "and_list",
    "by_order",
    "map_page",
    "names_and_counts",
    "result_warnings",
]
