"""One path for every error: expected ones to the panel, unexpected ones to a dialog.

Expected problems (:class:`hotspot.core.errors.HotspotError`) carry a message that says
what is wrong and how to fix it; panels show them next to where the user acted.
Anything else is a bug: it is logged (also to a file, in the folder where
``hotspot run`` writes its crash logs), shown in one dialog with details to copy,
and the application keeps running. :func:`install_excepthook` routes uncaught
exceptions (slots, timers, threads) to the same dialog.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hotspot.core.errors import HotspotError
from hotspot.core.versions import versions_text
from hotspot.ui.qt_versions import qt_versions

log = logging.getLogger("hotspot")


def details(exc: BaseException) -> str:
    """The full traceback of ``exc`` as text (what the dialog lets the user copy)."""
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


class ErrorDialog(QDialog):
    """Shows an unexpected error: a plain sentence and the details, with a Copy button."""

    def __init__(self, summary: str, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Hotspot: something went wrong")
        self.setObjectName("errorDialog")
        layout = QVBoxLayout(self)
        head = QLabel(
            "Hotspot hit a problem it did not expect. Your project and data are unchanged; "
            "you can keep working. If it happens again, copy the details below and send them "
            "to whoever supports Hotspot for you."
        )
        head.setWordWrap(True)
        layout.addWidget(head)
        self.summary = QLabel(summary)
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)
        self.details = QPlainTextEdit(text)
        self.details.setReadOnly(True)
        self.details.setMinimumSize(560, 220)
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_details(self) -> None:
        """Put the summary and traceback on the clipboard."""
        QGuiApplication.clipboard().setText(
            f"{self.summary.text()}\n\n{self.details.toPlainText()}"
        )


class ErrorReporter(QObject):
    """Collects unexpected errors from any thread and shows them in the GUI thread.

    ``show`` is the function that displays a dialog; tests replace it.
    """

    unexpected = Signal(str, str)

    def __init__(self) -> None:
        super().__init__()
        self.parent_widget: QWidget | None = None
        self.history: list[tuple[str, str]] = []
        self.show: Callable[[str, str], None] = self._show_dialog
        self.unexpected.connect(self._on_unexpected, Qt.ConnectionType.QueuedConnection)

    def report(self, exc: BaseException) -> None:
        """Log ``exc`` and show it (queued: safe from any thread)."""
        summary = f"{type(exc).__name__}: {exc}"
        text = details(exc)
        log.error("unexpected error\n%s", text)
        qt = qt_versions(web_engine=True)
        try:
            from hotspot.core.crashlog import write_crash_log

            saved = f"The details were saved to {write_crash_log(exc, ['(window)'], extra=qt)}"
        except Exception:  # noqa: BLE001 - the dialog matters more than the file
            saved = "The details could not be saved to a log file."
        self.unexpected.emit(summary, f"{versions_text(qt)}\n{saved}\n\n{text}")

    @Slot(str, str)
    def _on_unexpected(self, summary: str, text: str) -> None:
        self.history.append((summary, text))
        try:
            self.show(summary, text)
        except Exception:  # noqa: BLE001 - never let the error path itself crash
            log.exception("could not show the error dialog")

    def _show_dialog(self, summary: str, text: str) -> None:
        ErrorDialog(summary, text, self.parent_widget).exec()


_reporter: ErrorReporter | None = None


def reporter() -> ErrorReporter:
    """The application's one error reporter (made on first use, in the GUI thread)."""
    global _reporter
    if _reporter is None:
        _reporter = ErrorReporter()
    return _reporter


def report_unexpected(exc: BaseException) -> None:
    """Send an unexpected exception to the error dialog."""
    reporter().report(exc)


def dispatch(exc: BaseException, show_expected: Callable[[str], None]) -> None:
    """Route an error: expected ones to ``show_expected(message)``, others to the dialog."""
    if isinstance(exc, HotspotError):
        show_expected(str(exc))
    else:
        report_unexpected(exc)


def _excepthook(exc_type, exc, tb) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if exc.__traceback__ is None:
        exc = exc.with_traceback(tb)
    report_unexpected(exc)


def _thread_excepthook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is not None:
        report_unexpected(args.exc_value)


def install_excepthook(parent: QWidget | None = None) -> ErrorReporter:
    """Route uncaught exceptions (GUI thread and Python threads) to the error dialog."""
    rep = reporter()
    rep.parent_widget = parent
    sys.excepthook = _excepthook
    threading.excepthook = _thread_excepthook
    return rep
