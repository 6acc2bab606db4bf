"""Data panel: the load report, months and categories, and the selection.

The selection (offence group, period "12 months to ...", comparison, study area) is what
every analysis uses; it is stored in the project's ``[selection]`` and ``[groups]``. The
panel says which months hold data, what the group leaves out, and why the selection
cannot be analysed (a period without data ...) or the boundaries overreach the offences.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hotspot.core.errors import HotspotError
from hotspot.core.params import specs
from hotspot.model import OffenceData, SelectionParams, month_label, parse_month
from hotspot.model.taxonomy import all_groups, left_out_text, make_group
from hotspot.ui.panels.group_dialog import GroupDialog
from hotspot.ui.widgets.message_bar import MessageBar
from hotspot.ui.widgets.params_form import tooltip

_SPECS = {s.name: s for s in specs(SelectionParams)}
LATEST = "Latest month in the data"
EVERY_AREA = "Every area loaded"


class DataPanel(QWidget):
    """Shows what was loaded and edits the selection.

    Signals
    -------
    selection_changed(SelectionParams, dict)
        The new selection and the custom groups (name -> categories).
    remove_source_requested(int)
        The user asked to remove the project's source at this index.
    """

    selection_changed = Signal(object, object)
    remove_source_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.offences: OffenceData | None = None
        self.groups: dict[str, list[str]] = {}
        self._updating = False
        layout = QVBoxLayout(self)
        self.message = MessageBar()
        layout.addWidget(self.message)
        layout.addWidget(self._selection_box())
        self.tabs = QTabWidget()
        self.report = QPlainTextEdit(readOnly=True)
        self.report.setPlaceholderText("No offence data loaded yet: use File > Add offence data.")
        self.report.setMinimumHeight(80)
        self.tabs.addTab(self.report, "Load report")
        sources_page = QWidget()
        sources_layout = QVBoxLayout(sources_page)
        sources_layout.setContentsMargins(0, 0, 0, 0)
        self.sources = QListWidget()
        self.sources.setToolTip("The files of the project; select one to remove it")
        sources_layout.addWidget(self.sources)
        self.remove_source = QPushButton("Remove source")
        self.remove_source.clicked.connect(self._remove_source)
        sources_layout.addWidget(self.remove_source, 0, Qt.AlignmentFlag.AlignLeft)
        self.tabs.addTab(sources_page, "Sources")
        layout.addWidget(self.tabs, 1)
        self.set_offences(None)
        self.set_sources([])
        self.set_selection(SelectionParams(), {})

    def _selection_box(self) -> QGroupBox:
        box = QGroupBox("Selection")
        form = QFormLayout(box)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # narrow panels
        self.group = QComboBox()
        self.group.setToolTip(tooltip(_SPECS["group"]))
        new_group = QPushButton("New group…")
        new_group.setToolTip("Define an offence group of your own from police.uk categories")
        new_group.clicked.connect(self.new_group)
        self.delete_group = QPushButton("Delete")
        self.delete_group.setToolTip("Delete the selected custom group")
        self.delete_group.clicked.connect(self.remove_group)
        form.addRow(_SPECS["group"].label, self.group)
        row = QHBoxLayout()
        row.addWidget(new_group)
        row.addWidget(self.delete_group)
        row.addStretch(1)
        form.addRow("", row)
        self.end = QComboBox()
        self.end.setToolTip(tooltip(_SPECS["end"]))
        form.addRow(_SPECS["end"].label, self.end)
        self.months = QSpinBox()
        self.months.setRange(int(_SPECS["months"].minimum), int(_SPECS["months"].maximum))
        self.months.setSuffix(" months")
        self.months.setToolTip(tooltip(_SPECS["months"]))
        form.addRow(_SPECS["months"].label, self.months)
        self.compare = QCheckBox(_SPECS["compare"].label)
        self.compare.setToolTip(tooltip(_SPECS["compare"]))
        form.addRow("", self.compare)
        self.study_area = QComboBox()
        self.study_area.setObjectName("studyArea")
        self.study_area.setToolTip(tooltip(_SPECS["local_authorities"]))
        self.study_area.addItem(EVERY_AREA, ())
        form.addRow(_SPECS["local_authorities"].label, self.study_area)
        self.period_label = QLabel()
        self.period_label.setObjectName("periodLabel")
        self.period_label.setWordWrap(True)
        form.addRow("Period", self.period_label)
        self.excluded = ()
        self.excluded_label = QLabel()
        self.excluded_label.setObjectName("excludedLabel")
        self.excluded_label.setWordWrap(True)
        self.excluded_label.setToolTip(tooltip(_SPECS["exclude_locations"]))
        self.include_all = QPushButton("Include all again")
        self.include_all.setToolTip("Bring every left-out map point back into the analyses")
        self.include_all.clicked.connect(self.clear_exclusions)
        form.addRow(_SPECS["exclude_locations"].label, self.excluded_label)
        form.addRow("", self.include_all)
        for signal in (
            self.group.currentIndexChanged,
            self.end.currentIndexChanged,
            self.months.valueChanged,
            self.compare.toggled,
            self.study_area.currentIndexChanged,
        ):
            signal.connect(self._changed)
        return box

    # ---------------------------------------------------------------- state in

    def set_sources(self, labels: list[str]) -> None:
        """List the project's sources (kind and file), in project order."""
        self.sources.clear()
        self.sources.addItems(labels)
        self.remove_source.setEnabled(bool(labels))

    def _remove_source(self) -> None:
        row = self.sources.currentRow()
        if row >= 0:
            self.remove_source_requested.emit(row)

    def set_report(self, text: str) -> None:
        """Show the full load report (every source, notes and the selection)."""
        self.report.setPlainText(text)

    def set_offences(self, offences: OffenceData | None) -> None:
        """Show the offences' load report and the months available."""
        self.offences = offences
        self.report.setPlainText(offences.report.summary() if offences is not None else "")
        current = self.end.currentData()
        self._updating = True
        try:
            self.end.clear()
            self.end.addItem(LATEST, None)
            months = list(offences.report.months) if offences is not None else []
            for m in reversed(months):
                self.end.addItem(month_label(parse_month(m)), m)
            index = 0 if current is None else self.end.findData(current)
            if index < 0:
                self.end.addItem(f"{month_label(parse_month(current))} (not in the data)", current)
                index = self.end.count() - 1
            self.end.setCurrentIndex(max(index, 0))
        finally:
            self._updating = False
        self._describe()

    def set_selection(self, selection: SelectionParams, groups: dict[str, list[str]]) -> None:
        """Show a project's selection and custom groups (does not emit)."""
        self._updating = True
        try:
            self.groups = {k: list(v) for k, v in groups.items()}
            self._fill_groups(selection.group)
            index = 0 if selection.end is None else self.end.findData(selection.end)
            if index < 0:
                label = month_label(parse_month(selection.end))
                self.end.addItem(f"{label} (not in the data)", selection.end)
                index = self.end.count() - 1
            self.end.setCurrentIndex(index)
            self.months.setValue(selection.months)
            self.compare.setChecked(selection.compare)
            self.excluded = tuple(selection.exclude_locations)
            self._choose_area(tuple(selection.local_authorities))
        finally:
            self._updating = False
        self._describe()

    def set_authorities(self, authorities: list[tuple[str, str]]) -> None:
        """List the local authorities the boundaries can be restricted to (does not emit)."""
        current = self.study_area.currentData() or ()
        self._updating = True
        try:
            self.study_area.clear()
            self.study_area.addItem(EVERY_AREA, ())
            for code, name in authorities:
                label = f"{name} ({code})" if code else name
                self.study_area.addItem(label, (name,))
            self._choose_area(tuple(current))
        finally:
            self._updating = False

    def _choose_area(self, chosen: tuple[str, ...]) -> None:
        index = self.study_area.findData(chosen)
        if index < 0:  # several authorities, or one the boundaries loaded do not name
            self.study_area.addItem(", ".join(chosen), chosen)
            index = self.study_area.count() - 1
        self.study_area.setCurrentIndex(index)

    def set_checks(self, problems: list[str], warnings: list[str]) -> None:
        """Show why the selection cannot be analysed (errors), else what to know about it."""
        if problems:
            self.message.show_message(" ".join(problems), "error")
        elif warnings:
            self.message.show_message(" ".join(warnings), "warning")
        else:
            self.message.clear()

    def _fill_groups(self, current: str) -> None:
        self.group.clear()
        for name, group in all_groups(self.groups).items():
            suffix = "" if group.preset else " (custom)"
            self.group.addItem(name + suffix, name)
            tip = group.description or ", ".join(group.categories)
            self.group.setItemData(self.group.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.group.setCurrentIndex(max(self.group.findData(current), 0))

    # ---------------------------------------------------------------- state out

    def selection(self) -> SelectionParams:
        """The selection shown in the panel."""
        return SelectionParams(
            group=self.group.currentData() or SelectionParams().group,
            end=self.end.currentData(),
            months=self.months.value(),
            compare=self.compare.isChecked(),
            exclude_locations=self.excluded,
            local_authorities=tuple(self.study_area.currentData() or ()),
        )

    def clear_exclusions(self) -> None:
        """Bring every left-out map point back into the analyses."""
        if self.excluded:
            self.excluded = ()
            self._changed()

    def _changed(self, *_args) -> None:
        if self._updating:
            return
        self._describe()
        self.selection_changed.emit(self.selection(), dict(self.groups))

    def _describe(self) -> None:
        self.excluded_label.setText(
            "none (the Map points table offers to leave facility points out)"
            if not self.excluded
            else "; ".join(self.excluded)
        )
        self.include_all.setEnabled(bool(self.excluded))
        name = self.group.currentData()
        self.delete_group.setEnabled(name in self.groups)
        sel = self.selection()
        last = self.offences.last_month if self.offences is not None else None
        period = sel.period(last)
        if period is None:
            self.period_label.setText("Add offence data to choose a period.")
            return
        from hotspot.pipeline.selection import covered_months, months_available

        text = f"{period.label} ({period.span})"
        if sel.compare:
            text += f"\nCompared with: {period.previous().label}"
        if self.offences is not None:
            months = self.offences.report.months
            have = len(covered_months(period, months))
            text += f"\nMonths with data: {have} of {period.n_months}; " + months_available(months)
            group = all_groups(self.groups).get(name)
            counts = self.offences.category_counts(period)
            n = sum(k for c, k in counts.items() if group is None or group.includes(c))
            text += f"\nOffences selected: {n:,}"
            left = left_out_text(group, counts) if group is not None else ""
            if left:
                text += f" (the group {left})"
        self.period_label.setText(text)

    # ---------------------------------------------------------------- groups

    def new_group(self) -> None:
        """Ask for a custom group and select it."""
        counts = dict(self.offences.report.categories) if self.offences is not None else {}
        dialog = GroupDialog(self, counts=counts)
        if dialog.exec() != GroupDialog.DialogCode.Accepted:
            return
        self.add_group(*dialog.group())

    def add_group(self, name: str, categories: list[str]) -> None:
        """Add (or replace) a custom group and select it."""
        try:
            categories = list(make_group(name, categories).categories)
            all_groups({**self.groups, name: categories})
        except HotspotError as exc:
            self.message.show_message(str(exc), "error")
            return
        self.groups[name] = categories
        self._updating = True
        try:
            self._fill_groups(name)
        finally:
            self._updating = False
        self._changed()

    def remove_group(self) -> None:
        """Delete the selected custom group (presets cannot be deleted)."""
        name = self.group.currentData()
        if name not in self.groups:
            return
        del self.groups[name]
        self._updating = True
        try:
            self._fill_groups(SelectionParams().group)
        finally:
            self._updating = False
        self._changed()
