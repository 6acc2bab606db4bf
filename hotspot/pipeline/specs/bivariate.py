"""Correlation of offence rates with deprivation (IMD) or mental health (SAMHI) (:mod:`hotspot.analysis.correlation`)."""

from __future__ import annotations

from typing import Any

from hotspot.analysis.correlation import BivariateParams, run_bivariate
from hotspot.core.errors import AnalysisError
from hotspot.core.labels import MEASURES, NEIGHBOURS
from hotspot.core.progress import SubProgress
from hotspot.pipeline.analysis_spec import (
    AnalysisSpec,
    FormHints,
    Missing,
    MissingInput,
    PrintMap,
    ResultLayer,
    ResultTable,
)
from hotspot.pipeline.inputs import lsoa_context, rates_for
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.specs._common import needs_offences
from hotspot.pipeline.verify import verify_bivariate


def _needs(workspace: Any) -> Missing | None:
    missing = needs_offences(workspace)
    if missing is not None:
        return missing
    if workspace.lsoas is None:
        return Missing("LSOA boundaries", "areas", "the comparison is made LSOA by LSOA")
    if workspace.indicator("imd") is None and workspace.indicator("samhi") is None:
        return Missing("an IMD or SAMHI table", "indicators")
    return None


def _run(project: Any, workspace: Any, params: BivariateParams, progress: Any) -> dict[str, Any]:
    measure = MEASURES[params.context]
    ctx = lsoa_context(workspace)
    values = ctx.column(params.context) if ctx is not None else None
    if values is None or values.notna().sum() == 0:
        raise MissingInput(
            Missing(
                f"the {measure.source.upper()} table",
                "indicators",
                f"no {measure.label} is loaded for the LSOAs (or choose another measure under "
                "'Compare with')",
            )
        )
    stats = rates_for("lsoa", project, workspace, progress=SubProgress(progress, 0.0, 0.2))
    if params.measure != "count" and stats.table[params.measure].notna().sum() == 0:
        raise AnalysisError(
            "correlation: the LSOAs have no rates because no population table is loaded; add "
            "one or choose 'count' as the offence measure"
        )
    gdf = stats.table[["code", "name", params.measure, "geometry"]].copy()
    gdf[params.context] = gdf["code"].astype(str).map(values).to_numpy()
    result = run_bivariate(
        gdf, params.measure, params.context, params, progress=SubProgress(progress, 0.2, 1.0)
    )
    return {"bivariate": with_warnings(result, stats.warnings), "bivariate_rates": stats}


def _measure(result: Any) -> Any:
    return MEASURES[result.params.context]


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.layers import ClusterMap

    b = results["bivariate"]
    layer = ClusterMap(
        b, name="Local bivariate Moran clusters", x_label="offence rate", y_label=_measure(b).short
    )
    return [ResultLayer("result:bivariate", layer.name, layer)]


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import result_params
    from hotspot.maps.wording import clusters_empty

    b = results["bivariate"]
    lsoa = results.get("bivariate_rates")
    empty = clusters_empty(b)
    return [
        ResultTable(
            "bivariate",
            "Local correlation",
            b.local,
            description="Local bivariate Moran's I and clusters",
            caption=f"{empty} {b.caveat}" if empty else b.caveat,
            csv="bivariate_lsoas.csv",
            gpkg="bivariate_local",
            params=result_params(b),
            counts=lsoa.table if lsoa is not None else None,
        )
    ]


def _summary(results: Any) -> list[str]:
    from hotspot.maps import wording

    b = results["bivariate"]
    lines = wording.correlation_sentences(b)
    shown = [f"{c} {n:,}" for c, n in b.cluster_counts().items() if n and c != "Not significant"]
    lines.append(
        f"Local clusters ({b.n:,} LSOAs, {b.params.permutations:,} permutations, seed {b.seed}): "
        f"{'; '.join(shown) or 'none significant'}."
    )
    empty = wording.clusters_empty(b)
    if empty:
        lines.append(empty)
    if b.caveat:
        lines.append(b.caveat)
    return lines


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    from hotspot.maps import wording

    return [
        (
            "Offending and context (bivariate Moran)",
            wording.bivariate_methods(results["bivariate"]),
        )
    ]


def _clusters_map(results: Any, context: Any) -> Any:
    from hotspot.maps import static

    b = results.get("bivariate")
    if b is None:
        return None
    m = _measure(b)
    return static.clusters_map(b, context, y_label=m.short, samhi=m.source == "samhi")


def _bivariate_map(results: Any, context: Any) -> Any:
    from hotspot.maps import static

    b = results.get("bivariate")
    if b is None:
        return None
    m = _measure(b)
    return static.bivariate_map(
        b.local,
        context,
        x=b.x,
        y=b.y,
        y_label=m.label,
        samhi=m.source == "samhi",
        x_label="Offence rate",
    )


def _briefing(results: Any) -> Any:
    from hotspot.maps.briefing_sections import bivariate_section

    b = results["bivariate"]
    m = _measure(b)
    return bivariate_section(b, labels=("offence rate", m.short), samhi=m.source == "samhi")


SPEC = AnalysisSpec(
    id="bivariate",
    title="Correlation",
    name="correlation",
    order=40,
    intro=(
        "How the offence rate of an area relates to its deprivation (IMD) or mental health "
        "(SAMHI): Spearman's rank correlation and bivariate Moran's I, with a map of local "
        "clusters. Local bivariate clusters mix correlation and neighbourhood effects: read "
        "them with care."
    ),
    methods=(
        "Measures how the offence rate of an area relates to its deprivation (IMD) or mental "
        "health (SAMHI): Spearman's rank correlation, and the bivariate Moran's I, which also "
        "looks at neighbouring areas. The local version maps High-High, Low-Low, High-Low and "
        "Low-High clusters; it mixes correlation and spatial lag, so read it with care."
    ),
    params=BivariateParams,
    needs=_needs,
    run=_run,
    keys=("bivariate", "bivariate_rates"),
    layers=_layers,
    tables=_tables,
    print_maps=(
        PrintMap("clusters", "Local clusters", _clusters_map),
        PrintMap("bivariate", "Rate and context together", _bivariate_map),
    ),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("bivariate_lsoas.csv",),
    verify=(("bivariate", "Correlation (bivariate Moran)", verify_bivariate),),
    form=FormHints(
        choice_labels={
            "measure": {
                "rate": "Offence rate",
                "rate_eb": "Smoothed offence rate",
                "count": "Offence count",
            },
            "context": {m.column: m.choice for m in MEASURES.values()},
            "weights": NEIGHBOURS,
            "alternative": {
                "two-sided": "Two-sided (recommended)",
                "directed": "Directed (as GeoDa)",
                "folded": "Folded",
            },
        },
        applies={"k": (lambda v: v["weights"] == "knn", "with 'k nearest areas'")},
    ),
)
