"""The kernel density surface as a GeoTIFF (EPSG:27700, nodata set, parameters as tags)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from hotspot.core.atomic import atomic_path
from hotspot.core.errors import ExportError
from hotspot.export.params import result_params

BNG = "EPSG:27700"
GEOTIFF_NODATA = -9999.0

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
