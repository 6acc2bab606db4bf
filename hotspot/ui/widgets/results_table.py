"""A sortable table of a DataFrame, with Copy (to the clipboard) and Save CSV.

Copied and saved tables go to spreadsheets: text that a spreadsheet would run as a
formula (a ward called ``=HYPERLINK(...)``) is written with a leading single quote,
as in ``hotspot run``'s CSV files (:func:`hotspot.export.formula_safe`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hotspot.core.errors import HotspotError
from hotspot.core.formats import column_order, display
from hotspot.export import formula_safe, readable_table, write_csv
from hotspot.ui.widgets.sparkline import SERIES_ROLE, SparklineDelegate, is_series

SORT_ROLE = Qt.ItemDataRole.UserRole


def ask_csv_path(parent: QWidget, suggested: str) -> str:
    """Ask where to save a CSV; empty when cancelled. Tests replace this."""
    return QFileDialog.getSaveFileName(parent, "Save table as CSV", suggested, "CSV (*.csv)")[0]


def _display(column: Any, value: Any) -> str:
    """A cell as the table shows it: rounded as the column deserves (``core.formats``)."""
    if value is None or is_series(value):  # a series is drawn, not written
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m}"
    return display(column, value)


def _sort_key(value: Any) -> Any:
    if is_series(value):  # a series sorts by its last value
        value = next((float(v) for v in reversed(value) if math.isfinite(float(v))), None)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return float("-inf")
    return value if isinstance(value, int | float | str) else str(value)


class DataFrameModel(QAbstractTableModel):
    """Read-only model of a DataFrame (geometry columns are left out).

    Display texts and sort keys are computed once per table, so scrolling and
    sorting large tables (thousands of Gi* cells) stay quick.
    """

    def __init__(
        self,
        frame: pd.DataFrame | None = None,
        headers: Mapping[str, tuple[str, str]] | None = None,
    ):
        super().__init__()
        self.headers = dict(headers or {})
        self.frame = pd.DataFrame()
        self._text: list[list[str]] = []
        self._keys: list[list[Any]] = []
        self._numeric: list[bool] = []
        self.series_columns: list[int] = []
        if frame is not None:
            self.set_frame(frame)

    def set_frame(self, frame: pd.DataFrame) -> None:
        self.beginResetModel()
        cols = [c for c in frame.columns if c != "geometry" and not str(c).startswith("_")]
        self.frame = pd.DataFrame(frame[column_order(cols)]).reset_index(drop=True)
        self._text, self._keys, self._numeric = [], [], []
        self._series: dict[int, list[Any]] = {}
        for i, c in enumerate(self.frame.columns):
            values = [v.item() if hasattr(v, "item") else v for v in self.frame[c].tolist()]
            if values and is_series(values[0]):
                self._series[i] = values
            self._text.append([_display(c, v) for v in values])
            self._keys.append([_sort_key(v) for v in values])
            self._numeric.append(pd.api.types.is_numeric_dtype(self.frame[c].dtype))
        self.series_columns = sorted(self._series)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.frame)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.frame.columns)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text[col][row]
        if role == SORT_ROLE:
            return self._keys[col][row]
        if role == SERIES_ROLE and col in self._series:
            return self._series[col][row]
        if role == Qt.ItemDataRole.TextAlignmentRole and self._numeric[col]:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        column = str(self.frame.columns[section])
        shown, what = self.headers.get(column, (column, ""))
        if role == Qt.ItemDataRole.DisplayRole:
            return shown
        if role == Qt.ItemDataRole.ToolTipRole:
            # the column's name in saved CSV files and hotspot run's tables
            return f"{what} (column {column})" if what else f"column {column}"
        return None


class ResultsTable(QWidget):
    """A titled, sortable table with Copy and Save CSV buttons.

    ``headers`` maps column names to (header shown, explanation for its tooltip);
    copied and saved tables keep the column names ``hotspot run`` writes.

    Rows may carry an extent (:meth:`set_row_bounds`: clicking a row asks the map to zoom
    there) and a map point (:meth:`set_exclusions`: "Leave out of the analyses" in the
    row's context menu and on a button).

    Signals
    -------
    zoom_requested(tuple)
        ``(south, west, north, east)`` in degrees, of the row clicked.
    exclude_requested(list)
        The ``exclude_locations`` entries of the rows chosen.
    """

    zoom_requested = Signal(object)
    exclude_requested = Signal(list)

    def __init__(
        self,
        name: str = "table",
        parent: QWidget | None = None,
        *,
        headers: Mapping[str, tuple[str, str]] | None = None,
    ):
        super().__init__(parent)
        self.name = name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.caption = QLabel()
        self.caption.setWordWrap(True)  # a long caption must not widen the window
        row.addWidget(self.caption, 1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the table (or the selected rows) for a spreadsheet")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save CSV…")
        self.save_button.clicked.connect(self.save_csv)
        self.exclude_button = QPushButton("Leave out")
        self.exclude_button.setToolTip(
            "Leave the selected map points out of every analysis (e.g. a hospital or police "
            "station where offences are recorded rather than committed); the analyses run again"
        )
        self.exclude_button.clicked.connect(self.exclude_selected)
        self.exclude_button.setVisible(False)
        row.addWidget(self.exclude_button)
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self._bounds: list | None = None
        self._exclude: list[str] | None = None
        self.model = DataFrameModel(headers=headers)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the table's own order
        header.setResizeContentsPrecision(200)  # size columns from the first rows only
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.clicked.connect(self._clicked)
        self.exclude_action = QAction("Leave this map point out of every analysis", self.view)
        self.exclude_action.triggered.connect(self.exclude_selected)
        self.sparklines = SparklineDelegate(self.view)
        layout.addWidget(self.view, 1)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.set_frame(pd.DataFrame(), "")

    def add_row_action(self, text: str, act: Callable[[pd.DataFrame], None]) -> QAction:
        """A right-click action on the selected rows: ``act(rows)`` gets them (all columns)."""
        action = QAction(text, self.view)
        action.triggered.connect(lambda: act(self.selected_rows()))
        self.view.addAction(action)
        return action

    def selected_rows(self) -> pd.DataFrame:
        """The selected rows, unrounded, in the order shown (none selected: no rows)."""
        return self.model.frame.iloc[self._selected_positions()]

    def _selected_positions(self) -> list[int]:
        """Rows of the frame (not of the sorted view) that are selected, in the order shown."""
        chosen = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in chosen]

    def set_frame(self, frame: pd.DataFrame, caption: str = "") -> None:
        """Show a table (geometry dropped); row extents and map points are forgotten."""
        self._bounds = self._exclude = None
        self.exclude_button.setVisible(False)
        self.view.removeAction(self.exclude_action)
        self.model.set_frame(frame)
        for column in range(self.model.columnCount()):
            series = column in self.model.series_columns
            self.view.setItemDelegateForColumn(column, self.sparklines if series else None)
        self.caption.setText(caption)
        self.copy_button.setEnabled(not frame.empty)
        self.save_button.setEnabled(not frame.empty)
        self.view.resizeColumnsToContents()
        for column in self.model.series_columns:
            self.view.setColumnWidth(column, 160)

    def set_row_bounds(self, bounds: list | None) -> None:
        """Per row of the frame shown, ``(south, west, north, east)`` in degrees, or None."""
        self._bounds = list(bounds) if bounds is not None else None

    def set_exclusions(self, entries: list[str] | None) -> None:
        """Per row, the ``exclude_locations`` entry that leaves its map point out."""
        self._exclude = list(entries) if entries is not None else None
        on = self._exclude is not None
        self.exclude_button.setVisible(on)
        if on:  # offered on the right-click menu of tables of map points only
            self.view.addAction(self.exclude_action)
        else:
            self.view.removeAction(self.exclude_action)

    def _clicked(self, index: QModelIndex) -> None:
        if self._bounds is None:
            return
        row = self.proxy.mapToSource(index).row()
        if 0 <= row < len(self._bounds) and self._bounds[row] is not None:
            self.zoom_requested.emit(tuple(self._bounds[row]))

    def exclude_selected(self) -> None:
        """Ask for the selected rows' map points to be left out of every analysis."""
        if self._exclude is None:
            return
        entries = [self._exclude[r] for r in self._selected_positions() if self._exclude[r]]
        if entries:
            self.exclude_requested.emit(entries)

    def visible_frame(self, selected_only: bool = False) -> pd.DataFrame:
        """The table in the order shown (optionally only the selected rows), rounded as
        ``hotspot run``'s CSV files are (:func:`hotspot.export.readable_table`)."""
        rows = range(self.proxy.rowCount())
        if selected_only:
            chosen = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
            rows = chosen or rows
        order = [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in rows]
        return readable_table(self.model.frame.iloc[order])

    def copy(self) -> None:
        """Copy the selected rows (or the whole table) as tab-separated text."""
        frame = formula_safe(self.visible_frame(selected_only=True))
        # "\r\n" (as spreadsheets expect): a cell holding a line break is then quoted
        text = frame.to_csv(sep="\t", index=False, lineterminator="\r\n")
        QGuiApplication.clipboard().setText(text)

    def save_csv(self, path: str | None = None) -> str | None:
        """Save the whole table as CSV (atomically); returns the path written."""
        path = path or ask_csv_path(self, f"{self.name}.csv")
        if not path:
            return None
        try:
            write_csv(self.visible_frame(), path, overwrite=True)  # the user chose the file
        except HotspotError as exc:
            self.caption.setText(str(exc))
            return None
        return path
