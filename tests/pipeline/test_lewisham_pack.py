"""The Lewisham briefing pack (12 months to June 2018, three ward pages), read as a committee would.

The run on the real files in ``../shared/data`` is shared with the other pipeline tests
(``conftest.lewisham``); its PDF text and CSV tables are checked against independent
counts (pandas, geopandas, scipy).
"""

from __future__ import annotations

import re

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import scipy.stats
from pypdf import PdfReader

from hotspot.model import Project

pytestmark = [pytest.mark.realdata, pytest.mark.slow]
WARDS = ("Lewisham Central", "Rushey Green", "Deptford")


@pytest.fixture(scope="module")
def run(lewisham):
    """The output folder of the shared Lewisham run and its briefing pack's pages as text."""
    out, _, _ = lewisham
    assert Project.load(out.parent / "project.toml").outputs.briefing_wards == WARDS
    pages = [
        " ".join(page.extract_text().split()) for page in PdfReader(out / "briefing.pdf").pages
    ]
    return out, pages


def ward_page(pages: list[str], ward: str) -> str:
    """The page the cover's contents list gives for ``ward``."""
    number = int(re.search(rf"Ward: {ward} (\d+)", pages[0]).group(1))
    return pages[number - 1]


def test_the_pack_is_a_marked_numbered_document_with_contents(run):
    _, pages = run
    n = len(pages)
    # cover, summary, density, Gi*, rates, change, ward table, three wards, methods
    assert n >= 11
    for i, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL") >= 2 and f"Page {i} of {n}" in text, i
    for ward in WARDS:
        page = ward_page(pages, ward)
        assert "Ward figures" in page and ward in page
        assert "Streets and places with most offences" in page
        assert "IMD 2019 deciles of its" in page and "SAMHI deciles of its" in page


def test_no_path_of_the_analysts_computer_is_printed(run, shared_data):
    _, pages = run
    text = " ".join(pages)
    assert str(shared_data) not in text
    assert not re.search(r"(?<![\w.])/(work|tmp|home|root|shared)/", text)
    for name in ("lewisham_wards_2022.geojson", "imd2019_london_lsoa11.xlsx"):
        assert name in text  # sources by file name ...
    assert "Ministry of Housing, Communities and Local Government" in text  # ... and publisher


def test_the_summary_states_the_figures_and_the_change_test(run):
    out, pages = run
    summary = pages[1]
    wards = pd.read_csv(out / "rates_wards.csv", encoding="utf-8-sig")
    total, prev = int(wards["count"].sum()), int(wards["count_prev"].sum())
    assert f"{total:,} offences were recorded in the 19 wards" in summary
    p = scipy.stats.binomtest(total, total + prev, 0.5).pvalue
    assert ("unlikely to be chance" if p < 0.05 else "within normal variation") in summary
    top = wards.sort_values("rate", ascending=False)["name"].head(3).tolist()
    assert f"The highest rates are in {top[0]}" in summary
    assert "Gi* finds" in summary and "hot spot cells" in summary
    assert "most deprived neighbourhoods in England" in summary
    assert not re.search(r"\d\.\d{4,}", summary) and not re.search(r"\d\.0 offences", summary)


def test_deptford_page_reads_its_samhi_deciles_the_right_way_round(run):
    _, pages = run
    page = ward_page(pages, "Deptford")
    # Deptford's LSOAs are in SAMHI deciles 1-2: the best mental health, not a concern
    assert "with the best mental health" in page
    assert "10 = poorest mental health)." not in page
    assert "most deprived neighbourhoods in England" in page  # IMD deciles 2-3


def test_ward_pages_name_the_streets_with_most_offences(run, shared_data):
    out, pages = run
    offences = pyogrio.read_dataframe(out / "offences.gpkg")
    wards = gpd.read_file(shared_data / "boundaries" / "lewisham_wards_2022.geojson").to_crs(27700)
    name_field = next(c for c in wards.columns if c.upper().startswith("WD22NM"))
    for ward in WARDS:
        page = ward_page(pages, ward)
        area = wards.loc[wards[name_field] == ward].geometry.iloc[0]
        inside = offences[offences.geometry.intersects(area)]
        counts = inside["location"].str.removeprefix("On or near ").value_counts()
        for place, n in counts.head(3).items():
            assert f"{place}: {n:,}" in page, (ward, place, n)


def test_lewisham_csvs_are_rounded_for_reading(run):
    out, _ = run
    for path in out.glob("*.csv"):
        text = path.read_text(encoding="utf-8-sig")
        assert not re.search(r"\d\.\d{4,}", text), path.name  # no 59.33999394489857
    wards = pd.read_csv(out / "rates_wards.csv", encoding="utf-8-sig", dtype=str)
    assert wards["population"].str.fullmatch(r"\d+").all()  # not "13212.0"
    assert wards["share"].str.endswith("%").all()  # not 0.0897
    summary = pd.read_csv(out / "ward_summary.csv", encoding="utf-8-sig", dtype=str)
    deptford = summary.set_index("Ward").loc["Deptford", "Summary"]
    assert "best mental health" in deptford and "784.0" not in deptford
