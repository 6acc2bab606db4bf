"""The briefing pack PDF: pages, text, suppression, safety of the file."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from pypdf import PdfReader

from hotspot.core.errors import ExportError
from hotspot.core.progress import AnalysisCancelled, CallbackProgress, CancelToken
from hotspot.maps.briefing import Briefing, build_pages, write_briefing
from hotspot.maps.briefing_sections import (
    bivariate_section,
    rates_section,
    ward_table,
)


@pytest.fixture(scope="module")
def pdf(pack, tmp_path_factory):
    path = tmp_path_factory.mktemp("briefing") / "briefing.pdf"
    write_briefing(path, pack)
    reader = PdfReader(path)
    return path, [" ".join(p.extract_text().split()) for p in reader.pages], reader


def test_page_order_and_count(pdf):
    _, pages, _ = pdf
    # cover, KDE, Gi*, rates, change, top wards, clusters, 2 wards, methods
    assert len(pages) == 10
    assert "Serious violence in Testham" in pages[0]
    assert "kernel density hotspots" in pages[1]
    assert "Getis-Ord Gi*" in pages[2]
    assert "Offences per 1,000 residents by ward" in pages[3]
    assert "Change since the previous period" in pages[4]
    assert "Wards with the highest rates" in pages[5]
    assert "Local bivariate Moran clusters" in pages[6]
    assert "Ward figures" in pages[7] and "Ward figures" in pages[8]
    assert "Methods and data" in pages[9]


def test_cover_states_group_period_and_comparison(pdf):
    _, pages, reader = pdf
    cover = pages[0]
    assert "Serious violence · 12 months to October 2024" in cover
    assert "compared with 12 months to October 2023" in cover
    assert "Open Government Licence v3.0" in cover
    assert reader.metadata.title == "Serious violence in Testham"


def test_every_page_is_marked_and_numbered(pdf):
    _, pages, _ = pdf
    for i, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL") >= 2, i
        assert str(i) in text


def test_top_wards_table_matches_the_rates(pdf, stats):
    _, pages, _ = pdf
    table = pages[5]
    top = stats.table.sort_values("rank").iloc[0]
    assert f"1 {top['name']} {top['count']:,} {top['rate']:.1f}" in table
    for name in stats.table["name"]:
        assert name in table


@pytest.mark.parametrize(("page", "ward"), [(7, "Marsh"), (8, "Northfield")])
def test_ward_page_figures(pdf, stats, page, ward):
    _, pages, _ = pdf
    row = stats.table.set_index("name").loc[ward]
    text = pages[page]
    assert "Ward figures" in text
    assert f"Rank: {int(row['rank'])} of {len(stats.table)} wards" in text
    assert f"Offences: {int(row['count']):,}" in text
    assert f"Rate per 1,000 residents: {row['rate']:.1f}" in text


def test_methods_page_says_how(pdf, gistar):
    _, pages, _ = pdf
    methods = pages[9]
    assert "quartic kernel" in methods
    assert f"seed {gistar.params.seed}" in methods
    assert "Benjamini-Hochberg" in methods
    assert "Rows read: 1,000" in methods
    assert "Contains OS data © Crown copyright and database right 2024" in methods
    assert "Indices of Deprivation" in methods


def test_small_counts_are_suppressed_in_tables(stats):
    table = stats.table.copy()
    table.loc[table["rank"] == 1, "count"] = 3
    shown = ward_table(table, suppress_below=5)
    first = shown.iloc[0]
    assert first["Offences"] == "<5"
    assert first["Rate per 1,000"] == "" and first["Change"] == ""
    plain = ward_table(table, suppress_below=0)
    assert plain.iloc[0]["Offences"] == "3"


def test_suppressed_counts_reach_the_pdf(pack, stats, tmp_path):
    table = stats.table.copy()
    table.loc[table["name"] == "Station", "count"] = 2
    rates = dataclasses.replace(stats, table=table)
    lean = Briefing(
        title="Published",
        wards=pack.wards,
        sections=[rates_section(rates)],
        suppress_below=5,
        ward_pages=["Station"],
    )
    path = write_briefing(tmp_path / "pub.pdf", lean)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]
    text = " ".join(pages)
    assert "Station <5" in text
    assert "shown as <5" in text
    # the next smallest count is withheld too, or the total would give Station's away
    smallest = table[table["name"] != "Station"].sort_values("count").iloc[0]
    assert f"{smallest['name']} [c]" in text
    ward = next(p for p in pages if "Ward figures" in p)
    assert "Offences: <5" in ward
    assert "Rate per 1,000 residents: not shown (small numbers)" in ward
    assert "Rank: not shown (small numbers)" in ward


@pytest.mark.parametrize("samhi", [False, True])
def test_cluster_page_cites_the_context_it_maps(pack, bivariate, samhi):
    """SAMHI and IMD both loaded; the cluster page cites only the one it compares with."""
    from matplotlib.text import Text

    both = dataclasses.replace(
        pack,
        samhi=True,
        imd=True,
        sections=[bivariate_section(bivariate, samhi=samhi)],
        ward_pages=[],
    )
    texts = [
        {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}
        for fig in build_pages(both)
    ]
    clusters = next(t for t in texts if "go together" in t.get("title", ""))
    assert ("Indices of Deprivation" in clusters["attribution"]) is not samhi
    assert ("SAMHI" in clusters["attribution"]) is samhi
    assert "Daras" in texts[0]["attribution"]  # the cover cites every source loaded


def test_data_page_names_source_files_not_folders_on_the_analysts_computer(wards):
    from hotspot.maps.briefing import _methods_blocks

    report = "Source: C:\\Users\\jsmith\\Documents\\2024-10-met-street.csv\nRows read: 10"
    b = Briefing(title="t", wards=wards, load_report=report)
    lines = dict(_methods_blocks(b))["How the offence data were read"]
    assert lines == ["Source: 2024-10-met-street.csv", "Rows read: 10"]


def test_ward_table_is_ranked_and_limited(stats):
    big = pd.concat([stats.table] * 3, ignore_index=True)
    big["rank"] = range(len(big), 0, -1)
    shown = ward_table(big, top=10)
    assert len(shown) == 10
    assert shown["Rank"].tolist() == [str(r) for r in range(1, 11)]


def test_unknown_ward_is_refused_before_writing(pack, tmp_path):
    bad = dataclasses.replace(pack, ward_pages=["Atlantis"])
    with pytest.raises(ExportError, match="no ward is called or coded 'Atlantis'.*Marsh"):
        write_briefing(tmp_path / "b.pdf", bad)
    assert list(tmp_path.iterdir()) == []


def test_refuses_to_overwrite(pdf, pack):
    path, _, _ = pdf
    before = path.read_bytes()
    with pytest.raises(ExportError, match="already exists"):
        write_briefing(path, pack)
    assert path.read_bytes() == before


def test_cancelled_pack_leaves_nothing(pack, tmp_path):
    token = CancelToken()
    seen = []

    def cancel_on_third(fraction, message):
        seen.append(message)
        if len(seen) == 3:
            token.cancel()

    with pytest.raises(AnalysisCancelled):
        write_briefing(tmp_path / "b.pdf", pack, progress=CallbackProgress(cancel_on_third, token))
    assert list(tmp_path.iterdir()) == []


def test_minimal_pack_without_results(wards, tmp_path):
    b = Briefing(title="Wards only", wards=wards)
    figs = list(build_pages(b))
    assert len(figs) == 2  # cover and methods
    with pytest.raises(ExportError, match="needs ward boundaries"):
        write_briefing(tmp_path / "x.pdf", Briefing(title="No wards"))


def test_long_methods_text_continues_on_another_page(wards, tmp_path):
    report = "\n".join(f"Line {i} of a long load report" for i in range(150))
    b = Briefing(title="Long", wards=wards, load_report=report)
    path = write_briefing(tmp_path / "long.pdf", b)
    pages = [p.extract_text() for p in PdfReader(path).pages]
    assert len(pages) >= 3
    assert "Methods and data (continued)" in pages[-1]
    assert "Line 149 of a long load report" in pages[-1]
