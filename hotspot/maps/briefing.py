"""The briefing pack: one PDF an analyst can hand to a partnership board or a police inspector.

Pages, in order:

1. Cover: title, offence group, period (and the comparison period), key figures.
2. Each analysis's borough pages (its :class:`BriefingSection`: kernel density map,
   Gi* map, ward rate and change maps with the top-10 wards table, cluster map ...).
3. One page per chosen ward: a zoomed map and the ward's figures from every analysis.
4. Methods and data: how each result was made, data sources, load report, warnings,
   attributions.

Usage (``hotspot run`` with ``outputs.briefing = true``, and the Export dialog)::

    from hotspot.maps.briefing import Briefing, write_briefing
    pack = Briefing(title="Serious violence in Wrenmoor", offence_group="Serious violence",
                    period=period, wards=wards, outline=outline,
                    sections=[kde_section(kde), gistar_section(gi), rates_section(ward_stats)],
                    ward_pages=["Market Ward"], suppress_below=5)
    write_briefing("briefing.pdf", pack, overwrite=force, progress=progress)

Publication: ``suppress_below`` (default 5) shows counts 1..4 as "<5" in the tables and
blanks the rate and change figures of those rows (0 turns it off). The PDF is written
atomically (nothing is left when it fails or is cancelled) and an existing file is
replaced only with ``overwrite=True``.
"""

from __future__ import annotations

import datetime as _dt
import os
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath
from typing import Any

from matplotlib.figure import Figure

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.maps import layers as L
from hotspot.maps import static, style
from hotspot.maps.briefing_sections import BriefingSection, suppression_note
from hotspot.maps.pages import TEXT_COLOUR, mark_page, page_figure


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
        What each analysis contributes (pages, key figures, ward lines, methods), in
        order (:mod:`hotspot.maps.briefing_sections`).
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
        Protective marking printed on every page (e.g. "OFFICIAL"), or "".
    load_report : str
        The readers' load report (``LoadReport.summary()``) for the data page.
    data_notes : sequence of str
        Extra lines for the data page (sources, vintages, lookups used).
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
        Layout of the map pages.
    basemap : {"none", "osm"}
        OpenStreetMap under the map pages when it can be fetched (see
        :mod:`hotspot.maps.static`).
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
    load_report: str = ""
    data_notes: Sequence[str] = ()
    boundary_year: int | None = None
    samhi: bool = False
    imd: bool = False
    page: str = "A4-landscape"
    basemap: str = "none"
    produced: _dt.date = field(default_factory=_dt.date.today)
    reference: Sequence[Any] = ()
    map_notes: Sequence[str] = ()

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
        )


# --------------------------------------------------------------------------- tables


# --------------------------------------------------------------------------- pages


def cover_page(b: Briefing, number: int = 1) -> Figure:
    """Title, offence group, period, comparison period and key figures."""
    fig = page_figure(b)
    fig.text(
        0.07,
        0.80,
        b.title,
        fontsize=26,
        fontweight="bold",
        color=TEXT_COLOUR,
        va="top",
        gid="title",
        wrap=True,
    )
    sub = [b.offence_group, b.period_label]
    if b.comparison is not None:
        sub.append(f"compared with {getattr(b.comparison, 'label', b.comparison)}")
    subtitle = textwrap.fill(" · ".join(s for s in sub if s), 100)
    fig.text(0.07, 0.69, subtitle, fontsize=14, color="#333333", va="top", gid="subtitle")
    if b.organisation:
        below = 0.69 - 0.03 * (subtitle.count("\n") + 1) - 0.015  # under a wrapped subtitle
        fig.text(0.07, below, b.organisation, fontsize=12, color="#333333", va="top")
    facts = [line for s in b.sections for line in s.key_figures]
    if facts:
        fig.text(
            0.07, 0.56, "Key figures", fontsize=13, fontweight="bold", va="top", color=TEXT_COLOUR
        )
        fig.text(
            0.07,
            0.515,
            "\n".join(f"•  {line}" for line in facts),
            fontsize=12,
            va="top",
            linespacing=1.7,
            color=TEXT_COLOUR,
            gid="key-figures",
        )
    foot = [
        f"Produced {b.produced:%d %B %Y} with Hotspot. Data: {b.data_source}.",
        *style.attribution_lines(year=b.boundary_year, imd=b.imd, samhi=b.samhi),
    ]
    fig.text(
        0.07, 0.06, "\n".join(foot), fontsize=8, color="#444444", va="bottom", gid="attribution"
    )
    mark_page(fig, b, number)
    return fig


def _find_ward(wards, key: str):
    k = str(key).strip().lower()
    for col in ("code", "name"):
        if col in wards.columns:
            hit = wards[wards[col].astype(str).str.strip().str.lower() == k]
            if len(hit):
                return hit.iloc[[0]]
    names = ", ".join(wards["name"].astype(str)) if "name" in wards.columns else ""
    raise ExportError(
        f"briefing ward page: no ward is called or coded {key!r}; choose one of: {names}"
    )


def _ward_figures(b: Briefing, ward: Any) -> list[str]:
    """The ward's figures: its area, then what each analysis says about it."""
    lines = [f"Area: {ward.geometry.iloc[0].area / 1e6:,.2f} km²"]
    for s in b.sections:
        if s.ward_lines is not None:
            lines += s.ward_lines(b, ward)
    return lines


