"""No formulas in CSVs: text a spreadsheet would run gets a leading single quote (OWASP).

Covers the CSV writer (``rates_wards.csv`` and every table of ``hotspot run``) and
the window's "Copy" and "Save CSV" of a results table. Numbers, negative ones
included, stay numbers.
"""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest
from _outsec_corpus import FORMULA_NAMES

from hotspot.export import formula_safe, write_csv

NAMES = [*FORMULA_NAMES, "\tTabbed", "\rReturned", "Plain Ward", "-5", "+3.5%"]


def _rates() -> pd.DataFrame:
    n = len(NAMES)
    return pd.DataFrame(
        {
            "code": [f"E0590{i:04d}" for i in range(n)],
            "name": NAMES,
            "count": [10 + i for i in range(n)],
            "change": [-3, 4, -12, 0, 7, -1, 2, 5, -8, 6][:n],
            "pct_change": [-23.1, 40.0, -50.0, 0.0, 70.0, -9.1, 20.0, 45.5, -44.4, 60.0][:n],
            "change_label": ["-", "+", "=x", "", "@", "", "", "", "", ""][:n],
        }
    )


def _read(path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:  # line breaks kept as written
        return list(csv.DictReader(fh))


def test_rates_csv_neutralises_formulas_and_keeps_negative_numbers(tmp_path):
    path = write_csv(_rates(), tmp_path / "rates_wards.csv")
    rows = _read(path)
    names = [r["name"] for r in rows]
    assert names[: len(FORMULA_NAMES)] == ["'" + n for n in FORMULA_NAMES]
    assert names[len(FORMULA_NAMES) : len(FORMULA_NAMES) + 2] == ["'\tTabbed", "'\rReturned"]
    assert "Plain Ward" in names
    # a text cell that is just a number cannot be a formula: left as it is
    assert names[-2:] == ["-5", "+3.5%"]
    # numeric columns: the negative numbers are written as numbers, unquoted
    assert [r["change"] for r in rows] == [str(v) for v in _rates()["change"]]
    assert [float(r["pct_change"]) for r in rows] == list(_rates()["pct_change"])
    assert [r["change_label"] for r in rows][:3] == ["'-", "'+", "'=x"]


def test_suppressed_tables_are_formula_safe_too(tmp_path):
    table = _rates().assign(count=[2, 30, 40, 50, 60, 70, 80, 90, 100, 110][: len(NAMES)])
    path = write_csv(table, tmp_path / "t.csv", suppress_below=5)
    rows = _read(path)
    assert rows[0]["name"] == "'" + FORMULA_NAMES[0] and rows[0]["count"] == "<5"


def test_formula_safe_leaves_the_callers_table_and_numbers_alone():
    table = _rates()
    safe = formula_safe(table)
    assert table["name"].tolist() == NAMES  # not changed in place
    assert safe["change"].tolist() == table["change"].tolist()
    assert safe["change"].dtype == table["change"].dtype
    headed = formula_safe(pd.DataFrame({"=SUM(A1)": [1], "name": ["x"]}))
    assert list(headed.columns) == ["'=SUM(A1)", "name"]


def test_window_copy_and_save_are_formula_safe(qtbot, tmp_path):
    pytest.importorskip("PySide6.QtWidgets")
    from PySide6.QtGui import QGuiApplication

    from hotspot.ui.widgets.results_table import ResultsTable

    t = ResultsTable("wards")
    qtbot.addWidget(t)
    t.set_frame(_rates(), "Wards")
    t.copy()
    pasted = list(csv.DictReader(io.StringIO(QGuiApplication.clipboard().text()), delimiter="\t"))
    assert [r["name"] for r in pasted][: len(FORMULA_NAMES)] == ["'" + n for n in FORMULA_NAMES]
    assert [r["change"] for r in pasted] == [str(v) for v in _rates()["change"]]
    saved = t.save_csv(str(tmp_path / "wards.csv"))
    rows = _read(tmp_path / "wards.csv")
    assert saved and rows[0]["name"] == "'" + FORMULA_NAMES[0]
    assert rows[2]["change"] == "-12"
