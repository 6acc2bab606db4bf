"""The analysis and export steps of ``hotspot run``, each a loop over the registry.

After the load report and the selected offences, the run computes the analyses the
project asks for (``[outputs] analyses``, every analysis by default) through
:func:`hotspot.pipeline.registry.run_analysis`, the same call the window makes, then
writes what ``[outputs]`` asks for:

=====================  ========================================================
``summary.txt``        the headline lines of every analysis, in plain English
files of an analysis   e.g. ``kde.tif`` (the density surface as GeoTIFF)
``*.csv``              every table an analysis declares with a CSV name
``results.gpkg``       every table declared with a GeoPackage layer, with its
                       parameters (``hotspot_params``)
``map_<id>.<fmt>``     print maps (``outputs.maps`` x ``outputs.map_formats``)
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
from hotspot.pipeline import registry
from hotspot.pipeline.context import RunContext, Step
from hotspot.pipeline.inputs import lsoa_context

GPKG_FILE = "results.gpkg"
SUMMARY_FILE = "summary.txt"
HTML_FILE = "map.html"
BRIEFING_FILE = "briefing.pdf"


# --------------------------------------------------------------------------- analyses


def compute_analyses(ctx: RunContext) -> None:
    """Run every analysis the project asks for.

    An analysis lacking inputs is skipped with a note (an output not produced when the
    project names it in ``[outputs] analyses``); one that refuses the data is an output
    not produced. A warning two analyses share (their common inputs') is said once.
    """
    chosen = registry.wanted_analyses(ctx.project)
    named = ctx.project.outputs.analyses is not None
    how = registry.command_line_hint
    said = set(ctx.warnings)
    for i, spec in enumerate(chosen):
        ctx.progress.check_cancelled()
        sub = SubProgress(ctx.progress, i / len(chosen), (i + 1) / len(chosen))
        why = registry.missing_inputs(spec.id, ctx.workspace, how)
        if why is not None:
            (ctx.unmade_output if named else ctx.warn)(f"{spec.id}: skipped. {why}")
            continue
        try:
            found = registry.run_analysis(
                spec.id, ctx.project, ctx.workspace, progress=sub, how=how
            )
        except AnalysisError as exc:
            ctx.unmade_output(f"{spec.id}: not run. {exc}")
            continue
        ctx.results.update(found)
        for key in spec.result_keys():
            for w in getattr(found.get(key), "warnings", ()) or ():
                if w not in said:
                    said.add(w)
                    ctx.warn(f"{spec.id}: {w}")


def _ran(results: registry.Results) -> list[registry.AnalysisSpec]:
    return [s for s in registry.analyses() if s.has_result(results)]


# --------------------------------------------------------------------------- summary


def selection_lines(selection: Any) -> list[str]:
    """The selection, with what its group leaves out (said wherever its count is shown)."""
    lines = [f"Selection: {selection.label}"]
    if selection.offences is not None:
        count = f"{len(selection.offences):,} offences selected"
        left = selection.left_out_text
        lines.append(f"  {count}; the group {left}" if left else f"  {count} (every row)")
    return lines


def summary_text(ctx: RunContext) -> str:
    """The headline figures of every result, and every warning of the run, in plain English.

    With ``[outputs] suppress_below`` the lines are made from the published tables
    (:func:`hotspot.export.publishable_results`): an area whose count is hidden is not
    listed. Names and messages stay on their lines (:func:`hotspot.core.text.one_line`).
    """
    from hotspot.core.text import one_line
    from hotspot.export import publishable_results

    shown = publishable_results(ctx.results, ctx.project.outputs.suppress_below)
    lines = [f"Hotspot results: {ctx.project.name}", *selection_lines(ctx.selection)]
    excluded = ctx.selection.excluded
    if excluded:
        lines.append("Left out of every analysis (selection.exclude_locations):")
        lines += [f"  - {line}" for line in excluded.lines()]
    lines.append("")
    for spec in _ran(ctx.results):
        lines.append(spec.title)
        lines += [f"  {line}" for line in spec.summary(shown)]
        lines.append("")
    check = ctx.results.get(VERIFY_KEY)
    if check is not None:
        lines.append(check.heading)
        lines += [f"  {line}" for line in check.lines()]
        lines.append("")
    if ctx.unmade:
        lines.append("Not produced")
        lines += [f"  - {w}" for w in ctx.unmade]
        lines.append("")
    if ctx.warnings:
        lines.append("Messages")
        lines += [f"  - {w}" for w in ctx.warnings if w not in ctx.unmade]
    return "\n".join(one_line(line) for line in lines).rstrip() + "\n"


def write_summary(ctx: RunContext) -> None:
    """``summary.txt`` (written last, so that it holds every warning of the run)."""
    if _ran(ctx.results):
        ctx.write_text(SUMMARY_FILE, summary_text(ctx))


# --------------------------------------------------------------------------- verification

VERIFY_KEY = "verify"
"""Key of the PySAL check (:class:`hotspot.pipeline.verify.Verification`) in the results."""


def verify_step(ctx: RunContext) -> None:
    """Recompute the results with PySAL (esda, libpysal weights) and record the differences."""
    from hotspot.pipeline.verify import verify_results

    check = verify_results(ctx.results, progress=ctx.progress)
    if check is None:
        ctx.warn("verify: nothing to check; no Gi* or correlation result in this run")
        return
    ctx.results[VERIFY_KEY] = check
    for w in check.warnings:
        ctx.warn(f"verify: {w}")


# --------------------------------------------------------------------------- files


def _export(ctx: RunContext, name: str, write: Callable[[Path], Any]) -> None:
    """Write ``name`` with an exporter that takes (path, overwrite=...)."""
    target = ctx.target(name)
    write(target)
    ctx.written.append(target)


def write_files_step(ctx: RunContext) -> None:
    """The files of their own that analyses write (``kde.tif`` ...)."""
    for spec in _ran(ctx.results):
        for f in spec.files:
            if f.wanted(ctx.project):
                _export(ctx, f.name, lambda p, f=f: f.write(ctx.results, p, ctx.force))


def result_tables(results: registry.Results) -> list[registry.ResultTable]:
    """Every table of every result, in registry order."""
    return [t for spec in _ran(results) for t in spec.tables(results)]


def write_csv_step(ctx: RunContext) -> None:
    """The tables as CSV (UTF-8 with BOM, for Excel), rounded and ordered for reading."""
    from hotspot.export import readable_table, self_published, write_csv

    suppress = ctx.project.outputs.suppress_below
    for table in result_tables(self_published(ctx.results, suppress)):
        if table.csv is None:
            continue
        _export(
            ctx,
            table.csv,
            lambda p, t=table: write_csv(
                readable_table(t.data(), sort=t.sort),
                p,
                suppress_below=suppress,
                overwrite=ctx.force,
                counts=t.counts,
            ),
        )


def write_gpkg_step(ctx: RunContext) -> None:
    """``results.gpkg``: every result layer with its parameters."""
    from hotspot.export import GpkgLayer, self_published, write_geopackage

    o = ctx.project.outputs
    shown = self_published(ctx.results, 0 if o.gpkg_exact_counts else o.suppress_below)
    layers = [
        GpkgLayer(t.gpkg, t.data(), dict(t.params), t.description or t.title, counts=t.counts)
        for t in result_tables(shown)
        if t.gpkg is not None
    ]
    if not layers:
        return
    _export(
        ctx,
        GPKG_FILE,
        lambda p: write_geopackage(
            p,
            layers,
            overwrite=ctx.force,
            progress=ctx.progress,
            suppress_below=o.suppress_below,
            exact_counts=o.gpkg_exact_counts,
        ),
    )


# --------------------------------------------------------------------------- maps


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
    workspace: Any, results: registry.Results | None = None, *, context: Any = ()
) -> list[str]:
    """The attributions of an interactive map of ``workspace`` and ``results``.

    ``context`` names further context tables shown ("imd", "samhi"), e.g. the window's
    deprivation layer when it is switched on. The window and ``map.html`` both use it,
    so they carry the same lines (and year) as the print maps.
    """
    from hotspot.maps.style import attribution_lines

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

    from hotspot.maps.static import save_figure

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
                _export(ctx, name, lambda p, f=fig: save_figure(f, p, overwrite=ctx.force))
        finally:
            plt.close(fig)


def result_layers(results: registry.Results) -> list[registry.ResultLayer]:
    """Every map layer of every result, in registry order."""
    return [layer for spec in _ran(results) for layer in spec.layers(results)]


def web_layers(
    workspace: Any, results: registry.Results, *, points: Any = None, suppress_below: int = 0
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


def _context_sources(results: registry.Results) -> set[str]:
    """The context tables ("imd", "samhi") the results compare with (their citations)."""
    from hotspot.core.labels import MEASURES

    b = results.get("bivariate")
    measure = MEASURES.get(getattr(getattr(b, "params", None), "context", ""))
    return {measure.source} if measure is not None else set()


def write_html_step(ctx: RunContext) -> None:
    """``map.html``: the offline interactive map (aggregated results only by default)."""
    from hotspot.maps.web import build_map, write_html
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
    _export(ctx, HTML_FILE, lambda p: write_html(m, p, overwrite=ctx.force))


# --------------------------------------------------------------------------- briefing


PUBLISHERS = {
    "imd": "English Indices of Deprivation 2019, Ministry of Housing, Communities and Local "
    "Government",
    "samhi": "Small Area Mental Health Index, Daras and Barr, University of Liverpool",
    "population": "mid-year population estimates, Office for National Statistics",
    "lookup": "Office for National Statistics",
}
"""Who publishes each kind of context table (named with its file on the data page)."""


def source_lines(project: Project, workspace: Any) -> tuple[str, ...]:
    """One line per source of the project: what it is, its file name and its publisher.

    File names only: a document never shows the folders of the analyst's computer.
    """
    out = []
    for s in project.sources:
        name = Path(s.path).name
        if s.kind == "offences":
            out.append(f"Offences: {name} ({data_source(workspace)})")
        elif s.kind == "areas":
            role = {"wards": "Ward", "lsoas": "LSOA", "study_area": "Borough"}.get(
                s.options.get("role", ""), "Area"
            )
            out.append(f"{role} boundaries: {name}")
        elif s.kind == "indicators":
            kind = s.options.get("indicator", "")
            what = {"imd": "Deprivation (IMD 2019)", "samhi": "Mental health (SAMHI)"}.get(
                kind, "Population" if kind == "population" else "Context table"
            )
            publisher = PUBLISHERS.get(kind)
            out.append(f"{what}: {name}" + (f" ({publisher})" if publisher else ""))
        elif s.kind == "lookup":
            out.append(f"Code lookup: {name} ({PUBLISHERS['lookup']})")
    return tuple(out)


def briefing_sections(results: registry.Results) -> list[Any]:
    """What each analysis contributes to the briefing pack, in registry order."""
    sections = [spec.briefing(results) for spec in _ran(results)]
    return [s for s in sections if s is not None]


def write_briefing_step(ctx: RunContext) -> None:
    """``briefing.pdf``: cover, each analysis's pages, ward pages, methods and data."""
    from hotspot.export import self_published
    from hotspot.maps.briefing import Briefing, write_briefing
    from hotspot.pipeline.study_area import map_frame

    ws = ctx.workspace
    if ws.wards is None:  # validate.check refuses this before the run
        ctx.unmade_output("briefing: not made; the pack needs ward boundaries")
        return
    check = ctx.results.get(VERIFY_KEY)
    notes = list(ws.notes) + list(map_notes(ctx.selection))
    notes += [f"Reference layer {r.describe()}" for r in ws.references]
    context = lsoa_context(ws)
    if context is not None:
        notes += list(context.notes)
    o = ctx.project.outputs
    offences = ctx.selection.offences
    briefing = Briefing(
        title=ctx.project.name,
        offence_group=ctx.selection.group.name,
        period=ctx.selection.period,
        comparison=ctx.selection.comparison_period,
        wards=ws.wards,
        outline=ws.outline,
        sections=briefing_sections(self_published(ctx.results, o.suppress_below)),
        ward_pages=o.briefing_wards,
        suppress_below=o.suppress_below or 0,
        data_source=data_source(ws),
        marking="" if o.marking == "none" else o.marking,
        version=o.version,
        load_report=ws.offences.report.summary() if ws.offences is not None else "",
        data_notes=tuple(notes),
        sources=source_lines(ctx.project, ws),
        offences=getattr(offences, "gdf", offences),
        boundary_year=boundary_year(ws),
        samhi=ws.indicator("samhi") is not None,
        imd=ws.indicator("imd") is not None,
        page=o.page,
        basemap=ctx.project.map.basemap,
        reference=tuple(ws.references),
        map_notes=map_notes(ctx.selection),
        notices=tuple(ctx.warnings),
        checks=(check.heading, tuple(check.lines())) if check is not None else None,
        frame=map_frame(ws),
        selection_note=ctx.selection.left_out_text,
    )
    _export(
        ctx,
        BRIEFING_FILE,
        lambda p: write_briefing(p, briefing, overwrite=ctx.force, progress=ctx.progress),
    )


# --------------------------------------------------------------------------- steps


def _analyses_wanted(project: Project) -> bool:
    return bool(registry.wanted_analyses(project))


def _csv_files(project: Project) -> tuple[str, ...]:
    if not project.outputs.csv:
        return ()
    return tuple(n for s in registry.wanted_analyses(project) for n in s.csv_names)


def _own_files(project: Project) -> tuple[str, ...]:
    return tuple(
        f.name for s in registry.wanted_analyses(project) for f in s.files if f.wanted(project)
    )


def _map_files(project: Project) -> tuple[str, ...]:
    o = project.outputs
    return tuple(f"map_{k}.{f}" for k in o.maps for f in o.map_formats)


def _selector(name: str) -> Callable[[Project], bool]:
    return lambda p: getattr(p.outputs, name)


#: The analysis and export steps of ``hotspot run``, after the load report.
OUTPUT_STEPS: tuple[Step, ...] = (
    Step("analyses", compute_analyses, wanted=_analyses_wanted, weight=3),
    Step("verify", verify_step, wanted=lambda p: p.outputs.verify, weight=1),
    Step("files", write_files_step, wanted=_analyses_wanted, files=_own_files, weight=0.2),
    Step("csv", write_csv_step, wanted=_selector("csv"), files=_csv_files, weight=0.3),
    Step(
        "gpkg", write_gpkg_step, wanted=_selector("gpkg"), files=lambda p: (GPKG_FILE,), weight=0.5
    ),
    Step(
        "maps", write_maps_step, wanted=lambda p: bool(p.outputs.maps), files=_map_files, weight=2
    ),
    Step("html", write_html_step, wanted=_selector("html"), files=lambda p: (HTML_FILE,), weight=1),
    Step(
        "briefing",
        write_briefing_step,
        wanted=_selector("briefing"),
        files=lambda p: (BRIEFING_FILE,),
        weight=4,
    ),
    Step(
        "summary",
        write_summary,
        wanted=_analyses_wanted,
        files=lambda p: (SUMMARY_FILE,),
        weight=0.1,
    ),
)


__all__ = [
    "BRIEFING_FILE",
    "GPKG_FILE",
    "HTML_FILE",
    "OUTPUT_STEPS",
    "map_notes",
    "SUMMARY_FILE",
    "VERIFY_KEY",
    "boundary_year",
    "briefing_sections",
    "compute_analyses",
    "data_source",
    "map_attributions",
    "map_context",
    "result_layers",
    "result_tables",
    "selection_lines",
    "source_lines",
    "summary_text",
    "web_layers",
]
