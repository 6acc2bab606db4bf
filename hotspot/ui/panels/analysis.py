"""An analysis panel: parameters, Run and Cancel, what came out.

Every panel is generated from the analysis's declaration in the registry
(:class:`hotspot.pipeline.analysis_spec.AnalysisSpec`): its title and introduction, a form
built from its params dataclass with the spec's presentation hints
(:class:`~hotspot.ui.widgets.params_form.ParamsForm`), what inputs it needs, and
the summary lines of its result (the lines ``summary.txt`` gives). The run goes
through :meth:`hotspot.ui.session.Session.run`, i.e. through the pipeline.

Run is disabled, with the reason shown, while an input is missing or the selection
gives nothing to analyse (a period without data ...). The result's warnings (and, when
nothing is significant, why) are shown beside it. Analyses PySAL can recompute get a
"Verify with PySAL" button.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from hotspot.core.errors import HotspotError
from hotspot.model import Project
from hotspot.pipeline import registry
from hotspot.ui import errors
from hotspot.ui.widgets.message_bar import MessageBar
from hotspot.ui.widgets.params_form import ParamsForm


class AnalysisPanel(QWidget):
    """The panel of one analysis.

    Parameters
    ----------
    session : Session
        The window's state.
    spec : AnalysisSpec
        The analysis's declaration (title, intro, params, hints, summary).
    """

    def __init__(self, session: Any, spec: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.spec = spec
        self.section = spec.id
        self.title = spec.title
        self.session = session
        self.workspace: Any = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(scroll, 1)
        body = QWidget()
        scroll.setWidget(body)
        layout = QVBoxLayout(body)
        intro = QLabel(spec.intro)
        intro.setObjectName("panelIntro")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message = MessageBar()
        layout.addWidget(self.message)
        self.form = ParamsForm(
            spec.params,
            section=f"analysis.{self.section}",
            choice_labels=spec.form.choice_labels,
            applies=spec.form.applies,
            captions=spec.form.captions,
        )
        self.form.changed.connect(self._params_edited)
        layout.addWidget(self.form)
        buttons = QHBoxLayout()
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("runButton")
        self.run_button.clicked.connect(self.run)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.setEnabled(False)
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.cancel_button)
        self.verify_button = None
        if spec.verify:
            self.verify_button = QPushButton("Verify with PySAL")
            self.verify_button.setObjectName("verifyButton")
            self.verify_button.setToolTip(
                "Recompute this result with PySAL (esda, on libpysal weights built "
                "independently) and show the largest difference; esda compiles on first use "
                "(about 15 s)"
            )
            self.verify_button.clicked.connect(self.verify)
            self.verify_button.setEnabled(False)
            buttons.addWidget(self.verify_button)
        buttons.addStretch(1)
        buttons.setContentsMargins(9, 4, 9, 6)
        self.summary = QLabel()
        self.summary.setObjectName("resultSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        layout.addWidget(self.summary)
        layout.addStretch(1)
        outer.addLayout(buttons)  # below the scrolled form: Run is always in reach
        session.result_changed.connect(self._result_changed)
        session.selection_changed.connect(self._refresh_run)
        session.verification_changed.connect(self._verified)
        session.runner.started.connect(self._job_state)
        session.runner.finished.connect(self._job_state)
        self.set_workspace(None)

    @property
    def label(self) -> str:
        """What the analysis is called in messages."""
        return self.spec.name or self.spec.title

    def missing_inputs(self, workspace: Any) -> str | None:
        """Why the analysis cannot run on ``workspace`` (None when it can)."""
        from hotspot.pipeline.registry import missing_inputs
        from hotspot.ui.session import ADD_SOURCE_MENU

        return missing_inputs(self.section, workspace, ADD_SOURCE_MENU.get)

    def describe(self) -> str:
        """The result's summary lines (as ``summary.txt`` gives them)."""
        return "\n".join(self.spec.summary(self.session.results))

    # ---------------------------------------------------------------- state

    def set_project(self, project: Project) -> None:
        """Show the project's parameters for this analysis."""
        try:
            self.form.blockSignals(True)
            self.form.set_value(registry.params(project, self.section))
        except HotspotError as exc:
            self.message.show_message(str(exc), "error")
        finally:
            self.form.blockSignals(False)
        self._set_summary("")

    def set_workspace(self, workspace: Any) -> None:
        """Enable Run when the inputs the analysis needs are loaded."""
        self.workspace = workspace
        self._refresh_run()

    def blocked(self) -> tuple[str, str] | None:
        """Why Run is disabled, as (reason, level), or None when it may run."""
        missing = self.missing_inputs(self.workspace)
        if missing:
            return missing, "info"
        problems = self.session.selection_problems() if self.workspace is not None else []
        return (problems[0], "error") if problems else None

    def _refresh_run(self) -> None:
        why = self.blocked()
        self.run_button.setEnabled(why is None)
        self.run_button.setToolTip(why[0] if why else f"Run {self.label} on the selected offences")
        if why and self.workspace is not None:
            self.message.show_message(f"Run is disabled: {why[0]}", why[1])
        else:
            self.message.clear()

    def params_or_none(self) -> Any:
        """The parameters entered, or None when they are invalid."""
        try:
            return self.form.value()
        except HotspotError:
            return None

    def _params_edited(self) -> None:
        params = self.params_or_none()
        if params is not None:
            self.session.set_params(self.section, params)

    # ---------------------------------------------------------------- running

    def run(self) -> None:
        """Run the analysis with the parameters shown."""
        self.message.clear()
        try:
            params = self.form.value()
            self.session.run(
                self.section, params, on_error=self._failed, message=f"Running {self.label}"
            )
        except HotspotError as exc:
            self.message.show_message(str(exc), "error")

    def cancel(self) -> None:
        """Stop the running analysis (nothing it made is kept)."""
        self.session.runner.cancel(self.section)

    def _failed(self, exc: BaseException) -> None:
        errors.dispatch(exc, lambda msg: self.message.show_message(msg, "error"))

    def _job_state(self, name: str, *_args) -> None:
        if name == self.section:
            running = self.session.runner.is_running(self.section)
            self.cancel_button.setEnabled(running)

    def _set_summary(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setVisible(bool(text))

    # ---------------------------------------------------------------- PySAL

    def verify(self) -> None:
        """Recompute this result with PySAL (in the background, with progress)."""
        self.message.show_message("Checking against PySAL (esda compiles on first use)…")
        started = self.session.verify(on_error=self._failed)
        if not started:
            self.message.show_message(f"Run {self.label} first: there is nothing to check.")

    def verification_lines(self) -> list[str]:
        """The check against PySAL of this analysis's results ([] when not checked)."""
        check = self.session.verification
        if check is None:
            return []
        keys = {key for key, _, _ in self.spec.verify}
        lines = check.lines(keys)
        return [check.heading + ":", *lines] if lines else []

    def _verified(self) -> None:
        lines = self.verification_lines()
        if lines:
            problems = list(self.session.verification.warnings)
            self.message.show_message(" ".join(lines + problems), "warning" if problems else "info")

    def _result_changed(self, section: str) -> None:
        if section != self.section:
            return
        result = self.session.results.get(section)
        if self.verify_button is not None:
            self.verify_button.setEnabled(result is not None)
        if result is None:
            self._set_summary("")
            self.form.show_computed(self.form.cls(), {})
            return
        self.form.show_computed(result.params, self.spec.form.computed_notes(result))
        self._set_summary(self.describe())
        QTimer.singleShot(0, self, lambda: self.scroll.ensureWidgetVisible(self.summary))
        warnings = list(getattr(result, "warnings", ()) or ())
        if warnings:
            self.message.show_message(" ".join(warnings), "warning")
