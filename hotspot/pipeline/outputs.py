"""The analysis and export steps of ``hotspot run``.

After the issue-2 outputs (load report, selected offences) the run computes the
analyses the project's ``[outputs] analyses`` lists (through
:func:`hotspot.pipeline.analyses.run_analysis`, the same call the window makes),
then writes what ``[outputs]`` asks for:

=====================  ========================================================
``kde.tif``            the density surface (GeoTIFF, EPSG:27700, nodata set)
``results.gpkg``       every result layer, with its parameters (``hotspot_params``)
``*.csv``              area tables (rates per ward and LSOA, ward summary,
                       bivariate LSOA values, KDE hotspot areas, Gi* cells)
``summary.txt``        the headline figures of every analysis, in plain English
``map_<type>.<fmt>``   print maps (``outputs.maps`` x ``outputs.map_formats``)
``map.html``           the offline interactive map (``outputs.html``)
``briefing.pdf``       the briefing pack (``outputs.briefing``)
=====================  ========================================================

This module is Qt-free.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotspot.core.errors import AnalysisError
from hotspot.core.progress import SubProgress
from hotspot.model import Project
from hotspot.pipeline.analyses import (
    CONTEXT_LABELS,
    lsoa_context,
    missing_inputs,
    rates_for,
    run_analysis,
)
from hotspot.pipeline.context import Step

GEOTIFF_FILE = "kde.tif"
GPKG_FILE = "results.gpkg"
SUMMARY_FILE = "summary.txt"
HTML_FILE = "map.html"
BRIEFING_FILE = "briefing.pdf"
CSV_FILES = {
    "rates_ward": "rates_wards.csv",
    "rates_lsoa": "rates_lsoas.csv",
    "ward_summary": "ward_summary.csv",
    "bivariate": "bivariate_lsoas.csv",
    "kde_areas": "kde_hotspot_areas.csv",
    "gistar": "gistar_cells.csv",
    "gistar_lsoas": "gistar_lsoas.csv",
}


def _wanted(project: Project, name: str) -> bool:
    return name in project.outputs.analyses


# --------------------------------------------------------------------------- analyses


def compute_analyses(ctx: Any) -> None:
    """Run every analysis the project lists; skip (with a note) those lacking inputs.

    Fills ``ctx.results`` with "kde", "kde_areas", "gistar", "rates_ward",
    "rates_lsoa", "ward_summary" and "bivariate" as available.
    """
    project, ws = ctx.project, ctx.workspace
    names = list(project.outputs.analyses)
    for i, name in enumerate(names):
        ctx.progress.check_cancelled()
        sub = SubProgress(ctx.progress, i / len(names), (i + 1) / len(names))
        why = missing_inputs(name, ws)
        if why is not None:
            ctx.warn(f"{name}: skipped. {why}")
            continue
        try:
            if name == "rates":
                _compute_rates(ctx, sub)
            elif name == "kde":
                ctx.results[name] = run_analysis(
                    name, project, ws, progress=SubProgress(sub, 0, 0.8)
                )
            else:
                ctx.results[name] = run_analysis(name, project, ws, progress=sub)
        except AnalysisError as exc:
            ctx.warn(f"{name}: not run. {exc}")
            continue
        if name != "rates":  # _compute_rates reports each level's warnings
            _report_warnings(ctx, name, ctx.results.get(name))
        if name == "kde":
            _compute_kde_areas(ctx, SubProgress(sub, 0.8, 1.0))


def _report_warnings(ctx: Any, name: str, result: Any) -> None:
    """Pass a result's warnings on, except the selection's (already reported once)."""
    for w in getattr(result, "warnings", ()) or ():
        if w not in ctx.selection.warnings:
            ctx.warn(f"{name}: {w}")


def _compute_rates(ctx: Any, progress: Any) -> None:
    project, ws = ctx.project, ctx.workspace
    levels = [lv for lv, layer in (("ward", ws.wards), ("lsoa", ws.lsoas)) if layer is not None]
    for j, level in enumerate(levels):
        part = SubProgress(progress, 0.85 * j / len(levels), 0.85 * (j + 1) / len(levels))
        stats = rates_for(level, project, ws, progress=part)
        ctx.results[f"rates_{level}"] = stats
        _report_warnings(ctx, f"rates ({'wards' if level == 'ward' else 'LSOAs'})", stats)
    if "rates_lsoa" in ctx.results:
        _compute_lsoa_hotspots(ctx, ctx.results["rates_lsoa"], SubProgress(progress, 0.85, 1.0))
    main = project.params("rates").level
    ctx.results["rates"] = ctx.results.get(f"rates_{main}") or ctx.results[f"rates_{levels[0]}"]
    if "rates_ward" in ctx.results and "rates_lsoa" in ctx.results:
        from hotspot.analysis.ward_summary import ward_summary

        context = lsoa_context(ws)
        indicators = None
        if context is not None and context.sources:
            indicators = context.table.reset_index().rename(columns={"code": "lsoa_code"})
        lookup = ws.lookup("lsoa_ward")
        if lookup is not None and lookup.lsoa_vintage not in (None, ws.lsoas.vintage):
            lookup = None
        try:
            ctx.results["ward_summary"] = ward_summary(
                ctx.results["rates_lsoa"],
                wards=ws.wards,
                lookup=lookup,
                indicators=indicators,
                ward_stats=ctx.results["rates_ward"],
            )
        except AnalysisError as exc:
            ctx.warn(f"ward summary: not made. {exc}")


def _compute_lsoa_hotspots(ctx: Any, stats: Any, progress: Any) -> None:
    """Gi* of the LSOA rates (counts when there is no population): hot and cold LSOAs.

    The test is analytical whatever the grid's permutations: with a few hundred LSOAs and
    FDR correction, 999 permutations cannot reach significance (the smallest pseudo
    p-value is 0.001), so permutations would hide every hot spot.
    """
    from dataclasses import replace

    from hotspot.analysis.gistar import run_gistar_areas

    table = stats.table
    column = "rate" if table["rate"].notna().all() else "count"
    params = replace(ctx.project.params("gistar"), permutations=0)
    try:
        ctx.results["gistar_lsoas"] = run_gistar_areas(
            table[["code", "name", column, "geometry"]], column, params, progress=progress
        )
    except AnalysisError as exc:
        ctx.warn(f"Gi* of LSOA {column}s: not made. {exc}")


def _compute_kde_areas(ctx: Any, progress: Any) -> None:
    from hotspot.analysis.kde import hotspot_areas

    kde = ctx.results["kde"]
    try:
        ctx.results["kde_areas"] = hotspot_areas(
            kde, ctx.selection.offences.gdf, wards=ctx.workspace.wards, progress=progress
        )
    except AnalysisError as exc:
        ctx.warn(f"kde hotspot areas: not made. {exc}")


# --------------------------------------------------------------------------- summary


def summary_text(ctx: Any) -> str:
    """The headline figures of every result, in plain English."""
    r = ctx.results
    lines = [f"Hotspot results: {ctx.project.name}", f"Selection: {ctx.selection.label}", ""]
    if "kde" in r:
        k = r["kde"]
        p = k.params
        lines += [
            "Kernel density",
            f"  {k.n_points:,} offences; {p.kernel} kernel, bandwidth {p.bandwidth:,.0f} m, "
            f"cell {p.cell_size:,.0f} m; values in {k.units}.",
            f"  Bandwidth: {k.bandwidth_note}",
        ]
        for label, value in k.hotspot_thresholds().items():
            lines.append(f"  {label}: {value:,.3g} {k.units}")
        if "kde_areas" in r and len(r["kde_areas"]):
            top = r["kde_areas"].sort_values("offences", ascending=False).iloc[0]
            lines.append(
                f"  Largest hotspot: {int(top['offences']):,} offences in "
                f"{top['area_km2']:.2f} km² (PAI {top['pai']:.1f}); wards: {top['wards']}"
            )
        lines.append("")
    if "gistar" in r:
        g = r["gistar"]
        fdr = "FDR-corrected" if g.fdr_corrected else "not corrected for multiple tests"
        lines.append(f"Getis-Ord Gi* ({len(g.cells):,} cells, {fdr})")
        for label, n in g.counts_by_label().items():
            if n:
                lines.append(f"  {label}: {n:,} cells")
        lines.append("")
    if "gistar_lsoas" in r:
        g = r["gistar_lsoas"]
        lines.append(f"Getis-Ord Gi* of the LSOA {g.value_column}s ({len(g.cells):,} LSOAs)")
        for label, n in g.counts_by_label().items():
            if n and label != "Not significant":
                lines.append(f"  {label}: {n:,} LSOAs")
        lines.append("")
    for level in ("ward", "lsoa"):
        stats = r.get(f"rates_{level}")
        if stats is None:
            continue
        t = stats.table
        by = "rate" if t["rate"].notna().any() else "count"
        unit = f"per {stats.params.per:,} residents" if by == "rate" else "offences"
        what = "ward" if level == "ward" else "LSOA"
        lines.append(f"Rates by {what} ({stats.n_counted:,} offences counted)")
        for _, row in t.sort_values(by, ascending=False).head(5).iterrows():
            lines.append(f"  {row['name']}: {row[by]:,.1f} {unit}")
        lines.append("")
    if "bivariate" in r:
        b = r["bivariate"]
        label = CONTEXT_LABELS[b.params.context][0]
        rho, p_rho = b.spearman
        lines += [
            f"Offence {b.params.measure.replace('_', ' ')} and {label} (LSOAs: {b.n:,})",
            f"  Spearman's rho = {rho:.3f} (p = {p_rho:.2g}); bivariate Moran's I = "
            f"{b.moran_i:.3f} (pseudo p = {b.p_value:.3g}, {b.params.permutations} permutations, "
            f"seed {b.seed}).",
            "  Local clusters: "
            + ", ".join(f"{k} {v}" for k, v in b.cluster_counts().items() if v),
            f"  {b.caveat}",
            "",
        ]
    if ctx.warnings:
        lines.append("Messages")
        lines += [f"  - {w}" for w in ctx.warnings]
    return "\n".join(lines).rstrip() + "\n"


def write_summary(ctx: Any) -> None:
    """``summary.txt``."""
    if any(k in ctx.results for k in ("kde", "gistar", "rates", "bivariate")):
        ctx.write_text(SUMMARY_FILE, summary_text(ctx))


# --------------------------------------------------------------------------- files


def _export(ctx: Any, name: str, write: Callable[[Path], Any]) -> None:
    """Write ``name`` with an exporter that takes (path, overwrite=...)."""
    target = ctx.target(name)
    write(target)
    ctx.written.append(target)


def write_geotiff_step(ctx: Any) -> None:
    """``kde.tif``."""
    if "kde" not in ctx.results:
        return
    from hotspot.export import write_geotiff

    _export(
        ctx,
        GEOTIFF_FILE,
        lambda p: write_geotiff(ctx.results["kde"], p, overwrite=ctx.force),
    )


def _plain_table(table: Any) -> Any:
    return table.drop(columns="geometry") if "geometry" in getattr(table, "columns", ()) else table


def write_csv_step(ctx: Any) -> None:
    """The area tables as CSV (UTF-8 with BOM, for Excel)."""
    from hotspot.export import write_csv

    r = ctx.results
    tables = {
        "rates_ward": r["rates_ward"].table if "rates_ward" in r else None,
        "rates_lsoa": r["rates_lsoa"].table if "rates_lsoa" in r else None,
        "ward_summary": r.get("ward_summary"),
        "bivariate": r["bivariate"].local if "bivariate" in r else None,
        "kde_areas": r.get("kde_areas"),
        "gistar": r["gistar"].cells if "gistar" in r else None,
        "gistar_lsoas": r["gistar_lsoas"].cells if "gistar_lsoas" in r else None,
    }
    suppress = ctx.project.outputs.suppress_below
    # LSOA tables showing rates without counts are suppressed by the LSOA counts
    lsoa_counts = r["rates_lsoa"].table if "rates_lsoa" in r else None
    counts_for = {"bivariate": lsoa_counts, "gistar_lsoas": lsoa_counts}
    for key, table in tables.items():
        if table is None:
            continue
        counts = counts_for.get(key)
        _export(
            ctx,
            CSV_FILES[key],
            lambda p, t=table, c=counts: write_csv(
                _plain_table(t), p, suppress_below=suppress, overwrite=ctx.force, counts=c
            ),
        )


def write_gpkg_step(ctx: Any) -> None:
    """``results.gpkg``: every result layer with its parameters."""
    from hotspot.export import GpkgLayer, result_layers, result_params, write_geopackage

    r = ctx.results
    layers = result_layers(kde=r.get("kde"), gistar=r.get("gistar"), bivariate=r.get("bivariate"))
    if r.get("kde_areas") is not None:
        layers.append(
            GpkgLayer(
                "kde_hotspot_areas",
                r["kde_areas"],
                result_params(r["kde"]),
                "Contiguous KDE hotspots: offences, area, share of offences and PAI",
            )
        )
    if r.get("gistar_lsoas") is not None:
        g = r["gistar_lsoas"]
        layers.append(
            GpkgLayer(
                "gistar_lsoas",
                g.cells,
                result_params(g),
                f"Getis-Ord Gi* of the LSOA {g.value_column}s: hot and cold LSOAs",
            )
        )
    for level, title in (("ward", "wards"), ("lsoa", "lsoas")):
        stats = r.get(f"rates_{level}")
        if stats is not None:
            layers.append(
                GpkgLayer(
                    f"rates_{title}",
                    stats.table,
                    result_params(stats),
                    f"Offence counts, rates per resident and change by {level}",
                )
            )
    if not layers:
        return
    _export(
        ctx,
        GPKG_FILE,
        lambda p: write_geopackage(p, layers, overwrite=ctx.force, progress=ctx.progress),
    )


def map_context(project: Project, workspace: Any, selection: Any) -> Any:
    """The print-map context (subtitle, boundaries, page) of a project's selection."""
    from hotspot.maps.static import MapContext

    wards = workspace.wards
    return MapContext(
        offence_group=selection.group.name,
        period=selection.period,
        data_source=_data_source(workspace),
        wards=wards,
        outline=workspace.outline,
        boundary_year=getattr(wards, "vintage", None),
        page=project.outputs.page,
        basemap=project.map.basemap,
    )


