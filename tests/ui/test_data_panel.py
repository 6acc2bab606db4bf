"""Data panel: load report, months, offence groups and the period."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from hotspot.model import LoadReport, OffenceData, SelectionParams
from hotspot.ui.panels.data import LATEST, DataPanel


def _offences() -> OffenceData:
    months = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-02-01", "2024-03-01", "2024-03-01"])
    cats = ["Robbery", "Burglary", "Violence and sexual offences", "Robbery", "Drugs"]
    gdf = gpd.GeoDataFrame(
        {"month": months, "category": cats},
        geometry=[Point(530000 + i * 10, 180000) for i in range(5)],
        crs="EPSG:27700",
    )
    report = LoadReport(
        source="test.csv",
        rows_read=7,
        rows_kept=5,
        dropped={"no coordinates": 2},
        months=("2024-01", "2024-02", "2024-03"),
        categories={c: cats.count(c) for c in set(cats)},
    )
    return OffenceData(gdf, report)


def test_report_and_months_are_shown_newest_first(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.set_offences(_offences())
    assert "Rows read: 7" in panel.report.toPlainText()
    assert "no coordinates: 2" in panel.report.toPlainText()
    items = [panel.end.itemText(i) for i in range(panel.end.count())]
    assert items == [LATEST, "March 2024", "February 2024", "January 2024"]


def test_period_label_and_selected_count_follow_the_controls(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.set_offences(_offences())
    panel.set_selection(SelectionParams(months=2), {})
    text = panel.period_label.text()
    assert "2 months to March 2024" in text
    assert "Compared with: 2 months to January 2024" in text
    # Serious violence = violence + robbery + weapons: Feb violence, Mar robbery
    assert "Offences selected: 2" in text
    with qtbot.waitSignal(panel.selection_changed) as blocker:
        panel.end.setCurrentIndex(panel.end.findData("2024-02"))
    selection, groups = blocker.args
    assert selection == SelectionParams(end="2024-02", months=2)
    assert groups == {}


def test_custom_group_is_added_selected_and_emitted(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.set_offences(_offences())
    with qtbot.waitSignal(panel.selection_changed) as blocker:
        panel.add_group("Acquisitive", ["Burglary", "robbery"])
    selection, groups = blocker.args
    assert selection.group == "Acquisitive"
    assert groups == {"Acquisitive": ["Burglary", "Robbery"]}
    assert "Offences selected: 3" in panel.period_label.text()
    panel.remove_group()
    assert panel.selection().group == SelectionParams().group


def test_a_group_with_a_preset_name_is_refused_with_a_message(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.add_group("All crime", ["Burglary"])
    assert "preset" in panel.message.text()
    assert "All crime" not in panel.groups


def test_a_project_period_outside_the_data_is_kept_and_marked(qtbot):
    panel = DataPanel()
    qtbot.addWidget(panel)
    panel.set_offences(_offences())
    panel.set_selection(SelectionParams(end="2023-06"), {})
    assert panel.selection().end == "2023-06"
    assert "not in the data" in panel.end.currentText()
