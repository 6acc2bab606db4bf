"""The params form is generated from the declarations and round-trips values exactly."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from hotspot.core.errors import ProjectError
from hotspot.core.params import param, specs, validate
from hotspot.model import MapParams, OutputParams, SelectionParams
from hotspot.ui.widgets.param_editors import ChoiceEditor, MultiChoiceEditor, NumberEditor
from hotspot.ui.widgets.params_form import ParamsForm


@dataclass(frozen=True)
class DemoParams:
    kernel: str = param(
        "quartic", label="Kernel", help="Kernel shape.", choices=("quartic", "gaussian")
    )
    bandwidth: float | None = param(
        None,
        label="Bandwidth",
        help="Search radius.",
        unit="m",
        minimum=1,
        computed="Silverman's rule",
    )
    alpha: float = param(0.05, label="Alpha", help="Significance level.", minimum=0, maximum=1)
    permutations: int = param(999, label="Permutations", help="Count.", minimum=0, advanced=True)
    k: tuple[int, ...] = param((1, 2, 3), label="Classes", help="Multiples of the mean.")
    fdr: bool = param(True, label="FDR", help="Benjamini-Hochberg.")

    def __post_init__(self):
        validate(self)


def _analysis_classes():
    from hotspot.pipeline.registry import params_classes

    return list(params_classes().items())


@pytest.mark.parametrize(
    "cls", [SelectionParams, MapParams, OutputParams, DemoParams], ids=lambda c: c.__name__
)
def test_defaults_round_trip(qtbot, cls):
    form = ParamsForm(cls)
    qtbot.addWidget(form)
    assert form.value() == cls()


@pytest.mark.parametrize("section_cls", _analysis_classes(), ids=lambda p: p[0])
def test_analysis_params_defaults_round_trip(qtbot, section_cls):
    section, cls = section_cls
    form = ParamsForm(cls, section=f"analysis.{section}")
    qtbot.addWidget(form)
    assert form.value() == cls()
    assert set(form.editors) == {s.name for s in specs(cls)}


def test_labels_tooltips_and_editor_types_follow_the_declarations(qtbot):
    form = ParamsForm(DemoParams)
    qtbot.addWidget(form)
    kernel = form.editors["kernel"]
    assert isinstance(kernel, ChoiceEditor)
    assert [kernel.combo.itemText(i) for i in range(kernel.combo.count())] == [
        "quartic",
        "gaussian",
    ]
    bandwidth = form.editors["bandwidth"]
    assert isinstance(bandwidth, NumberEditor) and bandwidth.auto is not None
    assert bandwidth.auto.isChecked()  # None = auto
    assert "Search radius." in bandwidth.toolTip()
    assert "Silverman's rule" in bandwidth.toolTip()
    assert bandwidth.spin.suffix() == " m"
    # the analyses and print maps are offered by the registry, not the declaration
    from hotspot.ui.export_dialog import registry_choices

    choices, labels = registry_choices()
    outputs = ParamsForm(OutputParams, choices=choices, choice_labels=labels)
    qtbot.addWidget(outputs)
    maps = outputs.editors["maps"]
    assert isinstance(maps, MultiChoiceEditor)
    assert list(maps.boxes) == list(choices["maps"])
    assert maps.boxes["gistar"].text() == "Gi* hot spots"
    analyses = outputs.editors["analyses"]
    assert all(box.isChecked() for box in analyses.boxes.values())  # None = every analysis
    assert outputs.value().analyses is None
    analyses.boxes["kde"].setChecked(False)
    assert outputs.value().analyses == tuple(a for a in choices["analyses"] if a != "kde")


def test_edited_values_come_back_as_a_params_instance(qtbot):
    form = ParamsForm(DemoParams, section="analysis.demo")
    qtbot.addWidget(form)
    form.editors["kernel"].set("gaussian")
    form.editors["bandwidth"].set(312.5)
    form.editors["alpha"].set(0.01)
    form.editors["k"].edit.setText("1, 2")
    form.editors["fdr"].set(False)
    assert form.value() == DemoParams(
        kernel="gaussian", bandwidth=312.5, alpha=0.01, k=(1, 2), fdr=False
    )


def test_set_value_then_value_is_identity_for_unusual_numbers(qtbot):
    original = DemoParams(bandwidth=287.123456, alpha=0.0125, permutations=99, k=(2, 5))
    form = ParamsForm(DemoParams, original)
    qtbot.addWidget(form)
    assert form.value() == original


def test_auto_state_gives_none_and_shows_how_it_was_computed(qtbot):
    form = ParamsForm(DemoParams)
    qtbot.addWidget(form)
    form.editors["bandwidth"].set(400.0)
    form.editors["bandwidth"].auto.setChecked(True)
    assert form.value().bandwidth is None
    form.show_computed(DemoParams(bandwidth=331.0), {"bandwidth": "0.9 x min(SD, ...) x n^-0.2"})
    note = form.editors["bandwidth"].computed_text()
    assert "331 m" in note and "0.9 x min" in note


def test_bad_list_entry_is_reported_naming_the_parameter(qtbot):
    form = ParamsForm(DemoParams, section="analysis.demo")
    qtbot.addWidget(form)
    form.editors["k"].edit.setText("1, two")
    with pytest.raises(ProjectError, match=r"analysis\.demo\.k"):
        form.value()


def test_selection_form_reads_an_explicit_period_end(qtbot):
    form = ParamsForm(SelectionParams, section="selection")
    qtbot.addWidget(form)
    form.editors["end"].set("2024-10")
    form.editors["months"].set(6)
    assert form.value() == SelectionParams(end="2024-10", months=6)
    form.editors["end"].set("October")
    with pytest.raises(ProjectError, match="selection.end"):
        form.value()


def test_advanced_parameters_are_tucked_away(qtbot):
    form = ParamsForm(DemoParams)
    qtbot.addWidget(form)
    form.show()
    assert not form.editors["permutations"].isVisible()
    form.advanced_toggle.setChecked(True)
    assert form.editors["permutations"].isVisible()


def test_panel_hints_name_choices_plainly_and_grey_out_what_does_not_apply(qtbot):
    from hotspot.analysis.kde import KdeParams
    from hotspot.pipeline.registry import spec

    hints = spec("kde").form
    form = ParamsForm(KdeParams, choice_labels=hints.choice_labels, applies=hints.applies)
    qtbot.addWidget(form)
    rule = form.editors["hotspot_rule"].combo
    texts = [rule.itemText(i) for i in range(rule.count())]
    assert texts == ["Multiples of the mean", "Top percentage of cells"]
    # the default rule uses the multiples; the top percentage does not apply
    assert form.editors["hotspot_k"].isEnabled()
    assert not form.editors["top_percent"].isEnabled()
    assert form.editors["top_percent"].toolTip().startswith("Used only with the hotspot rule")
    form.editors["hotspot_rule"].set("top_percent")
    assert form.editors["top_percent"].isEnabled() and not form.editors["hotspot_k"].isEnabled()
    assert not form.is_used("hotspot_k")
    # the value stored is the declared choice, not the text shown
    assert form.value() == KdeParams(hotspot_rule="top_percent")


def test_a_number_shows_its_unit_in_the_box_not_twice(qtbot):
    form = ParamsForm(DemoParams)
    qtbot.addWidget(form)
    assert form.labels["bandwidth"].text() == "Bandwidth"
    assert form.editors["bandwidth"].spin.suffix() == " m"
