"""The files of a run that hold tables: each analysis's own files, the CSVs and ``results.gpkg``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from hotspot.pipeline import analysis_spec
from hotspot.pipeline.context import RunContext
from hotspot.pipeline.output_analyses import analyses_run

GPKG_FILE = "results.gpkg"


def write_output(ctx: RunContext, name: str, write: Callable[[Path], Any]) -> None:
    """Write ``name`` with an exporter that takes (path, overwrite=...)."""
    target = ctx.target(name)
    write(target)
    ctx.written.append(target)


def write_files_step(ctx: RunContext) -> None:
    """The files of their own that analyses write (``kde.tif`` ...)."""
    for spec in analyses_run(ctx.results):
        for f in spec.files:
            if f.wanted(ctx.project):
                write_output(ctx, f.name, lambda p, f=f: f.write(ctx.results, p, ctx.force))


def result_tables(results: analysis_spec.Results) -> list[analysis_spec.ResultTable]:
    """Every table of every result, in registry order."""
    return [t for spec in analyses_run(results) for t in spec.tables(results)]


def write_csv_step(ctx: RunContext) -> None:
    """The tables as CSV (UTF-8 with BOM, for Excel), rounded and ordered for reading."""
    from hotspot.export import readable_table, self_published, write_csv

    suppress = ctx.project.outputs.suppress_below
    for table in result_tables(self_published(ctx.results, suppress)):
        if table.csv is None:
            continue
        write_output(
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
    write_output(
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
