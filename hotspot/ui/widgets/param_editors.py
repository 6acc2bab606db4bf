"""One editor widget per parameter type, made from a :class:`hotspot.core.params.ParamSpec`.

Every editor has ``get()`` (the value, ``None`` for "auto"), ``set(value)``, a
``changed`` signal, and ``set_computed(value, how)`` to show what "auto" came to
and how it was computed. Choices are stored as declared ("k_mean") and may be
shown with plain-English labels ("Multiples of the mean").
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
)

from hotspot.core.params import ParamSpec

INT_MIN, INT_MAX = -(2**31), 2**31 - 1
AUTO = "auto"


def _decimals(value: float) -> int:
    text = repr(float(value))
    if "e" in text or "." not in text:
        return 0
    frac = text.split(".")[1].rstrip("0")
    return min(len(frac), 10)


def _parse_item(text: str, item_type: type) -> Any:
    """``"2"`` -> 2 for numbers; text that is not a number is kept for ``from_dict`` to explain."""
    if item_type not in (int, float):
        return text
    try:
        number = float(text)
    except ValueError:
        return text
    if item_type is int:
        return int(number) if number.is_integer() else number
    return number


def display_number(value: float) -> str:
    """A number rounded for reading: "408", "12.5", "0.05", "2,450"."""
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def format_value(value: Any) -> str:
    """Plain text for a parameter value ("10", "0.05", "1, 2, 3", "auto")."""
    if value is None:
        return AUTO
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return display_number(value)
    if isinstance(value, tuple | list):
        return ", ".join(format_value(v) for v in value)
    return str(value)


class ParamEditor(QWidget):
    """Base class: a row of widgets editing one parameter.

    Parameters
    ----------
    spec : ParamSpec
        The declaration.
    labels : mapping, optional
        Plain-English text shown for some choices (value -> text).
    """

    changed = Signal()

    def __init__(
        self,
        spec: ParamSpec,
        parent: QWidget | None = None,
        labels: Mapping[Any, str] | None = None,
    ):
        super().__init__(parent)
        self.spec = spec
        self.labels = dict(labels or {})
        self.row = QHBoxLayout(self)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.computed = QLabel("")
        self.computed.setObjectName("computedNote")
        self.computed.setWordWrap(True)
        self.computed.hide()
        self._value_text = ""
        self._how = ""

    def choice_text(self, choice: Any) -> str:
        """What a choice is called on screen."""
        return self.labels.get(choice, str(choice))

    def get(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def set(self, value: Any) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def set_computed(self, value: str, how: str = "") -> None:
        """Show what an "auto" value came to, and how (empty ``value`` hides the note)."""
        self._value_text, self._how = value, how
        text = value + (f" ({how})" if value and how else "")
        self.computed.setText(text)
        self.computed.setVisible(bool(text))

    def computed_text(self) -> str:
        """What "auto" came to and how ("" when nothing was computed)."""
        if not self._value_text:
            return ""
        return self._value_text + (f" ({self._how})" if self._how else "")


class BoolEditor(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.box = QCheckBox()
        self.box.toggled.connect(self.changed)
        self.row.addWidget(self.box)
        self.row.addStretch(1)

    def get(self) -> bool:
        return self.box.isChecked()

    def set(self, value: Any) -> None:
        self.box.setChecked(bool(value))


class ChoiceEditor(ParamEditor):
    def __init__(self, spec: ParamSpec, parent: QWidget | None = None, labels=None):
        super().__init__(spec, parent, labels)
        self.combo = QComboBox()
        # long choice texts must not widen the panel: the box shrinks, the list shows all
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(12)
        if spec.optional:
            self.combo.addItem(AUTO, None)
        for choice in spec.choices or ():
            self.combo.addItem(self.choice_text(choice), choice)
        self.combo.currentIndexChanged.connect(self.changed)
        self.row.addWidget(self.combo, 1)

    def get(self) -> Any:
        return self.combo.currentData()

    def set(self, value: Any) -> None:
        index = self.combo.findData(value)
        self.combo.setCurrentIndex(max(index, 0))


class NumberEditor(ParamEditor):
    """A spin box; optional numbers get an "auto" check box beside it."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        if spec.type is int:
            self.spin = QSpinBox()
            lo = INT_MIN if spec.minimum is None else int(spec.minimum)
            hi = INT_MAX if spec.maximum is None else int(min(spec.maximum, INT_MAX))
        else:
            self.spin = QDoubleSpinBox()
            lo = -1e12 if spec.minimum is None else float(spec.minimum)
            hi = 1e12 if spec.maximum is None else float(spec.maximum)
            self.base_decimals = 3 if spec.maximum is not None and spec.maximum <= 1 else 2
            self.spin.setDecimals(self.base_decimals)
        self.spin.setRange(lo, hi)
        self.spin.setGroupSeparatorShown(bool(spec.unit))  # "1,000 residents", not a seed
        if spec.unit:
            self.spin.setSuffix(f" {spec.unit}")
        self.spin.valueChanged.connect(self.changed)
        self.row.addWidget(self.spin, 1)
        self.auto: QCheckBox | None = None
        self.auto_text = QLabel(self._default_auto_text())
        self.auto_text.setToolTip(f"Computed: {spec.computed}" if spec.computed else "")
        self.auto_text.setObjectName("autoText")
        self.auto_text.setWordWrap(True)  # may wrap rather than widen a narrow panel
        self.auto_text.hide()
        self.row.addWidget(self.auto_text, 1)
        if spec.optional:
            self.auto = QCheckBox(AUTO if spec.computed else "none")
            self.auto.setToolTip(
                f"Computed: {spec.computed}" if spec.computed else "Leave the value unset"
            )
            self.auto.toggled.connect(self._auto_toggled)
            self.row.addWidget(self.auto)

    def _default_auto_text(self) -> str:
        return "computed from the data" if self.spec.computed else "not set"

    def set_computed(self, value: str, how: str = "") -> None:
        """Show what "auto" came to in place of the spin box, and how in the note below."""
        self._value_text, self._how = value, how
        self.auto_text.setText(value or self._default_auto_text())
        spec = self.spec
        self.auto_text.setToolTip(how or (f"Computed: {spec.computed}" if spec.computed else ""))
        self.computed.setText(f"How: {how}" if value and how else "")
        self.computed.setVisible(bool(value and how))

    def _auto_toggled(self, on: bool) -> None:
        self.spin.setVisible(not on)
        self.auto_text.setVisible(on)
        self.changed.emit()

    def get(self) -> Any:
        if self.auto is not None and self.auto.isChecked():
            return None
        return int(self.spin.value()) if self.spec.type is int else float(self.spin.value())

    def set(self, value: Any) -> None:
        if value is None:
            if self.auto is not None:
                self.auto.setChecked(True)
            return
        if self.auto is not None:
            self.auto.setChecked(False)
        if isinstance(self.spin, QDoubleSpinBox):
            self.spin.setDecimals(max(self.base_decimals, _decimals(value)))
        self.spin.setValue(value)


