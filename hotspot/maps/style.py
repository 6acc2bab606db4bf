"""Palettes and legends for every map.

One place decides how a result looks, so the print maps (:mod:`hotspot.maps.static`),
the interactive map (:mod:`hotspot.maps.web`), the briefing pack and the window agree.

- Colours are colour-blind safe: ColorBrewer sequential ramps (YlOrRd) for counts and
  rates, a purple-orange diverging ramp (PuOr) for change, red/blue for Gi* hot and cold
  spots (the ArcGIS convention: three confidence levels each, pale grey not
  significant), and a grey-blue-orange-purple 3 x 3 scheme for bivariate choropleths.
- :class:`Legend` and :class:`LegendEntry` are what every layer's legend is made of.

Class breaks are in :mod:`hotspot.maps.class_breaks`, the attributions the data
require in :mod:`hotspot.maps.attributions`; how a result was made and what it says,
in words, is in :mod:`hotspot.maps.wording`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from hotspot.core.errors import HotspotError

# --------------------------------------------------------------------------- legends


@dataclass(frozen=True)
class LegendEntry:
    """One line of a legend.

    Attributes
    ----------
    label : str
        The text beside the swatch.
    colour : str
        ``"#rrggbb"``.
    kind : str
        "fill" (a square), "area" (a pale square with a dashed outline: an area drawn over
        the results, such as a town centre), "line" (a boundary) or "point" (a dot).
    """

    label: str
    colour: str
    kind: str = "fill"


@dataclass(frozen=True)
class Legend:
    """A legend: a title, entries and an optional note (units, caveats).

    Attributes
    ----------
    title : str
        Legend title, including units where they apply.
    entries : tuple of LegendEntry
        In display order. For a bivariate grid (``grid=3``) the entries are the
        ``grid x grid`` cells row by row, starting with the lowest y class and,
        within a row, the lowest x class.
    note : str
        A short line under the entries ("FDR-corrected", a caveat ...).
    grid : int or None
        3 for a 3 x 3 bivariate legend, else None.
    x_label, y_label : str
        Axis names of a bivariate legend.
    """

    title: str
    entries: tuple[LegendEntry, ...] = ()
    note: str = ""
    grid: int | None = None
    x_label: str = ""
    y_label: str = ""

    @property
    def labels(self) -> list[str]:
        """The entry labels, in order."""
        return [e.label for e in self.entries]


# --------------------------------------------------------------------------- palettes

NO_DATA_COLOUR = "#d9d9d9"
BOUNDARY_COLOUR = "#3a3a3a"
OUTLINE_COLOUR = "#111111"
POINT_COLOUR = "#5e3c99"

#: Gi* bins (-3..3) -> colour: reds hot, blues cold, darker = more confident. These are
#: the colours ArcGIS's Hot Spot Analysis gives its Gi_Bin classes, so maps read the same
#: as the ones analysts and police already know.
GI_BIN_COLOURS: dict[int, str] = {
    3: "#d62f27",
    2: "#ed7551",
    1: "#fab984",
    0: "#f7f7f2",
    -1: "#c0ccbe",
    -2: "#849eba",
    -3: "#4575b5",
}

_GI_CONFIDENCE = {3: 99, 2: 95, 1: 90}


def gi_bin_label(gi_bin: int) -> str:
    """Plain-English label of a Gi* bin, e.g. ``3 -> "Hot spot, 99% confidence"``."""
    b = int(gi_bin)
    if b == 0:
        return "Not significant"
    if abs(b) not in _GI_CONFIDENCE:
        raise HotspotError(f"gi_bin: {gi_bin!r} is not a Gi* bin; expected a whole number -3..3")
    kind = "Hot spot" if b > 0 else "Cold spot"
    return f"{kind}, {_GI_CONFIDENCE[abs(b)]}% confidence"


#: Local bivariate Moran clusters (GeoDa's convention of reds for High-High, blues for Low-Low).
CLUSTER_COLOURS: dict[str, str] = {
    "High-High": "#d7191c",
    "Low-Low": "#2c7bb6",
    "High-Low": "#fdae61",
    "Low-High": "#abd9e9",
    "Not significant": "#eeeeee",
}
CLUSTER_ORDER = tuple(CLUSTER_COLOURS)
# esda's quadrant codes: 1 HH, 2 LH, 3 LL, 4 HL (0 = not significant)
_CLUSTER_CODES = {0: "Not significant", 1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}


def cluster_name(value: Any) -> str:
    """Normalise a cluster value ("HH", "high-high", 1, None ...) to a label in ``CLUSTER_ORDER``."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "Not significant"
    if isinstance(value, int | np.integer):
        return _CLUSTER_CODES.get(int(value), "Not significant")
    text = str(value).strip().lower().replace("_", "-").replace(" ", "-")
    short = {"hh": "High-High", "ll": "Low-Low", "hl": "High-Low", "lh": "Low-High"}
    if text in short:
        return short[text]
    for name in CLUSTER_ORDER:
        if text == name.lower().replace(" ", "-"):
            return name
    return "Not significant"


#: 3 x 3 bivariate palette, row = y class (low..high), column = x class (low..high):
#: grey (both low), blue (x high), orange (y high) and deep purple (both high),
#: interpolated in CIELAB. Every two cells stay clearly apart (more than 20 CIELAB
#: units) also for readers with red-green colour blindness, which the classic
#: pink-blue scheme does not manage.
BIVARIATE_COLOURS: tuple[tuple[str, str, str], ...] = (
    ("#e8e8e8", "#9ebdd6", "#4393c3"),
    ("#f4a67c", "#a97a90", "#4c52a0"),
    ("#e66101", "#9f2e51", "#3f007d"),
)

SEQUENTIAL = "YlOrRd"
DIVERGING = "PuOr_r"
DENSITY_RAMP = "YlOrRd"


def ramp(name: str, n: int, *, low: float = 0.15, high: float = 0.95) -> list[str]:
    """``n`` hex colours sampled evenly from the matplotlib colormap ``name``."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[name]
    if n <= 1:
        return [to_hex(cmap(high))] if n == 1 else []
    return [to_hex(cmap(low + (high - low) * i / (n - 1))) for i in range(n)]


def kde_class_colours(n: int) -> list[str]:
    """Colours of ``n`` KDE hot classes (lowest threshold first)."""
    return ramp(DENSITY_RAMP, n, low=0.3, high=0.95)


def hex_to_rgba(colour: str, alpha: float = 1.0) -> tuple[int, int, int, int]:
    """``"#rrggbb"`` -> (r, g, b, a) in 0..255."""
    c = colour.lstrip("#")
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), round(255 * alpha)


__all__ = [
    "BIVARIATE_COLOURS",
    "CLUSTER_COLOURS",
    "CLUSTER_ORDER",
    "GI_BIN_COLOURS",
    "Legend",
    "LegendEntry",
    "cluster_name",
    "gi_bin_label",
    "kde_class_colours",
    "ramp",
]
