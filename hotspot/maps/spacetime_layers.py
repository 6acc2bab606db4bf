"""Map layers of the space-time analyses: emerging hot spot categories, hotspot stability.

- :class:`EmergingCells` colours each location by its emerging hot spot category, in the
  manner of ArcGIS's Emerging Hot Spot Analysis map: reds for the hot-spot patterns (darkest
  for intensifying and persistent), blues for the cold-spot patterns, nothing drawn where no
  pattern is detected.
- :class:`StabilityCells` shows how many of the settings tried (bandwidths or cell sizes)
  call each cell hot: all, most or few (:mod:`hotspot.analysis.evaluation`).
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from hotspot.analysis.emerging_categories import CATEGORIES
from hotspot.export.disclosure import publishable
from hotspot.maps.layers.base import MapLayer, as_result_gdf, format_count, name_column, styled_gdf
from hotspot.maps.style import Legend, LegendEntry

EMERGING_COLOURS: dict[str, str] = {
    "new hot spot": "#fd8d3c",
    "consecutive hot spot": "#fc4e2a",
    "intensifying hot spot": "#800026",
    "persistent hot spot": "#bd0026",
    "diminishing hot spot": "#f768a1",
    "sporadic hot spot": "#fed976",
    "oscillating hot spot": "#c994c7",
    "historical hot spot": "#bf9a6a",
    "new cold spot": "#74c476",
    "consecutive cold spot": "#41ab5d",
    "intensifying cold spot": "#08306b",
    "persistent cold spot": "#2171b5",
    "diminishing cold spot": "#6baed6",
    "sporadic cold spot": "#c6dbef",
    "oscillating cold spot": "#9e9ac8",
    "historical cold spot": "#8c96a8",
    "no pattern detected": "#f0f0f0",
}
"""Category -> fill colour (hot patterns warm, cold patterns cool)."""


def pattern_title(name: str) -> str:
    """ "new hot spot" -> "New hot spot"."""
    return name[:1].upper() + name[1:]


@dataclass
class EmergingCells(MapLayer):
    """Emerging hot spot categories of grid cells or areas.

    Parameters
    ----------
    result : EmergingResult
        Uses ``locations`` (``pattern``, ``n``, ``n_hot``, ``n_cold``, ``trend_tau``,
        ``trend_p``, ``name`` for areas), ``steps`` and ``params``.
    show_no_pattern : bool
        Draw locations with no pattern (pale grey); else only the patterns.
    suppress_below : int
        Offence counts from 1 to this minus one are shown as "<N" in the tooltips
        (publication; 0 = exact).
    """

    result: Any
    _: KW_ONLY
    name: str = "Emerging hot spots"
    opacity: float = 0.85
    show_no_pattern: bool = False
    suppress_below: int = 0
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_result_gdf(self.result.locations, self.name, "pattern")
        # worked out on every location (secondary suppression needs the column total)
        gdf = publishable(gdf, self.suppress_below)
        if not self.show_no_pattern:
            gdf = gdf[gdf["pattern"] != "no pattern detected"]
        self._gdf = gdf

    def features(self):
        gdf = self._gdf
        fill = gdf["pattern"].map(EMERGING_COLOURS).fillna("#f0f0f0")
        out = styled_gdf(gdf, fill.values, fill_opacity=self.opacity, stroke=None, stroke_width=0.0)
        name_col = name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_count"] = gdf["n"].map(format_count)
        steps = len(self.result.steps.steps)
        out["tt_steps"] = [
            f"{int(h)} hot, {int(c)} cold of {steps}"
            for h, c in zip(gdf["n_hot"], gdf["n_cold"], strict=True)
        ]
        out["tt_trend"] = [
            f"tau {t:+.2f} (p {p:.3f})"
            for t, p in zip(gdf["trend_tau"], gdf["trend_p"], strict=True)
        ]
        out["tt_class"] = gdf["pattern"].map(pattern_title)
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        fields = [
            ("tt_class", "Pattern"),
            ("tt_count", "Offences"),
            ("tt_steps", "Time steps"),
            ("tt_trend", "Trend of Gi* z"),
        ]
        if name_column(self._gdf):
            fields.insert(0, ("tt_name", "Name"))
        return fields

    def legend(self) -> Legend | None:
        counts = self.result.locations["pattern"].value_counts()
        unit = "areas" if getattr(self.result, "kind", "grid") == "areas" else "cells"
        shown = [c for c in CATEGORIES if counts.get(c, 0)]
        if not self.show_no_pattern:
            shown = [c for c in shown if c != "no pattern detected"]
        entries = tuple(
            LegendEntry(
                f"{pattern_title(c)} ({int(counts.get(c, 0)):,} {unit})", EMERGING_COLOURS[c]
            )
            for c in shown
        )
        p = self.result.params
        fdr = "FDR-corrected" if p.fdr else "not corrected for FDR"
        note = (
            f"{self.result.months_used()}; {1 - p.alpha:.0%} confidence, {fdr}."
            if entries
            else f"No location shows a pattern. {self.result.months_used()}."
        )
        if self.suppress_below > 1:
            n = self.suppress_below
            note += f" Offence counts below {n} are shown as <{n} (small numbers)."
        return Legend("Emerging hot spots", entries, note=note)


STABILITY_COLOURS = {"all": "#99000d", "most": "#ef3b2c", "few": "#fcbba1"}
STABILITY_LABELS = {
    "all": "Hot under every setting",
    "most": "Hot under most settings",
    "few": "Hot under few settings",
}


@dataclass
class StabilityCells(MapLayer):
    """How robust each hot cell is to the bandwidth or cell size (all, most or few settings).

    Parameters
    ----------
    result : EvaluationResult
        Uses ``stability_cells`` (``hot_share``, ``agreement`` in "all" / "most" / "few",
        geometry) and ``stability`` (the settings).
    """

    result: Any
    _: KW_ONLY
    name: str = "Hotspot stability"
    opacity: float = 0.85
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_result_gdf(self.result.stability_cells, self.name, "agreement")
        self._gdf = gdf[gdf["agreement"].isin(list(STABILITY_COLOURS))]

    def features(self):
        gdf = self._gdf
        out = styled_gdf(
            gdf,
            gdf["agreement"].map(STABILITY_COLOURS).values,
            fill_opacity=self.opacity,
            stroke=None,
            stroke_width=0.0,
        )
        out["tt_class"] = gdf["agreement"].map(STABILITY_LABELS)
        out["tt_share"] = gdf["hot_share"].map(lambda v: f"{v:.0%}")
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [("tt_class", "Stability"), ("tt_share", "Share of settings")]

    def legend(self) -> Legend | None:
        counts = self._gdf["agreement"].value_counts()
        entries = tuple(
            LegendEntry(f"{STABILITY_LABELS[k]} ({int(counts.get(k, 0)):,} cells)", c)
            for k, c in STABILITY_COLOURS.items()
        )
        return Legend(
            "Hotspot stability",
            entries,
            note=f"Settings: {self.result.stability_settings()}. Most = at least half.",
        )


__all__ = [
    "EMERGING_COLOURS",
    "STABILITY_COLOURS",
    "STABILITY_LABELS",
    "EmergingCells",
    "StabilityCells",
    "pattern_title",
]
