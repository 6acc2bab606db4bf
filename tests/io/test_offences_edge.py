"""read_offences on small hand-made files: encodings, bad rows, other layouts."""

from __future__ import annotations

import hashlib
import json
import zipfile

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import Point

from hotspot.core.errors import InputError
from hotspot.core.progress import AnalysisCancelled, CancelToken, RecordingProgress
from hotspot.io import read_offences
from hotspot.model import DROP_BAD_MONTH, DROP_DUPLICATE, DROP_NO_COORDINATES, DROP_OUTSIDE_GB

HEADER = (
    "Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
    "LSOA name,Crime type,Last outcome category,Context"
)
FORCE = "Metropolitan Police Service,Metropolitan Police Service"


def row(
    cid="", month="2024-01", lon="-0.020000", lat="51.450000", cat="Burglary", loc="On or near X"
):
    return f"{cid},{month},{FORCE},{lon},{lat},{loc},E01003189,Lewisham 034A,{cat},Under investigation,"


def write(tmp_path, name, lines, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return p


TO_BNG = Transformer.from_crs(4326, 27700, always_xy=True)


def test_bom_file_loads_with_clean_header(tmp_path):
    p = write(tmp_path, "bom.csv", [HEADER, row("a1"), row("a2")], encoding="utf-8-sig")
    data = read_offences(p)
    assert data.report.rows_kept == 2
    assert "Reported by" in data.gdf.columns
    assert not any("\ufeff" in c for c in data.gdf.columns)
    assert list(data.gdf["crime_id"]) == ["a1", "a2"]


def test_cp1252_file_loads(tmp_path):
    p = write(tmp_path, "excel.csv", [HEADER, row("a1", loc="On or near Café Street")], "cp1252")
    data = read_offences(p)
    assert data.gdf["location"].iloc[0] == "On or near Café Street"


def test_utf16_file_loads(tmp_path):
    p = write(tmp_path, "utf16.csv", [HEADER, row("a1")], "utf-16")
    assert read_offences(p).report.rows_kept == 1


def test_coordinates_transformed_like_pyproj(tmp_path):
    p = write(tmp_path, "one.csv", [HEADER, row("a1", lon="-0.123456", lat="51.500000")])
    pt = read_offences(p).gdf.geometry.iloc[0]
    ex, ny = TO_BNG.transform(-0.123456, 51.5)
    assert pt.x == pytest.approx(ex, abs=1e-6) and pt.y == pytest.approx(ny, abs=1e-6)
    # a sanity check against the known neighbourhood (Westminster, ~530,000 E 179,900 N)
    assert 529_000 < pt.x < 531_000 and 179_000 < pt.y < 181_000


def test_drop_reasons_counted_once_each(tmp_path):
    lines = [
        HEADER,
        row("a1"),
        row("a2", lon="", lat=""),  # no coordinates
        row("a3", lon="0", lat="0"),  # 0,0
        row("a4", lon="10.5", lat="45.0"),  # outside Great Britain
        row("a5", month="2024-13"),  # unreadable month
        row("a6", month="not a month"),
        row("a1"),  # duplicate Crime ID
        row("", cat="Anti-social behaviour"),  # empty IDs are never duplicates
        row("", cat="Anti-social behaviour"),
        row("a7", lon="", lat="", month="bad"),  # counted under the first reason only
    ]
    data = read_offences(write(tmp_path, "mixed.csv", lines))
    r = data.report
    assert r.rows_read == 10
    assert r.rows_kept == 3
    assert dict(r.dropped) == {
        DROP_NO_COORDINATES: 2,
        DROP_OUTSIDE_GB: 2,
        DROP_BAD_MONTH: 2,
        DROP_DUPLICATE: 1,
    }
    assert r.categories == {"Burglary": 1, "Anti-social behaviour": 2}


def test_coordinates_that_are_not_numbers(tmp_path):
    lines = [HEADER, row("a1"), row("a2", lon="abc", lat="51.4")]
    r = read_offences(write(tmp_path, "text.csv", lines)).report
    assert r.dropped == {DROP_NO_COORDINATES: 1}
    assert any("not numbers" in n for n in r.notes)


def test_first_occurrence_of_a_duplicate_is_kept(tmp_path):
    lines = [HEADER, row("dup", loc="first"), row("dup", loc="second")]
    data = read_offences(write(tmp_path, "dup.csv", lines))
    assert list(data.gdf["location"]) == ["first"]


def test_months_and_missing_months(tmp_path):
    lines = [HEADER, row("a", month="2023-11"), row("b", month="2024-02")]
    r = read_offences(write(tmp_path, "gap.csv", lines)).report
    assert r.months == ("2023-11", "2024-02")
    assert r.missing_months == ("2023-12", "2024-01")


def test_shared_locations(tmp_path):
    lines = [HEADER, row("a"), row("b"), row("c"), row("d", lon="-0.03"), row("e", lon="-0.04")]
    assert read_offences(write(tmp_path, "shared.csv", lines)).report.shared_locations == 3


def test_unknown_category_kept_and_noted(tmp_path):
    lines = [HEADER, row("a", cat="Fraud"), row("b", cat="robbery")]
    data = read_offences(write(tmp_path, "cats.csv", lines))
    assert set(data.gdf["category"]) == {"Fraud", "Robbery"}
    assert data.report.unknown_categories == {"Fraud": 1}
    assert "'Fraud' (1 rows)" in data.report.summary()


def test_header_only_file_is_empty_data(tmp_path):
    data = read_offences(write(tmp_path, "empty.csv", [HEADER]))
    assert len(data) == 0 and data.report.rows_read == 0
    assert data.gdf.crs.to_epsg() == 27700


@pytest.mark.parametrize("content", [b"", b"\n\n", b"\xef\xbb\xbf"])
def test_empty_file_is_an_input_error(tmp_path, content):
    p = tmp_path / "nothing.csv"
    p.write_bytes(content)
    with pytest.raises(InputError, match="nothing.csv"):
        read_offences(p)


def test_missing_coordinate_columns(tmp_path):
    p = write(tmp_path, "nocoords.csv", ["Crime ID,Month,Crime type", "a,2024-01,Burglary"])
    with pytest.raises(InputError, match=r"nocoords\.csv.*coordinate.*columns=") as e:
        read_offences(p)
    assert "Crime type" in str(e.value)  # lists the columns it found


def test_missing_month_column(tmp_path):
    p = write(tmp_path, "nomonth.csv", ["lon,lat,type", "-0.02,51.45,Burglary"])
    with pytest.raises(InputError, match=r"nomonth\.csv.*month"):
        read_offences(p)


def test_custom_column_names(tmp_path):
    lines = ["ref;when;E;N;what", "r1;15/03/2024;537000;172000;Robbery"]
    p = write(tmp_path, "custom.csv", lines)
    data = read_offences(
        p,
        columns={"x": "E", "y": "N", "crs": "EPSG:27700", "month": "when", "crime_id": "ref"}
        | {"category": "what"},
    )
    g = data.gdf
    assert g.geometry.iloc[0].equals(Point(537000, 172000))
    assert str(g["month"].iloc[0].date()) == "2024-03-01"
    assert g["crime_id"].iloc[0] == "r1" and g["category"].iloc[0] == "Robbery"


def test_override_naming_a_missing_column(tmp_path):
    p = write(tmp_path, "x.csv", ["lon,lat,month", "-0.02,51.45,2024-01"])
    with pytest.raises(InputError, match="'Eastings' is not a column"):
        read_offences(p, columns={"x": "Eastings", "y": "lat"})
    with pytest.raises(InputError, match="not a field"):
        read_offences(p, columns={"colour": "red"})


def test_easting_northing_csv(tmp_path):
    lines = ["Easting,Northing,Date,Offence", "537123.5,172456.25,2024-05-17,Drugs"]
    g = read_offences(write(tmp_path, "bng.csv", lines)).gdf
    assert (g.geometry.x.iloc[0], g.geometry.y.iloc[0]) == (537123.5, 172456.25)
    assert g["category"].iloc[0] == "Drugs"


@pytest.mark.parametrize(
    ("x", "y", "expect_bng"),
    [("537000", "172000", True), ("-0.02", "51.45", False)],
)
def test_plain_xy_columns_told_apart_by_values(tmp_path, x, y, expect_bng):
    p = write(tmp_path, "xy.csv", ["x,y,month", f"{x},{y},2024-01"])
    pt = read_offences(p).gdf.geometry.iloc[0]
    if expect_bng:
        assert (pt.x, pt.y) == (537000.0, 172000.0)
    else:
        ex, ny = TO_BNG.transform(-0.02, 51.45)
        assert pt.x == pytest.approx(ex) and pt.y == pytest.approx(ny)


def test_xy_in_no_known_system_is_refused(tmp_path):
    p = write(tmp_path, "merc.csv", ["x,y,month", "-2000,6700000,2024-01"])
    with pytest.raises(InputError, match="crs"):
        read_offences(p)


def test_other_crs_given_by_the_user(tmp_path):
    # web mercator metres for a point in Lewisham
    to_merc = Transformer.from_crs(4326, 3857, always_xy=True)
    mx, my = to_merc.transform(-0.02, 51.45)
    p = write(tmp_path, "merc.csv", ["x,y,month", f"{mx},{my},2024-01"])
    pt = read_offences(p, columns={"x": "x", "y": "y", "crs": "EPSG:3857"}).gdf.geometry.iloc[0]
    ex, ny = TO_BNG.transform(-0.02, 51.45)
    assert pt.x == pytest.approx(ex, abs=0.01) and pt.y == pytest.approx(ny, abs=0.01)


def test_geojson_points(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"Month": ["2024-01", "2024-02"], "Crime type": ["Robbery", "violent-crime"]},
        geometry=[Point(-0.02, 51.45), None],
        crs="EPSG:4326",
    )
    p = tmp_path / "points.geojson"
    gdf.to_file(p, driver="GeoJSON")
    data = read_offences(p)
    assert data.report.rows_read == 2 and data.report.dropped == {DROP_NO_COORDINATES: 1}
    ex, ny = TO_BNG.transform(-0.02, 51.45)
    assert data.gdf.geometry.iloc[0].x == pytest.approx(ex)


