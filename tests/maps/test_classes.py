"""Class breaks analysts expect: natural breaks on every rate map, said on the legend."""

from __future__ import annotations

import json

import mapclassify
import numpy as np
import pytest
from matplotlib.text import Text

from hotspot.maps import class_breaks, static, web, web_html
from hotspot.maps import layers as L

# Ward rates per 1,000 of a borough with a few high-rate wards (the shape of Lewisham's)
RATES = np.array(
    [19.8, 20.0, 20.6, 21.0, 22.3, 22.4, 23.7, 24.2, 24.7, 24.9, 25.9, 26.8, 27.3, 29.2, 29.6]
    + [37.5, 45.2, 56.2, 59.3]
)


def test_high_rate_wards_are_not_lumped_with_much_lower_ones():
    """Quantiles put 37.5 with 59.3 (the top fifth); natural breaks keep them apart."""
    quantiles = class_breaks.classify(RATES, scheme="quantiles", k=5)
    assert quantiles.index[15] == quantiles.index[18]  # the defect: 37.5 and 59.3 together
    c = class_breaks.classify(RATES, k=5)  # the default
    assert c.scheme == "natural_breaks"
    assert c.index[15] != c.index[18]
    ref = mapclassify.FisherJenks(RATES, k=5)
    np.testing.assert_allclose(c.bins, ref.bins, rtol=1e-12)
    np.testing.assert_array_equal(c.index, ref.yb)


def test_class_labels_give_each_class_its_own_range():
    c = class_breaks.classify(RATES, k=5)
    # each label runs from the lowest to the highest value in its class: no overlaps
    for i, label in enumerate(c.labels):
        members = RATES[c.index == i]
        lo, hi = f"{members.min():.1f}", f"{members.max():.1f}"
        assert label == (lo if lo == hi else f"{lo} – {hi}")


def test_jenks_on_many_areas_is_found_on_a_sample_that_agrees():
    rng = np.random.default_rng(5)
    values = np.concatenate([rng.gamma(3, 8, 1200), rng.normal(120, 8, 300)])
    c = class_breaks.classify(values, k=5)
    ref = mapclassify.FisherJenks(values, k=5).bins
    # found on 1,000 of the 1,500 values; each break within 5% of the range of the exact one
    assert len(c.bins) == 5 and c.bins[-1] == values.max()
    span = values.max() - values.min()
    assert np.abs(np.asarray(c.bins) - ref).max() < 0.05 * span


@pytest.fixture(scope="module")
def ctx(wards):
    return static.MapContext(wards=wards, outline=wards.dissolve(), boundary_year=2024)


def test_print_web_and_window_maps_of_rates_use_the_same_classes(stats, ctx):
    """One scheme, chosen once: the print map, map.html and the window show the same classes."""
    from hotspot.pipeline.registry import spec

    window = next(
        e.layer for e in spec("rates").layers({"rates": stats}) if e.key == "result:rates:rate"
    )
    expected = L.AreaChoropleth(stats, column="rate").classes.labels
    assert window.classes.labels == expected
    fig = static.rates_map(stats, ctx)
    printed = {t.get_text() for t in fig.findobj(Text)}
    assert set(expected) <= printed
    assert "Classes: natural breaks (Jenks)." in printed
    html = web_html.render_html(web.build_map([window]))
    for label in expected:
        assert json.dumps(label)[1:-1] in html  # the legend is written as a JSON string
    assert "Classes: natural breaks (Jenks)." in html
