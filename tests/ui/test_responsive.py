"""The window's own thread never does the work that grows with the number of offences.

On a whole force (three million rows) selecting the offences, checking them and writing
the load report's map points take a second or more (``benchmarks/bench_window_city.py``
measures the freezes). Here, on the demo, the test records which thread runs that work:
after a load and after a new period it is always a worker, and the window shows the
result once it is there.
"""

from __future__ import annotations

import threading

import pytest
from _window import LOAD_TIMEOUT, wait_for_map

from hotspot import pipeline
from hotspot.analysis import map_points
from hotspot.pipeline import validate
from hotspot.ui.main_window import MainWindow
from hotspot.ui.settings import Settings


@pytest.fixture
def threads_of(monkeypatch):
    """Wrap the heavy steps: each call notes whether it ran on the window's thread."""
    calls: list[tuple[str, bool]] = []

    def watch(module, name):
        original = getattr(module, name)

        def wrapped(*args, **kwargs):
            calls.append((name, threading.current_thread() is threading.main_thread()))
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, wrapped)

    watch(pipeline, "select")
    watch(validate, "selection_problems")
    watch(map_points, "busiest_points")
    return calls


def test_loading_and_selecting_run_off_the_window_thread(
    qtbot, demo_project, fresh_settings, threads_of
):
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(demo_project)
    wait_for_map(qtbot, w)
    loaded = list(threads_of)
    assert {name for name, _ in loaded} == {"select", "selection_problems", "busiest_points"}
    assert not [name for name, on_gui in loaded if on_gui], loaded
    report = w.data_panel.report.toPlainText()
    assert "== Map points" in report and "== Selection ==" in report
    months_before = w.session.selection().period.n_months

    # a new period: selected in the background, then every view follows it
    threads_of.clear()
    with qtbot.waitSignal(w.session.selection_changed, timeout=LOAD_TIMEOUT):
        w.data_panel.months.setValue(3)
        assert w.session.selecting  # the window carries on meanwhile
    wait_for_map(qtbot, w)
    assert threads_of and not [name for name, on_gui in threads_of if on_gui], threads_of
    sel = w.session.selection()
    assert sel.period.n_months == 3 != months_before
    assert f"Period: {sel.period.label}" in w.data_panel.report.toPlainText()
    assert "3 months to" in w.map.html  # the map was redrawn for it
    w.session.dirty = False


def test_a_run_asked_for_before_the_selection_is_made_uses_the_new_one(
    qtbot, demo_project, fresh_settings
):
    w = MainWindow(Settings())
    qtbot.addWidget(w)
    w.show()
    assert w.open_project(demo_project)
    wait_for_map(qtbot, w)
    w.data_panel.months.setValue(2)
    # no waiting: Run at once works out the selection there and then
    panel = w.analysis["kde"]
    assert panel.run_button.isEnabled()
    panel.run_button.click()
    qtbot.waitUntil(lambda: "kde" in w.session.results, timeout=LOAD_TIMEOUT)
    wait_for_map(qtbot, w)
    assert w.session.results["kde"].n_points == len(w.session.selection().offences)
    assert w.session.selection().period.n_months == 2
    w.session.dirty = False
