"""Small helpers shared by the analysis declarations."""

from __future__ import annotations

from typing import Any

from hotspot.pipeline.analysis_spec import Missing


def needs_offences(workspace: Any) -> Missing | None:
    """Offence data, the first input of every analysis."""
    if workspace is None or workspace.offences is None:
        return Missing("offence data", "offences")
    return None


def warning_lines(result: Any, known: tuple[str, ...] = ()) -> list[str]:
    """A result's warnings, except those already said (e.g. the selection's)."""
    return [w for w in (getattr(result, "warnings", ()) or ()) if w not in known]


def plain(table: Any) -> Any:
    """A table without its geometry column."""
    columns = getattr(table, "columns", ())
    return table.drop(columns="geometry") if "geometry" in columns else table


def with_street_names(cells: Any, params: Any, offences: Any) -> Any:
    """Grid ``cells`` with a ``streets`` column: the two streets or places with most of the
    cell's offences (police.uk location names), "" where none is named."""
    from hotspot.analysis.cell_groups import grid_of_cells
    from hotspot.analysis.zone_names import cell_streets

    if not len(cells) or "location" not in getattr(offences, "columns", ()):
        return cells
    grid = grid_of_cells(cells, params.cell_size, params.shape)
    out = cells.copy()
    out["streets"] = cell_streets(grid, offences)
    return out


def with_ward_names(cells: Any, wards: Any) -> Any:
    """``cells`` with a ``ward`` column: the name of the ward holding each cell's centre.

    Cells whose centre lies in no ward (the edge of the study area) get the ward
    they overlap most, so every cell inside the borough has a name. Without ward
    boundaries the cells are returned unchanged.
    """
    import geopandas as gpd

    gdf = getattr(wards, "gdf", wards)
    if gdf is None or not len(cells) or "name" not in getattr(gdf, "columns", ()):
        return cells
    areas = gdf[["name", "geometry"]].to_crs(cells.crs).reset_index(drop=True)
    centres = gpd.GeoDataFrame(geometry=cells.geometry.representative_point(), crs=cells.crs)
    hit = gpd.sjoin(centres, areas, how="left", predicate="within")
    names = hit[~hit.index.duplicated(keep="first")]["name"].reindex(centres.index)
    lost = names.isna().to_numpy()
    if lost.any():
        pieces = gpd.overlay(
            gpd.GeoDataFrame({"_i": cells.index[lost]}, geometry=cells.geometry[lost].values),
            areas,
            how="intersection",
            keep_geom_type=True,
        )
        if len(pieces):
            pieces["_a"] = pieces.geometry.area
            best = pieces.sort_values("_a", ascending=False).drop_duplicates("_i")
            names.loc[best["_i"].to_numpy()] = best["name"].to_numpy()
    out = cells.copy()
    out["ward"] = names.to_numpy(dtype=object)
    return out
