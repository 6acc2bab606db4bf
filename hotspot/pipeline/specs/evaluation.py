"""How good the hotspot maps are: PAI, prediction, capture, stability (:mod:`hotspot.analysis.evaluation`)."""

from __future__ import annotations

from typing import Any

from hotspot.analysis.evaluation import EvaluationParams, run_evaluation
from hotspot.core.errors import AnalysisError
from hotspot.pipeline import registry
from hotspot.pipeline.analysis_spec import (
    AnalysisSpec,
    PrintMap,
    ResultChart,
    ResultLayer,
    ResultTable,
)
from hotspot.pipeline.registry import with_warnings
from hotspot.pipeline.selection import selected_group, selected_period
from hotspot.pipeline.specs._common import needs_offences


def _run(project: Any, workspace: Any, params: EvaluationParams, progress: Any) -> dict[str, Any]:
    offences = workspace.offences
    period = selected_period(project, offences)
    if period is None:
        raise AnalysisError("the evaluation needs offences: there is no period to score")
    result = run_evaluation(
        offences.select(selected_group(project)).gdf,
        params,
        period=period,
        study_area=workspace.study_area(),
        kde_params=registry.params(project, "kde"),
        gistar_params=registry.params(project, "gistar"),
        months_covered=offences.report.months,
        progress=progress,
    )
    return {"evaluation": with_warnings(result, [])}


def _layers(results: Any) -> list[ResultLayer]:
    from hotspot.maps.spacetime_layers import StabilityCells

    e = results["evaluation"]
    if e.stability_cells is None:
        return []
    layer = StabilityCells(e)
    return [ResultLayer("result:evaluation", layer.name, layer)]


def _tables(results: Any) -> list[ResultTable]:
    from hotspot.export import result_params

    e = results["evaluation"]
    params = {**result_params(e), "train": e.train, "test": e.test}
    out = [
        ResultTable(
            "evaluation",
            "Hotspot map scores",
            e.scores,
            description="PAI, PPAI, PEI, RRI, hit rates and capture of the KDE and Gi* hot spots",
            caption=f"Hot spots of {e.train} scored on {e.test}",
            csv="evaluation_scores.csv",
        ),
        ResultTable(
            "evaluation_capture",
            "Capture curve",
            e.capture,
            csv="evaluation_capture.csv",
            window=False,
        ),
    ]
    if len(e.stability):
        out.append(
            ResultTable(
                "evaluation_stability",
                "Hotspot stability",
                e.stability,
                caption=f"Hot spots of {e.test} with {e.stability_settings()}: overlap "
                "(Jaccard) with the setting used",
                csv="evaluation_stability.csv",
            )
        )
    if e.stability_cells is not None:
        out.append(
            ResultTable(
                "evaluation_cells",
                "Hotspot stability cells",
                e.stability_cells,
                description="Share of the bandwidths and cell sizes tried that call each cell hot",
                gpkg="hotspot_stability",
                params=params,
                window=False,
            )
        )
    return out


def _charts(results: Any) -> list[ResultChart]:
    from hotspot.maps.spacetime_pages import plot_capture

    e = results["evaluation"]
    return [
        ResultChart("evaluation_capture_chart", "Capture curve", lambda ax: plot_capture(ax, e))
    ]


def _summary(results: Any) -> list[str]:
    e = results["evaluation"]
    lines = [f"Hot spots of {e.train} scored on {e.test}."]
    for _, r in e.scores.iterrows():
        lines.append(
            f"{r['method']} ({r['hot_spots']}): {r['hit_rate']:.0%} of offences caught in "
            f"{r['area_share']:.1%} of the area (PAI {r['pai']:.1f}, PEI {r['pei']:.2f}, RRI {r['rri']:.2f}); top 5% of "
            f"the area: {r['capture_5']:.0%}"
        )
    if len(e.stability):
        low = e.stability.loc[e.stability["factor"] != 1.0].groupby("method")["jaccard"].min()
        lines += [
            f"Stability of the {m} hot spots: overlap at least {j:.2f} (Jaccard) across "
            f"{e.stability_settings()}"
            for m, j in low.items()
        ]
    return lines


def _methods(results: Any) -> list[tuple[str, list[str]]]:
    from hotspot.maps.spacetime_pages import evaluation_methods

    return [("How good the hotspot maps are", evaluation_methods(results["evaluation"]))]


def _print_map(results: Any, context: Any) -> Any:
    from hotspot.maps.spacetime_pages import stability_map

    e = results.get("evaluation")
    return stability_map(e, context) if e is not None else None


def _briefing(results: Any) -> Any:
    from hotspot.maps.spacetime_pages import evaluation_section

    return evaluation_section(results["evaluation"])


SPEC = AnalysisSpec(
    id="evaluation",
    title="Map evaluation",
    name="hotspot map evaluation",
    order=70,
    intro=(
        "How good are the hotspot maps? Scores last period's kernel density and Gi* hot "
        "spots on this period (PAI, hit rate, capture of the top 1, 5 and 10% of the area) "
        "and tests how much they change with the bandwidth and cell size."
    ),
    methods="\n".join(
        [
            "The hotspot maps are judged as the crime-science literature does. PAI "
            "(predictive accuracy index) = the share of offences in the hot spots divided by "
            "the share of the area they cover. Prediction: the hot spots of the period before "
            "(T1, as long as the selected period) are scored on the selected period (T2): hit "
            "rate (share of T2 offences in them), PAI, PPAI (the PAI of the best possible map "
            "of the same area), PEI (PAI / PPAI) and RRI (PAI in T2 / PAI in T1: near 1 when "
            "the hot spots stay put).",
            "Capture curve: the share of T2 offences in the top 1%, 5%, 10% ... of the area "
            "ranked by T1's density (KDE) or Gi* z-score, against the best possible ranking.",
            "Stability: the hot spots of T2 are made again with the bandwidth (KDE) and the "
            "cell size (Gi*) multiplied by 0.5 to 2; the overlap (Jaccard: shared area / "
            "combined area) with the setting used says how much they depend on it, and a map "
            "shows the cells hot under all, most (at least half) or few of the settings.",
        ]
    ),
    params=EvaluationParams,
    needs=needs_offences,
    run=_run,
    keys=("evaluation",),
    layers=_layers,
    tables=_tables,
    charts=_charts,
    print_maps=(PrintMap("stability", "Hotspot stability", _print_map),),
    summary=_summary,
    methods_lines=_methods,
    briefing=_briefing,
    csv_names=("evaluation_scores.csv", "evaluation_capture.csv", "evaluation_stability.csv"),
)
