"""What the space-time analyses say and show: methods lines, print maps, charts, briefing.

- Emerging hot spots: :func:`emerging_methods`, :func:`emerging_map`,
  :func:`emerging_section` (a map page and the categories' definitions).
- Hotspot-map evaluation: :func:`evaluation_methods`, :func:`plot_capture` (the capture
  curve, drawn on any matplotlib Axes: the window and the briefing share it),
  :func:`stability_map`, :func:`evaluation_section` (a page with the capture curve and the
  scores, the stability map, and the methods lines).
"""

from __future__ import annotations

import dataclasses
import textwrap
from typing import Any

from matplotlib.figure import Figure

from hotspot.analysis.emerging_categories import DEFINITIONS, PATTERNS
from hotspot.analysis.evaluation import CAPTURE_AT
from hotspot.maps import static
from hotspot.maps.briefing_sections import BriefingSection, map_page
from hotspot.maps.pages import TEXT_COLOUR, mark_page, page_figure
from hotspot.maps.spacetime_layers import EmergingCells, StabilityCells, pattern_title
from hotspot.maps.wording import format_metres

# --------------------------------------------------------------------------- emerging


def category_sentences() -> list[str]:
    """One sentence per category (Help > Methods and the briefing's methods page)."""
    lines = [f"{pattern_title(p)} hot spot: {DEFINITIONS[p]}" for p in PATTERNS]
    lines.append(
        "Cold spots (new, consecutive, intensifying, persistent, diminishing, sporadic, "
        "oscillating, historical): the same with hot and cold swapped; an intensifying cold "
        "spot grows colder."
    )
    lines.append("No pattern detected: none of these.")
    return lines


def emerging_methods(result: Any) -> list[str]:
    """How the emerging hot spots were made (window, step, neighbourhood, inference)."""
    p = result.params
    where = (
        f"grid cells of {format_metres(p.cell_size)}"
        if result.kind == "grid"
        else f"{'LSOAs' if p.units == 'lsoa' else 'wards'}"
    )
    lags = p.time_lags
    lines = [
        f"Emerging hot spots: {result.months_used()}; locations = {where}.",
        "Gi* of every location and time step with space-time neighbours: the surrounding "
        f"{'cells' if result.kind == 'grid' else 'areas'} and the location itself, in the "
        f"same step and the {lags} previous step{'s' * (lags != 1)}, compared with the whole "
        "space-time cube (the method of ArcGIS's Emerging Hot Spot Analysis).",
        (
            f"Pseudo p-values from {p.permutations:,} conditional permutations (seed {p.seed})."
            if p.permutations
            else "Analytical z-scores and p-values (normal approximation)."
        )
        + (
            " Benjamini-Hochberg FDR correction over every bin."
            if p.fdr
            else " No multiple-testing correction."
        ),
        f"A bin is a hot (cold) spot at {1 - p.alpha:.0%} confidence; the trend of each "
        f"location's z-scores is a Mann-Kendall test at {1 - p.trend_alpha:.0%} confidence "
        "(over the steps whose time window is whole).",
    ]
    if result.steps.missing:
        lines.append(
            f"Months missing from the data ({', '.join(result.steps.missing)}) are missing "
            "steps, not zero offences."
        )
    lines.append(f"{result.n_points:,} offences in the space-time cube.")
    return lines


def emerging_map(result: Any, ctx: static.MapContext, *, extent=None) -> Figure:
    """Emerging hot spot categories (hot patterns in reds, cold in blues).

    The subtitle names the analysis's own window of months, not the project's period.
    """
    steps = result.steps
    window = f"{len(steps.steps) * steps.step_months} months, {steps.span}"
    return static.one_layer_map(
        EmergingCells(result, suppress_below=ctx.suppress_below),
        dataclasses.replace(ctx, period=window),
        title="Emerging hot spots: new, intensifying, persistent, diminishing ...",
        methods=emerging_methods(result),
        extent=extent,
    )


def emerging_section(result: Any) -> BriefingSection:
    """The emerging hot spot map, its key figures, and the categories in the methods."""
    counts = result.counts_by_category()
    hot = sum(v for k, v in counts.items() if k.endswith("hot spot"))
    unit = "areas" if result.kind == "areas" else "cells"
    top = [f"{k} {counts[f'{k} hot spot']:,}" for k in ("new", "intensifying", "persistent")]
    return BriefingSection(
        "Emerging hot spots",
        key_figures=[
            f"Emerging hot spots ({result.steps.span}): {hot:,} {unit} with a hot-spot "
            f"pattern ({', '.join(top)})"
        ],
        pages=[map_page(lambda ctx: emerging_map(result, ctx))],
        methods=[
            ("Emerging hot spots", emerging_methods(result)),
            ("Emerging hot spot categories", category_sentences()),
        ],
        warnings=list(result.warnings),
    )


# --------------------------------------------------------------------------- evaluation


