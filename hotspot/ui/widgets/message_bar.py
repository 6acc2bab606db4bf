"""A message bar across the top of a panel or window, for expected problems and notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QToolButton, QWidget

LEVELS = ("info", "warning", "error")


class MessageBar(QFrame):
    """Shows one message at a time with a level ("info", "warning", "error") and a close button.

    The level is exposed as the dynamic property ``level`` so the style sheet can
    colour it; ``text()`` returns the message shown (empty when hidden).
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        close = QToolButton(text="✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(self.clear)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.level = "info"
        self.hide()

    def show_message(self, text: str, level: str = "info") -> None:
        """Show ``text``; ``level`` is "info", "warning" or "error"."""
        self.level = level if level in LEVELS else "info"
        self.setProperty("level", self.level)
        self.style().unpolish(self)
        self.style().polish(self)
        prefix = {"info": "", "warning": "Warning: ", "error": "Problem: "}[self.level]
        self.label.setText(prefix + text)
        self.show()

    def text(self) -> str:
        """The message shown, or an empty string."""
        return self.label.text() if not self.isHidden() else ""

    def clear(self) -> None:
        """Hide the bar."""
        self.label.clear()
        self.hide()


class StatusMessage(MessageBar):
    """A message bar for the window's status bar: one line that never squeezes the map.

    The line is elided to the room there is; the whole message is its tooltip and
    "Details" shows it in full (error messages name files and say how to fix them).
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("statusMessage")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.layout().setContentsMargins(4, 0, 2, 0)
        self.label.setWordWrap(False)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.details = QToolButton(text="Details")
        self.details.setAutoRaise(True)
        self.details.setToolTip("Show the whole message")
        self.details.clicked.connect(self.show_details)
        self.layout().insertWidget(1, self.details)
        self._full = ""

    def show_message(self, text: str, level: str = "info") -> None:
        """Show ``text`` on one line (elided), the whole of it a click away."""
        super().show_message(" ".join(text.split()), level)
        self._full = self.label.text()
        self.label.setToolTip(text)
        self._elide()

    def text(self) -> str:
        """The whole message shown, or an empty string."""
        return self._full if not self.isHidden() else ""

    def clear(self) -> None:
        self._full = ""
        super().clear()

    def show_details(self) -> None:
        """The whole message in a dialog (selectable, for copying into an email)."""
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(self.window())
        box.setWindowTitle("Message")
        box.setText(self._full)
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.open()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        if not self._full:
            return
        width = max(40, self.label.width())
        shown = self.label.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width)
        self.label.setText(shown)
        self.details.setVisible(shown != self._full)
