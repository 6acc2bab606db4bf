"""The data containers readers produce: offences, areas, context tables, lookups (all in EPSG:27700)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from hotspot.model.period import Period
from hotspot.model.report import LoadReport

if TYPE_CHECKING:  # pragma: no cover
    import geopandas as gpd

    from hotspot.model.taxonomy import OffenceGroup

# --------------------------------------------------------------------------- data


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


@dataclass(frozen=True)
class OffenceData:
    """Offence points in British National Grid, with the report of how they were read.

    Attributes
    ----------
    gdf : geopandas.GeoDataFrame
        Canonical columns ``crime_id``, ``month`` (datetime64, first day of month),
        ``category`` (police.uk CSV name), ``location``, ``lsoa_code``, ``lsoa_name``,
        ``outcome``, ``source_file``, then every original column; point geometry in
        EPSG:27700.
    report : LoadReport
        How every row read was used.
    """

    gdf: gpd.GeoDataFrame
    report: LoadReport

    def __len__(self) -> int:
        return len(self.gdf)

    def select(
        self,
        group: OffenceGroup | None = None,
        period: Period | None = None,
    ) -> OffenceData:
        """Return the offences of ``group`` within ``period`` (both optional).

        The load report is kept: it describes the source, not the selection.
        """
        mask = pd.Series(True, index=self.gdf.index)
        if group is not None and not group.every_row:
            mask &= self.gdf["category"].isin(group.categories)
        if period is not None:
            mask &= period.contains(self.gdf["month"])
        return OffenceData(self.gdf.loc[mask].copy(), self.report)

    def category_counts(self, period: Period | None = None) -> dict[str, int]:
        """Rows per category (within ``period`` when given); "(no category)" for empty ones."""
        cats = self.gdf["category"]
        if period is not None:
            cats = cats[period.contains(self.gdf["month"])]
        counts = cats.value_counts(dropna=False)
        return {("(no category)" if pd.isna(k) else str(k)): int(v) for k, v in counts.items()}

    def months(self) -> list[pd.Timestamp]:
        """Distinct months present, sorted."""
        return sorted(pd.to_datetime(self.gdf["month"]).dropna().unique())

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
