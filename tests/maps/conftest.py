"""Real analysis results on a small synthetic borough, shared by the map tests.

A 3 x 2 block of 1 km square "wards" in south-east London (EPSG:27700), split into 24
500 m "LSOAs"; 1,000 offence points over two years, concentrated in the north-east
ward (and a weaker cluster in the south-west). The results come from the real
analyses (hotspot.analysis.kde, .gistar, .rates, .correlation), built once per
session.
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

X0, Y0 = 537000.0, 172000.0  # south-west corner
WARD_NAMES = ["Northfield", "Riverside", "Hilltop", "Parkside", "Station", "Marsh"]
HOT_X, HOT_Y = X0 + 2500, Y0 + 1500  # centre of the north-east ward ("Marsh")


def make_wards() -> gpd.GeoDataFrame:
    rows = []
    for i, name in enumerate(WARD_NAMES):
        col, row = i % 3, i // 3
        x, y = X0 + col * 1000, Y0 + row * 1000
        rows.append(
            {"code": f"E0500{i:04d}", "name": name, "geometry": box(x, y, x + 1000, y + 1000)}
        )
    return gpd.GeoDataFrame(rows, crs="EPSG:27700")


def make_lsoas() -> gpd.GeoDataFrame:
    rows = []
    for r in range(4):
        for c in range(6):
            x, y = X0 + c * 500, Y0 + r * 500
            # deprivation rises towards the north-east, like the offences
            imd = 8 + 4 * c + 5 * r + (3 if (c + r) % 2 else 0)
            rows.append(
                {
                    "code": f"E0100{r * 6 + c:04d}",
                    "name": f"Area {r * 6 + c + 1}",
                    "population": 1500,
                    "imd_score": float(imd),
                    "geometry": box(x, y, x + 500, y + 500),
                }
            )
    return gpd.GeoDataFrame(rows, crs="EPSG:27700")


def make_points(n: int = 1000, seed: int = 7) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    n_hot, n_warm = int(n * 0.45), int(n * 0.15)
    n_flat = n - n_hot - n_warm
    xy = np.vstack(
        [
            np.column_stack([rng.normal(HOT_X, 180, n_hot), rng.normal(HOT_Y, 180, n_hot)]),
            np.column_stack([rng.normal(X0 + 500, 250, n_warm), rng.normal(Y0 + 500, 250, n_warm)]),
            np.column_stack(
                [rng.uniform(X0, X0 + 3000, n_flat), rng.uniform(Y0, Y0 + 2000, n_flat)]
            ),
        ]
    )
    xy[:, 0] = np.clip(xy[:, 0], X0 + 1, X0 + 2999)
    xy[:, 1] = np.clip(xy[:, 1], Y0 + 1, Y0 + 1999)
    months = pd.date_range("2022-11-01", "2024-10-01", freq="MS")
    return gpd.GeoDataFrame(
        {
            "category": rng.choice(["Violence and sexual offences", "Robbery"], n),
            "month": rng.choice(months, n),
        },
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        crs="EPSG:27700",
    )


@pytest.fixture(scope="session")
def wards():
    return make_wards()


@pytest.fixture(scope="session")
def lsoas():
    return make_lsoas()


@pytest.fixture(scope="session")
def points():
    return make_points()


@pytest.fixture(scope="session")
def period():
    from hotspot.model import Period

    return Period.months_to("2024-10", 12)


@pytest.fixture(scope="session")
def density(points, wards, period):
    from hotspot.analysis.kde import KdeParams, run_kde

    sel = points[period.contains(points["month"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_kde(sel, KdeParams(bandwidth=300, cell_size=50), study_area=wards.dissolve())


@pytest.fixture(scope="session")
def gistar(points, wards, period):
    from hotspot.analysis.gistar import GiStarParams, run_gistar_grid

    sel = points[period.contains(points["month"])]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_gistar_grid(
            sel,
            GiStarParams(cell_size=250, permutations=999, seed=2024),
            study_area=wards.dissolve(),
        )


@pytest.fixture(scope="session")
def stats(points, wards, period):
    from hotspot.analysis.rates import area_rates

    areas = wards.assign(population=[10000, 12000, 9000, 11000, 15000, 8000])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = area_rates(points, areas, period=period, comparison=True)
    return result


@pytest.fixture(scope="session")
def lsoa_stats(points, lsoas, period):
    from hotspot.analysis.rates import area_rates

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = area_rates(points, lsoas, period=period, comparison=True)
    table = result.table.merge(lsoas[["code", "imd_score"]], on="code")
    return result, table


@pytest.fixture(scope="session")
def bivariate(lsoa_stats):
    from hotspot.analysis.correlation import BivariateParams, run_bivariate

    _, table = lsoa_stats
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return run_bivariate(table, "rate", "imd_score", BivariateParams(permutations=199, seed=11))


@pytest.fixture(scope="module")
def ctx(wards):
    """The map context of the print-map tests: the borough's wards and outline."""
    from hotspot.maps import static

    return static.MapContext(
        offence_group="Serious violence",
        period="12 months to October 2024",
        wards=wards,
        outline=wards.dissolve(),
        boundary_year=2024,
    )


@pytest.fixture(scope="module")
def located(points, period):
    """The selected offences, each with a police.uk location name (a street per 500 m column)."""
    sel = points[period.contains(points["month"])].copy()
    col = ((sel.geometry.x - sel.geometry.x.min()) // 500).astype(int)
    names = np.where(col % 2 == 0, "On or near " + ("Street " + col.astype(str)), "Supermarket")
    sel["location"] = names
    return sel


@pytest.fixture(scope="module")
def summary(lsoa_stats, wards, stats):
    """The ward summary, with IMD deciles rising with deprivation and SAMHI deciles by hand."""
    from hotspot.analysis.ward_summary import ward_summary

    lsoa, table = lsoa_stats
    rank = table["imd_score"].rank(ascending=False, method="first")
    deciles = pd.DataFrame(
        {
            "lsoa_code": table["code"],
            "imd_decile": np.ceil(rank / len(rank) * 10).astype(int),  # 1 = most deprived
            "samhi_decile": np.tile([1, 2, 9, 10], len(table) // 4),
        }
    )
    return ward_summary(lsoa, wards=wards, indicators=deciles, ward_stats=stats), deciles


@pytest.fixture(scope="module")
def gistar_named(gistar, wards):
    """The Gi* result with each cell's ward, as the analysis's declaration makes it."""
    import dataclasses

    from hotspot.pipeline.specs._common import with_ward_names

    return dataclasses.replace(gistar, cells=with_ward_names(gistar.cells, wards))


@pytest.fixture(scope="module")
def pack(density, gistar_named, stats, bivariate, wards, period, summary, located):
    """A briefing pack with every section, two ward pages, marked, versioned and dated."""
    import datetime as dt

    from hotspot.maps.briefing import Briefing
    from hotspot.maps.briefing_sections import (
        bivariate_section,
        gistar_section,
        kde_section,
        rates_section,
    )

    return Briefing(
        title="Serious violence in Testham",
        offence_group="Serious violence",
        period=period,
        wards=wards,
        outline=wards.dissolve(),
        comparison=stats.comparison,
        sections=[
            kde_section(density),
            gistar_section(gistar_named),
            rates_section(stats, summary[0]),
            bivariate_section(bivariate),
        ],
        ward_pages=["Marsh", "e05000000"],  # a name and a code (any case)
        marking="OFFICIAL",
        version="2.1",
        imd=True,
        load_report="Rows read: 1,000\nRows kept: 1,000",
        boundary_year=2024,
        offences=located,
        produced=dt.date(2024, 11, 20),
    )
