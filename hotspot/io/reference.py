"""Read a reference layer (roads, places, town centres, beats) into a :class:`ReferenceLayer`.

Any line, point or polygon file GDAL reads (GeoPackage, Shapefile, GeoJSON ...) loads, in
whatever coordinate system it states; everything comes out in British National Grid.
Fields are recognised by name:

* names: OS Open Roads ``name1`` (else ``roadNumber``, e.g. "A205"), OpenStreetMap
  ``name`` (else ``ref``), and ``name``, ``NAME``, ``road_name``, ``street``,
  ``tc_name``, ``town_centre``, ``beat`` ... (case ignored);
* classes: OS Open Roads ``roadClassification`` (older releases: ``class``),
  OpenStreetMap ``highway`` (Geofabrik extracts: ``fclass``), else ``type`` / ``kind``.

A file with no name field still loads (its features have no names and draw without
labels). A layer with more than ``HUGE_FEATURES`` features or ``HUGE_VERTICES`` vertices is
simplified for drawing (to ``SIMPLIFY_M`` metres) and a warning says so.
"""

from __future__ import annotations

from dataclasses import replace
from os import PathLike
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from hotspot.core.errors import InputError
from hotspot.core.progress import NO_PROGRESS, Progress
from hotspot.io._columns import norm
from hotspot.io._sources import guard, vector_layers
from hotspot.io.areas import to_british_grid
from hotspot.model.reference import ReferenceLayer, road_rank

HUGE_FEATURES = 100_000
HUGE_VERTICES = 2_000_000
SIMPLIFY_M = 3.0

NAME_FIELDS = (
    "name1",
    "name",
    "roadname",
    "road_name",
    "streetname",
    "street",
    "distname",
    "tcname",
    "tc_name",
    "towncentre",
    "town_centre",
    "sitename",
    "beat",
    "beatname",
    "label",
    "title",
)
"""Fields holding a feature's name, first found wins (compared without case or spaces)."""
NUMBER_FIELDS = ("roadnumber", "ref", "number")
"""Fields used as the name of a road with no name ("A205")."""
CLASS_FIELDS = ("roadclassification", "class", "highway", "fclass", "type", "kind", "category")
"""Fields holding a road class or feature type."""

_KINDS = {
    0: "points",
    1: "lines",
    2: "lines",
    3: "polygons",
    4: "points",
    5: "lines",
    6: "polygons",
}
_PREFERRED_LAYERS = ("road_link", "roadlink", "roads", "road", "lines")


def _pick_layer(path: Path, layer: str | None) -> str | None:
    layers = vector_layers(path)
    names = [str(n) for n, g in layers if g is not None and str(g) != "None"]
    if layer is not None:
        if layer not in [str(n) for n, _ in layers]:
            raise InputError(
                f"{path.name}: has no layer {layer!r}; its layers are: "
                + ", ".join(str(n) for n, _ in layers)
            )
        return layer
    if not names:
        raise InputError(f"{path.name}: holds no layer with shapes to draw")
    if len(names) == 1:
        return names[0]
    for want in _PREFERRED_LAYERS:  # OS Open Roads: road_link (not road_node)
        for n in names:
            if norm(n) == norm(want):
                return n
    return names[0]


def _field(columns: list[str], wanted: tuple[str, ...], given: str | None, what: str, p: Path):
    if given is not None:
        if given not in columns:
            raise InputError(
                f"{p.name}: {what}={given!r} is not a field of the layer; fields are: "
                f"{', '.join(columns)}"
            )
        return given
    lookup = {norm(c): c for c in columns}
    return next((lookup[norm(w)] for w in wanted if norm(w) in lookup), None)


def _text(values: pd.Series) -> pd.Series:
    return values.astype(object).where(values.notna(), "").astype(str).str.strip()


def read_reference(
    path: str | PathLike,
    *,
    layer: str | None = None,
    name_field: str | None = None,
    class_field: str | None = None,
    label: str | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    progress: Progress = NO_PROGRESS,
) -> ReferenceLayer:
    """Read a line, point or polygon file as a reference layer, in British National Grid.

    Parameters
    ----------
    path : path
        GeoPackage, Shapefile, GeoJSON (any format GDAL reads).
    layer : str, optional
        The layer of a multi-layer file (default: the road links of OS Open Roads, else
        the first layer with shapes).
    name_field, class_field : str, optional
        The fields holding names and road classes (recognised when omitted).
    label : str, optional
        What to call the layer (default: the file's name).
    bbox : tuple, optional
        ``(xmin, ymin, xmax, ymax)`` in British National Grid: only features touching it
        are read (a national road file read for one borough).
    progress : Progress, optional

    Returns
    -------
    ReferenceLayer

    Raises
    ------
    InputError
        When the file cannot be read, has no shapes, mixes kinds of shape it cannot split,
        or its coordinate system cannot be told.
    """
    p = Path(path).expanduser()
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    progress.update(0.0, f"Reading {p.name}")
    chosen = _pick_layer(p, layer)
    with guard(p.name, "a reference layer"):
        info = pyogrio.read_info(p, layer=chosen)
        window = _bbox_in_layer_crs(info, bbox) if bbox is not None else None
        gdf = pyogrio.read_dataframe(p, layer=chosen, use_arrow=True, bbox=window)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise InputError(f"{p.name}: holds a table without shapes; a reference layer needs shapes")
    progress.check_cancelled()
    with guard(p.name, "a reference layer"):
        ref = _build(gdf, p, name_field, class_field, label or p.stem.replace("_", " "), progress)
    total = int(info.get("features") or -1)
    if window is not None and total > len(gdf):
        note = (
            f"{len(gdf):,} of its {total:,} features read: those near the study area (a "
            "large file is read for the area analysed only)"
        )
        ref = replace(ref, notes=(*ref.notes, note), n_read=total)
    return ref