def test_geopackage_points_in_bng(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"date": ["2024-01-05", "2024-01-20"], "category": ["Drugs", "Drugs"]},
        geometry=[Point(537000, 172000), Point(537100, 172100)],
        crs="EPSG:27700",
    )
    p = tmp_path / "points.gpkg"
    gdf.to_file(p, driver="GPKG")
    data = read_offences(p)
    assert list(data.gdf.geometry.x) == [537000, 537100]
    assert data.report.months == ("2024-01",)
    # the category column is the canonical one; the dates say more than the month: kept
    assert "category_original" not in data.gdf.columns
    assert list(data.gdf["date"]) == ["2024-01-05", "2024-01-20"]


def test_polygons_are_not_offences(tmp_path):
    gdf = gpd.GeoDataFrame(
        {"month": ["2024-01"]}, geometry=[Point(0, 0).buffer(1)], crs="EPSG:27700"
    )
    p = tmp_path / "areas.gpkg"
    gdf.to_file(p, driver="GPKG")
    with pytest.raises(InputError, match="polygons"):
        read_offences(p)


def api_record(i, slug="violent-crime", month="2024-01", lat="51.45", lon="-0.02"):
    return {
        "category": slug,
        "location_type": "Force",
        "location": {
            "latitude": lat,
            "street": {"id": 1, "name": "On or near X"},
            "longitude": lon,
        },
        "context": "",
        "outcome_status": None if i % 2 else {"category": "Under investigation", "date": month},
        "persistent_id": f"p{i}",
        "id": i,
        "location_subtype": "",
        "month": month,
    }


