"""The analysis registry: one declaration per analysis, and every front end loops over it."""

from __future__ import annotations

import pandas as pd
import pytest
from _toy_analysis import SHIPPED_ANALYSES

from hotspot import pipeline
from hotspot.core.errors import ProjectError
from hotspot.model import OutputParams, Project
from hotspot.pipeline import analysis_spec, registry


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from hotspot.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("registry") / "demo").folder


def test_the_analyses_are_declared_once_in_order():
    ids = registry.analysis_ids()
    assert ids == SHIPPED_ANALYSES
    for s in registry.analyses():
        assert s.id in s.result_keys() and s.result_keys()[0] == s.id
        assert s.title and s.intro and s.methods
        assert registry.params(Project(), s.id) == s.params()  # defaults when absent
    maps = [m.id for m in registry.print_maps()]
    assert maps == [
        "kde",
        "gistar",
        "rates",
        "change",
        "named_areas",
        "clusters",
        "bivariate",
        "emerging",
        "stability",
    ]


def test_an_analysis_added_as_one_module_reaches_every_output(with_monthly, demo, tmp_path):
    assert registry.analysis_ids()[-1] == "monthly"
    project = pipeline.load_project(demo / "project.toml")
    project.outputs = OutputParams(gpkg=False, geotiff=False, offences_gpkg=False)
    written = pipeline.run_project(project, tmp_path / "out")
    names = {p.name for p in written}
    assert "monthly.csv" in names
    months = pd.read_csv(tmp_path / "out" / "monthly.csv", encoding="utf-8-sig")
    sel = pipeline.select(project, pipeline.load_workspace(project))
    assert int(months["count"].sum()) == len(sel.offences)  # every selected offence counted
    busiest = months.sort_values("count", ascending=False).iloc[0]
    summary = (tmp_path / "out" / "summary.txt").read_text(encoding="utf-8")
    assert f"Months\n  Busiest month: {busiest['month']} ({int(busiest['count']):,} offences)" in (
        summary
    )
    # its parameters are read from the project file like any other analysis's
    toml = project.save(tmp_path / "p.toml").read_text(encoding="utf-8")
    (tmp_path / "p.toml").write_text(toml + "\n[analysis.monthly]\ntop = 0\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="analysis.monthly.top: 0 is below the minimum"):
        pipeline.load_project(tmp_path / "p.toml")


def test_missing_inputs_are_said_in_each_front_end_s_words(demo):
    project = pipeline.load_project(demo / "project.toml")
    project.sources = [s for s in project.sources if s.kind == "offences"]
    ws = pipeline.load_workspace(project)
    assert registry.missing_inputs("kde", ws) is None
    plain = registry.missing_inputs("rates", ws)
    assert plain == "Add ward or LSOA boundaries first."
    cli = registry.missing_inputs("rates", ws, analysis_spec.command_line_hint)
    assert cli == (
        'Add ward or LSOA boundaries first (a [[sources]] entry with kind = "areas" in the '
        "project file)."
    )
    window = registry.missing_inputs("rates", ws, {"areas": "File > Add boundaries"}.get)
    assert window == "Add ward or LSOA boundaries first (File > Add boundaries)."
    with pytest.raises(analysis_spec.MissingInput) as exc:
        registry.run_analysis("bivariate", project, ws)
    assert exc.value.missing.source == "areas"


def test_unknown_analyses_and_maps_are_refused_when_the_project_is_opened(demo, tmp_path):
    text = (demo / "project.toml").read_text(encoding="utf-8")
    for extra, message in (
        ('analyses = ["kde", "heat"]', "outputs.analyses: 'heat' is not an analysis"),
        ('maps = ["heat"]', "outputs.maps: 'heat' is not a print map; known: kde, gistar"),
    ):
        bad = tmp_path / "bad.toml"
        key = extra.split(" = ")[0]
        lines = [ln for ln in text.splitlines() if not ln.startswith(f"{key} =")]
        at = lines.index("[outputs]") + 1
        bad.write_text("\n".join([*lines[:at], extra, *lines[at:]]) + "\n", encoding="utf-8")
        with pytest.raises(ProjectError, match=message):
            pipeline.load_project(bad)