def evaluation_methods(result: Any) -> list[str]:
    """What the scores mean and the figures themselves, one line each."""
    lines = [
        f"Hot spots made from {result.train} ({result.n_train:,} offences) are scored on "
        f"{result.test} ({result.n_test:,} offences).",
        "PAI = share of offences in the hot spots / share of the area they cover; PPAI = "
        "the PAI of the best possible map of the same area; PEI = PAI / PPAI; RRI = PAI of "
        "the earlier hot spots on the later period / their PAI on their own period (near 1: "
        "the hot spots stay put).",
        "The hot spots scored are every hot class each map draws; the numbered hot spot "
        "zones are stricter (the top density class, Gi* at 95% or more), and their own PAIs "
        "are in the zone tables.",
    ]
    for _, r in result.scores.iterrows():
        lines.append(
            f"{r['method']}: hot spots ({r['hot_spots']}) cover {r['area_share']:.1%} of the "
            "area; they held "
            f"{r['hit_rate_t1']:.0%} of the offences of their own period (PAI {r['pai_t1']:.1f}) "
            f"and caught {r['hit_rate']:.0%} of the next (PAI {r['pai']:.1f}, PPAI "
            f"{r['ppai']:.1f}, PEI {r['pei']:.2f}, RRI {r['rri']:.2f})."
        )
    for _, r in result.scores.iterrows():
        shares = ", ".join(
            f"{r[f'capture_{round(a * 100)}']:.0%} in the top {a:.0%}" for a in CAPTURE_AT
        )
        lines.append(f"{r['method']} ranking of the area: {shares} of the later offences.")
    stab = result.stability
    if len(stab):
        for method, rows in stab.groupby("method", sort=False):
            others = rows[rows["factor"] != 1.0]
            parts = ", ".join(
                f"× {f:g}: {j:.2f}"
                for f, j in zip(others["factor"], others["jaccard"], strict=True)
            )
            lines.append(
                f"Stability of the {method} hot spots ({rows['parameter'].iloc[0]} changed; "
                f"overlap with the setting used, Jaccard): {parts}."
            )
    return lines


def plot_capture(ax: Any, result: Any, *, title: bool = True) -> None:
    """The capture curve: share of the later offences in the top x% of the area (up to 25%)."""
    styles = {
        "Kernel density": ("#d95f02", "-"),
        "Gi*": ("#1b9e77", "-"),
        "Best possible": ("#555555", ":"),
    }
    for method, rows in result.capture.groupby("method", sort=False):
        colour, line = styles.get(method, ("#7570b3", "-"))
        ax.plot(rows["area_share"] * 100, rows["captured"] * 100, line, color=colour, label=method)
    for a in CAPTURE_AT:
        ax.axvline(a * 100, color="#cccccc", lw=0.8, zorder=0)
    ax.set_xlim(0, 25)
    ax.set_ylim(0, 100)
    ax.set_xticks([0, 1, 5, 10, 15, 20, 25])
    ax.set_xlabel("Share of the area, ranked by the earlier period (%)")
    ax.set_ylabel("Share of the later offences captured (%)")
    if title:
        ax.set_title(f"Hot spots of {result.train} scored on {result.test}", fontsize=10)
    ax.legend(loc="lower right", fontsize="small", frameon=False)


def stability_map(result: Any, ctx: static.MapContext, *, extent=None) -> Figure | None:
    """Cells hot under all, most or few of the bandwidths and cell sizes tried."""
    if result.stability_cells is None:
        return None
    return static.one_layer_map(
        StabilityCells(result),
        ctx,
        title="How stable are the hot spots? Cells hot under all, most or few settings",
        methods=evaluation_methods(result)[-2:],
        extent=extent,
    )


def _capture_page(b: Any, result: Any, number: int) -> Figure:
    fig = page_figure(b)
    fig.text(
        0.05,
        0.94,
        "How good is the hotspot map?",
        fontsize=18,
        fontweight="bold",
        va="top",
        gid="title",
    )
    fig.text(
        0.05,
        0.895,
        f"Hot spots of {result.train} scored on {result.test}",
        fontsize=11,
        color="#333333",
        va="top",
        gid="subtitle",
    )
    ax = fig.add_axes((0.07, 0.14, 0.42, 0.68))
    plot_capture(ax, result, title=False)
    lines = evaluation_methods(result)[2:]
    fig.text(
        0.55,
        0.82,
        "\n".join(textwrap.fill(line, 70) for line in lines),
        fontsize=8.5,
        va="top",
        color=TEXT_COLOUR,
        gid="scores",
        linespacing=1.4,
    )
    mark_page(fig, b, number)
    return fig


def evaluation_section(result: Any) -> BriefingSection:
    """The capture-curve page, the stability map and the scores on the methods page."""
    pages = [lambda b, n: _capture_page(b, result, n)]
    if result.stability_cells is not None:
        pages.append(map_page(lambda ctx: stability_map(result, ctx)))
    best = result.scores.sort_values("pai", ascending=False).iloc[0]
    return BriefingSection(
        "Hotspot map evaluation",
        key_figures=[
            f"Last period's {best['method']} hot spots caught {best['hit_rate']:.0%} of this "
            f"period's offences in {best['area_share']:.1%} of the area (PAI {best['pai']:.1f})"
        ],
        pages=pages,
        methods=[("How good the hotspot maps are", evaluation_methods(result))],
        warnings=list(result.warnings),
    )


__all__ = [
    "category_sentences",
    "emerging_map",
    "emerging_methods",
    "emerging_section",
    "evaluation_methods",
    "evaluation_section",
    "plot_capture",
    "stability_map",
]
