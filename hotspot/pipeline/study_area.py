"""The study area: boundaries restricted to local authorities, and boundaries that overreach.

Two things keep maps and figures about the place the offences come from:

* :func:`restrict` keeps, in every boundary layer, only the areas of the local
  authorities the project names (``[selection] local_authorities = ["Lewisham"]``, by
  name or LAD code). Each area's local authority is read from the layer's own LAD
  fields (``LAD22CD``/``LAD22NM`` ...), from an ONS lookup loaded with the project
  (LSOA -> LAD, LSOA -> ward -> LAD), from the LSOA name ("Lewisham 001A"), or from
  the layer's own codes when it is a borough layer (``E09000023``). A layer with none of
  these (a ward file without LAD fields, a borough outline) keeps the areas lying mostly
  inside the areas kept in the other layers.
* :func:`coverage` and :func:`overreach_warnings` notice boundaries that extend far
  beyond the offences (fewer than 20% of the areas hold any offence, or the offences
  span less than 10% of the boundaries' extent) and say which local authorities hold
  the offences; :func:`map_frame` then gives the extent maps are framed on (the areas
  holding offences), so no map is framed by unused areas.

This module is Qt-free.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from hotspot.core.errors import ProjectError
from hotspot.model import AreaLayer

LAD_CODE = re.compile(r"^(E0[6-9]|W06|S12|N09)\d{6}$")
"""GSS codes of local authorities (unitary, district, metropolitan, London borough ...)."""
_LAD_CODE_FIELD = re.compile(r"^lad\d{2}cd$|^lad_code$", re.IGNORECASE)
_LAD_NAME_FIELD = re.compile(r"^lad\d{2}nm$|^lad_name$", re.IGNORECASE)
_LSOA_NAME = re.compile(r"^(?P<lad>.+?)\s+\d{3}[A-Z]$")

SPARSE_SHARE = 0.20
"""Boundaries overreach when fewer than this share of their areas hold any offence ..."""
SPARSE_EXTENT = 0.10
"""... or when the offences span less than this share of the boundaries' extent."""
_MIN_AREAS = 5  # below this, a share of areas says little
_KEEP_OVERLAP = 0.5  # a layer without LAD information keeps areas mostly inside the rest

ROLE_TITLES = {"wards": "ward", "lsoas": "LSOA", "study_area": "study-area outline"}


def _key(text: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).casefold().replace("&", " and ")).split())


# --------------------------------------------------------------------------- local authorities


def _lookup_table(workspace: Any) -> pd.DataFrame:
    """Area code -> (lad_code, lad_name) from the ONS lookups loaded (LSOAs of both
    vintages and wards)."""
    rows = []
    for lk in getattr(workspace, "lookups", ()):
        t = lk.table
        if "lad_code" not in t.columns and "lad_name" not in t.columns:
            continue
        for col in ("lsoa_code", "lsoa11_code", "lsoa21_code", "ward_code"):
            if col in t.columns:
                part = pd.DataFrame(
                    {
                        "area": t[col].astype(str),
                        "lad_code": t["lad_code"] if "lad_code" in t.columns else np.nan,
                        "lad_name": t["lad_name"] if "lad_name" in t.columns else np.nan,
                    }
                )
                rows.append(part)
    if not rows:
        return pd.DataFrame(columns=["lad_code", "lad_name"])
    table = pd.concat(rows, ignore_index=True).drop_duplicates("area")
    return table.set_index("area")[["lad_code", "lad_name"]]


def area_authorities(layer: AreaLayer, workspace: Any = None) -> pd.DataFrame:
    """The local authority of each area of ``layer``: columns ``lad_code``, ``lad_name``.

    Rows follow the layer's; an area whose authority cannot be told has both empty.
    """
    gdf = layer.gdf
    out = pd.DataFrame(
        {"lad_code": pd.Series(np.nan, index=gdf.index, dtype=object), "lad_name": np.nan},
        index=gdf.index,
    ).astype(object)
    codes = gdf["code"].astype(str)
    own = codes.str.match(LAD_CODE.pattern)
    if own.all():  # a borough layer: its areas are local authorities
        out["lad_code"] = codes
        out["lad_name"] = gdf["name"].astype(str)
        return out
    code_col = next((c for c in gdf.columns if _LAD_CODE_FIELD.match(str(c))), None)
    name_col = next((c for c in gdf.columns if _LAD_NAME_FIELD.match(str(c))), None)
    if code_col is not None:
        out["lad_code"] = gdf[code_col].astype(object)
    if name_col is not None:
        out["lad_name"] = gdf[name_col].astype(object)
    if code_col is None and name_col is None:
        table = _lookup_table(workspace) if workspace is not None else None
        if table is not None and len(table):
            found = table.reindex(codes.to_numpy())
            out["lad_code"] = found["lad_code"].to_numpy()
            out["lad_name"] = found["lad_name"].to_numpy()
    if layer.level == "lsoa":
        prefix = gdf["name"].astype(str).str.extract(_LSOA_NAME)["lad"]
        out["lad_name"] = out["lad_name"].where(out["lad_name"].notna(), prefix)
    return out