def _data_source(workspace: Any) -> str:
    report = workspace.offences.report if workspace.offences is not None else None
    source = (report.source if report else "") or ""
    return "police.uk" if "police" in source.lower() or not source else Path(source).name


def _map_figure(kind: str, ctx: Any, mctx: Any) -> Any:
    from hotspot.maps import static

    r = ctx.results
    if kind in ("kde", "gistar"):
        return static.MAP_TYPES[kind](r[kind], mctx) if kind in r else None
    if kind in ("rates", "change"):
        stats = r.get("rates_ward") or r.get("rates")
        if stats is None or (kind == "change" and "change" not in stats.table.columns):
            return None
        return static.MAP_TYPES[kind](stats, mctx)
    if "bivariate" not in r:
        return None
    b = r["bivariate"]
    label, kind_name, short = CONTEXT_LABELS[b.params.context]
    samhi = kind_name == "samhi"
    if kind == "clusters":
        return static.clusters_map(b, mctx, y_label=short, samhi=samhi)
    table = b.local
    return static.bivariate_map(
        table, mctx, x=b.x, y=b.y, y_label=label, samhi=samhi, x_label="Offence rate"
    )


def write_maps_step(ctx: Any) -> None:
    """Print maps: ``map_<type>.<format>`` for every type and format asked for."""
    import matplotlib.pyplot as plt

    from hotspot.maps.static import save_figure

    mctx = map_context(ctx.project, ctx.workspace, ctx.selection)
    kinds = ctx.project.outputs.maps
    for i, kind in enumerate(kinds):
        ctx.progress.update(i / max(len(kinds), 1), f"Drawing the {kind} map")
        fig = _map_figure(kind, ctx, mctx)
        if fig is None:
            ctx.warn(f"map {kind}: not drawn, its analysis has no result in this run")
            continue
        try:
            for fmt in ctx.project.outputs.map_formats:
                name = f"map_{kind}.{fmt}"
                _export(ctx, name, lambda p, f=fig: save_figure(f, p, overwrite=ctx.force))
        finally:
            plt.close(fig)


