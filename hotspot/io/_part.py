"""One parsed offence file, as every reader hands it to :func:`~hotspot.io._assemble.assemble`."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


@dataclass
class Part:
    """One parsed file.

    Attributes
    ----------
    frame : DataFrame
        The file's own columns, as read.
    fields : dict
        Canonical field -> column of ``frame`` holding it (or None).
    x, y : ndarray
        Raw coordinates (NaN when absent) in ``crs``.
    crs : str
        "EPSG:4326", "EPSG:27700" or another system pyproj understands.
    key : str or None
        Column whose repeats are duplicate records (None: no duplicate check).
    label : str
        The file, as shown in ``source_file``.
    bad_coords : int
        Non-empty coordinate values that are not numbers (reported as no coordinates).
    notes : list of str
        Anything the parser noticed.
    """

    frame: pd.DataFrame
    fields: dict[str, str | None]
    x: np.ndarray
    y: np.ndarray
    crs: str
    key: str | None
    label: str
    bad_coords: int = 0
    notes: list[str] = field(default_factory=list)