def _layers(workspace: Any, unrestricted: bool = True) -> list[tuple[str, AreaLayer]]:
    base = getattr(workspace, "unrestricted", None) if unrestricted else None
    areas, others = base if base is not None else (workspace.areas, workspace.other_areas)
    return [*areas.items(), *((f"other{i}", layer) for i, layer in enumerate(others))]


def local_authorities(workspace: Any) -> list[tuple[str, str]]:
    """Every local authority the loaded boundaries can be restricted to: (code, name) pairs.

    The code is "" when only the name is known (from LSOA names). Sorted by name; worked
    out once per workspace.
    """
    if "authorities" not in workspace.cache:
        workspace.cache["authorities"] = _authorities(workspace)
    return list(workspace.cache["authorities"])


def prepare(workspace: Any) -> Any:
    """Work out what the window asks about a workspace (authorities, coverage) ahead.

    Called on the loading thread, so that showing a freshly loaded project never waits
    for it. Returns the workspace.
    """
    local_authorities(workspace)
    coverage(workspace)
    return workspace


def _authorities(workspace: Any) -> list[tuple[str, str]]:
    found: dict[str, tuple[str, str]] = {}
    for _, layer in _layers(workspace):
        lads = area_authorities(layer, workspace).dropna(how="all")
        for code, name in lads.drop_duplicates().itertuples(index=False):
            code = "" if pd.isna(code) else str(code)
            name = "" if pd.isna(name) else str(name)
            key = _key(name) or code.casefold()
            old = found.get(key)
            if old is None or (not old[0] and code):
                found[key] = (code, name or code)
    return sorted(found.values(), key=lambda cn: cn[1].casefold())


def _match(requested: str, authorities: list[tuple[str, str]]) -> tuple[str, str] | None:
    want = requested.strip()
    for code, name in authorities:
        if (code and want.casefold() == code.casefold()) or _key(want) == _key(name):
            return code, name
    return None


def _describe(authorities: list[tuple[str, str]]) -> str:
    listed = [f"{n} ({c})" if c else n for c, n in authorities[:40]]
    more = f" and {len(authorities) - 40} more" if len(authorities) > 40 else ""
    return ", ".join(listed) + more


def resolve(workspace: Any, names: tuple[str, ...]) -> list[tuple[str, str]]:
    """The local authorities ``names`` (names or LAD codes) stand for.

    Raises
    ------
    ProjectError
        When a name matches no local authority of the boundaries (the message lists
        them), or the boundaries say nothing about local authorities.
    """
    known = local_authorities(workspace)
    if not known:
        raise ProjectError(
            "selection.local_authorities: the boundaries loaded say nothing about local "
            "authorities (no LAD code or name fields, no LSOA names like 'Lewisham 001A'); "
            "add the ONS 'LSOA (2021) to Ward to LAD' lookup or a borough boundaries layer, "
            "or leave local_authorities empty"
        )
    chosen = []
    for name in names:
        hit = _match(name, known)
        if hit is None:
            raise ProjectError(
                f"selection.local_authorities: {name!r} is not a local authority of the "
                f"boundaries loaded; they hold: {_describe(known)}"
            )
        if hit not in chosen:
            chosen.append(hit)
    return chosen


# --------------------------------------------------------------------------- restriction


def _in_chosen(lads: pd.DataFrame, chosen: list[tuple[str, str]]) -> np.ndarray:
    codes = {c.casefold() for c, _ in chosen if c}
    names = {_key(n) for _, n in chosen}
    by_code = lads["lad_code"].map(lambda v: isinstance(v, str) and v.casefold() in codes)
    by_name = lads["lad_name"].map(lambda v: isinstance(v, str) and _key(v) in names)
    return (by_code | by_name).to_numpy(bool)


