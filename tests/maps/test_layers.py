"""Map layers: colours per class, legends, tooltips, classes checked against mapclassify."""

from __future__ import annotations

import mapclassify
import numpy as np
import pytest
from matplotlib.colors import to_rgb

from hotspot.core.errors import HotspotError
from hotspot.maps import class_breaks, style
from hotspot.maps import layers as L

# Dichromat simulation in linear RGB (Viénot, Brettel & Mollon 1999, Color Research and
# Application 24(4):243-252): the colours a reader with protanopia or deuteranopia sees.
DICHROMATS = {
    "normal vision": np.eye(3),
    "protanopia": np.array(
        [[0.11238, 0.88762, 0.0], [0.11238, 0.88762, 0.0], [0.00401, -0.00401, 1.0]]
    ),
    "deuteranopia": np.array(
        [[0.29275, 0.70725, 0.0], [0.29275, 0.70725, 0.0], [-0.02234, 0.02234, 1.0]]
    ),
}
SRGB_TO_XYZ = np.array(
    [[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]
)
D65 = np.array([0.95047, 1.0, 1.08883])


def cie_lab(colour: str, vision: np.ndarray) -> np.ndarray:
    c = np.array(to_rgb(colour))
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    t = SRGB_TO_XYZ @ np.clip(vision @ linear, 0, 1) / D65
    f = np.where(t > 216 / 24389, np.cbrt(t), (24389 / 27 * t + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


PALETTES = {
    "Gi* classes": list(style.GI_BIN_COLOURS.values()),
    "bivariate clusters": list(style.CLUSTER_COLOURS.values()),
    "KDE hot classes": style.kde_class_colours(3),
    "rate classes": list(class_breaks.classify(np.arange(50.0), k=5).colours),
    "change classes": list(
        class_breaks.classify(
            np.arange(-20.0, 31.0), k=5, scheme="equal_interval", diverging=True
        ).colours
    ),
    "3 x 3 bivariate": [c for row in style.BIVARIATE_COLOURS for c in row],
}


@pytest.mark.parametrize("palette", sorted(PALETTES))
@pytest.mark.parametrize("vision", sorted(DICHROMATS))
def test_palettes_stay_distinguishable_with_colour_blindness(palette, vision):
    """Every two classes of a legend differ by at least 10 CIELAB units (clearly
    different side by side), also as seen with red-green colour blindness."""
    labs = [cie_lab(c, DICHROMATS[vision]) for c in PALETTES[palette]]
    closest = min(np.linalg.norm(a - b) for i, a in enumerate(labs) for b in labs[i + 1 :])
    assert closest >= 10, f"{palette}: two classes {closest:.1f} apart for {vision}"


def test_gistar_colours_are_those_of_arcgis_hot_spot_analysis():
    # RGB of the Gi_Bin classes in ArcGIS's hot spot renderer (-3 .. 3)
    arcgis = {
        -3: (69, 117, 181),
        -2: (132, 158, 186),
        -1: (192, 204, 190),
        0: (247, 247, 242),
        1: (250, 185, 132),
        2: (237, 117, 81),
        3: (214, 47, 39),
    }
    for b, rgb in arcgis.items():
        assert style.hex_to_rgba(style.GI_BIN_COLOURS[b])[:3] == rgb, b


def test_gistar_colours_follow_the_arcgis_convention(gistar):
    layer = L.GiStarCells(gistar)
    f = layer.features()
    cells = gistar.cells
    present = set(cells["gi_bin"])
    assert {0, 1, 2} <= present and present & {-1, -2, -3}  # hot and cold spots exist
    for b in present:
        fills = set(f.loc[cells["gi_bin"] == b, "_fill"])
        assert fills == {style.GI_BIN_COLOURS[b]}
    r, g, bl = to_rgb(style.GI_BIN_COLOURS[3])
    assert r > 0.7 and bl < 0.3  # hot = red
    r, g, bl = to_rgb(style.GI_BIN_COLOURS[-3])
    assert bl > r + 0.3  # cold = blue
    # darker with more confidence (lower luminance)
    lum = {b: sum(to_rgb(c)) for b, c in style.GI_BIN_COLOURS.items()}
    assert lum[3] < lum[2] < lum[1] < lum[0] and lum[-3] < lum[-2] < lum[-1] < lum[0]


def test_gistar_legend_counts_and_fdr_note(gistar):
    lg = L.GiStarCells(gistar).legend()
    counts = gistar.cells["gi_bin"].value_counts()
    assert lg.labels[0] == f"Hot spot, 99% confidence ({counts.get(3, 0)} cells)"
    assert lg.labels[1] == f"Hot spot, 95% confidence ({counts.get(2, 0)} cells)"
    assert lg.labels[3].startswith("Not significant")
    assert lg.labels[-1].startswith("Cold spot, 99% confidence")
    assert "FDR-corrected" in lg.note
    assert len(lg.entries) == 7


def test_gistar_legend_says_when_there_is_no_fdr_correction(gistar):
    import dataclasses

    raw = dataclasses.replace(gistar, params=dataclasses.replace(gistar.params, fdr=False))
    lg = L.GiStarCells(raw).legend()
    assert "FDR-corrected" not in lg.note and "Not corrected" in lg.note
    assert dict(L.GiStarCells(raw).tooltip())["tt_p"] == "p"


def test_gistar_tooltip_uses_fdr_adjusted_p(gistar):
    layer = L.GiStarCells(gistar)
    f = layer.features()
    aliases = dict(layer.tooltip())
    assert aliases["tt_p"] == "FDR-adjusted p"
    q = gistar.cells["q_value"]
    expected = ["< 0.001" if v < 0.001 else f"{v:.3f}" for v in q]
    assert f["tt_p"].tolist() == expected  # the FDR-adjusted value, not the raw p
    assert f["tt_class"].tolist() == gistar.cells["label"].tolist()
    assert f["tt_count"].tolist() == [f"{n:,}" for n in gistar.cells["n"]]


def test_gistar_can_hide_not_significant(gistar):
    layer = L.GiStarCells(gistar, show_not_significant=False)
    assert (gistar.cells["gi_bin"] != 0).sum() == len(layer.features())
    assert all("Not significant" not in lab for lab in layer.legend().labels)


@pytest.mark.parametrize(
    ("scheme", "reference"),
    [
        ("quantiles", mapclassify.Quantiles),
        ("natural_breaks", mapclassify.FisherJenks),
        ("equal_interval", mapclassify.EqualInterval),
    ],
)
def test_choropleth_classes_match_mapclassify(stats, scheme, reference):
    layer = L.AreaChoropleth(stats, column="rate", scheme=scheme, k=3)
    values = stats.table["rate"].to_numpy()
    ref = reference(values, k=3)
    np.testing.assert_allclose(layer.classes.bins, ref.bins, rtol=1e-12)
    np.testing.assert_array_equal(layer.classes.index, ref.yb)
    fills = layer.features()["_fill"].tolist()
    assert fills == [layer.classes.colours[i] for i in ref.yb]


def test_choropleth_legend_labels_cover_the_range(stats):
    layer = L.AreaChoropleth(stats, column="rate", scheme="equal_interval", k=4)
    lg = layer.legend()
    assert lg.title == "Offences per 1,000 residents"
    assert "equal intervals" in lg.note
    lo, hi = stats.table["rate"].min(), stats.table["rate"].max()
    # entries are listed high to low; the first starts at the maximum class
    assert lg.labels[-1].startswith(f"{lo:,.1f}") or lg.labels[-1].startswith(f"{lo:,.2f}")
    assert lg.labels[0].endswith(f"{hi:,.1f}") or lg.labels[0].endswith(f"{hi:,.2f}")


def test_change_map_is_diverging_around_zero(stats):
    layer = L.AreaChoropleth(stats, column="change", k=4)
    assert layer.diverging
    f = layer.features()
    change = stats.table["change"].to_numpy()
    assert change.min() < 0 < change.max()
    reds_minus_blues = np.array([to_rgb(c)[0] - to_rgb(c)[2] for c in f["_fill"]])
    # PuOr: the biggest rise is orange (r > b), the biggest fall purple (b > r)
    assert reds_minus_blues[np.argmax(change)] > 0
    assert reds_minus_blues[np.argmin(change)] < 0


@pytest.mark.parametrize("scheme", ["quantiles", "natural_breaks", "equal_interval"])
def test_change_classes_never_mix_falls_and_rises(scheme):
    """A ward with +3 must not share a (purple) class with a ward with -20."""
    change = np.array([-28.0, -20, -6, -4, 0, 3, 4, 10, 15, 36, 52, 92])
    c = class_breaks.classify(change, scheme=scheme, k=5, diverging=True)
    for i in range(len(c.bins)):
        members = change[c.index == i]
        assert (members <= 0).all() or (members >= 0).all(), (i, members)
    zero = c.index[change == 0][0]
    assert c.labels[zero] == "0" and (change[c.index == zero] == 0).all()
    assert c.labels[0].startswith("\u221228")  # a true minus sign
    # falls purple (blue > red), rises orange (red > blue), no change neutral
    for value, cls in zip(change, c.index, strict=True):
        r, _, b = to_rgb(c.colours[cls])
        assert (b > r) if value < 0 else (r > b) if value > 0 else abs(r - b) < 0.05


def test_choropleth_missing_column_is_explained(stats):
    with pytest.raises(HotspotError, match="no column 'imd_decile'"):
        L.AreaChoropleth(stats, column="imd_decile")


def test_choropleth_no_data_class(stats):
    table = stats.table.copy()
    table.loc[0, "rate"] = np.nan
    layer = L.AreaChoropleth(table, column="rate", k=3)
    assert layer.features()["_fill"].iloc[0] == style.NO_DATA_COLOUR
    assert layer.legend().labels[-1] == "No data"


def test_density_classes_are_k_times_mean(density):
    layer = L.DensitySurface(density)
    v = density.values
    ok = np.isfinite(v)
    mean = v[ok & (v > 0)].mean()  # mean of the non-zero cells inside the study area
    np.testing.assert_allclose(list(layer.thresholds().values()), [mean, 2 * mean, 3 * mean])
    cls = layer.class_grid()
    for k in (1, 2, 3):  # independent count: cells at or above k x mean
        assert (cls[ok] >= k).sum() == (v[ok] >= k * mean).sum() > 0
    np.testing.assert_array_equal(cls[ok], density.classes()[ok])  # the analysis agrees
    rgba = layer.rgba()
    assert (rgba[~ok, 3] == 0).all()  # outside the study area: transparent
    assert (rgba[ok & (v < mean), 3] == 0).all()  # below the first class: transparent
    assert (rgba[ok & (v >= mean), 3] == 255).all()


def test_density_legend_states_units_and_thresholds(density):
    lg = L.DensitySurface(density).legend()
    (label, top), *_ = sorted(density.hotspot_thresholds().items(), key=lambda kv: -kv[1])
    assert lg.labels[0] == f"{label} (≥ {top:,.1f})"
    assert "offences per km²" in lg.note


def test_density_extent_matches_transform(density):
    xmin, xmax, ymin, ymax = L.DensitySurface(density).extent()
    h, w = density.values.shape
    assert (xmin, ymax) == (density.transform.c, density.transform.f)
    assert xmax - xmin == pytest.approx(w * 50.0)
    assert ymax - ymin == pytest.approx(h * 50.0)


def test_density_rejects_unknown_display(density):
    with pytest.raises(HotspotError, match="display"):
        L.DensitySurface(density, display="heat")


def test_cluster_map_colours_and_counts(bivariate):
    layer = L.ClusterMap(bivariate, x_label="violence rate", y_label="IMD score")
    f = layer.features()
    local = bivariate.local
    for name in set(local["cluster"]):
        assert set(f.loc[local["cluster"] == name, "_fill"]) == {style.CLUSTER_COLOURS[name]}
    lg = layer.legend()
    counts = local["cluster"].value_counts()
    assert counts.get("High-High", 0) > 0
    assert lg.labels == [f"{n} ({counts.get(n, 0)} areas)" for n in style.CLUSTER_ORDER]
    assert "with care" in lg.note
    assert lg.note.startswith("High/Low: violence rate against neighbours' IMD score.")


def test_cluster_map_names_its_variables_by_default(bivariate):
    """Without labels the legend names the result's columns in words, not "x" and "y"."""
    note = L.ClusterMap(bivariate).legend().note
    assert note.startswith("High/Low: offence rate against neighbours' IMD 2019 score.")


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("HH", "High-High"),
        ("low-low", "Low-Low"),
        (4, "High-Low"),
        (2, "Low-High"),
        (None, "Not significant"),
        ("ns", "Not significant"),
    ],
)
def test_cluster_names_are_normalised(value, name):
    assert style.cluster_name(value) == name


def test_bivariate_tertiles_match_numpy_quantiles(lsoa_stats):
    _, table = lsoa_stats
    layer = L.BivariateChoropleth(table, x="rate", y="imd_score", y_label="IMD score")
    cx, cy = layer.classes()
    for values, cls in ((table["rate"], cx), (table["imd_score"], cy)):
        q1, q2 = np.quantile(values, [1 / 3, 2 / 3])
        expected = np.where(values <= q1, 0, np.where(values <= q2, 1, 2))
        np.testing.assert_array_equal(cls, expected)
    fills = layer.features()["_fill"].tolist()
    assert fills == [style.BIVARIATE_COLOURS[j][i] for i, j in zip(cx, cy, strict=True)]
    lg = layer.legend()
    assert lg.grid == 3 and len(lg.entries) == 9 and lg.y_label == "IMD score"


def test_boundaries_labels_sit_inside_their_areas(wards):
    from shapely.geometry import Point

    layer = L.AreaBoundaries(wards)
    labels = layer.labels()
    assert [t for _, _, t in labels] == list(wards["name"])
    for (x, y, _), geom in zip(labels, wards.geometry, strict=True):
        assert geom.contains(Point(x, y))
    assert layer.features()["_fill"].isna().all()


def test_boundaries_are_reprojected_to_bng(wards):
    layer = L.AreaBoundaries(wards.to_crs(4326))
    np.testing.assert_allclose(layer.bounds(), wards.total_bounds, atol=0.01)


def test_offence_points_are_hidden_by_default(points):
    layer = L.OffencePoints(points)
    assert layer.visible is False
    assert "anonymised" in layer.legend().note


def test_opacity_is_checked(wards):
    with pytest.raises(HotspotError, match="opacity"):
        L.AreaBoundaries(wards, opacity=1.5)


def test_data_without_crs_is_refused(wards):
    with pytest.raises(HotspotError, match="coordinate reference system"):
        L.AreaBoundaries(wards.set_crs(None, allow_override=True))


def test_layers_bounds_union(wards, density):
    b = L.layers_bounds([L.AreaBoundaries(wards), L.DensitySurface(density)])
    np.testing.assert_allclose(b, wards.total_bounds)


@pytest.mark.parametrize("seed", range(40))
def test_class_breaks_match_mapclassify_on_random_data(seed):
    rng = np.random.default_rng(seed)
    n, k = int(rng.integers(6, 80)), int(rng.integers(2, 8))
    values = rng.gamma(2.0, 3.0, n) if seed % 2 else rng.normal(0.0, 1.0, n)
    np.testing.assert_allclose(
        class_breaks.fisher_jenks_breaks(values, k),
        mapclassify.FisherJenks(values, k=k).bins,
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        class_breaks.quantile_breaks(values, k), mapclassify.Quantiles(values, k=k).bins, rtol=1e-12
    )
    np.testing.assert_allclose(
        class_breaks.equal_interval_breaks(values, k),
        mapclassify.EqualInterval(values, k=k).bins,
        rtol=1e-12,
    )


def test_classify_with_ties_gives_fewer_classes():
    values = np.array([1.0, 1.0, 1.0, 1.0, 2.0, 9.0])
    c = class_breaks.classify(values, scheme="quantiles", k=5)
    assert len(c.bins) == len(set(c.bins)) <= 3
    assert c.index.min() == 0 and c.index.max() == len(c.bins) - 1
    one = class_breaks.classify(np.array([4.0, 4.0]), k=5)
    assert len(one.bins) == 1 and one.index.tolist() == [0, 0]
