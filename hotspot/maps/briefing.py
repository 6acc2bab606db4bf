"""The briefing pack: one PDF an analyst can hand to a partnership board or a police inspector.

Pages, in order:

1. Cover: title, offence group, period (and the comparison period), key figures.
2. Borough kernel density hotspot map (when a KDE result is given).
3. Borough Gi* hot and cold spot map (when a Gi* result is given).
4. Ward rates map and change map (when ward rates are given; change needs a comparison).
5. Top-10 wards table: rank, offences, rate per 1,000, previous period, change.
6. Bivariate cluster map (when given).
7. One page per chosen ward: a zoomed map and the ward's figures.
8. Methods and data: how each result was made, data sources, load report, warnings,
   attributions.

Usage (``hotspot run`` with ``outputs.briefing = true``, and the Export dialog)::

    from hotspot.maps.briefing import Briefing, write_briefing
    pack = Briefing(title="Serious violence in Wrenmoor", offence_group="Serious violence",
                    period=period, wards=wards, outline=outline, kde=kde, gistar=gi,
                    rates=ward_stats, ward_pages=["Market Ward"], suppress_below=5)
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

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.maps import layers as L
from hotspot.maps import static, style


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
    kde, gistar, rates, bivariate : results, optional
        DensityResult, GiStarResult, ward-level AreaStats, BivariateResult.
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
    bivariate_labels : (str, str)
        Names of the bivariate measures (x, y).
    bivariate_samhi : bool, optional
        The bivariate result compares with SAMHI (True) or IMD (False); by default
        read from the result's ``y`` column (e.g. "samhi_index"). Its map cites it.
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
    kde: Any = None
    gistar: Any = None
    rates: Any = None
    bivariate: Any = None
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
    bivariate_labels: tuple[str, str] = ("offence rate", "deprivation")
    bivariate_samhi: bool | None = None
    page: str = "A4-landscape"
    basemap: str = "none"
    produced: _dt.date = field(default_factory=_dt.date.today)

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
        )

    def uses_samhi(self) -> bool:
        """Whether the bivariate result compares with SAMHI (else IMD)."""
        if self.bivariate_samhi is not None:
            return self.bivariate_samhi
        b = self.bivariate
        names = [getattr(b, "y", ""), getattr(getattr(b, "params", None), "context", "")]
        return any("samhi" in str(n or "").lower() for n in names)


# --------------------------------------------------------------------------- tables


def ward_table(rates: Any, *, top: int | None = 10, suppress_below: int = 0) -> pd.DataFrame:
    """The top wards by rank, formatted for a page (all text), indexed by ward code.

    Columns: Rank, Ward, Offences, Rate per 1,000, Previous period, Change, Change %
    (the last three when the rates have a comparison), and the change test's label
    when present. With ``suppress_below``, small counts are hidden as in the CSV
    tables (:func:`hotspot.export.suppression_plan`, worked out on every ward,
    not just those shown) and the figures derived from them are left blank.
    """
    from hotspot.export import suppression_plan

    t = pd.DataFrame(rates.table if hasattr(rates, "table") else rates)
    t = t.drop(columns=[c for c in ("geometry",) if c in t.columns]).reset_index(drop=True)
    plan = suppression_plan(t, suppress_below)
    if "rank" in t.columns:
        t = t.sort_values("rank", kind="stable")
    elif "rate" in t.columns:
        t = t.sort_values("rate", ascending=False, kind="stable")
    shown = t.head(top) if top else t

    def num(col: str, fmt: str) -> list[str]:
        marks = plan.marks.get(col)
        blank = col in plan.derived
        out = []
        for i, v in shown[col].items():
            if marks is not None and isinstance(marks[i], str):
                out.append(marks[i])
            elif blank and plan.hidden[i]:
                out.append("")
            elif v is None or pd.isna(v):
                out.append("–")
            else:
                out.append(fmt.format(v))
        return out

    cols: dict[str, list[str]] = {}
    if "rank" in shown.columns:
        cols["Rank"] = num("rank", "{:.0f}")
    cols["Ward"] = shown["name"].astype(str).tolist()
    cols["Offences"] = num("count", "{:,.0f}")
    for col, title, fmt in (
        ("rate", "Rate per 1,000", "{:,.1f}"),
        ("count_prev", "Previous period", "{:,.0f}"),
        ("change", "Change", "{:+,.0f}"),
        ("pct_change", "Change %", "{:+,.0f}%"),
    ):
        if col in shown.columns:
            cols[title] = num(col, fmt)
    if "change_label" in shown.columns:
        cols["Change test"] = ["" if v == "–" else v for v in num("change_label", "{}")]
    index = shown["code"].astype(str) if "code" in shown.columns else None
    return pd.DataFrame(cols, index=index)


# --------------------------------------------------------------------------- pages

_TEXT = "#222222"


def _page(b: Briefing, landscape: bool = True) -> Figure:
    size = static.PAGES["A4-landscape" if landscape else "A4-portrait"]
    fig = Figure(figsize=size, dpi=100)
    FigureCanvasAgg(fig)
    return fig


def _mark(fig: Figure, b: Briefing, number: int) -> None:
    """Protective marking (top and bottom) and the page number."""
    if b.marking:
        fig.text(0.5, 0.992, b.marking, ha="center", va="top", fontsize=9, fontweight="bold")
        fig.text(0.5, 0.004, b.marking, ha="center", va="bottom", fontsize=9, fontweight="bold")
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


def _key_figures(b: Briefing) -> list[str]:
    lines = []
    t = getattr(b.rates, "table", None)
    if t is not None and "count" in t.columns:
        total = float(pd.to_numeric(t["count"], errors="coerce").sum())
        lines.append(f"Offences recorded in the wards: {total:,.0f}")
        if "count_prev" in t.columns:
            prev = float(pd.to_numeric(t["count_prev"], errors="coerce").sum())
            if prev > 0:
                pct = (total - prev) / prev * 100
                lines.append(f"Previous period: {prev:,.0f} ({pct:+.0f}%)")
        top = ward_table(b.rates, top=3, suppress_below=0)
        if len(top):
            lines.append("Highest-ranked wards: " + ", ".join(top["Ward"]))
    if b.gistar is not None:
        bins = b.gistar.cells["gi_bin"].astype(int)
        unit = "areas" if getattr(b.gistar, "kind", "grid") == "areas" else "grid cells"
        lines.append(
            f"Gi* hot spots: {(bins > 0).sum():,} {unit} ({(bins >= 2).sum():,} at 95% confidence or more)"
        )
    if b.kde is not None:
        lines.append(f"Density surface from {int(getattr(b.kde, 'n_points', 0)):,} offences")
    return lines


def cover_page(b: Briefing, number: int = 1) -> Figure:
    """Title, offence group, period, comparison period and key figures."""
    fig = _page(b)
    fig.text(
        0.07,
        0.80,
        b.title,
        fontsize=26,
        fontweight="bold",
        color=_TEXT,
        va="top",
        gid="title",
        wrap=True,
    )
    sub = [b.offence_group, b.period_label]
    comp = getattr(b.rates, "comparison", None)
    if comp is not None:
        sub.append(f"compared with {getattr(comp, 'label', comp)}")
    subtitle = textwrap.fill(" · ".join(s for s in sub if s), 100)
    fig.text(0.07, 0.69, subtitle, fontsize=14, color="#333333", va="top", gid="subtitle")
    if b.organisation:
        below = 0.69 - 0.03 * (subtitle.count("\n") + 1) - 0.015  # under a wrapped subtitle
        fig.text(0.07, below, b.organisation, fontsize=12, color="#333333", va="top")
    facts = _key_figures(b)
    if facts:
        fig.text(0.07, 0.56, "Key figures", fontsize=13, fontweight="bold", va="top", color=_TEXT)
        fig.text(
            0.07,
            0.515,
            "\n".join(f"•  {line}" for line in facts),
            fontsize=12,
            va="top",
            linespacing=1.7,
            color=_TEXT,
            gid="key-figures",
        )
    foot = [
        f"Produced {b.produced:%d %B %Y} with Hotspot. Data: {b.data_source}.",
        *style.attribution_lines(year=b.boundary_year, imd=b.imd, samhi=b.samhi),
    ]
    fig.text(
        0.07, 0.06, "\n".join(foot), fontsize=8, color="#444444", va="bottom", gid="attribution"
    )
    _mark(fig, b, number)
    return fig


def table_page(b: Briefing, number: int) -> Figure:
    """Top-10 wards by rank (rate per 1,000 when populations are known)."""
    fig = _page(b)
    fig.text(
        0.05,
        0.94,
        "Wards with the highest rates",
        fontsize=18,
        fontweight="bold",
        va="top",
        gid="title",
    )
    rank_by = getattr(b.rates, "rank_by", "rate")
    by = "rate per 1,000 residents" if rank_by == "rate" else "number of offences"
    sub = style.join_nonempty(
        [b.offence_group, b.period_label, f"ranked by {by}", f"Data: {b.data_source}"]
    )
    fig.text(0.05, 0.89, sub, fontsize=11, color="#333333", va="top", gid="subtitle")
    table = ward_table(b.rates, top=10, suppress_below=b.suppress_below)
    ax = fig.add_axes((0.05, 0.2, 0.9, 0.64))
    ax.set_axis_off()
    tab = ax.table(
        cellText=table.values.tolist(),
        colLabels=list(table.columns),
        loc="upper center",
        cellLoc="center",
        colLoc="center",
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(10)
    tab.auto_set_column_width(list(range(len(table.columns))))
    tab.scale(1.0, 1.8)
    for (row, col), cell in tab.get_celld().items():
        cell.set_edgecolor("#bbbbbb")
        if row == 0:
            cell.set_facecolor("#e8e8e4")
            cell.set_text_props(fontweight="bold")
        if table.columns[col] == "Ward":
            cell.set_text_props(ha="left")
            cell._loc = "left"
    tab.set_gid("ward-table")
    notes = []
    if b.suppress_below and b.suppress_below > 1:
        notes.append(_suppression_note(b.suppress_below))
    if "Change %" in table.columns:
        notes.append("Change compares with the period of equal length just before.")
    warnings = list(getattr(b.rates, "warnings", ()) or ())
    notes += warnings[:3]
    if notes:
        fig.text(
            0.05,
            0.14,
            "\n".join(textwrap.fill(n, 150) for n in notes),
            fontsize=8.5,
            va="top",
            color="#333333",
            gid="table-notes",
        )
    _mark(fig, b, number)
    return fig


def _suppression_note(threshold: int) -> str:
    from hotspot.export import WITHHELD

    return (
        f"Publication setting: counts from 1 to {threshold - 1} are shown as <{threshold}; where "
        f"they could be worked out from the total, another count is withheld ({WITHHELD}); the "
        "rate, change and rank of those wards are left blank."
    )


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


def _ward_figures(b: Briefing, ward) -> list[str]:
    lines: list[str] = []
    code = str(ward["code"].iloc[0]) if "code" in ward.columns else ""
    t = getattr(b.rates, "table", None)
    if t is not None and code and "code" in t.columns:
        table = ward_table(b.rates, top=None, suppress_below=b.suppress_below)
        if code in table.index:
            shown = table.loc[code].fillna("")
            if shown.ndim > 1:  # a code listed twice: the first row
                shown = shown.iloc[0]

            def value(column: str) -> str:
                return shown[column] or "not shown (small numbers)"

            if "Rank" in shown:
                lines.append(
                    f"Rank: {shown['Rank']} of {len(table)} wards"
                    if shown["Rank"]
                    else "Rank: not shown (small numbers)"
                )
            lines.append(f"Offences: {value('Offences')}")
            if "Rate per 1,000" in shown:
                lines.append(f"Rate per 1,000 residents: {value('Rate per 1,000')}")
            if "Previous period" in shown:
                lines.append(f"Previous period: {value('Previous period')}")
            if "Change" in shown:
                pct = shown.get("Change %", "")
                pct = f" ({pct})" if pct and pct != "–" else ""
                lines.append(f"Change: {value('Change')}{pct}")
            if shown.get("Change test"):
                lines.append(f"Change test: {shown['Change test']}")
    geom = ward.geometry.iloc[0]
    lines.append(f"Area: {geom.area / 1e6:,.2f} km²")
    if b.gistar is not None:
        cells = b.gistar.cells
        inside = cells[cells.geometry.representative_point().within(geom)]
        hot = int((inside["gi_bin"] > 0).sum())
        cold = int((inside["gi_bin"] < 0).sum())
        lines.append(f"Gi* cells in the ward: {len(inside):,} ({hot} hot, {cold} cold)")
    if b.kde is not None:
        lines.append(_kde_share_line(b.kde, geom))
    return lines


def _kde_share_line(kde: Any, geom) -> str:
    from rasterio import features

    layer = L.DensitySurface(kde)
    cls = layer.class_grid()
    h, w = cls.shape
    mask = features.geometry_mask([geom], out_shape=(h, w), transform=kde.transform, invert=True)
    n = int(mask.sum())
    if n == 0:
        return "Density hotspot cells: none"
    hot = int(((cls > 0) & mask).sum())
    return f"Ward area in a density hotspot class: {hot / n:.0%}"


def ward_page(b: Briefing, key: str, number: int) -> Figure:
    """A zoomed map of one ward (density or Gi*) with the ward's figures."""
    wards = L.as_bng_gdf(b.wards, "wards")
    ward = _find_ward(wards, key)
    name = str(ward["name"].iloc[0]) if "name" in ward.columns else str(key)
    ctx = b.context()
    layers: list[L.MapLayer] = []
    if b.kde is not None:
        layers.append(L.DensitySurface(b.kde, opacity=0.85))
    elif b.gistar is not None:
        layers.append(L.GiStarCells(b.gistar, opacity=0.85))
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
        methods=_ward_figures(b, ward),
        methods_heading="Ward figures",
        methods_size=9.0,
        attributions=style.attribution_lines(year=b.boundary_year),
        page=b.page,
        extent=(xmin - pad, ymin - pad, xmax + pad, ymax + pad),
        basemap=b.basemap,
        basemap_timeout=ctx.basemap_timeout,
    )
    _mark(fig, b, number)
    return fig