def test_api_json_folder_deduplicated_on_id(tmp_path):
    folder = tmp_path / "api"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "ward1.json").write_text(json.dumps([api_record(1), api_record(2)]))
    (folder / "a" / "ward2.json").write_text(json.dumps([api_record(2), api_record(3, "robbery")]))
    data = read_offences(folder)
    r = data.report
    assert (r.rows_read, r.rows_kept, dict(r.dropped)) == (4, 3, {DROP_DUPLICATE: 1})
    assert r.categories == {"Violence and sexual offences": 2, "Robbery": 1}
    assert list(data.gdf["crime_id"]) == ["p1", "p2", "p3"]
    assert data.gdf["outcome"].iloc[1] == "Under investigation"
    assert data.gdf["location"].iloc[0] == "On or near X"


def test_api_json_errors(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1,')
    with pytest.raises(InputError, match=r"bad\.json.*JSON"):
        read_offences(bad)
    obj = tmp_path / "obj.json"
    obj.write_text('{"message": "rate limited"}')
    with pytest.raises(InputError, match="rate limited"):
        read_offences(obj)
    nums = tmp_path / "nums.json"
    nums.write_text("[1, 2]")
    with pytest.raises(InputError, match="record 1"):
        read_offences(nums)


def test_archive_zip_with_other_files(tmp_path):
    archive = tmp_path / "latest.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2024-01/2024-01-metropolitan-street.csv", "\n".join([HEADER, row("a")]))
        z.writestr(
            "2024-02/2024-02-metropolitan-street.csv",
            "\n".join([HEADER, row("b", month="2024-02")]),
        )
        z.writestr("2024-01/2024-01-metropolitan-outcomes.csv", "Crime ID,Month\nx,2024-01\n")
        z.writestr("2024-01/2024-01-metropolitan-stop-and-search.csv", "Type,Date\n")
    data = read_offences(archive)
    assert data.report.rows_kept == 2 and data.report.months == ("2024-01", "2024-02")
    assert any("ignored 2" in n for n in data.report.notes)
    assert data.gdf["source_file"].astype(str).str.startswith("latest.zip/").all()


