"""Coordinates to British National Grid, with the checks police.uk data needs.

Works on numpy arrays (a pyproj transformer on whole arrays, no geometry objects),
which is what keeps a million-row load within a couple of seconds.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np
import pandas as pd
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from hotspot.core.errors import InputError

try:  # pragma: no cover - depends on the environment
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None

BNG = "EPSG:27700"
WGS84 = "EPSG:4326"

#: Longitude/latitude box around Great Britain (with Northern Ireland and islands).
LON_RANGE = (-9.5, 2.5)
LAT_RANGE = (49.5, 61.5)
#: Extent of the British National Grid, in metres.
EAST_RANGE = (0.0, 700_000.0)
NORTH_RANGE = (0.0, 1_300_000.0)


_LOCAL = threading.local()


def transformer(src: str, dst: str = BNG) -> Transformer:
    """A lon/lat-order transformer from ``src`` to ``dst``, cached per thread (readers
    run in worker threads of the window, and a transformer is best not shared)."""
    cache = getattr(_LOCAL, "transformers", None)
    if cache is None:
        cache = _LOCAL.transformers = {}
    key = (src, dst)
    if key not in cache:
        cache[key] = Transformer.from_crs(src, dst, always_xy=True)
    return cache[key]


def canonical_crs(crs: object, label: str) -> str:
    """Normalise a CRS given by the user or a file to ``"EPSG:n"`` (or WKT when no code).

    Raises
    ------
    InputError
        When the CRS cannot be understood.
    """
    try:
        c = CRS.from_user_input(crs)
    except (CRSError, TypeError, ValueError) as exc:
        raise InputError(
            f"{label}: {crs!r} is not a coordinate reference system Hotspot understands; "
            "give it as 'EPSG:27700' (British National Grid) or 'EPSG:4326' (longitude/latitude)"
        ) from exc
    epsg = c.to_epsg(min_confidence=70)
    return f"EPSG:{epsg}" if epsg else c.to_wkt()


def _arrow_float(s: pd.Series) -> np.ndarray | None:
    """Fast path for text columns of plain numbers (police.uk's Longitude/Latitude)."""
    if s.dtype != "str" or pa is None:
        return None
    try:
        arr = pa.array(s)
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            return None
        arr = pc.if_else(pc.equal(arr, ""), pa.scalar(None, arr.type), arr)
        return np.asarray(pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False), "float64")
    except (pa.ArrowException, ValueError, TypeError):
        return None


def to_float(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Numbers from a column.

    Returns
    -------
    numbers : ndarray
        float64, NaN where the value is empty or not a number.
    not_number : ndarray of bool
        Where a non-empty value is not a number.
    """
    s = pd.Series(values)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        num = s.to_numpy(dtype="float64", na_value=np.nan)
        return num, np.zeros(len(num), dtype=bool)
    num = _arrow_float(s)
    if num is not None:  # every value a plain number or empty: nothing to report
        return num, np.zeros(len(num), dtype=bool)
    num = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    not_number = np.isnan(num)
    if not_number.any():
        idx = np.flatnonzero(not_number)
        text = s.iloc[idx].astype(object).where(s.iloc[idx].notna(), "").astype(str).str.strip()
        not_number[idx] = (text != "").to_numpy()
    return num, not_number


def guess_crs(x: np.ndarray, y: np.ndarray, label: str, xname: str, yname: str) -> str:
    """Tell longitude/latitude from British National Grid by the typical (median) values.

    Raises
    ------
    InputError
        When the values are neither (the message says how to name the system).
    """
    ok = np.isfinite(x) & np.isfinite(y) & ~((x == 0) & (y == 0))
    if not ok.any():
        return WGS84  # nothing to place anyway; every row is reported as unusable
    mx, my = float(np.median(x[ok])), float(np.median(y[ok]))
    if LON_RANGE[0] <= mx <= LON_RANGE[1] and LAT_RANGE[0] <= my <= LAT_RANGE[1]:
        return WGS84
    if EAST_RANGE[0] < mx <= EAST_RANGE[1] and NORTH_RANGE[0] < my <= NORTH_RANGE[1]:
        return BNG
    raise InputError(
        f"{label}: cannot tell the coordinate system of columns {xname!r}/{yname!r} "
        f"(typical values {mx:g}, {my:g} are neither longitude/latitude in Britain nor "
        "British National Grid metres); name it with columns={'crs': 'EPSG:...'}"
    )


@dataclass(frozen=True)
class Placed:
    """Coordinates in British National Grid and why unusable rows cannot be placed."""

    x: np.ndarray
    y: np.ndarray
    missing: np.ndarray  # no coordinates at all
    outside: np.ndarray  # at 0,0 or outside Great Britain


def to_bng(x: np.ndarray, y: np.ndarray, crs: str) -> Placed:
    """Transform coordinates to EPSG:27700 and flag missing and implausible ones."""
    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    missing = np.isnan(x) | np.isnan(y)
    outside = ~missing & ((x == 0) & (y == 0) | ~np.isfinite(x) | ~np.isfinite(y))
    if crs == WGS84:
        outside |= ~missing & ~(
            (x >= LON_RANGE[0]) & (x <= LON_RANGE[1]) & (y >= LAT_RANGE[0]) & (y <= LAT_RANGE[1])
        )
    ex = np.full_like(x, np.nan)
    ny = np.full_like(y, np.nan)
    todo = ~missing & ~outside
    if crs == BNG:
        ex[todo], ny[todo] = x[todo], y[todo]
    elif todo.any():
        # transform each distinct location once: police.uk rows share map points
        codes, uniq = pd.factorize(x[todo] + 1j * y[todo])
        tx, ty = transformer(crs).transform(uniq.real, uniq.imag, errcheck=False)
        ex[todo] = np.asarray(tx)[codes]
        ny[todo] = np.asarray(ty)[codes]
    with np.errstate(invalid="ignore"):
        in_grid = (
            (ex >= EAST_RANGE[0])
            & (ex <= EAST_RANGE[1])
            & (ny >= NORTH_RANGE[0])
            & (ny <= NORTH_RANGE[1])
        )
    outside |= todo & ~in_grid
    return Placed(ex, ny, missing, outside)
