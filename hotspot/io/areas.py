"""Read area boundaries (wards, LSOAs, outlines) into an :class:`~hotspot.model.AreaLayer`.

The code and name fields, the level and the boundary year are recognised from the
catalogue of UK boundary products (``boundaries/catalogue.toml``); anything else with a
code-like and a name-like field loads too, its level told from the GSS code prefixes.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from hotspot.core.errors import InputError
from hotspot.io._catalogue import Catalogue, Product, catalogue
from hotspot.io._columns import find, norm
from hotspot.io._coords import BNG, EAST_RANGE, LAT_RANGE, LON_RANGE, NORTH_RANGE, WGS84
from hotspot.io._sources import check_shapefile, guard, vector_layers
from hotspot.model import AREA_LEVELS, AreaLayer

_POLYGON_TYPES = ("Polygon", "MultiPolygon", "Polygon Z", "MultiPolygon Z", "3D Polygon")
_POLYGONAL = (3, 6)  # shapely type ids of Polygon, MultiPolygon


def _layer(path: Path) -> str | None:
    layers = vector_layers(path)
    if len(layers) == 0:
        raise InputError(f"{path.name}: holds no layers; choose the file with the boundaries")
    if len(layers) == 1:
        return None
    polygons = [str(n) for n, g in layers if str(g) in _POLYGON_TYPES]
    if len(polygons) == 1:
        return polygons[0]
    listed = ", ".join(f"{n} ({g})" for n, g in layers)
    raise InputError(
        f"{path.name}: holds {len(layers)} layers ({listed}) and "
        f"{'none' if not polygons else len(polygons)} of them polygons; save the boundary "
        "layer on its own (e.g. in QGIS: Export > Save Features As) and load that file"
    )


def _plausible_crs(gdf: gpd.GeoDataFrame) -> str | None:
    xmin, ymin, xmax, ymax = gdf.total_bounds
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        return None
    if LON_RANGE[0] <= xmin and xmax <= LON_RANGE[1] and LAT_RANGE[0] <= ymin <= LAT_RANGE[1]:
        return WGS84
    if EAST_RANGE[0] <= xmin and xmax <= EAST_RANGE[1] and NORTH_RANGE[0] <= ymin <= ymax:
        return BNG if ymax <= NORTH_RANGE[1] else None
    return None


def _degrees(gdf: gpd.GeoDataFrame) -> bool:
    """Whether every coordinate could be a longitude/latitude (anywhere on Earth)."""
    xmin, ymin, xmax, ymax = gdf.total_bounds
    return bool(-180 <= xmin <= xmax <= 180 and -90 <= ymin <= ymax <= 90)


def to_british_grid(gdf: gpd.GeoDataFrame, path: Path, notes: list[str]) -> gpd.GeoDataFrame:
    """Areas in British National Grid, their stated or evident coordinate system resolved.

    A file stating no coordinate system is read in the one its coordinates show
    (longitude/latitude or British National Grid); a file claiming longitude/latitude
    while holding grid metres is read as British National Grid. Each such decision is
    added to ``notes``. Areas outside Great Britain are refused.

    Raises
    ------
    InputError
        When the coordinate system cannot be told, naming ``path``.
    """
    if gdf.crs is None:
        guess = _plausible_crs(gdf)
        if guess is None:
            raise InputError(
                f"{path.name}: has no coordinate reference system (for a shapefile, the "
                ".prj file is missing) and its coordinates are neither longitude/latitude "
                "nor British National Grid; set the layer's CRS in your GIS and save it again"
            )
        notes.append(f"the file states no coordinate system; its coordinates look like {guess}")
        gdf = gdf.set_crs(guess)
    elif gdf.crs.to_epsg() == 4326 and not _degrees(gdf) and _plausible_crs(gdf) == BNG:
        # GDAL reports every GeoJSON without a "crs" member as longitude/latitude, but
        # metres in the hundreds of thousands cannot be degrees
        notes.append(
            "the file says longitude/latitude but holds British National Grid metres; "
            "read as British National Grid (EPSG:27700)"
        )
        gdf = gdf.set_crs(BNG, allow_override=True)
    stated = gdf.crs.name
    if gdf.crs.to_epsg() != 27700:
        gdf = gdf.to_crs(BNG)
    _check_extent(gdf, path, stated)
    return gdf


def _check_extent(gdf: gpd.GeoDataFrame, path: Path, stated: str) -> None:
    """Refuse areas that do not lie in Great Britain once in British National Grid.

    Features without a shape are left to :func:`_repair`, which reports them.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if not present.any():
        return
    xmin, ymin, xmax, ymax = shapely.bounds(geoms[present]).T
    finite = np.isfinite(xmin) & np.isfinite(ymin) & np.isfinite(xmax) & np.isfinite(ymax)
    inside = (
        (xmin >= EAST_RANGE[0])
        & (xmax <= EAST_RANGE[1])
        & (ymin >= NORTH_RANGE[0])
        & (ymax <= NORTH_RANGE[1])
    )
    if not (finite & inside).all():
        raise InputError(
            f"{path.name}: {int((~(finite & inside)).sum())} of {int(present.sum())} areas do "
            f"not lie in Great Britain once converted from the file's coordinate system "
            f"({stated}) to British National Grid; the stated system is probably wrong: check "
            "it in your GIS (for a shapefile, the .prj file) and save the layer again"
        )


