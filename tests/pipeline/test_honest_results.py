"""Honest results: no finished-looking output from meaningless input (``hotspot run``).

Each scenario an analyst meets with ordinary mistakes or weak analyses: the run refuses
before computing or writing anything, or it warns once and every output says on itself
what it shows and why.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _honest_data import identical_points_project, points_csv, two_authorities_project
from pypdf import PdfReader

from hotspot import pipeline
from hotspot.core.errors import ProjectError
from hotspot.demo import write_demo
from hotspot.model import OutputParams, Project, SelectionParams


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return write_demo(tmp_path_factory.mktemp("honest") / "demo").folder


@pytest.fixture(scope="module")
def demo_ws(demo):
    p = Project.load(demo / "project.toml")
    return p, pipeline.load_workspace(p)


def _demo(demo: Path, **changes) -> Project:
    p = Project.load(demo / "project.toml")
    for key, value in changes.items():
        setattr(p, key, value)
    return p


def _pdf_text(path: Path) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return " ".join(text.split())


def _nothing_written(out: Path) -> bool:
    """The output folder holds no file (it may have been made, to check it is writable)."""
    return not out.exists() or not any(out.iterdir())


def _flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- 1. checks first


def test_a_period_without_data_is_refused_naming_the_months_before_anything_is_written(
    demo, tmp_path
):
    p = _demo(demo, selection=SelectionParams(end="2020-06"), outputs=OutputParams(briefing=True))
    out = tmp_path / "out"
    with pytest.raises(ProjectError) as err:
        pipeline.run_project(p, out)
    text = str(err.value)
    assert "12 months to June 2020 (2019-07 to 2020-06) holds no month of offence data" in text
    assert "the offence data cover 2023-10 to 2025-09 (24 months)" in text
    assert "selection.end" in text  # how to fix it
    assert _nothing_written(out)


def test_a_period_with_far_fewer_months_of_data_than_it_spans_is_refused(demo, tmp_path):
    p = _demo(demo, selection=SelectionParams(end="2023-12", months=12, compare=False))
    with pytest.raises(ProjectError, match="holds only 3 of the 12 months of offence data"):
        pipeline.run_project(p, tmp_path / "out")
    assert _nothing_written(tmp_path / "out")


def test_a_comparison_period_without_data_gives_no_change_figures(demo, tmp_path):
    p = _demo(
        demo,
        selection=SelectionParams(end="2024-09", months=12, compare=True),
        outputs=OutputParams(analyses=("rates",), csv=True, gpkg=False),
    )
    outcome = pipeline.run_project(p, tmp_path)
    assert any("no change figures" in w for w in outcome.warnings)
    table = pd.read_csv(tmp_path / "rates_wards.csv", encoding="utf-8-sig")
    assert "change" not in table.columns  # not a +100% rise from an empty period
    assert "no change figures" in (tmp_path / "summary.txt").read_text(encoding="utf-8")


def test_a_misspelt_briefing_ward_is_refused_before_any_analysis_runs(demo, tmp_path):
    p = _demo(demo, outputs=OutputParams(briefing=True, briefing_wards=("Alderbrok",)))
    out = tmp_path / "out"
    with pytest.raises(ProjectError) as err:
        pipeline.run_project(p, out)
    text = str(err.value)
    assert "outputs.briefing_wards: no ward is called or coded 'Alderbrok'" in text
    assert "Alderbrook" in text and "Kestrel Hill" in text  # the ward names to choose from
    assert _nothing_written(out)  # so the rerun needs no --force


def test_a_print_map_whose_analysis_is_left_out_is_refused(demo, tmp_path):
    p = _demo(demo, outputs=OutputParams(analyses=("kde",), maps=("clusters",)))
    with pytest.raises(ProjectError, match="'clusters' map comes from the correlation"):
        pipeline.run_project(p, tmp_path / "out")


def test_offence_points_are_refused_in_a_map_with_suppressed_counts(demo, tmp_path):
    outputs = OutputParams(analyses=("kde",), html=True, html_points=True, suppress_below=5)
    out = tmp_path / "out"
    with pytest.raises(ProjectError, match="outputs.html_points: each offence point"):
        pipeline.run_project(_demo(demo, outputs=outputs), out)
    assert _nothing_written(out)


def test_suppressed_runs_leave_out_the_offence_records_and_say_so(demo, tmp_path):
    outputs = OutputParams(analyses=("kde",), csv=False, gpkg=False, suppress_below=5)
    written = pipeline.run_project(_demo(demo, outputs=outputs), tmp_path / "out")
    assert not (tmp_path / "out" / "offences.gpkg").exists()
    assert any("offences.gpkg is not written" in w for w in written.warnings)
    unsuppressed = OutputParams(analyses=("kde",), csv=False, gpkg=False, suppress_below=0)
    pipeline.run_project(_demo(demo, outputs=unsuppressed), tmp_path / "internal")
    assert (tmp_path / "internal" / "offences.gpkg").exists()


def test_boundaries_of_another_place_are_refused(demo, tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    far = gpd.GeoDataFrame(
        {"WD24CD": ["E05999991", "E05999992"], "WD24NM": ["North", "South"]},
        geometry=[box(300000, 700000, 301000, 701000), box(300000, 699000, 301000, 700000)],
        crs=27700,
    )
    far.to_file(tmp_path / "far_wards.geojson")
    p = _demo(demo)
    p.sources = [s for s in p.sources if s.kind == "offences"]
    p.path = demo / "x.toml"
    p.add_source("areas", str(tmp_path / "far_wards.geojson"), role="wards")
    with pytest.raises(ProjectError, match="none of the .* selected offences lies inside the ward"):
        pipeline.run_project(p, tmp_path / "out")


@pytest.mark.realdata
def test_lewisham_period_without_data_names_the_months_the_json_holds(lewisham_project, tmp_path):
    p = lewisham_project.copy()
    p.selection = SelectionParams(end="2020-06")
    with pytest.raises(ProjectError) as err:
        pipeline.run_project(p, tmp_path / "out")
    assert "the offence data cover 2016-01 to 2018-06 (29 months; 1 missing: 2016-03)" in str(
        err.value
    )
    assert _nothing_written(tmp_path / "out")


# --------------------------------------------------------------------------- 2. study area


@pytest.fixture(scope="module")
def two_authorities(tmp_path_factory) -> Path:
    return two_authorities_project(tmp_path_factory.mktemp("two"))


def test_boundaries_far_beyond_the_offences_are_warned_about_and_maps_framed_on_the_offences(
    two_authorities, tmp_path
):
    from hotspot.pipeline import study_area

    p = pipeline.load_project(two_authorities)
    p.outputs = OutputParams(analyses=("rates",), maps=("rates",), html=True, gpkg=False)
    messages: list[str] = []
    pipeline.run_project(p, tmp_path, log=messages.append)
    warned = [m for m in messages if "reach far beyond the offences" in m]
    assert warned and "only 5 of 50 LSOAs (10.0%) hold any offence" in warned[0]
    assert 'local_authorities = ["Alpha"]' in warned[0]
    ws = pipeline.load_workspace(p)
    frame = study_area.map_frame(ws)
    assert frame[2] - frame[0] <= 600  # the Alpha column (500 m), not the 5 km of both
    html = (tmp_path / "map.html").read_text(encoding="utf-8")
    bounds = re.search(
        r"fitBounds\(\s*\[\[([-\d.]+), ([-\d.]+)\], \[([-\d.]+), ([-\d.]+)\]\]", html
    )
    west, east = float(bounds.group(2)), float(bounds.group(4))
    assert (east - west) * 111_000 * np.cos(np.radians(51.5)) < 1000  # metres


def test_the_study_area_option_restricts_every_boundary_layer(two_authorities, tmp_path):
    p = pipeline.load_project(two_authorities)
    p.selection = SelectionParams(
        group="All crime", months=3, compare=False, local_authorities=("E09000101",)
    )
    p.outputs = OutputParams(analyses=("rates",), gpkg=False)
    messages: list[str] = []
    pipeline.run_project(p, tmp_path, log=messages.append)
    assert not [m for m in messages if "reach far beyond" in m]
    table = pd.read_csv(tmp_path / "rates_lsoas.csv", encoding="utf-8-sig")
    assert len(table) == 5 and table["name"].str.startswith("Alpha").all()
    wards = pd.read_csv(tmp_path / "rates_wards.csv", encoding="utf-8-sig")
    assert list(wards["name"]) == ["Alpha Ward"]  # no LAD field: kept by where it lies
    p.selection = SelectionParams(group="All crime", local_authorities=("Alfa",))
    with pytest.raises(
        ProjectError, match="'Alfa' is not a local authority.*Alpha \\(E09000101\\)"
    ):
        pipeline.load_workspace(p)


@pytest.mark.realdata
@pytest.mark.slow
def test_city_of_london_on_londons_lsoas_is_framed_and_restricted(shared_data, tmp_path):
    from hotspot.maps.static import MapContext  # noqa: F401 - the framing is the context's

    p = Project(name="City", path=tmp_path / "city.toml")
    p.add_source("offences", shared_data / "police-uk" / "city-of-london-street-csv")
    p.add_source(
        "areas",
        shared_data / "boundaries" / "london_lsoa_2011_bng_shp" / "london-2011-lsoa-gen20.shp",
        role="lsoas",
    )
    p.outputs = OutputParams(analyses=("rates",), maps=("rates",), gpkg=False, csv=True)
    p.save()
    messages: list[str] = []
    pipeline.run_project(p, tmp_path / "all", log=messages.append)
    warned = next(m for m in messages if "reach far beyond the offences" in m)
    assert "of 4,835 LSOAs" in warned and 'local_authorities = ["City of London"]' in warned
    ws = pipeline.load_workspace(p)
    ctx = pipeline.output_maps.map_context(p, ws, pipeline.select(p, ws))
    assert ctx.frame is not None and ctx.frame[2] - ctx.frame[0] < 8000  # not London's 50 km
    p.selection = SelectionParams(local_authorities=("City of London",))
    messages.clear()
    pipeline.run_project(p, tmp_path / "city", log=messages.append)
    assert not [m for m in messages if "reach far beyond" in m]
    table = pd.read_csv(tmp_path / "city" / "rates_lsoas.csv", encoding="utf-8-sig")
    assert len(table) == 6 and table["name"].str.startswith("City of London").all()


# --------------------------------------------------------------------------- 3. power


def test_default_bivariate_permutations_can_find_the_demos_clusters(demo_ws):
    project, ws = demo_ws
    b = pipeline.run_analysis("bivariate", project, ws)["bivariate"]
    assert b.params.permutations == 9999  # scaled to the 170 LSOAs: one alone can reach 95%
    assert b.power.alone and not [w for w in b.warnings if "smallest possible p-value" in w]
    assert b.n_significant > 0


def test_too_few_permutations_are_said_up_front_with_what_would_work(demo_ws):
    from hotspot.analysis.gistar import GiStarParams

    project, ws = demo_ws
    p = project.copy()
    p.analysis["gistar"] = GiStarParams(permutations=999)
    g = pipeline.run_analysis("gistar", p, ws)["gistar"]
    advice = next(w for w in g.warnings if "smallest possible p-value is 0.002" in w)
    n = int(np.isfinite(g.cells["gi_z"]).sum())
    needed = int(np.ceil(0.002 * n / 0.10))
    assert f"at least {needed:,} cells reach that smallest p-value together" in advice
    assert "the analytical test (permutations = 0)" in advice
    assert "99,999 permutations, the most Hotspot runs (2 cells must then" in advice
    assert "no FDR correction (fdr = false" in advice


def test_the_readme_example_no_longer_empties_the_gistar_map():
    import tomllib

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", readme, re.S).group(1)
    example = tomllib.loads(block)
    from hotspot.analysis import permutation_power
    from hotspot.analysis.gistar import GiStarParams

    gistar = GiStarParams(**example.get("analysis", {}).get("gistar", {}))
    # Lewisham's Gi* grid has 3,760 cells of 100 m
    power = permutation_power.power(
        3760, gistar.permutations, 0.10, fdr=gistar.fdr, analytical=True
    )
    assert power.alone


# --------------------------------------------------------------------------- 4. empty is said


@pytest.fixture(scope="module")
def weak_run(demo, tmp_path_factory):
    """The demo with a Gi* that cannot reach significance: every output must say so."""
    from hotspot.analysis.gistar import GiStarParams

    p = _demo(
        demo,
        outputs=OutputParams(
            analyses=("gistar", "rates"),
            maps=("gistar",),
            html=True,
            briefing=True,
            briefing_wards=("Alderbrook",),
            gpkg=False,
        ),
    )
    p.analysis["gistar"] = GiStarParams(permutations=99)
    out = tmp_path_factory.mktemp("weak")
    messages: list[str] = []
    outcome = pipeline.run_project(p, out, log=messages.append)
    ws = pipeline.load_workspace(p)
    return p, ws, out, outcome, messages


EMPTY = "No significant hot or cold spots at 90% confidence after FDR correction: with 99"


@pytest.mark.slow
def test_an_empty_significance_map_says_so_on_the_map_the_page_and_the_html(weak_run):
    from hotspot.maps import static

    p, ws, out, outcome, messages = weak_run
    # said up front, before the permutations ran, on the terminal
    assert any(m.startswith("gistar: With 99 permutations the smallest") for m in messages)
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    assert EMPTY in summary
    html = (out / "map.html").read_text(encoding="utf-8")
    assert EMPTY in html  # the layer's legend
    assert EMPTY in _pdf_text(out / "briefing.pdf").replace("- ", "")  # map page and methods
    g = pipeline.run_analysis("gistar", p, ws)["gistar"]
    ctx = pipeline.output_maps.map_context(p, ws, pipeline.select(p, ws))
    fig = static.gistar_map(g, ctx)
    note = [t for t in fig.findobj() if getattr(t, "get_gid", lambda: None)() == "empty-note"]
    assert note and _flat(note[0].get_text()).startswith(EMPTY)


@pytest.mark.slow
def test_every_warning_of_a_run_appears_once_in_summary_and_methods_page(weak_run):
    p, ws, out, outcome, messages = weak_run
    assert messages == outcome.warnings and len(messages) == len(set(messages))
    bodies = [m.split(": ", 1)[1] if re.match(r"^\w+: ", m) else m for m in messages]
    assert len(bodies) == len(set(bodies))  # a warning two analyses share is said once
    summary = (out / "summary.txt").read_text(encoding="utf-8")
    pack = _pdf_text(out / "briefing.pdf").replace("- ", "")
    for m in messages:
        assert summary.count(m) == 1
        assert _flat(m)[:60] in pack


# --------------------------------------------------------------------------- 5. degenerate


def test_identical_points_get_a_stated_fallback_bandwidth_instead_of_a_refusal(tmp_path):
    """All offences at one map point: the bandwidth used to be floating-point noise and the
    run stopped on "kde.bandwidth ... below the minimum", a key the user never set."""
    p = pipeline.load_project(identical_points_project(tmp_path))
    p.outputs = OutputParams(analyses=("kde",), csv=False, gpkg=False)
    outcome = pipeline.run_project(p, tmp_path / "out")
    assert not outcome.unmade
    summary = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    assert "Silverman's rule has no spread to measure; used 5 cells (at least 100 m)" in summary
    assert (tmp_path / "out" / "kde.tif").exists()


def test_a_single_lsoa_gives_rates_and_refuses_the_rest_naming_the_cause(tmp_path):
    import geopandas as gpd
    from shapely.geometry import box

    from hotspot.analysis.correlation import BivariateParams

    gpd.GeoDataFrame(
        {"LSOA21CD": ["E01000001"], "LSOA21NM": ["Solo 001A"], "imd_score": [20.0]},
        geometry=[box(530000, 180000, 531000, 181000)],
        crs=27700,
    ).to_file(tmp_path / "lsoa.geojson")
    pd.DataFrame({"lsoa21cd": ["E01000001"], "imd_score": [20.0]}).to_csv(
        tmp_path / "imd.csv", index=False
    )
    rng = np.random.default_rng(1)
    xy = gpd.GeoSeries(
        gpd.points_from_xy(*rng.uniform([530100, 180100], [530900, 180900], (80, 2)).T), crs=27700
    ).to_crs(4326)
    csv = points_csv(tmp_path, xy.x, xy.y)
    p = Project(name="Solo", path=tmp_path / "p.toml")
    p.add_source("offences", str(csv))
    p.add_source("areas", str(tmp_path / "lsoa.geojson"), role="lsoas", level="lsoa")
    p.add_source("indicators", str(tmp_path / "imd.csv"), indicator="imd")
    p.selection = SelectionParams(group="All crime", months=1, compare=False)
    p.analysis["bivariate"] = BivariateParams(measure="count")
    p.outputs = OutputParams(analyses=("rates", "bivariate"), gpkg=False)
    outcome = pipeline.run_project(p, tmp_path / "out")
    table = pd.read_csv(tmp_path / "out" / "rates_lsoas.csv", encoding="utf-8-sig")
    assert len(table) == 1 and table["count"].iloc[0] == 80
    refused = " ".join(outcome.unmade)
    assert "bivariate: not run" in refused and "only 1 areas" in refused
    assert any("Gi* of LSOA counts: not made" in w for w in outcome.warnings)


def test_all_zero_rates_and_a_constant_indicator_are_refused_naming_the_cause():
    import geopandas as gpd
    from shapely.geometry import box

    from hotspot.analysis.correlation import run_bivariate
    from hotspot.analysis.gistar import run_gistar_areas
    from hotspot.core.errors import AnalysisError
    from hotspot.maps.layers import AreaChoropleth

    areas = gpd.GeoDataFrame(
        {
            "code": [f"A{i}" for i in range(36)],
            "rate": 0.0,
            "imd_score": np.linspace(5, 50, 36),
            "samhi_index": 1.5,
        },
        geometry=[
            box(i % 6 * 100, i // 6 * 100, i % 6 * 100 + 100, i // 6 * 100 + 100) for i in range(36)
        ],
        crs=27700,
    )
    with pytest.raises(AnalysisError, match="every area has the same 'rate' value"):
        run_gistar_areas(areas, "rate")
    with pytest.raises(AnalysisError, match=r"rate has the same value \(0\) in all 36 areas"):
        run_bivariate(areas, "rate", "imd_score")
    areas["rate"] = np.arange(36.0)
    with pytest.raises(AnalysisError, match=r"samhi_index has the same value \(1.5\) in all 36"):
        run_bivariate(areas, "rate", "samhi_index")
    areas["rate"] = 0.0
    note = AreaChoropleth(areas, column="rate").empty_note()
    assert note.startswith("Every area has the same offences per 1,000 residents (0)")


# --------------------------------------------------------------------------- 6. categories

REDUCED = {
    "violent or sexual": 60,
    "theft from person": 25,
    "burglary": 30,
    "anti social behaviour": 40,
    "knife crime": 5,
}


@pytest.fixture(scope="module")
def reduced_layout(tmp_path_factory) -> Project:
    """Offences in a reduced layout whose labels are not police.uk's own wording."""
    import geopandas as gpd

    folder = tmp_path_factory.mktemp("reduced")
    rng = np.random.default_rng(2)
    labels = [k for k, n in REDUCED.items() for _ in range(n)]
    xy = gpd.GeoSeries(
        gpd.points_from_xy(*rng.uniform([530000, 180000], [533000, 183000], (len(labels), 2)).T),
        crs=27700,
    ).to_crs(4326)
    csv = points_csv(folder, xy.x, xy.y, cat=labels, months=("2024-01", "2024-02"))
    p = Project(name="Reduced layout", path=folder / "p.toml")
    p.add_source("offences", str(csv))
    p.selection = SelectionParams(months=2, compare=False)
    p.outputs = OutputParams(analyses=("kde",), csv=False, gpkg=False)
    p.save()
    return p


