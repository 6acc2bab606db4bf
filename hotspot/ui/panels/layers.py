"""Layers panel: visibility, opacity, order and removal of the map's layers."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from hotspot.ui.layer_stack import LayerStack

KEY = Qt.ItemDataRole.UserRole


class LayersPanel(QWidget):
    """A list of the layers (top first) with a check box each, an opacity slider and buttons."""

    def __init__(self, stack: LayerStack, parent: QWidget | None = None):
        super().__init__(parent)
        self.stack = stack
        layout = QVBoxLayout(self)
        self.list = QListWidget()
        self.list.setToolTip("Tick to show a layer; the top of the list is drawn on top")
        # long names end in "..." (full name in the item's tooltip) rather than scrolling
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.list.itemChanged.connect(self._item_changed)
        self.list.currentItemChanged.connect(self._current_changed)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Opacity"))
        self.opacity = QSlider(Qt.Orientation.Horizontal)
        self.opacity.setRange(0, 100)
        self.opacity.setToolTip("Opacity of the selected layer")
        self.opacity.valueChanged.connect(self._opacity_changed)
        row.addWidget(self.opacity, 1)
        self.opacity_text = QLabel("")
        self.opacity_text.setMinimumWidth(36)
        row.addWidget(self.opacity_text)
        layout.addLayout(row)
        buttons = QHBoxLayout()
        self.up = QPushButton("Up")
        self.down = QPushButton("Down")
        self.remove = QPushButton("Remove")
        self.up.clicked.connect(lambda: self._move(-1))
        self.down.clicked.connect(lambda: self._move(1))
        self.remove.clicked.connect(self._remove)
        for b in (self.up, self.down, self.remove):
            b.setMinimumWidth(40)  # a narrow panel leaves the map its room
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            buttons.addWidget(b)
        layout.addLayout(buttons)
        stack.changed.connect(self.refresh)
        self.refresh()

    def current_key(self) -> str | None:
        """Key of the selected layer."""
        item = self.list.currentItem()
        return item.data(KEY) if item is not None else None

    def refresh(self) -> None:
        """Rebuild the list from the stack, keeping the selection."""
        current = self.current_key()
        self.list.blockSignals(True)
        try:
            self.list.clear()
            for e in self.stack.entries:
                item = QListWidgetItem(f"{e.title}  [{e.group.lower()}]")
                item.setToolTip(f"{e.title} ({e.group.lower()})")
                item.setData(KEY, e.key)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if e.visible else Qt.CheckState.Unchecked)
                self.list.addItem(item)
                if e.key == current:
                    self.list.setCurrentItem(item)
        finally:
            self.list.blockSignals(False)
        self._current_changed()

    def _item_changed(self, item: QListWidgetItem) -> None:
        self.stack.set_visible(item.data(KEY), item.checkState() == Qt.CheckState.Checked)

    def _current_changed(self, *_args) -> None:
        entry = self.stack.get(self.current_key() or "")
        for w in (self.opacity, self.up, self.down, self.remove):
            w.setEnabled(entry is not None)
        if entry is not None:
            self.opacity.blockSignals(True)
            self.opacity.setValue(round(entry.opacity * 100))
            self.opacity.blockSignals(False)
        self.opacity_text.setText(f"{self.opacity.value()}%" if entry is not None else "")

    def _opacity_changed(self, value: int) -> None:
        self.opacity_text.setText(f"{value}%")
        key = self.current_key()
        if key:
            self.stack.set_opacity(key, value / 100)

    def _move(self, delta: int) -> None:
        key = self.current_key()
        if key:
            self.stack.move(key, delta)

    def _remove(self) -> None:
        key = self.current_key()
        if key:
            self.stack.remove(key)
