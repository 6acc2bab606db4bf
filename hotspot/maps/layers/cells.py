"""Gi* hot and cold spot cells, coloured by ``gi_bin`` (ArcGIS convention)."""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from hotspot.export.disclosure import publishable
from hotspot.maps import style
from hotspot.maps.layers.base import (
    MapLayer,
    as_result_gdf,
    format_count,
    format_number,
    format_p_value,
    name_column,
    styled_gdf,
)
from hotspot.maps.style import Legend, LegendEntry


@dataclass
class GiStarCells(MapLayer):
    """Gi* hot and cold spots, coloured by ``gi_bin`` (ArcGIS convention).

    Parameters
    ----------
    result : GiStarResult
        Uses ``cells`` (``gi_bin``, ``gi_z``, ``p_value``/``q_value``, ``label``, the
        count column ``n`` or a value column, ``name`` for areas) and ``params.fdr``.
    show_not_significant : bool
        Draw not-significant cells (pale grey); else only hot and cold spots.
    legend_counts : bool
        Give the number of cells of each class in the legend.
    """

    result: Any
    _: KW_ONLY
    name: str = "Gi* hot and cold spots"
    opacity: float = 0.8
    show_not_significant: bool = True
    suppress_below: int = 0
    legend_counts: bool = True
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_result_gdf(self.result.cells, self.name, "gi_bin")
        # worked out on every cell (secondary suppression needs the column total)
        gdf = publishable(gdf, self.suppress_below)
        if not self.show_not_significant:
            gdf = gdf[gdf["gi_bin"] != 0]
        self._gdf = gdf

    @property
    def fdr(self) -> bool:
        return bool(getattr(getattr(self.result, "params", None), "fdr", False))

    def _count_column(self) -> str | None:
        for c in ("n", "count", "value"):
            if c in self._gdf.columns:
                return c
        return None

    def features(self):
        gdf = self._gdf
        bins = gdf["gi_bin"].astype(int)
        fill = bins.map(style.GI_BIN_COLOURS).fillna(style.NO_DATA_COLOUR)
        out = styled_gdf(gdf, fill.values, fill_opacity=self.opacity, stroke=None, stroke_width=0.0)
        name_col = self._place_column()
        out["tt_name"] = gdf[name_col].fillna("").astype(str) if name_col else ""
        cc = self._count_column()
        out["tt_count"] = gdf[cc].map(format_count) if cc else ""
        out["tt_z"] = gdf["gi_z"].map(lambda v: format_number(v, "{:.2f}")) if "gi_z" in gdf else ""
        pcol = "q_value" if self.fdr and "q_value" in gdf.columns else "p_value"
        out["tt_p"] = gdf[pcol].map(format_p_value) if pcol in gdf.columns else ""
        out["tt_class"] = (
            gdf["label"].astype(str) if "label" in gdf.columns else bins.map(style.gi_bin_label)
        )
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        p_alias = "FDR-adjusted p" if self.fdr else "p"
        fields = [("tt_count", "Offences"), ("tt_z", "Gi* z"), ("tt_p", p_alias)]
        fields.append(("tt_class", "Class"))
        place = self._place_column()
        if place:
            fields.insert(0, ("tt_name", "Ward" if place == "ward" else "Name"))
        return fields

    def _place_column(self) -> str | None:
        """The column naming each cell: an area's name, or the ward a grid cell lies in."""
        return name_column(self._gdf) or ("ward" if "ward" in self._gdf.columns else None)

    def legend(self) -> Legend | None:
        counts = self._gdf["gi_bin"].astype(int).value_counts()
        unit = "areas" if getattr(self.result, "kind", "grid") == "areas" else "cells"
        bins = [3, 2, 1, 0, -1, -2, -3] if self.show_not_significant else [3, 2, 1, -1, -2, -3]
        entries = tuple(
            LegendEntry(
                f"{style.gi_bin_label(b)} ({int(counts.get(b, 0)):,} {unit})"
                if self.legend_counts
                else style.gi_bin_label(b),
                style.GI_BIN_COLOURS[b],
            )
            for b in bins
        )
        note = "FDR-corrected (Benjamini-Hochberg)." if self.fdr else "Not corrected for FDR."
        if self.suppress_below > 1:
            n = self.suppress_below
            note += f" Cell counts below {n} are shown as <{n} (small numbers)."
        empty = self.empty_note()
        if empty:
            note = f"{empty} {note}"
        return Legend("Getis-Ord Gi* hot and cold spots", entries, note=note)

    def empty_note(self) -> str:
        from hotspot.maps.wording import gistar_empty

        return gistar_empty(self.result)