def test_labels_in_other_wording_are_read_as_police_uk_categories_and_shown(reduced_layout):
    ws = pipeline.load_workspace(reduced_layout)
    report = ws.offences.report
    assert report.categories["Violence and sexual offences"] == 60
    assert report.categories["Theft from the person"] == 25
    assert report.unknown_categories == {"knife crime": 5}
    summary = report.summary()
    assert "'violent or sexual' -> Violence and sexual offences: 60 rows" in summary
    assert "'knife crime' (5 rows)" in summary and '[categories] "knife crime"' in summary
    sel = pipeline.select(reduced_layout, ws)
    assert len(sel.offences) == 60  # serious violence now finds the "violent or sexual" rows


def test_all_crime_is_every_row_and_other_groups_say_what_they_leave_out(reduced_layout, tmp_path):
    p = reduced_layout.copy()
    p.selection = SelectionParams(group="All crime", months=2, compare=False)
    ws = pipeline.load_workspace(p)
    sel = pipeline.select(p, ws)
    assert len(sel.offences) == sum(REDUCED.values()) == ws.offences.report.rows_kept
    assert sel.left_out == {}
    p.selection = SelectionParams(months=2, compare=False)
    pipeline.run_project(p, tmp_path)
    summary = (tmp_path / "summary.txt").read_text(encoding="utf-8")
    assert "60 offences selected; the group leaves out 100 rows of other categories" in summary
    assert "'knife crime' 5 (not a police.uk category)" in summary
    report = (tmp_path / "load_report.txt").read_text(encoding="utf-8")
    assert "leaves out 100 rows" in report


