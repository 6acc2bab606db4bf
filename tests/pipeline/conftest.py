"""One ``hotspot run`` of the real Lewisham files, shared by the pipeline tests that read it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def lewisham(shared_data, tmp_path_factory):
    """Serious violence, 12 months to June 2018, every analysis, a briefing pack with three
    ward pages marked OFFICIAL: (output folder, files written, messages)."""
    from hotspot import pipeline
    from hotspot.model import OutputParams, Project

    folder = tmp_path_factory.mktemp("lewisham")
    p = Project(name="Serious violence in Lewisham", path=folder / "project.toml")
    b, c = shared_data / "boundaries", shared_data / "context"
    p.add_source("offences", shared_data / "police-uk" / "lewisham-api-json")
    p.add_source("areas", b / "lewisham_wards_2022.geojson", role="wards")
    p.add_source("areas", b / "lewisham_lsoa_2021.geojson", role="lsoas")
    p.add_source("areas", b / "lewisham_borough_bng.geojson", role="study_area")
    p.add_source("indicators", c / "imd2019_london_lsoa11.xlsx", indicator="imd")
    p.add_source("indicators", c / "samhi_london_lsoa21.csv", indicator="samhi")
    p.add_source("indicators", c / "population_london_lsoa11_mid2019.csv", indicator="population")
    p.add_source("lookup", c / "lookup_lsoa11_lsoa21_lad22_ew.csv")
    p.selection = type(p.selection)(end="2018-06", months=12)
    p.outputs = OutputParams(
        maps=("gistar", "clusters"),
        html=True,
        briefing=True,
        briefing_wards=("Lewisham Central", "Rushey Green", "Deptford"),
        marking="OFFICIAL",
    )
    p.save()
    out = folder / "out"
    messages: list[str] = []
    written = pipeline.run_project(Project.load(p.path), out, log=messages.append)
    return out, written, messages
