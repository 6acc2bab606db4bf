"""The window's state: the project, its loaded workspace, the results and the layers.

Every computation goes through :mod:`hotspot.pipeline` (the same calls ``hotspot run``
makes), on the window's :class:`~hotspot.ui.workers.JobRunner`. Results are stored
only when a job succeeds, so a cancelled or failed run leaves nothing half-made.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from hotspot.core.errors import HotspotError
from hotspot.model import Project, SelectionParams
from hotspot.ui import errors
from hotspot.ui.layer_stack import LayerStack
from hotspot.ui.selection_view import SelectionView
from hotspot.ui.workers import JobRunner

log = logging.getLogger(__name__)

ADD_SOURCE_MENU = {
    "offences": "File > Add offence data",
    "areas": "File > Add boundaries",
    "indicators": "File > Add context table",
    "lookup": "File > Add context table",
    "reference": "File > Add reference layer",
}
"""How a window user adds a source of each kind (for messages on missing inputs)."""


def load_and_prepare(project: Project, *, progress: Any) -> SelectionView:
    """Load a project's sources and work out, on the loading thread, what the panels ask.

    Returns the :class:`SelectionView` of the project on the new workspace, filled.
    """
    from hotspot import pipeline
    from hotspot.pipeline.study_area import prepare

    workspace = prepare(pipeline.load_workspace(project, progress=progress))
    progress.update(1.0, "Selecting the offences")
    return SelectionView(project, workspace).work_out()


class Session(QObject):
    """Holds what the window shows and runs the pipeline steps.

    Signals
    -------
    project_changed()
        A different project was opened or made (also after New).
    workspace_changed()
        Sources were (re)loaded; ``workspace`` is the pipeline's Workspace or None.
    selection_changed()
        The offence group or period changed; results were cleared.
    result_changed(str)
        ``results[section]`` was set (or removed).
    problem(str, str)
        An expected problem to show: (where, message); where is "load" or a section.
    verification_changed()
        ``verification`` was set (Verify with PySAL) or cleared.
    """

    project_changed = Signal()
    workspace_changed = Signal()
    selection_changed = Signal()
    result_changed = Signal(str)
    problem = Signal(str, str)
    verification_changed = Signal()

    def __init__(self, runner: JobRunner, parent: QObject | None = None):
        super().__init__(parent)
        self.runner = runner
        self.project = Project()
        self.workspace: Any = None
        self.results: dict[str, Any] = {}
        self.outcomes: dict[str, tuple[str, ...]] = {}  # analysis -> the result keys it made
        self.layers = LayerStack(self)
        self.pending: Project | None = None
        self.dirty = False
        self.verification: Any = None  # the last check against PySAL of ``results``
        self._view: SelectionView | None = None

    # ---------------------------------------------------------------- project

    def set_project(self, project: Project) -> None:
        """Make ``project`` current and load its sources in the background."""
        self.runner.cancel()
        self.project = project
        self.workspace = None
        self.clear_results()
        self.layers.clear()
        self.dirty = False
        self.project_changed.emit()
        self.workspace_changed.emit()
        if project.sources:
            self.load(project)

    def load(self, project: Project, *, on_done=None, on_error=None) -> None:
        """Load ``project``'s sources; on success it becomes current with its workspace."""

        self.pending = project

        def loaded(view: SelectionView) -> None:
            self.pending = None
            self.cancel_analyses()
            self.project = project
            self.workspace = view.workspace
            self.clear_results()  # their inputs changed: tables and summaries go too
            self._view = view  # worked out on the loading thread
            if on_done is not None:
                on_done()
            self.workspace_changed.emit()

        def failed(exc: BaseException) -> None:
            self.pending = None
            if on_error is not None and isinstance(exc, HotspotError):
                on_error(str(exc))
            else:
                errors.dispatch(exc, lambda msg: self.problem.emit("load", msg))

        def cancelled() -> None:
            if self.pending is project:
                self.pending = None

        self.runner.submit(
            "load",
            load_and_prepare,
            project,
            on_success=loaded,
            on_error=failed,
            on_cancelled=cancelled,
            message="Loading data",
        )

    def add_sources(self, items: list[tuple[str, str, dict[str, Any]]]) -> None:
        """Add files ``(kind, path, options)`` and reload; nothing changes if one fails."""
        candidate = (self.pending or self.project).copy()
        try:
            for kind, path, options in items:
                candidate.add_source(kind, path, **options)
        except HotspotError as exc:
            self.problem.emit("load", str(exc))
            return

        def done() -> None:
            self.dirty = True

        names = [Path(path).name for _, path, _ in items]

        def failed(message: str) -> None:
            if len(names) == 1:
                text = f"{names[0]} was not added: {message}"
            else:
                text = (
                    f"None of the {len(names)} files was added, because one could not be used: "
                    f"{message} Add the others again without it."
                )
            self.problem.emit("load", text)

        self.load(candidate, on_done=done, on_error=failed)

    def add_source(self, kind: str, path: str, **options: Any) -> None:
        """Add one file to the project and reload."""
        self.add_sources([(kind, path, options)])

    def remove_source(self, index: int) -> None:
        """Remove the project's source at ``index`` and reload."""
        candidate = self.project.copy()
        del candidate.sources[index]
        self.dirty = True
        self.load(candidate)

    # ---------------------------------------------------------------- selection and params

    def set_selection(self, selection: SelectionParams, groups: dict[str, list[str]]) -> None:
        """Change the offence group / period / study area; existing results no longer apply.

        A new study area (``local_authorities``) restricts the loaded boundaries at once
        (:func:`hotspot.pipeline.study_area.restrict`); a name the boundaries do not hold
        is reported and the selection is left as it was.
        """
        if selection == self.project.selection and groups == self.project.groups:
            return
        restricted = None
        new_area = selection.local_authorities != self.project.selection.local_authorities
        if new_area and self.workspace is not None:
            from hotspot.pipeline.study_area import restrict

            try:
                restricted = restrict(self.workspace, selection.local_authorities)
            except HotspotError as exc:
                self.problem.emit("load", str(exc))
                return
        self.cancel_analyses()
        self.project.selection = selection
        self.project.groups = {k: list(v) for k, v in groups.items()}
        self.dirty = True
        self.clear_results()
        if restricted is not None:
            self.workspace = restricted
            self.workspace_changed.emit()
            self.selection_changed.emit()
        else:
            self._select_then_emit()

    @property
    def selecting(self) -> bool:
        """Whether a new selection is being worked out (``selection_changed`` follows)."""
        return self.runner.is_running("select")

    def _select_then_emit(self) -> None:
        """Select the offences on a worker thread, then say the selection changed.

        On a whole force the selection, its checks and its load report take a second or so:
        the window stays responsive meanwhile. Asked for sooner (Run clicked at once),
        :meth:`selection` works it out there and then.
        """
        workspace = self.workspace
        if workspace is None:
            self.selection_changed.emit()
            return
        view = SelectionView(self.project, workspace)

        def ready(done: SelectionView) -> None:
            if self.workspace is not workspace:  # other data were loaded meanwhile
                return
            # current: a newer selection would have cancelled this job
            self._view = done
            self.selection_changed.emit()

        self.runner.submit(
            "select",
            lambda progress: view.work_out(),
            on_success=ready,
            on_error=lambda exc: errors.dispatch(exc, lambda m: self.problem.emit("load", m)),
            message="Selecting the offences",
        )

    def exclude_locations(self, entries: list[str]) -> None:
        """Leave map points out of every analysis, and run again what had been run."""
        from dataclasses import replace

        from hotspot.pipeline import registry

        old = self.project.selection
        wanted = tuple(dict.fromkeys([*old.exclude_locations, *entries]))
        if wanted == old.exclude_locations:
            return
        try:
            new = replace(old, exclude_locations=wanted)
        except HotspotError as exc:
            self.problem.emit("load", str(exc))
            return
        again = [s for s in registry.analysis_ids() if s in self.outcomes]
        params = {s: registry.params(self.project, s) for s in again}
        self.set_selection(new, self.project.groups)
        for section in again:
            self.run(section, params[section], message=f"Running {section} again")

    def selection_problems(self) -> list[str]:
        """Why the selection gives nothing to analyse ([] when fine): Run and Export say it.

        Worked out once per selection and workspace (:func:`hotspot.pipeline.validate.selection_problems`).
        """
        view = self.selection_view()
        return [] if view is None else view.problems()

    def selection(self) -> Any:
        """The project's selection applied to the workspace (made once per change), or None."""
        view = self.selection_view()
        return None if view is None else view.selection()

    def load_report(self) -> str:
        """The text of ``load_report.txt`` for the project ("" before any data is loaded)."""
        view = self.selection_view()
        return "" if view is None else view.report()

    def selection_view(self) -> SelectionView | None:
        """What the window shows of the current selection (None before any data is loaded)."""
        if self.workspace is None:
            return None
        if self._view is None or self._view.workspace is not self.workspace:
            self._view = SelectionView(self.project, self.workspace)
        return self._view

    def cancel_analyses(self) -> None:
        """Stop running analyses: their inputs changed, so their results would be stale."""
        from hotspot.pipeline.registry import analysis_ids

        for section in analysis_ids():
            self.runner.cancel(section)

    def set_params(self, section: str, params: Any) -> None:
        """Store an analysis's parameters in the project."""
        if self.project.analysis.get(section) != params:
            self.project.analysis[section] = params
            self.dirty = True

    def clear_results(self) -> None:
        """Forget every result and remove the result layers."""
        sections = list(self.outcomes)
        self.results.clear()
        self.outcomes.clear()
        self._view = None
        if self.verification is not None:
            self.verification = None
            self.verification_changed.emit()
        self.layers.remove_prefix("result:")
        for s in sections:
            self.result_changed.emit(s)

    # ---------------------------------------------------------------- analyses

    def run(
        self, section: str, params: Any, *, on_done=None, on_error=None, message: str = ""
    ) -> None:
        """Run one analysis through the pipeline; the result is kept only on success.

        ``message`` is what the status bar says while it runs.
        """
        from hotspot import pipeline

        if self.workspace is None:
            raise HotspotError(f"Load offence data first ({ADD_SOURCE_MENU['offences']}).")
        self.set_params(section, params)
        project = self.project.copy()

        def succeeded(found: dict[str, Any]) -> None:
            for key in self.outcomes.pop(section, ()):
                self.results.pop(key, None)
            self.results.update({k: v for k, v in found.items() if v is not None})
            self.outcomes[section] = tuple(k for k, v in found.items() if v is not None)
            self.result_changed.emit(section)
            if on_done is not None:
                on_done(found.get(section))

        self.runner.submit(
            section,
            pipeline.run_analysis,
            section,
            project,
            self.workspace,
            how=ADD_SOURCE_MENU.get,
            on_success=succeeded,
            on_error=on_error,
            message=message or f"Running {section}",
        )

    def verify(self, *, on_error=None) -> bool:
        """Recompute the current Gi* and correlation results with PySAL, in the background.

        Returns False (starting nothing) when no result can be checked; the outcome arrives
        in ``verification`` with ``verification_changed``.
        """
        from hotspot.pipeline.registry import analyses
        from hotspot.pipeline.verify import verify_results

        keys = {key for s in analyses() for key, _, _ in s.verify}
        if not any(self.results.get(k) is not None for k in keys):
            return False
        results = dict(self.results)

        def done(found: Any) -> None:
            if results.keys() == self.results.keys() and all(
                results[k] is self.results[k] for k in results
            ):  # still the results shown
                self.verification = found
                self.verification_changed.emit()

        self.runner.submit(
            "verify",
            verify_results,
            results,
            on_success=done,
            on_error=on_error,
            message="Checking the results against PySAL (esda compiles on first use)",
        )
        return True