def web_layers(workspace: Any, results: dict[str, Any], *, points: Any = None) -> list[Any]:
    """The interactive map's layers: results first, boundaries on top.

    One result is shown when the page opens (the density hotspots, else the Gi* spots):
    the result layers are opaque and would hide each other; the others are a click
    away in the layer control. Offence points are included only when ``points`` is
    given (they are sensitive).
    """
    from hotspot.maps import layers as ml

    out: list[Any] = []
    if points is not None:
        out.append(ml.OffencePoints(points, visible=False))
    if "kde" in results:
        out.append(ml.DensitySurface(results["kde"], name="Kernel density hotspots"))
    if "gistar" in results:
        out.append(
            ml.GiStarCells(
                results["gistar"], name="Gi* hot and cold spots", visible="kde" not in results
            )
        )
    stats = results.get("rates_ward") or results.get("rates")
    if stats is not None:
        column = "rate" if stats.table["rate"].notna().any() else "count"
        out.append(ml.AreaChoropleth(stats, column=column, visible=False))
    if "bivariate" in results:
        b = results["bivariate"]
        out.append(
            ml.ClusterMap(
                b,
                name="Local bivariate clusters",
                visible=False,
                x_label="offence rate",
                y_label=CONTEXT_LABELS[b.params.context][2],
            )
        )
    for layer, name, labels in (
        (workspace.lsoas, "LSOAs", False),
        (workspace.wards, "Wards", True),
        (workspace.outline, "Borough outline", False),
    ):
        if layer is not None:
            out.append(
                ml.AreaBoundaries(layer, name=name, show_labels=labels, visible=name != "LSOAs")
            )
    return out


