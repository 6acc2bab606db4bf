"""What each analysis contributes to the briefing pack: its pages, figures and methods.

A :class:`BriefingSection` holds one analysis's part of the pack: key figures for the
cover, borough pages (maps, tables), lines and a map layer for the ward pages, and
its methods text. The analysis registry (:mod:`hotspot.pipeline.registry`) asks each
analysis for its section; :mod:`hotspot.maps.briefing` lays them out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from hotspot.maps import layers as L
from hotspot.maps import static, style, wording
from hotspot.maps.pages import mark_page, page_figure

PageMaker = Callable[[Any, int], "Figure | list[Figure]"]
"""``make(briefing, page_number) -> Figure or [Figure]``."""


@dataclass(frozen=True)
class BriefingSection:
    """One analysis's part of the briefing pack.

    Attributes
    ----------
    title : str
        The analysis, e.g. "Kernel density".
    key_figures : sequence of str
        Lines for the cover's key figures.
    pages : sequence of PageMaker
        Borough pages, in order.
    methods : sequence of (heading, lines)
        Blocks for the methods page.
    warnings : sequence of str
        What the reader should know about the result.
    ward_lines : callable, optional
        ``ward_lines(briefing, ward) -> [str]`` (``ward`` a one-row GeoDataFrame).
    ward_layer : callable, optional
        ``ward_layer() -> MapLayer``: the layer drawn under a ward page.
    imd, samhi : bool
        The section's pages use IMD / SAMHI (their citations).
    """

    title: str
    key_figures: Sequence[str] = ()
    pages: Sequence[PageMaker] = ()
    methods: Sequence[tuple[str, Sequence[str]]] = ()
    warnings: Sequence[str] = ()
    ward_lines: Callable[[Any, Any], list[str]] | None = None
    ward_layer: Callable[[], Any] | None = None
    imd: bool = False
    samhi: bool = False


def map_page(draw: Callable[[static.MapContext], Figure]) -> PageMaker:
    """A page maker for a print map drawn in the briefing's map context."""

    def make(b: Any, number: int) -> Figure:
        fig = draw(b.context())
        mark_page(fig, b, number)
        return fig

    return make


def _warnings(result: Any) -> list[str]:
    return [str(w) for w in (getattr(result, "warnings", ()) or ())]


# --------------------------------------------------------------------------- KDE


def _kde_share_line(kde: Any, geom) -> str:
    from rasterio import features

    cls = kde.classes()
    h, w = cls.shape
    mask = features.geometry_mask([geom], out_shape=(h, w), transform=kde.transform, invert=True)
    n = int(mask.sum())
    if n == 0:
        return "Density hotspot cells: none"
    hot = int(((cls > 0) & mask).sum())
    return f"Ward area in a density hotspot class: {hot / n:.0%}"


def _zone_figures(zones: Any, what: str) -> list[str]:
    """A cover line on the hot spot zones (none when there are none)."""
    if zones is None or not len(zones.zones):
        return []
    top = zones.zones.iloc[0]
    return [
        f"{what}: {len(zones.zones):,}; the largest, {top['name']}, holds "
        f"{int(top['offences']):,} offences"
    ]


def _zone_ward_lines(zones: Any, ward: Any) -> list[str]:
    if zones is None:
        return []
    return zones.lines_for_area(ward.geometry.iloc[0]) or ["Hot spot zones: none in this ward"]


def _with_zones(layer: Any, zones: Any) -> Any:
    """A ward page's layers: the result and the numbered zones over it."""
    return [layer, *static._zone_layers(zones)]


def kde_section(kde: Any, zones: Any = None) -> BriefingSection:
    """The kernel density map (zones numbered), each ward's share in a hotspot class and the
    zones it touches, methods."""
    return BriefingSection(
        "Kernel density",
        key_figures=[
            f"Density surface from {int(getattr(kde, 'n_points', 0)):,} offences",
            *_zone_figures(zones, "Density hot spot zones"),
        ],
        pages=[map_page(lambda ctx: static.kde_map(kde, ctx, zones=zones))],
        methods=[("Kernel density", wording.kde_methods(kde))],
        warnings=_warnings(kde),
        ward_lines=lambda b, ward: [
            _kde_share_line(kde, ward.geometry.iloc[0]),
            *_zone_ward_lines(zones, ward),
        ],
        ward_layer=lambda: _with_zones(L.DensitySurface(kde, opacity=0.85), zones),
    )


# --------------------------------------------------------------------------- Gi*


def _gistar_ward_lines(gistar: Any, ward: Any) -> list[str]:
    cells = gistar.cells
    inside = cells[cells.geometry.representative_point().within(ward.geometry.iloc[0])]
    hot = int((inside["gi_bin"] > 0).sum())
    cold = int((inside["gi_bin"] < 0).sum())
    return [f"Gi* cells in the ward: {len(inside):,} ({hot} hot, {cold} cold)"]


