"""The data containers readers produce: offences, areas, context tables, lookups (all in EPSG:27700)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from hotspot.model.period import Period
from hotspot.model.report import LoadReport, printable

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from hotspot.model.taxonomy import OffenceGroup

# --------------------------------------------------------------------------- data


def _printable_notes(obj) -> None:
    """Notes are one line each, whatever names from the file they quote."""
    object.__setattr__(obj, "notes", tuple(printable(n) for n in obj.notes))


#: The canonical columns every reader gives offences, in order (then the original columns).
OFFENCE_COLUMNS: tuple[str, ...] = (
    "crime_id",
    "month",
    "category",
    "location",
    "lsoa_code",
    "lsoa_name",
    "outcome",
    "source_file",
)


_SELECTIONS_KEPT = 4


@dataclass(frozen=True)
class OffenceData:
    """Offence points in British National Grid, with the report of how they were read.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        Canonical columns ``crime_id`` (text), ``month`` (datetime64, first day of month),
        ``category`` (police.uk CSV name), ``location``, ``lsoa_code``, ``lsoa_name``,
        ``outcome``, ``source_file`` (these six categorical: a few thousand distinct values
        over a million rows cost a byte or two a row), then the file's other columns;
        point geometry in EPSG:27700 (offences at one map point share one point object).
    report : LoadReport
        How every row read was used.
    """

    gdf: gpd.GeoDataFrame
    report: LoadReport
    _selections: dict = field(default_factory=dict, init=False, repr=False, compare=False)
    _monthly: list = field(default_factory=list, init=False, repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.gdf)

    def select(
        self,
        group: OffenceGroup | None = None,
        period: Period | None = None,
    ) -> OffenceData:
        """Return the offences of ``group`` within ``period`` (both optional).

        The load report is kept: it describes the source, not the selection. Only the
        selected rows are copied; when every row is selected the table is shared, not
        copied (pandas copy-on-write keeps it safe from changes either way). The last few
        selections are remembered, so the analyses of one run share them.
        """
        every = group is None or group.every_row
        key = (
            None if every else tuple(sorted(group.categories)),
            (period.start, period.end) if period is not None else None,
        )
        if key in self._selections:
            return self._selections[key]
        mask = np.ones(len(self.gdf), dtype=bool)
        if not every:
            mask &= self.gdf["category"].isin(group.categories).to_numpy()
        if period is not None:
            mask &= period.contains(self.gdf["month"]).to_numpy(dtype=bool)
        chosen = OffenceData(self.gdf if mask.all() else self.gdf[mask], self.report)
        if len(self._selections) >= _SELECTIONS_KEPT:
            # the window may select on two threads at once: either may drop the oldest
            with contextlib.suppress(KeyError, StopIteration, RuntimeError):
                self._selections.pop(next(iter(self._selections)))
        self._selections[key] = chosen
        return chosen

    def category_counts(self, period: Period | None = None) -> dict[str, int]:
        """Rows per category (within ``period`` when given); "(no category)" for empty ones."""
        cats = self.gdf["category"]
        if period is not None:
            cats = cats[period.contains(self.gdf["month"])]
        counts = cats.value_counts(dropna=False)
        return {("(no category)" if pd.isna(k) else str(k)): int(v) for k, v in counts.items()}

    def months(self) -> list[pd.Timestamp]:
        """Distinct months present, sorted."""
        return list(self._month_by_category().index)

    def monthly_counts(self, group: OffenceGroup | None = None) -> pd.Series:
        """Rows per month present (sorted), of ``group``'s categories or of every row.

        Counted once per table (months by categories), so a new group or period costs
        nothing however many rows there are.
        """
        table = self._month_by_category()
        if group is None or group.every_row:
            return table.sum(axis=1).astype(np.int64)
        wanted = [c for c in table.columns if c in set(group.categories)]
        return table[wanted].sum(axis=1).astype(np.int64)

    def _month_by_category(self) -> pd.DataFrame:
        if not self._monthly:
            pairs = pd.DataFrame({"month": self.gdf["month"], "category": self.gdf["category"]})
            table = (
                pairs.groupby(["month", "category"], observed=True, dropna=False)
                .size()
                .unstack("category", fill_value=0)
            )
            self._monthly.append(table[table.index.notna()].sort_index())
        return self._monthly[0]

    @property
    def last_month(self) -> pd.Timestamp | None:
        """The latest month present, or ``None`` when there are no offences."""
        if self.gdf.empty:
            return None
        return pd.Timestamp(self.gdf["month"].max())


AREA_LEVELS = ("ward", "lsoa", "other")


@dataclass(frozen=True)
class AreaLayer:
    """Polygons with a code and a name, in British National Grid.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        Columns ``code``, ``name``, ``geometry`` (then the original columns).
    level : str
        "ward", "lsoa" or "other" (a borough outline, a beat, ...).
    vintage : int or None
        Boundary year (2011, 2021, 2022 ...) when detectable.
    source : str
        The file read.
    notes : tuple of str
        What the reader did (geometries repaired, fields detected ...).
    """

    gdf: gpd.GeoDataFrame
    level: str = "other"
    vintage: int | None = None
    source: str = ""
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _printable_notes(self)

    @property
    def label(self) -> str:
        """Short description, e.g. "wards (2022), 19 areas"."""
        kind = {"ward": "wards", "lsoa": "LSOAs", "other": "areas"}[self.level]
        vintage = f" ({self.vintage})" if self.vintage else ""
        return f"{kind}{vintage}, {len(self.gdf)} areas"


INDICATOR_KINDS = ("imd", "samhi", "population", "other")


@dataclass(frozen=True)
class Indicators:
    """A table of measures keyed by LSOA code.

    Attributes
    ----------
    table : pandas.DataFrame
        Column ``lsoa_code`` then one column per measure (``imd_score``,
        ``imd_decile``, ``samhi_index``, ``samhi_decile``, ``population`` ...).
    kind : str
        "imd", "samhi", "population" or "other".
    vintage : int or None
        LSOA vintage of the codes (2011 or 2021).
    source : str
        The file read.
    year : int or None
        The year the measures describe (SAMHI 2022, population mid-2019 ...).
    notes : tuple of str
        What the reader did.
    """

    table: pd.DataFrame
    kind: str = "other"
    vintage: int | None = None
    source: str = ""
    year: int | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _printable_notes(self)

    @property
    def measures(self) -> list[str]:
        """The measure columns (everything but ``lsoa_code``)."""
        return [c for c in self.table.columns if c != "lsoa_code"]


LOOKUP_KINDS = ("lsoa11_lsoa21", "lsoa_ward")


@dataclass(frozen=True)
class Lookup:
    """A code lookup between geographies.

    Attributes
    ----------
    table : pandas.DataFrame
        For ``kind="lsoa11_lsoa21"``: ``lsoa11_code``, ``lsoa21_code``, ``change``
        (U unchanged, S split, M merged, X irregular). For ``kind="lsoa_ward"``:
        ``lsoa_code``, ``ward_code``, ``ward_name``.
    kind : str
        "lsoa11_lsoa21" or "lsoa_ward".
    source : str
        The file read.
    lsoa_vintage, ward_vintage : int or None
        Vintages of the codes (lsoa_ward lookups).
    notes : tuple of str
        What the reader did.
    """

    table: pd.DataFrame
    kind: str
    source: str = ""
    lsoa_vintage: int | None = None
    ward_vintage: int | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _printable_notes(self)
