"""A message bar across the top of a panel or window, for expected problems and notes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

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