def gistar_section(gistar: Any, zones: Any = None) -> BriefingSection:
    """The Gi* map (zones numbered), hot and cold cells and hot spot zones per ward, methods."""
    bins = gistar.cells["gi_bin"].astype(int)
    unit = "areas" if getattr(gistar, "kind", "grid") == "areas" else "grid cells"
    return BriefingSection(
        "Getis-Ord Gi*",
        key_figures=[
            f"Gi* hot spots: {(bins > 0).sum():,} {unit} ({(bins >= 2).sum():,} at 95% "
            "confidence or more)",
            *_zone_figures(zones, "Gi* hot spot zones"),
        ],
        pages=[map_page(lambda ctx: static.gistar_map(gistar, ctx, zones=zones))],
        methods=[("Getis-Ord Gi* hot and cold spots", wording.gistar_methods(gistar))],
        warnings=_warnings(gistar),
        ward_lines=lambda b, ward: [
            *_gistar_ward_lines(gistar, ward),
            *_zone_ward_lines(zones, ward),
        ],
        ward_layer=lambda: _with_zones(L.GiStarCells(gistar, opacity=0.85), zones),
    )


# --------------------------------------------------------------------------- rates


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


def suppression_note(threshold: int) -> str:
    from hotspot.export import WITHHELD

    return (
        f"Publication setting: counts from 1 to {threshold - 1} are shown as <{threshold}; where "
        f"they could be worked out from the total, another count is withheld ({WITHHELD}); the "
        "rate, change and rank of those wards are left blank."
    )


def table_page(b: Any, rates: Any, number: int) -> Figure:
    """Top-10 wards by rank (rate per 1,000 when populations are known)."""
    fig = page_figure(b)
    fig.text(
        0.05,
        0.94,
        "Wards with the highest rates",
        fontsize=18,
        fontweight="bold",
        va="top",
        gid="title",
    )
    rank_by = getattr(rates, "rank_by", "rate")
    by = "rate per 1,000 residents" if rank_by == "rate" else "number of offences"
    sub = style.join_nonempty(
        [b.offence_group, b.period_label, f"ranked by {by}", f"Data: {b.data_source}"]
    )
    fig.text(0.05, 0.89, sub, fontsize=11, color="#333333", va="top", gid="subtitle")
    table = ward_table(rates, top=10, suppress_below=b.suppress_below)
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
        notes.append(suppression_note(b.suppress_below))
    if "Change %" in table.columns:
        notes.append("Change compares with the period of equal length just before.")
    warnings = list(getattr(rates, "warnings", ()) or ())
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
    mark_page(fig, b, number)
    return fig


def _rates_key_figures(rates: Any) -> list[str]:
    lines = []
    t = getattr(rates, "table", None)
    if t is None or "count" not in t.columns:
        return lines
    total = float(pd.to_numeric(t["count"], errors="coerce").sum())
    lines.append(f"Offences recorded in the wards: {total:,.0f}")
    if "count_prev" in t.columns:
        prev = float(pd.to_numeric(t["count_prev"], errors="coerce").sum())
        if prev > 0:
            pct = (total - prev) / prev * 100
            lines.append(f"Previous period: {prev:,.0f} ({pct:+.0f}%)")
    top = ward_table(rates, top=3, suppress_below=0)
    if len(top):
        lines.append("Highest-ranked wards: " + ", ".join(top["Ward"]))
    return lines


def _rates_ward_lines(b: Any, rates: Any, ward: Any) -> list[str]:
    lines: list[str] = []
    code = str(ward["code"].iloc[0]) if "code" in ward.columns else ""
    t = getattr(rates, "table", None)
    if t is None or not code or "code" not in t.columns:
        return lines
    table = ward_table(rates, top=None, suppress_below=b.suppress_below)
    if code not in table.index:
        return lines
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
    return lines


def rates_section(rates: Any) -> BriefingSection:
    """Ward rate and change maps, the top-10 wards table, the ward's figures, methods."""
    pages: list[PageMaker] = [map_page(lambda ctx: static.rates_map(rates, ctx))]
    if "change" in rates.table.columns:
        pages.append(map_page(lambda ctx: static.change_map(rates, ctx)))
    pages.append(lambda b, n: table_page(b, rates, n))
    return BriefingSection(
        "Ward rates and change",
        key_figures=_rates_key_figures(rates),
        pages=pages,
        methods=[("Ward rates and change", wording.rates_methods(rates))],
        warnings=_warnings(rates),
        ward_lines=lambda b, ward: _rates_ward_lines(b, rates, ward),
    )


# --------------------------------------------------------------------------- correlation


def bivariate_section(
    bivariate: Any,
    *,
    labels: tuple[str, str] = ("offence rate", "deprivation"),
    samhi: bool = False,
) -> BriefingSection:
    """The local bivariate cluster map (citing IMD or SAMHI) and its methods."""
    x_label, y_label = labels
    return BriefingSection(
        "Offending and context",
        pages=[
            map_page(
                lambda ctx: static.clusters_map(
                    bivariate, ctx, x_label=x_label, y_label=y_label, samhi=samhi
                )
            )
        ],
        methods=[("Offending and context (bivariate Moran)", wording.bivariate_methods(bivariate))],
        warnings=_warnings(bivariate),
        imd=not samhi,
        samhi=samhi,
    )


__all__ = [
    "BriefingSection",
    "bivariate_section",
    "gistar_section",
    "kde_section",
    "map_page",
    "rates_section",
    "suppression_note",
    "table_page",
    "ward_table",
]