def _unique(gdf: gpd.GeoDataFrame, column: str) -> bool:
    values = gdf[column]
    return bool(values.notna().all() and values.is_unique)


def _match_product(
    gdf: gpd.GeoDataFrame, cat: Catalogue
) -> tuple[Product, str, str] | tuple[None, None, None]:
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    found = []
    for p in cat.products:
        code = find(columns, [norm(p.code_field)])
        name = find(columns, [norm(p.name_field)])
        if code is not None:
            found.append((p, code, name))
    if not found:
        return None, None, None
    unique = [f for f in found if _unique(gdf, f[1])] or found
    if len(gdf) == 1:  # a single outline: the coarsest product describes it
        order = {"other": 0, "ward": 1, "lsoa": 2}
        unique.sort(key=lambda f: order.get(f[0].level, 0))
    return unique[0]


def _level_from_codes(codes: pd.Series, cat: Catalogue) -> str:
    levels = codes.astype(str).str[:3].str.upper().map(cat.prefixes)
    if levels.notna().mean() >= 0.9 and levels.nunique() == 1:
        return str(levels.iloc[0])
    return "other"


def _repair(gdf: gpd.GeoDataFrame, path: Path, notes: list[str]) -> gpd.GeoDataFrame:
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        codes = ", ".join(map(str, gdf.loc[missing, "code"].head(5)))
        notes.append(f"{int(missing.sum())} areas have no shape and were left out ({codes})")
        gdf = gdf.loc[~missing].copy()
        geoms = geoms[~missing]
    types = shapely.get_type_id(geoms)
    if not np.isin(types, _POLYGONAL).all():
        bad = int(types[~np.isin(types, _POLYGONAL)][0])
        names = {0: "points", 1: "lines", 2: "lines", 4: "points", 5: "lines", 7: "mixed shapes"}
        if not (bad == 7 and np.isin(types, (*_POLYGONAL, 7)).all()):
            raise InputError(
                f"{path.name}: holds {names.get(bad, 'shapes')}, not areas; boundaries must "
                "be polygons (load offence points with read_offences instead)"
            )
    invalid = ~shapely.is_valid(geoms)
    collections = types == 7
    if invalid.any() or collections.any():
        fix = invalid | collections
        fixed = shapely.make_valid(geoms[fix])
        parts_only = []
        for g in fixed:
            if shapely.get_type_id(g) in _POLYGONAL:
                parts_only.append(g)
                continue
            polys = [p for p in shapely.get_parts(g) if shapely.get_type_id(p) in _POLYGONAL]
            parts_only.append(shapely.union_all(polys) if polys else shapely.Polygon())
        geoms = geoms.copy()
        geoms[fix] = parts_only
        gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
        codes = ", ".join(map(str, gdf.loc[fix, "code"].head(5)))
        notes.append(
            f"repaired {int(fix.sum())} invalid geometries (self-intersections and the like) "
            f"with shapely's make_valid: {codes}{' ...' if fix.sum() > 5 else ''}"
        )
    return gdf


