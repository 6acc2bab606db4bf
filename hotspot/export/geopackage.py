"""GIS and data exports: GeoPackage, GeoTIFF and CSV files that QGIS, ArcGIS and Excel open.

Usage (``hotspot run`` and the window's Export dialog)::

    from hotspot import export
    export.export_geopackage("results.gpkg", kde=kde, gistar=gi, rates=stats,
                             bivariate=biv, extra={"wards": wards.gdf}, overwrite=force)
    export.write_geotiff(kde, "kde.tif", overwrite=force)
    export.write_csv(stats.table, "ward_rates.csv", suppress_below=5, overwrite=force)

Every writer goes through :mod:`hotspot.core.atomic`: the file is written under a temporary
name beside the target and renamed when complete, so a failed or cancelled export
leaves nothing behind; an existing file is replaced only with ``overwrite=True``
(else :class:`~hotspot.core.errors.ExportError`). Writers that take a while accept
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

The GeoPackage follows the same rule (``write_geopackage(..., suppress_below=5)``):
hidden counts and the figures derived from them are empty (NULL) and a
``suppressed`` column says why. Only ``exact_counts=True``, asked for separately,
keeps every count; each layer's description then says that the file holds counts
below the threshold and is for internal use only.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.export.disclosure import publishable
from hotspot.export.params import PARAMS_TABLE, plain_value, result_params

BNG = "EPSG:27700"

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
    counts : DataFrame or AreaStats, optional
        For a layer that shows rates without counts (Gi* of LSOA rates, bivariate
        LSOA values): the table with the counts behind them, matched on ``code``, so
        that small-count suppression hides the same areas as in the count tables.
    """

    name: str
    gdf: Any
    params: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    counts: Any = None


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
                out[col] = s.map(lambda v: json.dumps(plain_value(v)) if v is not None else None)
            elif not s.map(lambda v: v is None or isinstance(v, str)).all():
                out[col] = s.map(lambda v: None if v is None else str(v))
        elif pd.api.types.is_timedelta64_dtype(s):
            out[col] = s.astype(str)
    out.columns = [c if c == geom else str(c) for c in out.columns]
    return out


def _disclosure_note(suppress_below: int, exact_counts: bool) -> str:
    if not suppress_below or suppress_below <= 1:
        return ""
    if exact_counts:
        return (
            f"EXACT COUNTS: this layer keeps counts from 1 to {suppress_below - 1}, which the "
            "other outputs suppress. For internal use only: do not publish or share this file."
        )
    return (
        f"Small counts suppressed: counts from 1 to {suppress_below - 1}, a count that would "
        "reveal them, and the figures derived from them are empty (NULL); the 'suppressed' "
        "column says why."
    )


def _describe(layer: GpkgLayer, note: str = "") -> str:
    text = layer.description or f"Hotspot layer {layer.name}"
    if note:
        text += "\n" + note
    if layer.params:
        text += "\nParameters (JSON): " + json.dumps(layer.params, ensure_ascii=False)
    return text


def write_geopackage(
    path: str | os.PathLike,
    layers: Sequence[GpkgLayer] | Mapping[str, Any],
    *,
    overwrite: bool = False,
    progress: Progress = NO_PROGRESS,
    suppress_below: int = 0,
    exact_counts: bool = False,
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
    suppress_below : int
        For publication: counts 1 .. N-1 (and what would recover them) are left
        empty, as in the CSV tables (:func:`hotspot.export.publishable`); 0 = off.
    exact_counts : bool
        Keep every count although ``suppress_below`` is set (a file for internal
        use); every layer's description says so.

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
    hide = 0 if exact_counts else suppress_below
    frames = [
        _writable_frame(publishable(item.gdf, hide, counts=item.counts, text=False), n)
        for item, n in zip(items, names, strict=True)
    ]
    note = _disclosure_note(suppress_below, exact_counts)
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
                layer_options={"DESCRIPTION": _describe(item, note), "IDENTIFIER": item.name},
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

    th = result.hotspot_thresholds()
    cls = np.maximum(result.classes(), 0).astype(np.int16)
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
                "units": result.units,
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
    counts: Any = None,
) -> list[GpkgLayer]:
    """GeoPackage layers for whichever results are given.

    ``kde`` -> ``kde_hotspot_classes`` (polygons of the k x mean classes; the surface
    itself goes to GeoTIFF), ``gistar`` -> ``gistar_cells``, ``rates`` ->
    ``area_rates``, ``bivariate`` -> ``bivariate_local``; ``extra`` adds any other
    GeoDataFrames (wards, hot spot zones, selected offences ...) under their names.
    ``counts`` (the area table with the counts behind the bivariate rates) lets
    small-count suppression hide the bivariate layer's rates of small areas.
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
                counts=counts,
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
    suppress_below: int = 0,
    exact_counts: bool = False,
) -> Path:
    """Write every given result (and ``extra`` layers) to one GeoPackage.

    See :func:`result_layers` for the layer names and :func:`write_geopackage` for
    the errors and for ``suppress_below`` and ``exact_counts``.
    """
    layers = result_layers(
        kde=kde, gistar=gistar, rates=rates, bivariate=bivariate, extra=extra, counts=rates
    )
    return write_geopackage(
        path,
        layers,
        overwrite=overwrite,
        progress=progress,
        suppress_below=suppress_below,
        exact_counts=exact_counts,
    )
