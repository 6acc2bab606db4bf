"""LSOAs assigned to wards: through a lookup, by the largest overlap, or by a point inside.

"lookup"
    A ward lookup (``lsoa_code``, ``ward_code``, ``ward_name``), e.g. the ONS LSOA
    (2021) to ward lookup; LSOAs it does not list are placed by overlap when ward
    boundaries are given, else reported as without a ward.
"overlap" (default without a lookup)
    Each LSOA goes to the ward that covers the largest part of its area.
"centroid"
    Each LSOA goes to the ward containing a point inside it
    (``representative_point``, which always lies inside the LSOA).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from hotspot.analysis._area_inputs import area_input
from hotspot.analysis.errors import AnalysisError

ASSIGN_METHODS = ("auto", "lookup", "overlap", "centroid")


def _lookup_frame(lookup: Any) -> pd.DataFrame:
    table = lookup.table if hasattr(lookup, "table") else lookup
    kind = getattr(lookup, "kind", None)
    if kind is not None and kind != "lsoa_ward":
        raise AnalysisError(
            f"lookup ({getattr(lookup, 'source', '') or kind}): a {kind!r} lookup cannot place "
            "LSOAs in wards; give an LSOA to ward lookup (lsoa_code, ward_code, ward_name)"
        )
    if not isinstance(table, pd.DataFrame):
        raise AnalysisError(f"lookup: expected a Lookup or a DataFrame, got {type(table).__name__}")
    missing = [c for c in ("lsoa_code", "ward_code") if c not in table.columns]
    if missing:
        raise AnalysisError(
            f"lookup: no {', '.join(missing)} column (columns are "
            f"{', '.join(map(str, table.columns))}); an LSOA to ward lookup needs lsoa_code, "
            "ward_code and ward_name"
        )
    out = table[["lsoa_code", "ward_code"]].astype(str).copy()
    out["ward_name"] = table["ward_name"] if "ward_name" in table.columns else out["ward_code"]
    return out.drop_duplicates("lsoa_code")


def assign_to_wards(
    lsoas: Any,
    wards: Any = None,
    *,
    lookup: Any = None,
    method: str = "auto",
) -> pd.DataFrame:
    """Say which ward each LSOA belongs to.

    Parameters
    ----------
    lsoas : AreaLayer, GeoDataFrame or DataFrame
        LSOAs with ``code`` (and geometry, for "overlap" and "centroid").
    wards : AreaLayer or GeoDataFrame, optional
        Ward polygons with ``code`` and ``name`` (EPSG:27700).
    lookup : Lookup or DataFrame, optional
        LSOA to ward lookup (``lsoa_code``, ``ward_code``, ``ward_name``).
    method : {"auto", "lookup", "overlap", "centroid"}
        "auto" uses the lookup when given, else "overlap".

    Returns
    -------
    pandas.DataFrame
        ``lsoa_code``, ``ward_code``, ``ward_name``, ``how`` ("lookup", "overlap",
        "centroid" or "none"), in the order of ``lsoas``.
    """
    if method not in ASSIGN_METHODS:
        raise AnalysisError(f"method: {method!r} is not one of {', '.join(ASSIGN_METHODS)}")
    if method == "auto":
        method = "lookup" if lookup is not None else "overlap"
    if method == "lookup" and lookup is None:
        raise AnalysisError("method='lookup' needs lookup= (an LSOA to ward lookup)")
    if method != "lookup" and wards is None:
        raise AnalysisError(
            f"method={method!r} needs the ward boundaries (wards=), or give an LSOA to ward lookup"
        )
    table = lsoas.gdf if hasattr(lsoas, "gdf") else getattr(lsoas, "table", lsoas)
    if "code" not in table.columns:
        raise AnalysisError("lsoas: no 'code' column with the LSOA codes")
    codes = table["code"].astype(str).to_numpy()
    out = pd.DataFrame(
        {"lsoa_code": codes, "ward_code": pd.NA, "ward_name": pd.NA, "how": "none"},
        index=table.index,
    ).astype({"ward_code": object, "ward_name": object})
    todo = np.ones(len(out), dtype=bool)
    if method == "lookup":
        lk = _lookup_frame(lookup).set_index("lsoa_code")
        hit = out["lsoa_code"].isin(lk.index).to_numpy()
        out.loc[hit, "ward_code"] = lk.loc[out.loc[hit, "lsoa_code"], "ward_code"].to_numpy()
        out.loc[hit, "ward_name"] = lk.loc[out.loc[hit, "lsoa_code"], "ward_name"].to_numpy()
        out.loc[hit, "how"] = "lookup"
        todo = ~hit
        if wards is None or not todo.any():
            return out.reset_index(drop=True)
        method = "overlap"
    w = area_input(wards, what="wards")
    if getattr(table, "geometry", None) is None or not hasattr(table, "crs"):
        raise AnalysisError(f"lsoas: placing LSOAs in wards by {method} needs their boundaries")
    idx = _locate(table.geometry.to_numpy()[todo], w.gdf.geometry.to_numpy(), method)
    rows = np.flatnonzero(todo)
    ok = idx >= 0
    out.iloc[rows[ok], out.columns.get_loc("ward_code")] = w.gdf["code"].to_numpy()[idx[ok]]
    out.iloc[rows[ok], out.columns.get_loc("ward_name")] = w.gdf["name"].to_numpy()[idx[ok]]
    out.iloc[rows[ok], out.columns.get_loc("how")] = method
    return out.reset_index(drop=True)


def _locate(polys: np.ndarray, wards: np.ndarray, method: str) -> np.ndarray:
    import shapely

    out = np.full(len(polys), -1, dtype=np.int64)
    if not len(polys):
        return out
    tree = shapely.STRtree(wards)
    if method == "centroid":
        pts = shapely.point_on_surface(polys)
        pi, wi = tree.query(pts, predicate="intersects")
        order = np.lexsort((wi, pi))
        pi, wi = pi[order], wi[order]
        first = np.r_[True, pi[1:] != pi[:-1]] if len(pi) else np.zeros(0, bool)
        out[pi[first]] = wi[first]
        return out
    pi, wi = tree.query(polys, predicate="intersects")
    if not len(pi):
        return out
    area = shapely.area(shapely.intersection(polys[pi], wards[wi]))
    frame = pd.DataFrame({"p": pi, "w": wi, "a": area})
    best = frame.sort_values(["p", "a", "w"], ascending=[True, False, True]).drop_duplicates("p")
    best = best[best["a"] > 0]
    out[best["p"].to_numpy()] = best["w"].to_numpy()
    return out


__all__ = ["ASSIGN_METHODS", "assign_to_wards"]
