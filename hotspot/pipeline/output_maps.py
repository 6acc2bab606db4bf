"""The maps of a run: the print maps (``map_<id>.png``) and the interactive ``map.html``.

Their context (subtitle parts, boundaries, frame, notes on what the selection left
out), attributions and layers are the same for the window's map.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotspot.model import Project
from hotspot.pipeline import analysis_spec, registry
from hotspot.pipeline.context import RunContext
from hotspot.pipeline.output_analyses import analyses_run
from hotspot.pipeline.output_tables import write_output

HTML_FILE = "map.html"


def data_source(workspace: Any) -> str:
    """Where the offences came from, for subtitles ("police.uk" or the file's name)."""
    report = workspace.offences.report if workspace.offences is not None else None
    source = (report.source if report else "") or ""
    return "police.uk" if "police" in source.lower() or not source else Path(source).name


def boundary_year(workspace: Any) -> int | None:
    """The year of the maps' OS copyright line: the vintage of the boundaries drawn.

    One answer for the window, the print maps, ``map.html`` and the briefing (the
    wards' year, else the LSOAs'; None when unknown, which gives this year).
    """
    if workspace is None:
        return None
    for layer in (workspace.wards, workspace.lsoas):
        year = getattr(layer, "vintage", None)
        if year:
            return int(year)
    return None


def map_attributions(
    workspace: Any, results: analysis_spec.Results | None = None, *, context: Any = ()
) -> list[str]:
    """The attributions of an interactive map of ``workspace`` and ``results``.

    ``context`` names further context tables shown ("imd", "samhi"), e.g. the window's
    deprivation layer when it is switched on. The window and ``map.html`` both use it,
    so they carry the same lines (and year) as the print maps.
    """
    from hotspot.maps.attributions import attribution_lines

    used = _context_sources(results or {}) | set(context)
    return attribution_lines(
        year=boundary_year(workspace), imd="imd" in used, samhi="samhi" in used
    )


def map_context(project: Project, workspace: Any, selection: Any) -> Any:
    """The print-map context (subtitle, boundaries, page) of a project's selection."""
    from hotspot.maps.static import MapContext
    from hotspot.pipeline.study_area import map_frame

    wards = workspace.wards
    return MapContext(
        offence_group=selection.group.name,
        period=selection.period,
        data_source=data_source(workspace),
        wards=wards,
        outline=workspace.outline,
        boundary_year=boundary_year(workspace),
        page=project.outputs.page,
        basemap=project.map.basemap,
        reference=tuple(workspace.references),
        notes=map_notes(selection),
        suppress_below=project.outputs.suppress_below,
        frame=map_frame(workspace),
    )


def map_notes(selection: Any) -> tuple[str, ...]:
    """What every map's methods box adds: the map points left out of the analyses."""
    sentence = selection.excluded.sentence() if selection is not None else ""
    return (sentence,) if sentence else ()


def write_maps_step(ctx: RunContext) -> None:
    """Print maps: ``map_<id>.<format>`` for every map and format asked for."""
    import matplotlib.pyplot as plt

    from hotspot.maps.print_save import save_figure

    mctx = map_context(ctx.project, ctx.workspace, ctx.selection)
    maps = {m.id: m for m in registry.print_maps()}
    ids = ctx.project.outputs.maps
    for i, map_id in enumerate(ids):
        ctx.progress.update(i / max(len(ids), 1), f"Drawing the {map_id} map")
        fig = maps[map_id].draw(ctx.results, mctx)
        if fig is None:
            ctx.unmade_output(f"map {map_id}: not drawn, its analysis has no result in this run")
            continue
        try:
            for fmt in ctx.project.outputs.map_formats:
                name = f"map_{map_id}.{fmt}"
                write_output(ctx, name, lambda p, f=fig: save_figure(f, p, overwrite=ctx.force))
        finally:
            plt.close(fig)


def result_layers(results: analysis_spec.Results) -> list[analysis_spec.ResultLayer]:
    """Every map layer of every result, in registry order."""
    return [layer for spec in analyses_run(results) for layer in spec.layers(results)]


def web_layers(
    workspace: Any, results: analysis_spec.Results, *, points: Any = None, suppress_below: int = 0
) -> list[Any]:
    """The interactive map's layers: reference layers at the bottom, then results,
    boundaries on top.

    One result is shown when the page opens (the first, in registry order, with the
    zones drawn over it): result layers are opaque and would hide each other; the others
    are a click away in the layer control. Offence points, and result layers that show
    where offences are (the busiest map points), are included only when ``points`` is
    given (they are sensitive). ``suppress_below`` hides small counts in the layers that
    show counts (tooltips and colours), as in the tables.
    """
    import dataclasses

    from hotspot.export import self_published
    from hotspot.maps import layers as ml
    from hotspot.maps.reference import ReferenceMap

    results = self_published(results, suppress_below)

    out: list[Any] = [ReferenceMap(r) for r in getattr(workspace, "references", ())]
    if points is not None:
        out.append(ml.OffencePoints(points, visible=False))
    shown = [e for e in result_layers(results) if points is not None or not e.sensitive]
    first = next((e.key for e in shown if e.visible), None)
    for entry in shown:
        # one filled result opens on (with the zones drawn over it); the rest a click away
        on = entry.key == first or (entry.visible and entry.key.startswith(f"{first}_"))
        change: dict[str, Any] = {"name": entry.title, "visible": on}
        if any(f.name == "suppress_below" for f in dataclasses.fields(entry.layer)):
            change["suppress_below"] = suppress_below
        out.append(dataclasses.replace(entry.layer, **change))
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


def _context_sources(results: analysis_spec.Results) -> set[str]:
    """The context tables ("imd", "samhi") the results compare with (their citations)."""
    from hotspot.core.labels import MEASURES

    b = results.get("bivariate")
    measure = MEASURES.get(getattr(getattr(b, "params", None), "context", ""))
    return {measure.source} if measure is not None else set()


def write_html_step(ctx: RunContext) -> None:
    """``map.html``: the offline interactive map (aggregated results only by default)."""
    from hotspot.maps.web import build_map
    from hotspot.maps.web_html import write_html
    from hotspot.pipeline.study_area import map_frame

    points = ctx.selection.offences if ctx.project.outputs.html_points else None
    layers = web_layers(
        ctx.workspace, ctx.results, points=points, suppress_below=ctx.project.outputs.suppress_below
    )
    m = build_map(
        layers,
        basemap=ctx.project.map.basemap,
        title=ctx.project.name,
        subtitle=ctx.selection.label,
        attributions=map_attributions(ctx.workspace, ctx.results),
        bounds=map_frame(ctx.workspace),
    )
    write_output(ctx, HTML_FILE, lambda p: write_html(m, p, overwrite=ctx.force))