def test_the_project_maps_its_own_labels(reduced_layout):
    p = reduced_layout.copy()
    p.categories = {"knife crime": "Possession of weapons"}
    path = p.save(p.path.with_name("mapped.toml"))
    p = pipeline.load_project(path)
    ws = pipeline.load_workspace(p)
    assert ws.offences.report.unknown_categories == {}
    assert ws.offences.report.categories["Possession of weapons"] == 5
    assert "'knife crime' -> Possession of weapons: 5 rows (the project's [categories])" in (
        ws.offences.report.summary()
    )
    assert len(pipeline.select(p, ws).offences) == 65


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def lewisham_project(shared_data, tmp_path_factory) -> Project:
    folder = tmp_path_factory.mktemp("lewisham_honest")
    p = Project(name="Lewisham violence", path=folder / "project.toml")
    b = shared_data / "boundaries"
    p.add_source("offences", shared_data / "police-uk" / "lewisham-api-json")
    p.add_source("areas", b / "lewisham_wards_2022.geojson", role="wards")
    p.add_source("areas", b / "lewisham_lsoa_2021.geojson", role="lsoas")
    p.add_source("areas", b / "lewisham_borough_bng.geojson", role="study_area")
    p.selection = SelectionParams(end="2018-06", months=12)
    p.save()
    return p


