"""Layers of two variables: local bivariate Moran clusters and the 3 x 3 choropleth.

- :class:`ClusterMap` - local bivariate Moran clusters of a :class:`BivariateResult`.
- :class:`BivariateChoropleth` - a 3 x 3 choropleth of two columns (rate vs IMD/SAMHI).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hotspot.core.errors import HotspotError
from hotspot.core.labels import VALUE_TITLES, variable_name
from hotspot.maps import class_breaks, style
from hotspot.maps.layers.base import (
    MapLayer,
    as_bng_gdf,
    as_result_gdf,
    format_number,
    format_p_value,
    name_column,
    styled_gdf,
)
from hotspot.maps.style import Legend, LegendEntry


@dataclass
class ClusterMap(MapLayer):
    """Local bivariate Moran clusters (High-High, Low-Low, High-Low, Low-High).

    Parameters
    ----------
    result : BivariateResult
        Uses ``local`` (``code``, ``name``, ``local_i``, ``p_value``, ``q_value``,
        ``cluster``), ``params`` and ``caveat``.
    x_label, y_label : str
        What the two variables are (e.g. "violence rate", "IMD score"); by default
        from the result's ``x`` and ``y`` columns ("offence rate", "IMD 2019 score").
    """

    result: Any
    _: KW_ONLY
    name: str = "Local bivariate Moran clusters"
    opacity: float = 0.8
    x_label: str = ""
    y_label: str = ""
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._gdf = as_result_gdf(self.result.local, self.name, "cluster")
        self.x_label = self.x_label or variable_name(getattr(self.result, "x", ""), "x")
        self.y_label = self.y_label or variable_name(getattr(self.result, "y", ""), "y")

    def cluster_names(self) -> pd.Series:
        return self._gdf["cluster"].map(style.cluster_name)

    def features(self):
        gdf = self._gdf
        names = self.cluster_names()
        out = styled_gdf(
            gdf,
            names.map(style.CLUSTER_COLOURS).values,
            fill_opacity=self.opacity,
            stroke="#ffffff",
            stroke_width=0.5,
        )
        name_col = name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_z"] = (
            gdf["local_i"].map(lambda v: format_number(v, "{:.3f}")) if "local_i" in gdf else ""
        )
        fdr = bool(getattr(getattr(self.result, "params", None), "fdr", False))
        pcol = "q_value" if fdr and "q_value" in gdf.columns else "p_value"
        out["tt_p"] = gdf[pcol].map(format_p_value) if pcol in gdf.columns else ""
        out["tt_class"] = names.values
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Name"),
            ("tt_z", "Local I"),
            ("tt_p", "p"),
            ("tt_class", "Cluster"),
        ]

    def legend(self) -> Legend | None:
        counts = self.cluster_names().value_counts()
        entries = tuple(
            LegendEntry(f"{n} ({int(counts.get(n, 0)):,} areas)", style.CLUSTER_COLOURS[n])
            for n in style.CLUSTER_ORDER
        )
        note = f"High/Low: {self.x_label} against neighbours' {self.y_label}."
        empty = self.empty_note()
        if empty:
            note = f"{empty} {note}"
        caveat = str(getattr(self.result, "caveat", "") or "")
        if caveat:
            first = caveat.split(". ")[0].rstrip(".")
            note += f" {first}."
        return Legend(self.name, entries, note=note)

    def empty_note(self) -> str:
        from hotspot.maps.wording import clusters_empty

        if (self.cluster_names() != "Not significant").any():
            return ""
        return clusters_empty(self.result) or "No area is in a significant local cluster."


@dataclass
class BivariateChoropleth(MapLayer):
    """A 3 x 3 bivariate choropleth: tertiles of two columns (e.g. rate and IMD score).

    Parameters
    ----------
    table : GeoDataFrame or AreaStats
        Areas with both columns.
    x, y : str
        Column names (x along the legend's horizontal axis).
    x_label, y_label : str
        Axis titles ("Violence rate", "IMD 2019 score" ...).
    """

    table: Any
    _: KW_ONLY
    x: str = "rate"
    y: str = "imd_score"
    x_label: str = ""
    y_label: str = ""
    name: str = "Bivariate map"
    opacity: float = 0.85
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.table, self.name)
        for col in (self.x, self.y):
            if col not in gdf.columns:
                raise HotspotError(f"{self.name}: the table has no column {col!r}")
        self._gdf = gdf
        self.x_label = self.x_label or VALUE_TITLES.get(self.x, self.x)
        self.y_label = self.y_label or self.y

    def classes(self) -> tuple[np.ndarray, np.ndarray]:
        """Tertile class (0..2, -1 missing) of x and of y for every area."""
        xv = pd.to_numeric(self._gdf[self.x], errors="coerce").to_numpy(dtype=float)
        yv = pd.to_numeric(self._gdf[self.y], errors="coerce").to_numpy(dtype=float)
        return class_breaks.tertiles(xv), class_breaks.tertiles(yv)

    def features(self):
        gdf = self._gdf
        cx, cy = self.classes()
        fill = [
            style.BIVARIATE_COLOURS[j][i] if i >= 0 and j >= 0 else style.NO_DATA_COLOUR
            for i, j in zip(cx, cy, strict=True)
        ]
        out = styled_gdf(gdf, fill, fill_opacity=self.opacity, stroke="#ffffff", stroke_width=0.5)
        name_col = name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_x"] = gdf[self.x].map(lambda v: format_number(v, "{:,.1f}"))
        out["tt_y"] = gdf[self.y].map(lambda v: format_number(v, "{:,.2f}"))
        words = ("low", "middle", "high")
        out["tt_class"] = [
            f"{words[i]} {self.x_label} / {words[j]} {self.y_label}" if i >= 0 and j >= 0 else ""
            for i, j in zip(cx, cy, strict=True)
        ]
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Name"),
            ("tt_x", self.x_label),
            ("tt_y", self.y_label),
            ("tt_class", "Class"),
        ]

    def tertile_lines(self) -> list[str]:
        """Where the thirds of each variable start, e.g. "Offence rate: low up to 12.3, ..."."""
        out = []
        for col, label in ((self.x, self.x_label), (self.y, self.y_label)):
            values = pd.to_numeric(self._gdf[col], errors="coerce").to_numpy(dtype=float)
            cuts = class_breaks.tertile_breaks(values)
            if cuts is None:
                continue
            a, b = (f"{c:,.1f}" for c in cuts)
            name = VALUE_TITLES.get(col, label)  # with its units where known
            out.append(f"{name}: low up to {a}, middle {a} to {b}, high above {b}.")
        return out

    def legend(self) -> Legend | None:
        entries = tuple(
            LegendEntry(f"x {i + 1}/3, y {j + 1}/3", style.BIVARIATE_COLOURS[j][i])
            for j in range(3)
            for i in range(3)
        )
        title = self.name if self.name != "Bivariate map" else f"{self.x_label} and {self.y_label}"
        return Legend(
            title,
            entries,
            note=" ".join(["Each variable split into thirds of the areas.", *self.tertile_lines()]),
            grid=3,
            x_label=self.x_label,
            y_label=self.y_label,
        )
