"""Zone numbers stay readable on print maps: a ward name on top of one moves aside (or
goes), a road name on top of one goes; names elsewhere are untouched."""

from __future__ import annotations

import geopandas as gpd
import shapely

from hotspot.maps import layers as L
from hotspot.maps import print_page
from hotspot.maps.print_labels import clear_zone_numbers
from hotspot.maps.zone_layers import ZoneOutlines


def _zones_and_wards():
    """Two zones; ward A's name point sits on zone 1's number, ward B's far from both."""
    z1 = shapely.box(1000, 1000, 1300, 1300)
    z2 = shapely.box(3000, 3000, 3200, 3200)
    zones = gpd.GeoDataFrame(
        {
            "zone": [1, 2],
            "name": ["Zone 1", "Zone 2"],
            "offences": [40, 20],
            "share_offences": [0.4, 0.2],
            "area_km2": [0.09, 0.04],
            "pai": [3.0, 2.5],
            "wards": ["Ashcombe Rise", ""],
            "places": ["High Street (40)", "Mill Lane (20)"],
        },
        geometry=[z1, z2],
        crs=27700,
    )
    # ward A is a square centred on zone 1: its name goes where zone 1's number goes
    wards = gpd.GeoDataFrame(
        {"code": ["A", "B"], "name": ["Ashcombe Rise", "Brackenholt"]},
        geometry=[shapely.box(150, 150, 2150, 2150), shapely.box(2150, 150, 4150, 2150)],
        crs=27700,
    )
    return zones, wards


def _texts(fig, gid):
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    return [t for t in ax.texts if t.get_gid() == gid]


def test_a_ward_name_on_a_zone_number_moves_aside_and_the_number_stays():
    zones, wards = _zones_and_wards()
    fig = print_page.print_map(
        [ZoneOutlines(zones), L.AreaBoundaries(wards)], title="t", extent=(0, 0, 4300, 4300)
    )
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    numbers = [t for t in _texts(fig, "zone-label") if t.get_visible()]
    assert sorted(t.get_text() for t in numbers) == ["1", "2"]
    names = {t.get_text(): t for t in _texts(fig, "area-label")}
    shown = [t for t in names.values() if t.get_visible()]
    for name in shown:
        for number in numbers:
            assert not name.get_window_extent(r).overlaps(number.get_window_extent(r))
    # the name far from any zone is where its ward puts it
    placed = {text: (x, y) for x, y, text in L.AreaBoundaries(wards).labels()}
    far = names["Brackenholt"]
    assert far.get_visible()
    assert far.get_position() == placed["Brackenholt"]
    # the name that sat on zone 1 moved up or down (not sideways) and is still shown
    moved = names["Ashcombe Rise"]
    x, y = placed["Ashcombe Rise"]
    assert moved.get_visible()
    assert abs(moved.get_position()[0] - x) < 1e-6
    assert abs(moved.get_position()[1] - y) > 20.0


def test_nothing_changes_without_zone_numbers():
    _, wards = _zones_and_wards()
    fig = print_page.print_map([L.AreaBoundaries(wards)], title="t", extent=(0, 0, 4300, 4300))
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    assert clear_zone_numbers(fig, ax) == 0
    assert all(t.get_visible() for t in _texts(fig, "area-label"))
