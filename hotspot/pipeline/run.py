"""``hotspot run``: load, select, then run the wanted steps in order into an output folder."""

from __future__ import annotations

import contextlib
import datetime as _dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from hotspot.core.atomic import (
    atomic_write_text,
    check_folder_writable,
    os_error_text,
    remove_stale_parts,
)
from hotspot.core.errors import ExportError, HotspotError
from hotspot.core.progress import NO_PROGRESS, Progress, SubProgress
from hotspot.core.text import one_line
from hotspot.model import Project
from hotspot.pipeline.context import RunContext, Step
from hotspot.pipeline.load_report import (
    LOAD_REPORT_FILE,
    OFFENCES_FILE,
    write_load_report,
    write_selected_offences,
)
from hotspot.pipeline.outputs import OUTPUT_STEPS
from hotspot.pipeline.registry import check_project
from hotspot.pipeline.selection import select, selected_group
from hotspot.pipeline.validate import check
from hotspot.pipeline.workspace import Workspace, load_workspace

STEPS: list[Step] = [
    Step(
        "load_report",
        write_load_report,
        wanted=lambda p: p.outputs.load_report,
        files=lambda p: (LOAD_REPORT_FILE,),
    ),
    Step(
        "offences_gpkg",
        write_selected_offences,
        wanted=lambda p: p.outputs.offences_gpkg and not p.outputs.suppressing,
        files=lambda p: (OFFENCES_FILE,),
    ),
    *OUTPUT_STEPS,
]


# --------------------------------------------------------------------------- run


INCOMPLETE_FILE = "RUN-INCOMPLETE.txt"
"""Written into the output folder when a run starts writing, removed when it finishes:
while it is there, the folder may hold a mix of this run's files and older ones."""


def _prepare_out_dir(out_dir: Path) -> Path:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir}: exists and is not a folder; choose a folder for --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(
            f"{out_dir}: cannot create the output folder ({exc.strerror}); choose a folder "
            "you can write to"
        ) from None
    check_folder_writable(out_dir)  # before a long load, not after it
    try:
        remove_stale_parts(out_dir)  # left by a run that was killed outright
    except OSError as exc:
        raise ExportError(os_error_text(exc, out_dir)) from None
    return out_dir


def _incomplete_text(project: Project, reason: BaseException | None = None) -> str:
    started = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    lines = [
        "This folder does not hold a complete set of Hotspot outputs.",
        "",
        f"A run of the project {project.name!r} started writing here at {started} and did "
        "not finish. The files beside this note may be a mix of that run's files and older "
        "ones. Run the project again into this folder (hotspot run PROJECT.toml --out "
        "FOLDER --force, or File > Export in the window); this note is removed when a run "
        "finishes.",
    ]
    if reason is not None:
        why = str(reason) or type(reason).__name__
        lines += ["", f"The run stopped: {why}"]
    return "\n".join(one_line(line) for line in lines) + "\n"


@contextlib.contextmanager
def _marked_incomplete(out: Path, project: Project) -> Iterator[None]:
    """Keep ``RUN-INCOMPLETE.txt`` in ``out`` while a run writes; remove it when it finishes."""
    marker = out / INCOMPLETE_FILE
    atomic_write_text(marker, _incomplete_text(project), overwrite=True)
    try:
        yield
    except BaseException as exc:
        with contextlib.suppress(OSError, HotspotError):
            atomic_write_text(marker, _incomplete_text(project, exc), overwrite=True)
        raise
    marker.unlink(missing_ok=True)


class RunOutcome(list):
    """The files a run wrote, in order (a list of Path), and what it had to say.

    Attributes
    ----------
    warnings : list of str
        Every warning of the run, each once, in order.
    unmade : list of str
        Outputs the project asked for that could not be produced (``hotspot run`` then
        exits 2).
    """

    def __init__(self, written=(), warnings=(), unmade=()):
        super().__init__(written)
        self.warnings = list(warnings)
        self.unmade = list(unmade)


def _plan(
    project: Project, out_dir: str | Path, steps: Sequence[Step] | None, force: bool
) -> tuple[Path, list[Step]]:
    """The output folder (created) and the wanted steps, refusing existing files early.

    Nothing is written in it until the project has passed
    :func:`hotspot.pipeline.validate.check`.
    """
    check_project(project)
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
) -> RunOutcome:
    found = check(project, workspace)
    found.raise_errors()  # before anything is computed or written
    ctx = RunContext(project, workspace, select(project, workspace), out, force=force, log=log)
    for w in (*ctx.selection.warnings, *found.warnings):
        ctx.warn(w)
    total = sum(s.weight for s in chosen) or 1.0
    done = 0.0
    with _marked_incomplete(out, project):
        for step in chosen:
            progress.check_cancelled()
            ctx.progress = SubProgress(progress, done / total, (done + step.weight) / total)
            ctx.progress.update(0.0, f"Running {step.name}")
            step.run(ctx)
            done += step.weight
    progress.update(1.0, f"Wrote {len(ctx.written)} files")
    return RunOutcome(ctx.written, ctx.warnings, ctx.unmade)


def run_outputs(
    project: Project,
    workspace: Workspace,
    out_dir: str | Path,
    *,
    force: bool = False,
    progress: Progress = NO_PROGRESS,
    steps: Sequence[Step] | None = None,
    log: Callable[[str], None] | None = None,
) -> RunOutcome:
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

    Returns
    -------
    RunOutcome
        The files written (a list), with the run's warnings and the outputs it could not
        produce.

    Raises
    ------
    ProjectError
        When :func:`hotspot.pipeline.validate.check` finds the project unfit to run
        (nothing is then computed or written).
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
) -> RunOutcome:
    """Load every source of ``project``, then write its outputs into ``out_dir``.

    This is ``hotspot run PROJECT.toml --out DIR``.

    Parameters
    ----------
    project : Project
        A loaded project (:func:`hotspot.pipeline.load_project`).
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
    RunOutcome
        Every file written, in order (a list of Path), with the run's warnings
        (``.warnings``) and the outputs asked for that could not be produced (``.unmade``).

    Raises
    ------
    InputError
        A source is missing or unreadable (the message names it).
    ProjectError
        The project is unfit to run (:func:`hotspot.pipeline.validate.check`): nothing is
        computed or written.
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
