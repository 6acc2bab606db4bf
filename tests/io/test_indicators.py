"""read_indicators on IMD 2019, SAMHI and population tables (real and hand-made)."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from hotspot.core.errors import InputError
from hotspot.io import read_indicators

DOMAINS = (
    "imd",
    "income",
    "employment",
    "education",
    "health",
    "crime",
    "housing",
    "living_environment",
)


def _csv_rows(path, encoding="utf-8"):
    with open(path, newline="", encoding=encoding) as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def imd(context):
    return read_indicators(context / "imd2019_london_lsoa11.xlsx")


@pytest.mark.realdata
def test_imd_xlsx_measures(imd):
    assert (imd.kind, imd.vintage, imd.year) == ("imd", 2011, 2019)
    assert len(imd.table) == 4_835 and imd.table["lsoa_code"].is_unique
    expected = [f"{d}_{m}" for d in DOMAINS for m in ("score", "rank", "decile")]
    assert sorted(imd.measures) == sorted(expected)
    assert imd.table["imd_decile"].between(1, 10).all()


@pytest.mark.realdata
def test_imd_xlsx_values_match_the_sheet(imd, context):
    book = openpyxl.load_workbook(context / "imd2019_london_lsoa11.xlsx", read_only=True)
    sheet = book["IMD 2019"]
    sheet.reset_dimensions()  # the file's stored dimensions are wrong; read every cell
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    first = dict(zip(header, next(rows), strict=False))
    got = imd.table.set_index("lsoa_code").loc[first["LSOA code (2011)"]]
    assert got["imd_score"] == pytest.approx(first["Index of Multiple Deprivation (IMD) Score"])
    assert got["crime_score"] == pytest.approx(first["Crime Score"])
    assert (
        got["living_environment_decile"]
        == first["Living Environment Decile (where 1 is most deprived 10% of LSOAs)"]
    )


@pytest.mark.realdata
def test_imd_xlsx_population_sheet(context):
    pop = read_indicators(context / "imd2019_london_lsoa11.xlsx", kind="population")
    assert pop.kind == "population" and pop.year == 2015 and pop.measures == ["population"]
    assert len(pop.table) == 4_835


@pytest.mark.realdata
def test_imd_lewisham_ranks_csv(context):
    path = context / "imd2019_lewisham_lsoa11_ranks.csv"
    ind = read_indicators(path)
    assert (ind.kind, ind.vintage) == ("imd", 2011)
    assert ind.measures == ["imd_rank", "imd_decile"]
    raw = {r["LSOA11CD"]: int(r["IMD_rank"]) for r in _csv_rows(path)}
    assert dict(zip(ind.table["lsoa_code"], ind.table["imd_rank"], strict=True)) == raw


@pytest.mark.realdata
def test_samhi_london_csv(context):
    path = context / "samhi_london_lsoa21.csv"
    s = read_indicators(path)
    assert (s.kind, s.vintage, s.year) == ("samhi", 2021, 2022)
    assert set(s.measures) == {"samhi_index", "samhi_decile", "antidep_rate", "est_qof_dep"}
    raw = _csv_rows(path)
    assert len(s.table) == len(raw) == 4_994
    frac = sum(1 for r in raw if float(r["samhi_dec.2022"]) % 1)
    assert frac > 0 and any(f"{frac} SAMHI deciles are fractional" in n for n in s.notes)
    first = s.table.set_index("lsoa_code").loc[raw[0]["LSOA21CD"]]
    assert first["samhi_index"] == pytest.approx(float(raw[0]["samhi_index.2022"]))


@pytest.mark.realdata
def test_samhi_year_choice(context):
    path = context / "samhi_london_lsoa21.csv"
    s2019 = read_indicators(path, year=2019)
    assert s2019.year == 2019 and s2019.measures == ["samhi_index"]
    with pytest.raises(InputError, match=r"2015.*2019, 2022"):
        read_indicators(path, year=2015)


@pytest.mark.realdata
def test_samhi_official_wide_layout(context):
    path = context / "samhi_lincolnshire_lsoa_official_wide_layout.csv"
    s = read_indicators(path)
    assert s.kind == "samhi" and s.year == 2022
    assert {"samhi_index", "samhi_decile"} <= set(s.measures)
    raw = _csv_rows(path)
    by_code = {r[f"LSOA{str(s.vintage)[2:]}CD"]: r for r in raw}
    assert set(s.table["lsoa_code"]) == set(by_code)
    code = s.table["lsoa_code"].iloc[0]
    assert s.table["samhi_index"].iloc[0] == pytest.approx(float(by_code[code]["samhi_index.2022"]))
    s2011 = read_indicators(path, year=2011)
    assert s2011.year == 2011
    assert s2011.table["samhi_decile"].iloc[0] == float(by_code[code]["samhi_dec.2011"])


@pytest.mark.realdata
def test_population_mid_year(context):
    path = context / "population_london_lsoa11_mid2019.csv"
    pop = read_indicators(path)
    assert (pop.kind, pop.vintage, pop.year) == ("population", 2011, 2019)
    total = sum(int(r["Persons_All-Ages"]) for r in _csv_rows(path))
    assert pop.table["population"].sum() == total
    assert len(pop.table) == 4_835


FILE7_HEADER = [
    "LSOA code (2011)",
    "LSOA name (2011)",
    "Local Authority District code (2019)",
    "Local Authority District name (2019)",
    "Index of Multiple Deprivation (IMD) Score",
    "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
    "Index of Multiple Deprivation (IMD) Decile (where 1 is most deprived 10% of LSOAs)",
    "Income Score (rate)",
    "Income Deprivation Affecting Children Index (IDACI) Score (rate)",
    "Barriers to Housing and Services Score",
    "Total population: mid 2015 (excluding prisoners)",
]


def test_file7_csv_in_cp1252(tmp_path):
    p = tmp_path / "File_7_IoD2019.csv"
    rows = [
        ",".join(f'"{h}"' for h in FILE7_HEADER),
        'E01000001,City of London 001A,E09000001,City of London,6.208,29199,9,0.007,0.006,27.1,"1,296"',
    ]
    p.write_bytes("\n".join(rows).encode("cp1252"))
    ind = read_indicators(p)
    assert (ind.kind, ind.vintage, ind.year) == ("imd", 2011, 2019)
    row = ind.table.iloc[0]
    assert row["imd_score"] == 6.208 and row["imd_decile"] == 9 and row["imd_rank"] == 29199
    assert row["income_score"] == 0.007 and row["idaci_score"] == 0.006
    assert row["housing_score"] == 27.1
    assert "population" not in ind.table


def test_plain_population_table_with_bom(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_bytes("\ufefflsoa_code,population\nE01033769,1500\nE01000001,1,636\n".encode())
    with pytest.raises(InputError, match="pop.csv"):
        read_indicators(p)  # a ragged row is reported, not guessed
    p.write_bytes('\ufefflsoa_code,population\nE01033769,1500\nE01000001,"1,636"\n'.encode())
    ind = read_indicators(p)
    assert ind.kind == "population" and list(ind.table["population"]) == [1500, 1636]
    assert ind.vintage == 2021  # E01033769 only exists among 2021 codes


def test_vintage_unknown_is_noted(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("code,population\nE01000001,1500\n")
    ind = read_indicators(p)
    assert ind.vintage is None and any("2011 or 2021" in n for n in ind.notes)


def test_no_lsoa_column(tmp_path):
    p = tmp_path / "wards.csv"
    p.write_text("ward,population\nE05000001,1500\n")
    with pytest.raises(InputError, match=r"wards\.csv: no column looks like an LSOA code"):
        read_indicators(p)


def test_wrong_kind_requested(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("LSOA11CD,population\nE01000001,1500\n")
    with pytest.raises(InputError, match="no SAMHI index"):
        read_indicators(p, kind="samhi")
    with pytest.raises(InputError, match="kind"):
        read_indicators(p, kind="weather")


def test_non_numbers_are_left_empty_and_noted(tmp_path):
    p = tmp_path / "pop.csv"
    p.write_text("LSOA11CD,population\nE01000001,1500\nE01000002,n/a\nE01000002,7\n")
    ind = read_indicators(p)
    assert ind.table["population"].isna().sum() == 1
    assert any("not numbers" in n for n in ind.notes)
    assert any("repeat an LSOA code" in n for n in ind.notes) and len(ind.table) == 2


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_indicator_encodings_seen_in_the_wild(tmp_path, encoding):
    p = tmp_path / "samhi.csv"
    text = (
        "LSOA11CD,LSOA11NM,samhi_index.2019,samhi_dec.2019\r\n"
        "W01000001,Ynys Môn 001A,0.25,6\r\n"
        "E01000001,Café 001A,-1.5,2\r\n"
    )
    p.write_bytes(text.encode(encoding))
    s = read_indicators(p)
    assert (s.kind, s.vintage, s.year) == ("samhi", 2011, 2019)
    assert list(s.table["lsoa_code"]) == ["W01000001", "E01000001"]
    assert list(s.table["samhi_index"]) == [0.25, -1.5]
    assert list(s.table["samhi_decile"]) == [6, 2]


def test_a_code_column_without_lsoa_codes_is_explained(tmp_path):
    p = tmp_path / "wards.csv"
    p.write_text("LSOA11CD,population\nE05000001,1500\nE05000002,1600\n")
    with pytest.raises(InputError, match=r"'LSOA11CD' does not hold LSOA codes.*'E05000001'"):
        read_indicators(p)


def test_a_repeated_samhi_measure_keeps_the_first_column(tmp_path):
    p = tmp_path / "samhi.csv"
    p.write_text("LSOA21CD,samhi_index.2022,samhi_index_2022\nE01000001,0.5,9.9\n")
    assert read_indicators(p).table["samhi_index"].tolist() == [0.5]


def test_spreadsheets_that_are_not_xlsx_say_what_to_do(tmp_path):
    csv_named_xlsx = tmp_path / "imd.xlsx"
    csv_named_xlsx.write_text("LSOA11CD,IMD_rank\nE01000001,5\n")
    with pytest.raises(InputError, match=r"imd\.xlsx: is not a spreadsheet.*rename it to \.csv"):
        read_indicators(csv_named_xlsx)
    old = tmp_path / "imd.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(InputError, match=r"imd\.xls: .*save it as \.xlsx or CSV|imd\.xls: could"):
        read_indicators(old)
