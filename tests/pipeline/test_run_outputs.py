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
import shapely
from PIL import Image
from pypdf import PdfReader

from hotspot import pipeline
from hotspot.core.errors import ExportError
from hotspot.demo import write_demo
from hotspot.model import OutputParams, Project

ALL_MAPS = (
    "kde",
    "gistar",
    "rates",
    "change",
    "clusters",
    "bivariate",
    "emerging",
    "stability",
    "named_areas",
)


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
        marking="OFFICIAL-SENSITIVE",
        version="0.3 draft",
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
        "gistar_cells.csv",
        "gistar_lsoas.csv",
        "hotspot_zones.csv",
        "hotspot_zones_places.csv",
        "kde_hotspot_zones.csv",
        "kde_hotspot_zones_places.csv",
        "map_points.csv",
        "zones_before_after_exclusions.csv",
        "named_areas.csv",
        "emerging_hot_spots.csv",
        "emerging_cube.csv",
        "evaluation_scores.csv",
        "evaluation_capture.csv",
        "evaluation_stability.csv",
    } | {f"map_{k}.{f}" for k in ALL_MAPS for f in ("png", "pdf")}
    assert names == expected
    assert all((out / n).stat().st_size > 0 for n in names)
    assert not [p for p in out.iterdir() if ".part" in p.name], "temporary files left behind"


def test_emerging_outputs_hold_the_cube_the_categories_and_the_months(run, demo):
    out, _, _ = run
    layer = pyogrio.read_dataframe(out / "results.gpkg", layer="emerging_hot_spots")
    cube = pd.read_csv(out / "emerging_cube.csv", encoding="utf-8-sig")
    table = pd.read_csv(out / "emerging_hot_spots.csv", encoding="utf-8-sig")
    assert list(table["cell_id"]) == list(layer["cell_id"])
    # the cube in long format: every cell in each of the 24 monthly steps
    assert len(cube) == len(layer) * 24 and sorted(set(cube["step"])) == list(range(24))
    assert {"cell_id", "step", "start", "end", "n"} <= set(cube.columns)
    assert cube.columns[0] == "n" and cube.columns[-1] == "cell_id"  # offences first, key last
    per_cell = cube.groupby("cell_id")["n"].sum()
    assert (per_cell.reindex(layer["cell_id"]).to_numpy() == layer["n"].to_numpy()).all()
    truth = json.loads((demo / "ground_truth.json").read_text())
    for site in truth["temporal_hotspots"]:
        hit = layer[layer.geometry.intersects(shapely.Point(site["x"], site["y"]).buffer(0.01))]
        assert hit["pattern"].iloc[0] == site["expected_category"]
    params = pyogrio.read_dataframe(out / "results.gpkg", layer="hotspot_params")
    stored = params[params["layer"] == "emerging_hot_spots"].set_index("parameter")["value"]
    assert json.loads(stored["window"]) == "2023-10 to 2025-09"
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "Emerging hot spots: 24 months, 2023-10 to 2025-09, in 24 monthly steps" in summary


def test_evaluation_scores_are_worked_out_from_the_offences(run, demo):
    """PAI and hit rate of the Gi* hot spots, recomputed here from the written cells."""
    out, _, _ = run
    scores = pd.read_csv(out / "evaluation_scores.csv", encoding="utf-8-sig").set_index("method")
    assert set(scores.index) == {"Kernel density", "Gi*"}
    shares = ["area_share", "hit_rate", "hit_rate_t1", "capture_1", "capture_5", "capture_10"]
    assert scores[shares].apply(lambda c: c.str.fullmatch(r"\d+\.\d%")).all().all()
    scores[shares] = scores[shares].apply(lambda c: c.str.rstrip("%").astype(float) / 100)
    rounded = 0.06  # shares to 0.1 percentage point, PAI to 0.1, ratios to 0.01
    for _, r in scores.iterrows():
        assert r["pai"] == pytest.approx(r["hit_rate"] / r["area_share"], rel=rounded)
        assert r["rri"] == pytest.approx(r["pai"] / r["pai_t1"], rel=rounded)
        assert r["pei"] == pytest.approx(r["pai"] / r["ppai"], rel=rounded)
        assert 0 < r["capture_1"] <= r["capture_5"] <= r["capture_10"] <= 1
        assert r["pai"] > 3  # the demo's hot spots stay put
    stability = pd.read_csv(out / "evaluation_stability.csv", encoding="utf-8-sig")
    same = stability[stability["factor"] == 1.0]
    assert (same["jaccard"] == 1.0).all() and (stability["jaccard"] <= 1.0).all()
    cells = pyogrio.read_dataframe(out / "results.gpkg", layer="hotspot_stability")
    assert set(cells["agreement"]) <= {"all", "most", "few", "none"}
    assert (cells["agreement"] == "all").sum() > 0


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
    # from the GIS layer, which keeps every decimal (the CSV is rounded for reading)
    table = pyogrio.read_dataframe(out / "results.gpkg", layer="bivariate_local")
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