class TextEditor(ParamEditor):
    """Free text, or a comma-separated list for tuple parameters."""

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None):
        super().__init__(spec, parent)
        self.edit = QLineEdit()
        if spec.optional:
            self.edit.setPlaceholderText(AUTO if spec.computed else "none")
        elif spec.type is tuple:
            self.edit.setPlaceholderText("separate several with commas")
        self.edit.textChanged.connect(self.changed)
        self.row.addWidget(self.edit, 1)

    def get(self) -> Any:
        text = self.edit.text().strip()
        if self.spec.type is not tuple:
            return text if text or not self.spec.optional else None
        if not text and self.spec.optional:
            return None
        items = [t.strip() for t in text.split(",") if t.strip()]
        item_type = self.spec.item_type or str
        return tuple(_parse_item(t, item_type) for t in items)

    def set(self, value: Any) -> None:
        self.edit.setText("" if value is None else format_value(value))


class MultiChoiceEditor(ParamEditor):
    """A tuple of choices: one check box per choice, in rows of ``PER_ROW``.

    For an optional tuple (None = "all of them, whatever they are"), None shows every
    box ticked and every box ticked gives None.
    """

    PER_ROW = 3

    def __init__(self, spec: ParamSpec, parent: QWidget | None = None, labels=None):
        super().__init__(spec, parent, labels)
        self.boxes = {}
        grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        for i, choice in enumerate(spec.choices or ()):
            box = QCheckBox(self.choice_text(choice))
            box.toggled.connect(self.changed)
            grid.addWidget(box, i // self.PER_ROW, i % self.PER_ROW)
            self.boxes[choice] = box
        self.row.addLayout(grid)
        self.row.addStretch(1)

    def get(self) -> tuple | None:
        chosen = tuple(c for c, box in self.boxes.items() if box.isChecked())
        if self.spec.optional and self.boxes and len(chosen) == len(self.boxes):
            return None
        return chosen

    def set(self, value: Any) -> None:
        chosen = set(self.boxes) if value is None and self.spec.optional else set(value or ())
        for c, box in self.boxes.items():
            box.setChecked(c in chosen)


def make_editor(
    spec: ParamSpec, parent: QWidget | None = None, labels: Mapping[Any, str] | None = None
) -> ParamEditor:
    """The editor for one parameter declaration (``labels``: text shown for choices)."""
    if spec.type is bool:
        return BoolEditor(spec, parent)
    if spec.type is tuple:
        if spec.choices:
            return MultiChoiceEditor(spec, parent, labels)
        return TextEditor(spec, parent)
    if spec.choices:
        return ChoiceEditor(spec, parent, labels)
    if spec.type in (int, float):
        return NumberEditor(spec, parent)
    return TextEditor(spec, parent)
