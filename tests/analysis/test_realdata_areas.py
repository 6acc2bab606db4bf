"""Area statistics and bivariate correlation on the real London and Lewisham data.

London: Met recorded violence per 2011 LSOA (2019), population mid-2019 and IMD 2019
score for all 4,835 LSOAs, checked against pandas, esda and scipy. Lewisham: police.uk
API violence (12 months to June 2018) counted into the 2021 LSOAs and 2022 wards,
checked against an independent geopandas spatial join; IMD carried from 2011 to 2021
LSOAs through the ONS lookup; SAMHI joined directly; the ward summary table.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from scipy import stats

from hotspot.analysis.contiguity import build_weights
from hotspot.analysis.correlation import BivariateParams, run_bivariate
from hotspot.analysis.rates import area_rates, rates_from_counts
from hotspot.analysis.vintage import join_indicators
from hotspot.analysis.ward_summary import ward_summary
from hotspot.io import read_areas, read_indicators, read_lookup, read_offences
from hotspot.model import Period

pytestmark = pytest.mark.realdata

CITY_OF_LONDON = "E09000001"  # policed by the City of London Police, not in the Met counts


def _mc_tolerance(p: np.ndarray, permutations: int = 999) -> np.ndarray:
    return 4 * np.sqrt(p * (1 - p) / permutations) + 2 / (permutations + 1)


# ----------------------------------------------------------------------------- London


@pytest.fixture(scope="module")
def context(shared_data):
    """IMD 2019 and mid-2019 population (2011 LSOAs), read once for the module."""
    ctx = shared_data / "context"
    return {
        "imd": read_indicators(ctx / "imd2019_london_lsoa11.xlsx"),
        "pop": read_indicators(ctx / "population_london_lsoa11_mid2019.csv"),
    }


@pytest.fixture(scope="module")
def london(shared_data, context):
    ctx = shared_data / "context"
    lsoas = read_areas(
        shared_data / "boundaries" / "london_lsoa_2011_bng_shp" / "london-2011-lsoa-gen20.shp"
    )
    imd, pop = context["imd"], context["pop"]
    met = pd.read_csv(ctx / "met-recorded-crime-lsoa11" / "london-2011-2021-major-violence.csv")
    violence = pd.Series(met["2019"].to_numpy(), index=met["LSOA11CD"])
    violence_2018 = pd.Series(met["2018"].to_numpy(), index=met["LSOA11CD"])
    return {
        "lsoas": lsoas,
        "imd": imd,
        "pop": pop,
        "violence": violence,
        "violence_2018": violence_2018,
        "met": met,
    }


@pytest.fixture(scope="module")
def london_rates(london):
    return rates_from_counts(
        london["violence"],
        london["lsoas"],
        population=london["pop"],
        counts_prev=london["violence_2018"],
        period=Period.months_to("2019-12", 12),
        comparison=Period.months_to("2018-12", 12),
    )


@pytest.fixture(scope="module")
def london_areas(london, london_rates):
    imd = london["imd"].table.set_index("lsoa_code")["imd_score"]
    table = london_rates.table.copy()
    table["imd_score"] = table["code"].map(imd).to_numpy()
    return table


@pytest.fixture(scope="module")
def london_bivariate(london_areas):
    return run_bivariate(london_areas, "rate", "imd_score", BivariateParams())


def test_london_rates_for_all_4835_lsoas(london, london_rates):
    t = london_rates.table
    assert len(t) == 4835 and london_rates.level == "lsoa"
    met = london["met"].set_index("LSOA11CD")
    pop = london["pop"].table.set_index("lsoa_code")["population"]
    expected = met["2019"] / pop.reindex(met.index) * 1000
    got = t.set_index("code")["rate"]
    np.testing.assert_allclose(got.reindex(expected.index), expected, rtol=1e-12)
    # The City of London's LSOAs are not in the Met's counts: kept, without a rate, listed.
    city = t["code"].isin(
        london["lsoas"].gdf.loc[london["lsoas"].gdf["LAD11CD"] == CITY_OF_LONDON, "code"]
    )
    assert city.sum() == 6
    assert t.loc[city, "rate"].isna().all() and t.loc[~city, "rate"].notna().all()
    assert any("have no count" in w and "E01000001" in w for w in london_rates.warnings)
    top = t.loc[t["rank"] == 1, "rate"].iloc[0]
    assert top == t["rate"].max()
    assert t["rank"].max() == 4829


def test_london_smoothed_rates_equal_esda(london_rates):
    from esda.smoothing import Empirical_Bayes

    t = london_rates.table
    ok = t["rate"].notna().to_numpy()
    counts = t.loc[ok, "count"].to_numpy(float)
    pop = t.loc[ok, "population"].to_numpy(float)
    ref = Empirical_Bayes(counts, pop).r.ravel() * 1000
    np.testing.assert_allclose(t.loc[ok, "rate_eb"].to_numpy(), ref, rtol=1e-10)


def test_london_change_on_2018_matches_scipy_binomial_test(london_rates):
    t = london_rates.table.dropna(subset=["change_p"]).iloc[:200]
    expected = [
        stats.binomtest(int(a), int(a + b), 0.5).pvalue if a + b else 1.0
        for a, b in zip(t["count"], t["count_prev"], strict=True)
    ]
    np.testing.assert_allclose(t["change_p"].to_numpy(float), expected, rtol=1e-9)


def test_london_queen_weights_equal_libpysal(london):
    from libpysal import graph

    gdf = london["lsoas"].gdf
    ref = sp.csr_matrix(graph.Graph.build_contiguity(gdf, rook=False, strict=False).sparse)
    ref.eliminate_zeros()
    assert abs(ref - build_weights(gdf.geometry, "queen")).sum() == 0


def test_london_violence_and_deprivation_agree_with_esda_and_scipy(london_areas, london_bivariate):
    import esda
    from libpysal import graph

    res = london_bivariate
    # The six City of London LSOAs have no violence rate: left out and listed.
    assert len(res.dropped) == 6 and res.n == 4829
    kept = london_areas[london_areas["rate"].notna()].reset_index(drop=True)
    x, y = kept["rate"].to_numpy(), kept["imd_score"].to_numpy()
    g = graph.Graph.build_contiguity(kept, rook=False, strict=False).transform("r")
    glob = esda.Moran_BV(x, y, g, permutations=0)
    assert res.moran_i == pytest.approx(glob.I, abs=1e-10)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        loc = esda.Moran_Local_BV(x, y, g, permutations=999, seed=3)
    np.testing.assert_allclose(res.local["local_i"].to_numpy(), loc.Is, rtol=0, atol=1e-10)
    np.testing.assert_array_equal(res.local["quadrant"].to_numpy(), loc.q)
    directed = run_bivariate(
        kept, "rate", "imd_score", BivariateParams(alternative="directed", fdr=False, seed=99)
    )
    p_ours, p_ref = directed.local["p_value"].to_numpy(), loc.p_sim
    diff = np.abs(p_ours - p_ref)
    assert np.all(diff <= np.sqrt(2) * _mc_tolerance(p_ref))
    assert np.mean(diff <= _mc_tolerance(p_ref)) >= 0.99
    rho = stats.spearmanr(x, y)
    assert res.spearman[0] == pytest.approx(rho.statistic, rel=1e-12)
    assert res.pearson[0] == pytest.approx(stats.pearsonr(x, y).statistic, rel=1e-12)
    # Violence goes with deprivation in London: positive and far beyond chance.
    assert res.spearman[0] > 0 and res.spearman[1] < 1e-12
    assert res.moran_i > 0 and res.p_value <= 2 / 1000


def test_london_local_clusters(london_bivariate):
    local = london_bivariate.local
    counts = london_bivariate.cluster_counts()
    assert sum(counts.values()) == 4829
    assert counts["High-High"] > 0 and counts["Low-Low"] > 0
    sig = local["cluster"] != "Not significant"
    assert (local.loc[sig, "q_value"] <= 0.05).all()
    hh = local["cluster"] == "High-High"
    assert (local.loc[hh, "rate"] > local["rate"].mean()).all()
    assert (local.loc[hh, "lag"] > 0).all()


# ----------------------------------------------------------------------------- Lewisham


@pytest.fixture(scope="module")
def lewisham(shared_data, context):
    b, ctx = shared_data / "boundaries", shared_data / "context"
    offences = read_offences(shared_data / "police-uk" / "lewisham-api-json")
    violence = offences.gdf[offences.gdf["category"] == "Violence and sexual offences"]
    return {
        "violence": violence,
        "lsoas": read_areas(b / "lewisham_lsoa_2021.geojson"),
        "wards": read_areas(b / "lewisham_wards_2022_bng_shp" / "wards_2022.shp"),
        "lookup": read_lookup(ctx / "lookup_lsoa11_lsoa21_lad22_ew.csv"),
        "ward_lookup": read_lookup(ctx / "lookup_lsoa21_ward23_lad23_ew.csv"),
        "imd": context["imd"],
        "samhi": read_indicators(ctx / "samhi_london_lsoa21.csv"),
        "pop": context["pop"],
    }


PERIOD = Period.months_to("2018-06", 12)


def _sjoin_counts(points: gpd.GeoDataFrame, areas: gpd.GeoDataFrame) -> pd.Series:
    joined = gpd.sjoin(points[["geometry"]], areas[["code", "geometry"]], predicate="within")
    return joined["code"].value_counts().reindex(areas["code"], fill_value=0)


@pytest.fixture(scope="module")
def lewisham_pop21(lewisham):
    codes = lewisham["lsoas"].gdf["code"]
    pop21, _ = join_indicators(lewisham["pop"], 2021, lewisham["lookup"], targets=codes)
    return pop21


@pytest.fixture(scope="module")
def lewisham_lsoa_rates(lewisham, lewisham_pop21):
    return area_rates(
        lewisham["violence"], lewisham["lsoas"], population=lewisham_pop21, period=PERIOD
    )


@pytest.fixture(scope="module")
def lewisham_ward_rates(lewisham):
    return area_rates(lewisham["violence"], lewisham["wards"], period=PERIOD)


def test_lewisham_points_counted_into_2021_lsoas_match_a_spatial_join(
    lewisham, lewisham_lsoa_rates
):
    pts = lewisham["violence"][PERIOD.contains(lewisham["violence"]["month"])]
    assert len(pts) == lewisham_lsoa_rates.n_offences
    expected = _sjoin_counts(pts, lewisham["lsoas"].gdf)
    got = lewisham_lsoa_rates.table.set_index("code")["count"]
    pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)
    assert lewisham_lsoa_rates.n_outside == len(pts) - expected.sum()
    assert lewisham_lsoa_rates.params.count_by == "location"  # API data have no LSOA codes
    assert lewisham_lsoa_rates.table["rate"].notna().all()  # population carried to 2021


def test_lewisham_ward_counts_match_a_spatial_join_and_the_top_wards(lewisham, lewisham_ward_rates):
    pts = lewisham["violence"][PERIOD.contains(lewisham["violence"]["month"])]
    expected = _sjoin_counts(pts, lewisham["wards"].gdf)
    t = lewisham_ward_rates.table.set_index("code")
    pd.testing.assert_series_equal(t["count"], expected, check_names=False, check_dtype=False)
    top3 = t.sort_values("count", ascending=False)["name"].iloc[:3].tolist()
    assert top3 == expected.rename(t["name"]).sort_values(ascending=False).index[:3].tolist()
    # The data README's top wards are pre-2022 wards (Lewisham Central, New Cross, Rushey
    # Green); of those, Rushey Green keeps its name in 2022 and still leads.
    assert top3[0] == "Rushey Green"
    assert t.loc[t["rank"] == 1, "name"].iloc[0] == "Rushey Green"


def test_lewisham_imd_carried_to_2021_lsoas_through_the_lookup(lewisham):
    codes = lewisham["lsoas"].gdf["code"]
    imd21, report = join_indicators(
        lewisham["imd"], 2021, lewisham["lookup"], lewisham["pop"], targets=codes
    )
    lk = lewisham["lookup"].table
    lk = lk[lk["lsoa21_code"].isin(codes)]
    unchanged = lk.loc[lk["change"] == "U", "lsoa21_code"]
    assert report.matched == len(unchanged)
    assert report.matched + report.carried + report.approximated == 175
    assert report.missing == 0 and imd21.table["imd_score"].notna().all()
    score11 = lewisham["imd"].table.set_index("lsoa_code")["imd_score"]
    score21 = imd21.table.set_index("lsoa_code")["imd_score"]
    for _, row in lk[lk["change"] == "S"].iterrows():
        assert score21[row["lsoa21_code"]] == score11[row["lsoa11_code"]]
    pop = lewisham["pop"].table.set_index("lsoa_code")["population"]
    for child, parts in lk[lk["change"] == "M"].groupby("lsoa21_code")["lsoa11_code"]:
        w = pop.reindex(parts).to_numpy(float)
        expected = float(np.sum(w * score11.reindex(parts).to_numpy()) / w.sum())
        assert score21[child] == pytest.approx(expected, rel=1e-12)


def test_lewisham_samhi_joins_directly(lewisham):
    codes = lewisham["lsoas"].gdf["code"]
    samhi, report = join_indicators(lewisham["samhi"], 2021, targets=codes)
    assert report.matched == 175 and report.missing == 0
    assert samhi.table["samhi_decile"].notna().all()


def test_lewisham_ward_summary_table(lewisham, lewisham_lsoa_rates, lewisham_ward_rates):
    codes = lewisham["lsoas"].gdf["code"]
    imd21, _ = join_indicators(
        lewisham["imd"], 2021, lewisham["lookup"], lewisham["pop"], targets=codes
    )
    table = ward_summary(
        lewisham_lsoa_rates,
        lookup=lewisham["ward_lookup"],
        indicators=[imd21, lewisham["samhi"]],
        ward_stats=lewisham_ward_rates,
    )
    assert len(table) == 19 and table["LSOAs"].sum() == 175
    assert table.iloc[0]["Ward"] == "Rushey Green"
    # Independent check of the IMD profile from the lookup and the carried deciles.
    lk = lewisham["ward_lookup"].table
    lk = lk[lk["lsoa_code"].isin(codes)]
    dec = lk.merge(imd21.table, on="lsoa_code")
    most = dec[dec["imd_decile"] == 1].groupby("ward_name").size()
    got = table.set_index("Ward")["IMD: LSOAs in the most deprived decile"]
    pd.testing.assert_series_equal(
        got[got > 0].sort_index(), most.sort_index(), check_names=False, check_dtype=False
    )
    bell = table.set_index("Ward").loc["Bellingham"]
    assert bell["Summary"].startswith("Bellingham:")
    assert "SAMHI deciles" in bell["Summary"] or "SAMHI decile" in bell["Summary"]
    assert any("by lookup" in n for n in table.attrs["notes"])


# ----------------------------------------------------------------------------- vintage trap


def test_city_of_london_2011_codes_counted_into_2021_lsoas_lose_nothing(shared_data):
    """police.uk CSVs of 2014-2017 carry 2011 LSOA codes; counted into 2021 LSOAs, the
    offences of LSOAs whose code changed are placed by their map point, not dropped."""
    offences = read_offences(shared_data / "police-uk" / "city-of-london-street-csv")
    lsoas = read_areas(
        shared_data / "boundaries" / "london_lsoa_2021_bng_shp" / "london-2021-lsoa-gen20.shp"
    )
    res = area_rates(offences, lsoas)
    gdf, areas = offences.gdf, lsoas.gdf
    # Independent reference: the code where it is a 2021 code, else a spatial join.
    code_ok = gdf["lsoa_code"].isin(areas["code"])
    by_code = gdf.loc[code_ok, "lsoa_code"].value_counts()
    rest = gdf.loc[~code_ok & ~gdf.geometry.is_empty & gdf.geometry.notna()]
    by_point = _sjoin_counts(rest, areas)
    expected = by_code.reindex(areas["code"], fill_value=0) + by_point
    got = res.table.set_index("code")["count"]
    pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)
    assert res.params.count_by == "lsoa_code"
    assert int((~code_ok).sum()) > 0 and "placed by their map point" in res.counted_by
    assert res.n_counted + res.n_outside + res.n_no_location == res.n_offences
