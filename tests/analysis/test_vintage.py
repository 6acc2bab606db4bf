"""join_indicators: carrying LSOA values across the 2011/2021 boundary change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspot.analysis.errors import AnalysisError, VintageMismatchError
from hotspot.analysis.vintage import JoinReport, join_indicators
from hotspot.model import Indicators, Lookup

# A: unchanged; B split into B1, B2; C1 + C2 merged into C; D and E irregular
# (D -> D1, D2; E -> D2, E1), as the ONS lookup lists them.
LOOKUP = pd.DataFrame(
    {
        "lsoa11_code": ["A", "B", "B", "C1", "C2", "D", "D", "E", "E"],
        "lsoa21_code": ["A", "B1", "B2", "C", "C", "D1", "D2", "D2", "E1"],
        "change": ["U", "S", "S", "M", "M", "X", "X", "X", "X"],
    }
)


@pytest.fixture
def imd11() -> Indicators:
    table = pd.DataFrame(
        {
            "lsoa_code": ["A", "B", "C1", "C2", "D", "E"],
            "imd_score": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0],
            "imd_decile": [5, 4, 2, 3, 1, 2],
        }
    )
    return Indicators(table, kind="imd", vintage=2011, source="imd.csv", year=2019)


@pytest.fixture
def pop11() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lsoa_code": ["A", "B", "C1", "C2", "D", "E"],
            "population": [1500, 1600, 1000, 3000, 2000, 1000],
        }
    )


def _value(ind: Indicators, code: str, col: str) -> float:
    return float(ind.table.set_index("lsoa_code").at[code, col])


def test_without_a_lookup_a_vintage_mismatch_names_the_lookup_to_add(imd11):
    with pytest.raises(VintageMismatchError) as exc:
        join_indicators(imd11, 2021)
    msg = str(exc.value)
    assert "imd.csv" in msg and "2011" in msg and "2021" in msg
    assert "LSOA (2011) to LSOA (2021)" in msg and "lookup_lsoa11_lsoa21_lad22_ew.csv" in msg


def test_forward_join_rules_and_report(imd11, pop11):
    out, report = join_indicators(imd11, 2021, LOOKUP, Indicators(pop11, "population", 2011))
    assert isinstance(report, JoinReport)
    assert out.vintage == 2021
    assert sorted(out.table["lsoa_code"]) == ["A", "B1", "B2", "C", "D1", "D2", "E1"]
    # Unchanged and split areas inherit the parent's value.
    assert _value(out, "A", "imd_score") == 10.0
    assert _value(out, "B1", "imd_score") == _value(out, "B2", "imd_score") == 20.0
    # Merged: population-weighted mean (1000 * 30 + 3000 * 40) / 4000.
    assert _value(out, "C", "imd_score") == pytest.approx(37.5, rel=1e-12)
    # Decile of a merged area: weighted mean (2*1000 + 3*3000) / 4000 = 2.75, rounded to 3.
    assert _value(out, "C", "imd_decile") == 3
    # Irregular D2: parts D and E, each split in two, weights 2000/2 and 1000/2.
    assert _value(out, "D2", "imd_score") == pytest.approx((1000 * 50 + 500 * 60) / 1500)
    assert _value(out, "D1", "imd_score") == pytest.approx(50.0)
    methods = report.methods.set_index("code")["method"]
    assert methods["A"] == "direct"
    assert methods["B1"] == methods["B2"] == "inherited"
    assert methods["C"] == "merged"
    assert set(report.codes("approximated")) == {"D1", "D2", "E1"}
    assert (report.matched, report.carried, report.approximated, report.missing) == (1, 3, 3, 0)
    text = report.summary()
    assert "Matched directly (same code and boundary): 1" in text
    assert "Approximated" in text and "D2" in text


def test_merged_areas_take_the_plain_mean_without_population(imd11):
    out, report = join_indicators(imd11, 2021, LOOKUP)
    assert _value(out, "C", "imd_score") == pytest.approx(35.0)
    assert _value(out, "C", "imd_decile") == 3  # 2.5 rounds half up
    assert any("plain" in n and "mean" in n for n in report.notes)


def test_parts_without_values_are_approximated_or_missing(imd11):
    table = imd11.table.copy()
    table.loc[table["lsoa_code"] == "C2", ["imd_score", "imd_decile"]] = np.nan
    table = table[table["lsoa_code"] != "B"]  # B has no row at all
    ind = Indicators(table, kind="imd", vintage=2011, source="imd.csv")
    out, report = join_indicators(ind, 2021, LOOKUP, targets=["A", "B1", "B2", "C", "Z9"])
    assert list(out.table["lsoa_code"]) == ["A", "B1", "B2", "C", "Z9"]  # never dropped
    assert np.isnan(_value(out, "B1", "imd_score"))
    assert _value(out, "C", "imd_score") == 30.0  # the part that has a value
    methods = report.methods.set_index("code")
    assert methods.at["C", "method"] == "approximated"
    assert "C2" in methods.at["C", "reason"]
    assert set(report.codes("missing")) == {"B1", "B2", "Z9"}
    assert methods.at["Z9", "reason"] == "not in the lookup"
    assert "Areas without a value: B1, B2, Z9" in report.summary()


def test_codes_unknown_to_the_lookup_are_reported(imd11):
    table = pd.concat([imd11.table, pd.DataFrame({"lsoa_code": ["Q"], "imd_score": [1.0]})])
    out, report = join_indicators(Indicators(table, vintage=2011), 2021, LOOKUP)
    assert report.not_in_lookup == ("Q",)
    assert "Q" not in set(out.table["lsoa_code"])
    assert "not in the lookup: Q" in report.summary()


def test_backward_join_merges_split_children(pop11):
    table21 = pd.DataFrame(
        {
            "lsoa_code": ["A", "B1", "B2", "C", "D1", "D2", "E1"],
            "samhi_index": [0.1, 0.2, 0.6, 1.0, -1.0, 0.0, 1.0],
            "samhi_decile": [5.0, 6.0, 9.0, 8.0, 1.0, 4.0, 9.0],
        }
    )
    pop21 = pd.Series([1500, 600, 1000, 4000, 1000, 1000, 1000], index=table21["lsoa_code"])
    ind = Indicators(table21, kind="samhi", vintage=2021)
    out, report = join_indicators(ind, 2011, LOOKUP, pop21)
    # B (2011) is the union of B1 and B2: population-weighted mean.
    assert _value(out, "B", "samhi_index") == pytest.approx((600 * 0.2 + 1000 * 0.6) / 1600)
    assert _value(out, "B", "samhi_decile") == 8  # (6*600 + 9*1000)/1600 = 7.875 -> 8
    # C1 and C2 (2011) were merged into C: each inherits C's value.
    assert _value(out, "C1", "samhi_index") == _value(out, "C2", "samhi_index") == 1.0
    methods = report.methods.set_index("code")["method"]
    assert methods["B"] == "merged" and methods["C1"] == "inherited"
    assert {"D", "E"} <= set(report.codes("approximated"))


def test_round_trip_restores_unchanged_and_split_areas(imd11):
    forward, _ = join_indicators(imd11, 2021, LOOKUP)
    back, _ = join_indicators(forward, 2011, LOOKUP)
    for code in ("A", "B"):
        assert _value(back, code, "imd_score") == _value(imd11, code, "imd_score")


def test_counts_are_summed_on_merge_and_shared_on_split(imd11, pop11):
    ind = Indicators(pop11, kind="population", vintage=2011)
    out, report = join_indicators(ind, 2021, LOOKUP)
    assert _value(out, "C", "population") == 4000
    assert _value(out, "B1", "population") == _value(out, "B2", "population") == 800
    assert _value(out, "A", "population") == 1500
    assert any("equal share" in n for n in report.notes)
    # The total is kept where the change is exact.
    exact = out.table[out.table["lsoa_code"].isin(["A", "B1", "B2", "C"])]["population"].sum()
    assert exact == 1500 + 1600 + 1000 + 3000


def test_same_vintage_is_a_direct_join_that_lists_missing_targets(imd11):
    out, report = join_indicators(imd11, 2011, targets=["A", "B", "NEW"])
    assert list(out.table["lsoa_code"]) == ["A", "B", "NEW"]
    assert report.matched == 2 and report.codes("missing") == ("NEW",)
    # a row whose measures are all empty is not a match: it is listed as without a value
    table = imd11.table.copy()
    table.loc[table["lsoa_code"] == "B", ["imd_score", "imd_decile"]] = np.nan
    empty = Indicators(table, kind="imd", vintage=2011, source="imd.csv")
    _, report = join_indicators(empty, 2011, targets=["A", "B", "NEW"])
    assert report.matched == 1 and report.codes("missing") == ("B", "NEW")
    reasons = report.methods.set_index("code")["reason"]
    assert reasons["B"] == "no value in the table" and reasons["NEW"] == "code not in the table"
    assert len(report.methods) == 3  # every target accounted for


def test_lookup_objects_and_raw_ons_columns_are_accepted(imd11):
    raw = LOOKUP.rename(
        columns={"lsoa11_code": "LSOA11CD", "lsoa21_code": "LSOA21CD", "change": "CHGIND"}
    )
    a, _ = join_indicators(imd11, 2021, raw)
    b, _ = join_indicators(imd11, 2021, Lookup(LOOKUP, kind="lsoa11_lsoa21", source="l.csv"))
    pd.testing.assert_frame_equal(a.table, b.table)
    assert any("l.csv" in n for n in b.notes)
    with pytest.raises(AnalysisError, match="lsoa_ward"):
        join_indicators(imd11, 2021, Lookup(LOOKUP, kind="lsoa_ward"))


def test_vintage_is_inferred_from_the_codes_of_a_bare_table(imd11):
    out, report = join_indicators(imd11.table, 2021, LOOKUP)
    assert report.source_vintage == 2011
    assert _value(out, "B1", "imd_score") == 20.0


def test_input_table_is_not_modified(imd11, pop11):
    before = imd11.table.copy()
    join_indicators(imd11, 2021, LOOKUP, pop11)
    pd.testing.assert_frame_equal(imd11.table, before)


def test_duplicate_codes_are_refused(imd11):
    table = pd.concat([imd11.table, imd11.table.iloc[:1]])
    with pytest.raises(AnalysisError, match="more than once"):
        join_indicators(Indicators(table, vintage=2011), 2021, LOOKUP)
