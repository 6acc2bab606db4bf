"""Gi* hot spots: clusters of high and low counts on a grid (:mod:`hotspot.analysis.gistar`)."""

from __future__ import annotations

import dataclasses
from typing import Any

from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
from hotspot.core.labels import NEIGHBOURS
from hotspot.core.progress import SubProgress
from hotspot.pipeline.analysis_spec import (
    AnalysisSpec,
    FormHints,
    PrintMap,
    ResultLayer,
    ResultTable,
)
from hotspot.pipeline.inputs import selected_points
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.specs import _zones
from hotspot.pipeline.specs._common import needs_offences, with_street_names, with_ward_names
from hotspot.pipeline.verify import verify_gistar

ZONES = "gistar_zones"


def _run(project: Any, workspace: Any, params: GiStarParams, progress: Any) -> dict[str, Any]:
    sel = selected_points(project, workspace)
    result = run_gistar_grid(
        sel.offences.gdf,
        params,
        study_area=workspace.study_area(),
        progress=SubProgress(progress, 0.0, 0.9),
    )
    # each cell says which ward it is in: a table of cell numbers means nothing to a reader
    cells = with_ward_names(result.cells, workspace.wards)
    if result.kind == "grid":  # and the streets and places its offences are at
        cells = with_street_names(cells, result.params, sel.offences.gdf)
    result = with_warnings(dataclasses.replace(result, cells=cells), sel.warnings)
    zones = None
    if result.kind == "grid":
        result, zones = _zones.make_zones(
            "gistar", result, sel, workspace, SubProgress(progress, 0.9, 1.0)
        )
    return {"gistar": result, ZONES: zones}


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.layers import GiStarCells

    # Only significant cells are drawn: thousands of pale "not significant" cells would
    # make the map slow to redraw; the Gi* table lists every cell.
    layer = GiStarCells(
        results["gistar"], name="Gi* hot and cold spots", show_not_significant=False
    )
    zones = _zones.zone_layers(results, ZONES, "Gi* hot spot zones")
    return [ResultLayer("result:gistar", layer.name, layer), *zones]


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import result_params
    from hotspot.maps.wording import gistar_empty

    g = results["gistar"]
    empty = gistar_empty(g)
    return [
        ResultTable(
            "gistar",
            "Gi* cells",
            g.cells,
            description="Getis-Ord Gi* z-scores, p-values and hot/cold spot classes",
            caption=f"{empty} Every cell with its ward, highest Gi* z first"
            if empty
            else "Every cell with its ward, hot spots (highest Gi* z) first",
            csv="gistar_cells.csv",
            gpkg="gistar_cells",
            params=result_params(g),
            sort=("gi_z", False),
        ),
        *_zones.zone_tables(
            results, ZONES, title="Hot spot zones", csv="hotspot_zones.csv", gpkg="hotspot_zones"
        ),
    ]


def _summary(results: Any) -> list[str]:
    from hotspot.maps.wording import gistar_empty

    g = results["gistar"]
    fdr = "FDR-corrected" if g.fdr_corrected else "not corrected for multiple tests"
    lines = [
        f"Getis-Ord Gi*: {g.n_points:,} offences in {len(g.cells):,} cells of "
        f"{g.params.cell_size:,.0f} m ({fdr})."
    ]
    lines += [f"{label}: {n:,} cells" for label, n in g.counts_by_label().items() if n]
    empty = gistar_empty(g)
    if empty:
        lines.append(empty)
    if getattr(g, "n_outside", 0):
        lines.append(f"{g.n_outside:,} offences fell outside the study area.")
    return lines + _zones.zone_summary(results, ZONES)


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    from hotspot.maps import wording

    lines = wording.gistar_methods(results["gistar"]) + wording.zone_methods(results.get(ZONES))
    return [("Getis-Ord Gi* hot and cold spots", lines)]


def _print_map(results: Any, context: Any) -> Any:
    from hotspot.maps import static

    g = results.get("gistar")
    return static.gistar_map(g, context, zones=results.get(ZONES)) if g is not None else None


def _briefing(results: Any) -> Any:
    from hotspot.maps.briefing_sections import gistar_section

    return gistar_section(results["gistar"], zones=results.get(ZONES))


SPEC = AnalysisSpec(
    id="gistar",
    title="Gi* hot spots",
    name="Gi* hot spots",
    order=20,
    intro=(
        "Counts the selected offences in grid cells and finds clusters of high counts (hot "
        "spots) and low counts (cold spots) unlikely to be chance, at 90, 95 and 99% "
        "confidence. P-values are corrected for testing many cells (FDR) by default."
    ),
    methods=(
        "Gi* counts offences in grid cells and compares each cell and its neighbours (the 8 "
        "surrounding cells and the cell itself) with the whole study area. A hot spot is a "
        "cluster of high counts unlikely to arise by chance, a cold spot a cluster of low "
        "counts. Classes follow the ArcGIS convention: 99%, 95% and 90% confidence. By "
        "default the p-values are corrected for testing many cells at once (false discovery "
        "rate, Benjamini-Hochberg), which the legend says."
    ),
    params=GiStarParams,
    needs=needs_offences,
    run=_run,
    keys=("gistar", ZONES),
    layers=_layers,
    tables=_tables,
    print_maps=(PrintMap("gistar", "Gi* hot spots", _print_map),),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("gistar_cells.csv", "hotspot_zones.csv", "hotspot_zones_places.csv"),
    verify=(("gistar", "Gi* hot spots", verify_gistar),),
    form=FormHints(
        choice_labels={
            "shape": {"square": "Squares", "hexagon": "Hexagons"},
            "neighbourhood": {
                "queen": "8 surrounding cells",
                "distance": "Cells within a distance",
            },
            "area_weights": NEIGHBOURS,
            "alternative": {
                "two-sided": "Hot and cold spots",
                "greater": "Hot spots only",
                "lesser": "Cold spots only",
            },
        },
        applies={
            "distance": (
                lambda v: v["neighbourhood"] == "distance" or v["area_weights"] == "distance",
                "with a distance neighbourhood",
            ),
            "seed": (lambda v: (v["permutations"] or 0) > 0, "when Permutations is above 0"),
            "k": (lambda v: v["area_weights"] == "knn", "with 'k nearest areas'"),
        },
        captions={
            "area_weights": (
                "For the hot and cold LSOAs that Export writes (the map here shows the grid):"
            ),
        },
    ),
)