def _identifying(column: str, cat: Catalogue) -> bool:
    key = norm(column.removesuffix("_original"))
    fields = {norm(f) for p in cat.products for f in (p.code_field, p.name_field)}
    return key in fields or key in cat.code_fields or key in cat.name_fields


def _expected_code_field(column: str, cat: Catalogue) -> str:
    """The code field that goes with an identifying field (WD22NM -> WD22CD)."""
    key = norm(column.removesuffix("_original"))
    for p in cat.products:
        if key in (norm(p.name_field), norm(p.code_field)):
            return p.code_field
    return "the areas' own code field (WD22CD, LSOA21CD ...)"


def _dissolve_repeats(
    gdf: gpd.GeoDataFrame, path: Path, code_field: str, notes: list[str], cat: Catalogue
) -> gpd.GeoDataFrame:
    """Merge features that repeat an area code (areas stored in pieces).

    Pieces of one area agree on every identifying field (names, other codes); features
    that share a code but differ in one are different areas: the code field is then not
    the areas' own code (a local-authority code on wards, say), and the file is refused
    rather than merged into one area.
    """
    if gdf["code"].is_unique:
        return gdf
    ident = [c for c in gdf.columns if c == "name" or (c != "code" and _identifying(c, cat))]
    ident = [c for c in ident if norm(c) != norm(code_field)]
    groups = gdf.groupby("code", sort=False)
    for col in ident:
        varies = groups[col].nunique(dropna=True)
        if (varies > 1).any():
            shared = int(groups.size()[varies > 1].sum())
            field = col if col != "name" else "the name field"
            expected = _expected_code_field(col, cat)
            raise InputError(
                f"{path.name}: field {code_field} gives the same code to {shared} features "
                f"that differ in {field}, so it is not each area's own code (it looks like "
                "the code of a larger area, such as the local authority). Hotspot expected "
                f"the field {expected}, which the file does not have; add it, or name the "
                "areas' code field with code_field="
            )
    n_before = len(gdf)
    merged = gdf.dissolve(by="code", as_index=False, aggfunc="first", sort=False)
    notes.append(
        f"{n_before - len(merged)} features repeated an area code (areas stored in pieces); "
        "the pieces of each area were merged"
    )
    return merged


def _boundary_file(p: Path) -> Path:
    """The file to read: ``p`` itself, or the one boundary file inside folder ``p``."""
    if not p.exists():
        raise InputError(f"{p}: no such file or folder; check the path")
    if not p.is_dir():
        return p
    files = sorted(
        f for f in p.iterdir() if f.suffix.lower() in (".shp", ".gpkg", ".geojson", ".fgb")
    )
    if len(files) != 1:
        raise InputError(
            f"{p}: the folder holds {len(files)} boundary files; choose the file itself"
        )
    return files[0]


def read_areas(
    path: str | PathLike,
    *,
    level: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
) -> AreaLayer:
    """Read area boundaries (GeoJSON, GeoPackage or Shapefile) in British National Grid.

    Parameters
    ----------
    path : path
        The boundary file (or a folder holding exactly one). A GeoPackage with several layers must have exactly one
        polygon layer (otherwise the error lists the layers).
    level : {"ward", "lsoa", "other"}, optional
        What the areas are; detected from the field names and codes when omitted.
    code_field, name_field : str, optional
        The fields holding the area code and name; detected when omitted (ONS names
        such as WD22CD/WD22NM, LSOA21CD/LSOA21NM, council variants, generic code/name).

    Returns
    -------
    AreaLayer
        ``gdf`` with ``code``, ``name``, ``geometry`` (EPSG:27700) then the original
        fields (one named ``code`` or ``name`` is kept as ``code_original`` /
        ``name_original``); ``level``; ``vintage`` (boundary year when known); ``notes``
        saying what was detected or repaired. A layer without a CRS (or a GeoJSON whose
        "longitude/latitude" values are plainly metres) is read in the system its
        coordinates make plain: longitude/latitude or British National Grid.

    Raises
    ------
    InputError
        When the file cannot be read, holds no polygons (or none with a code), no code
        field can be found, or the coordinate system cannot be told or puts the areas
        outside Great Britain.
    """
    p = _boundary_file(Path(path).expanduser())
    if level is not None and level not in AREA_LEVELS:
        raise InputError(f"level: {level!r} is not one of {', '.join(AREA_LEVELS)}")
    if p.suffix.lower() == ".shp":
        check_shapefile(p, p.name)
    layer = _layer(p)
    with guard(p.name, "boundaries"):
        gdf = pyogrio.read_dataframe(p, layer=layer)
    if not isinstance(gdf, gpd.GeoDataFrame) or gdf.geometry.name not in gdf.columns:
        raise InputError(f"{p.name}: holds a table without shapes; boundaries must be polygons")
    if len(gdf) == 0:
        raise InputError(f"{p.name}: the layer holds no areas")
    with guard(p.name, "boundaries"):
        return _build(gdf, p, level, code_field, name_field)