def _mostly_inside(layer: AreaLayer, region: shapely.Geometry) -> np.ndarray:
    geoms = layer.gdf.geometry.to_numpy()
    area = shapely.area(geoms)
    inside = shapely.area(shapely.intersection(geoms, region))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(area > 0, inside / area, 0.0) >= _KEEP_OVERLAP


def _keep(layer: AreaLayer, mask: np.ndarray, label: str) -> AreaLayer:
    gdf = layer.gdf.loc[mask].reset_index(drop=True)
    note = f"restricted to {label}: {len(gdf):,} of {len(layer.gdf):,} areas kept"
    return dataclasses.replace(layer, gdf=gdf, notes=(*layer.notes, note))


def restrict(workspace: Any, names: tuple[str, ...] | list[str]) -> Any:
    """The workspace with every boundary layer restricted to local authorities.

    Parameters
    ----------
    workspace : Workspace
        As loaded (a workspace restricted before is restricted again from its full layers).
    names : sequence of str
        Local authority names or LAD codes; empty gives the full layers back.

    Returns
    -------
    Workspace
        A new workspace sharing the offences, tables and lookups; boundary layers
        restricted, derived tables recomputed when next asked for.

    Raises
    ------
    ProjectError
        When a name is not a local authority of the boundaries, or no area of any
        layer lies in them.
    """
    base = getattr(workspace, "unrestricted", None)
    areas, others = base if base is not None else (workspace.areas, workspace.other_areas)
    notes = [n for n in workspace.notes if not n.startswith("Study area: ")]
    if not names:
        return dataclasses.replace(
            workspace,
            areas=dict(areas),
            other_areas=list(others),
            unrestricted=None,
            notes=notes,
            cache={},
        )
    chosen = resolve(workspace, tuple(names))
    label = ", ".join(f"{n} ({c})" if c else n for c, n in chosen)
    layers = [*areas.items(), *((i, layer) for i, layer in enumerate(others))]
    masks: dict[Any, np.ndarray | None] = {}
    for key, layer in layers:
        lads = area_authorities(layer, workspace)
        masks[key] = _in_chosen(lads, chosen) if lads.notna().any(axis=None) else None
    kept = [
        layers[i][1].gdf.geometry.to_numpy()[m]
        for i, m in enumerate(masks.values())
        if m is not None and m.any()
    ]
    if not kept:
        raise ProjectError(
            f"selection.local_authorities: no area of the boundaries loaded lies in {label}"
        )
    region = shapely.union_all(shapely.make_valid(np.concatenate(kept)))
    new_areas: dict[str, AreaLayer] = {}
    new_others: list[AreaLayer] = []
    summary = []
    for key, layer in layers:
        mask = masks[key]
        if mask is None:
            mask = _mostly_inside(layer, region)
        what = ROLE_TITLES.get(key, "extra") if isinstance(key, str) else "extra"
        if not mask.any():
            summary.append(f"no {what} area lies in it, so that layer is left out")
            continue
        restricted = _keep(layer, mask, label)
        summary.append(f"{what} areas: {int(mask.sum()):,} of {len(mask):,} kept")
        if isinstance(key, str):
            new_areas[key] = restricted
        else:
            new_others.append(restricted)
    if "study_area" not in new_areas:
        singles = [layer for layer in new_others if len(layer.gdf) == 1]
        if len(singles) == 1 and singles[0].gdf["code"].astype(str).str.match(LAD_CODE).all():
            new_others.remove(singles[0])
            new_areas["study_area"] = singles[0]
    notes.append(f"Study area: {label}; " + "; ".join(summary))
    return dataclasses.replace(
        workspace,
        areas=new_areas,
        other_areas=new_others,
        unrestricted=(dict(areas), list(others)),
        notes=notes,
        cache={"authorities": local_authorities(workspace)},  # of the full layers
    )


# --------------------------------------------------------------------------- overreach


@dataclass(frozen=True)
class Coverage:
    """How well a boundary layer matches the offences.

    Attributes
    ----------
    role : str
        "wards" or "lsoas".
    areas : int
        Areas in the layer.
    holding : int
        Areas holding at least one offence (of every row loaded, stray points left out).
    extent_share : float
        Area of the offences' bounding box over that of the layer's.
    frame : tuple
        Bounds of the areas holding offences (and of the offences inside them).
    by_authority : dict
        Local authority name -> offences in its areas (empty when unknown).
    """

    role: str
    areas: int
    holding: int
    extent_share: float
    frame: tuple[float, float, float, float] | None
    by_authority: dict[str, int]

    @property
    def share(self) -> float:
        """Share of areas holding any offence."""
        return self.holding / self.areas if self.areas else 0.0

    @property
    def overreaches(self) -> bool:
        """Whether the boundaries extend far beyond the offences."""
        if self.areas < _MIN_AREAS or self.holding == 0:
            return False
        return self.share < SPARSE_SHARE or self.extent_share < SPARSE_EXTENT


