"""Offence points in vector files: GeoPackage, GeoJSON, Shapefile (and what GDAL reads).

The attributes are matched to the canonical fields by name like a CSV's columns; the
point geometry gives the coordinates. A layer without a coordinate system is taken as
longitude/latitude or British National Grid when its values make that plain.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import shapely

from hotspot.core.errors import InputError
from hotspot.io._part import Part
from hotspot.io._policeuk_csv import offence_part
from hotspot.io._sources import Member, check_shapefile

_POINTS = ("Point", "MultiPoint", "Point Z", "MultiPoint Z", "Point M", "Point ZM", "Unknown")


def gdal_path(member: Member) -> str:
    """A path GDAL can open, reading zip members in place (``/vsizip/``, within the
    member's size limits) and compressed files through ``/vsigzip/`` and the like."""
    if member.on_disk:
        return str(member.path)
    if member.inner is None:
        raise InputError(
            f"{member.label}: compressed points files are not read; uncompress it (or put "
            "it in a zip archive) and load it again"
        )
    member.check_size()
    if (
        member.compression is not None
        or member.archive is not None
        and member.archive.filename != str(member.path)
    ):
        raise InputError(
            f"{member.label}: a points file inside a zip inside a zip (or compressed inside "
            "a zip) is not read; unzip the outer archive and load the file"
        )
    return f"/vsizip/{member.path}/{member.inner}"


def point_layer(path: str, label: str) -> str | None:
    """The layer to read: the only one, or the only point layer among several."""
    layers = pyogrio.list_layers(path)
    if len(layers) <= 1:
        return None
    points = [name for name, gtype in layers if gtype in _POINTS[:-1]]
    if len(points) == 1:
        return str(points[0])
    listed = ", ".join(f"{n} ({g})" for n, g in layers)
    raise InputError(
        f"{label}: holds {len(layers)} layers ({listed}) and Hotspot cannot tell which holds "
        "the offences; save that layer on its own and load it"
    )


def coordinates(geoms: np.ndarray, label: str) -> tuple[np.ndarray, np.ndarray]:
    """x, y of point geometries (NaN for missing or empty ones).

    Raises
    ------
    InputError
        When the layer holds lines or polygons.
    """
    types = shapely.get_type_id(geoms)
    multi = types == 4
    if multi.any():
        geoms = geoms.copy()
        geoms[multi] = shapely.get_geometry(geoms[multi], 0)
        types = shapely.get_type_id(geoms)
    bad = (types != 0) & (types != -1) & ~shapely.is_empty(geoms)
    if bad.any():
        kind = shapely.get_type_id(geoms[bad][0])
        names = {1: "lines", 2: "lines", 3: "polygons", 5: "lines", 6: "polygons", 7: "mixed"}
        raise InputError(
            f"{label}: holds {names.get(int(kind), 'shapes')}, not points; offences must be "
            "points (load boundaries as areas instead)"
        )
    x = shapely.get_x(geoms)
    y = shapely.get_y(geoms)
    return np.asarray(x, dtype="float64"), np.asarray(y, dtype="float64")


def vector_part(member: Member, overrides: Mapping[str, str]) -> Part:
    """Parse one vector file of offence points into a :class:`Part`."""
    if member.suffix == ".shp":
        siblings = member.archive.namelist() if member.archive is not None else None
        folder = (
            member.inner.rsplit("/", 1)[0] + "/" if member.inner and "/" in member.inner else ""
        )
        if siblings is not None:
            siblings = [n for n in siblings if n.startswith(folder)]
        check_shapefile(Path(member.inner or member.path), member.label, siblings)
    path = gdal_path(member)
    layer = point_layer(path, member.label)
    gdf = pyogrio.read_dataframe(path, layer=layer)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    x, y = coordinates(np.asarray(gdf.geometry.values, dtype=object), member.label)
    return offence_part(
        frame,
        x,
        y,
        crs=overrides.get("crs") or gdf.crs,
        axes=("geometry x", "geometry y"),
        overrides=overrides,
        label=member.label,
    )
