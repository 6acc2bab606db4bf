"""A table cell that draws a series of numbers as a small line (a sparkline).

Used for the emerging hot spots table: each location's Gi* z-score, time step by time
step. The model gives the series under :data:`SERIES_ROLE`; missing steps (NaN) leave a
gap. A pale line marks zero (the borough's average), and the last step is dotted red when
it is above zero, blue below.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

SERIES_ROLE = Qt.ItemDataRole.UserRole + 1
"""The model role holding a cell's series (a tuple of floats)."""

LINE = QColor("#333333")
ZERO = QColor("#bbbbbb")
HOT = QColor("#bd0026")
COLD = QColor("#2171b5")


def is_series(value: object) -> bool:
    """Whether a table value is a series of numbers (a tuple or list of floats)."""
    return (
        isinstance(value, (tuple, list))
        and len(value) > 1
        and all(isinstance(v, (int, float)) for v in value)
    )


def series_points(
    series: Sequence[float], width: float, height: float, margin: float = 3.0
) -> list[list[tuple[float, float]]]:
    """Pixel coordinates of the series, one list per unbroken run (NaN breaks a run).

    Values are scaled so that the range of the series (and zero) fills the height; x runs
    from the left margin to the right margin, one step apart.
    """
    values = [float(v) for v in series]
    finite = [v for v in values if math.isfinite(v)]
    if not finite or len(values) < 2:
        return []
    lo, hi = min(min(finite), 0.0), max(max(finite), 0.0)
    span = hi - lo or 1.0
    step = (width - 2 * margin) / (len(values) - 1)
    runs: list[list[tuple[float, float]]] = [[]]
    for i, v in enumerate(values):
        if not math.isfinite(v):
            if runs[-1]:
                runs.append([])
            continue
        y = margin + (hi - v) / span * (height - 2 * margin)
        runs[-1].append((margin + i * step, y))
    return [r for r in runs if r]


def zero_y(series: Sequence[float], height: float, margin: float = 3.0) -> float | None:
    """Pixel height of zero in the cell (None for a series without values)."""
    finite = [float(v) for v in series if math.isfinite(float(v))]
    if not finite:
        return None
    lo, hi = min(min(finite), 0.0), max(max(finite), 0.0)
    span = hi - lo or 1.0
    return margin + hi / span * (height - 2 * margin)


class SparklineDelegate(QStyledItemDelegate):
    """Paints the series under :data:`SERIES_ROLE` as a line, with zero and the last step."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        series = index.data(SERIES_ROLE)
        if not series:
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = option.rect
        painter.translate(r.x(), r.y())
        zero = zero_y(series, r.height())
        if zero is not None:
            painter.setPen(QPen(ZERO, 1))
            painter.drawLine(QPointF(2, zero), QPointF(r.width() - 2, zero))
        painter.setPen(QPen(LINE, 1.2))
        runs = series_points(series, r.width(), r.height())
        for run in runs:
            for (x0, y0), (x1, y1) in zip(run, run[1:], strict=False):
                painter.drawLine(QPointF(x0, y0), QPointF(x1, y1))
        if runs:
            x, y = runs[-1][-1]
            last = [float(v) for v in series if math.isfinite(float(v))][-1]
            colour = HOT if last > 0 else COLD
            painter.setPen(QPen(colour, 1))
            painter.setBrush(colour)
            painter.drawEllipse(QPointF(x, y), 2.2, 2.2)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:  # noqa: N802 - Qt API
        return QSize(150, 22)


__all__ = ["SERIES_ROLE", "SparklineDelegate", "is_series", "series_points", "zero_y"]