def _box_area(b) -> float:
    return max(b[2] - b[0], 1.0) * max(b[3] - b[1], 1.0)


def coverage(workspace: Any) -> list[Coverage]:
    """The :class:`Coverage` of the ward and LSOA layers by every offence loaded (cached)."""
    if "coverage" in workspace.cache:
        return workspace.cache["coverage"]
    from hotspot.analysis.study_points import robust_extent_mask, unique_points
    from hotspot.maps.layers import union_bounds

    out: list[Coverage] = []
    offences = workspace.offences
    if offences is not None and len(offences.gdf):
        xy = shapely.get_coordinates(offences.gdf.geometry.to_numpy())
        xy = xy[robust_extent_mask(xy)]  # a few stray points do not set the frame
        uniq, inverse = unique_points(xy)
        weight = np.bincount(inverse.ravel(), minlength=len(uniq))
        points = shapely.points(uniq)
        pbox = (*uniq.min(axis=0), *uniq.max(axis=0))
        for role in ("lsoas", "wards"):
            layer = workspace.areas.get(role)
            if layer is None or not len(layer.gdf):
                continue
            polys = layer.gdf.geometry.to_numpy()
            tree = shapely.STRtree(polys)
            pt, area = tree.query(points, predicate="within")
            per_area = np.bincount(area, weights=weight[pt], minlength=len(polys))
            holding = per_area > 0
            lbox = tuple(layer.gdf.total_bounds)
            frame = None
            if holding.any():
                frame = union_bounds([shapely.total_bounds(polys[holding]), pbox])
            lads = area_authorities(layer, workspace)["lad_name"]
            by_lad = (
                pd.Series(per_area, index=lads.to_numpy())[lads.notna().to_numpy()]
                .groupby(level=0)
                .sum()
            )
            by_lad = by_lad[by_lad > 0].sort_values(ascending=False)
            out.append(
                Coverage(
                    role,
                    len(polys),
                    int(holding.sum()),
                    min(_box_area(pbox) / _box_area(lbox), 1.0),
                    frame,
                    {str(k): int(v) for k, v in by_lad.items()},
                )
            )
    workspace.cache["coverage"] = out
    return out


def _suggested(by_authority: dict[str, int]) -> list[str]:
    """The authorities holding at least 10% of the located offences (else the first)."""
    total = sum(by_authority.values())
    out = [name for name, n in by_authority.items() if n >= 0.10 * total][:5]
    return out or list(by_authority)[:1]


def overreach_warnings(workspace: Any, how: str = "[selection] local_authorities") -> list[str]:
    """Plain-English warnings for boundary layers that extend far beyond the offences.

    ``how`` names the option in the front end's words.
    """
    out = []
    for c in coverage(workspace):
        if not c.overreaches:
            continue
        what = ROLE_TITLES[c.role]
        suggested = _suggested(c.by_authority)
        if suggested:
            listed = ", ".join(f'"{n}"' for n in suggested)
            fix = f"Restrict the study area to the offences' local authority: {how} = [{listed}]"
        else:
            fix = (
                "Load boundaries of the offences' area only, or add the ONS lookup or a borough "
                f"layer so that {how} can restrict them"
            )
        out.append(
            f"The {what} boundaries reach far beyond the offences: only {c.holding:,} of "
            f"{c.areas:,} {what}s ({c.share:.1%}) hold any offence, and the offences span "
            f"{c.extent_share:.1%} of the boundaries' extent. Maps are framed on the areas "
            f"holding offences, but rates, rankings, correlation and the density and Gi* "
            f"study area still cover all {c.areas:,} {what}s. {fix}."
        )
    return out


def map_frame(workspace: Any) -> tuple[float, float, float, float] | None:
    """The extent maps are framed on when the boundaries overreach (None: frame as usual)."""
    from hotspot.maps.layers import union_bounds

    return union_bounds([c.frame for c in coverage(workspace) if c.overreaches and c.frame])


__all__ = [
    "LAD_CODE",
    "SPARSE_EXTENT",
    "SPARSE_SHARE",
    "Coverage",
    "area_authorities",
    "coverage",
    "local_authorities",
    "map_frame",
    "overreach_warnings",
    "prepare",
    "resolve",
    "restrict",
]
