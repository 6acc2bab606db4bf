"""Matplotlib charts inside Qt: monthly trend, areas ranked by rate, rate against IMD/SAMHI.

matplotlib is imported only when a chart is first drawn, and a chart is drawn only
when it is on screen, so the window starts quickly. The plotting functions take a
matplotlib ``Axes`` and plain data; they can be tested without Qt.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

TREND_COLOUR = "#2c7fb8"
PERIOD_COLOUR = "#fdae61"
COMPARISON_COLOUR = "#d9d9d9"


def plot_trend(
    ax,
    months: Sequence[Any],
    counts: Sequence[int],
    *,
    title: str = "",
    period: tuple[Any, Any] | None = None,
    comparison: tuple[Any, Any] | None = None,
) -> None:
    """Offences per month, with the selected (and comparison) period shaded."""
    import matplotlib.dates as mdates

    x = np.asarray(months, dtype="datetime64[ns]")
    ax.plot(x, counts, marker="o", markersize=3, color=TREND_COLOUR, label="Offences per month")
    half = np.timedelta64(15, "D")
    for span, colour, label in (
        (period, PERIOD_COLOUR, "Selected period"),
        (comparison, COMPARISON_COLOUR, "Comparison period"),
    ):
        if span is not None:
            start = np.datetime64(span[0], "ns") - half
            end = np.datetime64(span[1], "ns") + half
            ax.axvspan(start, end, color=colour, alpha=0.35, label=label, zorder=0)
    gaps = x[~np.isfinite(np.asarray(counts, dtype=float))]
    if gaps.size:
        names = ", ".join(str(g)[:7] for g in gaps[:6]) + (" ..." if gaps.size > 6 else "")
        ax.annotate(
            f"No data for {names} (gap in the line)",
            xy=(1, 1),
            xycoords="axes fraction",
            ha="right",
            va="bottom",
            fontsize="small",
            color="0.35",
        )
    ax.set_ylabel("Offences per month")
    ax.set_ylim(bottom=0)
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_title(title)
    # beside the axes, where it can never hide the line
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)


def plot_ranking(
    ax,
    names: Sequence[str],
    values: Sequence[float],
    *,
    xlabel: str,
    title: str = "",
    top: int = 10,
) -> None:
    """Horizontal bars of the highest ``top`` areas, highest at the top."""
    order = np.argsort(np.asarray(values, dtype=float))[::-1][:top]
    names = [str(names[i]) for i in order][::-1]
    vals = np.asarray(values, dtype=float)[order][::-1]
    bars = ax.barh(names, vals, color=TREND_COLOUR)
    ax.bar_label(bars, labels=[f"{v:,.1f}" for v in vals], padding=3, fontsize="small")
    ax.margins(x=0.08)  # room for the value at the end of the longest bar
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize="small")


def fitted_line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float, float]:
    """Least-squares line and Pearson's r of the finite pairs: (slope, intercept, r)."""
    xv, yv = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(xv) & np.isfinite(yv)
    xv, yv = xv[ok], yv[ok]
    if len(xv) < 3 or np.ptp(xv) == 0 or np.ptp(yv) == 0:
        return float("nan"), float("nan"), float("nan")
    slope, intercept = np.polyfit(xv, yv, 1)
    r = float(np.corrcoef(xv, yv)[0, 1])
    return float(slope), float(intercept), r


def plot_scatter(
    ax,
    x: Sequence[float],
    y: Sequence[float],
    *,
    xlabel: str,
    ylabel: str,
    title: str = "",
    labels: Sequence[str] | None = None,
) -> float:
    """Scatter of ``y`` against ``x`` with the fitted line and r in the legend; returns r."""
    xv, yv = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ax.scatter(xv, yv, s=14, color=TREND_COLOUR, alpha=0.7, label="Areas")
    slope, intercept, r = fitted_line(xv, yv)
    if np.isfinite(r):
        xs = np.linspace(np.nanmin(xv), np.nanmax(xv), 50)
        ax.plot(
            xs, slope * xs + intercept, color="#d95f02", label=f"Fitted line, Pearson's r = {r:.2f}"
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(wrap_label(ylabel))  # a short chart cannot hold a long vertical label
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    return r


def wrap_label(text: str, width: int = 18) -> str:
    """Break an axis label over lines of about ``width`` characters."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


class ChartWidget(QWidget):
    """A matplotlib figure that draws itself the first time it is shown after new data."""

    def __init__(self, placeholder: str, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.placeholder = QLabel(placeholder)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._layout.addWidget(self.placeholder)
        self.canvas = None
        self.figure = None
        self._draw: Callable[[Any], None] | None = None
        self._dirty = False

    def set_plot(self, draw: Callable[[Any], None] | None, placeholder: str = "") -> None:
        """``draw(ax)`` fills the chart; None shows ``placeholder`` instead."""
        self._draw = draw
        if placeholder:
            self.placeholder.setText(placeholder)
        self._dirty = True
        if self.isVisible():
            self.redraw()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._dirty:
            self.redraw()

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        class Canvas(FigureCanvasQTAgg):
            def draw(self) -> None:
                # A dock squeezed to a few pixels cannot hold the axes; the chart is
                # laid out again when it grows, so the layout warning is noise.
                with warnings.catch_warnings():
                    warnings.filterwarnings("ignore", message="constrained_layout not applied")
                    super().draw()

        self.figure = Figure(figsize=(6, 3.2), layout="constrained")
        self.canvas = Canvas(self.figure)
        self._layout.addWidget(self.canvas, 1)

    def redraw(self) -> None:
        """Draw now (normally done when the chart is shown)."""
        self._dirty = False
        if self._draw is None:
            self.placeholder.show()
            if self.canvas is not None:
                self.canvas.hide()
            return
        self._ensure_canvas()
        self.figure.clear()
        ax = self.figure.add_subplot()
        self._draw(ax)
        self.placeholder.hide()
        self.canvas.show()
        self.canvas.draw_idle()

    @property
    def axes(self):
        """The chart's axes (after drawing), for tests."""
        return self.figure.axes[0] if self.figure is not None and self.figure.axes else None
