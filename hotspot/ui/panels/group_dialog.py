"""A dialog to define a custom offence group: a name and a set of police.uk categories."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hotspot.core.errors import ProjectError
from hotspot.model.taxonomy import CATEGORIES, make_group, presets


class GroupDialog(QDialog):
    """Ask for a group name and its categories; ``group()`` returns the result."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "",
        categories: Iterable[str] = (),
        counts: dict[str, int] | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Offence group")
        self.resize(440, 480)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setPlaceholderText("e.g. Night-time economy violence")
        form.addRow("Name", self.name)
        layout.addLayout(form)
        hint = QLabel(
            "Tick the police.uk crime types the group holds"
            + (" (in brackets: how many offences of each type the data hold)." if counts else ".")
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        chosen = set(categories)
        counts = counts or {}
        for cat in CATEGORIES:
            label = f"{cat} ({counts[cat]:,})" if cat in counts else cat
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, cat)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if cat in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        layout.addWidget(self.list)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #a02020")
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def set_checked(self, categories: Iterable[str]) -> None:
        """Tick exactly these categories."""
        chosen = set(categories)
        for i in range(self.list.count()):
            item = self.list.item(i)
            cat = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if cat in chosen else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        """The ticked categories, in police.uk order."""
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def group(self) -> tuple[str, list[str]]:
        """The group entered, validated.

        Raises
        ------
        ProjectError
            When the name is empty or a preset's, or no category is ticked.
        """
        name = self.name.text().strip()
        if not name:
            raise ProjectError("offence group: give the group a name")
        if name in {g.name for g in presets()}:
            raise ProjectError(f"offence group: {name!r} is a built-in preset; choose another name")
        group = make_group(name, self.checked())
        return group.name, list(group.categories)

    def accept(self) -> None:
        try:
            self.group()
        except ProjectError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