def write_html_step(ctx: Any) -> None:
    """``map.html``: the offline interactive map (aggregated results only by default)."""
    from hotspot.maps.style import attribution_lines
    from hotspot.maps.web import build_map, write_html

    points = ctx.selection.offences if ctx.project.outputs.html_points else None
    layers = web_layers(ctx.workspace, ctx.results, points=points)
    b = ctx.results.get("bivariate")
    context = CONTEXT_LABELS[b.params.context][1] if b is not None else ""
    wards = ctx.workspace.wards
    m = build_map(
        layers,
        basemap=ctx.project.map.basemap,
        title=ctx.project.name,
        subtitle=ctx.selection.label,
        attributions=attribution_lines(
            year=getattr(wards, "vintage", None), imd=context == "imd", samhi=context == "samhi"
        ),
    )
    _export(ctx, HTML_FILE, lambda p: write_html(m, p, overwrite=ctx.force))


def write_briefing_step(ctx: Any) -> None:
    """``briefing.pdf``: cover, borough maps, top wards, ward pages, methods and data."""
    from hotspot.maps.briefing import Briefing, write_briefing

    ws, r = ctx.workspace, ctx.results
    if ws.wards is None:
        ctx.warn("briefing: not made; the pack needs ward boundaries (File > Add boundaries)")
        return
    b = r.get("bivariate")
    labels = ("offence rate", "deprivation")
    if b is not None:
        labels = ("offence rate", CONTEXT_LABELS[b.params.context][2])
    notes = list(ws.notes)
    context = lsoa_context(ws)
    if context is not None:
        notes += list(context.notes)
    briefing = Briefing(
        title=ctx.project.name,
        offence_group=ctx.selection.group.name,
        period=ctx.selection.period,
        wards=ws.wards,
        outline=ws.outline,
        kde=r.get("kde"),
        gistar=r.get("gistar"),
        rates=r.get("rates_ward"),
        bivariate=b,
        ward_pages=ctx.project.outputs.briefing_wards,
        suppress_below=ctx.project.outputs.suppress_below or 0,
        data_source=_data_source(ws),
        load_report=ws.offences.report.summary() if ws.offences is not None else "",
        data_notes=tuple(notes),
        boundary_year=ws.wards.vintage,
        samhi=ws.indicator("samhi") is not None,
        imd=ws.indicator("imd") is not None,
        bivariate_labels=labels,
        page=ctx.project.outputs.page,
        basemap=ctx.project.map.basemap,
    )
    _export(
        ctx,
        BRIEFING_FILE,
        lambda p: write_briefing(p, briefing, overwrite=ctx.force, progress=ctx.progress),
    )