def test_kde_hot_spot_areas_are_the_zones_counted_independently_in_every_file(
    run, window_results, full_project
):
    """One table of KDE hot spot areas: the zones of the map's hottest class, whose offences,
    shares and PAI a geopandas count of the selected offences gives back."""
    out, _, _ = run
    ws, _ = window_results
    zones = pd.read_csv(out / "kde_hotspot_zones.csv", encoding="utf-8-sig")
    places = pd.read_csv(out / "kde_hotspot_zones_places.csv", encoding="utf-8-sig")
    layer = pyogrio.read_dataframe(out / "results.gpkg", layer="kde_hotspot_zones")
    assert "kde_hotspot_areas" not in set(pyogrio.list_layers(out / "results.gpkg")[:, 0])
    assert len(zones) >= 4 and zones["zone"].tolist() == list(range(1, len(zones) + 1))
    assert {"offences", "share_offences", "area_km2", "pai", "wards", "places"} <= set(zones)
    assert places.groupby("zone")["offences"].sum().tolist() == zones["offences"].tolist()
    offences = pyogrio.read_dataframe(out / "offences.gpkg")
    area = ws.study_area()
    n_inside = int(offences.within(area).sum())
    joined = gpd.sjoin(offences, layer[["zone", "geometry"]], predicate="within")
    counted = joined.groupby("zone").size().reindex(layer["zone"], fill_value=0)
    assert counted.tolist() == layer["offences"].tolist() == zones["offences"].tolist()
    share_area = layer.geometry.area.to_numpy() / area.area
    np.testing.assert_allclose(layer["share_offences"], counted / n_inside, rtol=1e-9)
    np.testing.assert_allclose(layer["pai"], counted / n_inside / share_area, rtol=1e-9)
    assert (zones["pai"] > 1).all() and zones["wards"].notna().all()
    # summary.txt and the window's table say the rule the map draws as its hottest class
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert "Largest hotspot" not in summary
    rule = "Kernel density cells in the top hotspot class (above 3x the mean of non-zero cells"
    assert rule in summary and re.search(r"in [\d.]+ km² \(PAI [\d.]+\)", summary)
    from hotspot.maps.zone_layers import ZoneOutlines
    from hotspot.pipeline.specs.kde import SPEC

    results = pipeline.run_analysis("kde", full_project, ws)
    tables = {t.key: t for t in SPEC.tables(results)}
    assert "kde_areas" not in tables and tables["kde_zones"].title == "KDE hot spot zones"
    assert tables["kde_zones"].caption.startswith(rule)
    assert ZoneOutlines(results["kde_zones"]).legend().note.startswith(rule)


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


@pytest.mark.realdata
def test_lewisham_defaults_find_hot_spots_and_clusters_and_say_nothing_is_missing(lewisham):
    """The real files with the defaults: every output made, Gi* hot spots and local clusters
    found (the correlation's permutations scale with the 175 LSOAs), no empty-map note."""
    out, written, messages = lewisham
    assert written.unmade == []
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    hot = re.search(r"Hot spot, 99% confidence: (\d+) cells", summary)
    assert hot and int(hot.group(1)) > 10
    clusters = re.search(
        r"Local clusters \(175 LSOAs, 9,999 permutations, seed \d+\): (.*)\.", summary
    )
    assert clusters and "none significant" not in clusters.group(1)
    assert "No significant" not in summary
    assert not [m for m in messages if "reach far beyond" in m or "smallest possible" in m]


