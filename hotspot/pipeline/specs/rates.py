"""Rates and change by ward and LSOA, hot and cold LSOAs, ward summaries (:mod:`hotspot.analysis.rates`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from hotspot.analysis.rates import RatesParams
from hotspot.core.errors import AnalysisError
from hotspot.core.formats import display
from hotspot.core.labels import level_name
from hotspot.core.progress import SubProgress
from hotspot.pipeline import registry
from hotspot.pipeline.analysis_spec import (
    AnalysisSpec,
    FormHints,
    Missing,
    PrintMap,
    ResultLayer,
    ResultTable,
)
from hotspot.pipeline.inputs import lsoa_context, rates_for
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.specs._common import needs_offences
from hotspot.pipeline.verify import verify_gistar

LEVELS = ("ward", "lsoa")


def _needs(workspace: Any) -> Missing | None:
    missing = needs_offences(workspace)
    if missing is None and workspace.wards is None and workspace.lsoas is None:
        return Missing("ward or LSOA boundaries", "areas")
    return missing


def rate_column(table: Any) -> str:
    """ "rate" when the areas have rates (a population table is loaded), else "count"."""
    return "rate" if table["rate"].notna().any() else "count"


def main_rates(results: Any) -> Any:
    """The ward rates when there are wards, else the rates of the level computed."""
    return results.get("rates_ward") or results.get("rates")


def _lsoa_hotspots(project: Any, stats: Any, progress: Any) -> tuple[Any, list[str]]:
    """Gi* of the LSOA rates (counts when there is no population): hot and cold LSOAs.

    The test is analytical whatever the grid's permutations: with a few hundred LSOAs and
    FDR correction, 999 permutations cannot reach significance (the smallest pseudo
    p-value is 0.001), so permutations would hide every hot spot.
    """
    from hotspot.analysis.gistar import run_gistar_areas

    table = stats.table
    column = "rate" if table["rate"].notna().all() else "count"
    params = dataclasses.replace(registry.params(project, "gistar"), permutations=0)
    try:
        result = run_gistar_areas(
            table[["code", "name", column, "geometry"]], column, params, progress=progress
        )
    except AnalysisError as exc:
        return None, [f"Gi* of LSOA {column}s: not made. {exc}"]
    return result, []


def _ward_summary(workspace: Any, results: dict[str, Any]) -> tuple[Any, list[str]]:
    from hotspot.analysis.ward_summary import ward_summary

    context = lsoa_context(workspace)
    indicators = None
    if context is not None and context.sources:
        indicators = context.table.reset_index().rename(columns={"code": "lsoa_code"})
    lookup = workspace.lookup("lsoa_ward")
    if lookup is not None and lookup.lsoa_vintage not in (None, workspace.lsoas.vintage):
        lookup = None
    try:
        summary = ward_summary(
            results["rates_lsoa"],
            wards=workspace.wards,
            lookup=lookup,
            indicators=indicators,
            ward_stats=results["rates_ward"],
        )
    except AnalysisError as exc:
        return None, [f"Ward summary: not made. {exc}"]
    return summary, []


def _run(project: Any, workspace: Any, params: RatesParams, progress: Any) -> dict[str, Any]:
    present = {"ward": workspace.wards, "lsoa": workspace.lsoas}
    levels = [lv for lv in LEVELS if present[lv] is not None]
    out: dict[str, Any] = {}
    for j, level in enumerate(levels):
        part = SubProgress(progress, 0.85 * j / len(levels), 0.85 * (j + 1) / len(levels))
        out[f"rates_{level}"] = rates_for(level, project, workspace, progress=part)
    notes: list[str] = []
    if "rates_lsoa" in out:
        out["gistar_lsoas"], more = _lsoa_hotspots(
            project, out["rates_lsoa"], SubProgress(progress, 0.85, 0.95)
        )
        notes += more
    if "rates_ward" in out and "rates_lsoa" in out:
        out["ward_summary"], more = _ward_summary(workspace, out)
        notes += more
    level = params.level if params.level in levels else levels[0]
    main = out[f"rates_{level}"]
    if level != params.level:
        other = level_name(level)
        notes.append(
            f"No {level_name(params.level, singular=True)} boundaries are loaded, so rates are "
            f"given for {other} instead."
        )
    out["rates"] = with_warnings(main, notes)
    return out


# --------------------------------------------------------------------------- outputs


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.layers import AreaChoropleth, ChangeSignificance

    stats = results["rates"]
    level = level_name(stats.level)
    table = stats.table
    out = []
    if "change" in table.columns:
        change = (
            ChangeSignificance(stats, visible=False)
            if "change_flag" in table.columns
            else AreaChoropleth(stats, column="change", visible=False)
        )
        out.append(
            ResultLayer(
                "result:rates:change", f"Change since previous period ({level})", change, False
            )
        )
    column = rate_column(table)
    layer = AreaChoropleth(stats, column=column)
    out.append(ResultLayer(f"result:rates:{column}", f"{layer.title} ({level})", layer))
    return out


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import result_params

    out = []
    lsoa = results.get("rates_lsoa")
    for level in LEVELS:
        stats = results.get(f"rates_{level}")
        if stats is None:
            continue
        plural = level_name(level)
        by = "rate" if rate_column(stats.table) == "rate" else "offence count"
        out.append(
            ResultTable(
                f"rates_{level}",
                f"Rates ({plural})",
                stats.table,
                description=f"Offence counts, rates per resident and change by {level}",
                caption=f"{level_name(level, title=True)} ranked by {by} (1 = highest)",
                csv=f"rates_{plural.lower()}.csv",
                gpkg=f"rates_{plural.lower()}",
                params=result_params(stats),
                sort=("rank", True),
            )
        )
    summary = results.get("ward_summary")
    if summary is not None:
        out.append(
            ResultTable(
                "ward_summary",
                "Ward summary",
                summary,
                caption="Each ward's figures and how its LSOAs sit in the IMD and SAMHI deciles",
                csv="ward_summary.csv",
            )
        )
    g = results.get("gistar_lsoas")
    if g is not None:
        out.append(
            ResultTable(
                "gistar_lsoas",
                "Hot and cold LSOAs",
                g.cells,
                description=f"Getis-Ord Gi* of the LSOA {g.value_column}s: hot and cold LSOAs",
                caption=f"Gi* of the LSOA {g.value_column}s, highest z first",
                csv="gistar_lsoas.csv",
                gpkg="gistar_lsoas",
                params=result_params(g),
                counts=lsoa.table if lsoa is not None else None,
                window=False,
                sort=("gi_z", False),
            )
        )
    return out


def _summary(results: Any) -> list[str]:
    lines: list[str] = []
    for level in LEVELS:
        stats = results.get(f"rates_{level}")
        if stats is None:
            continue
        t = stats.table
        by = rate_column(t)
        unit = f"per {stats.params.per:,} residents" if by == "rate" else "offences"
        lines.append(
            f"Rates by {level_name(level, singular=True)} ({stats.n_counted:,} offences counted)"
        )
        # rows without the figure (hidden small numbers) are not listed
        for _, row in t.dropna(subset=[by]).sort_values(by, ascending=False).head(5).iterrows():
            lines.append(f"  {row['name']}: {display(by, row[by])} {unit}")
        if "change_flag" in t.columns:
            flagged = t[t["change_flag"].fillna(False).astype(bool)]
            up, down = int((flagged["change"] > 0).sum()), int((flagged["change"] < 0).sum())
            lines.append(
                "  Change against the previous period beyond normal variation: "
                f"{up:,} up, {down:,} down."
            )
    g = results.get("gistar_lsoas")
    if g is not None:
        from hotspot.maps.wording import gistar_empty

        lines.append(f"Getis-Ord Gi* of the LSOA {g.value_column}s ({len(g.cells):,} LSOAs)")
        lines += [
            f"  {label}: {n:,} {'LSOA' if n == 1 else 'LSOAs'}"
            for label, n in g.counts_by_label().items()
            if n and label != "Not significant"
        ]
        empty = gistar_empty(g)
        if empty:
            lines.append(f"  {empty}")
    return lines


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    from hotspot.maps import wording

    return [("Ward rates and change", wording.rates_methods(main_rates(results)))]


def _rates_map(results: Any, context: Any) -> Any:
    from hotspot.maps import static

    stats = main_rates(results)
    return static.rates_map(stats, context) if stats is not None else None


def _change_map(results: Any, context: Any) -> Any:
    from hotspot.maps import static

    stats = main_rates(results)
    if stats is None or "change" not in stats.table.columns:
        return None
    return static.change_map(stats, context)


def _briefing(results: Any) -> Any:
    from hotspot.maps.briefing_sections import rates_section

    stats = results.get("rates_ward")
    return rates_section(stats, results.get("ward_summary")) if stats is not None else None


SPEC = AnalysisSpec(
    id="rates",
    title="Rates",
    name="rates and change",
    order=30,
    intro=(
        "Counts the selected offences in each ward (or LSOA), gives the rate per 1,000 "
        "residents when a population table is loaded, ranks the areas and compares with "
        "the previous period of equal length."
    ),
    methods=(
        "Counts offences in each ward and LSOA, divides by the resident population to give a "
        "rate per 1,000 residents, ranks the areas and compares with the previous period of "
        "equal length. Small populations give unstable rates; the smoothed (empirical Bayes) "
        "rate pulls them towards the borough average."
    ),
    params=RatesParams,
    needs=_needs,
    run=_run,
    keys=("rates", "rates_ward", "rates_lsoa", "gistar_lsoas", "ward_summary"),
    layers=_layers,
    tables=_tables,
    print_maps=(
        PrintMap("rates", "Rates", _rates_map),
        PrintMap("change", "Change", _change_map),
    ),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("rates_wards.csv", "rates_lsoas.csv", "ward_summary.csv", "gistar_lsoas.csv"),
    verify=(("gistar_lsoas", "Gi* of the LSOA rates", verify_gistar),),
    form=FormHints(
        choice_labels={
            "count_by": {
                "auto": "Automatic",
                "location": "Map location of each offence",
                "lsoa_code": "LSOA code given by police.uk",
            },
            "level": {"ward": "Wards", "lsoa": "LSOAs"},
        },
    ),
)
