"""The one pipeline both front ends use: load a project's sources, select, run, write.

The window and ``hotspot run`` call the same functions, so they produce the same
results:

* :func:`load_workspace` reads every source of a project into a :class:`Workspace`
  (offences, areas by role, context tables, lookups, and what each reader reported);
* :func:`select` applies the project's selection (offence group and period, and
  the comparison period of equal length);
* :func:`run_project` loads, selects and runs the output :data:`STEPS` in order,
  writing into an output folder; an existing file is replaced only with ``force``.

Adding an analysis or an export to ``hotspot run``: write a function
``step(ctx: RunContext) -> None`` that reads ``ctx.workspace``, ``ctx.selection``
and ``ctx.project`` (its params), puts results other steps may use into
``ctx.results`` and writes files only through ``ctx.writing(name)`` /
``ctx.write_text(name, text)``; then add ``Step(name, step, wanted=..., files=...)``
to :data:`STEPS` (or call :func:`register_step`). This module is Qt-free.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotspot._pipeline_workspace import SourceLoad, Workspace, load_workspace
from hotspot.atomic import atomic_path, check_writable
from hotspot.errors import ExportError, ProjectError
from hotspot.model import OFFENCE_COLUMNS, OffenceData, Period, Project, month_str
from hotspot.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.taxonomy import OffenceGroup, all_groups

#: Canonical offence columns written to the selected-offences GeoPackage.
LOAD_REPORT_FILE = "load_report.txt"
OFFENCES_FILE = "offences.gpkg"
OFFENCES_LAYER = "offences"


# --------------------------------------------------------------------------- selection


def selected_group(project: Project) -> OffenceGroup:
    """The offence group the project selects (a preset or one of its own groups).

    Raises
    ------
    ProjectError
        When the group is neither a preset nor one of the project's groups.
    """
    groups = all_groups(project.groups)
    name = project.selection.group
    if name not in groups:
        raise ProjectError(
            f"selection.group: {name!r} is not a preset or a group defined under [groups]; "
            f"known groups: {', '.join(groups)}"
        )
    return groups[name]


def selected_period(project: Project, offences: OffenceData | None) -> Period | None:
    """The selected period; a computed end is the latest month in ``offences``."""
    last = offences.last_month if offences is not None else None
    return project.selection.period(last)


def select_offences(project: Project, offences: OffenceData) -> OffenceData:
    """The offences of the selected group within the selected period."""
    return offences.select(selected_group(project), selected_period(project, offences))


def comparison_offences(project: Project, offences: OffenceData) -> OffenceData | None:
    """The selected group in the previous period of equal length (None when not compared)."""
    period = selected_period(project, offences)
    if period is None or not project.selection.compare:
        return None
    return offences.select(selected_group(project), period.previous())


@dataclass(frozen=True)
class Selection:
    """The project's selection applied to the loaded offences.

    Attributes
    ----------
    group : OffenceGroup
        The selected offence group.
    period : Period or None
        The selected period (None when there are no offences to take an end from).
    comparison_period : Period or None
        The previous period of equal length, when the project compares.
    offences : OffenceData or None
        The selected offences.
    comparison : OffenceData or None
        The same group in the comparison period.
    warnings : tuple of str
        Plain-English warnings (selected months the data do not cover ...).
    """

    group: OffenceGroup
    period: Period | None
    comparison_period: Period | None
    offences: OffenceData | None
    comparison: OffenceData | None
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """E.g. "Serious violence (police.uk), 12 months to September 2025"."""
        return f"{self.group.name}, {self.period.label}" if self.period else self.group.name


def _coverage_warning(what: str, period: Period, covered: set[str]) -> str | None:
    missing = [m for m in (month_str(t) for t in period.months()) if m not in covered]
    if not missing:
        return None
    if len(missing) == period.n_months:
        return (
            f"the offence data hold no month of the {what} ({period.span}); the counts for it "
            "are zero. Change the period's end month, or add offence data for those months"
        )
    listed = ", ".join(missing[:6]) + (" ..." if len(missing) > 6 else "")
    return (
        f"the offence data miss {len(missing)} of the {period.n_months} months of the {what} "
        f"({listed}); its counts are incomplete"
    )


def select(project: Project, workspace: Workspace) -> Selection:
    """Apply the project's selection to the workspace's offences."""
    group = selected_group(project)
    offences = workspace.offences
    period = selected_period(project, offences)
    comparison_period = period.previous() if period and project.selection.compare else None
    if offences is None:
        return Selection(group, period, comparison_period, None, None)
    covered = set(offences.report.months)
    warnings = []
    for what, p in (("selected period", period), ("comparison period", comparison_period)):
        w = _coverage_warning(what, p, covered) if p is not None else None
        if w:
            warnings.append(w)
    return Selection(
        group,
        period,
        comparison_period,
        offences.select(group, period),
        offences.select(group, comparison_period) if comparison_period else None,
        tuple(warnings),
    )


# --------------------------------------------------------------------------- steps


@dataclass
class RunContext:
    """What a step of ``hotspot run`` sees, and how it writes.

    Attributes
    ----------
    project : Project
        The project (selection, analysis params, outputs).
    workspace : Workspace
        Everything loaded.
    selection : Selection
        The selected offences and periods.
    out_dir : Path
        The output folder.
    force : bool
        Whether existing files may be replaced.
    results : dict
        Results steps share (e.g. "kde" -> DensityResult), filled in step order.
    progress : Progress
        The current step's progress (0..1 for the step).
    written : list of Path
        Every file written so far.
    warnings : list of str
        Plain-English warnings for the user, in order (see :meth:`warn`).
    log : callable or None
        Receives each warning as it is raised (the command line prints it).
    """

    project: Project
    workspace: Workspace
    selection: Selection
    out_dir: Path
    force: bool = False
    results: dict[str, Any] = field(default_factory=dict)
    progress: Progress = NO_PROGRESS
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log: Callable[[str], None] | None = None

    def warn(self, message: str) -> None:
        """Tell the user something about the run (an analysis result's warnings ...)."""
        self.warnings.append(message)
        if self.log is not None:
            self.log(message)

    def target(self, name: str) -> Path:
        """``out_dir / name``, refusing an existing file unless ``force``."""
        return _check_target(self.out_dir / name, self.force)

    @contextlib.contextmanager
    def writing(self, name: str) -> Iterator[Path]:
        """Yield a temporary path to write ``name`` to; it is renamed into place on success."""
        target = self.target(name)
        with atomic_path(target, overwrite=self.force) as tmp:
            yield tmp
        self.written.append(target)

    def write_text(self, name: str, text: str) -> Path:
        """Write a UTF-8 text file atomically."""
        with self.writing(name) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return self.out_dir / name


def _check_target(path: Path, force: bool) -> Path:
    if path.exists() and not force:
        raise ExportError(
            f"{path}: the file already exists; pass --force to replace it (or choose another "
            "output folder)"
        )
    return check_writable(path, overwrite=force)


def _always(project: Project) -> bool:
    return True


def _no_files(project: Project) -> Sequence[str]:
    return ()


@dataclass(frozen=True)
class Step:
    """One step of ``hotspot run``.

    Attributes
    ----------
    name : str
        Short name ("load_report", "kde" ...), shown in progress messages.
    run : callable
        ``run(ctx: RunContext) -> None``.
    wanted : callable
        ``wanted(project) -> bool``: whether the project asks for this step.
    files : callable
        ``files(project) -> file names`` the step will write, checked before any
        loading so that a refused overwrite fails fast (may be incomplete).
    weight : float
        Relative share of the progress bar.
    """

    name: str
    run: Callable[[RunContext], None]
    wanted: Callable[[Project], bool] = _always
    files: Callable[[Project], Sequence[str]] = _no_files
    weight: float = 1.0


def _write_load_report(ctx: RunContext) -> None:
    ctx.write_text(LOAD_REPORT_FILE, load_report_text(ctx.project, ctx.workspace, ctx.selection))


def _write_selected_offences(ctx: RunContext) -> None:
    sel = ctx.selection.offences
    if sel is None:
        ctx.workspace.notes.append("No offence source: no offences GeoPackage written")
        return
    gdf = offences_for_export(sel)
    import pyogrio

    with ctx.writing(OFFENCES_FILE) as tmp:
        pyogrio.write_dataframe(
            gdf, tmp, layer=OFFENCES_LAYER, driver="GPKG", geometry_type="Point"
        )


def offences_for_export(data: OffenceData):
    """The canonical columns of ``data`` ready for a GIS file (month as "YYYY-MM")."""
    import geopandas as gpd

    gdf = data.gdf
    cols = [c for c in OFFENCE_COLUMNS if c in gdf.columns]
    out = gpd.GeoDataFrame(gdf[cols].copy(), geometry=gdf.geometry.values, crs="EPSG:27700")
    if "month" in out:
        out["month"] = out["month"].dt.strftime("%Y-%m")
    for c in cols:
        if c != "month":
            out[c] = out[c].astype("string")
    return out.reset_index(drop=True)


#: The steps of ``hotspot run``, in order. Later analyses and exports add theirs here.
STEPS: list[Step] = [
    Step(
        "load_report",
        _write_load_report,
        wanted=lambda p: p.outputs.load_report,
        files=lambda p: (LOAD_REPORT_FILE,),
    ),
    Step(
        "offences_gpkg",
        _write_selected_offences,
        wanted=lambda p: p.outputs.offences_gpkg,
        files=lambda p: (OFFENCES_FILE,),
    ),
]


def register_step(step: Step, *, before: str | None = None, after: str | None = None) -> Step:
    """Add ``step`` to :data:`STEPS` (at the end, or before/after a named step).

    A step of the same name is replaced in place.
    """
    names = [s.name for s in STEPS]
    if step.name in names:
        STEPS[names.index(step.name)] = step
        return step
    if before is not None:
        STEPS.insert(names.index(before), step)
    elif after is not None:
        STEPS.insert(names.index(after) + 1, step)
    else:
        STEPS.append(step)
    return step


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
                lines.append(workspace.offences.report.summary())
                seen_offence_summary = True
            continue
        for ld in loads:
            lines += ["", f"{ld.label}: {ld.source.path}", ld.summary]
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
        if selection.comparison_period is not None and selection.comparison is not None:
            lines.append(
                f"Comparison: {selection.comparison_period.label} "
                f"({selection.comparison_period.span}): {len(selection.comparison):,} offences"
            )
    lines += [f"Warning: {w}" for w in selection.warnings]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- run


def _prepare_out_dir(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir}: exists and is not a folder; choose a folder for --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{out_dir}: cannot create the output folder ({exc.strerror})") from None
    return out_dir


def _plan(
    project: Project, out_dir: str | Path, steps: Sequence[Step] | None, force: bool
) -> tuple[Path, list[Step]]:
    """The output folder (created) and the wanted steps, refusing existing files early."""
    out = _prepare_out_dir(Path(out_dir))
    chosen = [s for s in (STEPS if steps is None else steps) if s.wanted(project)]
    if not force:
        existing = [out / f for s in chosen for f in s.files(project) if (out / f).exists()]
        if existing:
            more = f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""
            raise ExportError(
                f"{existing[0]}: the file already exists{more}; pass --force to replace the "
                "outputs, or choose another output folder"
            )
    return out, chosen


def _run_steps(
    project: Project,
    workspace: Workspace,
    out: Path,
    chosen: Sequence[Step],
    *,
    force: bool,
    progress: Progress,
    log: Callable[[str], None] | None,
) -> list[Path]:
    ctx = RunContext(project, workspace, select(project, workspace), out, force=force, log=log)
    for w in ctx.selection.warnings:
        ctx.warn(w)
    total = sum(s.weight for s in chosen) or 1.0
    done = 0.0
    for step in chosen:
        progress.check_cancelled()
        ctx.progress = SubProgress(progress, done / total, (done + step.weight) / total)
        ctx.progress.update(0.0, f"Running {step.name}")
        step.run(ctx)
        done += step.weight
    progress.update(1.0, f"Wrote {len(ctx.written)} files")
    return list(ctx.written)


def run_outputs(
    project: Project,
    workspace: Workspace,
    out_dir: str | Path,
    *,
    force: bool = False,
    progress: Progress = NO_PROGRESS,
    steps: Sequence[Step] | None = None,
    log: Callable[[str], None] | None = None,
) -> list[Path]:
    """Run the wanted steps on an already loaded workspace; return the files written.

    Parameters
    ----------
    project : Project
        Its ``outputs`` section says which steps are wanted.
    workspace : Workspace
        From :func:`load_workspace`.
    out_dir : path-like
        Created when missing.
    force : bool, optional
        Replace existing files.
    progress : Progress, optional
        Receives updates; may cancel between and within steps.
    steps : sequence of Step, optional
        Defaults to :data:`STEPS`.
    log : callable, optional
        Receives plain-English warnings as they arise (see :meth:`RunContext.warn`).

    Raises
    ------
    ExportError
        When a file exists and ``force`` is false, or the folder cannot be made.
    """
    out, chosen = _plan(project, out_dir, steps, force)
    return _run_steps(project, workspace, out, chosen, force=force, progress=progress, log=log)


def run_project(
    project: Project,
    out_dir: str | Path,
    *,
    force: bool = False,
    progress: Progress = NO_PROGRESS,
    steps: Sequence[Step] | None = None,
    log: Callable[[str], None] | None = None,
) -> list[Path]:
    """Load every source of ``project``, then write its outputs into ``out_dir``.

    This is ``hotspot run PROJECT.toml --out DIR``.

    Parameters
    ----------
    project : Project
        A loaded project (``Project.load``).
    out_dir : path-like
        The output folder; created when missing.
    force : bool, optional
        Replace existing output files (``--force``).
    progress : Progress, optional
        Loading takes the first 60%, the steps the rest.
    steps : sequence of Step, optional
        Defaults to :data:`STEPS`.
    log : callable, optional
        Receives plain-English warnings as they arise (the command line prints them).

    Returns
    -------
    list of Path
        Every file written, in order.

    Raises
    ------
    InputError
        A source is missing or unreadable (the message names it).
    ExportError
        An output file exists and ``force`` is false, or cannot be written.
    """
    out, chosen = _plan(project, out_dir, steps, force)  # fail before a long load
    selected_group(project)  # an unknown group, too
    workspace = load_workspace(project, progress=SubProgress(progress, 0.0, 0.6))
    return _run_steps(
        project,
        workspace,
        out,
        chosen,
        force=force,
        progress=SubProgress(progress, 0.6, 1.0),
        log=log,
    )


# The analyses and exports (issues 3, 4 and 6) plug in after the loaders' outputs.
from hotspot._pipeline_analyses import (  # noqa: E402 - needs Step and register_step above
    LsoaContext,
    lsoa_context,
    missing_inputs,
    rates_for,
    run_analysis,
)
from hotspot._pipeline_outputs import register_output_steps, web_layers  # noqa: E402

register_output_steps()

__all__ = [
    "LOAD_REPORT_FILE",
    "LsoaContext",
    "lsoa_context",
    "missing_inputs",
    "rates_for",
    "run_analysis",
    "web_layers",
    "OFFENCES_FILE",
    "OFFENCES_LAYER",
    "STEPS",
    "RunContext",
    "Selection",
    "SourceLoad",
    "Step",
    "Workspace",
    "comparison_offences",
    "load_report_text",
    "load_workspace",
    "offences_for_export",
    "register_step",
    "run_outputs",
    "run_project",
    "select",
    "select_offences",
    "selected_group",
    "selected_period",
]
