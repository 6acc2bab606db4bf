"""The demo's hot spots that change over time are classified as planted."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from hotspot import pipeline
from hotspot.demo import write_demo
from hotspot.demo.temporal import PATTERNS, monthly_counts


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return write_demo(tmp_path_factory.mktemp("temporal") / "demo").folder


@pytest.fixture(scope="module")
def truth(demo):
    return json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def emerging(demo):
    project = pipeline.load_project(demo / "project.toml")
    ws = pipeline.load_workspace(project)
    return pipeline.run_analysis("emerging", project, ws)["emerging"]


def test_ground_truth_records_each_pattern_and_its_months(truth):
    sites = truth["temporal_hotspots"]
    assert [s["pattern"] for s in sites] == list(PATTERNS)
    for s in sites:
        counts = list(s["offences_per_month"].values())
        assert len(counts) == 24 and list(s["offences_per_month"])[-1] == truth["months"]["last"]
        means = monthly_counts(s["pattern"], 24)
        # zero where the pattern has no offences, Poisson counts around the mean elsewhere
        assert [c == 0 for c in counts] == [m == 0 for m in means]
        active = [c for c, m in zip(counts, means, strict=True) if m]
        assert abs(np.mean(active) - np.mean([m for m in means if m])) < 4
    for a in sites:
        for c in truth["hotspots"]:  # well away from the town centres
            assert np.hypot(a["x"] - c["x"], a["y"] - c["y"]) > c["radius_m"] + 800


def test_planted_rows_are_in_the_police_uk_files(demo, truth):
    import csv

    for s in truth["temporal_hotspots"]:
        for month, n in s["offences_per_month"].items():
            if not n:
                continue
            path = demo / "police-uk" / month / f"{month}-wrenmoor-street.csv"
            with path.open(newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
            here = [r for r in rows if r["Crime type"] == s["category"] and r["Location"]]
            assert len(here) >= n
            break


def test_each_planted_pattern_is_classified_as_planted(emerging, truth):
    loc = emerging.locations
    assert emerging.params.step_months == 1 and len(emerging.steps.steps) == 24
    for s in truth["temporal_hotspots"]:
        cell = loc[loc.geometry.intersects(shapely.Point(s["x"], s["y"]).buffer(0.01))]
        assert len(cell) == 1
        assert cell["pattern"].iloc[0] == s["expected_category"], s["pattern"]


def test_town_centres_are_persistent_or_intensifying(emerging, truth):
    loc = emerging.locations
    for c in truth["hotspots"]:
        near = loc[loc.geometry.centroid.distance(shapely.Point(c["x"], c["y"])) < 150]
        assert near["pattern"].isin({"persistent hot spot", "intensifying hot spot"}).all(), c[
            "name"
        ]


def test_lsoas_as_locations_and_a_missing_layer_named(demo):
    from hotspot.analysis.emerging import EmergingParams
    from hotspot.pipeline.analysis_spec import MissingInput

    project = pipeline.load_project(demo / "project.toml")
    project.analysis["emerging"] = EmergingParams(units="lsoa")
    ws = pipeline.load_workspace(project)
    result = pipeline.run_analysis("emerging", project, ws)["emerging"]
    assert result.kind == "areas"
    assert list(result.locations["code"]) == list(ws.lsoas.gdf["code"])
    # every located offence of the group in the 24 months falls in one LSOA
    sel = ws.offences.select(pipeline.select(project, ws).group).gdf
    assert int(result.locations["n"].sum()) == int((~sel.geometry.is_empty).sum())
    project.sources = [s for s in project.sources if s.kind == "offences"]
    bare = pipeline.load_workspace(project)
    with pytest.raises(MissingInput, match="Add LSOA boundaries first"):
        pipeline.run_analysis("emerging", project, bare)