# --------------------------------------------------------------------------- for reading


def test_csv_tables_are_rounded_and_ordered_for_reading(run):
    """No 59.33999394489857, no "13212.0", shares as %, p-values as "< 0.001"."""
    out, _, _ = run
    for path in sorted(out.glob("*.csv")):
        text = path.read_text(encoding="utf-8-sig")
        assert not re.search(r"\d\.\d{4,}", text), f"{path.name}: an unrounded number"
        assert not re.search(r"e-\d\d", text), f"{path.name}: a number in e-notation"
    wards = pd.read_csv(out / "rates_wards.csv", encoding="utf-8-sig", dtype=str)
    assert list(wards.columns[:3]) == ["name", "code", "count"]
    assert wards["population"].str.fullmatch(r"\d+").all()  # residents, whole
    assert wards["share"].str.fullmatch(r"\d+\.\d%").all()
    assert wards["rate"].str.fullmatch(r"\d+\.\d").all()
    assert wards["rank"].astype(int).is_monotonic_increasing  # ranked, 1 first
    cells = pd.read_csv(out / "gistar_cells.csv", encoding="utf-8-sig", dtype=str)
    assert list(cells.columns[:4]) == ["ward", "streets", "n", "label"]
    assert list(cells.columns[-3:]) == ["cell_id", "row", "col"]
    assert cells["gi_z"].astype(float).is_monotonic_decreasing  # hot spots first
    assert cells["ward"].notna().mean() > 0.95
    assert (cells["p_value"] == "< 0.001").any()
    summary = pd.read_csv(out / "ward_summary.csv", encoding="utf-8-sig", dtype=str)
    assert summary["Residents"].str.fullmatch(r"\d+").all()


def test_marking_version_and_date_from_the_project_are_on_every_page(run):
    import datetime as dt

    out, _, _ = run
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(out / "briefing.pdf").pages]
    today = f"{dt.date.today():%d %B %Y}".lstrip("0")
    for i, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, i
        assert f"Version 0.3 draft · {today}" in text, i
        assert f"Page {i} of {len(pages)}" in text


def test_no_folder_of_the_project_is_printed_in_the_pack(run, demo):
    out, _, _ = run
    text = " ".join(p.extract_text() for p in PdfReader(out / "briefing.pdf").pages)
    assert str(demo) not in text and str(demo.parent) not in text
    assert not re.search(r"(?<![\w.])/(tmp|home|root|Users)/", text)
    assert "wrenmoor_wards_2024.geojson" in text  # sources by file name


def test_window_html_and_print_maps_carry_the_same_attribution_year(run, full_project):
    from hotspot.maps.attributions import os_copyright

    out, _, _ = run
    ws = pipeline.load_workspace(full_project)
    year = pipeline.boundary_year(ws)
    assert year == ws.wards.vintage
    line = os_copyright(year)
    html = (out / "map.html").read_text(encoding="utf-8")
    assert f"database right {year}" in html and f"Crown copyright {year}" in html  # full, short
    assert line in PdfReader(out / "map_gistar.pdf").pages[0].extract_text()
    assert line in pipeline.map_attributions(ws)  # what the window's map is given


def test_summary_counts_are_whole_numbers_without_populations():
    """Wards ranked by count said "784.0 offences"."""
    import geopandas as gpd
    from shapely.geometry import box

    from hotspot.analysis.rates import area_rates
    from hotspot.pipeline.registry import spec

    wards = gpd.GeoDataFrame(
        {"code": ["E1", "E2"], "name": ["West", "East"]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)],
        crs=27700,
    )
    pts = gpd.GeoDataFrame(
        geometry=gpd.points_from_xy([10] * 784 + [150] * 3, [50] * 787), crs=27700
    )
    stats = area_rates(pts, wards)
    lines = spec("rates").summary({"rates_ward": stats})
    assert "  West: 784 offences" in lines and "  East: 3 offences" in lines