def _methods_blocks(b: Briefing) -> list[tuple[str, list[str]]]:
    blocks: list[tuple[str, list[str]]] = []
    if b.kde is not None:
        blocks.append(("Kernel density", style.kde_methods(b.kde)))
    if b.gistar is not None:
        blocks.append(("Getis-Ord Gi* hot and cold spots", style.gistar_methods(b.gistar)))
    if b.rates is not None:
        blocks.append(("Ward rates and change", style.rates_methods(b.rates)))
    if b.bivariate is not None:
        blocks.append(
            ("Offending and context (bivariate Moran)", style.bivariate_methods(b.bivariate))
        )
    data = [f"Offences: {b.data_source}; {b.offence_group}; {b.period_label}."]
    data += list(b.data_notes)
    if b.suppress_below and b.suppress_below > 1:
        data.append(_suppression_note(b.suppress_below))
    blocks.append(("Data", data))
    warnings: list[str] = []
    for r in (b.kde, b.gistar, b.rates, b.bivariate):
        warnings += [str(w) for w in (getattr(r, "warnings", ()) or ())]
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
        fig = _page(b, landscape=False)
        title = "Methods and data" if not pages else "Methods and data (continued)"
        fig.text(0.07, 0.96, title, fontsize=18, fontweight="bold", va="top", gid="title")
        _mark(fig, b, number + len(pages))
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
            fig.text(0.07, y, line, fontsize=fontsize, va="top", color=_TEXT, gid="methods-text")
            y -= step
        y -= step * 0.8
    return pages


