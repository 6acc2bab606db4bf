"""Maps and exports of the real Lewisham boundaries and police.uk offences (../shared/data)."""

from __future__ import annotations

import warnings

import numpy as np
import pyogrio
import pytest

from hotspot import export
from hotspot.maps import layers as L
from hotspot.maps import print_save, static, web, web_html

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def lewisham(shared_data):
    from hotspot.io import read_areas

    wards = read_areas(shared_data / "boundaries" / "lewisham_wards_2022.geojson")
    borough = read_areas(shared_data / "boundaries" / "lewisham_borough_bng.geojson")
    return wards, borough


@pytest.fixture(scope="module")
def violence(shared_data, lewisham):
    """Violent crime in the 12 months to June 2018 (police.uk API JSON), and its KDE."""
    from hotspot.analysis.kde import KdeParams, run_kde
    from hotspot.io import read_offences
    from hotspot.model import Period

    data = read_offences(shared_data / "police-uk" / "lewisham-api-json")
    period = Period.months_to("2018-06", 12)
    sel = data.gdf[
        period.contains(data.gdf["month"]) & (data.gdf["category"].str.contains("Violence"))
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kde = run_kde(sel, KdeParams(cell_size=50), study_area=lewisham[1].gdf)
    return sel, kde, period


def test_print_map_of_the_lewisham_wards(lewisham, violence, tmp_path):
    wards, borough = lewisham
    _, kde, period = violence
    ctx = static.MapContext(
        offence_group="Violence and sexual offences",
        period=period,
        wards=wards,
        outline=borough,
        boundary_year=2022,
    )
    fig = static.kde_map(kde, ctx)
    labels = {
        a.get_text() for a in fig.findobj() if getattr(a, "get_gid", lambda: None)() == "area-label"
    }
    assert labels == set(wards.gdf["name"])
    assert {"Lewisham Central", "Rushey Green", "Deptford"} <= labels
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    xmin, ymin, xmax, ymax = borough.gdf.total_bounds
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < xmin < xmax < x1 and y0 < ymin < ymax < y1
    path = print_save.save_figure(fig, tmp_path / "lewisham_kde.pdf")
    assert path.stat().st_size > 10_000


def test_offline_web_map_of_lewisham(lewisham, violence):
    wards, borough = lewisham
    _, kde, _ = violence
    html = web_html.render_html(
        web.build_map([L.DensitySurface(kde), L.AreaBoundaries(wards, name="Wards 2022")])
    )
    for name in wards.gdf["name"]:
        assert name.replace("&", "&amp;") in html or name in html
    assert "https://cdn" not in html


def test_geopackage_and_geotiff_of_lewisham(lewisham, violence, tmp_path):
    wards, _ = lewisham
    _, kde, _ = violence
    gpkg = export.export_geopackage(tmp_path / "lewisham.gpkg", kde=kde, extra={"wards": wards})
    back = pyogrio.read_dataframe(gpkg, layer="wards")
    assert len(back) == 19 and back.crs.to_epsg() == 27700
    np.testing.assert_allclose(back.geometry.area.sum(), wards.gdf.geometry.area.sum(), rtol=1e-9)
    import rasterio

    tif = export.write_geotiff(kde, tmp_path / "lewisham_kde.tif")
    with rasterio.open(tif) as src:
        assert src.crs.to_epsg() == 27700
        band = src.read(1, masked=True)
    assert float(band.max()) == pytest.approx(float(np.nanmax(kde.values)), rel=1e-6)