def test_list_of_sources_deduplicates_across_them(tmp_path):
    a = write(tmp_path, "a.csv", [HEADER, row("x1"), row("x2")])
    b = write(tmp_path, "b.csv", [HEADER, row("x2"), row("x3")])
    r = read_offences([a, b]).report
    assert (r.rows_read, r.rows_kept) == (4, 3) and r.dropped == {DROP_DUPLICATE: 1}


def test_input_files_are_not_modified(tmp_path):
    p = write(tmp_path, "keep.csv", [HEADER, row("a"), row("a"), row("", lon="")])
    before = hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns
    read_offences(p)
    assert (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns) == before
    assert sorted(x.name for x in tmp_path.iterdir()) == ["keep.csv"]


def test_progress_and_cancel(tmp_path):
    for m in ("2024-01", "2024-02"):
        (tmp_path / m).mkdir()
        write(tmp_path / m, f"{m}-met-street.csv", [HEADER, row(m, month=m)])
    progress = RecordingProgress()
    read_offences(tmp_path, progress=progress)
    fractions = [f for f, _ in progress.updates]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    token = CancelToken()
    token.cancel()
    with pytest.raises(AnalysisCancelled):
        read_offences(tmp_path, progress=RecordingProgress(token))


def test_missing_path(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_offences(tmp_path / "nope.csv")


def test_ragged_rows_name_the_line(tmp_path):
    p = write(tmp_path, "ragged.csv", ["lon,lat,month", "-0.02,51.45,2024-01", "1,2,3,4,5"])
    with pytest.raises(InputError, match=r"ragged\.csv.*line 3"):
        read_offences(p)


def test_quoted_fields_with_commas_and_newlines(tmp_path):
    lines = [HEADER, row("a", loc='"On or near A, B"'), row("b", loc='"two\nlines"')]
    data = read_offences(write(tmp_path, "quoted.csv", lines))
    assert list(data.gdf["location"]) == ["On or near A, B", "two\nlines"]
    assert np.isfinite(data.gdf.geometry.x).all()


def test_windows_line_endings(tmp_path):
    p = tmp_path / "crlf.csv"
    p.write_bytes(("\r\n".join([HEADER, row("a1"), row("a2", cat="Drugs")]) + "\r\n").encode())
    data = read_offences(p)
    assert data.report.categories == {"Burglary": 1, "Drugs": 1}
    assert data.gdf["Context"].isna().all() or (data.gdf["Context"].astype(str) == "").all()


def test_every_kind_of_source_in_one_call_accounts_for_every_row(tmp_path):
    """police.uk CSV, archive zip, API JSON, another CSV layout and a points file together:
    the report adds up over all of them, and duplicates are found across them."""
    street = write(tmp_path, "2024-01-met-street.csv", [HEADER, row("c1"), row("c2", lon="")])
    archive = tmp_path / "archive.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2024-02/2024-02-met-street.csv", "\n".join([HEADER, row("c1"), row("z1")]))
    api = tmp_path / "api.json"
    api.write_text(json.dumps([api_record(7), api_record(8, lat="0", lon="0")]))
    other = write(
        tmp_path, "mine.csv", ["ref,Easting,Northing,Date", "m1,537000,172000,2024-13-01"]
    )
    points = tmp_path / "points.geojson"
    gpd.GeoDataFrame(
        {"Month": ["2024-01", "2024-01"]},
        geometry=[Point(-0.02, 51.45), Point(-0.03, 51.46)],
        crs="EPSG:4326",
    ).to_file(points, driver="GeoJSON")
    data = read_offences([street, archive, api, other, points])
    r = data.report
    assert r.rows_read == 2 + 2 + 2 + 1 + 2
    assert dict(r.dropped) == {
        DROP_NO_COORDINATES: 1,  # c2
        DROP_OUTSIDE_GB: 1,  # API record at 0,0
        DROP_BAD_MONTH: 1,  # month 13
        DROP_DUPLICATE: 1,  # c1 again, in the archive
    }
    assert r.rows_kept == len(data.gdf) == 5
    assert len(r.files) == 5
    assert data.gdf["source_file"].astype(str).tolist() == [
        "2024-01-met-street.csv",
        "archive.zip/2024-02/2024-02-met-street.csv",
        "api.json",
        "points.geojson",
        "points.geojson",
    ]


