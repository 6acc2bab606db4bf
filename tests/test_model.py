"""Periods, selections and the project file."""

from __future__ import annotations

import pandas as pd
import pytest

from hotspot.errors import ProjectError
from hotspot.model import LoadReport, Period, Project, SelectionParams


def test_twelve_months_to_and_previous_period():
    p = Period.months_to("2024-10", 12)
    assert p.start == pd.Timestamp("2023-11-01") and p.end == pd.Timestamp("2024-10-01")
    assert p.n_months == 12 and len(p.months()) == 12
    assert p.label == "12 months to October 2024"
    prev = p.previous()
    assert prev.span == "2022-11 to 2023-10" and prev.n_months == 12
    months = pd.Series(pd.to_datetime(["2023-10-01", "2023-11-01", "2024-10-01", "2024-11-01"]))
    assert p.contains(months).tolist() == [False, True, True, False]


def test_period_rejects_bad_months():
    with pytest.raises(ProjectError, match="write it as YYYY-MM"):
        Period.months_to("Oct 2024")
    with pytest.raises(ProjectError, match="ends"):
        Period("2024-10", "2024-01")


def test_selection_period_defaults_to_latest_month():
    sel = SelectionParams(months=3)
    assert sel.period(pd.Timestamp("2024-06-01")).span == "2024-04 to 2024-06"
    assert SelectionParams(end="2024-01", months=1).period(None).span == "2024-01 to 2024-01"


def test_load_report_must_balance():
    r = LoadReport("x.csv", rows_read=10, rows_kept=7, dropped={"no coordinates": 3})
    assert r.rows_dropped == 3
    assert "no coordinates: 3" in r.summary()
    with pytest.raises(AssertionError):
        LoadReport("x.csv", rows_read=10, rows_kept=8, dropped={"no coordinates": 3})


def test_project_round_trip(tmp_path):
    p = Project(name="Lewisham violence", path=tmp_path / "p.toml")
    p.add_source("offences", tmp_path / "data" / "crimes", columns={"x": "Easting"})
    p.add_source("areas", "/elsewhere/wards.geojson", level="ward", role="wards")
    p.add_source("indicators", "imd.xlsx", indicator="imd")
    p.groups["Night-time economy"] = ["Violence and sexual offences", "Public order"]
    p.selection = SelectionParams(group="Night-time economy", end="2018-06", months=6)
    path = p.save()
    q = Project.load(path)
    assert q == p
    assert q.sources[0].path == "data/crimes"  # stored relative to the project
    assert q.sources[0].resolve(q.folder) == tmp_path / "data" / "crimes"
    assert q.sources[1].path == "/elsewhere/wards.geojson"
    assert q.save(tmp_path / "again.toml").read_text() == path.read_text()


def test_save_elsewhere_keeps_sources_pointing_at_the_same_files(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    p = Project(path=tmp_path / "a" / "p.toml")
    p.add_source("offences", tmp_path / "a" / "crimes.csv")
    p.save()
    p.save(tmp_path / "b" / "p.toml")
    q = Project.load(tmp_path / "b" / "p.toml")
    assert q.sources[0].resolve(q.folder).resolve() == (tmp_path / "a" / "crimes.csv").resolve()


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[selection]\nmonth = 12\n", "selection.month: unknown parameter"),
        ("[selection]\nmonths = 'twelve'\n", "selection.months: expected a whole number"),
        ("[selection]\ngroup = 'Knife crime'\n", "selection.group: 'Knife crime' is not a preset"),
        ("[selection]\nend = '10/2024'\n", "write it as YYYY-MM"),
        (
            "[[sources]]\nkind = 'offences'\npath = 'x'\nlevel = 'ward'\n",
            "sources[0].level: unknown key",
        ),
        ("[[sources]]\nkind = 'photos'\npath = 'x'\n", "sources[0].kind"),
        ("[outputs]\nmaps = ['heat']\n", "outputs.maps: 'heat' is not one of"),
        ("[analysis.nope]\nx = 1\n", "analysis.nope: unknown analysis"),
        ("[colours]\nx = 1\n", "top.colours: unknown key"),
        ("name = = 3\n", "not a valid project file"),
    ],
)
def test_project_errors_name_the_key(tmp_path, text, fragment):
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ProjectError) as exc:
        Project.load(f)
    assert fragment in str(exc.value)
    assert "bad.toml" in str(exc.value)


def test_missing_project_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProjectError, match="project file not found"):
        Project.load(tmp_path / "nope.toml")
