"""The streets and places offences were recorded at, counted (police.uk location names).

police.uk names the anonymised map point of every offence: "On or near Lewisham High
Street", "On or near Supermarket". :func:`top_locations` counts the offences of an
area by that name, so a ward page can say where in the ward they happen.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from hotspot.analysis.errors import AnalysisError
from hotspot.model.places import place_names


def top_locations(
    offences: Any, area: Any = None, *, n: int = 5, column: str = "location"
) -> pd.DataFrame:
    """The ``n`` streets or places with most offences (in ``area`` when given).

    Parameters
    ----------
    offences : GeoDataFrame
        Offence points with a ``column`` of police.uk location names.
    area : shapely geometry, optional
        Only offences inside it (or on its edge) are counted; same CRS as the points.
    n : int
        How many names to give.
    column : str
        The column of location names.

    Returns
    -------
    pandas.DataFrame
        ``location`` and ``offences``, most offences first (ties by name); empty when
        the offences have no location names.
    """
    empty = pd.DataFrame({"location": pd.Series(dtype=object), "offences": pd.Series(dtype=int)})
    if offences is None or column not in getattr(offences, "columns", ()):
        return empty
    if n < 1:
        raise AnalysisError(f"top_locations: n = {n}; ask for at least one location")
    pts = offences
    if area is not None:
        pts = offences[offences.geometry.intersects(area)]
    names = pd.Series(place_names(pts[column]), index=pts.index)
    names = names[names != ""]
    if names.empty:
        return empty
    counts = names.value_counts()
    table = pd.DataFrame({"location": counts.index.astype(str), "offences": counts.to_numpy()})
    table = table.sort_values(["offences", "location"], ascending=[False, True], kind="stable")
    return table.head(n).reset_index(drop=True).astype({"offences": int})


__all__ = ["top_locations"]
