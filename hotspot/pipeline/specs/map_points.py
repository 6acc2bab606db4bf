"""Map points: the busiest police.uk points, facilities flagged, what leaving some out changes
(:mod:`hotspot.analysis.map_points`)."""

from __future__ import annotations

from typing import Any

import numpy as np

from hotspot.analysis.map_points import MapPointsParams, busiest_points, change_lines, zone_changes
from hotspot.core.errors import AnalysisError
from hotspot.core.formats import published_count
from hotspot.core.progress import SubProgress
from hotspot.model.places import exclusion_masks
from hotspot.pipeline import registry
from hotspot.pipeline.analysis_spec import AnalysisSpec, ResultLayer, ResultTable
from hotspot.pipeline.inputs import selected_points
from hotspot.pipeline.specs import _zones
from hotspot.pipeline.specs._common import needs_offences

CHANGES = "map_points_changes"


def every_point(project: Any, workspace: Any, selection: Any) -> Any:
    """The selected group and period with nothing left out (what the exclusions act on)."""
    return workspace.offences.select(selection.group, selection.period)


def _gistar_zones(project: Any, workspace: Any, selection: Any, offences: Any, progress) -> Any:
    from dataclasses import replace

    from hotspot.analysis.gistar import run_gistar_grid

    g = run_gistar_grid(
        offences.gdf,
        registry.params(project, "gistar"),
        study_area=workspace.study_area(),
        progress=SubProgress(progress, 0.0, 0.8),
    )
    view = replace(selection, offences=offences)
    return _zones.make_zones("gistar", g, view, workspace, SubProgress(progress, 0.8, 1.0))[1]


def _run(project: Any, workspace: Any, params: MapPointsParams, progress: Any) -> dict[str, Any]:
    from dataclasses import replace

    sel = selected_points(project, workspace)
    everything = every_point(project, workspace, sel)
    masks = exclusion_masks(everything.gdf, project.selection.exclusions())
    left_out = np.logical_or.reduce(masks) if masks else None
    points = busiest_points(
        everything.gdf,
        wards=workspace.wards,
        excluded=left_out,
        params=params,
        progress=SubProgress(progress, 0.0, 0.2),
    )
    warnings = list(sel.warnings)
    changes = None
    if sel.excluded and sel.excluded.offences:
        try:
            before = _gistar_zones(
                project, workspace, sel, everything, SubProgress(progress, 0.2, 0.6)
            )
            after = _gistar_zones(
                project, workspace, sel, sel.offences, SubProgress(progress, 0.6, 1.0)
            )
        except AnalysisError as exc:
            warnings.append(
                f"The hot spot zones with and without those points were not compared: {exc}"
            )
        else:
            if before is not None and after is not None:
                changes = zone_changes(before, after)
    result = replace(
        points,
        changes=changes,
        excluded=tuple(sel.excluded.lines()),
        warnings=tuple(warnings),
    )
    return {"map_points": result}


def _tables(results: Any) -> list[ResultTable]:
    r = results["map_points"]
    out = [
        ResultTable(
            "map_points",
            "Map points",
            r.points,
            description="The busiest police.uk map points, facility points flagged",
            caption=(
                f"The {len(r.points):,} busiest of {r.n_points:,} map points. Points flagged as a "
                "facility (hospital, police station ...) may be where offences were recorded "
                "rather than committed: right-click a row to leave its point out of every analysis."
            ),
            csv="map_points.csv",
            gpkg="map_points",
            params={"top": r.params.top, "excluded": list(r.excluded)},
            sort=("rank", True),
            zoom=True,
            exclude_column="exclude",
        )
    ]
    if r.changes is not None:
        out.append(
            ResultTable(
                CHANGES,
                "Zones with points left out",
                r.changes,
                description="Gi* hot spot zones with every offence and with the map points left out",
                caption="Gi* hot spot zones with every offence (before) and with the chosen map "
                "points left out (after).",
                csv="zones_before_after_exclusions.csv",
            )
        )
    return out


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.zone_layers import MapPointsLayer

    layer = MapPointsLayer(results["map_points"].points)
    return [ResultLayer("result:map_points", layer.name, layer, visible=False, sensitive=True)]


def _summary(results: Any) -> list[str]:
    r = results["map_points"]
    lines = r.lines(top=5)
    facilities = r.facilities.head(5)
    if len(facilities):
        lines.append(
            "Facility points among the busiest: "
            + "; ".join(
                f"{f['place']} ({f['ward'] or 'no ward'}): "
                f"{published_count(f['offences'], r.suppress_below)}"
                for _, f in facilities.iterrows()
            )
        )
    if r.excluded:
        lines.append("Left out of every analysis:")
        lines += [f"  {line}" for line in r.excluded]
    if r.changes is not None:
        lines.append("Gi* hot spot zones with those points left out:")
        lines += [f"  {line}" for line in change_lines(r.changes, r.suppress_below)]
    return lines


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    r = results["map_points"]
    lines = [
        "police.uk publishes every offence at one of a fixed set of anonymised map points, each "
        "named after a street or a kind of place. Points named after a facility (hospital, "
        "police station, custody, courts, shopping area, transport hubs) may be where offences "
        "were recorded rather than where they happened.",
        *r.lines(top=5)[:1],
    ]
    if r.excluded:
        lines += ["Left out of every analysis at the analyst's request:", *r.excluded]
    return [("Map points", lines)]


def _briefing(results: Any) -> Any:
    from hotspot.maps.briefing_sections import BriefingSection

    r = results["map_points"]
    figures = []
    if r.excluded:
        figures.append(f"Map points left out as facility artefacts: {len(r.excluded):,}")
    if r.changes is not None:
        figures += change_lines(r.changes, r.suppress_below)[:2]
    return BriefingSection(
        "Map points", key_figures=figures, methods=_methods(results), warnings=r.warnings
    )


SPEC = AnalysisSpec(
    id="map_points",
    title="Map points",
    name="busiest map points",
    order=25,
    intro=(
        "Counts offences per police.uk map point and flags points that stand for a facility "
        "(hospital, police station, custody, courts, shopping area, station) rather than a "
        "street. Leave such a point out of every analysis from the Map points table."
    ),
    methods=(
        "police.uk snaps every offence to an anonymised map point named after a street ('On or "
        "near Lewisham High Street') or a kind of place ('On or near Hospital'). Offences often "
        "pile up on a hospital or a police station because they were reported or dealt with "
        "there: a hot spot on such a point is an artefact of recording, not a place to patrol. "
        "The Map points table lists the busiest points with the facilities flagged (the list of "
        "facility names is resources/snap_point_facilities.toml, which you can edit). A point "
        "or a name can be left out of every analysis ([selection] exclude_locations); every "
        "output then says what was left out, and this analysis shows how the Gi* hot spot "
        "zones change."
    ),
    params=MapPointsParams,
    needs=needs_offences,
    run=_run,
    keys=("map_points",),
    layers=_layers,
    tables=_tables,
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("map_points.csv", "zones_before_after_exclusions.csv"),
)
