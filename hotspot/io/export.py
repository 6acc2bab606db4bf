"""GIS and data exports: GeoPackage, GeoTIFF and CSV files that QGIS, ArcGIS and Excel open.

Usage (``hotspot run`` and the window's Export dialog)::

    from hotspot.io import export
    export.export_geopackage("results.gpkg", kde=kde, gistar=gi, rates=stats,
                             bivariate=biv, extra={"wards": wards.gdf}, overwrite=force)
    export.write_geotiff(kde, "kde.tif", overwrite=force)
    export.write_csv(stats.table, "ward_rates.csv", suppress_below=5, overwrite=force)

Every writer goes through :mod:`hotspot.atomic`: the file is written under a temporary
name beside the target and renamed when complete, so a failed or cancelled export
leaves nothing behind; an existing file is replaced only with ``overwrite=True``
(else :class:`~hotspot.errors.ExportError`). Writers that take a while accept
``progress=`` and stop at the next layer when cancelled.

Where the parameters go
-----------------------
GeoPackage: every result layer is written with the parameters that made it in two
places. (1) A non-spatial table ``hotspot_params`` with one row per parameter:
``layer``, ``parameter``, ``value`` (JSON text), so a query or :func:`read_params`
gets them back exactly. (2) The layer's description in ``gpkg_contents`` (shown by
QGIS under Layer Properties > Information): a plain-text summary ending with the
same parameters as JSON. GeoTIFF: the parameters are dataset tags (``hotspot_params``
as JSON, ``units``), the band description states the units, and nodata is set.

CSV files are UTF-8 with a byte-order mark so that Excel shows "£", "é" and "²"
properly. For publication, counts below a threshold are shown as "<5" (see
:func:`suppression_plan`); when the small counts could be worked out from a column
total, the next smallest count is withheld too ("[c]"); and the figures derived from
a hidden count (rate, change, share, p-value, rank ...) are blanked on its row, so
the count cannot be worked back. Statistics that mix neighbouring areas (Gi* z,
local Moran's I) are not suppressed: publish the count and rate tables, not those.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd

from hotspot.atomic import atomic_path
from hotspot.errors import ExportError
from hotspot.progress import NO_PROGRESS, Progress

PARAMS_TABLE = "hotspot_params"
BNG = "EPSG:27700"
GEOTIFF_NODATA = -9999.0

COUNT_COLUMNS = ("count", "count_prev", "n", "offences", "Offences (previous period)")
"""Columns holding offence counts (matched case-insensitively: ``Offences`` too)."""
DERIVED_COLUMNS = (
    "rate",
    "rate_eb",
    "rate_prev",
    "change",
    "pct_change",
    "Change (%)",
    "change_p",
    "change_q",
    "change_flag",
    "change_label",
    "share",
    "share_offences",
    "pai",
    "rank",
    "Summary",
)
"""Figures worked out from the counts (case-insensitive; any "Rate per ..." column too)."""
WITHHELD = "[c]"
"""Shown for a count withheld so that a suppressed small count cannot be worked out."""


# --------------------------------------------------------------------------- parameters


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a parameter value."""
    if hasattr(value, "label") and hasattr(value, "span"):  # a Period
        return str(value.label)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, SimpleNamespace):
        return {k: _plain(v) for k, v in vars(value).items()}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    label = getattr(value, "label", None)  # Period and friends
    return label if isinstance(label, str) else str(value)


