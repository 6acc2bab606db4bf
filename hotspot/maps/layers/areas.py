"""Area layers: boundaries, choropleths and change since the previous period.

- :class:`AreaBoundaries` - ward (or LSOA, borough) outlines with name labels.
- :class:`AreaChoropleth` - one column of an :class:`AreaStats` table (rate, change
  ...) classed with mapclassify's schemes (quantiles, natural breaks, equal interval).
- :class:`ChangeSignificance` - change since the previous period, rises and falls the
  exact test flags drawn apart from changes within normal variation.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from hotspot.core.errors import HotspotError
from hotspot.core.labels import VALUE_TITLES
from hotspot.export.disclosure import publishable
from hotspot.maps import class_breaks, style
from hotspot.maps.layers.base import (
    MapLayer,
    as_bng_gdf,
    format_count,
    format_number,
    format_p_value,
    label_point,
    name_column,
    styled_gdf,
)
from hotspot.maps.style import Legend, LegendEntry


@dataclass
class AreaBoundaries(MapLayer):
    """Area outlines (wards, LSOAs, a borough) with their names as labels.

    Parameters
    ----------
    areas : AreaLayer or GeoDataFrame
        Polygons with ``code`` and ``name`` columns (EPSG:27700 or any CRS set).
    name : str
        Layer name, e.g. "Wards".
    show_labels : bool
        Draw each area's name at a point inside it.
    colour : str
        Line colour.
    width : float
        Line width in points (print) / pixels (web).
    """

    areas: Any
    _: KW_ONLY
    name: str = "Boundaries"
    show_labels: bool = True
    colour: str = style.BOUNDARY_COLOUR
    width: float = 1.0
    _gdf: Any = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        self._gdf = as_bng_gdf(self.areas, self.name)

    def features(self):
        gdf = self._gdf
        out = styled_gdf(
            gdf, None, fill_opacity=0.0, stroke=self.colour, stroke_width=float(self.width)
        )
        name_col = name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_code"] = gdf["code"].astype(str) if "code" in gdf.columns else ""
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [("tt_name", "Name"), ("tt_code", "Code")]

    def legend(self) -> Legend | None:
        return Legend(self.name, (LegendEntry(f"{self.name} boundary", self.colour, "line"),))

    def labels(self) -> list[tuple[float, float, str]]:
        if not self.show_labels:
            return []
        name_col = name_column(self._gdf)
        if name_col is None:
            return []
        pts = [label_point(g) for g in self._gdf.geometry]
        return [
            (float(p.x), float(p.y), str(n))
            for p, n in zip(pts, self._gdf[name_col], strict=True)
            if p is not None
        ]


_DIVERGING_COLUMNS = ("change", "pct_change")
_RATE_COLUMNS = ("rate", "rate_eb", "rate_prev")


@dataclass
class AreaChoropleth(MapLayer):
    """One column of an area table, classed with mapclassify's schemes (:func:`class_breaks.classify`).

    Parameters
    ----------
    stats : AreaStats or GeoDataFrame
        ``table`` with ``code``, ``name``, ``count``, ``rate`` (and ``change`` ...).
    column : str
        The column to map ("rate", "rate_eb", "change", "pct_change" ...).
    scheme : {"natural_breaks", "quantiles", "equal_interval"}
        Classification; natural breaks (Jenks) by default, as on every map of rates.
    k : int
        Number of classes.
    title : str, optional
        Legend title (default from the column, e.g. "Offences per 1,000 residents").
    diverging : bool, optional
        Diverging colours centred on zero; default True for change columns.
    """

    stats: Any
    _: KW_ONLY
    column: str = "rate"
    name: str = ""
    opacity: float = 0.8
    scheme: str = class_breaks.DEFAULT_SCHEME
    k: int = 5
    title: str = ""
    diverging: bool | None = None
    palette: str | None = None
    suppress_below: int = 0
    _gdf: Any = field(default=None, init=False, repr=False)
    _classes: Any = field(default=None, init=False, repr=False)
    _n_hidden: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.stats, self.name or self.column)
        if self.column not in gdf.columns:
            raise HotspotError(
                f"area map: the table has no column {self.column!r}; available: "
                f"{', '.join(c for c in gdf.columns if c != 'geometry')}"
            )
        shown = publishable(gdf, self.suppress_below)
        before = pd.to_numeric(gdf[self.column], errors="coerce").notna()
        after = pd.to_numeric(shown[self.column], errors="coerce").notna()
        self._n_hidden = int((before & ~after).sum())
        gdf = shown
        self._gdf = gdf
        if self.diverging is None:
            self.diverging = self.column in _DIVERGING_COLUMNS
        if not self.title:
            self.title = VALUE_TITLES.get(self.column, self.column)
        if not self.name:
            self.name = self.title
        values = pd.to_numeric(gdf[self.column], errors="coerce").to_numpy(dtype=float)
        self._classes = class_breaks.classify(
            values,
            scheme=self.scheme,
            k=self.k,
            palette=self.palette,
            diverging=bool(self.diverging),
            decimals=1 if self.column in _RATE_COLUMNS else None,
        )

    @property
    def classes(self) -> class_breaks.Classes:
        return self._classes

    def features(self):
        gdf = self._gdf
        out = styled_gdf(
            gdf,
            self._classes.colour_of(),
            fill_opacity=self.opacity,
            stroke="#ffffff",
            stroke_width=0.5,
        )
        name_col = name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        for col, key, fmt in (
            ("rate", "tt_rate", "{:,.1f}"),
            ("change", "tt_change", "{:+,.0f}"),
        ):
            out[key] = (
                gdf[col].map(lambda v, f=fmt: format_number(v, f)) if col in gdf.columns else ""
            )
        out["tt_count"] = gdf["count"].map(format_count) if "count" in gdf.columns else ""
        if self.column not in ("count", "rate", "change"):
            out["tt_value"] = gdf[self.column].map(lambda v: format_number(v, "{:,.2f}"))
        out["tt_class"] = self._classes.label_of()
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        fields = [("tt_name", "Name"), ("tt_count", "Offences"), ("tt_rate", "Rate per 1,000")]
        if "change" in self._gdf.columns:
            fields.append(("tt_change", "Change"))
        if self.column not in ("count", "rate", "change"):
            fields.append(("tt_value", self.title))
        fields.append(("tt_class", "Class"))
        return fields

    def legend(self) -> Legend | None:
        c = self._classes
        entries = tuple(
            LegendEntry(label, colour) for label, colour in zip(c.labels, c.colours, strict=True)
        )[::-1]  # highest class first
        note = f"Classes: {class_breaks.SCHEMES[self.scheme][1]}."
        if self._n_hidden:
            n = self.suppress_below
            entries += (LegendEntry(f"No data, or fewer than {n} offences", style.NO_DATA_COLOUR),)
            note += (
                f" Areas with fewer than {n} offences (or whose figures would reveal one) "
                "are not shown: small numbers."
            )
        elif (c.index < 0).any():
            entries += (LegendEntry("No data", style.NO_DATA_COLOUR),)
        empty = self.empty_note()
        return Legend(self.title, entries, note=f"{empty} {note}" if empty else note)

    def empty_note(self) -> str:
        values = pd.to_numeric(self._gdf[self.column], errors="coerce").dropna()
        if values.empty:
            return f"No area has a value of {self.title.lower()}."
        if values.nunique() > 1:
            return ""
        return (
            f"Every area has the same {self.title.lower()} ({format_number(values.iloc[0], '{:,.4g}')}): "
            "the map shows no difference between areas."
        )


CHANGE_CLASSES: dict[str, tuple[str, bool]] = {
    "Rise unlikely to be chance": ("#d95f02", True),
    "Rise within normal variation": ("#fdd0a2", False),
    "No change": ("#f7f7f7", False),
    "Fall within normal variation": ("#d8daeb", False),
    "Fall unlikely to be chance": ("#542788", True),
}
"""Change classes -> (colour, significant): strong colours and a dark outline only where
the change test says the change is unlikely to be chance."""


@dataclass
class ChangeSignificance(MapLayer):
    """Change since the previous period, marking the changes the exact test flags.

    A rise of 8 offences in a busy ward is usually chance: such changes are drawn
    pale ("within normal variation"), and only rises and falls the test flags get
    strong colours and a dark outline, so the map cannot be read as "every orange
    ward got worse".

    Parameters
    ----------
    stats : AreaStats or GeoDataFrame
        ``table`` with ``change`` and ``change_flag`` (the rates with a comparison).
    """

    stats: Any
    _: KW_ONLY
    name: str = "Change since the previous period"
    opacity: float = 0.9
    suppress_below: int = 0
    _gdf: Any = field(default=None, init=False, repr=False)
    _n_hidden: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        super().__post_init__()
        gdf = as_bng_gdf(self.stats, self.name)
        for col in ("change", "change_flag"):
            if col not in gdf.columns:
                raise HotspotError(
                    f"{self.name}: the area table has no {col!r} column; run the rates with a "
                    "comparison period (selection.compare = true)"
                )
        # for publication: an area whose change would reveal a small count is left uncoloured
        shown = publishable(gdf, self.suppress_below, text=False)
        before = pd.to_numeric(gdf["change"], errors="coerce").notna()
        after = pd.to_numeric(shown["change"], errors="coerce").notna()
        self._n_hidden = int((before & ~after).sum())
        self._gdf = shown

    def classes(self) -> pd.Series:
        """The change class of every area (a key of ``CHANGE_CLASSES``; "" when unknown)."""
        change = pd.to_numeric(self._gdf["change"], errors="coerce")
        flag = self._gdf["change_flag"].map(lambda v: isinstance(v, bool | np.bool_) and bool(v))
        out = pd.Series("", index=self._gdf.index, dtype=object)
        out[change > 0] = np.where(
            flag[change > 0], "Rise unlikely to be chance", "Rise within normal variation"
        )
        out[change < 0] = np.where(
            flag[change < 0], "Fall unlikely to be chance", "Fall within normal variation"
        )
        out[change == 0] = "No change"
        return out

    def features(self):
        classes = self.classes()
        significant = classes.map(lambda c: CHANGE_CLASSES.get(c, ("", False))[1]).astype(bool)
        order = np.argsort(significant.to_numpy(), kind="stable")  # flagged outlines on top
        gdf, classes, significant = (
            self._gdf.iloc[order],
            classes.iloc[order],
            significant.iloc[order],
        )
        fill = [CHANGE_CLASSES[c][0] if c else style.NO_DATA_COLOUR for c in classes]
        out = styled_gdf(gdf, fill, fill_opacity=self.opacity, stroke="#ffffff", stroke_width=0.5)
        out["_stroke"] = np.where(significant, "#1a1a1a", "#ffffff")
        out["_stroke_width"] = np.where(significant, 1.8, 0.5)
        name_col = name_column(gdf)
        out["tt_name"] = gdf[name_col].astype(str) if name_col else ""
        out["tt_change"] = gdf["change"].map(lambda v: format_number(v, "{:+,.0f}"))
        pct = gdf["pct_change"] if "pct_change" in gdf.columns else pd.Series(np.nan, gdf.index)
        out["tt_pct"] = pct.map(lambda v: format_number(v, "{:+,.0f}%"))
        p = gdf["change_p"] if "change_p" in gdf.columns else pd.Series(np.nan, gdf.index)
        out["tt_p"] = p.map(format_p_value)
        out["tt_class"] = classes.to_numpy()
        return out

    def tooltip(self) -> list[tuple[str, str]]:
        return [
            ("tt_name", "Name"),
            ("tt_change", "Change"),
            ("tt_pct", "Change %"),
            ("tt_p", "p (exact test)"),
            ("tt_class", "Class"),
        ]

    def legend(self) -> Legend | None:
        counts = self.classes().value_counts()
        unit = {"ward": "wards", "lsoa": "LSOAs"}.get(getattr(self.stats, "level", ""), "areas")
        entries = tuple(
            LegendEntry(f"{label} ({int(counts.get(label, 0)):,} {unit})", colour)
            for label, (colour, _) in CHANGE_CLASSES.items()
        )
        params = getattr(self.stats, "params", None)
        alpha = getattr(params, "alpha", 0.05)
        fdr = ", FDR-corrected" if getattr(params, "change_fdr", False) else ""
        note = (
            f"Dark outline: a change unlikely to be chance (exact test, p < {alpha:g}{fdr}). "
            "Pale: a change of a size that often happens by chance."
        )
        if self._n_hidden:
            n = self.suppress_below
            entries += (LegendEntry(f"No data, or fewer than {n} offences", style.NO_DATA_COLOUR),)
            note += f" Areas with fewer than {n} offences are not shown: small numbers."
        empty = self.empty_note()
        return Legend(
            "Change in offences since the previous period",
            entries,
            note=f"{empty} {note}" if empty else note,
        )

    def empty_note(self) -> str:
        if pd.to_numeric(self._gdf["change"], errors="coerce").notna().any():
            return ""
        return "No area has a change figure to show."
