"""Periods, selections and the project file."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from hotspot.core.errors import ExportError, ProjectError
from hotspot.core.params import ParamSpec, specs
from hotspot.model import (
    LoadReport,
    MapParams,
    OutputParams,
    Period,
    Project,
    SelectionParams,
)
from hotspot.pipeline.registry import load_project, params_classes


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
    q = load_project(path)
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
        ("[outputs]\nmaps = ['heat']\n", "outputs.maps: 'heat' is not a print map"),
        ("[outputs]\nanalyses = ['kdee']\n", "outputs.analyses: 'kdee' is not an analysis"),
        ("[analysis.nope]\nx = 1\n", "analysis.nope: unknown analysis"),
        ("[colours]\nx = 1\n", "top.colours: unknown key"),
        ("name = = 3\n", "not a valid project file"),
        ("[project]\nname = 3\n", "project.name: expected text"),
        ("[project]\nformat = 2\n", "project.format"),
        ("sources = 1\n", "sources: expected a list"),
        ("selection = 1\n", "selection: expected a table"),
        ("[groups]\nNight = 'Robbery'\n", "groups.Night: expected a list"),
        ("[groups]\nNight = ['Knife crime']\n", "'Knife crime' is not a police.uk category"),
        ("[analysis]\ngistar = 5\n", "analysis.gistar: expected a table"),
        ("[analysis.kde]\nbandwidth = 'wide'\n", "analysis.kde.bandwidth: expected a number"),
        ("[analysis.kde]\nkernal = 'quartic'\n", "analysis.kde.kernal: unknown parameter"),
        ("[analysis.gistar]\nfdr = 'yes'\n", "analysis.gistar.fdr: expected true or false"),
        ("[analysis.rates]\nper = 0\n", "analysis.rates.per: 0 is below the minimum"),
        ("[analysis.bivariate]\ncontext = 'crime'\n", "analysis.bivariate.context: 'crime'"),
        ("[outputs]\ncsv = 1\n", "outputs.csv: expected true or false"),
        ("[outputs]\nbriefing_wards = 'Rushey Green'\n", "outputs.briefing_wards: expected a list"),
        ("[map]\nbasemap = 'google'\n", "map.basemap: 'google' is not one of"),
        ("[[sources]]\nkind = 'areas'\n", "sources[0].path: expected the file's path"),
        (
            "[[sources]]\nkind = 'indicators'\npath = 'x'\nyear = '2019'\n",
            "sources[0].year: expected a whole number",
        ),
        (
            "[[sources]]\nkind = 'areas'\npath = 'x'\nrole = 'beats'\n",
            "sources[0].role: 'beats' is not one of",
        ),
        (
            "[[sources]]\nkind = 'offences'\npath = 'x'\n[sources.columns]\ncolour = 'red'\n",
            "sources[0].columns.colour: unknown key",
        ),
        (
            "[[sources]]\nkind = 'offences'\npath = 'x'\n[sources.columns]\nx = 3\n",
            "sources[0].columns.x: expected a column name",
        ),
    ],
)
def test_project_errors_name_the_key(tmp_path, text, fragment):
    """Opening a project (the model's checks, then the analysis registry's) names the key."""
    f = tmp_path / "bad.toml"
    f.write_text(text)
    with pytest.raises(ProjectError) as exc:
        load_project(f)
    assert fragment in str(exc.value)
    assert "bad.toml" in str(exc.value)


def test_missing_project_file_is_a_clear_error(tmp_path):
    with pytest.raises(ProjectError, match="project file not found"):
        Project.load(tmp_path / "nope.toml")


def _other_value(spec: ParamSpec):
    """A valid value of ``spec`` other than its default (empty when it may be empty)."""
    if spec.optional and spec.default is not None:
        return None  # written as "auto" / "none": TOML has no null
    if spec.type is tuple:
        offered = {  # choices the analysis registry makes
            "analyses": ("rates", "gistar"),
            "maps": ("change", "gistar"),
        }
        choices = spec.choices or offered.get(spec.name) or ("Rushey Green", "Lewisham Central")
        value = tuple(c for c in choices if c not in (spec.default or ()))[:2]
        if spec.item_type is float:
            return (1.5, 4.0)
        return value or choices[:1]
    if spec.choices:
        return next(c for c in spec.choices if c != spec.default)
    if spec.type is bool:
        return not spec.default
    if spec.type is str:
        return "2024-06" if spec.name == "end" else "Night-time economy"
    low = spec.minimum if spec.minimum is not None else 0
    high = spec.maximum if spec.maximum is not None else low + 1000
    value = (low + high) / 3 if spec.type is float else int(low + (high - low) // 3) + 1
    return value if value != spec.default else value + 1


def _everything_changed(cls):
    return cls(**{s.name: _other_value(s) for s in specs(cls)})


def test_every_section_round_trips_with_non_default_values(tmp_path):
    p = Project(name="Every parameter", path=tmp_path / "full.toml")
    p.groups["Night-time economy"] = ["violent-crime", "Public order"]
    p.add_source("offences", "crimes.csv", columns={"x": "E", "y": "N", "crs": "EPSG:27700"})
    p.add_source("areas", "wards.gpkg", level="ward", role="wards", code_field="WD", label="W")
    p.add_source("indicators", "samhi.csv", indicator="samhi", year=2019)
    p.add_source("lookup", "lookup.csv")
    p.selection = _everything_changed(SelectionParams)
    p.outputs = _everything_changed(OutputParams)
    p.map = _everything_changed(MapParams)
    for section, cls in params_classes().items():
        p.analysis[section] = _everything_changed(cls)
        changed = [s.name for s in specs(cls) if getattr(p.analysis[section], s.name) == s.default]
        assert not changed, (section, changed)  # the test really changes every parameter
    path = p.save()
    q = load_project(path)
    assert q == p
    for section, params in p.analysis.items():
        assert q.analysis[section] == params, section
    assert q.save(tmp_path / "again.toml").read_text() == path.read_text()


def test_an_empty_seed_is_not_lost_on_the_way_through_the_file(tmp_path):
    cls = params_classes()["gistar"]
    spec = {s.name: s for s in specs(cls)}["seed"]
    assert spec.optional and spec.default is not None
    p = Project(path=tmp_path / "p.toml")
    p.analysis["gistar"] = cls(seed=None, permutations=99)
    text = p.save().read_text()
    assert 'seed = "auto"' in text
    assert load_project(tmp_path / "p.toml").analysis["gistar"].seed is None


def test_project_params_are_validated_when_built_in_code():
    with pytest.raises(ProjectError, match="selection.months"):
        SelectionParams(months=0)
    with pytest.raises(ProjectError, match="map.basemap"):
        MapParams(basemap="google")
    with pytest.raises(ProjectError, match="outputs.maps"):
        OutputParams(maps=["kde"])  # lists are not hashable: a frozen params object holds tuples


def test_first_save_stores_sources_relative_to_the_project(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    p = Project()  # never saved: paths are as the user typed them, from the current folder
    p.add_source("offences", tmp_path / "data" / "crimes.csv")
    p.add_source("areas", "data/wards.gpkg")
    p.add_source("indicators", "/elsewhere/imd.csv")
    p.save(tmp_path / "data" / "project.toml")
    q = Project.load(tmp_path / "data" / "project.toml")
    assert [s.path for s in q.sources] == ["crimes.csv", "wards.gpkg", "/elsewhere/imd.csv"]
    assert q.sources[1].resolve(q.folder) == (tmp_path / "data" / "wards.gpkg").resolve()


def test_a_project_written_on_windows_opens_on_every_platform(tmp_path):
    """Paths typed with Windows' separators and another case of extension still load."""
    from hotspot.demo import write_demo
    from hotspot.pipeline import load_workspace

    demo = write_demo(tmp_path / "demo")
    wards = demo.folder / "boundaries" / "wrenmoor_wards_2024.geojson"
    wards.rename(wards.with_suffix(".GeoJSON"))
    text = demo.project.read_text(encoding="utf-8")
    text = text.replace(
        '"boundaries/wrenmoor_wards_2024.geojson"', "'boundaries\\wrenmoor_wards_2024.GeoJSON'"
    )
    text = text.replace('path = "police-uk"', "path = 'police-uk\\'")
    demo.project.write_text(text, encoding="utf-8")
    project = Project.load(demo.project)
    ws = load_workspace(project)
    assert ws.wards is not None and len(ws.wards.gdf) == 18
    assert ws.offences is not None and len(ws.offences.gdf) > 1000


def test_copy_is_independent():
    p = Project()
    p.add_source("offences", "/data/a.csv")
    p.groups["G"] = ["Robbery"]
    q = p.copy()
    q.sources[0].path = "/data/b.csv"
    q.groups["G"].append("Drugs")
    q.selection = dataclasses.replace(q.selection, months=3)
    assert p.sources[0].path == "/data/a.csv" and p.groups["G"] == ["Robbery"]
    assert p.selection.months == 12


def test_a_failed_save_leaves_the_project_as_it_was(tmp_path):
    p = Project(path=tmp_path / "a" / "p.toml")
    p.add_source("offences", tmp_path / "a" / "crimes.csv")
    assert p.sources[0].path == "crimes.csv"
    with pytest.raises(ExportError, match="does not exist"):
        p.save(tmp_path / "missing" / "p.toml")
    assert p.sources[0].path == "crimes.csv" and p.path == tmp_path / "a" / "p.toml"