def _csv_files(project: Project) -> tuple[str, ...]:
    return tuple(CSV_FILES.values()) if project.outputs.csv else ()


def _map_files(project: Project) -> tuple[str, ...]:
    o = project.outputs
    return tuple(f"map_{k}.{f}" for k in o.maps for f in o.map_formats)


def _selector(name: str) -> Callable[[Project], bool]:
    return lambda p: getattr(p.outputs, name)


#: The analysis and export steps of ``hotspot run``, after the load report.
OUTPUT_STEPS: tuple[Step, ...] = (
    Step("analyses", compute_analyses, wanted=lambda p: bool(p.outputs.analyses), weight=3),
    Step(
        "summary",
        write_summary,
        wanted=lambda p: bool(p.outputs.analyses),
        files=lambda p: (SUMMARY_FILE,),
        weight=0.1,
    ),
    Step(
        "geotiff",
        write_geotiff_step,
        wanted=lambda p: p.outputs.geotiff and _wanted(p, "kde"),
        files=lambda p: (GEOTIFF_FILE,),
        weight=0.2,
    ),
    Step("csv", write_csv_step, wanted=_selector("csv"), files=_csv_files, weight=0.3),
    Step(
        "gpkg", write_gpkg_step, wanted=_selector("gpkg"), files=lambda p: (GPKG_FILE,), weight=0.5
    ),
    Step(
        "maps",
        write_maps_step,
        wanted=lambda p: bool(p.outputs.maps),
        files=_map_files,
        weight=2,
    ),
    Step("html", write_html_step, wanted=_selector("html"), files=lambda p: (HTML_FILE,), weight=1),
    Step(
        "briefing",
        write_briefing_step,
        wanted=_selector("briefing"),
        files=lambda p: (BRIEFING_FILE,),
        weight=4,
    ),
)


__all__ = [
    "BRIEFING_FILE",
    "CSV_FILES",
    "GEOTIFF_FILE",
    "GPKG_FILE",
    "HTML_FILE",
    "SUMMARY_FILE",
    "compute_analyses",
    "map_context",
    "OUTPUT_STEPS",
    "summary_text",
    "web_layers",
]