def result_params(result: Any) -> dict[str, Any]:
    """Everything worth storing about how a result was made.

    The result's ``params`` (every field, computed defaults included), then its
    ``seed``, ``n_points``, ``n_outside``, ``units``, ``bandwidth_note``, ``kind``,
    ``level``, ``period`` and ``comparison`` (labels), ``moran_i``, ``p_value``,
    ``caveat`` and ``warnings`` when it has them.
    """
    out: dict[str, Any] = {}
    params = getattr(result, "params", None)
    if params is not None:
        plain = _plain(params)
        out.update(plain if isinstance(plain, dict) else {"params": plain})
    for name in (
        "seed",
        "n_points",
        "n_outside",
        "units",
        "bandwidth_note",
        "kind",
        "level",
        "period",
        "comparison",
        "moran_i",
        "p_value",
        "caveat",
        "warnings",
    ):
        if hasattr(result, name) and getattr(result, name) is not None:
            value = _plain(getattr(result, name))
            if value not in ((), [], ""):
                out[name] = value
            span = getattr(getattr(result, name), "span", None)
            if isinstance(span, str):  # a Period: also its months, e.g. "2023-11 to 2024-10"
                out[f"{name}_months"] = span
    return out


# --------------------------------------------------------------------------- GeoPackage


@dataclass
class GpkgLayer:
    """One layer of a GeoPackage export.

    Attributes
    ----------
    name : str
        Layer name (letters, digits and underscores are kept).
    gdf : GeoDataFrame
        Features (reprojected to EPSG:27700 when in another CRS).
    params : dict
        Parameters stored with the layer (see the module docstring).
    description : str
        A plain-English line for the layer's description.
    """

    name: str
    gdf: Any
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""


_NAME_RE = re.compile(r"[^A-Za-z0-9_]+")


def _layer_name(name: str) -> str:
    clean = _NAME_RE.sub("_", name.strip()).strip("_").lower()
    if not clean:
        raise ExportError(f"layer name {name!r} has no letters or digits; give the layer a name")
    return clean


