"""The first outputs of a run: ``load_report.txt`` and the selected offences (``offences.gpkg``)."""

from __future__ import annotations

import numpy as np

from hotspot.core.text import one_line
from hotspot.model import OFFENCE_COLUMNS, OffenceData, Project
from hotspot.pipeline.context import RunContext
from hotspot.pipeline.selection import Selection
from hotspot.pipeline.workspace import Workspace

#: Canonical offence columns written to the selected-offences GeoPackage.
LOAD_REPORT_FILE = "load_report.txt"
OFFENCES_FILE = "offences.gpkg"
OFFENCES_LAYER = "offences"


def write_load_report(ctx: RunContext) -> None:
    """Write ``load_report.txt`` (every source's account, then the selection) among the outputs."""
    ctx.write_text(LOAD_REPORT_FILE, load_report_text(ctx.project, ctx.workspace, ctx.selection))


def write_selected_offences(ctx: RunContext) -> None:
    """Write the selected offences as a GeoPackage among the outputs.

    With no offence source, nothing is written and the workspace notes say so.
    """
    sel = ctx.selection.offences
    if sel is None:
        ctx.workspace.notes.append("No offence source: no offences GeoPackage written")
        return
    gdf = offences_for_export(sel)
    import pyogrio

    with ctx.writing(OFFENCES_FILE) as tmp:
        # through Arrow: a million offences in seconds, categorical columns as they are
        pyogrio.write_dataframe(
            gdf, tmp, layer=OFFENCES_LAYER, driver="GPKG", geometry_type="Point", use_arrow=True
        )


def offences_for_export(data: OffenceData):
    """The canonical columns of ``data`` ready for a GIS file (month as "YYYY-MM" text).

    Columns are shared with ``data``, not copied (repetitive text stays categorical).
    """
    import geopandas as gpd
    import pandas as pd

    gdf = data.gdf
    cols = [c for c in OFFENCE_COLUMNS if c in gdf.columns]
    out = gpd.GeoDataFrame(gdf[cols], geometry=gdf.geometry.values, crs="EPSG:27700")
    if "month" in out:
        months = pd.Categorical(out["month"])
        labels = pd.Index(months.categories.strftime("%Y-%m"), dtype="str")
        out["month"] = pd.Categorical.from_codes(months.codes, categories=labels)
    return out.reset_index(drop=True)


#: The steps of ``hotspot run``, in order. Later analyses and exports add theirs here.
# --------------------------------------------------------------------------- load report


def load_report_text(project: Project, workspace: Workspace, selection: Selection) -> str:
    """The text of ``load_report.txt``: every source's account, then the selection."""
    from hotspot import __version__

    lines = [
        "Hotspot load report",
        f"Project: {project.name}",
    ]
    if project.path is not None:
        lines.append(f"Project file: {project.path}")
    lines.append(f"Hotspot version: {__version__}")
    sections = (
        ("offences", "Offences"),
        ("areas", "Areas"),
        ("indicators", "Context tables"),
        ("lookup", "Lookups"),
        ("reference", "Reference layers"),
    )
    seen_offence_summary = False
    for kind, title in sections:
        loads = [ld for ld in workspace.loads if ld.source.kind == kind]
        if not loads:
            continue
        lines += ["", f"== {title} =="]
        if kind == "offences":
            for ld in loads:
                lines.append(f"Project source: {ld.source.path} ({ld.label})")
            if workspace.offences is not None and not seen_offence_summary:
                lines += workspace.offences.report.summary().split("\n")
                seen_offence_summary = True
            continue
        for ld in loads:
            lines += ["", f"{ld.label}: {ld.source.path}", *ld.summary.split("\n")]
    if workspace.notes:
        lines += ["", "== Notes =="]
        lines += [f"- {n}" for n in workspace.notes]
    lines += ["", "== Selection =="]
    lines.append(f"Offence group: {selection.group.name} ({', '.join(selection.group.categories)})")
    if selection.period is None:
        lines.append("Period: none (no offence data)")
    else:
        n = len(selection.offences) if selection.offences is not None else 0
        lines.append(f"Period: {selection.period.label} ({selection.period.span}): {n:,} offences")
        left = selection.left_out_text
        lines.append(f"The group {left}" if left else "The group selects every row of the period")
        if selection.comparison_period is not None and selection.comparison is not None:
            lines.append(
                f"Comparison: {selection.comparison_period.label} "
                f"({selection.comparison_period.span}): {len(selection.comparison):,} offences"
            )
    lines += [f"Warning: {w}" for w in selection.warnings]
    lines += map_points_section(workspace, selection)
    # one line per entry whatever the names, labels and paths hold (the blocks above
    # are split into their lines, each escaped where it was made)
    return "\n".join(one_line(line) for line in lines) + "\n"


REPORT_POINTS = 15
"""Map points the load report lists."""


def map_points_section(workspace: Workspace, selection: Selection) -> list[str]:
    """The load report's "Map points" section: the busiest points of the selection, the
    facility points among them, and what the project leaves out."""
    if selection.offences is None or workspace.offences is None or selection.period is None:
        return []
    from hotspot.analysis.map_points import busiest_points
    from hotspot.model.places import exclusion_masks

    gdf = workspace.offences.gdf
    chosen = gdf["category"].isin(selection.group.categories) & selection.period.contains(
        gdf["month"]
    )
    everything = gdf.loc[chosen.to_numpy(), [c for c in ("location", "geometry") if c in gdf]]
    if not len(everything):
        return []
    masks = exclusion_masks(everything, [e.exclusion for e in selection.excluded.entries])
    left_out = np.logical_or.reduce(masks) if masks else None
    points = busiest_points(everything, wards=workspace.wards, excluded=left_out, top=REPORT_POINTS)
    lines = ["", "== Map points (the selected offences, busiest first) =="]
    lines += points.lines(top=REPORT_POINTS)
    n_fac = len(points.facilities)
    if n_fac:
        lines.append(
            f"{n_fac} of these points stand for a facility rather than a street: offences there "
            "may have been recorded where they were reported or dealt with. To leave a point "
            "out of every analysis, add its name or point to [selection] exclude_locations "
            '(e.g. "' + str(points.facilities["exclude"].iloc[0]) + '"), or use the Map points '
            "table in the window."
        )
    if selection.excluded:
        lines.append("Left out of every analysis:")
        lines += [f"- {line}" for line in selection.excluded.lines()]
    return lines
