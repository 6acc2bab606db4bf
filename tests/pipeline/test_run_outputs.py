"""``hotspot run`` end to end: analyses, GIS files, tables, maps, HTML and briefing pack.

The run must write what the project asks for, agree with the calls the window makes
(:func:`hotspot.pipeline.run_analysis`), find the demo's planted hotspots, and never
overwrite a file without ``force``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
import scipy.stats
from PIL import Image
from pypdf import PdfReader

from hotspot import pipeline
from hotspot.core.errors import ExportError
from hotspot.demo import write_demo
from hotspot.model import OutputParams, Project

ALL_MAPS = ("kde", "gistar", "rates", "change", "clusters", "bivariate", "named_areas")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("run") / "demo").folder


@pytest.fixture(scope="module")
def full_project(demo) -> Project:
    import dataclasses

    p = Project.load(demo / "project.toml")
    # the demo's hospital records offences rather than being where they happen: left out
    p.selection = dataclasses.replace(p.selection, exclude_locations=("On or near Hospital",))
    p.outputs = OutputParams(
        maps=ALL_MAPS,
        map_formats=("png", "pdf"),
        html=True,
        briefing=True,
        briefing_wards=("Alderbrook",),
    )
    return p


@pytest.fixture(scope="module")
def run(full_project, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    messages: list[str] = []
    written = pipeline.run_project(full_project, out, log=messages.append)
    return out, written, messages


@pytest.fixture(scope="module")
def window_results(full_project):
    """What the window computes when the user clicks Run in each panel."""
    ws = pipeline.load_workspace(full_project)
    return ws, {s: pipeline.run_analysis(s, full_project, ws)[s] for s in ("kde", "gistar")}


@pytest.mark.slow
def test_every_requested_output_is_written(run):
    out, written, _ = run
    names = {p.name for p in written}
    expected = {
        "load_report.txt",
        "offences.gpkg",
        "summary.txt",
        "kde.tif",
        "results.gpkg",
        "map.html",
        "briefing.pdf",
        "rates_wards.csv",
        "rates_lsoas.csv",
        "ward_summary.csv",
        "bivariate_lsoas.csv",
        "kde_hotspot_areas.csv",
        "gistar_cells.csv",
        "gistar_lsoas.csv",
        "hotspot_zones.csv",
        "hotspot_zones_places.csv",
        "kde_hotspot_zones.csv",
        "kde_hotspot_zones_places.csv",
        "map_points.csv",
        "zones_before_after_exclusions.csv",
        "named_areas.csv",
    } | {f"map_{k}.{f}" for k in ALL_MAPS for f in ("png", "pdf")}
    assert names == expected
    assert all((out / n).stat().st_size > 0 for n in names)
    assert not [p for p in out.iterdir() if ".part" in p.name], "temporary files left behind"


def test_geotiff_is_the_surface_the_window_shows(run, window_results):
    out, _, _ = run
    kde = window_results[1]["kde"]
    with rasterio.open(out / "kde.tif") as src:
        assert src.crs.to_epsg() == 27700
        assert src.nodata is not None
        band = src.read(1, masked=True)
        assert src.transform == kde.transform
    expected = np.ma.masked_invalid(kde.values)
    assert np.array_equal(band.mask, expected.mask)
    np.testing.assert_allclose(band.compressed(), expected.compressed(), rtol=1e-6)


def test_gistar_layer_matches_the_window_and_finds_the_planted_hotspots(run, window_results, demo):
    out, _, _ = run
    cells = pyogrio.read_dataframe(out / "results.gpkg", layer="gistar_cells")
    gi = window_results[1]["gistar"].cells
    np.testing.assert_allclose(cells["gi_z"].to_numpy(), gi["gi_z"].to_numpy(), atol=1e-12)
    truth = json.loads((demo / "ground_truth.json").read_text())
    centres = gpd.GeoSeries(
        gpd.points_from_xy(
            [h["x"] for h in truth["hotspots"]], [h["y"] for h in truth["hotspots"]]
        ),
        crs="EPSG:27700",
    )
    hit = gpd.sjoin(gpd.GeoDataFrame(geometry=centres), cells, predicate="within")
    assert len(hit) == len(centres)
    assert (hit["gi_bin"] >= 2).all(), hit[["gi_bin", "label"]]
    params = pyogrio.read_dataframe(out / "results.gpkg", layer="hotspot_params")
    stored = params[params["layer"] == "gistar_cells"].set_index("parameter")["value"]
    assert json.loads(stored["fdr"]) is True
    assert json.loads(stored["cell_size"]) == window_results[1]["gistar"].params.cell_size


def test_lsoa_gistar_is_esda_gi_star_of_the_lsoa_rates(run):
    """The hot and cold LSOAs: Gi* of the written LSOA rates, queen contiguity, as esda."""
    import warnings

    from esda import G_Local
    from libpysal.weights import Queen

    out, _, _ = run
    rates = pyogrio.read_dataframe(out / "results.gpkg", layer="rates_lsoas")
    gi = pyogrio.read_dataframe(out / "results.gpkg", layer="gistar_lsoas")
    assert list(gi["code"]) == list(rates["code"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = Queen.from_dataframe(rates, use_index=False)
        ref = G_Local(rates["rate"].to_numpy(), w, star=True, transform="B", permutations=0)
    np.testing.assert_allclose(gi["gi_z"].to_numpy(), ref.Zs, atol=1e-8)


def test_ward_rates_count_every_selected_offence_inside_the_wards(
    run, window_results, full_project
):
    out, _, _ = run
    ws = window_results[0]
    rates = pd.read_csv(out / "rates_wards.csv", encoding="utf-8-sig")
    sel = pipeline.select(full_project, ws).offences.gdf
    joined = gpd.sjoin(sel[["geometry"]], ws.wards.gdf[["code", "geometry"]], predicate="within")
    independent = joined.groupby("code").size()
    counted = rates.set_index("code")["count"]
    assert counted.sum() == len(joined)
    assert (counted.reindex(independent.index) == independent).all()
    assert rates["rank"].min() == 1
    summary = pd.read_csv(out / "ward_summary.csv", encoding="utf-8-sig")
    assert len(summary) == len(ws.wards.gdf)
    assert summary["Summary"].str.len().min() > 20


def test_summary_states_the_correlation_that_scipy_gives(run):
    out, _, _ = run
    table = pd.read_csv(out / "bivariate_lsoas.csv", encoding="utf-8-sig")
    rho = scipy.stats.spearmanr(table["rate"], table["imd_score"], nan_policy="omit").statistic
    text = (out / "summary.txt").read_text()
    assert f"Spearman's rho = {rho:.3f}" in text
    assert "FDR-corrected" in text and "Hot spot, 99% confidence" in text


def test_print_maps_are_300_dpi_and_the_pack_has_the_chosen_ward(run):
    out, _, _ = run
    with Image.open(out / "map_gistar.png") as im:
        assert round(im.info["dpi"][0]) == 300
        assert im.size[0] > im.size[1]  # A4 landscape
    pdf = PdfReader(out / "briefing.pdf")
    text = "\n".join(page.extract_text() for page in pdf.pages)
    assert len(pdf.pages) >= 6
    assert "Alderbrook" in text and "Methods" in text
    assert "Open Government Licence" in text


def test_html_map_needs_no_network(run):
    html = (Path(run[0]) / "map.html").read_text()
    assert not re.search(r"<script[^>]+src=[\"']https?://", html)
    assert not re.search(r"<link[^>]+href=[\"']https?://", html)
    assert "Gi* hot and cold spots" in html


def test_existing_outputs_are_refused_without_force_then_replaced_with_it(full_project, run):
    out, written, _ = run
    before = (out / "summary.txt").stat().st_mtime_ns
    with pytest.raises(ExportError, match="--force"):
        pipeline.run_project(full_project, out)
    assert (out / "summary.txt").stat().st_mtime_ns == before
    small = full_project.copy()
    small.outputs = OutputParams(analyses=("gistar",), maps=(), csv=False, gpkg=False)
    again = pipeline.run_project(small, out, force=True)
    assert {p.name for p in again} == {"load_report.txt", "offences.gpkg", "summary.txt"}


def test_an_analysis_without_its_inputs_is_skipped_with_a_message(demo, tmp_path):
    p = Project.load(demo / "project.toml")
    p.sources = [s for s in p.sources if s.kind != "indicators"]
    p.outputs = OutputParams(analyses=("gistar", "bivariate"), csv=False, gpkg=False)
    messages: list[str] = []
    pipeline.run_project(p, tmp_path, log=messages.append)
    assert any(m.startswith("bivariate: skipped") and "IMD or SAMHI" in m for m in messages)
    summary = (tmp_path / "summary.txt").read_text()
    assert "Getis-Ord Gi*" in summary
    assert "bivariate: skipped" in summary and 'kind = "indicators"' in summary  # the CLI's words


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def lewisham(shared_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("lewisham")
    p = Project(name="Lewisham violence", path=folder / "project.toml")
    b, c = shared_data / "boundaries", shared_data / "context"
    p.add_source("offences", shared_data / "police-uk" / "lewisham-api-json")
    p.add_source("areas", b / "lewisham_wards_2022.geojson", role="wards")
    p.add_source("areas", b / "lewisham_lsoa_2021.geojson", role="lsoas")
    p.add_source("areas", b / "lewisham_borough_bng.geojson", role="study_area")
    p.add_source("indicators", c / "imd2019_london_lsoa11.xlsx", indicator="imd")
    p.add_source("indicators", c / "samhi_london_lsoa21.csv", indicator="samhi")
    p.add_source("indicators", c / "population_london_lsoa11_mid2019.csv", indicator="population")
    p.add_source("lookup", c / "lookup_lsoa11_lsoa21_lad22_ew.csv")
    p.selection = type(p.selection)(end="2018-06", months=12)
    p.outputs = OutputParams(
        maps=("gistar", "clusters"), html=True, briefing=True, briefing_wards=("Rushey Green",)
    )
    p.save()
    out = folder / "out"
    messages: list[str] = []
    written = pipeline.run_project(Project.load(p.path), out, log=messages.append)
    return out, written, messages


@pytest.mark.realdata
@pytest.mark.slow
def test_lewisham_run_writes_every_output(lewisham):
    out, written, _ = lewisham
    names = {p.name for p in written}
    assert {
        "kde.tif",
        "results.gpkg",
        "map_gistar.png",
        "map_clusters.png",
        "map.html",
        "briefing.pdf",
        "ward_summary.csv",
    } <= names
    layers = {row[0] for row in pyogrio.list_layers(out / "results.gpkg")}
    assert {
        "gistar_cells",
        "gistar_lsoas",
        "rates_wards",
        "rates_lsoas",
        "bivariate_local",
    } <= layers


@pytest.mark.realdata
def test_lewisham_imd_reaches_the_2021_lsoas_through_the_lookup(lewisham):
    out, _, _ = lewisham
    table = pd.read_csv(out / "rates_lsoas.csv", encoding="utf-8-sig")
    assert len(table) == 175
    biv = pd.read_csv(out / "bivariate_lsoas.csv", encoding="utf-8-sig")
    assert biv["imd_score"].notna().sum() == 175  # carried from 2011 codes, none lost
    rho = scipy.stats.spearmanr(biv["rate"], biv["imd_score"]).statistic
    assert rho > 0.2  # violence goes with deprivation in Lewisham


@pytest.mark.realdata
def test_lewisham_ward_counts_equal_an_independent_count_of_the_json(lewisham, shared_data):
    out, _, _ = lewisham
    records = {}
    for f in sorted((shared_data / "police-uk" / "lewisham-api-json").glob("*/*.json")):
        for rec in json.loads(f.read_text()):
            records[rec["id"]] = rec  # the same record appears in two ward files
    wanted = {"violent-crime", "robbery", "possession-of-weapons"}
    rows = [
        (float(r["location"]["longitude"]), float(r["location"]["latitude"]))
        for r in records.values()
        if r["category"] in wanted and "2017-07" <= r["month"] <= "2018-06"
    ]
    lon, lat = np.array(rows).T
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    wards = gpd.read_file(shared_data / "boundaries" / "lewisham_wards_2022.geojson")
    joined = gpd.sjoin(points.to_crs(27700), wards.to_crs(27700), predicate="within")
    code_field = next(c for c in wards.columns if c.upper().startswith("WD22CD"))
    independent = joined.groupby(code_field).size()
    table = pd.read_csv(out / "rates_wards.csv", encoding="utf-8-sig").set_index("code")
    assert len(table) == 19
    counted = table["count"].reindex(independent.index)
    # points exactly on a ward boundary may fall either side: allow a handful
    assert (counted - independent).abs().sum() <= 5
    assert counted.idxmax() == independent.idxmax()


def test_every_output_says_which_map_points_were_left_out(run):
    out, _, _ = run
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "Left out of every analysis (selection.exclude_locations):" in summary
    line = re.search(r"On or near Hospital: ([\d,]+) offences at 1 map point left out", summary)
    assert line is not None
    left_out = int(line.group(1).replace(",", ""))
    report = (out / "load_report.txt").read_text(encoding="utf-8")
    assert "== Map points" in report and "[facility: Hospital] (left out of the analyses)" in report
    html = (out / "map.html").read_text(encoding="utf-8")
    assert f"{left_out:,} offences at 1 map point left out" in html  # the page's subtitle
    assert "Busiest map points" not in html  # where offences are: not without html_points
    text = "\n".join(page.extract_text() for page in PdfReader(out / "briefing.pdf").pages)
    assert "Left out of every analysis at the user" in " ".join(text.split())
    points = pd.read_csv(out / "map_points.csv", encoding="utf-8-sig")
    hospital = points[points["place"] == "Hospital"]
    assert len(hospital) == 1 and bool(hospital["excluded"].iloc[0])
    assert int(hospital["offences"].iloc[0]) == left_out


def test_zones_are_named_and_tie_out_in_every_file(run, window_results):
    out, _, _ = run
    zones = pd.read_csv(out / "hotspot_zones.csv", encoding="utf-8-sig")
    places = pd.read_csv(out / "hotspot_zones_places.csv", encoding="utf-8-sig")
    layer = pyogrio.read_dataframe(out / "results.gpkg", layer="hotspot_zones")
    assert zones["zone"].tolist() == list(range(1, len(zones) + 1))
    assert zones["offences"].is_monotonic_decreasing
    assert layer["offences"].tolist() == zones["offences"].tolist()
    assert places.groupby("zone")["offences"].sum().tolist() == zones["offences"].tolist()
    assert not zones["places"].str.contains("Hospital").any()  # left out
    # the four planted town centres are the four busiest zones, named by their high streets
    high = ["Wrenmoor High Street", "Hallowmere Parade", "Stannet Cross Broadway", "Corrow Street"]
    assert all(any(h in p for p in zones["places"].head(4)) for h in high)
    changes = pd.read_csv(out / "zones_before_after_exclusions.csv", encoding="utf-8-sig")
    gone = changes[changes["change"] == "no longer a zone"]
    assert len(gone) == 1 and "Gorsey Heath" in gone["name_before"].iloc[0]
    named = pd.read_csv(out / "named_areas.csv", encoding="utf-8-sig")
    assert sorted(named["name"]) == sorted(
        ["Wrenmoor Town Centre", "Hallowmere Parade", "Stannet Cross", "Corrow Street"]
    )
    assert named["zones_gistar"].notna().all()  # a Gi* zone in every town centre
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert re.search(r"Zone 1, [A-Za-z ]+: [\d,]+ offences \(\d+% of the borough\) in", summary)
