"""Status-bar widget: what is running, its progress, and a Cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from hotspot.ui.workers import JobRunner


class JobStatus(QWidget):
    """Shows the latest job's message and progress; Cancel stops every running job."""

    def __init__(self, runner: JobRunner, parent: QWidget | None = None):
        super().__init__(parent)
        self.runner = runner
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setMaximumWidth(180)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop the running job; nothing half-made is kept")
        self.cancel.clicked.connect(lambda: runner.cancel())
        for w in (self.label, self.bar, self.cancel):
            layout.addWidget(w)
        runner.started.connect(self._started)
        runner.progress.connect(self._progress)
        runner.finished.connect(self._finished)
        runner.busy_changed.connect(self._busy)
        self._busy(False)

    def _started(self, name: str, message: str) -> None:
        self.label.setText(message or f"Running {name}")
        self.bar.setValue(0)

    def _progress(self, name: str, fraction: float, message: str) -> None:
        if message:
            self.label.setText(message)
        self.bar.setValue(round(fraction * 1000))

    def _finished(self, name: str, outcome: str) -> None:
        if outcome == "cancelled":
            self.label.setText("Cancelled")
        elif not self.runner.busy:
            self.label.setText("")

    def _busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.cancel.setVisible(busy)