def test_empty_and_nested_archives_are_named(tmp_path):
    empty = tmp_path / "download.zip"
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(InputError, match=r"download\.zip: the zip archive is empty"):
        read_offences(empty)
    inner = tmp_path / "2024-01.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("2024-01/2024-01-met-street.csv", "\n".join([HEADER, row("a")]))
    outer = tmp_path / "all-months.zip"
    with zipfile.ZipFile(outer, "w") as z:
        z.write(inner, "2024-01.zip")
        z.writestr("2024-02/2024-02-met-street.csv", "\n".join([HEADER, row("b", "2024-02")]))
    data = read_offences(outer)  # a zip inside the zip is opened: one level
    assert data.report.rows_kept == 2
    assert "all-months.zip/2024-01.zip/2024-01/2024-01-met-street.csv" in data.report.files
    middle = tmp_path / "middle.zip"
    with zipfile.ZipFile(middle, "w") as z:
        z.write(inner, "2024-01.zip")
    deeper = tmp_path / "deeper.zip"
    with zipfile.ZipFile(deeper, "w") as z:
        z.write(middle, "middle.zip")
    with pytest.raises(InputError, match=r"deeper\.zip: no offence files.*unzip the outer ones"):
        read_offences(deeper)
    with zipfile.ZipFile(deeper, "a") as z:
        z.writestr("2024-03/2024-03-met-street.csv", "\n".join([HEADER, row("c", "2024-03")]))
    data = read_offences(deeper)
    assert data.report.rows_kept == 1
    assert any("ignored 1 file of other kinds" in n for n in data.report.notes)


def test_dates_in_other_layouts(tmp_path):
    """One odd value never spoils the others (pandas refuses mixed time zones as a batch)."""
    dates = {
        "2024-03-04T10:00:00+01:00": "2024-03",  # ISO with an offset: local clock time
        "2024-06-30T23:30:00Z": "2024-06",
        "2024-07-01T00:30:00+01:00": "2024-07",  # not June, as it would be in UTC
        "2024-01-05 23:59": "2024-01",
        "2024/02/03": "2024-02",  # year first: 3 February
        "04/03/2024": "2024-03",  # UK day first: 4 March
        "15-Mar-2024": "2024-03",
        "Jan 2024": "2024-01",
        "2024-13-01": None,  # no such month, not 13 January
        "2024-02-30": None,
        "1850-01": None,
        "99999999999999999999": None,
    }
    lines = ["lon,lat,date"] + [f"-0.02,51.45,{d}" for d in dates]
    data = read_offences(write(tmp_path, "dates.csv", lines))
    got = data.gdf["month"].dt.strftime("%Y-%m").tolist()
    assert got == [m for m in dates.values() if m]
    assert data.report.dropped == {DROP_BAD_MONTH: 4}


def test_a_read_me_beside_the_tables_of_a_folder_is_set_aside(tmp_path):
    folder = tmp_path / "extract"
    folder.mkdir()
    write(folder, "jan.csv", ["Easting,Northing,Date", "537000,172000,2024-01-05"])
    write(folder, "feb.csv", ["Easting,Northing,Date", "537100,172100,2024-02-05"])
    write(folder, "notes.txt", ["Extract from the council's system.", "Coordinates in BNG."])
    data = read_offences(folder)
    assert data.report.rows_read == 2 and data.report.months == ("2024-01", "2024-02")
    assert any(
        "ignored 1 table without coordinate columns (notes.txt)" in n for n in data.report.notes
    )
    (folder / "jan.csv").unlink()
    (folder / "feb.csv").unlink()
    with pytest.raises(InputError, match=r"notes\.txt: no coordinate columns"):
        read_offences(folder)  # nothing else to read: the read-me itself is explained