# --------------------------------------------------------------------------- pack


def build_pages(b: Briefing, *, progress: Progress = NO_PROGRESS):
    """Yield the pack's pages (matplotlib Figures) in order, one at a time."""
    ctx = b.context()
    builders: list = [lambda n: cover_page(b, n)]
    if b.kde is not None:
        builders.append(lambda n: _numbered(static.kde_map(b.kde, ctx), b, n))
    if b.gistar is not None:
        builders.append(lambda n: _numbered(static.gistar_map(b.gistar, ctx), b, n))
    if b.rates is not None:
        builders.append(lambda n: _numbered(static.rates_map(b.rates, ctx), b, n))
        if "change" in b.rates.table.columns:
            builders.append(lambda n: _numbered(static.change_map(b.rates, ctx), b, n))
        builders.append(lambda n: table_page(b, n))
    if b.bivariate is not None:
        x_label, y_label = b.bivariate_labels
        builders.append(
            lambda n: _numbered(
                static.clusters_map(
                    b.bivariate, ctx, x_label=x_label, y_label=y_label, samhi=b.uses_samhi()
                ),
                b,
                n,
            )
        )
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


def _numbered(fig: Figure, b: Briefing, n: int) -> Figure:
    _mark(fig, b, n)
    return fig


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
    "table_page",
    "ward_page",
    "ward_table",
    "write_briefing",
]
