"""Named areas: offences in town centres, beats or estates (:mod:`hotspot.analysis.named_areas`)."""

from __future__ import annotations

from typing import Any

from hotspot.analysis.named_areas import NamedAreaParams, named_area_counts, zones_in_areas
from hotspot.core.errors import AnalysisError
from hotspot.pipeline.analysis_spec import AnalysisSpec, Missing, PrintMap, ResultLayer, ResultTable
from hotspot.pipeline.inputs import selected_points
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.specs._common import needs_offences

ZONE_KEYS = (("gistar_zones", "zones_gistar"), ("kde_zones", "zones_kde"))
"""Zone results and the column naming which of their zones fall in each area."""


def area_layers(workspace: Any) -> list[Any]:
    """The polygon reference layers (town centres, beats ...)."""
    refs = getattr(workspace, "references", None) or []
    return [r for r in refs if r.geometry == "polygons"]


def _chosen(workspace: Any, params: NamedAreaParams) -> Any:
    layers = area_layers(workspace)
    if params.layer is not None:
        for r in layers:
            if r.label.strip().lower() == params.layer.strip().lower():
                return r
        known = ", ".join(repr(r.label) for r in layers) or "none"
        raise AnalysisError(
            f"named_areas.layer: no polygon reference layer is called {params.layer!r}; "
            f"the project's are: {known}"
        )
    named = [r for r in layers if r.named]
    return (named or layers)[0]


def _needs(workspace: Any) -> Missing | None:
    missing = needs_offences(workspace)
    if missing is not None:
        return missing
    if not area_layers(workspace):
        return Missing(
            "a polygon reference layer such as town centres or patrol beats",
            "reference",
            "offences are counted in each of its named areas",
        )
    return None


def _run(project: Any, workspace: Any, params: NamedAreaParams, progress: Any) -> dict[str, Any]:
    sel = selected_points(project, workspace)
    ref = _chosen(workspace, params)
    result = named_area_counts(
        ref.gdf,
        sel.offences.gdf,
        sel.comparison.gdf if sel.comparison is not None and params.change else None,
        layer=ref.label,
        params=params,
        progress=progress,
    )
    return {"named_areas": with_warnings(result, sel.warnings)}


def with_zones(results: Any) -> Any:
    """The named-area table with the hot spot zones that fall in each (when they were run)."""
    r = results["named_areas"]
    table = r.table.copy()
    for key, column in ZONE_KEYS:
        zones = results.get(key)
        if zones is not None:
            table[column] = zones_in_areas(table, zones)
    return table


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import result_params

    r = results["named_areas"]
    return [
        ResultTable(
            "named_areas",
            r.layer,
            with_zones(results),
            description=f"Offences in each of {r.layer}: counts, rate per km², share, change, "
            "hot spot zones",
            caption=f"Offences in each of {r.layer}, most first; zones_gistar / zones_kde name the "
            "hot spot zones that fall in each. Click an area to zoom to it.",
            csv="named_areas.csv",
            gpkg="named_areas",
            params=result_params(r),
            sort=("count", False),
            zoom=True,
        )
    ]


def _layer(results: Any) -> Any:
    from hotspot.maps.zone_layers import NamedAreasMap

    r = results["named_areas"]
    return NamedAreasMap(with_zones(results), name=f"Offences per km² in {r.layer}")


def _layers(results: Any) -> list[ResultLayer]:
    layer = _layer(results)
    return [ResultLayer("result:named_areas", layer.name, layer)]


def _summary(results: Any) -> list[str]:
    lines = results["named_areas"].lines(top=8)
    table = with_zones(results)
    names = {"zones_gistar": "Gi* zone", "zones_kde": "density zone"}
    columns = [c for c in names if c in table.columns]
    for _, row in table.head(8).iterrows():
        found = [f"{names[c]} {row[c]}" for c in columns if row[c]]
        if found:
            lines.append(f"Hot spot zones in {row['name']}: {'; '.join(found)}")
    return lines


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    r = results["named_areas"]
    return [
        (
            f"Offences in {r.layer}",
            [
                f"Offences counted in each area of the reference layer {r.layer!r} (an offence "
                "at a map point inside an area counts for it; areas sharing a name are merged). "
                "Rate = offences per km² of the area; share = of every offence of the selection.",
                *r.lines(top=3),
            ],
        )
    ]


def _print_map(results: Any, context: Any) -> Any:
    if results.get("named_areas") is None:
        return None
    from hotspot.maps import static

    r = results["named_areas"]
    return static.layer_map(
        _layer(results),
        context,
        title=f"Offences in {r.layer}",
        methods=_methods(results)[0][1],
    )


def _briefing(results: Any) -> Any:
    from hotspot.maps.briefing_sections import BriefingSection, map_page

    r = results["named_areas"]
    return BriefingSection(
        f"Offences in {r.layer}",
        key_figures=r.lines(top=1)[:1],
        pages=[map_page(lambda ctx: _print_map(results, ctx))],
        methods=_methods(results),
        warnings=r.warnings,
    )


SPEC = AnalysisSpec(
    id="named_areas",
    title="Named areas",
    name="offences in named areas",
    order=35,
    intro=(
        "Counts the selected offences in each named area of a polygon reference layer (town "
        "centres, patrol beats): offences, rate per km², share of the borough, change, and "
        "the hot spot zones that fall in each."
    ),
    methods=(
        "With a polygon reference layer such as a council's town-centre boundaries or police "
        "beats, each offence is counted in the area its map point falls in. The table gives "
        "each area's offences, its rate per km² (offences divided by its area), its share of "
        "every offence of the selection and the change since the comparison period, and names "
        "the Gi* and KDE hot spot zones that overlap it."
    ),
    params=NamedAreaParams,
    needs=_needs,
    run=_run,
    keys=("named_areas",),
    layers=_layers,
    tables=_tables,
    print_maps=(PrintMap("named_areas", "Named areas", _print_map),),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("named_areas.csv",),
)
