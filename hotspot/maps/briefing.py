"""The briefing pack: one PDF an analyst can hand to a scrutiny committee or a police inspector.

Pages, in order, all in one orientation (``page``), each with the protective marking
at the top and bottom, the title, version and date, and "Page n of N":

1. Cover: title, offence group, period and comparison, version and date, contents.
2. Summary: the key figures and the findings in a needs assessment's words, generated
   from the results (:mod:`hotspot.maps.briefing_summary`).
3. Each analysis's borough pages (its :class:`BriefingSection`: kernel density map,
   Gi* map, ward rate and change maps, the ward table, cluster map ...).
4. One page per chosen ward: density and Gi* maps, the ward's figures, its
   neighbourhoods in the IMD and SAMHI deciles, its busiest streets and places
   (:mod:`hotspot.maps.briefing_ward`).
5. Methods and data: how each result was made, the sources by file name and
   publisher, the load report, what to know, attributions.

Usage (``hotspot run`` with ``outputs.briefing = true``, and the Export dialog)::

    from hotspot.maps.briefing import Briefing, write_briefing
    pack = Briefing(title="Serious violence in Wrenmoor", offence_group="Serious violence",
                    period=period, wards=wards, outline=outline,
                    sections=[kde_section(kde), gistar_section(gi), rates_section(ward_stats)],
                    ward_pages=["Market Ward"], suppress_below=5, marking="OFFICIAL")
    write_briefing("briefing.pdf", pack, overwrite=force, progress=progress)

Publication: ``suppress_below`` (default 5) shows counts 1..4 as "<5" in the tables and
blanks the rate and change figures of those rows (0 turns it off). The PDF is written
atomically (nothing is left when it fails or is cancelled) and an existing file is
replaced only with ``overwrite=True``.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.maps import fonts, static
from hotspot.maps import layers as L
from hotspot.maps.attributions import join_nonempty
from hotspot.maps.briefing_cover import cover_page
from hotspot.maps.briefing_methods import methods_flow, methods_pages
from hotspot.maps.briefing_summary import summary_page
from hotspot.maps.briefing_types import BriefingPage, BriefingSection
from hotspot.maps.briefing_ward import find_ward, ward_page
from hotspot.maps.pages import (
    marking_text,
)
from hotspot.maps.text import literal_text


@dataclass
class Briefing:
    """Everything a briefing pack shows.

    Attributes
    ----------
    title : str
        Cover title, e.g. "Serious violence in Wrenmoor".
    offence_group : str
        E.g. "Serious violence".
    period : Period or str
        The period analysed.
    wards : AreaLayer or GeoDataFrame
        Ward boundaries (``code``, ``name``).
    outline : AreaLayer or GeoDataFrame, optional
        Borough outline.
    sections : sequence of BriefingSection
        What each analysis contributes (pages, key figures, summary points, ward
        lines, methods), in order (:mod:`hotspot.maps.briefing_sections`).
    comparison : Period or str, optional
        The comparison period (named on the cover).
    ward_pages : sequence of str
        Ward names or codes that get a page of their own.
    suppress_below : int
        Counts 1 .. N-1 shown as "<N" in tables (0 = off).
    data_source : str
        Where the offences came from.
    organisation : str
        Shown on the cover (e.g. the council's team).
    marking : str
        Protective marking in the header and footer of every page ("OFFICIAL",
        "OFFICIAL-SENSITIVE"), or "" (or "none") for none.
    version : str
        The document's version, in the footer ("1.0").
    load_report : str
        The readers' load report (``LoadReport.summary()``) for the data page.
    data_notes : sequence of str
        Extra lines for the data page (vintages, lookups used); paths are shortened to
        file names.
    sources : sequence of str
        One line per source: what it is, its file name and its publisher.
    offences : GeoDataFrame, optional
        The selected offences (with police.uk ``location`` names): the ward pages
        count their streets and places, the summary names the hot spots' streets.
    boundary_year : int, optional
        Year of the OS copyright line.
    samhi, imd : bool
        The pack uses SAMHI / IMD (adds their citations to the cover and the data
        page).
    reference : sequence
        Reference layers (roads, town centres) drawn beneath every map.
    map_notes : sequence of str
        Lines added to every map's text box (e.g. the map points left out).
    page : {"A4-landscape", "A4-portrait"}
        The orientation of every page.
    basemap : {"none", "osm"}
        OpenStreetMap under the map pages when it can be fetched (see
        :mod:`hotspot.maps.static`).
    produced : date
        The date on the cover and in the footer.
    notices : sequence of str
        Every warning of the run, each once (the methods page lists them; without them, the
        sections' own warnings are listed).
    checks : (heading, lines) or None
        The check against PySAL (:mod:`hotspot.pipeline.verify`), for the methods page.
    frame : tuple, optional
        Extent the borough maps are framed on instead of the boundaries (boundaries that
        reach far beyond the offences).
    selection_note : str
        What the offence group leaves out ("leaves out 1,234 rows of other categories ...").
    """

    title: str
    offence_group: str = ""
    period: Any = None
    wards: Any = None
    outline: Any = None
    sections: Sequence[BriefingSection] = ()
    comparison: Any = None
    ward_pages: Sequence[str] = ()
    suppress_below: int = 5
    data_source: str = "police.uk"
    organisation: str = ""
    marking: str = ""
    version: str = ""
    load_report: str = ""
    data_notes: Sequence[str] = ()
    sources: Sequence[str] = ()
    offences: Any = None
    boundary_year: int | None = None
    samhi: bool = False
    imd: bool = False
    page: str = "A4-landscape"
    basemap: str = "none"
    produced: _dt.date = field(default_factory=_dt.date.today)
    reference: Sequence[Any] = ()
    map_notes: Sequence[str] = ()
    notices: Sequence[str] = ()
    checks: tuple[str, Sequence[str]] | None = None
    frame: tuple[float, float, float, float] | None = None
    selection_note: str = ""
    page_count: int | None = field(default=None, repr=False)

    @property
    def period_label(self) -> str:
        return "" if self.period is None else str(getattr(self.period, "label", self.period))

    def context(self) -> static.MapContext:
        return static.MapContext(
            offence_group=self.offence_group,
            period=self.period,
            data_source=self.data_source,
            wards=self.wards,
            outline=self.outline,
            boundary_year=self.boundary_year,
            page=self.page,
            basemap=self.basemap,
            reference=self.reference,
            notes=self.map_notes,
            footer=0.018,
            suppress_below=self.suppress_below,
            frame=self.frame,
        )


# --------------------------------------------------------------------------- plan


@dataclass(frozen=True)
class PlannedPage:
    """A page (or run of pages) of the pack: its contents entry and how to draw it."""

    title: str
    make: Callable[[int], Figure | list[Figure]]
    pages: int = 1
    contents: bool = True


def plan(b: Briefing) -> list[PlannedPage]:
    """Every page of the pack, in order, with its title and length (known before drawing)."""
    out = [
        PlannedPage("Cover", lambda n: cover_page(b, n, contents(out)), contents=False),
        PlannedPage("Summary", lambda n: summary_page(b, n)),
    ]
    for s in b.sections:
        for maker in s.pages:
            title = (maker.title if isinstance(maker, BriefingPage) else "") or s.title
            out.append(PlannedPage(title, lambda n, make=maker: make(b, n)))
    wards = L.as_bng_gdf(b.wards, "wards") if b.ward_pages else None
    for key in b.ward_pages:
        ward = find_ward(wards, key)
        name = str(ward["name"].iloc[0]) if "name" in ward.columns else str(key)
        out.append(PlannedPage(f"Ward: {name}", lambda n, key=key: ward_page(b, key, n)))
    methods = methods_flow(b)
    out.append(PlannedPage("Methods and data", lambda n: methods_pages(b, n), pages=methods.pages))
    return out


def contents(pages: Sequence[PlannedPage]) -> list[tuple[str, int]]:
    """(title, first page) of every page in the contents list."""
    out, number = [], 1
    for p in pages:
        if p.contents:
            out.append((p.title, number))
        number += p.pages
    return out


# --------------------------------------------------------------------------- pack


def build_pages(b: Briefing, *, progress: Progress = NO_PROGRESS):
    """Yield the pack's pages (matplotlib Figures) in order, one at a time."""
    planned = plan(b)
    b.page_count = sum(p.pages for p in planned)
    total = len(planned)
    number = 1
    try:
        for i, page in enumerate(planned, start=1):
            progress.check_cancelled()
            made = page.make(number)
            for fig in made if isinstance(made, list) else [made]:
                yield literal_text(fig)  # titles, ward names and table cells drawn as given
                number += 1
            progress.update(i / total, f"Page {number - 1} of {b.page_count}")
    finally:
        b.page_count = None


def write_briefing(
    path: str | os.PathLike,
    briefing: Briefing,
    *,
    overwrite: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Path:
    """Write the briefing pack as one PDF, atomically.

    Parameters
    ----------
    path : path-like
        The ``.pdf`` file.
    briefing : Briefing
        What to show.
    overwrite : bool
        Replace an existing file.
    progress : Progress
        One update per page; cancelling stops the pack and leaves nothing behind.

    Returns
    -------
    Path

    Raises
    ------
    ExportError
        When the file exists (and ``overwrite`` is false), the folder is missing, the
        pack has no wards, or a ward page names an unknown ward (checked before any
        page is drawn).
    """
    import matplotlib
    from matplotlib.backends.backend_pdf import PdfPages

    if briefing.wards is None:
        raise ExportError(f"{path}: the briefing pack needs ward boundaries; add a ward layer")
    wards = L.as_bng_gdf(briefing.wards, "wards")
    for key in briefing.ward_pages:
        find_ward(wards, key)
    meta = {
        "Title": briefing.title,
        "Subject": join_nonempty([briefing.offence_group, briefing.period_label]),
        "Creator": "Hotspot",
    }
    if marking_text(briefing):
        meta["Keywords"] = marking_text(briefing)
    with (
        fonts.print_fonts(),
        matplotlib.rc_context({"pdf.fonttype": 42}),
        atomic_path(path, overwrite=overwrite) as tmp,
        PdfPages(tmp, metadata=meta) as pdf,
    ):
        for fig in build_pages(briefing, progress=SubProgress(progress, 0.0, 1.0)):
            pdf.savefig(fig)
            fig.clear()
    return Path(path)


__all__ = [
    "Briefing",
    "PlannedPage",
    "build_pages",
    "contents",
    "plan",
    "ward_page",
    "write_briefing",
]
