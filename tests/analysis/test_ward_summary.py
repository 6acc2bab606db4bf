"""Ward summaries from LSOAs: placing LSOAs in wards, figures, deciles, sentences."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from hotspot.analysis.errors import AnalysisError
from hotspot.analysis.rates import area_rates
from hotspot.analysis.ward_assignment import assign_to_wards
from hotspot.analysis.ward_deciles import DECILE_SCALES, decile_sentence, ward_decile_table
from hotspot.analysis.ward_summary import ward_summary
from hotspot.model import Indicators, Lookup

IMD, SAMHI = DECILE_SCALES


@pytest.fixture
def wards() -> gpd.GeoDataFrame:
    """West (x 0-200) and East (x 200-400)."""
    return gpd.GeoDataFrame(
        {"code": ["E05000001", "E05000002"], "name": ["West", "East"]},
        geometry=[box(0, 0, 200, 100), box(200, 0, 400, 100)],
        crs=27700,
    )


@pytest.fixture
def lsoas() -> gpd.GeoDataFrame:
    """L1, L2 in West; L3 straddles (40 m in West, 60 m in East); L4 in East."""
    return gpd.GeoDataFrame(
        {
            "code": ["L1", "L2", "L3", "L4"],
            "name": ["l1", "l2", "l3", "l4"],
            "count": [10, 20, 5, 15],
            "population": [1000.0, 1500.0, 500.0, 2000.0],
            "count_prev": [5, 20, 10, 15],
        },
        geometry=[
            box(0, 0, 80, 100),
            box(80, 0, 160, 100),
            box(160, 0, 260, 100),
            box(260, 0, 400, 100),
        ],
        crs=27700,
    )


@pytest.fixture
def deciles() -> Indicators:
    table = pd.DataFrame(
        {
            "lsoa_code": ["L1", "L2", "L3", "L4"],
            "imd_decile": [1, 2, 2, 7],
            "samhi_decile": [6.0, 7.0, 2.5, 10.0],
        }
    )
    return Indicators(table, kind="other", vintage=2021)


def test_lsoas_are_placed_by_largest_overlap_or_by_a_point_inside(lsoas, wards):
    by_overlap = assign_to_wards(lsoas, wards)
    assert by_overlap["ward_name"].tolist() == ["West", "West", "East", "East"]
    assert set(by_overlap["how"]) == {"overlap"}
    by_point = assign_to_wards(lsoas, wards, method="centroid")
    # representative point of L3 (x 160-260) is at its middle, x = 210: East.
    assert by_point["ward_name"].tolist() == ["West", "West", "East", "East"]


def test_lookup_first_then_location_for_lsoas_it_does_not_list(lsoas, wards):
    lookup = Lookup(
        pd.DataFrame(
            {
                "lsoa_code": ["L1", "L2", "L3"],
                "ward_code": ["E05000001"] * 3,
                "ward_name": ["West"] * 3,
            }
        ),
        kind="lsoa_ward",
    )
    out = assign_to_wards(lsoas, wards, lookup=lookup)
    assert out["ward_name"].tolist() == ["West", "West", "West", "East"]
    assert out["how"].tolist() == ["lookup", "lookup", "lookup", "overlap"]
    only = assign_to_wards(lsoas, lookup=lookup)
    assert only["how"].tolist()[-1] == "none"


def test_ward_figures_are_sums_of_their_lsoas(lsoas, wards, deciles):
    df = ward_summary(lsoas, wards=wards, indicators=deciles)
    df = df.set_index("Ward")
    assert df.loc["West", "Offences"] == 30 and df.loc["East", "Offences"] == 20
    assert df.loc["West", "Residents"] == 2500 and df.loc["East", "Residents"] == 2500
    assert df.loc["West", "Rate per 1,000 residents"] == pytest.approx(12.0)
    assert df.loc["East", "Rate per 1,000 residents"] == pytest.approx(8.0)
    assert df.loc["West", "Rank"] == 1 and df.loc["East", "Rank"] == 2
    assert df.loc["West", "Offences (previous period)"] == 25
    assert df.loc["West", "Change (%)"] == pytest.approx(20.0)
    assert df.loc["West", "LSOAs"] == 2
    assert df.loc["West", "IMD: LSOAs in the most deprived decile"] == 1
    assert df.loc["West", "IMD: LSOAs in deciles 1-2 (most deprived 20%)"] == 2
    assert df.loc["East", "SAMHI: LSOAs in deciles 9-10 (poorest mental health 20%)"] == 1
    # The fractional decile 2.5 counts as decile 3 (halves round up).
    assert (
        df.loc["East", "SAMHI deciles (decile: LSOAs; 10 = poorest mental health)"] == "3: 1, 10: 1"
    )
    west = df.loc["West", "Summary"]
    assert west.startswith("West: 30 offences (12.0 per 1,000 residents, the highest of 2 wards).")
    assert "1 of West's 2 LSOAs is in IMD decile 1 (the 10% most deprived" in west
    assert "All 2 of West's LSOAs are in SAMHI deciles 6-7 (the 30-50% of" in west
    assert df["Residents"].dtype.kind == "i"  # people, in whole numbers
    assert list(df.index) == ["West", "East"]  # highest rate first
    assert any("sums of their LSOAs" in n for n in df.attrs["notes"])


def test_ward_stats_give_the_figures_and_lsoas_the_profile(lsoas, wards, deciles):
    points = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([10, 20, 210, 220, 230], [50] * 5), crs=27700
    )
    ward_stats = area_rates(points, wards)
    df = ward_summary(lsoas, wards=wards, indicators=deciles, ward_stats=ward_stats).set_index(
        "Ward"
    )
    assert df.loc["East", "Offences"] == 3 and df.loc["West", "Offences"] == 2
    assert df.loc["East", "Rank"] == 1
    assert df.loc["East", "IMD: LSOAs in the most deprived decile"] == 0
    assert any("ward boundaries themselves" in n for n in df.attrs["notes"])


def test_decile_table_counts_every_lsoa(lsoas, wards, deciles):
    assignment = assign_to_wards(lsoas, wards)
    table = ward_decile_table(assignment, deciles, "imd_decile")
    assert table.loc["E05000001", 1] == 1 and table.loc["E05000001", 2] == 1
    assert table.loc["E05000002", 7] == 1
    assert int(table.to_numpy().sum()) == 4


def test_decile_sentences_read_like_a_needs_assessment():
    counts = pd.Series({5: 2, 6: 2, 7: 2, 8: 1})
    assert decile_sentence("Bellingham", counts, SAMHI) == (
        "4 of Bellingham's 7 LSOAs are in SAMHI deciles 6-7 (the 30-50% of neighbourhoods in "
        "England with the poorest mental health)."
    )
    counts = pd.Series({1: 1, 2: 4, 3: 2})
    assert decile_sentence("Bellingham", counts, IMD) == (
        "1 of Bellingham's 7 LSOAs is in IMD decile 1 (the 10% most deprived neighbourhoods in "
        "England); 6 are in IMD deciles 2-3 (the 10-30% most deprived neighbourhoods in England)."
    )
    assert "no IMD deciles" in decile_sentence("X", pd.Series({"unknown": 3}), IMD)


@pytest.mark.parametrize(
    ("scale", "counts", "says", "never"),
    [
        # Deptford on the real SAMHI table: deciles 1-2 are the best mental health, not a concern
        ("SAMHI", {1: 2, 2: 5, 5: 1}, "the 20% of neighbourhoods in England with the best", "poor"),
        ("SAMHI", {9: 3, 10: 1}, "with the poorest mental health", "best"),
        ("SAMHI", {10: 3}, "All 3 of W's LSOAs are in SAMHI decile 10 (the 10% of", "best"),
        ("IMD", {1: 3, 2: 1}, "the 10% most deprived neighbourhoods", "least"),
        ("IMD", {9: 3, 10: 2}, "the 20% least deprived neighbourhoods in England", "most"),
        ("IMD", {8: 2, 9: 2}, "the 10-30% least deprived", "most"),
        ("IMD", {5: 2, 6: 2}, "around the middle for England", "deprived neighbourhoods"),
    ],
)
def test_every_decile_sentence_says_which_end_of_its_scale_it_is(scale, counts, says, never):
    """IMD decile 1 is the most deprived, SAMHI decile 10 the poorest mental health: a
    sentence naming a decile says which, so the best is never read as the worst."""
    text = decile_sentence("W", pd.Series(counts), SAMHI if scale == "SAMHI" else IMD)
    assert says in text
    assert never not in text
    assert "= poorest" not in text and "= most deprived" not in text  # no bare scale notes


def test_lsoa_stats_without_counts_need_ward_stats(lsoas, wards):
    with pytest.raises(AnalysisError, match="ward_stats"):
        ward_summary(lsoas.drop(columns="count"), wards=wards)


def test_missing_population_leaves_the_ward_without_a_rate(lsoas, wards):
    lsoas = lsoas.assign(population=[1000.0, np.nan, 500.0, 2000.0])
    df = ward_summary(lsoas, wards=wards).set_index("Ward")
    assert np.isnan(df.loc["West", "Rate per 1,000 residents"])
    assert pd.isna(df.loc["West", "Rank"])
    assert any("no complete population" in n for n in df.attrs["notes"])


def test_indicators_of_another_vintage_are_refused(lsoas, wards, deciles):
    from hotspot.analysis.errors import VintageMismatchError
    from hotspot.model import AreaLayer

    layer = AreaLayer(lsoas, level="lsoa", vintage=2011)
    with pytest.raises(VintageMismatchError, match="join_indicators"):
        ward_summary(layer, wards=wards, indicators=deciles)


def test_a_ward_without_lsoas_is_kept_and_explained(lsoas, wards, deciles):
    # A small ward on the West/East boundary: it holds part of L3 but no LSOA's largest part.
    small = gpd.GeoDataFrame(
        {"code": ["E05000003"], "name": ["Middle"]}, geometry=[box(150, 0, 170, 100)], crs=27700
    )
    three = pd.concat([wards, small], ignore_index=True)
    df = ward_summary(lsoas, wards=three, indicators=deciles).set_index("Ward")
    assert list(df.index) == ["West", "East", "Middle"]  # never dropped; unranked ones last
    assert pd.isna(df.loc["Middle", "Offences"]) and pd.isna(df.loc["Middle", "Rank"])
    assert df.loc["Middle", "LSOAs"] == 0
    assert df.loc["Middle", "Summary"].startswith("Middle: no offence figures.")
    assert df.loc["West", "Offences"] == 30 and df.loc["West", "Rank"] == 1
    assert any("Middle" in n and "ward_stats=" in n for n in df.attrs["notes"])
