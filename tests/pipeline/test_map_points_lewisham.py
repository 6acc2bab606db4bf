"""Map points on the real Lewisham data: the hospital and police-station points are flagged,
leaving them out changes the Ladywell hot spot zone, and a misspelt exclusion is reported."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from hotspot import pipeline
from hotspot.model import Project, SelectionParams
from hotspot.pipeline import registry

HOSPITAL = "On or near Hospital"
STATION = "On or near Police Station @ 538348 175686"  # the one by Lewisham town centre


@pytest.fixture(scope="module")
def project(shared_data) -> Project:
    base = shared_data / "police-uk" / "lewisham-api-json"
    p = Project(
        name="Lewisham serious violence",
        selection=SelectionParams(end="2018-06", months=12, compare=False),
    )
    for folder in sorted(base.glob("london_month_*")):
        if "2017_07" <= folder.name[-7:] <= "2018_06":
            p.add_source("offences", folder)
    p.add_source("areas", shared_data / "boundaries" / "lewisham_wards_2022.geojson", role="wards")
    p.add_source(
        "areas", shared_data / "boundaries" / "lewisham_borough_bng.geojson", role="study_area"
    )
    return p


@pytest.fixture(scope="module")
def workspace(project):
    return pipeline.load_workspace(project)


@pytest.fixture(scope="module")
def excluded(project) -> Project:
    p = project.copy()
    p.selection = dataclasses.replace(
        p.selection, exclude_locations=(HOSPITAL, STATION, "On or near Nowhere Street")
    )
    return p


@pytest.mark.realdata
def test_the_hospital_and_police_station_points_are_flagged(project, workspace):
    points = registry.run_analysis("map_points", project, workspace)["map_points"]
    table = points.points
    # an independent count: pandas on the selected offences, by location and coordinates
    sel = pipeline.select(project, workspace).offences.gdf
    counts = (
        pd.DataFrame(
            {"loc": sel["location"], "x": sel.geometry.x.round(1), "y": sel.geometry.y.round(1)}
        )
        .value_counts()
        .sort_values(ascending=False)
    )
    assert int(table["offences"].iloc[0]) == int(counts.iloc[0]) == 184
    top = table.iloc[0]
    assert (top["place"], top["facility"], top["ward"]) == ("Hospital", "Hospital", "Ladywell")
    station = table[(table["place"] == "Police Station") & (table["offences"] == 58)]
    assert len(station) == 1 and station["facility"].iloc[0] == "Police station"
    assert station["exclude"].iloc[0] == STATION
    assert points.n_offences == len(sel) == 8_840
    # streets are not facilities; a named station ("Lewisham (station)") is a transport hub
    assert table.loc[table["place"] == "Morden Lane", "facility"].eq("").all()
    assert set(table.loc[table["place"] == "Lewisham (station)", "facility"]) == {"Transport hub"}
    # the load report names them too
    report = pipeline.load_report_text(project, workspace, pipeline.select(project, workspace))
    assert "== Map points" in report
    assert "1. Hospital, Ladywell: 184 offences (2.1%) [facility: Hospital]" in report


@pytest.mark.realdata
def test_leaving_them_out_changes_the_ladywell_zone(excluded, workspace):
    sel = pipeline.select(excluded, workspace)
    every = workspace.offences.select(sel.group, sel.period).gdf
    n_hospital = int((every["location"] == HOSPITAL).sum())
    entries = {e.exclusion.text: e for e in sel.excluded.entries}
    assert entries[HOSPITAL].offences == n_hospital >= 184
    assert entries[STATION].offences == 58 and entries[STATION].points == 1
    assert entries["On or near Nowhere Street"].offences == 0  # reported, not refused
    assert any("Nowhere Street" in w and "matched no offence" in w for w in sel.warnings)
    assert len(sel.offences) == len(every) - n_hospital - 58
    assert "left out" in sel.label

    found = registry.run_analysis("map_points", excluded, workspace)["map_points"]
    changes = found.changes
    ladywell = changes[changes["name_before"].str.contains("Ladywell")]
    assert not ladywell.empty
    assert set(ladywell["change"]) == {"no longer a zone"}
    # the zones after are those Gi* makes on the selection with the points left out
    after = registry.run_analysis("gistar", excluded, workspace)["gistar_zones"]
    assert not after.zones["places"].str.contains("Hospital").any()
    by_zone = after.zones.set_index("zone")["offences"]
    for _, row in changes[changes["zone_after"] != ""].iterrows():
        ids = [int(v) for v in row["zone_after"].split(", ")]
        assert int(row["offences_after"]) == int(by_zone.loc[ids].sum())
    assert (found.points.loc[found.points["place"] == "Hospital", "excluded"]).all()
    lines = registry.spec("map_points").summary({"map_points": found})
    assert any("no longer a hot spot zone" in line for line in lines)
    assert any(line.strip().startswith(HOSPITAL) for line in lines)


@pytest.mark.realdata
def test_rates_leave_the_points_out_too(excluded, workspace):
    every = workspace.offences.select(pipeline.select(excluded, workspace).group)
    kept = pipeline.selection.group_offences(excluded, workspace.offences)
    gone = np.isin(every.gdf.index, kept.gdf.index, invert=True)
    assert set(every.gdf.loc[gone, "location"]) == {HOSPITAL, "On or near Police Station"}