def _writable_frame(gdf, layer: str):
    """A copy of ``gdf`` that GDAL can write: plain column types, EPSG:27700."""
    import geopandas as gpd

    if not isinstance(gdf, gpd.GeoDataFrame):
        raise ExportError(f"layer {layer!r}: expected a GeoDataFrame, got {type(gdf).__name__}")
    if gdf.crs is None:
        raise ExportError(
            f"layer {layer!r}: the features have no coordinate reference system; set one "
            "(EPSG:27700 for British National Grid) before exporting"
        )
    out = gdf.to_crs(BNG) if gdf.crs.to_epsg() != 27700 else gdf.copy()
    geom = out.geometry.name
    for col in list(out.columns):
        if col == geom:
            continue
        s = out[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            out[col] = s.astype(str)
        elif s.dtype == object:
            if s.map(lambda v: isinstance(v, list | tuple | set | dict)).any():
                out[col] = s.map(lambda v: json.dumps(_plain(v)) if v is not None else None)
            elif not s.map(lambda v: v is None or isinstance(v, str)).all():
                out[col] = s.map(lambda v: None if v is None else str(v))
        elif pd.api.types.is_timedelta64_dtype(s):
            out[col] = s.astype(str)
    out.columns = [c if c == geom else str(c) for c in out.columns]
    return out


def _describe(layer: GpkgLayer) -> str:
    text = layer.description or f"Hotspot layer {layer.name}"
    if layer.params:
        text += "\nParameters (JSON): " + json.dumps(layer.params, ensure_ascii=False)
    return text


def write_geopackage(
    path: str | os.PathLike,
    layers: Sequence[GpkgLayer] | Mapping[str, Any],
    *,
    overwrite: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Path:
    """Write several layers, and their parameters, to one GeoPackage, atomically.

    Parameters
    ----------
    path : path-like
        The ``.gpkg`` file.
    layers : sequence of GpkgLayer, or mapping name -> GeoDataFrame
        The layers, in order. Empty layers are written too (with their columns).
    overwrite : bool
        Replace an existing file.
    progress : Progress
        Updated after each layer; cancelling stops the export and leaves nothing.

    Returns
    -------
    Path

    Raises
    ------
    ExportError
        When the file exists (and ``overwrite`` is false), the folder is missing,
        two layers share a name, or a layer has no CRS.
    """
    import pyogrio

    items = (
        [GpkgLayer(k, v) for k, v in layers.items()]
        if isinstance(layers, Mapping)
        else list(layers)
    )
    if not items:
        raise ExportError(f"{path}: nothing to export; run an analysis first")
    names = [_layer_name(item.name) for item in items]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ExportError(f"{path}: two layers would be called {dupes[0]!r}; rename one")
    frames = [_writable_frame(item.gdf, n) for item, n in zip(items, names, strict=True)]
    rows = []
    with atomic_path(path, overwrite=overwrite) as tmp:
        for i, (item, name, gdf) in enumerate(zip(items, names, frames, strict=True)):
            progress.check_cancelled()
            pyogrio.write_dataframe(
                gdf,
                tmp,
                layer=name,
                driver="GPKG",
                append=i > 0,
                layer_options={"DESCRIPTION": _describe(item), "IDENTIFIER": item.name},
            )
            for key, value in item.params.items():
                rows.append(
                    {
                        "layer": name,
                        "parameter": key,
                        "value": json.dumps(value, ensure_ascii=False),
                    }
                )
            progress.update((i + 1) / (len(items) + 1), f"Wrote layer {name}")
        progress.check_cancelled()
        table = pd.DataFrame(rows, columns=["layer", "parameter", "value"])
        pyogrio.write_dataframe(
            table,
            tmp,
            layer=PARAMS_TABLE,
            driver="GPKG",
            append=True,
            layer_options={"DESCRIPTION": "Parameters of every Hotspot layer in this file"},
        )
        progress.update(1.0, "GeoPackage written")
    return Path(path)


def read_params(path: str | os.PathLike) -> dict[str, dict[str, Any]]:
    """The parameters stored in a Hotspot GeoPackage: layer -> {parameter: value}.

    Raises
    ------
    ExportError
        When the file has no ``hotspot_params`` table.
    """
    import pyogrio

    listed = {row[0] for row in pyogrio.list_layers(path)}
    if PARAMS_TABLE not in listed:
        raise ExportError(f"{path}: no {PARAMS_TABLE} table; was it written by Hotspot?")
    df = pyogrio.read_dataframe(path, layer=PARAMS_TABLE, read_geometry=False)
    out: dict[str, dict[str, Any]] = {}
    for row in df.itertuples(index=False):
        out.setdefault(row.layer, {})[row.parameter] = json.loads(row.value)
    return out


def density_class_polygons(result: Any):
    """The KDE hotspot classes as polygons (EPSG:27700), one row per connected patch.

    Columns: ``hot_class`` (1 = lowest threshold), ``label``, ``threshold``,
    ``units``, ``area_km2``, geometry. Cells below the first threshold and outside
    the study area are left out.
    """
    import geopandas as gpd
    from rasterio import features
    from shapely.geometry import shape

    from hotspot.maps.layers import DensitySurface

    layer = DensitySurface(result)
    th = layer.thresholds()
    cls = layer.class_grid().astype(np.int16)
    labels = list(th)
    rows = []
    for geom, value in features.shapes(cls, mask=cls > 0, transform=result.transform):
        k = int(value)
        poly = shape(geom)
        rows.append(
            {
                "hot_class": k,
                "label": labels[k - 1],
                "threshold": float(th[labels[k - 1]]),
                "units": layer.units,
                "area_km2": poly.area / 1e6,
                "geometry": poly,
            }
        )
    cols = ["hot_class", "label", "threshold", "units", "area_km2", "geometry"]
    gdf = gpd.GeoDataFrame(rows, columns=cols, geometry="geometry", crs=BNG)
    return gdf.sort_values(["hot_class", "area_km2"], ascending=[True, False]).reset_index(
        drop=True
    )


def result_layers(
    *,
    kde: Any = None,
    gistar: Any = None,
    rates: Any = None,
    bivariate: Any = None,
    extra: Mapping[str, Any] | None = None,
) -> list[GpkgLayer]:
    """GeoPackage layers for whichever results are given.

    ``kde`` -> ``kde_hotspot_classes`` (polygons of the k x mean classes; the surface
    itself goes to GeoTIFF), ``gistar`` -> ``gistar_cells``, ``rates`` ->
    ``area_rates``, ``bivariate`` -> ``bivariate_local``; ``extra`` adds any other
    GeoDataFrames (wards, hotspot areas, selected offences ...) under their names.
    """
    out: list[GpkgLayer] = []
    if kde is not None:
        out.append(
            GpkgLayer(
                "kde_hotspot_classes",
                density_class_polygons(kde),
                result_params(kde),
                "Kernel density hotspot classes (cells at or above each threshold)",
            )
        )
    if gistar is not None:
        out.append(
            GpkgLayer(
                "gistar_cells",
                gistar.cells,
                result_params(gistar),
                "Getis-Ord Gi* z-scores, p-values and hot/cold spot classes",
            )
        )
    if rates is not None:
        out.append(
            GpkgLayer(
                "area_rates",
                rates.table,
                result_params(rates),
                "Offence counts, rates per resident and change per area",
            )
        )
    if bivariate is not None:
        out.append(
            GpkgLayer(
                "bivariate_local",
                bivariate.local,
                result_params(bivariate),
                "Local bivariate Moran's I and clusters",
            )
        )
    for name, gdf in (extra or {}).items():
        out.append(GpkgLayer(name, getattr(gdf, "gdf", gdf), {}, name.replace("_", " ")))
    return out


def export_geopackage(
    path: str | os.PathLike,
    *,
    kde: Any = None,
    gistar: Any = None,
    rates: Any = None,
    bivariate: Any = None,
    extra: Mapping[str, Any] | None = None,
    overwrite: bool = False,
    progress: Progress = NO_PROGRESS,
) -> Path:
    """Write every given result (and ``extra`` layers) to one GeoPackage.

    See :func:`result_layers` for the layer names and :func:`write_geopackage` for
    the errors.
    """
    layers = result_layers(kde=kde, gistar=gistar, rates=rates, bivariate=bivariate, extra=extra)
    return write_geopackage(path, layers, overwrite=overwrite, progress=progress)


# --------------------------------------------------------------------------- GeoTIFF


def write_geotiff(
    result: Any,
    path: str | os.PathLike,
    *,
    overwrite: bool = False,
    nodata: float = GEOTIFF_NODATA,
) -> Path:
    """Write a density surface as a single-band GeoTIFF in EPSG:27700, atomically.

    Parameters
    ----------
    result : DensityResult
        Uses ``values`` (NaN outside the study area -> ``nodata``), ``transform``,
        ``crs``, ``units`` and ``params``.
    path : path-like
        The ``.tif`` file.
    overwrite : bool
        Replace an existing file.
    nodata : float
        The value written outside the study area (and declared as nodata).

    Raises
    ------
    ExportError
        When the file exists (and ``overwrite`` is false), the folder is missing or
        the surface is not a 2-D grid.
    """
    import rasterio

    values = np.asarray(result.values, dtype=np.float32)
    if values.ndim != 2 or values.size == 0:
        raise ExportError(f"{path}: the density surface is not a 2-D grid; nothing to write")
    data = np.where(np.isfinite(values), values, np.float32(nodata)).astype(np.float32)
    units = str(getattr(result, "units", "") or "")
    profile = {
        "driver": "GTiff",
        "height": data.shape[0],
        "width": data.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": getattr(result, "crs", None) or BNG,
        "transform": result.transform,
        "nodata": nodata,
        "compress": "deflate",
        "predictor": 3,
        "tiled": data.shape[0] >= 256 and data.shape[1] >= 256,
    }
    with atomic_path(path, overwrite=overwrite) as tmp, rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data, 1)
        dst.set_band_description(1, f"Kernel density ({units})" if units else "Kernel density")
        dst.update_tags(
            units=units,
            software="Hotspot",
            hotspot_params=json.dumps(result_params(result), ensure_ascii=False),
        )
        if units:
            dst.update_tags(1, units=units)
    return Path(path)


# --------------------------------------------------------------------------- CSV


def _columns_like(table: pd.DataFrame, names: Sequence[str], prefix: str = "") -> list[str]:
    wanted = {n.lower() for n in names}
    return [
        c
        for c in table.columns
        if isinstance(c, str) and (c.lower() in wanted or (prefix and c.lower().startswith(prefix)))
    ]


@dataclass(frozen=True)
class SuppressionPlan:
    """Which cells of a table are hidden for publication.

    Attributes
    ----------
    marks : dict of str -> Series
        For each count column, the text shown instead of the count ("<5" for a
        small count, ``WITHHELD`` for a count withheld so that the small ones cannot
        be worked out from the column total), or None where the count is shown.
    hidden : Series of bool
        Rows whose derived figures (rate, change, share, rank ...) are blanked.
    derived : list of str
        The derived columns present.
    """

    marks: dict[str, pd.Series]
    hidden: pd.Series
    derived: list[str]


def suppression_plan(
    table: pd.DataFrame,
    threshold: int = 5,
    *,
    count_columns: Sequence[str] | None = None,
    derived_columns: Sequence[str] | None = None,
    counts: Any = None,
    key: str = "code",
) -> SuppressionPlan:
    """Work out which counts to hide and which rows lose their derived figures.

    Primary suppression: counts 1 .. ``threshold``-1 are shown as "<threshold"
    (zero stays: it discloses nobody). Secondary suppression: when the suppressed
    counts of a column could be worked out from the column total (which the rest of
    a report gives away: a total line, or any row's count divided by its share) -
    that is, when only one count is suppressed, or all of them must be 1 or all
    ``threshold``-1 given their sum - the smallest count still shown is withheld
    too (``WITHHELD``). Every row with a hidden count loses its derived figures, so
    a count cannot be worked back from a rate and the population, a share, a
    change, a p-value or a rank.

    Parameters
    ----------
    table : DataFrame
        Not changed.
    threshold : int
        5 is usual; 0 or 1 turns suppression off.
    count_columns, derived_columns : sequence of str, optional
        Defaults ``COUNT_COLUMNS`` / ``DERIVED_COLUMNS`` (case-insensitive; any
        column starting "rate per" is derived too).
    counts : DataFrame or AreaStats, optional
        A table with the counts behind ``table``'s figures, for tables that show
        rates without counts (the bivariate and Gi* LSOA tables): rows whose
        ``key`` is hidden there are hidden here.
    key : str
        The column joining ``table`` and ``counts``.
    """
    index = table.index
    hidden = pd.Series(False, index=index)
    marks: dict[str, pd.Series] = {}
    derived = (
        [c for c in derived_columns if c in table.columns]
        if derived_columns is not None
        else _columns_like(table, DERIVED_COLUMNS, prefix="rate per ")
    )
    if threshold is None or threshold <= 1:
        return SuppressionPlan(marks, hidden, derived)
    cols = (
        [c for c in count_columns if c in table.columns]
        if count_columns is not None
        else _columns_like(table, COUNT_COLUMNS)
    )
    for col in cols:
        v = pd.to_numeric(table[col], errors="coerce").to_numpy(dtype=float)
        small = (v > 0) & (v < threshold)
        text = np.full(len(v), None, dtype=object)
        text[small] = f"<{threshold}"
        k, total = int(small.sum()), float(v[small].sum())
        if k and (k == 1 or total in (k, k * (threshold - 1))):
            rest = np.flatnonzero(v >= threshold)
            if rest.size:
                text[rest[np.argmin(v[rest])]] = WITHHELD
        mark = pd.Series(text, index=index, dtype=object)
        marks[col] = mark
        hidden |= mark.notna().to_numpy()
    if counts is not None:
        ref = pd.DataFrame(getattr(counts, "table", counts))
        if key not in ref.columns or key not in table.columns:
            raise ExportError(
                f"small-count suppression: both tables need a {key!r} column to be matched"
            )
        ref_plan = suppression_plan(ref, threshold, count_columns=count_columns)
        secret = set(ref.loc[ref_plan.hidden.to_numpy(), key].astype(str))
        hidden |= table[key].astype(str).isin(secret).to_numpy()
    return SuppressionPlan(marks, hidden, derived)


def _count_text(x: Any) -> str:
    if pd.isna(x):
        return ""
    return f"{x:.0f}" if float(x).is_integer() else f"{x}"


def suppress_small_counts(
    table: pd.DataFrame,
    threshold: int = 5,
    *,
    count_columns: Sequence[str] | None = None,
    derived_columns: Sequence[str] | None = None,
    counts: Any = None,
    key: str = "code",
) -> pd.DataFrame:
    """Hide small counts for publication: 1 .. threshold-1 become "<threshold".

    See :func:`suppression_plan` for what is hidden: small counts, a second count
    when the small ones could be worked out from the column total (shown as
    ``WITHHELD``), and on every row with a hidden count the figures derived from it
    (rate, change, share, p-value, rank ...), blanked.

    Parameters
    ----------
    table : DataFrame
        Not changed; a copy is returned (count columns become text).
    threshold : int
        5 is usual; 0 or 1 turns suppression off.
    count_columns, derived_columns, counts, key
        As for :func:`suppression_plan`.
    """
    out = table.copy()
    if threshold is None or threshold <= 1:
        return out
    plan = suppression_plan(
        table,
        threshold,
        count_columns=count_columns,
        derived_columns=derived_columns,
        counts=counts,
        key=key,
    )
    for col, mark in plan.marks.items():
        text = pd.to_numeric(out[col], errors="coerce").map(_count_text)
        out[col] = text.where(mark.isna(), mark)
    for col in plan.derived:
        out[col] = out[col].astype(object).where(~plan.hidden, "")
    return out


def write_csv(
    table: pd.DataFrame,
    path: str | os.PathLike,
    *,
    suppress_below: int = 0,
    columns: Sequence[str] | None = None,
    overwrite: bool = False,
    counts: Any = None,
) -> Path:
    """Write a table as CSV (UTF-8 with BOM, for Excel), atomically.

    Parameters
    ----------
    table : DataFrame or GeoDataFrame
        The geometry column is left out.
    path : path-like
        The ``.csv`` file.
    suppress_below : int
        For publication: counts 1 .. N-1 shown as "<N" (see
        :func:`suppress_small_counts`); 0 = off.
    columns : sequence of str, optional
        Columns to write, in order (default all but geometry). Suppression looks at
        the whole table first, so leaving the counts out does not reveal them.
    overwrite : bool
        Replace an existing file.
    counts : DataFrame or AreaStats, optional
        The counts behind a table that shows rates without counts (see
        :func:`suppression_plan`), matched on ``code``.

    Raises
    ------
    ExportError
        When the file exists (and ``overwrite`` is false), the folder is missing or a
        requested column is missing.
    """
    df = pd.DataFrame(table).copy()
    geom = getattr(table, "_geometry_column_name", None)
    df = df.drop(columns=[c for c in df.columns if c == geom or c == "geometry"], errors="ignore")
    if suppress_below:
        df = suppress_small_counts(df, suppress_below, counts=counts)
    if columns is not None:
        missing = [c for c in columns if c not in df.columns]
        if missing:
            raise ExportError(
                f"{path}: the table has no column {missing[0]!r}; available: "
                f"{', '.join(map(str, df.columns))}"
            )
        df = df[list(columns)]
    text = df.to_csv(index=False, lineterminator="\r\n")
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(text.encode("utf-8-sig"))
    return Path(path)


__all__ = [
    "COUNT_COLUMNS",
    "DERIVED_COLUMNS",
    "PARAMS_TABLE",
    "WITHHELD",
    "GpkgLayer",
    "SuppressionPlan",
    "density_class_polygons",
    "export_geopackage",
    "read_params",
    "result_layers",
    "result_params",
    "suppress_small_counts",
    "suppression_plan",
    "write_csv",
    "write_geopackage",
    "write_geotiff",
]