def _build(gdf, p, level, code_field, name_field) -> AreaLayer:
    cat = catalogue()
    notes: list[str] = []
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    product: Product | None = None
    for given, what in ((code_field, "code_field"), (name_field, "name_field")):
        if given is not None and given not in columns:
            raise InputError(
                f"{p.name}: {what}={given!r} is not a field of the layer; fields are: "
                f"{', '.join(map(str, columns))}"
            )
    if code_field is not None:
        code, name = code_field, name_field
        product = cat.by_code_field(code_field)
        if name is None and product is not None:
            name = find(columns, [norm(product.name_field)])
    else:
        product, code, name = _match_product(gdf, cat)
        if product is None:
            code = find(columns, cat.code_fields)
            name = find(columns, cat.name_fields)
        if name_field is not None:
            name = name_field
    if code is None:
        raise InputError(
            f"{p.name}: no field looks like an area code (expected WD22CD, WD23CD, "
            f"LSOA11CD, LSOA21CD, code ...); fields are: {', '.join(map(str, columns))}. "
            "Pass code_field= (and name_field=)"
        )
    if product is not None:
        notes.append(f"recognised as {product.title} (fields {code}, {name or 'no name'})")
    else:
        notes.append(f"area codes from field {code}, names from {name or 'no field'}")
    codes = gdf[code].astype(object).where(gdf[code].notna(), "").astype(str).str.strip()
    if name is None:
        names = codes.copy()
        notes.append("no name field found: codes are used as names; pass name_field=")
    else:
        names = gdf[name].astype(object).where(gdf[name].notna(), "").astype(str).str.strip()
    empty = codes == ""
    if empty.any():
        notes.append(f"{int(empty.sum())} areas have no code and were left out")
    geom_name = gdf.geometry.name
    originals = gdf.drop(columns=geom_name)
    originals = originals.rename(
        columns={c: f"{c}_original" for c in originals.columns if c in ("code", "name")}
    )
    out = pd.concat([pd.DataFrame({"code": codes, "name": names}), originals], axis=1)
    out = gpd.GeoDataFrame(out, geometry=gdf.geometry.values, crs=gdf.crs)
    out = out.rename_geometry("geometry") if out.geometry.name != "geometry" else out
    out = out.loc[~empty.to_numpy()].reset_index(drop=True)
    out = to_british_grid(out, p, notes)
    out = _repair(out, p, notes)
    if len(out) == 0:
        raise InputError(
            f"{p.name}: no area has both a code (field {code}) and a shape; check that the "
            "layer holds the boundaries, or name the code field with code_field="
        )
    out = _dissolve_repeats(out, p, code, notes, cat)
    if level is None:
        level = product.level if product is not None else _level_from_codes(out["code"], cat)
    vintage = product.vintage if product is not None else None
    if level in ("ward", "lsoa") and len(out) == 1:
        notes.append(
            "the layer holds a single area: if it is an outline, load it with level='other'"
        )
    cols = ["code", "name", *[c for c in out.columns if c not in ("code", "name", "geometry")]]
    out = out[[*cols, "geometry"]]
    return AreaLayer(
        gdf=out.reset_index(drop=True),
        level=level,
        vintage=vintage,
        source=str(p),
        notes=tuple(notes),
    )
