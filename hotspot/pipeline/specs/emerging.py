"""Emerging hot spots: new, intensifying, persistent, diminishing ... (:mod:`hotspot.analysis.emerging`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from hotspot.analysis.emerging import EmergingParams, run_emerging
from hotspot.pipeline.analysis_spec import (
    AnalysisSpec,
    FormHints,
    Missing,
    MissingInput,
    PrintMap,
    ResultLayer,
    ResultTable,
)
from hotspot.pipeline.selection import selected_group, selected_period
from hotspot.pipeline.specs._common import needs_offences

_LEVELS = {"lsoa": ("lsoas", "LSOA boundaries"), "ward": ("wards", "ward boundaries")}


def _run(project: Any, workspace: Any, params: EmergingParams, progress: Any) -> dict[str, Any]:
    offences = workspace.offences
    period = selected_period(project, offences)
    areas = None
    if params.units in _LEVELS:
        attr, what = _LEVELS[params.units]
        areas = getattr(workspace, attr)
        if areas is None:
            raise MissingInput(Missing(what, "areas", "emerging hot spots by area need them"))
    result = run_emerging(
        offences.select(selected_group(project)).gdf,
        params,
        months_covered=offences.report.months,
        end=period.end if period is not None else None,
        study_area=workspace.study_area(),
        areas=areas,
        progress=progress,
    )
    return {"emerging": result}


def _id_columns(result: Any) -> list[str]:
    return ["cell_id", "row", "col"] if result.kind == "grid" else ["code", "name"]


def _cube_frame(result: Any) -> pd.DataFrame:
    ids = result.locations[_id_columns(result)[:1]].reset_index(drop=True)
    cube = result.cube().merge(ids, left_on="location", right_index=True, how="left")
    first = _id_columns(result)[0]
    return cube[[first, *[c for c in cube.columns if c not in ("location", first)]]]


def _window_frame(result: Any) -> pd.DataFrame:
    keep = [
        *[c for c in _id_columns(result) if c in result.locations.columns],
        "pattern",
        "n",
        "n_hot",
        "n_cold",
        "trend_tau",
        "trend_p",
    ]
    frame = pd.DataFrame(result.locations[keep])
    frame.insert(frame.columns.get_loc("pattern") + 1, "z_series", result.z_series())
    return frame


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.spacetime_layers import EmergingCells

    layer = EmergingCells(results["emerging"])
    return [ResultLayer("result:emerging", layer.name, layer)]


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import result_params

    e = results["emerging"]
    params = {**result_params(e), "window": e.steps.span}
    return [
        ResultTable(
            "emerging",
            "Emerging hot spots",
            lambda: _window_frame(e),
            caption=(
                f"{e.months_used()}. The line shows each location's Gi* z-score, step by "
                "step (above the pale line: hotter than the borough; the dot is the last "
                "step). Most hot steps first."
            ),
            sort=("n_hot", False),
        ),
        ResultTable(
            "emerging_locations",
            "Emerging hot spot locations",
            e.locations,
            description="Emerging hot spot categories, Mann-Kendall trends of Gi* z-scores",
            csv="emerging_hot_spots.csv",
            gpkg="emerging_hot_spots",
            params=params,
            window=False,
        ),
        ResultTable(
            "emerging_cube",
            "Space-time cube",
            lambda: _cube_frame(e),
            description="Offences, Gi* z, p and q per location and time step (long format)",
            csv="emerging_cube.csv",
            window=False,
        ),
    ]


def _summary(results: Any) -> list[str]:
    e = results["emerging"]
    unit = "areas" if e.kind == "areas" else "cells"
    lines = [f"Emerging hot spots: {e.months_used()}; {len(e.locations):,} {unit}."]
    lines += [
        f"{name[:1].upper()}{name[1:]}: {n:,} {unit}"
        for name, n in e.counts_by_category().items()
        if n and name != "no pattern detected"
    ]
    if len(lines) == 1:
        lines.append("No location shows a hot or cold spot pattern.")
    return lines


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    from hotspot.maps.spacetime_pages import category_sentences, emerging_methods

    e = results["emerging"]
    return [("Emerging hot spots", emerging_methods(e)), ("Categories", category_sentences())]


def _print_map(results: Any, context: Any) -> Any:
    from hotspot.maps.spacetime_pages import emerging_map

    e = results.get("emerging")
    return emerging_map(e, context) if e is not None else None


def _briefing(results: Any) -> Any:
    from hotspot.maps.spacetime_pages import emerging_section

    return emerging_section(results["emerging"])


def _computed_notes(result: Any) -> dict[str, str]:
    notes = {"months": result.months_used()}
    if result.steps.auto:
        notes["step_months"] = f"{result.params.step_months} (from {result.steps.auto})"
    if result.params.cell_size:
        notes["cell_size"] = f"{result.params.cell_size:,.0f} m"
    return notes


def _methods_text() -> str:
    from hotspot.maps.spacetime_pages import category_sentences

    return "\n".join(
        [
            "Emerging hot spot analysis (the method of ArcGIS's Emerging Hot Spot Analysis "
            "and R's sfdep) counts offences per grid cell (or LSOA, ward) and time step, "
            "computes Gi* for every cell and step with neighbours in space (the surrounding "
            "cells) and time (the previous step), then tests the trend of each location's "
            "z-scores with the Mann-Kendall test, and names one of 17 patterns. It needs at "
            "least 10 time steps: give it its own window (Months analysed, by default every "
            "month in the data), longer than the usual 12-month period. Months missing from "
            "the data are missing steps, never zero offences. The patterns:",
            *category_sentences(),
        ]
    )


SPEC = AnalysisSpec(
    id="emerging",
    title="Emerging hot spots",
    name="emerging hot spots",
    order=60,
    intro=(
        "Looks at hot spots over time: which are new, growing, persistent, fading or "
        "sporadic. Uses every month in the data by default (at least 10 time steps), not "
        "only the selected period."
    ),
    methods=_methods_text(),
    params=EmergingParams,
    needs=needs_offences,
    run=_run,
    keys=("emerging",),
    layers=_layers,
    tables=_tables,
    print_maps=(PrintMap("emerging", "Emerging hot spots", _print_map),),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("emerging_hot_spots.csv", "emerging_cube.csv"),
    form=FormHints(
        choice_labels={"units": {"grid": "Grid cells", "lsoa": "LSOAs", "ward": "Wards"}},
        applies={
            "cell_size": (lambda v: v["units"] == "grid", "with grid cells"),
            "seed": (lambda v: (v["permutations"] or 0) > 0, "when Permutations is above 0"),
        },
        computed_notes=_computed_notes,
    ),
)
