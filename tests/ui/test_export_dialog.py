"""The Export dialog: ward pages picked from the loaded wards, checked before anything runs."""

from __future__ import annotations

from test_main_window import window  # noqa: F401 - the fixture

from hotspot.model import OutputParams
from hotspot.ui import export_dialog
from hotspot.ui.export_dialog import ExportDialog


def test_ward_pages_are_ticked_from_the_loaded_wards(qtbot, window, tmp_path):  # noqa: F811
    wards = window.session.workspace.wards
    names = sorted(wards.gdf["name"].astype(str))
    code = str(wards.gdf.set_index("name").loc[names[1], "code"])
    chosen = (names[0].lower(), code, "Atlantis")  # a name in any case, a code, a misspelling
    dialog = ExportDialog(
        OutputParams(briefing=True, briefing_wards=chosen), str(tmp_path), window, wards=wards
    )
    qtbot.addWidget(dialog)
    editor = dialog.form.editors["briefing_wards"]
    assert list(editor.boxes) == names  # a box for every ward: nothing to misspell
    ticked = {name for name, box in editor.boxes.items() if box.isChecked()}
    assert ticked == {names[0], names[1]}
    assert "'Atlantis'" in dialog.message.text()  # said at once, not after the analyses ran
    assert dialog.form.value().briefing_wards == (names[0], names[1])


def test_the_marking_and_orientation_are_chosen_in_the_dialog(qtbot, window, tmp_path):  # noqa: F811
    dialog = ExportDialog(
        OutputParams(), str(tmp_path), window, wards=window.session.workspace.wards
    )
    qtbot.addWidget(dialog)
    marking = dialog.form.editors["marking"]
    assert [marking.combo.itemData(i) for i in range(marking.combo.count())] == [
        "none",
        "OFFICIAL",
        "OFFICIAL-SENSITIVE",
    ]
    marking.set("OFFICIAL-SENSITIVE")
    dialog.form.editors["page"].set("A4-portrait")
    value = dialog.form.value()
    assert (value.marking, value.page) == ("OFFICIAL-SENSITIVE", "A4-portrait")


def test_an_unknown_ward_page_stops_the_export_before_it_starts(
    qtbot,
    window,  # noqa: F811
    tmp_path,
    monkeypatch,
):
    outputs = OutputParams(briefing=True, briefing_wards=("Atlantis",))
    out = tmp_path / "out"
    monkeypatch.setattr(export_dialog, "choose_outputs", lambda w, o, f: (outputs, out))
    window.export_dialog()
    assert "'Atlantis'" in window.message.text()
    assert not window.runner.busy and not out.exists()


def test_ward_pages_are_picked_in_the_window_where_the_wards_are_ranked(qtbot, window):  # noqa: F811
    from test_main_window import run_panel

    run_panel(qtbot, window, "rates")
    table = window.results_panel.tables["rates_ward"]
    give, take = table.view.actions()
    assert give.text() == "Give a page in the briefing pack"
    table.view.selectRow(0)
    first = table.selected_rows()["name"].iloc[0]
    give.trigger()
    assert first in window.session.project.outputs.briefing_wards
    assert window.session.dirty
    take.trigger()
    assert first not in window.session.project.outputs.briefing_wards