def ward_page(b: Briefing, key: str, number: int) -> Figure:
    """A zoomed map of one ward (density or Gi*) with the ward's figures."""
    wards = L.as_bng_gdf(b.wards, "wards")
    ward = _find_ward(wards, key)
    name = str(ward["name"].iloc[0]) if "name" in ward.columns else str(key)
    ctx = b.context()
    layers: list[L.MapLayer] = []
    under = next((s.ward_layer for s in b.sections if s.ward_layer is not None), None)
    layers += ctx.reference_layers()
    if under is not None:
        made = under()
        layers += made if isinstance(made, list) else [made]
    layers += ctx.boundary_layers()
    layers.append(
        L.AreaBoundaries(ward, name="Selected ward", show_labels=False, colour="#0b4f9c", width=2.6)
    )
    xmin, ymin, xmax, ymax = ward.total_bounds
    pad = 0.25 * max(xmax - xmin, ymax - ymin)
    fig = static.print_map(
        layers,
        title=name,
        subtitle=ctx.subtitle(),
        methods=[*_ward_figures(b, ward), *b.map_notes],
        methods_heading="Ward figures",
        methods_size=9.0,
        attributions=style.attribution_lines(year=b.boundary_year),
        page=b.page,
        extent=(xmin - pad, ymin - pad, xmax + pad, ymax + pad),
        basemap=b.basemap,
        basemap_timeout=ctx.basemap_timeout,
    )
    mark_page(fig, b, number)
    return fig


def _methods_blocks(b: Briefing) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    for s in b.sections:
        blocks += [(heading, list(lines)) for heading, lines in s.methods]
    data = [f"Offences: {b.data_source}; {b.offence_group}; {b.period_label}."]
    data += list(b.data_notes)
    if b.suppress_below and b.suppress_below > 1:
        data.append(suppression_note(b.suppress_below))
    blocks.append(("Data", data))
    warnings: list[str] = []
    for s in b.sections:
        warnings += [str(w) for w in s.warnings]
    if warnings:
        blocks.append(("Things to know", list(dict.fromkeys(warnings))))
    if b.load_report:
        blocks.append(("How the offence data were read", _report_lines(b.load_report)))
    blocks.append(
        (
            "Attributions",
            style.attribution_lines(year=b.boundary_year, imd=b.imd, samhi=b.samhi),
        )
    )
    return blocks


def _report_lines(report: str) -> list[str]:
    """The load report's lines, with file names instead of full paths (which name users)."""
    out = []
    for line in report.splitlines():
        if line.startswith("Source: "):
            source = line.removeprefix("Source: ").strip()
            # PureWindowsPath splits on both "/" and "\\"
            line = f"Source: {PureWindowsPath(source).name or source}"
        out.append(line)
    return out


def methods_pages(b: Briefing, number: int) -> list[Figure]:
    """How each result was made, the data used and what the reader should know.

    Portrait pages; text that does not fit continues on another page.
    """
    fontsize, spacing = 8.3, 1.45
    pages: list[Figure] = []
    fig: Figure | None = None
    y = 0.0
    bottom = 0.05

    def new_page() -> None:
        nonlocal fig, y
        fig = page_figure(b, landscape=False)
        title = "Methods and data" if not pages else "Methods and data (continued)"
        fig.text(0.07, 0.96, title, fontsize=18, fontweight="bold", va="top", gid="title")
        mark_page(fig, b, number + len(pages))
        pages.append(fig)
        y = 0.915

    step = fontsize * spacing / 72 / static.PAGES["A4-portrait"][1]
    new_page()
    for heading, lines in _methods_blocks(b):
        wrapped = [
            part
            for line in lines
            for part in textwrap.wrap(line, 105, subsequent_indent="  ") or [""]
        ]
        if y - step * 3 < bottom:
            new_page()
        fig.text(0.07, y, heading, fontsize=fontsize + 0.7, fontweight="bold", va="top")
        y -= step * 1.15
        for line in wrapped:
            if y - step < bottom:
                new_page()
            fig.text(
                0.07, y, line, fontsize=fontsize, va="top", color=TEXT_COLOUR, gid="methods-text"
            )
            y -= step
        y -= step * 0.8
    return pages


# --------------------------------------------------------------------------- pack


def build_pages(b: Briefing, *, progress: Progress = NO_PROGRESS):
    """Yield the pack's pages (matplotlib Figures) in order, one at a time."""
    builders: list = [lambda n: cover_page(b, n)]
    for s in b.sections:
        builders += [lambda n, make=make: make(b, n) for make in s.pages]
    for key in b.ward_pages:
        builders.append(lambda n, key=key: ward_page(b, key, n))
    builders.append(lambda n: methods_pages(b, n))
    total = len(builders)
    number = 1
    for i, make in enumerate(builders, start=1):
        progress.check_cancelled()
        made = make(number)
        for fig in made if isinstance(made, list) else [made]:
            yield fig
            number += 1
        progress.update(i / total, f"Page {number - 1}")


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
        _find_ward(wards, key)
    meta = {
        "Title": briefing.title,
        "Subject": style.join_nonempty([briefing.offence_group, briefing.period_label]),
        "Creator": "Hotspot",
    }
    with (
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
    "build_pages",
    "cover_page",
    "methods_pages",
    "ward_page",
    "write_briefing",
]
