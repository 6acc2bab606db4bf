"""Memory per loaded offence: each value held once, repetitive text as categoricals, and
selections that share the table instead of copying it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspot.io import read_offences
from hotspot.model import Period
from hotspot.model.taxonomy import all_groups

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
CATEGORIES = ("Anti-social behaviour", "Burglary", "Drugs", "Robbery", "Vehicle crime")


@pytest.fixture(scope="module")
def police_csv(tmp_path_factory):
    """20,000 police.uk rows on 2,000 map points, 12 months, realistic repetition."""
    rng = np.random.default_rng(11)
    n = 20_000
    point = rng.integers(0, 2000, n)
    cat = np.asarray(CATEGORIES)[rng.integers(0, len(CATEGORIES), n)]
    ids = [f"{v:064x}" for v in rng.integers(0, 2**62, n)]
    lines = [HEADER]
    for i in range(n):
        cid = "" if cat[i] == CATEGORIES[0] else ids[i]
        p = point[i]
        lines.append(
            f"{cid},2024-{1 + i % 12:02d},Metropolitan Police Service,Metropolitan Police "
            f"Service,{-0.1 + (p % 50) * 1e-3:.6f},{51.4 + (p // 50) * 1e-3:.6f},"
            f"On or near Street {p // 4},E0100{p % 900:04d},Lewisham {p % 900:03d}A,{cat[i]},"
            f"{'' if not cid else 'Under investigation'},"
        )
    path = tmp_path_factory.mktemp("memory") / "2024-12-metropolitan-street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_each_value_is_held_once_and_repetitive_text_as_categories(police_csv):
    data = read_offences(police_csv)
    gdf = data.gdf
    for col in ("category", "location", "lsoa_code", "lsoa_name", "outcome", "source_file"):
        assert isinstance(gdf[col].dtype, pd.CategoricalDtype), col
    # the columns the canonical ones were made from are not kept beside them
    for original in ("Crime ID", "Month", "Location", "LSOA code", "LSOA name", "Crime type"):
        assert original not in gdf.columns
    per_row = gdf.memory_usage(deep=True).sum() / len(gdf)
    plain = pd.read_csv(police_csv, dtype=str)  # the file as pandas holds it
    assert per_row <= 150  # a 64-character Crime ID, a month, coordinates and a few codes
    assert per_row < 0.5 * plain.memory_usage(deep=True).sum() / len(plain)
    # the values are those of the file
    assert gdf["location"].astype(str).tolist() == plain["Location"].tolist()[: len(gdf)]


def test_categorical_columns_behave_as_text_downstream(police_csv):
    data = read_offences(police_csv)
    assert set(data.report.categories) == set(CATEGORIES)  # no zero-count categories listed
    acquisitive = data.select(all_groups()["Acquisitive crime"])
    assert set(acquisitive.gdf["category"].astype(str)) == {"Burglary", "Robbery", "Vehicle crime"}
    assert acquisitive.gdf["category"].value_counts()[lambda v: v > 0].size == 3
    one = data.select(period=Period.months_to("2024-03", 1))
    assert set(one.gdf["month"].dt.strftime("%Y-%m")) == {"2024-03"}
    assert one.gdf["location"].str.startswith("On or near").all()


def test_selecting_shares_the_table_instead_of_copying_it(police_csv):
    data = read_offences(police_csv)
    everything = data.select(period=Period.months_to("2024-12", 12))
    assert everything.gdf is data.gdf  # every row selected: nothing copied
    part = data.select(period=Period.months_to("2024-06", 3))
    assert 0 < len(part) < len(data)
    assert data.select(period=Period.months_to("2024-06", 3)) is part  # asked again: the same
    before = data.gdf["location"].copy()
    part.gdf.loc[part.gdf.index[0], "outcome"] = np.nan  # a careless caller changes its copy
    pd.testing.assert_series_equal(data.gdf["location"], before)
    assert data.gdf["outcome"].notna().sum() > 0


def test_repeated_crime_ids_are_found_as_pandas_finds_them(tmp_path):
    """Duplicates among fixed-width IDs (hashed in place) and among IDs of other lengths
    (Arrow's dictionary), across files, against pandas' own ``duplicated``."""
    rng = np.random.default_rng(5)
    files, expected = [], []
    for month, odd in ((1, False), (2, False), (3, True)):
        ids = [f"{v:064x}" for v in rng.integers(0, 1500, 1000)]
        ids = [("" if rng.random() < 0.1 else i) for i in ids]
        if odd:
            ids = [i[:10] if rng.random() < 0.2 and i else i for i in ids]
        lines = [HEADER] + [
            f"{i},2024-{month:02d},M,M,-0.1,51.4,On or near X,E01000001,L 001A,Drugs,," for i in ids
        ]
        path = tmp_path / f"2024-{month:02d}" / f"2024-{month:02d}-met-street.csv"
        path.parent.mkdir()
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files.append(path)
        expected.extend(ids)
    ids = pd.Series(expected).replace("", np.nan)
    want = int((ids.duplicated() & ids.notna()).sum())
    for source in (tmp_path / "2024-01", tmp_path):  # fixed width only; then mixed widths
        data = read_offences(source)
        n = len(data.gdf) + data.report.dropped.get("duplicate record", 0)
        sub = ids[:n]
        assert data.report.dropped.get("duplicate record", 0) == int(
            (sub.duplicated() & sub.notna()).sum()
        )
    assert data.report.dropped["duplicate record"] == want