def _bbox_in_layer_crs(info: dict, bbox) -> tuple | None:
    """``bbox`` (BNG) in the layer's own coordinate system (None when it states none)."""
    crs = info.get("crs")
    if not crs:
        return None
    from pyproj import CRS, Transformer

    target = CRS.from_user_input(crs)
    if target.to_epsg() == 27700:
        return tuple(bbox)
    to = Transformer.from_crs(27700, target, always_xy=True)
    return tuple(to.transform_bounds(*bbox))


def _build(gdf, p: Path, name_field, class_field, label: str, progress: Progress):
    notes: list[str] = []
    warnings: list[str] = []
    n_read = len(gdf)
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        raise InputError(f"{p.name}: no feature has a shape; nothing to draw")
    if not present.all():
        warnings.append(f"{int((~present).sum()):,} features have no shape and were left out")
        gdf = gdf.loc[present].reset_index(drop=True)
    kinds = pd.Series(shapely.get_type_id(np.asarray(gdf.geometry.values))).map(_KINDS)
    counts = kinds.value_counts()
    if counts.empty:
        raise InputError(f"{p.name}: holds shapes Hotspot cannot draw (collections only)")
    geometry = str(counts.index[0])
    if len(counts) > 1 or kinds.isna().any():
        other = int((kinds != geometry).sum())
        warnings.append(
            f"the layer mixes kinds of shape; its {geometry} are drawn and {other:,} other "
            "features left out (save each kind as a layer of its own to draw them all)"
        )
        gdf = gdf.loc[(kinds == geometry).to_numpy()].reset_index(drop=True)
    gdf = gdf.rename_geometry("geometry") if gdf.geometry.name != "geometry" else gdf
    gdf = to_british_grid(gdf, p, notes)
    progress.update(0.5, f"Reading {p.name}")
    columns = [str(c) for c in gdf.columns if c != "geometry"]
    name_col = _field(columns, NAME_FIELDS, name_field, "name_field", p)
    number_col = _field(columns, NUMBER_FIELDS, None, "", p)
    class_col = _field(columns, CLASS_FIELDS, class_field, "class_field", p)
    names = _text(gdf[name_col]) if name_col else pd.Series("", index=gdf.index)
    if number_col is not None and number_col != name_col:
        number = _text(gdf[number_col])
        names = names.where(names != "", number)
    kind = _text(gdf[class_col]) if class_col else pd.Series("", index=gdf.index)
    found = [f"names from {name_col}" if name_col else "no name field (drawn without names)"]
    if number_col and number_col != name_col:
        found.append(f"road numbers from {number_col}")
    found.append(f"classes from {class_col}" if class_col else "no class field")
    notes.append(", ".join(found))
    if geometry == "lines":  # one lookup per distinct class, not per road
        codes, classes = pd.factorize(kind, sort=False)
        ranks = np.array([road_rank(c) for c in classes] + [4], dtype=np.int8)
        rank = pd.Series(ranks[codes], index=gdf.index)
    else:
        rank = pd.Series(4, index=gdf.index)
    originals = gdf.drop(columns="geometry").rename(
        columns={c: f"{c}_original" for c in columns if c in ("name", "kind", "rank")}
    )
    out = gpd.GeoDataFrame(
        pd.concat(
            [pd.DataFrame({"name": names, "kind": kind, "rank": rank.astype(np.int8)}), originals],
            axis=1,
        ),
        geometry=gdf.geometry.values,
        crs=gdf.crs,
    )
    vertices = int(shapely.get_num_coordinates(np.asarray(out.geometry.values)).sum())
    if geometry != "points" and (len(out) > HUGE_FEATURES or vertices > HUGE_VERTICES):
        progress.update(0.7, f"Simplifying {p.name}")
        simple = shapely.simplify(np.asarray(out.geometry.values), SIMPLIFY_M)
        after = int(shapely.get_num_coordinates(simple).sum())
        out = out.set_geometry(gpd.GeoSeries(simple, index=out.index, crs=out.crs))
        warnings.append(
            f"a large layer ({len(out):,} features, {vertices:,} vertices): simplified to "
            f"{SIMPLIFY_M:g} m for drawing ({after:,} vertices kept); the window and the "
            "interactive map draw only its more prominent roads where it is too dense for them"
        )
    progress.update(1.0, f"Read {p.name}")
    return ReferenceLayer(
        gdf=out.reset_index(drop=True),
        geometry=geometry,
        label=label,
        source=str(p),
        notes=tuple(notes),
        warnings=tuple(warnings),
        n_read=n_read,
    )


__all__ = ["HUGE_FEATURES", "HUGE_VERTICES", "SIMPLIFY_M", "read_reference"]
