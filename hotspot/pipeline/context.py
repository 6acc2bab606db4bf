"""What a step of ``hotspot run`` sees and how it writes (:class:`RunContext`), and :class:`Step`."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hotspot.core.atomic import atomic_path, check_writable
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.model import Project
from hotspot.pipeline.selection import Selection
from hotspot.pipeline.workspace import Workspace

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
    unmade : list of str
        Outputs the project asked for that could not be produced (see :meth:`unmade_output`).
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
    unmade: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Tell the user something about the run (an analysis result's warnings ...).

        A message already said is not said again.
        """
        if message in self.warnings:
            return
        self.warnings.append(message)
        if self.log is not None:
            self.log(message)

    def unmade_output(self, message: str) -> None:
        """Say that an output the project asked for could not be produced (and why).

        The run goes on with the other outputs; ``hotspot run`` then exits 2.
        """
        if message not in self.unmade:
            self.unmade.append(message)
        self.warn(message)

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
