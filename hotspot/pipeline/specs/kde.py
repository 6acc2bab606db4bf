"""Kernel density: where offences concentrate (:mod:`hotspot.analysis.kde`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from hotspot.analysis.kde import KdeParams, run_kde
from hotspot.core.progress import SubProgress
from hotspot.pipeline.analysis_spec import (
    AnalysisSpec,
    FileOutput,
    FormHints,
    PrintMap,
    ResultLayer,
    ResultTable,
)
from hotspot.pipeline.inputs import selected_points
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.specs import _zones
from hotspot.pipeline.specs._common import needs_offences

ZONES = "kde_zones"
"""The KDE hot spot areas (:func:`hotspot.analysis.kde_areas.kde_zones`)."""
TITLE = "KDE hot spot zones"


def _run(project: Any, workspace: Any, params: KdeParams, progress: Any) -> dict[str, Any]:
    sel = selected_points(project, workspace)
    kde = run_kde(
        sel.offences.gdf,
        params,
        study_area=workspace.study_area(),
        progress=SubProgress(progress, 0.0, 0.8),
    )
    kde = with_warnings(kde, sel.warnings)
    kde, zones = _zones.make_zones("kde", kde, sel, workspace, SubProgress(progress, 0.8, 1.0))
    return {"kde": kde, ZONES: zones}


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.layers import DensitySurface

    layer = DensitySurface(results["kde"], name="Kernel density hotspots")
    zones = _zones.zone_layers(results, ZONES, TITLE)
    return [ResultLayer("result:kde", layer.name, layer), *zones]


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import density_class_polygons, result_params

    kde = results["kde"]
    params = result_params(kde)
    thresholds = pd.DataFrame(
        [{"class": k, "threshold": v} for k, v in kde.hotspot_thresholds().items()]
    )
    out = [
        ResultTable(
            "kde",
            "KDE thresholds",
            thresholds,
            caption=f"Hotspot thresholds ({kde.units})",
        ),
        ResultTable(
            "kde_classes",
            "KDE hotspot classes",
            lambda: density_class_polygons(kde),
            description="Kernel density hotspot classes (cells at or above each threshold)",
            gpkg="kde_hotspot_classes",
            params=params,
            window=False,
        ),
    ]
    out += _zones.zone_tables(
        results,
        ZONES,
        title=TITLE,
        csv="kde_hotspot_zones.csv",
        gpkg="kde_hotspot_zones",
    )
    return out


def _summary(results: Any) -> list[str]:
    k = results["kde"]
    p = k.params
    lines = [
        f"{k.n_points:,} offences; {p.kernel} kernel, bandwidth {p.bandwidth:,.0f} m, "
        f"cell {p.cell_size:,.0f} m; values in {k.units}.",
        f"Bandwidth: {k.bandwidth_note}",
    ]
    lines += [f"{label}: {value:,.3g} {k.units}" for label, value in k.hotspot_thresholds().items()]
    return lines + _zones.zone_summary(results, ZONES)


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    from hotspot.maps import wording

    return [
        (
            "Kernel density",
            wording.kde_methods(results["kde"]) + wording.zone_methods(results.get(ZONES)),
        )
    ]


def _print_map(results: Any, context: Any) -> Any:
    from hotspot.maps import static

    if results.get("kde") is None:
        return None
    return static.kde_map(results["kde"], context, zones=results.get(ZONES))


def _briefing(results: Any) -> Any:
    from hotspot.maps.briefing_sections import kde_section

    return kde_section(results["kde"], zones=results.get(ZONES))


def _write_geotiff(results: Any, path: Any, overwrite: bool) -> None:
    from hotspot.export import write_geotiff

    if results.get("kde") is not None:
        write_geotiff(results["kde"], path, overwrite=overwrite)


def _computed_notes(result: Any) -> dict[str, str]:
    note = getattr(result, "bandwidth_note", "")
    return {"bandwidth": note} if note else {}


SPEC = AnalysisSpec(
    id="kde",
    title="Kernel density",
    name="kernel density",
    order=10,
    intro=(
        "Smooths the selected offences into a surface showing where they concentrate. "
        "Hotspots are where the surface is above 1, 2 and 3 times its mean; the cells of the "
        "hottest class, joined where they touch, are the KDE hot spot zones, numbered and named "
        "by their streets. Leave bandwidth and cell size on auto to use the standard rules; the "
        "values used appear after a run."
    ),
    methods=(
        "Kernel density estimation spreads each offence over a smooth bump (the kernel) of a "
        "given radius (the bandwidth) and adds the bumps up on a grid of cells, giving a "
        "surface of how concentrated offending is. Hotspots are the areas where the surface is "
        "above a multiple of its mean (1, 2 and 3 times by default). The cells of the hottest "
        "class, joined where they touch at a side or a corner, are the KDE hot spot zones, each "
        "with its offences, share, area, PAI, wards and streets. The default bandwidth "
        "follows the spatial Silverman rule used by ArcGIS; the default cell size is the "
        "shorter side of the study area divided by 250, rounded. KDE shows where offences "
        "concentrate, not whether the concentration is statistically significant."
    ),
    params=KdeParams,
    needs=needs_offences,
    run=_run,
    keys=("kde", ZONES),
    layers=_layers,
    tables=_tables,
    print_maps=(PrintMap("kde", "Kernel density", _print_map),),
    files=(FileOutput("kde.tif", lambda p: p.outputs.geotiff, _write_geotiff),),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("kde_hotspot_zones.csv", "kde_hotspot_zones_places.csv"),
    form=FormHints(
        choice_labels={
            "kernel": {"quartic": "Quartic (the usual choice)"},
            "output": {"density": "Offences per km²", "count": "Expected offences per cell"},
            "method": {"fft": "Fast (FFT)", "exact": "Exact sum (slow)"},
            "hotspot_rule": {
                "k_mean": "Multiples of the mean",
                "top_percent": "Top percentage of cells",
            },
        },
        applies={
            "hotspot_k": (
                lambda v: v["hotspot_rule"] == "k_mean",
                "with the hotspot rule 'Multiples of the mean'",
            ),
            "top_percent": (
                lambda v: v["hotspot_rule"] == "top_percent",
                "with the hotspot rule 'Top percentage of cells'",
            ),
        },
        computed_notes=_computed_notes,
    ),
)
