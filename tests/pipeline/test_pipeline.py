"""The shared pipeline: loading a project, the selection, the steps of ``hotspot run``."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from hotspot import pipeline
from hotspot.core.errors import ExportError, InputError
from hotspot.core.progress import AnalysisCancelled, RecordingProgress
from hotspot.demo import write_demo
from hotspot.model import OFFENCE_COLUMNS, Period, Project, SelectionParams

SERIOUS = ("Violence and sexual offences", "Robbery", "Possession of weapons")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("pipeline") / "demo").folder


@pytest.fixture(scope="module")
def project(demo) -> Project:
    return Project.load(demo / "project.toml")


@pytest.fixture(scope="module")
def workspace(project) -> pipeline.Workspace:
    return pipeline.load_workspace(project)


@pytest.fixture(scope="module")
def csv_rows(demo) -> pd.DataFrame:
    """Every offence row, read with the csv module."""
    rows = []
    for f in sorted((demo / "police-uk").rglob("*-street.csv")):
        with f.open(newline="", encoding="utf-8") as fh:
            rows.extend(csv.DictReader(fh))
    return pd.DataFrame(rows)


def _kept(rows: pd.DataFrame) -> pd.DataFrame:
    """Located rows, each Crime ID once (police.uk's duplicate listing removed)."""
    located = rows[rows["Longitude"] != ""]
    dup = located["Crime ID"].ne("") & located["Crime ID"].duplicated()
    return located[~dup]


# --------------------------------------------------------------------------- loading


def test_every_demo_source_loads_into_its_role(workspace, csv_rows):
    ws = workspace
    assert ws.wards is not None and len(ws.wards.gdf) == 18
    assert ws.wards.level == "ward" and ws.wards.vintage == 2024
    assert ws.lsoas is not None and len(ws.lsoas.gdf) == 170
    assert ws.lsoas.level == "lsoa" and ws.lsoas.vintage == 2021
    assert ws.outline is not None and len(ws.outline.gdf) == 1
    assert {i.kind for i in ws.indicators} == {"imd", "samhi", "population"}
    assert ws.lookup("lsoa_ward") is not None
    assert len(ws.loads) == 10
    assert [r.geometry for r in ws.references] == ["lines", "polygons"]
    assert ws.offences is not None
    assert ws.offences.report.rows_read == len(csv_rows)
    assert len(ws.offences) == len(_kept(csv_rows))
    for layer in (ws.wards, ws.lsoas, ws.outline):
        assert layer.gdf.crs.to_epsg() == 27700


def test_demo_context_reads_without_hints(demo, workspace):
    """The demo's tables go through the readers as real files do: kinds detected, codes kept."""
    from hotspot.io import read_indicators

    lsoa_codes = set(workspace.lsoas.gdf["code"])
    for name, kind, measure in (
        ("wrenmoor_deprivation_lsoa21.csv", "imd", "imd_score"),
        ("wrenmoor_samhi_lsoa21.csv", "samhi", "samhi_index"),
        ("wrenmoor_population_lsoa21.csv", "population", "population"),
    ):
        ind = read_indicators(demo / "context" / name)
        assert ind.kind == kind, name
        assert measure in ind.table.columns, name
        assert set(ind.table["lsoa_code"]) == lsoa_codes, name
        assert ind.table[measure].notna().all(), name


def test_study_area_is_the_outline(workspace):
    area = workspace.study_area()
    assert area.area == pytest.approx(workspace.outline.gdf.area.sum(), rel=1e-9)
    assert area.area == pytest.approx(workspace.wards.gdf.area.sum(), rel=1e-4)


def test_roles_follow_detected_levels_and_a_single_polygon_is_the_study_area(demo):
    p = Project(path=demo / "roles.toml")
    p.add_source("areas", "boundaries/wrenmoor_lsoa_2021.geojson")
    p.add_source("areas", "boundaries/wrenmoor_wards_2024.geojson")
    p.add_source("areas", "boundaries/wrenmoor_outline.geojson")
    ws = pipeline.load_workspace(p)
    assert len(ws.wards.gdf) == 18 and len(ws.lsoas.gdf) == 170
    assert ws.outline is not None and len(ws.outline.gdf) == 1
    assert any("study area" in n for n in ws.notes)
    assert ws.offences is None


def test_a_second_layer_for_a_role_is_kept_aside_with_a_note(demo):
    p = Project(path=demo / "twice.toml")
    p.add_source("areas", "boundaries/wrenmoor_wards_2024.geojson", role="wards")
    p.add_source("areas", "boundaries/wrenmoor_lsoa_2021.geojson", role="wards", label="LSOAs")
    ws = pipeline.load_workspace(p)
    assert len(ws.wards.gdf) == 18
    assert len(ws.other_areas) == 1 and len(ws.other_areas[0].gdf) == 170
    assert any(n.startswith("LSOAs:") for n in ws.notes)


def test_missing_source_raises_input_error_naming_it(demo):
    p = Project(path=demo / "missing.toml")
    p.add_source("areas", "boundaries/gone.geojson", label="Old wards")
    with pytest.raises(InputError, match=r"gone\.geojson.*not found") as err:
        pipeline.load_workspace(p)
    assert "Old wards" in str(err.value) and "missing.toml" in str(err.value)


def test_loading_reports_progress_and_can_be_cancelled(project):
    rec = RecordingProgress()
    pipeline.load_workspace(project, progress=rec)
    fractions = [f for f, _ in rec.updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    rec.token.cancel()
    with pytest.raises(AnalysisCancelled):
        pipeline.load_workspace(project, progress=rec)


def test_offence_sources_with_different_columns_are_merged_with_a_balanced_report(demo, tmp_path):
    # A second source in another layout: easting/northing with other column names.
    extra = pd.DataFrame(
        {
            "ref": ["a1", "a2", "a3"],
            "E": ["443000", "443100", ""],
            "N": ["255000", "255100", ""],
            "when": ["2025-09", "2025-09", "2025-09"],
            "what": ["Robbery", "Robbery", "Robbery"],
        }
    )
    extra.to_csv(tmp_path / "extra.csv", index=False)
    p = Project(path=demo / "merged.toml")
    p.add_source("offences", "police-uk")
    p.add_source(
        "offences",
        str(tmp_path / "extra.csv"),
        columns={"x": "E", "y": "N", "crs": "EPSG:27700", "month": "when", "category": "what"},
    )
    ws = pipeline.load_workspace(p)
    single = pipeline.load_workspace(Project.load(demo / "project.toml")).offences
    r = ws.offences.report
    assert r.rows_read == single.report.rows_read + 3
    assert r.rows_kept == single.report.rows_kept + 2
    assert r.rows_kept + sum(r.dropped.values()) == r.rows_read
    assert len(ws.offences) == r.rows_kept
    assert r.categories["Robbery"] == single.report.categories["Robbery"] + 2


# --------------------------------------------------------------------------- selection


def test_selection_is_the_group_in_the_last_twelve_months(project, workspace, csv_rows):
    sel = pipeline.select(project, workspace)
    months = sorted(csv_rows["Month"].unique())
    assert sel.period == Period.months_to(months[-1], 12)
    assert sel.comparison_period == Period.months_to(months[-13], 12)
    kept = _kept(csv_rows)
    in_group = kept["Crime type"].isin(SERIOUS)
    assert len(sel.offences) == int((in_group & kept["Month"].isin(months[-12:])).sum())
    assert len(sel.comparison) == int((in_group & kept["Month"].isin(months[-24:-12])).sum())
    assert sel.label == f"Serious violence (police.uk), {sel.period.label}"
    assert len(pipeline.select_offences(project, workspace.offences)) == len(sel.offences)
    assert len(pipeline.comparison_offences(project, workspace.offences)) == len(sel.comparison)


def test_period_end_defaults_to_the_latest_month_and_groups_can_be_custom(project, workspace):
    p = project.copy()
    p.groups = {"Street robbery": ["robbery", "theft-from-the-person"]}
    p.selection = SelectionParams(group="Street robbery", end=None, months=3, compare=False)
    sel = pipeline.select(p, workspace)
    assert sel.period == Period.months_to(workspace.offences.last_month, 3)
    assert sel.comparison is None and sel.comparison_period is None
    assert set(sel.offences.gdf["category"]) == {"Robbery", "Theft from the person"}


# --------------------------------------------------------------------------- run


def test_run_project_writes_the_report_and_the_geopackage(project, tmp_path, csv_rows):
    from dataclasses import replace

    p = project.copy()
    p.outputs = replace(p.outputs, analyses=())  # the loaders' outputs only
    written = pipeline.run_project(p, tmp_path / "out")
    assert written == [tmp_path / "out" / "load_report.txt", tmp_path / "out" / "offences.gpkg"]
    gdf = pyogrio.read_dataframe(written[1], layer="offences")
    months = sorted(csv_rows["Month"].unique())[-12:]
    kept = _kept(csv_rows)
    assert len(gdf) == int((kept["Crime type"].isin(SERIOUS) & kept["Month"].isin(months)).sum())
    assert list(gdf.columns[:-1]) == list(OFFENCE_COLUMNS)
    report = written[0].read_text(encoding="utf-8")
    assert "== Selection ==" in report and f"{len(gdf):,} offences" in report
    assert not list((tmp_path / "out").glob(".*part*"))  # no temporary files left


def test_outputs_switched_off_are_not_written(project, tmp_path):
    from dataclasses import replace

    p = project.copy()
    p.outputs = replace(p.outputs, offences_gpkg=False, analyses=())
    assert pipeline.run_project(p, tmp_path) == [tmp_path / "load_report.txt"]


def test_existing_output_is_refused_before_any_loading(demo, tmp_path):
    (tmp_path / "load_report.txt").write_text("mine", encoding="utf-8")
    p = Project(path=demo / "x.toml")
    p.add_source("areas", "boundaries/does_not_exist.geojson")  # would fail if loaded
    with pytest.raises(ExportError, match="--force"):
        pipeline.run_project(p, tmp_path)
    assert (tmp_path / "load_report.txt").read_text(encoding="utf-8") == "mine"


def test_force_replaces_existing_outputs(project, tmp_path):
    (tmp_path / "load_report.txt").write_text("old", encoding="utf-8")
    pipeline.run_project(project, tmp_path, force=True)
    assert (
        (tmp_path / "load_report.txt").read_text(encoding="utf-8").startswith("Hotspot load report")
    )


def test_out_dir_that_is_a_file_is_refused(project, tmp_path):
    f = tmp_path / "file"
    f.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="not a folder"):
        pipeline.run_project(project, f)


def test_steps_share_results_and_a_failing_step_leaves_no_partial_file(
    project, workspace, tmp_path
):
    seen = {}

    def compute(ctx: pipeline.RunContext) -> None:
        ctx.results["count"] = len(ctx.selection.offences)

    def write(ctx: pipeline.RunContext) -> None:
        seen["count"] = ctx.results["count"]
        ctx.write_text("count.txt", str(ctx.results["count"]))

    def fail_midway(ctx: pipeline.RunContext) -> None:
        with ctx.writing("half.txt") as tmp:
            tmp.write_text("partial", encoding="utf-8")
            raise AnalysisCancelled("stopped")

    steps = [
        pipeline.Step("compute", compute),
        pipeline.Step("write", write, files=lambda p: ("count.txt",)),
        pipeline.Step("never", write, wanted=lambda p: False),
        pipeline.Step("fail", fail_midway),
    ]
    with pytest.raises(AnalysisCancelled):
        pipeline.run_outputs(project, workspace, tmp_path, steps=steps)
    assert (tmp_path / "count.txt").read_text() == str(seen["count"])
    assert seen["count"] > 0
    # the finished file, no half file, and the note that the set is incomplete
    assert sorted(p.name for p in tmp_path.iterdir()) == ["RUN-INCOMPLETE.txt", "count.txt"]
    assert "stopped" in (tmp_path / "RUN-INCOMPLETE.txt").read_text(encoding="utf-8")


def test_periods_the_data_do_not_cover_are_warned_about(project, workspace, tmp_path):
    months = workspace.offences.report.months
    p = project.copy()
    p.selection = SelectionParams(end=months[5], months=12, compare=True)
    sel = pipeline.select(p, workspace)
    assert len(sel.warnings) == 2
    assert "miss 6 of the 12 months of the selected period" in sel.warnings[0]
    # a comparison period without data would give change figures from nothing: dropped
    assert "no change figures" in sel.warnings[1]
    assert "0 of the 12 months of the comparison period" in sel.warnings[1]
    assert sel.comparison_period is None and sel.comparison is None
    heard: list[str] = []
    pipeline.run_outputs(p, workspace, tmp_path, log=heard.append)
    assert heard[:2] == list(sel.warnings)
    assert not any(w in h for w in sel.warnings for h in heard[2:])  # said once, not per analysis
    report = (tmp_path / "load_report.txt").read_text(encoding="utf-8")
    assert f"Warning: {sel.warnings[0]}" in report
    assert not pipeline.select(project, workspace).warnings  # the demo's own period is covered


def test_the_same_offence_source_twice_is_read_once(demo, workspace):
    p = Project(path=demo / "twice.toml")
    p.add_source("offences", "police-uk")
    p.add_source("offences", str(demo / "police-uk"), label="again, by its full path")
    ws = pipeline.load_workspace(p)
    # anti-social behaviour rows have no Crime ID: read twice, they would count twice
    assert ws.offences.report.rows_read == workspace.offences.report.rows_read
    assert ws.offences.report.categories == workspace.offences.report.categories
    assert any("read once" in n for n in ws.notes)
    assert len(ws.loads) == 2


def test_an_unknown_offence_group_is_a_project_error_before_loading(demo, tmp_path):
    from hotspot.core.errors import ProjectError

    p = Project(path=demo / "nogroup.toml", selection=SelectionParams(group="Knife crime"))
    p.add_source("areas", "boundaries/does_not_exist.geojson")  # would fail if loaded
    with pytest.raises(ProjectError, match="selection.group: 'Knife crime'"):
        pipeline.run_project(p, tmp_path)
    assert list(tmp_path.iterdir()) == []
