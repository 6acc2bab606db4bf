"""The briefing pack of a run (``briefing.pdf``): its sections, sources and ward pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hotspot.model import Project
from hotspot.pipeline import analysis_spec
from hotspot.pipeline.context import RunContext
from hotspot.pipeline.inputs import lsoa_context
from hotspot.pipeline.output_analyses import VERIFY_KEY, analyses_run
from hotspot.pipeline.output_maps import boundary_year, data_source, map_notes
from hotspot.pipeline.output_tables import write_output

BRIEFING_FILE = "briefing.pdf"


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


def briefing_sections(results: analysis_spec.Results) -> list[Any]:
    """What each analysis contributes to the briefing pack, in registry order."""
    sections = [spec.briefing(results) for spec in analyses_run(results)]
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
    write_output(
        ctx,
        BRIEFING_FILE,
        lambda p: write_briefing(p, briefing, overwrite=ctx.force, progress=ctx.progress),
    )
