"""The briefing pack PDF: a committee document, checked on its text and its artists."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import scipy.stats
from matplotlib.collections import PathCollection
from matplotlib.colors import to_hex
from matplotlib.image import AxesImage
from matplotlib.text import Text
from pypdf import PdfReader

from hotspot.core.errors import ExportError
from hotspot.core.progress import AnalysisCancelled, CallbackProgress, CancelToken
from hotspot.maps import layers as L
from hotspot.maps import static, style
from hotspot.maps.briefing import Briefing, build_pages, write_briefing
from hotspot.maps.briefing_sections import (
    bivariate_section,
    rates_section,
    ward_table,
)

PRODUCED = dt.date(2024, 11, 20)


def pdf_pages(path) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(path).pages]


@pytest.fixture(scope="module")
def pdf(pack, tmp_path_factory):
    path = tmp_path_factory.mktemp("briefing") / "briefing.pdf"
    write_briefing(path, pack)
    return path, pdf_pages(path), PdfReader(path)


@pytest.fixture(scope="module")
def figures(pack):
    """Every page as a figure, with its texts by gid (checked on the artists)."""
    figs = list(build_pages(pack))
    return figs


def texts(fig, gid: str) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_gid() == gid and t.get_text()]


def test_pages_follow_the_contents_list(pdf, figures):
    _, pages, _ = pdf
    # cover, summary, KDE, Gi*, rates, change, ward table, clusters, 2 wards, methods
    assert len(pages) == 11
    cover = figures[0]
    entries = [t.get_text() for t in texts(cover, "contents")]
    numbers = [int(t.get_text()) for t in texts(cover, "contents-page")]
    assert entries[0] == "Summary" and numbers[0] == 2
    assert entries[-1] == "Methods and data" and numbers[-1] == 11
    assert "Ward: Marsh" in entries and "Ward: Northfield" in entries
    for title, number in zip(entries, numbers, strict=True):
        # the page listed has that title (a ward page the ward's name; a long one shortened)
        assert title.removeprefix("Ward: ").removesuffix(" …") in pages[number - 1], title
    assert "Where offence rate and neighbouring deprivation …" in entries  # fits its line
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_cover_states_group_period_comparison_version_and_date(pdf):
    _, pages, reader = pdf
    cover = pages[0]
    assert "Serious violence · 12 months to October 2024" in cover
    assert "compared with 12 months to October 2023" in cover
    assert "Version 2.1 · 20 November 2024" in cover
    assert "Open Government Licence v3.0" in cover
    assert reader.metadata.title == "Serious violence in Testham"


def test_every_page_carries_marking_title_version_date_and_page_of_n(pdf, figures):
    _, pages, _ = pdf
    n = len(pages)
    for i, (text, fig) in enumerate(zip(pages, figures, strict=True), start=1):
        marks = texts(fig, "marking")
        assert [m.get_text() for m in marks] == ["OFFICIAL", "OFFICIAL"], i
        assert max(m.get_position()[1] for m in marks) > 0.98  # header
        assert min(m.get_position()[1] for m in marks) < 0.02  # footer
        footer = texts(fig, "footer")[0].get_text()
        assert footer == "Serious violence in Testham · Version 2.1 · 20 November 2024"
        assert f"Page {i} of {n}" in text


@pytest.mark.parametrize(
    ("marking", "shown"),
    [("none", None), ("OFFICIAL", "OFFICIAL"), ("OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE")],
)
def test_the_protective_marking_is_the_one_chosen(wards, tmp_path, marking, shown):
    b = Briefing(title="Marked", wards=wards, marking=marking)
    pages = pdf_pages(write_briefing(tmp_path / "m.pdf", b))
    for text in pages:
        if shown is None:
            assert "OFFICIAL" not in text
        else:
            assert text.count(shown) >= 2


@pytest.mark.parametrize("page", ["A4-landscape", "A4-portrait"])
def test_every_page_has_the_orientation_chosen(pack, tmp_path, page):
    path = write_briefing(tmp_path / "o.pdf", dataclasses.replace(pack, page=page))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in
             PdfReader(path).pages}  # fmt: skip
    assert len(sizes) == 1, sizes  # one orientation throughout
    ((w, h),) = sizes
    assert (w > h) == (page == "A4-landscape")
    assert len(PdfReader(path).pages) >= 11


def test_summary_says_what_the_results_say(pdf, stats, gistar_named):
    _, pages, _ = pdf
    text = pages[1]
    t = stats.table
    total, prev = int(t["count"].sum()), int(t["count_prev"].sum())
    rate = total / t["population"].sum() * 1000
    assert f"{total:,} offences were recorded in the 6 wards" in text
    assert f"{rate:.1f} per 1,000 residents" in text
    p = scipy.stats.binomtest(total, total + prev, 0.5).pvalue
    verdict = "unlikely to be chance" if p < 0.05 else "within normal variation"
    assert f"{abs(total - prev):,} {'more' if total > prev else 'fewer'} than" in text
    assert verdict in text.split("Change since the previous period")[1].split("(exact test")[0]
    top = t.sort_values("rate", ascending=False)["name"].head(3).tolist()
    assert f"The highest rates are in {top[0]}" in text and all(n in text for n in top)
    hot = int((gistar_named.cells["gi_bin"] > 0).sum())
    assert f"Gi* finds {hot:,} hot spot cells" in text
    by_ward = gistar_named.cells[gistar_named.cells["gi_bin"] > 0]["ward"].value_counts()
    assert f"most in {by_ward.index[0]} ({by_ward.iloc[0]})" in text
    assert "Read with care" in text and "anonymised map points" in text
    assert "not evidence that one causes the other" in text  # the correlation's caveat


def test_summary_names_the_hot_wards_deprivation_in_the_right_direction(pdf, stats, summary):
    _, pages, _ = pdf
    _, deciles = summary
    top3 = stats.table.sort_values("rate", ascending=False)["name"].head(3).tolist()
    text = pages[1]
    assert f"In {top3[0]}, {top3[1]} and {top3[2]}," in text
    # the planted hot spots are where IMD scores are highest: deciles 1-3 (most deprived)
    assert "IMD deciles 1-3 (the 30% most deprived neighbourhoods in England)" in text
    assert "poorest mental health" not in text or "SAMHI deciles 8-10" in text


def test_ward_page_has_density_and_gistar_maps_figures_profile_and_streets(
    figures, pdf, stats, located, wards, summary, gistar_named
):
    fig = figures[8]  # Marsh
    assert texts(fig, "title")[0].get_text() == "Marsh"
    maps = [a for a in fig.axes if a.get_gid() == "map"]
    assert len(maps) == 2
    assert any(isinstance(im, AxesImage) for im in maps[0].get_images())  # the density surface
    hot = set(gistar_named.cells["gi_bin"].astype(int)) - {0}
    fills = {to_hex(c) for coll in maps[1].collections if isinstance(coll, PathCollection)
             for c in coll.get_facecolors()}  # fmt: skip
    assert {style.GI_BIN_COLOURS[b] for b in hot} & fills
    headings = [t.get_text() for t in texts(fig, "map-heading")]
    assert headings == ["Kernel density", "Gi* hot spots"]
    # the ward's figures, with the change and its test
    text = pdf[1][8]
    row = stats.table.set_index("name").loc["Marsh"]
    assert f"Offences: {int(row['count']):,}" in text
    assert f"Rank: {int(row['rank'])} of 6 wards" in text
    assert f"Change: {int(row['change']):+,}" in text
    assert f"Change test: {row['change_label'].lower()} (exact test, p" in text
    # the IMD and SAMHI profile: bars of the ward's LSOAs per decile, as the summary counts
    code = str(wards.set_index("name").loc["Marsh", "code"])
    for label in ("IMD", "SAMHI"):
        ax = next(a for a in fig.axes if a.get_gid() == f"deciles-{label}")
        heights = [int(p.get_height()) for p in ax.patches]
        assert heights == summary[0].attrs["deciles"][label][code]
        assert sum(heights) == 4  # Marsh holds four of the 500 m LSOAs
    sentences = " ".join(t.get_text() for t in texts(fig, "decile-sentence")).replace("\n", " ")
    imd, samhi = (summary[0].attrs["deciles"][k][code] for k in ("IMD", "SAMHI"))
    assert imd[0] and "IMD decile 1 (the 10% most deprived neighbourhoods" in sentences
    worst = "SAMHI decile 10 (the 10% of neighbourhoods in England with the poorest mental"
    assert samhi[9] and worst in sentences
    # the streets and places, counted independently
    ward = wards[wards["name"] == "Marsh"].geometry.iloc[0]
    inside = located[located.geometry.intersects(ward)]
    counts = inside["location"].str.removeprefix("On or near ").value_counts()
    for place, n in counts.head(3).items():
        assert f"{place}: {n:,}" in text


def test_change_map_marks_significant_changes_apart_from_normal_variation(stats, wards):
    ctx = static.MapContext(wards=wards, outline=wards.dissolve(), boundary_year=2024)
    table = stats.table.copy()
    table["change_flag"] = [True, False, True, False, False, False]  # two flagged by hand
    table["change"] = [40, 8, -30, -5, 0, 12]
    fig = static.change_map(dataclasses.replace(stats, table=table), ctx)
    ax = next(a for a in fig.axes if a.get_gid() == "map")
    coll = next(c for c in ax.collections if isinstance(c, PathCollection))
    widths = np.asarray(coll.get_linewidths())
    faces = [to_hex(c) for c in coll.get_facecolors()]
    # flagged wards are drawn last, with a dark outline and strong colours
    assert sorted(widths[-2:]) == [1.8, 1.8] and (widths[:-2] < 1).all()
    strong = {L.CHANGE_CLASSES[k][0] for k in L.CHANGE_CLASSES if L.CHANGE_CLASSES[k][1]}
    assert set(faces[-2:]) == strong
    assert not set(faces[:-2]) & strong  # a +8 or a +12 does not look like a real rise
    legend = " ".join(t.get_text() for t in fig.findobj(Text))
    assert "Rise unlikely to be chance (1 wards)" in legend
    assert "Rise within normal variation (2 wards)" in legend
    assert "No change (1 wards)" in legend
    methods = next(t.get_text() for t in fig.findobj(Text) if t.get_gid() == "methods-box")
    assert "exact binomial test" in methods
    assert "Empirical" not in methods  # said on the rates map, not repeated here


def test_top_wards_table_matches_the_rates(pdf, stats):
    _, pages, _ = pdf
    table = pages[6]
    assert "Wards ranked by rate" in table
    top = stats.table.sort_values("rank").iloc[0]
    assert f"1 {top['name']} {top['count']:,} {top['rate']:.1f}" in table
    for name in stats.table["name"]:
        assert name in table


def test_methods_page_says_how(pdf, gistar):
    _, pages, _ = pdf
    methods = pages[-1]
    assert "Methods and data" in methods
    assert "quartic kernel" in methods
    assert f"seed {gistar.params.seed}" in methods
    assert "Benjamini-Hochberg" in methods
    assert "Rows read: 1,000" in methods
    assert "Contains OS data © Crown copyright and database right 2024" in methods
    assert "Indices of Deprivation" in methods


def test_no_folder_of_the_analysts_computer_is_printed(wards, tmp_path):
    b = Briefing(
        title="Sources",
        wards=wards,
        load_report="Source: /home/jsmith/Documents/police/2024-10-met-street.csv\nRows read: 10",
        data_notes=(
            "IMD (/home/jsmith/data/imd2019_london_lsoa11.xlsx): carried to 2021 LSOAs",
            "Population (C:\\Users\\jsmith\\Downloads\\population_mid2019.csv): 175 areas",
        ),
        sources=("Deprivation (IMD 2019): imd2019_london_lsoa11.xlsx (MHCLG)",),
    )
    text = " ".join(pdf_pages(write_briefing(tmp_path / "s.pdf", b)))
    assert "jsmith" not in text and "/home" not in text and "C:\\" not in text
    for name in ("2024-10-met-street.csv", "imd2019_london_lsoa11.xlsx", "population_mid2019.csv"):
        assert name in text
    assert "Sources" in text and "(MHCLG)" in text


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
    pages = pdf_pages(write_briefing(tmp_path / "pub.pdf", lean))
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
    assert "Station (" not in pages[1]  # the summary does not name a suppressed ward


@pytest.mark.parametrize("samhi", [False, True])
def test_cluster_page_cites_the_context_it_maps(pack, bivariate, samhi):
    """SAMHI and IMD both loaded; the cluster page cites only the one it compares with."""
    both = dataclasses.replace(
        pack,
        samhi=True,
        imd=True,
        sections=[bivariate_section(bivariate, samhi=samhi)],
        ward_pages=[],
    )
    pages = [
        {t.get_gid(): t.get_text() for t in fig.findobj(Text) if t.get_gid()}
        for fig in build_pages(both)
    ]
    clusters = next(t for t in pages if "go together" in t.get("title", ""))
    assert ("Indices of Deprivation" in clusters["attribution"]) is not samhi
    assert ("SAMHI" in clusters["attribution"]) is samhi
    assert "Daras" in pages[0]["attribution"]  # the cover cites every source loaded


def test_data_page_names_source_files_not_folders_on_the_analysts_computer(wards):
    from hotspot.maps.briefing_methods import _methods_blocks

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
    assert len(figs) == 3  # cover, summary (its caveats) and methods
    with pytest.raises(ExportError, match="needs ward boundaries"):
        write_briefing(tmp_path / "x.pdf", Briefing(title="No wards"))


def test_long_methods_text_continues_on_another_page(wards, tmp_path):
    report = "\n".join(f"Line {i} of a long load report" for i in range(300))
    b = Briefing(title="Long", wards=wards, load_report=report)
    pages = [p.extract_text() for p in PdfReader(write_briefing(tmp_path / "long.pdf", b)).pages]
    assert len(pages) >= 4
    assert "Methods and data (continued)" in pages[-1]
    assert "Line 299 of a long load report" in pages[-1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


def test_gistar_cells_carry_ward_names(gistar_named, wards):
    cells = gistar_named.cells
    assert cells["ward"].notna().all()  # every cell of the study area is in a ward
    centres = gpd.GeoDataFrame(geometry=cells.geometry.representative_point(), crs=cells.crs)
    joined = gpd.sjoin(centres, wards[["name", "geometry"]], predicate="within")
    joined = joined[~joined.index.duplicated()]
    assert (cells.loc[joined.index, "ward"] == joined["name"]).all()


def test_every_summary_figure_is_rounded(pdf):
    _, pages, _ = pdf
    text = " ".join(pages[:2])
    assert not re.search(r"\d+\.\d{4,}", text), "an unrounded number"
    assert not re.search(r"\b\d[\d,]*\.0 offences", text)
