"""GIS and data exports, read back with pyogrio, rasterio, sqlite3 and pandas."""

from __future__ import annotations

import json
import sqlite3
import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import rasterio
from shapely.geometry import box

from hotspot import export
from hotspot.core.errors import ExportError
from hotspot.core.progress import AnalysisCancelled, CallbackProgress, CancelToken
from hotspot.model import Period

X0, Y0 = 537000.0, 172000.0


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def wards():
    rows = [
        {
            "code": f"E0500{i:04d}",
            "name": name,
            "geometry": box(
                X0 + (i % 3) * 1000,
                Y0 + (i // 3) * 1000,
                X0 + (i % 3 + 1) * 1000,
                Y0 + (i // 3 + 1) * 1000,
            ),
        }
        for i, name in enumerate(
            ["Northfield", "Riverside", "Hilltop", "Parkside", "Station", "Marsh"]
        )
    ]
    return gpd.GeoDataFrame(rows, crs="EPSG:27700")


@pytest.fixture(scope="module")
def points():
    rng = np.random.default_rng(3)
    hot = np.column_stack([rng.normal(X0 + 2500, 150, 300), rng.normal(Y0 + 1500, 150, 300)])
    flat = np.column_stack([rng.uniform(X0, X0 + 3000, 300), rng.uniform(Y0, Y0 + 2000, 300)])
    xy = np.vstack([hot, flat])
    xy[:, 0] = np.clip(xy[:, 0], X0 + 1, X0 + 2999)
    xy[:, 1] = np.clip(xy[:, 1], Y0 + 1, Y0 + 1999)
    months = pd.date_range("2022-11-01", "2024-10-01", freq="MS")
    return gpd.GeoDataFrame(
        {"category": "Robbery", "month": rng.choice(months, len(xy))},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:27700",
    )


@pytest.fixture(scope="module")
def results(points, wards):
    from hotspot.analysis.correlation import BivariateParams, run_bivariate
    from hotspot.analysis.gistar import GiStarParams, run_gistar_grid
    from hotspot.analysis.kde import KdeParams, run_kde
    from hotspot.analysis.rates import area_rates

    period = Period.months_to("2024-10", 12)
    sel = points[period.contains(points["month"])]
    outline = wards.dissolve()
    areas = wards.assign(population=[10000, 12000, 9000, 11000, 15000, 8000])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kde = run_kde(sel, KdeParams(bandwidth=300, cell_size=50), study_area=outline)
        gi = run_gistar_grid(
            sel, GiStarParams(cell_size=250, permutations=99, seed=5), study_area=outline
        )
        stats = area_rates(points, areas, period=period, comparison=True)
        table = stats.table.assign(imd_score=[12.0, 35.5, 8.2, 28.0, 41.3, 15.1])
        biv = run_bivariate(table, "rate", "imd_score", BivariateParams(permutations=99, seed=9))
    return {"kde": kde, "gistar": gi, "rates": stats, "bivariate": biv}


@pytest.fixture(scope="module")
def gpkg(results, wards, tmp_path_factory):
    path = tmp_path_factory.mktemp("gpkg") / "results.gpkg"
    export.export_geopackage(path, **results, extra={"wards": wards})
    return path


# --------------------------------------------------------------------------- GeoPackage


def test_geopackage_holds_every_layer_in_bng(gpkg, results, wards):
    names = [row[0] for row in pyogrio.list_layers(gpkg)]
    assert names == [
        "kde_hotspot_classes",
        "gistar_cells",
        "area_rates",
        "bivariate_local",
        "wards",
        export.PARAMS_TABLE,
    ]
    cells = pyogrio.read_dataframe(gpkg, layer="gistar_cells")
    assert cells.crs.to_epsg() == 27700
    gi = results["gistar"].cells
    assert len(cells) == len(gi)
    np.testing.assert_array_equal(cells["gi_bin"], gi["gi_bin"])
    np.testing.assert_allclose(cells["gi_z"], gi["gi_z"])
    np.testing.assert_allclose(cells.geometry.area, gi.geometry.area)
    rates = pyogrio.read_dataframe(gpkg, layer="area_rates")
    np.testing.assert_allclose(rates["rate"], results["rates"].table["rate"])
    assert list(rates["name"]) == list(wards["name"])
    local = pyogrio.read_dataframe(gpkg, layer="bivariate_local")
    assert list(local["cluster"]) == list(results["bivariate"].local["cluster"])


def test_parameters_are_stored_with_each_layer(gpkg):
    params = export.read_params(gpkg)
    assert params["gistar_cells"]["seed"] == 5
    assert params["gistar_cells"]["permutations"] == 99
    assert params["gistar_cells"]["fdr"] is True
    assert params["gistar_cells"]["cell_size"] == 250.0
    assert params["kde_hotspot_classes"]["bandwidth"] == 300.0
    assert params["kde_hotspot_classes"]["kernel"] == "quartic"
    assert params["kde_hotspot_classes"]["units"] == "offences per km²"
    assert params["area_rates"]["period"] == "12 months to October 2024"
    assert params["bivariate_local"]["seed"] == 9
    assert "wards" not in params  # plain layers carry no parameters


def test_layer_descriptions_carry_the_parameters(gpkg):
    with sqlite3.connect(gpkg) as con:
        rows = dict(con.execute("SELECT table_name, description FROM gpkg_contents").fetchall())
    desc = rows["gistar_cells"]
    assert desc.startswith("Getis-Ord Gi*")
    stored = json.loads(desc.split("Parameters (JSON): ", 1)[1])
    assert stored["seed"] == 5 and stored["neighbourhood"] == "queen"


def test_kde_class_polygons_cover_the_hot_cells(results):
    kde = results["kde"]
    polys = export.density_class_polygons(kde)
    th = kde.hotspot_thresholds()
    v = kde.values
    cell_km2 = kde.transform.a**2 / 1e6
    for k, level in enumerate(th.values(), start=1):
        n_cells = int((np.isfinite(v) & (v >= level)).sum())
        assert n_cells > 0
        # polygons of class k cover exactly the cells of class k
        exact = int((np.isfinite(v) & (v >= level)).sum()) - (
            int((np.isfinite(v) & (v >= list(th.values())[k])).sum()) if k < len(th) else 0
        )
        area = polys.loc[polys["hot_class"] == k, "area_km2"].sum()
        assert area == pytest.approx(exact * cell_km2, rel=1e-9)
    assert polys.crs.to_epsg() == 27700
    assert set(polys["label"]) <= set(th)


def test_plain_mapping_of_layers_and_awkward_columns(tmp_path, wards):
    odd = wards.assign(
        tags=[("a", "b")] * len(wards),
        kind=pd.Categorical(["x"] * len(wards)),
        month=pd.Timestamp("2024-10-01"),
    )
    path = export.write_geopackage(tmp_path / "w.gpkg", {"Wards 2022": odd.to_crs(4326)})
    back = pyogrio.read_dataframe(path, layer="wards_2022")
    assert back.crs.to_epsg() == 27700  # reprojected on the way out
    assert json.loads(back["tags"][0]) == ["a", "b"]
    assert list(back["kind"]) == ["x"] * len(wards)
    np.testing.assert_allclose(back.total_bounds, wards.total_bounds, atol=0.01)


def test_geopackage_refuses_to_overwrite(gpkg, wards):
    before = gpkg.read_bytes()
    with pytest.raises(ExportError, match="already exists"):
        export.write_geopackage(gpkg, {"wards": wards})
    assert gpkg.read_bytes() == before


def test_geopackage_errors_name_the_problem(tmp_path, wards):
    with pytest.raises(ExportError, match="two layers would be called 'wards'"):
        export.write_geopackage(tmp_path / "a.gpkg", {"wards": wards, "Wards": wards})
    with pytest.raises(ExportError, match="no coordinate reference system"):
        export.write_geopackage(
            tmp_path / "b.gpkg", {"w": wards.set_crs(None, allow_override=True)}
        )
    with pytest.raises(ExportError, match="nothing to export"):
        export.write_geopackage(tmp_path / "c.gpkg", {})
    with pytest.raises(ExportError, match="does not exist"):
        export.write_geopackage(tmp_path / "missing" / "d.gpkg", {"w": wards})
    assert list(tmp_path.iterdir()) == []


def test_failed_geopackage_leaves_nothing(tmp_path, wards, monkeypatch):
    real = pyogrio.write_dataframe
    calls = []

    def fails_on_second_layer(*args, **kwargs):
        calls.append(kwargs.get("layer"))
        if len(calls) == 2:
            raise OSError("disk full")
        return real(*args, **kwargs)

    monkeypatch.setattr(pyogrio, "write_dataframe", fails_on_second_layer)
    # the system's refusal is the user's to fix: an ExportError naming the file
    with pytest.raises(ExportError, match=r"r\.gpkg: could not be written in .*disk full"):
        export.write_geopackage(tmp_path / "r.gpkg", {"a": wards, "b": wards})
    assert list(tmp_path.iterdir()) == []


def test_cancelled_geopackage_leaves_nothing(tmp_path, wards):
    token = CancelToken()

    def cancel_after_first(fraction, message):
        token.cancel()

    progress = CallbackProgress(cancel_after_first, token)
    with pytest.raises(AnalysisCancelled):
        export.write_geopackage(tmp_path / "r.gpkg", {"a": wards, "b": wards}, progress=progress)
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- GeoTIFF


def test_geotiff_reads_back_in_bng_with_nodata(results, tmp_path):
    kde = results["kde"]
    path = export.write_geotiff(kde, tmp_path / "kde.tif")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 27700
        assert src.transform == kde.transform
        assert src.nodata == export.GEOTIFF_NODATA
        assert (src.height, src.width) == kde.values.shape
        data = src.read(1, masked=True)
        tags = src.tags()
        assert src.descriptions[0] == "Kernel density (offences per km²)"
    inside = np.isfinite(kde.values)
    np.testing.assert_array_equal(~data.mask, inside)
    np.testing.assert_allclose(data.data[inside], kde.values[inside], rtol=1e-6)
    assert tags["units"] == "offences per km²"
    assert json.loads(tags["hotspot_params"])["bandwidth"] == 300.0


def test_geotiff_overwrite_protection(results, tmp_path):
    path = export.write_geotiff(results["kde"], tmp_path / "kde.tif")
    with pytest.raises(ExportError, match="already exists"):
        export.write_geotiff(results["kde"], path)
    export.write_geotiff(results["kde"], path, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kde.tif"]


# --------------------------------------------------------------------------- CSV


def test_csv_is_utf8_with_bom_and_no_geometry(results, tmp_path):
    table = results["rates"].table
    path = export.write_csv(table, tmp_path / "rates.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert "geometry" not in back.columns
    assert list(back["name"]) == list(table["name"])
    np.testing.assert_allclose(back["rate"], table["rate"])
    assert list(back["count"]) == list(table["count"])


def test_csv_keeps_non_ascii_text(tmp_path):
    df = pd.DataFrame({"name": ["Brockley & Ladywell", "Café Quarter"], "units": ["per km²"] * 2})
    path = export.write_csv(df, tmp_path / "t.csv")
    assert pd.read_csv(path, encoding="utf-8-sig")["name"].tolist() == df["name"].tolist()


def read_text_csv(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_small_counts_are_suppressed_for_publication(tmp_path):
    df = pd.DataFrame(
        {
            "name": ["A", "B", "C", "D", "E"],
            "count": [0, 3, 2, 12, 9],
            "count_prev": [2, 6, 7, 9, 11],
            "rate": [0.0, 0.3, 0.2, 1.2, 0.9],
            "change": [-2, -3, -5, 3, -2],
            "population": [10000] * 5,
        }
    )
    path = export.write_csv(df, tmp_path / "pub.csv", suppress_below=5)
    back = read_text_csv(path)
    # two small counts whose sum (5) could be 1+4, 2+3, ...: nothing more to hide
    assert back["count"].tolist() == ["0", "<5", "<5", "12", "9"]
    # one small previous count would be the total minus the rest: the next smallest
    # count (6) is withheld too
    assert back["count_prev"].tolist() == ["<5", export.WITHHELD, "7", "9", "11"]
    # rows with a hidden count lose their derived figures; others keep them
    assert back["rate"].tolist() == ["", "", "", "1.2", "0.9"]
    assert back["change"].tolist() == ["", "", "", "3", "-2"]
    assert back["population"].tolist() == ["10000"] * 5
    assert df["count"].tolist() == [0, 3, 2, 12, 9]  # the caller's table is untouched


def test_small_counts_that_the_total_would_pin_down_get_company():
    """Two counts of 1 sum to 2: the total would give both away, so a third is withheld."""
    df = pd.DataFrame({"code": list("abcd"), "count": [1, 1, 20, 30]})
    shown = export.suppress_small_counts(df, 5)
    assert shown["count"].tolist() == ["<5", "<5", export.WITHHELD, "30"]
    four = pd.DataFrame({"code": list("abc"), "count": [4, 4, 30]})  # 8 = 4 + 4 only
    assert export.suppress_small_counts(four, 5)["count"].tolist() == ["<5", "<5", "[c]"]


def test_suppressed_counts_cannot_be_worked_back_from_the_rates_table(results, tmp_path):
    """The real ward table: no figure left on a hidden row reveals its count, and the
    column totals (which a report gives) leave at least two unknowns."""
    stats = results["rates"]
    table = stats.table.copy()
    table.loc[0, "count"] = 2
    table["share"] = table["count"] / table["count"].sum()
    path = export.write_csv(table, tmp_path / "wards.csv", suppress_below=5)
    back = read_text_csv(path)
    hidden = back["count"].isin(["<5", export.WITHHELD])
    assert hidden.sum() == 2
    for col in ("rate", "rate_eb", "share", "change", "pct_change", "change_p", "rank"):
        assert (back.loc[hidden, col] == "").all(), col
        assert (back.loc[~hidden, col] != "").all(), col
    # the hidden counts sum to the total minus the shown ones, and that sum has more
    # than one split into a small count and a withheld one
    total = int(table["count"].sum())
    rest = total - back.loc[~hidden, "count"].astype(int).sum()
    small_values = [a for a in range(1, 5) if rest - a >= 5]
    assert len(small_values) > 1


def test_ward_summary_columns_are_suppressed_by_their_names():
    summary = pd.DataFrame(
        {
            "Ward": ["North", "South", "East"],
            "Offences": [3, 40, 55],
            "Rate per 1,000 residents": [0.3, 4.0, 5.5],
            "Rank": [3, 2, 1],
            "Offences (previous period)": [6, 38, 60],
            "Change": [-3, 2, -5],
            "Change (%)": [-50.0, 5.3, -8.3],
            "Summary": ["North: 3 offences (0.3 per 1,000)", "South: ...", "East: ..."],
        }
    )
    shown = export.suppress_small_counts(summary, 5)
    north = shown.iloc[0]
    assert north["Offences"] == "<5"
    for col in ("Rate per 1,000 residents", "Rank", "Change", "Change (%)", "Summary"):
        assert north[col] == "", col
    assert shown.iloc[2]["Summary"] == "East: ..."


def test_rates_without_counts_follow_the_counts_table(tmp_path):
    counts = pd.DataFrame({"code": ["a", "b", "c", "d"], "count": [2, 7, 30, 40]})
    rates_only = pd.DataFrame(
        {"code": ["d", "c", "b", "a"], "rate": [4.0, 3.0, 0.7, 0.2], "imd_score": [1.0] * 4}
    )
    path = export.write_csv(rates_only, tmp_path / "b.csv", suppress_below=5, counts=counts)
    back = read_text_csv(path)
    # a (small) and b (withheld with it) have no rate; the IMD score is not a count
    assert back["rate"].tolist() == ["4.0", "3.0", "", ""]
    assert back["imd_score"].tolist() == ["1.0"] * 4
    with pytest.raises(ExportError, match="'code' column"):
        export.suppress_small_counts(rates_only.drop(columns="code"), 5, counts=counts)


def test_kde_hot_spot_zones_hide_the_figures_behind_a_small_count():
    areas = pd.DataFrame(
        {
            "zone": [3, 2, 1],
            "offences": [3, 40, 60],
            "share_offences": [0.01, 0.2, 0.3],
            "share_area": [0.001, 0.02, 0.03],
            "pai": [10.0, 10.0, 10.0],
        }
    )
    shown = export.suppress_small_counts(areas, 5)
    assert shown["share_offences"].tolist()[:2] == ["", ""]
    assert shown["pai"].tolist()[:2] == ["", ""]
    assert shown["share_area"].tolist() == [0.001, 0.02, 0.03]  # not worked out from counts


def test_columns_left_out_are_still_used_for_suppression(tmp_path):
    df = pd.DataFrame({"name": ["A", "B", "C"], "count": [2, 3, 50], "rate": [0.2, 0.3, 5.0]})
    path = export.write_csv(df, tmp_path / "r.csv", suppress_below=5, columns=["name", "rate"])
    assert read_text_csv(path)["rate"].tolist() == ["", "", "5.0"]


def test_suppression_off_and_column_selection(tmp_path):
    df = pd.DataFrame({"name": ["A"], "count": [3]})
    assert export.suppress_small_counts(df, 0)["count"].tolist() == [3]
    path = export.write_csv(df, tmp_path / "a.csv", columns=["count"])
    assert pd.read_csv(path, encoding="utf-8-sig").columns.tolist() == ["count"]
    with pytest.raises(ExportError, match="no column 'rate'"):
        export.write_csv(df, tmp_path / "b.csv", columns=["rate"])
    with pytest.raises(ExportError, match="already exists"):
        export.write_csv(df, path)


def test_result_params_are_plain_json(results):
    for result in results.values():
        params = export.result_params(result)
        json.dumps(params)  # must not raise
    assert export.result_params(results["rates"])["comparison"] == "12 months to October 2023"
