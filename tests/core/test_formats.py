"""Figures rounded to what each measure deserves, the same in the window, CSVs and briefing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from hotspot.core.formats import column_format, column_order, csv_value, display, p_value_text
from hotspot.export import readable_table


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("count", 784.0, "784"),  # never "784.0 offences"
        ("population", 13212.0, "13,212"),
        ("Residents", 13212.0, "13,212"),
        ("rate", 59.33999394489857, "59.3"),
        ("Rate per 1,000 residents", 59.67422743187699, "59.7"),
        ("share", 0.0897, "9.0%"),
        ("share_offences", 0.0004, "< 0.1%"),
        ("p_value", 4.639e-25, "< 0.001"),
        ("q_value", 0.04213, "0.042"),
        ("change", 78.0, "+78"),
        ("change", -82.0, "\u221282"),
        ("pct_change", 11.048158640226628, "+11.0%"),
        ("gi_z", 4.2137, "4.21"),
        ("change_flag", True, "Yes"),
        ("label", "Hot spot, 99% confidence", "Hot spot, 99% confidence"),
        ("count", "<5", "<5"),  # a suppressed count stays as it is
        ("rate", np.nan, ""),
        ("cell_id", 3760, "3760"),
        ("something_else", 733.9683011357772, "734"),
        ("something_else", 0.011496978291171025, "0.0115"),
    ],
)
def test_each_measure_is_shown_as_it_deserves(column, value, shown):
    assert display(column, value) == shown


def test_csv_values_are_rounded_numbers_or_readable_text():
    assert csv_value("population", 13212.0) == 13212 and isinstance(
        csv_value("population", 13212.0), int
    )
    assert csv_value("rate", 59.33999394489857) == 59.3
    assert csv_value("share", 0.0897) == "9.0%"
    assert csv_value("p_value", 4.639e-25) == "< 0.001"
    assert csv_value("change_p", 0.004848768891357195) == "0.005"
    assert csv_value("pai", 4.780728338262436) == 4.8
    assert csv_value("unknown", 0.22458468614982535) == 0.225
    assert csv_value("count", "<5") == "<5"
    assert p_value_text(0.0009999) == "< 0.001"


def test_report_headers_of_the_ward_summary_are_recognised():
    assert column_format("Rate per 10,000 residents").kind == "rate"
    assert column_format("IMD: LSOAs in the most deprived decile").kind == "count"
    assert column_format("Change (%)").kind == "percent"


def test_places_and_offences_come_first_and_grid_numbers_last():
    cols = ["cell_id", "row", "col", "n", "gi_z", "p_value", "q_value", "gi_bin", "label", "ward"]
    assert column_order(cols) == [
        "ward",
        "n",
        "label",
        "gi_z",
        "p_value",
        "q_value",
        "gi_bin",
        "cell_id",
        "row",
        "col",
    ]
    zones = ["zone_id", "share", "offences", "location", "streets", "wards"]  # a later table
    assert column_order(zones)[:5] == ["zone_id", "location", "streets", "wards", "offences"]


def test_readable_table_sorts_on_the_full_values_and_rounds_every_float():
    cells = pd.DataFrame(
        {
            "cell_id": [1, 2, 3],
            "n": [0.0, 12.0, 30.0],
            "gi_z": [-0.55528, 3.20001, 3.20002],
            "p_value": [0.578, 0.00137, 1e-25],
            "ward": ["Ladywell", "Deptford", "Lewisham Central"],
        }
    )
    out = readable_table(cells, sort=("gi_z", False))
    assert list(out.columns) == ["ward", "n", "gi_z", "p_value", "cell_id"]
    assert list(out["ward"]) == ["Lewisham Central", "Deptford", "Ladywell"]  # 3.20002 first
    assert list(out["p_value"]) == ["< 0.001", "0.001", "0.578"]
    text = out.to_csv(index=False)
    assert "30.0" not in text and "3.20002" not in text and ",30," in text
