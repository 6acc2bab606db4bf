"""A form generated from a params dataclass (the QGIS Processing approach).

Labels, defaults, units, choices and help texts all come from the ``param(...)``
declarations in :mod:`hotspot.core.params`, so the panel, the project file and the
command line never disagree. Optional numbers have an "auto" state; once an
analysis has run, :meth:`ParamsForm.show_computed` shows what "auto" came to and
how it was computed.

A panel may add presentation hints that do not change any value: plain-English
text for choices (``choice_labels``), rules that grey out a parameter that does not
apply to the other values entered (``applies``), and a caption above a parameter
(``captions``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from hotspot.core.params import ParamSpec, from_dict, specs
from hotspot.ui.widgets.param_editors import ParamEditor, format_value, make_editor

#: name -> (rule on the values entered, when the parameter is used)
Applies = Mapping[str, tuple[Callable[[dict[str, Any]], bool], str]]


def tooltip(spec: ParamSpec) -> str:
    """The help text of a parameter, with its unit, range and computed default."""
    parts = [spec.help]
    if spec.unit:
        parts.append(f"Unit: {spec.unit}.")
    if spec.minimum is not None or spec.maximum is not None:
        lo = format_value(spec.minimum) if spec.minimum is not None else "-"
        hi = format_value(spec.maximum) if spec.maximum is not None else "-"
        parts.append(f"Range: {lo} to {hi}.")
    if spec.computed:
        parts.append(f"When left on auto: {spec.computed}.")
    parts.append(f"Default: {format_value(spec.default)}. Project file key: {spec.name}.")
    return " ".join(parts)


class ParamsForm(QWidget):
    """Edit an instance of a params dataclass.

    Parameters
    ----------
    cls : type
        A frozen params dataclass declared with :func:`hotspot.core.params.param`.
    value : instance of ``cls``, optional
        Initial values (defaults when omitted).
    section : str, optional
        Where the params live in the project file ("analysis.kde"), for messages.
    choice_labels : mapping, optional
        Parameter name -> {choice: text shown}; the values stored are unchanged.
    applies : mapping, optional
        Parameter name -> (rule, when): ``rule(values)`` says whether the parameter
        is used with the other values entered; when not, it is greyed out and its
        tooltip starts with "Used only {when}".
    captions : mapping, optional
        Parameter name -> a short caption shown above it.
    choices : mapping, optional
        Parameter name -> the choices offered, for parameters whose choices are not
        part of their declaration (e.g. the analyses, which the registry knows).
    """

    changed = Signal()

    def __init__(
        self,
        cls: type,
        value: Any = None,
        *,
        section: str = "",
        choice_labels: Mapping[str, Mapping[Any, str]] | None = None,
        applies: Applies | None = None,
        captions: Mapping[str, str] | None = None,
        choices: Mapping[str, tuple] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.cls = cls
        self.section = section
        offered = choices or {}
        self.specs = {
            s.name: dataclasses.replace(s, choices=tuple(offered[s.name]))
            if s.name in offered
            else s
            for s in specs(cls)
        }
        self.applies = dict(applies or {})
        self.editors: dict[str, ParamEditor] = {}
        self.labels: dict[str, QLabel] = {}
        choice_labels = choice_labels or {}
        captions = captions or {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        main = QFormLayout()
        # in a narrow panel (a laptop's screen) a label goes above its field, not beside it
        main.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.addLayout(main)
        advanced_specs = [s for s in self.specs.values() if s.advanced]
        self.advanced_toggle = QToolButton(text="Advanced")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_box = QWidget(self)
        advanced = QFormLayout(self.advanced_box)
        advanced.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        advanced.setContentsMargins(0, 0, 0, 0)
        for spec in self.specs.values():
            target = advanced if spec.advanced else main
            if spec.name in captions:
                caption = QLabel(captions[spec.name])
                caption.setObjectName("formCaption")
                caption.setWordWrap(True)
                target.addRow(caption)
            editor = make_editor(spec, self, choice_labels.get(spec.name))
            editor.setObjectName(f"param_{spec.name}")
            editor.setToolTip(tooltip(spec))
            # numbers show their unit inside the box; other editors next to the label
            unit = f" ({spec.unit})" if spec.unit and spec.type not in (int, float) else ""
            label = QLabel(spec.label + unit)
            label.setToolTip(tooltip(spec))
            label.setBuddy(editor)
            target.addRow(label, editor)
            target.addRow(editor.computed)
            editor.changed.connect(self._edited)
            self.editors[spec.name] = editor
            self.labels[spec.name] = label
        self.advanced_toggle.toggled.connect(self._show_advanced)
        self._show_advanced(False)
        if advanced_specs:
            layout.addWidget(self.advanced_toggle)
            layout.addWidget(self.advanced_box)
        else:
            self.advanced_toggle.hide()
        self.set_value(value if value is not None else cls())

    def _edited(self) -> None:
        self._refresh_applies()
        self.changed.emit()

    def _refresh_applies(self) -> None:
        """Grey out the parameters that the other values entered make irrelevant."""
        if not self.applies:
            return
        raw = self.raw()
        for name, (rule, when) in self.applies.items():
            if name not in self.editors:
                continue
            used = bool(rule(raw))
            tip = tooltip(self.specs[name])
            if not used:
                tip = f"Used only {when}. {tip}"
            for widget in (self.editors[name], self.labels[name]):
                widget.setEnabled(used)
                widget.setToolTip(tip)

    def is_used(self, name: str) -> bool:
        """Whether a parameter applies to the values entered (see ``applies``)."""
        rule = self.applies.get(name)
        return rule is None or bool(rule[0](self.raw()))

    def _show_advanced(self, on: bool) -> None:
        self.advanced_box.setVisible(on)
        arrow = Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow
        self.advanced_toggle.setArrowType(arrow)

    def set_value(self, value: Any) -> None:
        """Show the values of a params instance."""
        for name, editor in self.editors.items():
            editor.blockSignals(True)
            try:
                editor.set(getattr(value, name))
            finally:
                editor.blockSignals(False)
            editor.set_computed("")
        self._refresh_applies()
        self.changed.emit()

    def raw(self) -> dict[str, Any]:
        """The values as entered, by parameter name (``None`` for auto)."""
        return {name: editor.get() for name, editor in self.editors.items()}

    def value(self) -> Any:
        """The params instance the form describes.

        Raises
        ------
        hotspot.core.errors.ProjectError
            When a value is invalid; the message names the parameter.
        """
        return from_dict(self.cls, self.raw(), where=self.section)

    def show_computed(self, used: Any, notes: dict[str, str] | None = None) -> None:
        """After a run: show the value each "auto" parameter came to, and how.

        Parameters
        ----------
        used : params instance
            The params the analysis actually used (computed defaults filled in).
        notes : dict, optional
            Parameter name -> plain-English note on how it was computed (e.g. the
            result's ``bandwidth_note``); the declaration's ``computed`` text otherwise.
        """
        notes = notes or {}
        entered = self.raw()
        for name, spec in self.specs.items():
            self.editors[name].set_computed("")
            if entered.get(name) is not None or not spec.optional:
                continue
            actual = getattr(used, name, None)
            if actual is None:
                continue
            how = notes.get(name) or spec.computed or ""
            unit = f" {spec.unit}" if spec.unit else ""
            self.editors[name].set_computed(f"{format_value(actual)}{unit}", how)