# --------------------------------------------------------------------------- 7. PySAL


@pytest.mark.slow
def test_verify_states_the_largest_difference_in_summary_and_briefing(demo, tmp_path):
    from hotspot import cli
    from hotspot.analysis.correlation import BivariateParams

    p = _demo(
        demo,
        outputs=OutputParams(
            analyses=("gistar", "rates", "bivariate"), briefing=True, gpkg=False, csv=False
        ),
    )
    p.analysis["bivariate"] = BivariateParams(permutations=999)  # esda's slower without numba
    path = p.save(demo / "verify.toml")
    try:
        assert cli.main(["run", str(path), "--out", str(tmp_path), "--verify", "--quiet"]) == 0
    finally:
        path.unlink()
    summary = (tmp_path / "summary.txt").read_text(encoding="utf-8")
    assert re.search(r"Checked against PySAL \(esda 2\.\d+\.\d+, libpysal 4\.", summary)
    found = re.search(
        r"Gi\* hot spots \(6,480 grid cells\): largest difference in z (\S+), in p (\S+)\.",
        summary,
    )
    assert found and float(found.group(1)) < 1e-8 and float(found.group(2)) < 1e-8
    local = re.search(r"in global I (\S+), in local I (\S+);", summary)
    assert float(local.group(1)) < 1e-10 and float(local.group(2)) < 1e-8
    assert "quadrants agree in 170 of 170 areas" in summary
    assert "Checked against PySAL (esda" in _pdf_text(tmp_path / "briefing.pdf")


def test_a_result_that_differs_from_esda_is_reported(demo_ws):
    """The check can fail: a Gi* result with altered z-scores is caught and reported."""
    import dataclasses

    from hotspot.pipeline.verify import verify_results

    project, ws = demo_ws
    g = pipeline.run_analysis("gistar", project, ws)["gistar"]
    good = verify_results({"gistar": g})
    assert good.largest < 1e-8 and not good.warnings
    cells = g.cells.copy()
    cells.loc[cells.index[0], "gi_z"] += 0.25
    bad = verify_results({"gistar": dataclasses.replace(g, cells=cells)})
    assert bad.largest == pytest.approx(0.25, abs=1e-8)
    assert "differ by up to 0.25" in bad.warnings[0]
