"""What the window shows of a project's selection, worked out once and, after a load, ahead.

The selected offences, why they cannot be analysed and the load report cost a second or
more on a whole force's millions of rows. The window asks for them on its own thread after
every load and change of selection; a :class:`SelectionView` works each out once, and the
loading thread fills a fresh one before the window sees the new data, so opening a large
project never freezes the window.
"""

from __future__ import annotations

from typing import Any

from hotspot.core.errors import HotspotError


class SelectionView:
    """The selection of ``project`` applied to ``workspace``, its problems and load report.

    Each is worked out on first use and kept; a change of project selection or workspace
    needs a new view.
    """

    def __init__(self, project: Any, workspace: Any):
        self.project = project
        self.workspace = workspace
        self._selection: Any = None
        self._problems: list[str] | None = None
        self._report: str | None = None

    def selection(self) -> Any:
        """The selection (:func:`hotspot.pipeline.select`); raises its HotspotError."""
        if self._selection is None:
            from hotspot import pipeline

            self._selection = pipeline.select(self.project, self.workspace)
        return self._selection

    def problems(self) -> list[str]:
        """Why the selection gives nothing to analyse ([] when fine)."""
        if self._problems is None:
            from hotspot.pipeline.validate import selection_problems

            try:
                self._problems = selection_problems(self.project, self.workspace, self.selection())
            except HotspotError as exc:
                self._problems = [str(exc)]
        return self._problems

    def report(self) -> str:
        """The text of ``load_report.txt`` (as ``hotspot run`` writes it), or why not."""
        if self._report is None:
            from hotspot import pipeline

            try:
                self._report = pipeline.load_report_text(
                    self.project, self.workspace, self.selection()
                )
            except HotspotError as exc:
                self._report = str(exc)
        return self._report

    @property
    def report_ready(self) -> bool:
        """Whether :meth:`report` answers at once (else it takes a moment on a large force)."""
        return self._report is not None

    def work_out(self) -> SelectionView:
        """Work out everything now (on a loading thread); returns the view."""
        self.problems()
        self.report()
        offences = getattr(self.workspace, "offences", None)
        if offences is not None:
            offences.monthly_counts()  # the window's monthly trend
        return self
